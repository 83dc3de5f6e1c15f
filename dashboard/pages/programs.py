"""Programs & mobility (path ``/programs``): the programme records first, then the international
office's reports.

The records (issue 16: one per joint programme, exchange, summer school, visiting-scholar
programme or research centre, from the news, the office's reports and the Ministry's register)
head the page: a chart by kind and status whose bars narrow the list, the register cross-check,
and a sortable, searchable grid whose names open each record's page (``/programs/<id>``,
:mod:`dashboard.pages.programme`). They are the heart of this page rather than a second menu
entry: "Programs" and "Programmes" side by side would ask the reader which one holds the joint
programmes — both do; here the records and the report rows they were built from sit on one page,
and each report row of the joint-programmes table below links to its record.

Joint programmes by level, mode and status (a blank enrolment is *unknown*, shown as such,
never summed as 0); students abroad by year, school and destination with the report rows
behind them; agreements on a timeline (signed → expiry, open-ended hatched) with those
expiring in the next 6 and 12 months flagged, counted from today.

Cross-filtering: a click on a school's or a country's bar sets that filter for the whole
dashboard, a click on a year sets the year range to it (the URL changes, so back undoes
it); a click on a level or a mode narrows the programme table below (page-local).

The callback bodies are the plain functions below; they take a database URL, the filter
store's value, the interface language and, where dates matter, ``today`` (``None`` =
``dt.date.today()``), so tests call them directly.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate
from sqlalchemy.exc import SQLAlchemyError

from dashboard import ids
from dashboard.cache import cached
from dashboard.components.export_menu import export_menu
from dashboard.components.html_table import attr, data_table, esc, tag
from dashboard.components.cards import chart_card
from dashboard.components.drilldown import apply_cross_filter, search_with, ui_from_search
from dashboard.context import database_url
from dashboard.figures import common as figures
from dashboard.figures import programmes as fg
from dashboard.figures import programs as fp
from dashboard.labels import (
    add_translations,
    agreement_type_name,
    local_name,
    program_type_name,
    short_school,
    t,
    ui_lang,
)
from dashboard.queries import common as q
from dashboard.queries import programmes as qg
from dashboard.queries import programs as qp
from dashboard.queries.common import Filters
from dashboard.queries.drill import DrillSpec
from dashboard.regions import country_label
from dashboard.pages import programme as pgm
from dashboard.report import figures as rfig

PATH = "/programs"
NAME = "Programs & mobility"
TITLE = "Programs & mobility · International Cooperation"
T = TypeVar("T")
PROGRAMS_EXPORTS = ["programme_records", "programmes_by_kind", "programs_by_level", "programs_by_mode", "joint_programs", "students_abroad", "students_by_school",
                    "students_by_country", "agreements_timeline", "agreements_expiring"]

REPORT_HINT = ("No office report of this kind loaded yet.<br>Put the office's reports in a folder and run "
               "<b>intl etl run PATH</b>, or load the sample with <b>intl demo</b>.")
NO_SCHEMA_HINT = ("The database has no tables yet.<br>Create them with <b>intl init</b>, "
                  "or load the sample with <b>intl demo</b>.")

add_translations({
    "students": "学生数",
    NAME: "项目与交流",
    "Every programme and initiative as one record, gathered from the news, the office's reports and the "
    "Ministry's register; below, joint programmes, students abroad and partner agreements from the office's "
    "reports.": "每个合作项目与交流活动一条记录，汇集自新闻、国际处报表和教育部名单；下方为国际处报表中的合作办学项目、"
                "出国（境）学生与合作协议。",
    "Programme records": "项目记录",
    "One record per joint programme, exchange, summer school, visiting-scholar programme or research centre. "
    "Click a bar to narrow the list; sort by any column; open a record from its name.":
        "每个合作办学项目、交流项目、暑期学校、访问学者项目或研究中心一条记录。点击柱条可筛选列表；可按任一列排序；"
        "点击名称打开项目页面。",
    "Search programme, partner, school…": "搜索项目、合作伙伴、学院…",
    "{n} records": "{n} 条记录", "1 record": "1 条记录", "Kind": "类型", "Partners": "合作伙伴", "Schools": "学院",
    "Last seen": "最近出现", "Students": "学生数", "Sources linked": "关联来源数", "Countries": "国家",
    "Status marked “inferred”: no report or register says it; it is read from the years the sources speak of "
    "the programme.": "标注“推断”的状态：报表和名单均未写明，是根据来源提到该项目的年份推断的。",
    "Register cross-check": "与教育部名单核对", "All records": "全部记录",
    "In the register, with no news or report": "名单中有、但没有新闻或报表提到",
    "Joint programmes in news or reports, not in the register": "新闻或报表中有、但不在名单中的合作办学项目",
    "Articulation programmes (2+2, 3+1 …) need no approval of their own: this is a list to check, not of faults.":
        "“2+2”“3+1”等学分互认项目无需单独审批：此列表供核对，并非问题清单。",
    "Nothing to report.": "没有需要核对的项目。",
    "Joint programmes (office's reports)": "中外合作项目（国际处报表）",
    "Joint programmes": "中外合作项目", "Students abroad": "出国（境）学生", "Agreements": "合作协议",
    "Active programmes": "运行中的项目", "Students enrolled": "在读学生", "Agreements in force": "有效协议",
    "Expiring within 6 months": "6个月内到期", "Expiring within 12 months": "12个月内到期",
    "of {n} programmes": "共 {n} 个项目", "in active programmes": "运行中项目",
    "{n} without a stated enrolment": "{n} 个项目未填人数", "all stated": "均已填写",
    "open-ended: {n}": "长期有效：{n}", "from today, {d}": "自今天（{d}）起",
    "in {y}": "{y}年", "vs {y}": "较{y}年",
    "Programme": "项目", "School": "学院", "Partner": "合作伙伴", "Country": "国家", "Level": "层次",
    "Mode": "模式", "Start": "起始年", "Status": "状态", "Enrolment": "在读人数", "unknown": "未知",
    "Showing {what} only": "仅显示：{what}", "Show all": "显示全部",
    "No joint programme in this selection.": "当前筛选下没有合作办学项目。",
    "Report rows behind these figures": "数据来源（报表行）", "Report": "报表", "Row": "行",
    "Year": "年份", "Type": "类型", "Source": "来源", "first {n} of {total} rows": "前 {n} 行，共 {total} 行",
    "{total} rows": "{total} 行", "No report row in this selection.": "当前筛选下没有报表记录。",
    "Expiring soon": "即将到期", "days left": "天后到期", "Nothing expires in the next 12 months.":
        "未来12个月内没有到期的协议。", "University-wide": "全校",
    "Click a school, a country or a year to see the report rows behind it.":
        "点击学院、国家或年份，查看其背后的报表记录。",
    "Report rows behind": "报表记录：", "Filter the dashboard to this": "将仪表板筛选到此项",
    "Show all rows": "显示全部记录",
    "Click a level or a mode to narrow the table.": "点击层次或模式可筛选下表。",
    "Loaded reports": "已载入的报表", "rows": "行", "loaded": "载入于",
    "Agreements are counted from today; the year range keeps those valid at some time in it.":
        "协议到期按今天计算；年份范围保留在该期间内有效的协议。",
})


# ---------------------------------------------------------------------------
# Helpers shared with the Network and Sources pages
# ---------------------------------------------------------------------------
def page_lang(search: str | None) -> str:
    """The interface language from the URL's query string (``ui=zh``; English otherwise)."""
    return ui_from_search(search)


