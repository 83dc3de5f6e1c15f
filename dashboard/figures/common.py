"""What every figure shares: the palette, the plotly template, empty states, bar sizing.
(DataFrames → Plotly figures, no database access; the pages' own figures are the other
modules of ``dashboard.figures``.)

Every figure has a title, uses the colour-blind-safe palette below (Paul Tol's "muted"
scheme, one fixed colour per activity kind so a kind looks the same on every chart),
and, when its frame is empty, shows a message that says what to do instead of an empty
pair of axes.
"""
from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from dashboard.labels import add_translations, ellipsize, t
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


def empty(title: str, message: str | Callable[[], str] = LOAD_HINT, height: int | None = None) -> go.Figure:
    """A titled figure with no axes and a centred message (never a blank chart). ``message`` may be
    a function giving it, called only here: a page passes why its chart is empty (which reads the
    schema) without reading it for the charts that draw something."""
    if callable(message):
        message = message()
    fig = _base(title, height)
    fig.update_layout(
        xaxis=dict(visible=False), yaxis=dict(visible=False),
        annotations=[dict(text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                          align="center", font=dict(size=14, color="#5B6B82"))],
    )
    fig.layout.meta = {"empty": True}
    return fig


DOMESTIC_NOTE = "Domestic partners ({country}): {partners}, {documents}<br>not counted here"
DOMESTIC_MARGIN = 76  # top margin of a chart carrying the note (title, then the note's two lines)
add_translations({DOMESTIC_NOTE: "国内合作伙伴（{country}）：{partners}，{documents}<br>不计入此图"})
add_translations({"{n} partner": "{n} 个", "{n} partners": "{n} 个", "{n} document": "{n} 篇文档",
                  "{n} documents": "{n} 篇文档"}, context="count")


def domestic_note(fig: go.Figure, df: pd.DataFrame, lang: str = "en") -> go.Figure:
    """A line under the title naming the domestic partners a country chart leaves out
    (``df.attrs["domestic"]``, set by :func:`dashboard.queries.domestic.split_countries`)."""
    dom = getattr(df, "attrs", {}).get("domestic")
    if not dom:
        return fig
    from dashboard.regions import country_label

    def count(n: int, one: str, many: str) -> str:
        return t(one if n == 1 else many, lang, context="count").format(n=n)

    text = t(DOMESTIC_NOTE, lang).format(country=country_label(dom["country"], lang),
                                         partners=count(dom["partners"], "{n} partner", "{n} partners"),
                                         documents=count(dom["documents"], "{n} document", "{n} documents"))
    fig.add_annotation(text=text, x=1, y=1, xref="paper", yref="paper", xanchor="right", yanchor="bottom",
                       showarrow=False, align="right", font=dict(size=11, color="#5B6B82"), yshift=2)
    fig.layout.meta = {**(fig.layout.meta or {}), "domestic": dom}
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
    name = ellipsize(name, width)
    return f"{name} ({country})" if country else name


def _kind_order(df: pd.DataFrame, value: str) -> list[str]:
    """Kinds in the palette's order, present ones only (stable legend and colours)."""
    present = set(df["kind"])
    known = [k for k in ACTIVITY_KINDS if k in present]
    return known + sorted(present - set(known))


# ---------------------------------------------------------------------------
# Count axes: the one place that decides how a count is ticked
# ---------------------------------------------------------------------------
NICE_STEPS = (1, 2, 5)
MAX_TICKS = 6          # at most this many intervals on a count axis or colour bar
FEW_YEARS = 3          # a year axis with this many years or fewer is drawn narrow
YEAR_SPAN = 5          # … as if it had this many (so one year is one bar, not the whole width)


def count_step(vmax: float, max_ticks: int = MAX_TICKS) -> int:
    """The tick step of a count axis from 0 to ``vmax``: a whole 1, 2, 5 × 10ⁿ, at most
    ``max_ticks`` intervals (``count_step(3)`` = 1, never 0.5; ``count_step(40)`` = 10)."""
    vmax = max(float(vmax or 0), 1.0)
    magnitude = 10 ** max(0, int(math.floor(math.log10(vmax / max_ticks))) if vmax > max_ticks else 0)
    while True:
        for m in NICE_STEPS:
            step = m * magnitude
            if vmax / step <= max_ticks:
                return int(step)
        magnitude *= 10


