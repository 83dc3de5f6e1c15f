"""DataFrames → figures for the Partners page and the page of each partner (no database access).

The world map draws both encodings the issue asks for: countries shaded by documents
(choropleth) and a bubble per country sized by its number of partners (points at the
capital, so small countries such as Singapore, absent from the 1:110m outlines, still
show). Outlines come from the app's own ``assets/topojson`` (``geo_config``), so the map
works offline. Clickable elements carry their drill-down spec as the last ``customdata`` item.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.common import ACCENT, KIND_COLORS, LOAD_HINT, NEUTRAL, SEQUENTIAL, _base, _row_height, DOMESTIC_MARGIN, domestic_note, empty, figure
from dashboard.figures.schools import clean_text, kind_name, school_label
from dashboard.labels import add_translations, alpha3, partner_kind_label, program_type_name, t
from dashboard.queries.drill import DrillSpec
from dashboard.regions import country_label, country_point
from etl.load.models import ACTIVITY_KINDS

MAP_TITLE = "Partner countries: documents (shade) and partners (bubbles)"
KINDS_TITLE = "Partners by kind: documents naming them"
TIMELINE_TITLE = "Interactions over time"
SCHOOLS_TITLE = "Schools working with this partner"
MOBILITY_TITLE = "Students sent to this partner"
BUBBLE = "#CC6677"      # Tol muted rose: stands out on the blue shades, distinct for colour-blind readers
MENTION = "mention"     # timeline row of documents that name the partner without a classified activity

add_translations({
    MAP_TITLE: "合作伙伴所在国家：文档数（底色）与合作伙伴数（气泡）",
    KINDS_TITLE: "合作伙伴类型：提及它们的文档数",
    TIMELINE_TITLE: "交往时间线",
    SCHOOLS_TITLE: "与该伙伴合作的学院",
    MOBILITY_TITLE: "派往该伙伴的学生",
    "partners": "合作伙伴数",
    "Mentioned": "提及",
    "University": "大学",
    "Research institute": "研究机构",
    "Company": "企业",
    "Government body": "政府机构",
    "Association / NGO": "协会 / 非政府组织",
    "Unknown kind": "类型未知",
    "No students sent to this partner in the office's reports.": "国际处报表中没有派往该伙伴的学生。",
})


def pkind_name(kind: str | None, lang: str | None = "en") -> str:
    return t("Unknown kind", lang) if not kind or kind == "unknown" else t(partner_kind_label(kind), lang)


def _sequential() -> list[list]:
    return [[i / (len(SEQUENTIAL) - 1), c] for i, c in enumerate(SEQUENTIAL)]


# ---------------------------------------------------------------------------
@figure
def partner_map(df: pd.DataFrame, lang: str | None = "en", empty_message: str = LOAD_HINT) -> go.Figure:
    """Choropleth (documents) plus bubbles (partners) per country; ``df``: ``country, partners, documents``."""
    title = t(MAP_TITLE, lang)
    if df.empty:
        return empty(title, empty_message, height=480)
    d = df.assign(iso3=[alpha3(c) for c in df["country"]], name=[country_label(c, lang) for c in df["country"]])
    specs = [DrillSpec(country=c).to_dict() for c in d["country"]]
    unit_docs, unit_partners = t("documents", lang), t("partners", lang)
    fig = _base(title, height=480)
    shaded = d.dropna(subset=["iso3"])
    fig.add_choropleth(
        locations=shaded["iso3"], locationmode="ISO-3", z=shaded["documents"], colorscale=_sequential(), zmin=0,
        zmax=max(1, int(shaded["documents"].max())) if not shaded.empty else 1,
        marker_line_color="white", marker_line_width=0.5, name=unit_docs,
        colorbar=dict(title=dict(text=unit_docs, side="top"), thickness=10, len=0.45, outlinewidth=0,
                      orientation="h", x=0.02, xanchor="left", y=0.02, yanchor="bottom"),
        customdata=[[n, p, s] for n, p, s in zip(shaded["name"], shaded["partners"],
                                                   [specs[i] for i in shaded.index])],
        hovertemplate="<b>%{customdata[0]}</b><br>%{z} " + unit_docs + " · %{customdata[1]} " + unit_partners
                      + "<extra></extra>",
    )
    pts = [(i, country_point(c)) for i, c in zip(d.index, d["country"])]
    pts = [(i, p) for i, p in pts if p]
    if pts:
        idx = [i for i, _ in pts]
        sub = d.loc[idx]
        biggest = max(int(sub["partners"].max()), 1)
        fig.add_scattergeo(
            lat=[p[0] for _, p in pts], lon=[p[1] for _, p in pts], mode="markers", name=unit_partners,
            marker=dict(size=sub["partners"], sizemode="area", sizeref=2.0 * biggest / (34 ** 2), sizemin=5,
                        color=BUBBLE, opacity=0.82, line=dict(color="white", width=1)),
            customdata=[[n, p, dd, specs[i]] for i, n, p, dd in zip(idx, sub["name"], sub["partners"],
                                                                     sub["documents"])],
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]} " + unit_partners + " · %{customdata[2]} "
                          + unit_docs + "<extra></extra>",
            showlegend=False,
        )
    # A country or two (a filter): zoom to them rather than show an empty world.
    frame = dict(fitbounds="locations") if len(d) <= 3 else dict(lataxis_range=[-58, 85])
    fig.update_geos(projection_type="natural earth", showframe=False, showcoastlines=False, showland=True,
                    landcolor="#F1F3F6", showcountries=True, countrycolor="#FFFFFF", showocean=False,
                    bgcolor="rgba(0,0,0,0)", **frame)
    fig.update_layout(margin=dict(l=0, r=0, t=DOMESTIC_MARGIN if df.attrs.get("domestic") else 48, b=0), showlegend=False)
    return domestic_note(fig, df, lang)


@figure
def kinds_bars(df: pd.DataFrame, lang: str | None = "en", empty_message: str = LOAD_HINT) -> go.Figure:
    """Horizontal bars: documents per partner kind (``kind, partners, documents``)."""
    title = t(KINDS_TITLE, lang)
    if df.empty:
        return empty(title, empty_message, height=480)
    d = df.iloc[::-1]
    names = [pkind_name(k, lang) for k in d["kind"]]
    fig = _base(title, height=480)
    height, gap = _row_height(len(d))
    fig.update_layout(bargap=gap)
    fig.add_bar(y=names, x=d["documents"], orientation="h", marker_color=ACCENT,
                customdata=[[p, DrillSpec(pkind=k).to_dict() if k != "unknown" else {}]
                            for p, k in zip(d["partners"], d["kind"])],
                hovertemplate="<b>%{y}</b><br>%{x} " + t("documents", lang) + " · %{customdata[0]} "
                              + t("partners", lang) + "<extra></extra>",
                text=d["documents"], textposition="outside", cliponaxis=False)
    fig.update_layout(xaxis=dict(title=dict(text=t("documents", lang)), showgrid=True, gridcolor="#ECEFF4",
                                 rangemode="tozero"),
                      yaxis=dict(showgrid=False, categoryorder="array", categoryarray=names),
                      showlegend=False, margin=dict(r=28))
    return fig


@figure
def timeline(df: pd.DataFrame, spec: DrillSpec, lang: str | None = "en",
             empty_message: str | Callable[[], str] = LOAD_HINT) -> go.Figure:
    """One marker per document and activity kind, by date: the partner's interactions over time.

    ``df`` has ``document_id, title, date, year, lang, kinds``; a document with no classified
    activity sits on a "Mentioned" row. ``spec`` is the partner's drill spec; each marker
    drills to its document.
    """
    title = t(TIMELINE_TITLE, lang)
    d = df.dropna(subset=["date"]) if not df.empty else df
    if d.empty:
        return empty(title, empty_message, height=320)
    rows: dict[str, list] = {}
    for r in d.itertuples(index=False):
        for k in (r.kinds or [MENTION]):
            rows.setdefault(k, []).append(r)
    order = [k for k in ACTIVITY_KINDS if k in rows] + [k for k in rows if k not in ACTIVITY_KINDS]
    names = {k: t("Mentioned", lang) if k == MENTION else kind_name(k, lang) for k in order}
    fig = _base(title, height=110 + 38 * max(len(order), 3))
    for k in reversed(order):
        docs = rows[k]
        fig.add_scatter(
            x=[r.date for r in docs], y=[names[k]] * len(docs), mode="markers", name=names[k],
            marker=dict(size=13, color=NEUTRAL if k == MENTION else KIND_COLORS.get(k, NEUTRAL),
                        line=dict(color="white", width=1.5), symbol="circle"),
            customdata=[[r.title, str(r.date), DrillSpec(partner=spec.partner, country=spec.country, pkind=spec.pkind,
                                                         document=int(r.document_id)).to_dict()] for r in docs],
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]} · " + names[k] + "<extra></extra>",
        )
    lo, hi = min(d["date"]), max(d["date"])
    pad = dt.timedelta(days=max(45, (hi - lo).days // 30))
    fig.update_layout(showlegend=False,
                      xaxis=dict(type="date", range=[lo - pad, hi + pad], showgrid=True, gridcolor="#ECEFF4"),
                      yaxis=dict(showgrid=True, gridcolor="#F3F5F9", categoryorder="array",
                                 categoryarray=[names[k] for k in reversed(order)]),
                      hovermode="closest")
    return fig


@figure
def timeline_years(df: pd.DataFrame, spec: DrillSpec, lang: str | None = "en",
                   empty_message: str | Callable[[], str] = LOAD_HINT) -> go.Figure:
    """Stacked bars: a busy partner's activities per year and kind (``year, kind, activities``);
    each bar segment drills to the partner's documents of that year and kind."""
    title = t(TIMELINE_TITLE, lang)
    if df.empty:
        return empty(title, empty_message, height=320)
    years = list(range(int(df["year"].min()), int(df["year"].max()) + 1))
    fig = _base(title, height=340, barmode="stack", xaxis=dict(tickmode="linear", dtick=1 if len(years) <= 16 else 2),
                yaxis=dict(title=dict(text=t("activities", lang)), rangemode="tozero"), legend=dict(y=-0.18))
    # per kind, its activities per year (plain lists: a frame filtered and reindexed per kind cost more
    # than the rest of the chart)
    per_kind: dict[str, dict[int, int]] = {}
    for y, kind, n in zip(df["year"].tolist(), df["kind"].tolist(), df["activities"].tolist()):
        acts = per_kind.setdefault(kind, {})
        acts[int(y)] = acts.get(int(y), 0) + int(n)
    traces = []
    for kind in [k for k in ACTIVITY_KINDS if k in per_kind] + sorted(set(per_kind) - set(ACTIVITY_KINDS)):
        name = kind_name(kind, lang)
        acts = per_kind[kind]
        traces.append(dict(type="bar", x=years, y=[acts.get(y, 0) for y in years], name=name,
                           marker=dict(color=KIND_COLORS.get(kind, NEUTRAL)),
                           customdata=[[DrillSpec(partner=spec.partner, country=spec.country, pkind=spec.pkind,
                                                  year=y, kind=kind, what="activities").to_dict()] for y in years],
                           hovertemplate="%{x}: %{y} · " + name + "<extra></extra>"))
    fig.add_traces(traces)  # one call: each add_bar would copy and re-validate the figure
    return fig


