"""DataFrames → figures for the Schools page and the page of each school (no database access).

Built on :mod:`dashboard.figures.common` (template, palette, empty states). Each clickable element
carries its drill-down spec (``DrillSpec.to_dict()``) as the last item of its
``customdata``, which :mod:`dashboard.components.drilldown` reads on click.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.common import (
    ACCENT,
    KIND_COLORS,
    LOAD_HINT,
    NEUTRAL,
    SEQUENTIAL,
    _base,
    _kind_order,
    _label,
    _row_height,
    empty,
    figure,
)
from dashboard.labels import KIND_LABELS, add_translations, kind_label, short_school, t
from dashboard.queries.drill import DrillSpec
from dashboard.regions import country_label

HEAT_TITLE = "Activities per school and year"
HEAT_DOCS_TITLE = "Documents per school and year"
TREND_TITLE = "Activities per year, by kind"
KINDS_TITLE = "Kinds of activity"
PARTNERS_TITLE = "Partners named with the school"
MOBILITY_TITLE = "Students abroad per year, by country"

add_translations({
    HEAT_TITLE: "各学院逐年活动数",
    HEAT_DOCS_TITLE: "各学院逐年文档数",
    TREND_TITLE: "逐年活动（按类型）",
    KINDS_TITLE: "活动类型",
    PARTNERS_TITLE: "与该学院同时提及的合作伙伴",
    MOBILITY_TITLE: "逐年出国（境）学生（按国家）",
    "activities": "活动数",
    "documents": "文档数",
    "students": "学生数",
    "year": "年份",
    "Other countries": "其他国家",
    "No students abroad in the office's reports for this selection.": "国际处报表中没有此范围内的出国（境）学生。",
})


def clean_text(value) -> str | None:
    """A text value from a frame, or None: pandas' string columns hold NaN for SQL NULL."""
    return value if isinstance(value, str) and value else None


def kind_name(kind: str, lang: str | None = "en") -> str:
    """An activity kind in the interface language."""
    if lang == "zh" and kind in KIND_LABELS:
        return KIND_LABELS[kind][1]
    return kind_label(kind)


def school_label(name: str, zh: str | None, lang: str | None = "en") -> str:
    """Axis label of a school: its Chinese name in the Chinese interface, else the short English one."""
    return zh if lang == "zh" and clean_text(zh) else short_school(name)


def _sequential() -> list[list]:
    return [[i / (len(SEQUENTIAL) - 1), c] for i, c in enumerate(SEQUENTIAL)]