def _count_axis(vmax: float) -> dict[str, Any]:
    return dict(tickmode="linear", tick0=0, dtick=count_step(vmax), tickformat=",d", rangemode="tozero")


def _numbers(values: Any) -> list[float]:
    out = []
    for v in values if values is not None else ():
        try:
            f = float(v)
        except (TypeError, ValueError):
            continue
        if not math.isnan(f):
            out.append(f)
    return out


def _axis_key(ref: str | None, letter: str) -> str:
    """``"x2"`` → ``"xaxis2"``; ``None`` → ``"xaxis"``."""
    ref = ref or letter
    return f"{letter}axis{ref[1:]}"


def finish(fig: go.Figure) -> go.Figure:
    """Whole-number ticks on every count axis and colour bar, and a sensible bar for a year or two.

    Every chart of the dashboard, its exports and the report passes here (the :func:`figure`
    decorator, :func:`dashboard.export.chart`), so no chart shows 0.5 documents: the value
    axis of bars (not of bars with a ``base``, which are spans of time) and the colour bars of
    heat maps and maps tick at 1, 2, 5 × 10ⁿ from 0, printed as integers. A vertical bar chart
    of one to :data:`FEW_YEARS` years is drawn as if it had :data:`YEAR_SPAN`, ticked at its
    years only, so one year is one bar of the usual width, not a slab across the chart.
    """
    stacked = fig.layout.barmode in ("stack", "relative")
    totals: dict[str, dict[Any, float]] = {}
    maxima: dict[str, float] = {}
    years: dict[str, set[int]] = {}
    for tr in fig.data:
        if tr.type == "bar" and tr.base is None:
            horizontal = tr.orientation == "h"
            axis = _axis_key(tr.xaxis if horizontal else tr.yaxis, "x" if horizontal else "y")
            values = tr.x if horizontal else tr.y
            cats = tr.y if horizontal else tr.x
            nums = _numbers(values)
            if not nums:
                continue
            if stacked and cats is not None and len(cats) == len(values):
                acc = totals.setdefault(axis, {})
                for c, v in zip(cats, values):
                    fv = _numbers([v])
                    if fv and fv[0] > 0:
                        acc[c] = acc.get(c, 0.0) + fv[0]
            maxima[axis] = max(maxima.get(axis, 0.0), max(nums))
            if not horizontal and cats is not None:
                xs = _numbers(cats)
                if xs and len(xs) == len(cats) and all(1900 <= x <= 2200 and x == int(x) for x in xs):
                    years.setdefault(_axis_key(tr.xaxis, "x"), set()).update(int(x) for x in xs)
        elif tr.type in ("heatmap", "choropleth") and getattr(tr, "showscale", None) is not False:
            zs = _numbers([v for row in (tr.z if tr.z is not None else ())
                           for v in (row if isinstance(row, (list, tuple)) else [row])])
            zmax = tr.zmax if tr.zmax is not None else (max(zs) if zs else 1)
            tr.update(colorbar=dict(tickmode="linear", tick0=0, dtick=count_step(zmax), tickformat=",d"))
        elif tr.type == "scattergeo" and tr.marker is not None and tr.marker.showscale:
            tr.update(marker_colorbar=dict(tickformat=",d"))
    layout: dict[str, Any] = {}
    for axis, vmax in maxima.items():
        if getattr(fig.layout, axis, None) is not None and fig.layout[axis].type in ("date", "category"):
            continue
        top = max(vmax, max(totals.get(axis, {}).values(), default=0.0))
        layout[axis] = _count_axis(top)
    for axis, ys in years.items():
        ax = getattr(fig.layout, axis, None)
        if ax is not None and ax.type in ("date", "category"):
            continue
        lo, hi = min(ys), max(ys)
        if hi - lo + 1 <= FEW_YEARS:
            pad = (YEAR_SPAN - (hi - lo + 1)) / 2
            layout[axis] = dict(range=[lo - 0.5 - pad, hi + 0.5 + pad], tickmode="array",
                                tickvals=list(range(lo, hi + 1)), ticktext=[str(y) for y in range(lo, hi + 1)])
    if layout:
        fig.update_layout(layout)
    return fig


def figure(fn: Callable[..., go.Figure]) -> Callable[..., go.Figure]:
    """Decorator for a figure function: its figure goes through :func:`finish`."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return finish(fn(*args, **kwargs))
    wrapper.finished = True  # type: ignore[attr-defined]
    return wrapper
