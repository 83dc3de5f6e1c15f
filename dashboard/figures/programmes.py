"""DataFrames of :mod:`dashboard.queries.programmes` → Plotly figures (no database access).

Programme records by kind (stacked by status, the status colours of the Programs page) and a
programme's students per year (coloured by the source of each year's figure). Every word goes
through ``labels.t``.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.common import ACCENT, LOAD_HINT, NEUTRAL, _base, _row_height, empty, figure
from dashboard.figures.programs import STATUS_COLORS, status_label
from dashboard.labels import add_translations, agreement_type_name, t
from etl.programmes.link import status_text

KIND_TITLE = "Programmes and initiatives by kind"
STUDENTS_TITLE = "Students per year"
SOURCES_TITLE = "Sources per year"
TARGET_LABELS = {"document": "News", "programs": "Joint-programs report", "agreements": "Agreements report",
                 "mobility": "Outbound-students report", "register": "Ministry register"}
TARGET_COLORS = {"document": "#DDCC77", "programs": ACCENT, "agreements": "#88CCEE", "mobility": "#CC6677",
                 "register": "#44AA99"}
KIND_LABELS = {"joint_programme": "Joint programme or institute", "exchange": "Exchange / study abroad",
               "summer_school": "Summer or winter school", "visiting_scholar": "Visiting scholars",
               "research_centre": "Joint research centre"}
SOURCE_LABELS = {"report": "Office report", "register": "Ministry register", "news": "News"}
SOURCE_COLORS = {"report": ACCENT, "register": "#44AA99", "news": "#DDCC77"}

add_translations({
    KIND_TITLE: "合作项目与交流活动（按类型）", STUDENTS_TITLE: "各年度学生人数",
    "Joint programme or institute": "中外合作办学项目/机构", "Exchange / study abroad": "交流/出国（境）学习",
    "Summer or winter school": "暑期/冬季学校", "Visiting scholars": "访问学者项目",
    "Joint research centre": "联合研究中心",
    "Office report": "国际处报表", "Ministry register": "教育部名单", "News": "新闻",
    "records": "条记录", "students (known figures)": "名学生（已知人数）", "without a figure": "条无人数",
    "students": "学生数", "Year not stated": "年份未注明",
    SOURCES_TITLE: "各年度来源数", "Joint-programs report": "合作办学项目报表", "Agreements report": "合作协议报表",
    "Outbound-students report": "学生出国（境）报表", "sources": "个来源",
    "linked": "已关联", "awaiting review": "待审核",
})


def kind_label(kind: str, lang: str = "en") -> str:
    return t(KIND_LABELS.get(kind, str(kind).replace("_", " ").capitalize()), lang)


def source_label(source: str | None, lang: str = "en") -> str:
    return t(SOURCE_LABELS.get(source or "", str(source or "")), lang)


def target_label(target: str | None, lang: str = "en") -> str:
    """What kind of source a link is: an article or a row of which report."""
    return t(TARGET_LABELS.get(target or "", str(target or "")), lang)


@figure
def by_kind(df: pd.DataFrame, lang: str = "en", empty_message: str = LOAD_HINT) -> go.Figure:
    """Horizontal bars of records per kind, stacked by status; ``df`` is :func:`queries.programmes.by_kind`.

    Each bar's ``customdata`` ends with ``{"kind": …, "status": …}`` so a click names the records
    it counts (the page narrows its list to them)."""
    title = t(KIND_TITLE, lang)
    if df is None or df.empty:
        return empty(title, empty_message)
    order = list(dict.fromkeys(df["kind"]))
    names = {k: kind_label(k, lang) for k in order}
    height, gap = _row_height(len(order))
    fig = _base(title, height=max(height, 280))
    fig.update_layout(bargap=gap)
    for status in dict.fromkeys(df["status"]):
        part = df[df["status"] == status].set_index("kind").reindex(order)
        n = part["programmes"].fillna(0).astype(int)
        st = part["students"].fillna(0).astype(int)
        unk = part["students_unknown"].fillna(0).astype(int)
        fig.add_bar(
            y=[names[k] for k in order], x=n.values, orientation="h", name=status_label(status, lang),
            marker_color=STATUS_COLORS.get(status, NEUTRAL),
            customdata=[[status_label(status, lang), s, u, {"kind": k, "status": status}]
                        for s, u, k in zip(st, unk, order)],
            hovertemplate="<b>%{y}</b> · %{customdata[0]}<br>%{x} " + t("records", lang)
                          + "<br>%{customdata[1]} " + t("students (known figures)", lang)
                          + " · %{customdata[2]} " + t("without a figure", lang) + "<extra></extra>",
        )
    fig.update_layout(barmode="stack",
                      xaxis=dict(showgrid=True, gridcolor="#ECEFF4", rangemode="tozero"),
                      yaxis=dict(showgrid=False, categoryorder="array",
                                 categoryarray=[names[k] for k in reversed(order)], automargin=True),
                      legend=dict(y=-0.12, orientation="h"), margin=dict(b=8))
    return fig


@figure
def students_per_year(df: pd.DataFrame, lang: str = "en", empty_message: str = LOAD_HINT) -> go.Figure:
    """Bars of a programme's students per year, one colour per source of the year's figure
    (``df``: :func:`queries.programmes.students_frame`; the figure without a year — a report's
    current enrolment — is left to the page's table)."""
    title = t(STUDENTS_TITLE, lang)
    d = df[df["year"].notna()] if df is not None and not df.empty else None
    if d is None or d.empty:
        return empty(title, empty_message, height=300)
    fig = _base(title, height=300)
    for src in dict.fromkeys(d["source"]):
        part = d[d["source"] == src]
        fig.add_bar(x=[int(y) for y in part["year"]], y=part["students"].astype(int), name=source_label(src, lang),
                    marker_color=SOURCE_COLORS.get(src, NEUTRAL), text=[f"{int(v):,}" for v in part["students"]],
                    textposition="outside", cliponaxis=False,
                    hovertemplate="%{x}: %{y} " + t("students", lang) + " · " + source_label(src, lang)
                                  + "<extra></extra>")
    years = [int(y) for y in d["year"]]
    fig.update_layout(barmode="group", xaxis=dict(type="category", categoryorder="array",
                                                  categoryarray=sorted(set(years))),
                      yaxis=dict(title=dict(text=t("students", lang)), rangemode="tozero", showgrid=True,
                                 gridcolor="#ECEFF4"),
                      legend=dict(orientation="h", y=-0.2), margin=dict(b=8))
    return fig


@figure
def sources_per_year(df: pd.DataFrame, lang: str = "en", empty_message: str = LOAD_HINT) -> go.Figure:
    """Bars of a programme's linked sources per year, stacked by kind of source (``df``: one row per
    source, :func:`queries.programmes.sources_frame`; sources without a year are left out)."""
    title = t(SOURCES_TITLE, lang)
    d = df[df["year"].notna()] if df is not None and not df.empty else None
    if d is None or d.empty:
        return empty(title, empty_message, height=300)
    fig = _base(title, height=300)
    years = sorted({int(y) for y in d["year"]})
    for target in dict.fromkeys(d["target"]):
        part = d[d["target"] == target].groupby(d["year"].astype(int)).size().reindex(years, fill_value=0)
        fig.add_bar(x=years, y=part.values, name=target_label(target, lang),
                    marker_color=TARGET_COLORS.get(target, NEUTRAL),
                    hovertemplate="%{x}: %{y} " + t("sources", lang) + " · " + target_label(target, lang)
                                  + "<extra></extra>")
    fig.update_layout(barmode="stack", xaxis=dict(type="category", categoryorder="array", categoryarray=years),
                      yaxis=dict(rangemode="tozero", showgrid=True, gridcolor="#ECEFF4"),
                      legend=dict(orientation="h", y=-0.2), margin=dict(b=8))
    return fig


# -- where a record's status was read (etl/programmes/link.py: Programme.status_from, as fields) --
def status_source_text(src: dict | str | None, lang: str = "en") -> str:
    """Where a record's status comes from, in ``lang``, worded from the record's ``status_from``
    fields (kind report | register | years; file, sheet, row, what the source says, agreement type,
    valid-until date, approval number, the year before which it lapsed): "joint_programs.csv row 4:
    active" / "joint_programs.csv 第 4 行：运行中". File names, numbers and dates as they are; agreement
    types and statuses through the tables the pages use. A text (already worded) is returned as it is."""
    if not src:
        return ""
    if isinstance(src, str):
        return src
    if lang != "zh":
        return status_text(src)
    before = f"（早于 {src['before']} 年）" if src.get("before") else ""
    if src.get("kind") == "years":
        return f"最近一次见于 {src.get('year')} 年"
    if src.get("said"):
        what = status_label(str(src["said"]).strip().lower(), "zh")
    elif src.get("kind") == "register":
        what = f"批准有效期至 {src.get('until')} 年"
    elif src.get("open_ended"):
        what = f"{agreement_type_name(src.get('agreement_type') or '', 'zh')}，长期有效"
    else:
        what = f"{agreement_type_name(src.get('agreement_type') or '', 'zh')}，有效期至 {src.get('until')}"
    if src.get("kind") == "register":
        where = f"教育部名单 {src.get('approval_no') or ''}".rstrip()
    else:
        where = f"{src.get('file') or ''}" + (f" [{src['sheet']}]" if src.get("sheet") else "")
        where += f" 第 {src['row']} 行" if src.get("row") is not None else ""
    return f"{where}：{what}{before}"