# ---------------------------------------------------------------------------
@figure
def school_year_heatmap(df: pd.DataFrame, metric: str = "activities", years: tuple[int, int] | None = None,
                        lang: str | None = "en", empty_message: str = LOAD_HINT) -> go.Figure:
    """School × year heat map of ``metric`` (``activities`` or ``documents``), busiest school on top.

    ``df`` has columns ``unit_id, school, zh, year, activities, documents``; ``years`` widens
    the axis to the selected range so a quiet year shows as an empty column. Each cell's
    customdata is ``{"school", "year", "what"}`` for the drill-down.
    """
    metric = metric if metric in ("activities", "documents") else "activities"
    title = t(HEAT_TITLE if metric == "activities" else HEAT_DOCS_TITLE, lang)
    d = df[df[metric] > 0] if not df.empty else df
    if d.empty:
        return empty(title, empty_message, height=420)
    totals = d.groupby("unit_id")[metric].sum().sort_values(ascending=True)
    schools = list(totals.index)          # bottom to top: the busiest school ends on top
    names = d.drop_duplicates("unit_id").set_index("unit_id")
    lo, hi = int(d["year"].min()), int(d["year"].max())
    if years:
        lo, hi = min(lo, years[0]), max(hi, years[1])
    all_years = list(range(lo, hi + 1))
    grid = d.pivot_table(index="unit_id", columns="year", values=metric, aggfunc="sum")
    grid = grid.reindex(index=schools, columns=all_years)
    z = [[None if pd.isna(v) else int(v) for v in row] for row in grid.to_numpy()]
    labels = [school_label(names.at[u, "school"], names.at[u, "zh"], lang) for u in schools]
    full = [f"{names.at[u, 'school']} {clean_text(names.at[u, 'zh']) or ''}".strip() for u in schools]
    what = "activities" if metric == "activities" else "documents"
    custom = [[DrillSpec(school=int(u), year=y, what=what).to_dict() for y in all_years] for u in schools]
    unit = t(metric, lang)
    text = [[f"<b>{full[i]}</b><br>{y}: {z[i][j] if z[i][j] is not None else 0} {unit}"
             for j, y in enumerate(all_years)] for i in range(len(schools))]
    height = 150 + 34 * max(len(schools), 4)
    fig = _base(title, height=height)
    fig.add_heatmap(
        x=all_years, y=labels, z=z, customdata=custom, text=text, hovertemplate="%{text}<extra></extra>",
        texttemplate="%{z}", textfont=dict(size=12), colorscale=_sequential(), zmin=0,
        zmax=max(1, max((v for row in z for v in row if v is not None), default=1)), xgap=3, ygap=3,
        hoverongaps=False, showscale=True,
        colorbar=dict(title=dict(text=unit, side="top"), thickness=10, len=0.5, outlinewidth=0, x=1.0,
                      xanchor="left", y=1, yanchor="top"),
    )
    fig.update_layout(xaxis=dict(tickmode="linear", dtick=1 if len(all_years) <= 16 else 2, side="top",
                                 showgrid=False),
                      yaxis=dict(showgrid=False, categoryorder="array", categoryarray=labels),
                      margin=dict(l=8, r=8, t=72, b=8))
    # The axis's year labels sit on top; the title needs room above them.
    fig.update_layout(title=dict(y=0.985, yanchor="top"))
    if len(all_years) < 6:  # a year or two (a narrow filter): cells of a sensible width, not the page's
        fig.update_layout(width=330 + 130 * len(all_years))
    return fig


@figure
def trend(df: pd.DataFrame, school_id: int, years: tuple[int, int] | None = None, lang: str | None = "en",
          empty_message: str = LOAD_HINT) -> go.Figure:
    """Stacked bars: one school's activities per year and kind (``year, kind, activities``)."""
    title = t(TREND_TITLE, lang)
    if df.empty:
        return empty(title, empty_message, height=400)
    lo, hi = int(df["year"].min()), int(df["year"].max())
    if years:
        lo, hi = min(lo, years[0]), max(hi, years[1])
    all_years = list(range(lo, hi + 1))
    fig = _base(title, height=400, barmode="stack",
                xaxis=dict(tickmode="linear", dtick=1 if len(all_years) <= 16 else 2),
                yaxis=dict(title=dict(text=t("activities", lang)), rangemode="tozero"), legend=dict(y=-0.16))
    traces = []
    for kind in _kind_order(df, "activities"):
        part = df[df["kind"] == kind].set_index("year")["activities"].reindex(all_years, fill_value=0)
        name = kind_name(kind, lang)
        traces.append(dict(type="bar", x=all_years, y=part.tolist(), name=name,
                           marker=dict(color=KIND_COLORS.get(kind, NEUTRAL)),
                           customdata=[[DrillSpec(school=school_id, year=y, kind=kind, what="activities").to_dict()]
                                       for y in all_years],
                           hovertemplate="%{x}: %{y} · " + name + "<extra></extra>"))
    fig.add_traces(traces)  # one call: each add_bar would copy and re-validate the figure
    return fig


@figure
def kinds_bars(df: pd.DataFrame, school_id: int, lang: str | None = "en",
               empty_message: str = LOAD_HINT) -> go.Figure:
    """Horizontal bars: one school's activities per kind (``kind, activities, documents``)."""
    title = t(KINDS_TITLE, lang)
    if df.empty:
        return empty(title, empty_message, height=400)
    d = df.sort_values("activities", ascending=True)
    names = [kind_name(k, lang) for k in d["kind"]]
    height, gap = _row_height(len(d))
    fig = _base(title, height=max(height, 400))
    fig.update_layout(bargap=gap)
    fig.add_bar(y=names, x=d["activities"], orientation="h",
                marker_color=[KIND_COLORS.get(k, NEUTRAL) for k in d["kind"]],
                customdata=[[DrillSpec(school=school_id, kind=k, what="activities").to_dict()] for k in d["kind"]],
                hovertemplate="<b>%{y}</b>: %{x}<extra></extra>", text=d["activities"], textposition="outside",
                cliponaxis=False)
    fig.update_layout(xaxis=dict(title=dict(text=t("activities", lang)), showgrid=True, gridcolor="#ECEFF4",
                                 rangemode="tozero"),
                      yaxis=dict(showgrid=False, categoryorder="array", categoryarray=names),
                      showlegend=False, margin=dict(r=28))
    return fig