def as_filters(value: Filters | Mapping | None) -> Filters:
    return value if isinstance(value, Filters) else Filters.from_dict(value)


def run_query(fn: Callable[..., T], url: str, *args: Any) -> T | None:
    """A cached query, or None when the database cannot answer (missing schema, server down)."""
    try:
        return cached(fn, url, *args)
    except SQLAlchemyError:
        return None


def _kinds_loaded(url: str) -> set[str] | None:
    df = run_query(qp.report_files, url)
    return None if df is None else set(df["kind"])


def empty_message(url: str, f: Filters, kind: str, lang: str = "en") -> str:
    """Why a report chart is empty: no schema, no report of that kind, or filters matching nothing."""
    if not q.schema_ready(url):
        return t(NO_SCHEMA_HINT, lang)
    loaded = _kinds_loaded(url)
    if loaded is None:
        return t(NO_SCHEMA_HINT, lang)
    if kind not in loaded:
        return t(REPORT_HINT, lang)
    return t(figures.FILTER_HINT, lang) if not f.is_empty else t(figures.LOAD_HINT, lang)


def _today(today: dt.date | None) -> dt.date:
    return today or dt.date.today()


# ---------------------------------------------------------------------------
# Callback bodies (plain functions)
# ---------------------------------------------------------------------------
def _stat(card_id: str, label: str, value: str, sub, tone: str = "") -> dbc.Col:
    return dbc.Col(html.Div([
        html.Div(label, className="kpi-label"),
        html.Div(value, className="kpi-value"),
        html.Div(sub, className="kpi-trend"),
    ], id=card_id, className=f"kpi-card {tone}".strip()), xs=6, lg=True)


def kpi_row(url: str, filters, lang: str = "en", today: dt.date | None = None) -> list:
    """Five headline numbers: active programmes, their students, students abroad (latest year
    against the one before), agreements in force today, and those expiring within 6 / 12 months."""
    f = as_filters(filters)
    today = _today(today)
    grouped = run_query(qp.programs_grouped, url, f)
    per_year = run_query(qp.students_by, url, f, "year")
    agr = run_query(qp.agreements, url, f, today)
    dash_ = "–"
    tot = qp.program_totals(grouped) if grouped is not None else None
    cards = []
    if tot is None:
        cards.append(_stat("pr-kpi-programs", t("Active programmes", lang), dash_, ""))
        cards.append(_stat("pr-kpi-enrolment", t("Students enrolled", lang), dash_, ""))
    else:
        cards.append(_stat("pr-kpi-programs", t("Active programmes", lang), f"{tot['active']:,}",
                           t("of {n} programmes", lang).format(n=tot["programs"])))
        unknown = tot["active_enrolment_unknown"]
        cards.append(_stat("pr-kpi-enrolment", t("Students enrolled", lang), f"{tot['active_enrolment']:,}",
                           [t("in active programmes", lang), " · ",
                            t("{n} without a stated enrolment", lang).format(n=unknown) if unknown
                            else t("all stated", lang)]))
    if per_year is None or per_year.empty:
        cards.append(_stat("pr-kpi-abroad", t("Students abroad", lang), dash_, ""))
    else:
        years = dict(zip(per_year["year"], per_year["students"]))
        last = max(years)
        sub: list = [html.Span(t("in {y}", lang).format(y=last) + f": {years[last]:,}", className="kpi-year")]
        if last - 1 in years:
            from dashboard.components.kpi import delta_text

            text, direction = delta_text(int(years[last]), int(years[last - 1]))
            sub += [" ", html.Span(text, className=f"kpi-delta kpi-{direction}"), " ",
                    html.Span(t("vs {y}", lang).format(y=last - 1), className="kpi-vs")]
        cards.append(_stat("pr-kpi-abroad", t("Students abroad", lang), f"{int(per_year['students'].sum()):,}", sub))
    if agr is None:
        cards.append(_stat("pr-kpi-agreements", t("Agreements in force", lang), dash_, ""))
        cards.append(_stat("pr-kpi-expiring", t("Expiring within 12 months", lang), dash_, ""))
    else:
        c = qp.agreement_counts(agr)
        valid = c["in_force"] + c["expiring_6"] + c["expiring_12"] + c["open_ended"]
        cards.append(_stat("pr-kpi-agreements", t("Agreements in force", lang), f"{valid:,}",
                           t("open-ended: {n}", lang).format(n=c["open_ended"])))
        soon = c["expiring_6"] + c["expiring_12"]
        cards.append(_stat("pr-kpi-expiring", t("Expiring within 12 months", lang), f"{soon:,}",
                           [html.Span(f"≤ 6: {c['expiring_6']}", className="kpi-delta kpi-warn6"), " ",
                            html.Span(f"≤ 12: {c['expiring_12']}", className="kpi-delta kpi-warn12"), " · ",
                            t("from today, {d}", lang).format(d=today.isoformat())],
                           tone="kpi-alert" if soon else ""))
    return cards