def timeline_chart(df: pd.DataFrame, spec: DrillSpec, lang: str | None = "en",
                   empty_message: str | Callable[[], str] = LOAD_HINT) -> go.Figure:
    """The partner's timeline from :func:`dashboard.queries.partners.partner_timeline_data`:
    one marker per document (a frame of documents), or bars per year and kind (a busy partner)."""
    if "document_id" in df.columns or df.empty:
        return timeline(df, spec, lang, empty_message)
    return timeline_years(df, spec, lang, empty_message)


@figure
def schools_bars(df: pd.DataFrame, spec: DrillSpec, lang: str | None = "en",
                 empty_message: str | Callable[[], str] = LOAD_HINT) -> go.Figure:
    """Horizontal bars: schools named with the partner (``unit_id, school, zh, documents``)."""
    title = t(SCHOOLS_TITLE, lang)
    if df.empty:
        return empty(title, empty_message, height=320)
    d = df.iloc[::-1]
    labels = [school_label(s, z, lang) for s, z in zip(d["school"], d["zh"])]
    height, gap = _row_height(len(d))
    fig = _base(title, height=max(height, 320))
    fig.update_layout(bargap=gap)
    fig.add_bar(y=labels, x=d["documents"], orientation="h", marker_color=ACCENT,
                customdata=[[s, clean_text(z) or "", DrillSpec(partner=spec.partner, country=spec.country, pkind=spec.pkind,
                                                   school=int(u)).to_dict()]
                            for u, s, z in zip(d["unit_id"], d["school"], d["zh"])],
                hovertemplate="<b>%{customdata[0]}</b> %{customdata[1]}<br>%{x} " + t("documents", lang)
                              + "<extra></extra>",
                text=d["documents"], textposition="outside", cliponaxis=False)
    fig.update_layout(xaxis=dict(title=dict(text=t("documents", lang)), showgrid=True, gridcolor="#ECEFF4",
                                 rangemode="tozero"),
                      yaxis=dict(showgrid=False, categoryorder="array", categoryarray=labels),
                      showlegend=False, margin=dict(r=28))
    return fig