@figure
def partners_bars(df: pd.DataFrame, school_id: int, lang: str | None = "en",
                  empty_message: str = LOAD_HINT) -> go.Figure:
    """Horizontal bars: the partners named most often in one school's documents."""
    title = t(PARTNERS_TITLE, lang)
    if df.empty:
        return empty(title, empty_message, height=400)
    d = df.iloc[::-1]
    labels = [_label(clean_text(z) if lang == "zh" and clean_text(z) else p, clean_text(c))
              for p, z, c in zip(d["partner"], d["zh"], d["country"])]
    height, gap = _row_height(len(d))
    fig = _base(title, height=max(height, 400))
    fig.update_layout(bargap=gap)
    fig.add_bar(
        y=labels, x=d["documents"], orientation="h", marker_color=ACCENT,
        customdata=[[p, clean_text(z) or "", country_label(c, lang),
                     DrillSpec(school=school_id, partner=int(i)).to_dict()]
                    for i, p, z, c in zip(d["partner_id"], d["partner"], d["zh"], d["country"])],
        hovertemplate="<b>%{customdata[0]}</b> %{customdata[1]}<br>%{customdata[2]} · %{x}<extra></extra>",
        text=d["documents"], textposition="outside", cliponaxis=False,
    )
    fig.update_layout(xaxis=dict(title=dict(text=t("documents", lang)), showgrid=True, gridcolor="#ECEFF4",
                                 rangemode="tozero"),
                      yaxis=dict(showgrid=False, categoryorder="array", categoryarray=labels),
                      showlegend=False, margin=dict(r=28))
    return fig


@figure
def mobility_bars(df: pd.DataFrame, lang: str | None = "en", top: int = 6,
                  empty_message: str = "No students abroad in the office's reports for this selection.") -> go.Figure:
    """Stacked bars: students abroad per year, one colour per country (the ``top`` countries by
    students; the rest grouped as "Other countries"). ``df``: ``year, country, students, records``."""
    title = t(MOBILITY_TITLE, lang)
    if df.empty or int(df["students"].sum()) == 0:
        return empty(title, t(empty_message, lang), height=400)
    ranking = df.groupby("country", dropna=False)["students"].sum().sort_values(ascending=False)
    keep = [c for c in ranking.index[:top] if c]
    d = df.assign(group=[c if c in keep else "~other" for c in df["country"]])
    years = list(range(int(d["year"].min()), int(d["year"].max()) + 1))
    fig = _base(title, height=400)
    palette = ["#332288", "#88CCEE", "#44AA99", "#117733", "#DDCC77", "#CC6677"]
    for i, group in enumerate(keep + (["~other"] if (d["group"] == "~other").any() else [])):
        part = d[d["group"] == group].groupby("year")["students"].sum().reindex(years, fill_value=0)
        name = t("Other countries", lang) if group == "~other" else country_label(group, lang)
        fig.add_bar(x=years, y=part.values, name=name,
                    marker_color=NEUTRAL if group == "~other" else palette[i % len(palette)],
                    hovertemplate="%{x}: %{y} · " + name + "<extra></extra>")
    fig.update_layout(barmode="stack", xaxis=dict(tickmode="linear", dtick=1),
                      yaxis=dict(title=dict(text=t("students", lang)), rangemode="tozero"), legend=dict(y=-0.16))
    return fig


__all__ = ["school_year_heatmap", "trend", "kinds_bars", "partners_bars", "mobility_bars", "kind_name",
           "school_label", "HEAT_TITLE", "HEAT_DOCS_TITLE", "TREND_TITLE", "KINDS_TITLE", "PARTNERS_TITLE",
           "MOBILITY_TITLE"]