def programs_figure(url: str, filters, dim: str, lang: str = "en") -> go.Figure:
    f = as_filters(filters)
    grouped = run_query(qp.programs_grouped, url, f)
    if grouped is None or grouped.empty:
        title = fp.LEVEL_TITLE if dim == "level" else fp.MODE_TITLE
        return figures.empty(t(title, lang), empty_message(url, f, "programs", lang))
    return fp.programs_by(qp.programs_by(grouped, dim), dim, lang)


def pick_from_click(dim: str, click: Mapping | None) -> dict | None:
    """``{"level": "master"}`` from a click on the level chart (its bar's customdata ends with the value)."""
    try:
        point = (click or {})["points"][0]
        value = point["customdata"][-1]
    except (KeyError, IndexError, TypeError):
        return None
    return {dim: str(value)} if value not in (None, "") else None


def programs_table(url: str, filters, pick: Mapping | None = None, lang: str = "en", search: str = "") -> html.Div:
    """Every joint programme in scope (most students first); enrolment blank → "unknown".

    ``pick`` (``{"level": "master"}`` or ``{"mode": "2+2"}``) narrows the table to the level
    or mode clicked on the charts. Each programme's name opens its record (``/programs/<id>``),
    where the report's row is one of its sources.
    """
    f = as_filters(filters)
    df = run_query(qp.programs_list, url, f)
    record_of = run_query(qg.records_of_rows, url, "programs") or {}
    if df is None or df.empty:
        return html.Div(html.P(t("No joint programme in this selection.", lang), className="text-muted small mb-0"),
                        className="empty-note")
    pick = {k: v for k, v in (pick if isinstance(pick, dict) else {}).items()
            if k in ("level", "mode") and isinstance(v, str) and v}
    if pick:
        (dim, value), = list(pick.items())[:1]
        df = df[df[dim].fillna("unknown").astype(str) == value]
    cols = ["Programme", "School", "Partner", "Country", "Level", "Mode", "Start", "Status", "Enrolment"]
    rows = []
    for r in df.itertuples(index=False):
        school = (r.school_zh or r.school) if lang == "zh" else r.school
        partner = (r.partner_zh or r.partner) if lang == "zh" else r.partner
        enrol = (tag("span", esc(t("unknown", lang)), cls="unknown") if pd.isna(r.enrolment)
                 else esc(f"{int(r.enrolment):,}"))
        status = r.status or "unknown"
        pid = int(r.program_id)
        # the name opens the record through Dash's router (dcc.Link, no page reload)
        name = (f'<dccLink href="{attr(f"/programs/{record_of[pid]}{search}")}">{esc(r.program)}</dccLink>'
                if pid in record_of else esc(r.program))
        rows.append("<tr>" + "".join([
            tag("td", name, cls="cell-strong"),
            tag("td", esc(school or "—")), tag("td", esc(partner or "—")),
            tag("td", esc(country_label(r.country, lang) if r.country else "—")),
            tag("td", esc(fp.level_label(r.level or "unknown", lang))), tag("td", esc(r.mode or "—")),
            tag("td", "" if pd.isna(r.start_year) else str(int(r.start_year))),
            tag("td", tag("span", esc(fp.status_label(status, lang)),
                            cls=f"status status-{status.replace(' ', '-')}")),
            tag("td", enrol, cls="num"),
        ]) + "</tr>")
    return data_table(cols, "Enrolment", rows, lang, margin="mb-0")


def table_head(pick: Mapping | None, lang: str = "en") -> tuple[Any, dict]:
    """The chip naming the level or mode the table is narrowed to, and the style of "Show all"."""
    pick = {k: v for k, v in (pick if isinstance(pick, dict) else {}).items()
            if k in ("level", "mode") and isinstance(v, str) and v}
    if not pick:
        return None, {"display": "none"}
    (dim, value), = list(pick.items())[:1]
    shown = fp.level_label(value, lang) if dim == "level" else value
    return html.Span(t("Showing {what} only", lang).format(what=shown), className="chip"), {}


