"""The Overview's figures: activities per year and by school, top partners, the partner map and
top countries (DataFrames of :mod:`dashboard.queries.overview` → Plotly figures).
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
    DOMESTIC_MARGIN,
    domestic_note,
    empty,
    figure,
)
from dashboard.labels import (
    add_translations,
    alpha3,
    kind_label,
    kind_name,
    local_name,
    partner_kind_name,
    short_school,
    t,
)
from dashboard.regions import country_label

PER_YEAR_TITLE = "Activities per year, by kind"
BY_SCHOOL_TITLE = "Activities by school"
PARTNERS_TITLE = "Top partners"
MAP_TITLE = "Where our partners are"
COUNTRIES_TITLE = "Top partner countries"

add_translations({
    PER_YEAR_TITLE: "逐年活动（按类型）",
    BY_SCHOOL_TITLE: "各学院活动",
    PARTNERS_TITLE: "主要合作伙伴",
    MAP_TITLE: "合作伙伴分布",
    COUNTRIES_TITLE: "主要合作国家",
})


# ---------------------------------------------------------------------------
@figure
def activities_per_year(df: pd.DataFrame, years: tuple[int, int] | None = None,
                        empty_message: str = LOAD_HINT, lang: str = "en") -> go.Figure:
    """Stacked bars: activities per year, one colour per kind.

    ``df`` has columns ``year, kind, activities``; ``years`` widens the axis to the
    whole selected range, so a quiet year shows as a gap instead of disappearing.
    Words in ``lang`` (the interface language).
    """
    title = t(PER_YEAR_TITLE, lang)
    if df.empty:
        return empty(title, t(empty_message, lang))
    lo, hi = int(df["year"].min()), int(df["year"].max())
    if years:
        lo, hi = min(lo, years[0]), max(hi, years[1])
    all_years = list(range(lo, hi + 1))
    fig = _base(title, height=480, barmode="stack",
                xaxis=dict(tickmode="linear", dtick=1 if len(all_years) <= 16 else 2),
                yaxis=dict(title=dict(text=t("activities", lang)), rangemode="tozero"),
                legend=dict(y=-0.14), margin=dict(b=8))
    traces = []
    for kind in _kind_order(df, "activities"):
        part = df[df["kind"] == kind].set_index("year")["activities"].reindex(all_years, fill_value=0)
        hover = (f"%{{x}}年 · {kind_name(kind, lang)}：%{{y}}" if lang == "zh"
                 else "%{x}: %{y} " + kind_label(kind).lower())
        traces.append(dict(type="bar", x=all_years, y=part.tolist(), name=kind_name(kind, lang),
                           marker=dict(color=KIND_COLORS.get(kind, NEUTRAL)),
                           customdata=[[{"year": y, "kind": kind, "what": "activities"}] for y in all_years],  # drill-down
                           hovertemplate=hover + "<extra></extra>"))
    fig.add_traces(traces)  # one call: each add_bar would copy and re-validate the figure
    return fig


@figure
def activities_by_school(df: pd.DataFrame, empty_message: str = LOAD_HINT, lang: str = "en") -> go.Figure:
    """Horizontal stacked bars: activities per school and kind, largest school on top.

    ``df`` has columns ``unit_id, school, zh, kind, activities``; under 中文 a school is
    named by its Chinese name where the database knows it.
    """
    title = t(BY_SCHOOL_TITLE, lang)
    if df.empty:
        return empty(title, t(empty_message, lang))
    totals = df.groupby("school")["activities"].sum().sort_values(ascending=True)
    order = list(totals.index)
    zh = df.drop_duplicates("school").set_index("school")["zh"].to_dict()
    uid = df.drop_duplicates("school").set_index("school")["unit_id"].to_dict()
    labels = {s: local_name(short_school(s), zh.get(s), lang) for s in order}
    height, gap = _row_height(len(order))
    fig = _base(title, height=height, bargap=gap, barmode="stack",
                xaxis=dict(title=dict(text=t("activities", lang)), gridcolor="#ECEFF4", showgrid=True),
                yaxis=dict(showgrid=False, categoryorder="array", categoryarray=[labels[s] for s in order]),
                showlegend=False)
    traces = []
    for kind in _kind_order(df, "activities"):
        part = df[df["kind"] == kind].set_index("school")["activities"].reindex(order, fill_value=0)
        traces.append(dict(
            type="bar", y=[labels[s] for s in order], x=part.tolist(), orientation="h", name=kind_name(kind, lang),
            marker=dict(color=KIND_COLORS.get(kind, NEUTRAL)),
            customdata=[[s, zh.get(s) if isinstance(zh.get(s), str) else "",
                         {"school": int(uid[s]), "kind": kind, "what": "activities"}]
                        for s in order],  # the last item: what a click drills down to
            hovertemplate="%{customdata[0]} %{customdata[1]}<br>" + kind_name(kind, lang)
                          + ("：" if lang == "zh" else ": ") + "%{x}<extra></extra>",
        ))
    fig.add_traces(traces)  # one call: each add_bar would copy and re-validate the figure
    return fig


@figure
def top_partners(df: pd.DataFrame, empty_message: str = LOAD_HINT, lang: str = "en") -> go.Figure:
    """Horizontal bars: the partners mentioned by the most documents.

    ``df`` has columns ``partner_id, partner, zh, country, kind, documents``; under 中文 a
    partner is named by its Chinese name where the database knows it.
    """
    title = t(PARTNERS_TITLE, lang)
    if df.empty:
        return empty(title, t(empty_message, lang))
    d = df.iloc[::-1]
    labels = [_label(local_name(p, z, lang), c) for p, z, c in zip(d["partner"], d["zh"], d["country"])]
    height, gap = _row_height(len(d))
    fig = _base(title, height=height)
    fig.update_layout(bargap=gap)
    fig.add_bar(
        y=labels, x=d["documents"], orientation="h", marker_color=ACCENT,
        customdata=[[p, z if isinstance(z, str) else "", country_label(c, lang) if isinstance(c, str) and c
                     else t("Unknown", lang), partner_kind_name(k, lang), {"partner": int(i)}]
                    for i, p, z, c, k in zip(d["partner_id"], d["partner"], d["zh"], d["country"], d["kind"])],
        hovertemplate="<b>%{customdata[0]}</b> %{customdata[1]}<br>%{customdata[2]} · %{customdata[3]}"
                      + ("<br>%{x} 篇文档" if lang == "zh" else "<br>%{x} documents") + "<extra></extra>",
        text=d["documents"], textposition="outside", cliponaxis=False,
    )
    fig.update_layout(xaxis=dict(title=dict(text=t("documents", lang)), showgrid=True,
                                 gridcolor="#ECEFF4", rangemode="tozero"),
                      yaxis=dict(showgrid=False, categoryorder="array", categoryarray=labels),
                      showlegend=False, margin=dict(r=28))
    return fig


@figure
def countries_map(df: pd.DataFrame, empty_message: str = LOAD_HINT, lang: str = "en") -> go.Figure:
    """World choropleth of partner countries, shaded by documents.

    ``df`` has columns ``country, partners, documents``. The topojson is served by the app
    (see ``dashboard.app.GRAPH_CONFIG_GEO``), so the map works offline.
    """
    title = t(MAP_TITLE, lang)
    if df.empty:
        return empty(title, t(empty_message, lang), height=420)
    d = df.assign(iso3=[alpha3(c) for c in df["country"]]).dropna(subset=["iso3"])
    fig = _base(title, height=420)
    fig.add_choropleth(
        locations=d["iso3"], locationmode="ISO-3", z=d["documents"],
        colorscale=[[i / (len(SEQUENTIAL) - 1), c] for i, c in enumerate(SEQUENTIAL)],
        zmin=0, marker_line_color="white", marker_line_width=0.5,
        colorbar=dict(title=dict(text=t("documents", lang), side="top"), thickness=10, len=0.6, outlinewidth=0,
                      orientation="h", x=0.5, xanchor="center", y=-0.02, yanchor="top"),
        customdata=[[country_label(c, lang), p, {"country": c}] for c, p in zip(d["country"], d["partners"])],
        hovertemplate="<b>%{customdata[0]}</b><br>"
                      + ("%{customdata[1]} 个合作伙伴 · %{z} 篇文档" if lang == "zh"
                         else "%{customdata[1]} partners · %{z} documents") + "<extra></extra>",
    )
    fig.update_geos(projection_type="natural earth", showframe=False, showcoastlines=False,
                    showland=True, landcolor="#F1F3F6", showcountries=True, countrycolor="#FFFFFF",
                    showocean=False, lataxis_range=[-58, 85], bgcolor="rgba(0,0,0,0)")
    fig.update_layout(margin=dict(l=0, r=0, t=DOMESTIC_MARGIN if df.attrs.get("domestic") else 48, b=8))
    return domestic_note(fig, df, lang)


@figure
def top_countries(df: pd.DataFrame, limit: int = 10, empty_message: str = LOAD_HINT,
                  lang: str = "en") -> go.Figure:
    """Horizontal bars: the partner countries with the most documents (names in ``lang``)."""
    title = t(COUNTRIES_TITLE, lang)
    if df.empty:
        return empty(title, t(empty_message, lang), height=420)
    d = df.head(limit).iloc[::-1]
    names = [country_label(c, lang) if isinstance(c, str) and c else t("Unknown", lang) for c in d["country"]]
    fig = _base(title, height=420)
    fig.add_bar(y=names, x=d["documents"], orientation="h", marker_color=ACCENT,
                customdata=[[int(p), {"country": c}] for p, c in zip(d["partners"], d["country"])],
                hovertemplate="<b>%{y}</b><br>" + ("%{x} 篇文档 · %{customdata[0]} 个合作伙伴" if lang == "zh"
                                                   else "%{x} documents · %{customdata[0]} partners")
                              + "<extra></extra>",
                text=d["documents"], textposition="outside", cliponaxis=False)
    fig.update_layout(xaxis=dict(title=dict(text=t("documents", lang)), showgrid=True, gridcolor="#ECEFF4",
                                 rangemode="tozero"),
                      yaxis=dict(showgrid=False, categoryorder="array", categoryarray=names), showlegend=False,
                      margin=dict(r=28, t=DOMESTIC_MARGIN if df.attrs.get("domestic") else 48))
    return domestic_note(fig, df, lang)
