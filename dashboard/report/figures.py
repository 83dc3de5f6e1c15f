"""DataFrames of :mod:`dashboard.report.queries` → Plotly figures (no database access).

The same look as :mod:`dashboard.figures.common`: its template, palette, empty state and bar
sizing, so a chart of the reports sits next to a chart of the news without a seam.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.common import ACCENT, LOAD_HINT, PALETTE, _base, _label, _row_height, empty, figure
from dashboard.figures.programs import STATUS_COLORS, status_label
from dashboard.labels import add_translations, agreement_type_name, program_type_name, t
from dashboard.regions import country_label
from dashboard.report.queries import STATUS_ORDER

PROGRAMS_TITLE = "Joint programmes: students enrolled"
STUDENTS_TITLE = "Students abroad per year, by programme type"
EXPIRING_TITLE = "Agreements expiring in the next 12 months"
TABLE_HEADS = ("Partner", "Country", "Agreement", "Expires", "Days left", "Schools")
add_translations({
    PROGRAMS_TITLE: "合作办学项目在读学生", STUDENTS_TITLE: "出国（境）学生（按年份与项目类型）",
    EXPIRING_TITLE: "未来12个月内到期的合作协议", "students": "学生数", "unknown": "未知",
    "University-wide": "全校", "{n} students": "{n} 名学生",
})
add_translations({"Partner": "合作方", "Country": "国家/地区", "Agreement": "协议类型", "Expires": "到期日期",
                  "Days left": "剩余天数", "Schools": "学院"}, context="table")


def _status_order(values) -> list[str]:
    present = [v for v in dict.fromkeys(values)]
    known = [s for s in STATUS_ORDER if s in present]
    return known + sorted(set(present) - set(known))


@figure
def joint_programs(df: pd.DataFrame, empty_message: str = LOAD_HINT, lang: str = "en") -> go.Figure:
    """Horizontal bars: students enrolled per joint programme, one colour per status.

    ``df`` is :func:`dashboard.report.queries.joint_programs`. A programme whose enrolment
    the report left blank gets no bar and the word "unknown", never a 0.
    """
    title = t(PROGRAMS_TITLE, lang)
    if df.empty:
        return empty(title, t(empty_message, lang))
    d = df.assign(status=df["status"].fillna("unknown"),
                  n=pd.to_numeric(df["enrolment"], errors="coerce"))
    d = d.sort_values(["n", "program"], ascending=[True, False], na_position="first")
    labels = [_label(f"{p} · {q}" if q else p, c, width=52)
              for p, q, c in zip(d["program"], d["partner"].fillna(""), d["country"])]
    height, gap = _row_height(len(d))
    fig = _base(title, height=height)
    fig.update_layout(bargap=gap)
    for status in _status_order(d["status"]):
        part = d[d["status"] == status]
        lab = [label for label, s in zip(labels, d["status"]) if s == status]
        fig.add_bar(
            y=lab, x=part["n"].fillna(0), orientation="h", name=status_label(status, lang),
            marker_color=STATUS_COLORS.get(status, PALETTE[len(fig.data) % len(PALETTE)]),
            text=[f"{int(v):,}" if pd.notna(v) else t("unknown", lang) for v in part["n"]],
            textposition="outside", cliponaxis=False,
            customdata=[[p, s or "", status_label(st, lang)]
                        for p, s, st in zip(part["program"], part["school"], part["status"])],
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<br>%{customdata[2]} · "
                          + t("{n} students", lang).format(n="%{text}") + "<extra></extra>",
        )
    # No x-axis title: the chart's title names the unit, and the bottom is the legend's.
    fig.update_layout(barmode="overlay",
                      xaxis=dict(showgrid=True, gridcolor="#ECEFF4", rangemode="tozero"),
                      yaxis=dict(showgrid=False, categoryorder="array", categoryarray=labels),
                      legend=dict(orientation="h", y=-0.08), margin=dict(r=48))
    return fig


@figure
def students_abroad(df: pd.DataFrame, empty_message: str = LOAD_HINT, lang: str = "en") -> go.Figure:
    """Stacked bars: outbound students per year, one colour per programme type
    (the types with most students first, so the big ones sit at the bottom), the year's
    total above each bar. The axis spans the years the reports cover only: a year
    without a report is unknown, not a year without students."""
    title = t(STUDENTS_TITLE, lang)
    if df.empty:
        return empty(title, t(empty_message, lang))
    lo, hi = int(df["year"].min()), int(df["year"].max())
    all_years = list(range(lo, hi + 1))
    order = list(df.groupby("program_type")["students"].sum().sort_values(ascending=False).index)
    fig = _base(title, height=480)
    for i, ptype in enumerate(order):
        part = df[df["program_type"] == ptype].set_index("year")["students"].reindex(all_years, fill_value=0)
        name = program_type_name(ptype, lang)
        fig.add_bar(x=all_years, y=part.values, name=name,
                    marker_color=PALETTE[i % len(PALETTE)],
                    hovertemplate="%{x}: " + t("{n} students", lang).format(n="%{y}") + " · " + name
                                  + "<extra></extra>")
    totals = df.groupby("year")["students"].sum().reindex(all_years, fill_value=0)
    fig.add_scatter(x=all_years, y=totals.values, mode="text", text=[f"{v:,}" for v in totals.values],
                    textposition="top center", showlegend=False, hoverinfo="skip", cliponaxis=False)
    fig.update_layout(barmode="stack", xaxis=dict(tickmode="linear", dtick=1),
                      yaxis=dict(title=dict(text=t("students", lang)), rangemode="tozero"), legend=dict(y=-0.14))
    return fig


@figure
def agreements_expiring(df: pd.DataFrame, empty_message: str = "No agreement expires in the next 12 months.",
                        lang: str = "en") -> go.Figure:
    """A table: partner, country, type, expiry date, days left, schools (soonest first); names
    in ``lang`` (Chinese partner and school names where known)."""
    title = t(EXPIRING_TITLE, lang)
    if df.empty:
        return empty(title, t(empty_message, lang))
    fig = _base(title, height=140 + 34 * min(len(df), 20))
    zh = lang == "zh"
    partners = [(z if zh and isinstance(z, str) and z else p) for p, z in
                zip(df["partner"], df["partner_zh"] if "partner_zh" in df else df["partner"])]
    schools = [(z if zh and isinstance(z, str) and z else s) for s, z in
               zip(df["schools"], df["schools_zh"] if "schools_zh" in df else df["schools"])]
    cols = list(zip([t(h, lang, context="table") for h in TABLE_HEADS], [
        [_label(p, None, 48) for p in partners],
        [country_label(c, lang) if c else "" for c in df["country"]],
        [agreement_type_name(v, lang) for v in df["type"]],
        [d.isoformat() if d is not None else "" for d in df["expiry"]],
        [f"{int(n):,}" for n in df["days_left"]],
        [s or t("University-wide", lang) for s in schools]]))
    fig.add_table(
        columnwidth=[3.2, 1.2, 2.4, 1.2, 0.9, 3.4],
        header=dict(values=[f"<b>{h}</b>" for h, _ in cols], fill_color=ACCENT, font=dict(color="white"),
                    align="left", height=30),
        cells=dict(values=[v for _, v in cols], align="left", height=28,
                   fill_color=[["#FFFFFF", "#F4F6FA"] * (len(df) // 2 + 1)]),
    )
    fig.update_layout(margin=dict(l=8, r=8, t=56, b=8))
    return fig