def students_year_figure(url: str, filters, lang: str = "en") -> go.Figure:
    f = as_filters(filters)
    df = run_query(qp.students_abroad, url, f)
    if df is None or df.empty:
        return figures.empty(t(rfig.STUDENTS_TITLE, lang), empty_message(url, f, "mobility", lang))
    fig = rfig.students_abroad(df)
    fig.update_layout(title=dict(text=t(rfig.STUDENTS_TITLE, lang)), yaxis_title_text=t("students", lang))
    # The year travels with each bar as a drill spec, so a click can narrow the rows to it.
    for trace in fig.data:
        if trace.type == "bar":
            trace.customdata = [[{"year": int(x)}] for x in trace.x]
            if trace.name:
                trace.name = program_type_name(trace.name, lang)
                if lang == "zh":
                    trace.hovertemplate = "%{x}年：%{y} 名学生 · " + trace.name + "<extra></extra>"
    return fig


def students_school_figure(url: str, filters, lang: str = "en") -> go.Figure:
    f = as_filters(filters)
    df = run_query(qp.students_by, url, f, "school")
    if df is None or df.empty:
        return figures.empty(t(fp.BY_SCHOOL_TITLE, lang), empty_message(url, f, "mobility", lang))
    return fp.students_by_school(df, lang)


def students_country_figure(url: str, filters, lang: str = "en") -> go.Figure:
    f = as_filters(filters)
    df = run_query(qp.students_by, url, f, "country")
    if df is None or df.empty:
        return figures.empty(t(fp.BY_COUNTRY_TITLE, lang), empty_message(url, f, "mobility", lang))
    return fp.students_by_country(df, lang)


def rows_pick(click: Mapping | None) -> dict | None:
    """The element a click on a students chart names (``{"school": 3}``, ``{"country": "AU"}``,
    ``{"year": 2024}``), parsed by the drill-down's :class:`DrillSpec` (untrusted input)."""
    spec = DrillSpec.from_click(click)
    return spec.to_dict() if spec else None


def pick_words(pick: Mapping | None, url: str, lang: str = "en") -> str:
    """The clicked element in words ("Computer Science · 2024")."""
    spec = DrillSpec.make(pick)
    parts = []
    if spec.school is not None:
        df = run_query(q.schools, url)
        row = df[df["id"] == spec.school] if df is not None else None
        if row is not None and not row.empty:
            parts.append((row.iloc[0]["zh"] or row.iloc[0]["name"]) if lang == "zh" else row.iloc[0]["name"])
        else:
            parts.append(f"#{spec.school}")
    if spec.country:
        parts.append(country_label(spec.country, lang))
    if spec.year is not None:
        parts.append(str(spec.year))
    return " · ".join(parts)


def mobility_table(url: str, filters, lang: str = "en", limit: int = 25, pick: Mapping | None = None) -> html.Div:
    """The report rows behind the student figures (file and row number), so every number has a source;
    narrowed to the clicked bar when ``pick`` names one (the page's filters still apply)."""
    f = as_filters(filters)
    if pick:
        f = DrillSpec.make(pick).filters_for(f)
    res = run_query(qp.mobility_rows, url, f, limit)
    if res is None or res[1].empty:
        return html.P(t("No report row in this selection.", lang), className="text-muted small mb-0")
    total, df = res
    cols = ["Year", "School", "Partner", "Country", "Type", "Students abroad", "Source"]
    body = []
    for r in df.itertuples(index=False):
        students = (tag("span", esc(t("unknown", lang)), cls="unknown") if pd.isna(r.students)
                    else esc(f"{int(r.students):,}"))
        body.append("<tr>" + "".join([
            tag("td", esc(str(r.year)), cls="cell-year"),
            tag("td", esc((r.school_zh or r.school or "—") if lang == "zh"
                            else (short_school(r.school) if r.school else "—")), title=r.school or ""),
            tag("td", esc(local_name(r.partner, getattr(r, "partner_zh", None), lang) or "—"),
                 title=r.partner or "", cls="cell-name"),
            tag("td", esc(country_label(r.country, lang) if r.country else "—"), cls="nowrap"),
            tag("td", esc(program_type_name(r.program_type, lang) if r.program_type else "—"), cls="nowrap"),
            tag("td", students, cls="num"),
            tag("td", esc(f"{t('Row', lang).lower()} {r.row}"), cls="cell-file",
                 title=t("Report", lang) + f" {r.report}, " + t("Row", lang) + f" {r.row}"),
        ]) + "</tr>")
    note = (t("first {n} of {total} rows", lang).format(n=len(df), total=total) if total > len(df)
            else t("{total} rows", lang).format(total=total))
    note += " · " + t("Report", lang) + ": " + ", ".join(dict.fromkeys(df["report"]))
    return html.Div([
        data_table(cols, "Students abroad", body, lang, margin="mb-1"),
        html.Div(note, className="table-note"),
    ])


def rows_head(url: str, filters, pick: Mapping | None, lang: str = "en") -> tuple[Any, dict, dict]:
    """The rows panel's heading and the styles of its two buttons (shown only for a clicked bar;
    "filter" only when it would change the filters)."""
    hidden = {"display": "none"}
    if not pick:
        return t("Report rows behind these figures", lang), hidden, hidden
    f = as_filters(filters)
    spec = DrillSpec.make(pick)
    g = spec.cross_filter(f)
    head = [t("Report rows behind", lang) + " ", html.Span(pick_words(pick, url, lang), className="chip")]
    return head, ({} if g is not None and g != f else hidden), {}