@figure
def mobility_bars(df: pd.DataFrame, lang: str | None = "en") -> go.Figure:
    """Stacked bars: students sent to the partner per year and programme type
    (``year, program_type, students, records``)."""
    title = t(MOBILITY_TITLE, lang)
    if df.empty or int(df["students"].sum()) == 0:
        return empty(title, t("No students sent to this partner in the office's reports.", lang), height=320)
    years = list(range(int(df["year"].min()), int(df["year"].max()) + 1))
    fig = _base(title, height=320)
    palette = ["#332288", "#44AA99", "#DDCC77", "#CC6677", "#88CCEE", "#117733"]
    for i, (ptype, part) in enumerate(df.groupby("program_type", sort=True)):
        s = part.groupby("year")["students"].sum().reindex(years, fill_value=0)
        fig.add_bar(x=years, y=s.values, name=program_type_name(ptype, lang), marker_color=palette[i % len(palette)],
                    hovertemplate="%{x}: %{y} · " + program_type_name(ptype, lang) + "<extra></extra>")
    # A year or two of data: keep bars slim by showing at least five years of axis.
    span = max(0, 5 - len(years))
    fig.update_layout(barmode="stack", bargap=0.35,
                      xaxis=dict(tickmode="linear", dtick=1, range=[years[0] - 0.5 - span // 2,
                                                                    years[-1] + 0.5 + span - span // 2]),
                      yaxis=dict(title=dict(text=t("students", lang)), rangemode="tozero"), legend=dict(y=-0.2),
                      showlegend=True)
    return fig


__all__ = ["partner_map", "kinds_bars", "timeline", "timeline_years", "timeline_chart", "schools_bars", "mobility_bars", "pkind_name",
           "MAP_TITLE", "KINDS_TITLE", "TIMELINE_TITLE", "SCHOOLS_TITLE", "MOBILITY_TITLE"]
