"""What every figure shares: the palette, the plotly template, empty states, bar sizing.
(DataFrames → Plotly figures, no database access; the pages' own figures are the other
modules of ``dashboard.figures``.)

Every figure has a title, uses the colour-blind-safe palette below (Paul Tol's "muted"
scheme, one fixed colour per activity kind so a kind looks the same on every chart),
and, when its frame is empty, shows a message that says what to do instead of an empty
pair of axes.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from dashboard.labels import add_translations
from etl.load.models import ACTIVITY_KINDS

# Paul Tol, "muted" qualitative scheme: distinguishable under the common colour-vision
# deficiencies and in greyscale print. https://personal.sron.nl/~pault/
PALETTE = ["#332288", "#88CCEE", "#44AA99", "#117733", "#999933",
           "#DDCC77", "#CC6677", "#882255", "#AA4499"]
NEUTRAL = "#DDDDDD"
ACCENT = "#1F4E8C"          # single-series bars: the header's blue
KIND_COLORS = dict(zip(ACTIVITY_KINDS, PALETTE))
# Sequential scale for the map: light to dark blue, monotone in lightness (readable by all).
SEQUENTIAL = ["#EAF2FA", "#BCD5EC", "#86B4DB", "#4F8EC4", "#2A66A6", "#163F73"]

# Same stack as app.css: "Intl CJK" is the CJK web font the app serves (assets/fonts).
FONT_STACK = ('system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", '
              '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Intl CJK", '
              'sans-serif')

LOAD_HINT = ("No data loaded yet.<br>Load the sample with <b>intl demo</b>, "
             "or your own files with <b>intl etl run PATH</b>.")
FILTER_HINT = "Nothing matches these filters.<br>Widen the year range or clear a filter."

add_translations({
    LOAD_HINT: "尚未加载数据。<br>使用 <b>intl demo</b> 加载示例数据，或使用 <b>intl etl run PATH</b> 加载您的文件。",
    FILTER_HINT: "没有符合这些筛选条件的数据。<br>请扩大年份范围或清除某个筛选条件。",
    "activities": "活动数",
    "documents": "文档数",
})

TEMPLATE = "intl"
pio.templates[TEMPLATE] = go.layout.Template(layout=go.Layout(
    font=dict(family=FONT_STACK, size=13, color="#243044"),
    title=dict(x=0.0, xanchor="left", xref="container", pad=dict(l=6),
               font=dict(size=15, color="#15213a")),
    paper_bgcolor="rgba(0,0,0,0)",
    plot_bgcolor="rgba(0,0,0,0)",
    colorway=PALETTE,
    margin=dict(l=8, r=8, t=48, b=8),
    xaxis=dict(showgrid=False, zeroline=False, linecolor="#C9D1DC", ticks="", automargin=True),
    yaxis=dict(gridcolor="#ECEFF4", zeroline=False, linecolor="#C9D1DC", automargin=True),
    legend=dict(orientation="h", yanchor="top", y=-0.12, x=0, xanchor="left",
                font=dict(size=12), title=dict(text="")),
    hoverlabel=dict(bgcolor="white", bordercolor="#C9D1DC", font=dict(family=FONT_STACK, size=12)),
    bargap=0.25,
))


def _base(title: str, height: int | None = None, **layout) -> go.Figure:
    """A figure with the project's template, a title and any other ``layout`` given, built in
    one construction (each ``update_layout`` re-validates: tens of ms on a busy page)."""
    lay = dict(template=TEMPLATE, title=dict(text=title), **layout)
    if height:
        lay["height"] = height
    return go.Figure(layout=lay)


def empty(title: str, message: str = LOAD_HINT, height: int | None = None) -> go.Figure:
    """A titled figure with no axes and a centred message (never a blank chart)."""
    fig = _base(title, height)
    fig.update_layout(
        xaxis=dict(visible=False), yaxis=dict(visible=False),
        annotations=[dict(text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                          align="center", font=dict(size=14, color="#5B6B82"))],
    )
    fig.layout.meta = {"empty": True}
    return fig


def is_empty(fig: go.Figure) -> bool:
    """Whether ``fig`` is an empty-state figure (for tests and callers)."""
    meta = fig.layout.meta
    return isinstance(meta, dict) and bool(meta.get("empty"))


def _row_height(n: int) -> tuple[int, float]:
    """Figure height and bar gap for ``n`` horizontal bars: bars keep one thickness (~20 px)."""
    rows = max(n, 4)
    band = 30 * rows / max(n, 1)
    return 120 + 30 * rows, max(0.25, 1 - 20 / band)


def _label(name: str, country: str | None, width: int = 40) -> str:
    """``"Name (CC)"``, the name shortened with an ellipsis so long names do not squeeze the bars."""
    if len(name) > width:
        name = name[: width - 1].rstrip() + "…"
    return f"{name} ({country})" if country else name


def _kind_order(df: pd.DataFrame, value: str) -> list[str]:
    """Kinds in the palette's order, present ones only (stable legend and colours)."""
    present = set(df["kind"])
    known = [k for k in ACTIVITY_KINDS if k in present]
    return known + sorted(present - set(known))