def timeline_figure(url: str, filters, lang: str = "en", today: dt.date | None = None) -> go.Figure:
    f = as_filters(filters)
    today = _today(today)
    df = run_query(qp.agreements, url, f, today)
    if df is None or df.empty:
        return figures.empty(t(fp.TIMELINE_TITLE, lang), empty_message(url, f, "agreements", lang))
    return fp.agreements_timeline(df, today, lang)


def expiring_panel(url: str, filters, lang: str = "en", today: dt.date | None = None) -> html.Div:
    """The agreements expiring within 6 and within 12 months, soonest first, flagged."""
    f = as_filters(filters)
    today = _today(today)
    df = run_query(qp.expiring, url, f, today)
    if df is None:
        return html.P(t(NO_SCHEMA_HINT, lang).replace("<br>", " ").replace("<b>", "").replace("</b>", ""),
                      className="text-muted small")
    if df.empty:
        return html.P(t("Nothing expires in the next 12 months.", lang), className="text-muted small mb-0")
    items = []
    for r in df.itertuples(index=False):
        within = int(r.within)
        flag = fp.STATE_LABELS["expiring_6" if within == 6 else "expiring_12"]
        partner = (r.partner_zh or r.partner) if lang == "zh" else r.partner
        items.append(html.Li([
            html.Div([
                html.Span(f"≤ {within}", className=f"flag flag-{within}", title=t(flag, lang)),
                html.Span(partner or "—", className="exp-partner"),
            ], className="exp-top"),
            html.Div([agreement_type_name(r.type, lang), " · ", country_label(r.country, lang) if r.country else "",
                      " · ", ((r.schools_zh or r.schools) if lang == "zh" else r.schools) or t("University-wide", lang)],
                     className="exp-meta"),
            html.Div([html.Span(r.expiry.isoformat(), className="exp-date"), " · ",
                      f"{int(r.days_left):,} ", t("days left", lang)], className="exp-meta"),
        ], className=f"exp-item exp-{within}"))
    return html.Ul(items, className="exp-list")


def sources_note(url: str, lang: str = "en") -> html.Div:
    """Which report files the page reads, with their rows and load time."""
    df = run_query(qp.report_files, url)
    if df is None or df.empty:
        return html.Div()
    parts = [html.Span(t("Loaded reports", lang) + ":", className="me-2")]
    for r in df.itertuples(index=False):
        when = r.loaded_at.strftime("%Y-%m-%d") if hasattr(r.loaded_at, "strftime") else str(r.loaded_at)[:10]
        parts.append(html.Span([html.Code(r.file),
                                f" · {int(r.rows):,} {t('rows', lang)} · {t('loaded', lang)} {when}"],
                               className="report-file"))
    return html.Div(parts, className="report-files")


# ---------------------------------------------------------------------------
# Programme records (issue 16): the list, its chart and the register cross-check
# ---------------------------------------------------------------------------
RECORD_PICK_KEYS = ("kind", "status")


def records_figure(url: str, filters, lang: str = "en") -> go.Figure:
    """Records in scope per kind, stacked by status (a click narrows the list below)."""
    f = as_filters(filters)
    df = run_query(qg.by_kind, url, f)
    if df is None or df.empty:
        msg = t(NO_SCHEMA_HINT, lang) if df is None or not q.schema_ready(url) else (
            t(figures.FILTER_HINT, lang) if not f.is_empty else t(figures.LOAD_HINT, lang))
        return figures.empty(t(fg.KIND_TITLE, lang), msg)
    return fg.by_kind(df, lang)


def record_pick(click: Mapping | None) -> dict | None:
    """``{"kind": …, "status": …}`` from a click on the kinds chart (the bar's customdata ends with it)."""
    try:
        spec = (click or {})["points"][0]["customdata"][-1]
    except (KeyError, IndexError, TypeError):
        return None
    if not isinstance(spec, dict):
        return None
    pick = {k: str(spec[k]) for k in RECORD_PICK_KEYS if isinstance(spec.get(k), str) and spec.get(k)}
    return pick or None


def _clean_pick(pick: Any) -> dict:
    return {k: v for k, v in (pick if isinstance(pick, dict) else {}).items()
            if k in RECORD_PICK_KEYS and isinstance(v, str) and v}


def record_grid_rows(url: str, filters, pick: Mapping | None = None, lang: str = "en", search: str = "") -> list[dict]:
    """The records in scope as grid rows (narrowed to the clicked kind and status, if any)."""
    f = as_filters(filters)
    df = run_query(qg.records, url, f)
    if df is None:
        return []
    for k, v in _clean_pick(pick).items():
        df = df[df[k] == v]
    return pgm.record_rows(df, lang, search)


def record_count(n: int, lang: str = "en") -> str:
    return t("1 record", lang) if n == 1 else t("{n} records", lang).format(n=f"{n:,}")


def record_pick_head(pick: Mapping | None, lang: str = "en") -> tuple[Any, dict]:
    """The chip naming the kind (and status) the list is narrowed to, and the style of "Show all"."""
    pick = _clean_pick(pick)
    if not pick:
        return None, {"display": "none"}
    words = [fg.kind_label(pick["kind"], lang)] if "kind" in pick else []
    if "status" in pick:
        words.append(fp.status_label(pick["status"], lang))
    return html.Span(t("Showing {what} only", lang).format(what=" · ".join(words)), className="chip"), {}


def record_columns(lang: str = "en") -> list[dict]:
    from dashboard.pages.schools import PAGE_LINK_RENDERER

    num = {"type": "rightAligned", "flex": 1, "minWidth": 92}
    return [
        {"field": "label", "headerName": t("Programme", lang), "cellRenderer": PAGE_LINK_RENDERER, "minWidth": 240,
         "flex": 4},
        {"field": "kind_name", "headerName": t("Kind", lang), "minWidth": 140, "flex": 2},
        {"field": "partners", "headerName": t("Partners", lang), "minWidth": 180, "flex": 3},
        {"field": "countries", "headerName": t("Countries", lang), "minWidth": 100, "flex": 1},
        {"field": "schools", "headerName": t("Schools", lang), "minWidth": 160, "flex": 3},
        {"field": "first_year", "headerName": t("Start", lang), **num, "minWidth": 88},
        {"field": "last_year", "headerName": t("Last seen", lang), **num, "minWidth": 96, "sort": "desc"},
        {"field": "status_name", "headerName": t("Status", lang), "minWidth": 130, "flex": 1,
         "tooltipField": "status_source"},
        {"field": "students", "headerName": t("Students", lang), **num},
        {"field": "sources", "headerName": t("Sources linked", lang), **num},
        {"field": "names", "hide": True},       # searchable, not shown
        {"field": "mode", "hide": True},
        {"field": "level", "hide": True},
    ]


def register_check(url: str, lang: str = "en", search: str = "") -> list:
    """The two register cross-check lists: register entries with no news or report evidence, and
    joint programmes of the news or reports that no register entry matches."""
    none_ = html.P(t("Nothing to report.", lang), className="text-muted small mb-0")
    reg = run_query(qg.register_without_evidence, url)
    miss = run_query(qg.missing_from_register, url)

    def _link(pid, label):
        return dcc.Link(label, href=f"/programs/{int(pid)}{search}") if pid is not None and pd.notna(pid) else label

    left = none_
    if reg is not None and not reg.empty:
        left = html.Ul([html.Li([html.Code(r.approval_no), " ", _link(r.programme_id, r.programme_name),
                                 html.Span(f" · {r.partner_name or '–'} · {pgm.years_text(r.approval_year, r.expiry_year)}",
                                           className="text-muted")])
                        for r in reg.itertuples(index=False)], className="check-list")
    right = none_
    if miss is not None and not miss.empty:
        right = html.Ul([html.Li([_link(r.programme_id, r.label),
                                  html.Span(f" · {r.partners or '–'} · {pgm.years_text(r.first_year, r.last_year)}",
                                            className="text-muted")])
                         for r in miss.itertuples(index=False)], className="check-list")
    return [
        dbc.Col([html.H4(t("In the register, with no news or report", lang), className="check-head"), left], xs=12),
        dbc.Col([html.H4(t("Joint programmes in news or reports, not in the register", lang), className="check-head"),
                 html.P(t("Articulation programmes (2+2, 3+1 …) need no approval of their own: this is a list to "
                          "check, not of faults.", lang), className="card-sub"), right], xs=12),
    ]


def records_section(lang: str = "en") -> list:
    """The records section of the page's layout (filled by the callbacks)."""
    from dashboard.pages.schools import grid

    return [
        html.Div(id=ids.PG_SECTION),
        _section(t("Programme records", lang),
                 t("One record per joint programme, exchange, summer school, visiting-scholar programme or research "
                   "centre. Click a bar to narrow the list; sort by any column; open a record from its name.", lang)),
        dcc.Store(id=ids.PG_PICK, data=None),
        dbc.Row([
            dbc.Col(chart_card(ids.PG_KINDS, min_height=320, lang=lang, export="programmes_by_kind"), lg=5),
            dbc.Col(html.Div([html.H3(t("Register cross-check", lang), className="card-heading"),
                              dbc.Row(id=ids.PG_REGISTER, className="g-3")], className="panel register-check"), lg=7),
        ], className="g-3 mb-3"),
        dbc.Row(dbc.Col(html.Div([
            html.Div([
                html.H3(t("All records", lang), className="card-heading mb-0"),
                html.Span(id=ids.PG_COUNT, className="grid-count", **{"aria-live": "polite"}),
                html.Span(id=ids.PG_PICK_HEAD),
                dbc.Button(t("Show all", lang), id=ids.PG_PICK_CLEAR, color="link", size="sm", className="p-0",
                           style={"display": "none"}),
                html.Label(t("Search programme, partner, school…", lang), htmlFor=ids.PG_SEARCH,
                           className="visually-hidden"),
                dbc.Input(id=ids.PG_SEARCH, type="search", debounce=False, className="grid-search",
                          placeholder=t("Search programme, partner, school…", lang), autocomplete="off"),
                export_menu("programme_records", menu_id="card-pg-grid", figure=False, report=False, lang=lang),
            ], className="grid-tools"),
            grid(ids.PG_GRID, record_columns(lang), [], height=460, lang=lang,
                 options={"includeHiddenColumnsInQuickFilter": True, "tooltipShowDelay": 300}),
            html.P(t("Status marked “inferred”: no report or register says it; it is read from the years the "
                     "sources speak of the programme.", lang), className="table-note mt-1 mb-0"),
        ], className="panel"), lg=12), className="g-3 mb-4"),
    ]


# ---------------------------------------------------------------------------
# Layout and wiring
# ---------------------------------------------------------------------------
def _section(title: str, hint: str | None = None) -> html.Div:
    return html.Div([html.H2(title, className="section-title"),
                     html.P(hint, className="section-hint") if hint else None], className="section-head")


def _panel(title: str, body, class_name: str = "", body_id: str | None = None) -> html.Div:
    inner = html.Div(body, id=body_id) if body_id else body
    return html.Div([html.H3(title, className="card-heading"), inner], className=f"panel {class_name}".strip())


def layout(ui: str | None = None, **_query: Any) -> html.Div:
    """The page; the filters come from the shell's store, the language from ``?ui=``."""
    lang = ui_lang(ui)
    url = database_url()
    return html.Div([
        html.Div([
            export_menu(PROGRAMS_EXPORTS, menu_id="programs", class_name="float-end", lang=lang),
            html.H1(t(NAME, lang), className="page-title"),
            html.P(t("Every programme and initiative as one record, gathered from the news, the office's reports and "
                     "the Ministry's register; below, joint programmes, students abroad and partner agreements from "
                     "the office's reports.", lang), className="page-lede"),
        ], className="page-head"),
        dbc.Row([], id=ids.PR_KPIS, className="g-3 mb-4 kpi-row"),
        *records_section(lang),
        _section(t("Joint programmes (office's reports)", lang),
                 t("Click a level or a mode to narrow the table.", lang)),
        dcc.Store(id=ids.PR_TABLE_PICK, data=None),
        dbc.Row([
            dbc.Col(chart_card(ids.PR_BY_LEVEL, min_height=260, lang=lang, export="programs_by_level"), lg=6),
            dbc.Col(chart_card(ids.PR_BY_MODE, min_height=260, lang=lang, export="programs_by_mode"), lg=6),
        ], className="g-3 mb-3"),
        dbc.Row(dbc.Col(html.Div([
            html.Div([html.Span(id=ids.PR_TABLE_HEAD),
                      dbc.Button(t("Show all", lang), id=ids.PR_TABLE_CLEAR, color="link", size="sm",
                                 className="ms-2 p-0", style={"display": "none"})], className="table-pick"),
            dcc.Loading(html.Div(id=ids.PR_TABLE), type="dot", color="#1F4E8C", delay_show=250),
        ], className="panel table-panel")), className="g-3 mb-4"),
        _section(t("Students abroad", lang), t("Click a school, a country or a year to see the report rows behind it.",
                                               lang)),
        dbc.Row([
            dbc.Col(chart_card(ids.PR_STUDENTS_YEAR, min_height=480, lang=lang, export="students_abroad"), lg=6),
            dbc.Col(chart_card(ids.PR_STUDENTS_SCHOOL, min_height=480, lang=lang, export="students_by_school"), lg=6),
        ], className="g-3 mb-3"),
        dbc.Row([
            dbc.Col(chart_card(ids.PR_STUDENTS_COUNTRY, min_height=420, lang=lang, export="students_by_country"), lg=5),
            dbc.Col(html.Div([
                dcc.Store(id=ids.PR_ROWS_PICK, data=None),
                html.Div([
                    html.H3(t("Report rows behind these figures", lang), id=ids.PR_ROWS_HEAD,
                            className="card-heading mb-0"),
                    html.Div([
                        dbc.Button(t("Filter the dashboard to this", lang), id=ids.PR_ROWS_FILTER, color="primary",
                                   size="sm", style={"display": "none"}),
                        dbc.Button(t("Show all rows", lang), id=ids.PR_ROWS_CLEAR, color="link", size="sm",
                                   style={"display": "none"}),
                    ], className="rows-actions"),
                ], className="rows-head"),
                dcc.Loading(html.Div(id=ids.PR_MOBILITY_ROWS), type="dot", color="#1F4E8C", delay_show=250),
            ], className="panel rows-panel"), lg=7),
        ], className="g-3 mb-4"),
        _section(t("Agreements", lang),
                 t("Agreements are counted from today; the year range keeps those valid at some time in it.", lang)),
        dbc.Row([
            dbc.Col(chart_card(ids.PR_TIMELINE, min_height=520, lang=lang, export="agreements_timeline"), lg=8),
            dbc.Col(_panel(t("Expiring soon", lang), dcc.Loading(html.Div(id=ids.PR_EXPIRING), type="dot",
                                                                 color="#1F4E8C", delay_show=250),
                           "expiring-panel"), lg=4),
        ], className="g-3 mb-3"),
        html.Div(sources_note(url, lang), id=ids.PR_SOURCES, className="mb-2"),
    ], className="page page-programs")


def register_callbacks(app) -> None:
    def _need(data):
        if data is None:  # the shell has not read the URL yet; it will call again
            raise PreventUpdate
        return data

    @app.callback(Output(ids.PG_KINDS, "figure"), Output(ids.PG_REGISTER, "children"),
                  Input(ids.FILTERS, "data"), State(ids.URL, "search"))
    def _records_chart(data, search):
        lang = page_lang(search)
        url = database_url()
        return records_figure(url, _need(data), lang), register_check(url, lang, search_with(search, as_filters(data)))

    @app.callback(Output(ids.PG_PICK, "data"), Output(ids.PG_KINDS, "clickData"),
                  Input(ids.PG_KINDS, "clickData"), Input(ids.PG_PICK_CLEAR, "n_clicks"), prevent_initial_call=True)
    def _record_pick(click, _clear):
        return (record_pick(click) if ctx.triggered_id == ids.PG_KINDS else None), None

    @app.callback(Output(ids.PG_GRID, "rowData"), Output(ids.PG_COUNT, "children"), Output(ids.PG_PICK_HEAD, "children"),
                  Output(ids.PG_PICK_CLEAR, "style"),
                  Input(ids.FILTERS, "data"), Input(ids.PG_PICK, "data"), State(ids.URL, "search"))
    def _records(data, pick, search):
        lang = page_lang(search)
        rows = record_grid_rows(database_url(), _need(data), pick, lang, search_with(search, as_filters(data)))
        return (rows, record_count(len(rows), lang), *record_pick_head(pick, lang))

    app.clientside_callback(
        """function (text, opts) {
            return Object.assign({}, opts || {}, {quickFilterText: text || ""});
        }""",
        Output(ids.PG_GRID, "dashGridOptions"), Input(ids.PG_SEARCH, "value"), State(ids.PG_GRID, "dashGridOptions"),
        prevent_initial_call=True,
    )

    @app.callback(Output(ids.PR_KPIS, "children"), Input(ids.FILTERS, "data"), State(ids.URL, "search"))
    def _kpis(data, search):
        return kpi_row(database_url(), _need(data), page_lang(search))

    @app.callback(Output(ids.PR_BY_LEVEL, "figure"), Output(ids.PR_BY_MODE, "figure"),
                  Input(ids.FILTERS, "data"), State(ids.URL, "search"))
    def _programs(data, search):
        lang = page_lang(search)
        url = database_url()
        return programs_figure(url, _need(data), "level", lang), programs_figure(url, data, "mode", lang)

    @app.callback(Output(ids.PR_TABLE_PICK, "data"),
                  Output(ids.PR_BY_LEVEL, "clickData"), Output(ids.PR_BY_MODE, "clickData"),
                  Input(ids.PR_BY_LEVEL, "clickData"), Input(ids.PR_BY_MODE, "clickData"),
                  Input(ids.PR_TABLE_CLEAR, "n_clicks"), prevent_initial_call=True)
    def _pick(level_click, mode_click, _clear):
        trig = ctx.triggered_id
        if trig == ids.PR_BY_LEVEL:
            pick = pick_from_click("level", level_click)
        elif trig == ids.PR_BY_MODE:
            pick = pick_from_click("mode", mode_click)
        else:
            pick = None
        return pick, None, None   # clickData reset: the same bar can be clicked again

    @app.callback(Output(ids.PR_TABLE, "children"), Output(ids.PR_TABLE_HEAD, "children"),
                  Output(ids.PR_TABLE_CLEAR, "style"),
                  Input(ids.FILTERS, "data"), Input(ids.PR_TABLE_PICK, "data"), State(ids.URL, "search"))
    def _table(data, pick, search):
        lang = page_lang(search)
        return (programs_table(database_url(), _need(data), pick, lang, search_with(search, as_filters(data))),
                *table_head(pick, lang))

    @app.callback(Output(ids.PR_STUDENTS_YEAR, "figure"), Output(ids.PR_STUDENTS_SCHOOL, "figure"),
                  Output(ids.PR_STUDENTS_COUNTRY, "figure"),
                  Input(ids.FILTERS, "data"), State(ids.URL, "search"))
    def _students(data, search):
        lang = page_lang(search)
        url = database_url()
        _need(data)
        return (students_year_figure(url, data, lang), students_school_figure(url, data, lang),
                students_country_figure(url, data, lang))

    graphs = [ids.PR_STUDENTS_SCHOOL, ids.PR_STUDENTS_COUNTRY, ids.PR_STUDENTS_YEAR]

    @app.callback(Output(ids.PR_ROWS_PICK, "data"), *[Output(g, "clickData") for g in graphs],
                  *[Input(g, "clickData") for g in graphs], Input(ids.PR_ROWS_CLEAR, "n_clicks"),
                  Input(ids.FILTERS, "data"), prevent_initial_call=True)
    def _rows_pick(*args):
        clicks = dict(zip(graphs, args))
        trig = ctx.triggered_id
        if trig in clicks:
            pick = rows_pick(clicks[trig])
            if pick is None:
                raise PreventUpdate
            return (pick, *([None] * len(graphs)))
        # "Show all rows", or the filters changed (the pick may now be one): back to all rows.
        return (None, *([no_update] * len(graphs)))

    @app.callback(Output(ids.PR_MOBILITY_ROWS, "children"), Output(ids.PR_ROWS_HEAD, "children"),
                  Output(ids.PR_ROWS_FILTER, "style"), Output(ids.PR_ROWS_CLEAR, "style"),
                  Input(ids.FILTERS, "data"), Input(ids.PR_ROWS_PICK, "data"), State(ids.URL, "search"))
    def _rows(data, pick, search):
        lang = page_lang(search)
        url = database_url()
        _need(data)
        return (mobility_table(url, data, lang, pick=pick), *rows_head(url, data, pick, lang))

    @app.callback(Output(ids.URL, "search", allow_duplicate=True), Input(ids.PR_ROWS_FILTER, "n_clicks"),
                  State(ids.PR_ROWS_PICK, "data"), State(ids.URL, "search"), prevent_initial_call=True)
    def _filter_to_pick(n, pick, search):
        if not n or not pick:
            raise PreventUpdate
        new = apply_cross_filter(search, pick)
        return new if new is not None else no_update

    @app.callback(Output(ids.PR_TIMELINE, "figure"), Output(ids.PR_EXPIRING, "children"),
                  Input(ids.FILTERS, "data"), State(ids.URL, "search"))
    def _agreements(data, search):
        lang = page_lang(search)
        url = database_url()
        _need(data)
        return timeline_figure(url, data, lang), expiring_panel(url, data, lang)
