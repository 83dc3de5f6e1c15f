"""One school (path ``/schools/<school_id>``): its partners, kinds of activity and trend from the
news, and its programmes, agreements and students abroad from the office's reports.

Everything on the page is the shared filters narrowed to the school, so a bar's drill-down
lists exactly the documents the bar counts. The school's Chinese name and aliases head
the page. Not in the menu: reached from the Schools page, the drill-down panel or a link.
"""
from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import figures, ids
from dashboard import queries as q
from dashboard import queries_schools as qs
from dashboard.components import drilldown
from dashboard.components.cards import chart_card
from dashboard.context import database_url, path_id
from dashboard.figures_schools import (
    KINDS_TITLE,
    PARTNERS_TITLE,
    TREND_TITLE,
    clean_text,
    kinds_bars,
    mobility_bars,
    partners_bars,
    trend,
)
from dashboard.figures_programs import level_label, status_label
from dashboard.labels import add_translations, t, ui_lang
from dashboard.pages.schools import filters_of, run, why_empty
from dashboard.queries import Filters

PATH_TEMPLATE = "/schools/<school_id>"
PATH = "/schools/none"
NAME = "School"
TITLE = "School · International Cooperation"
IN_NAV = False

NOWRAP = {"signed", "expiry", "start_year", "enrolment", "state", "level", "mode"}
STATE_LABELS = {"in_force": "In force", "expiring": "Expires within 6 months", "expired": "Expired",
                "open_ended": "Open-ended", "not_started": "Not yet in force"}
add_translations({
    "School": "学院",
    "← All schools": "← 全部学院",
    "No such school.": "没有这个学院。",
    "Also written": "其他写法",
    "Documents": "文档",
    "Activities": "活动",
    "Partners": "合作伙伴",
    "Countries": "国家",
    "Programmes": "合作项目",
    "Students abroad": "出国（境）学生",
    "From the office's reports": "来自国际处报表",
    "Joint programmes": "中外合作项目",
    "Agreements": "合作协议",
    "Programme": "项目",
    "Partner": "合作伙伴",
    "Level": "层次",
    "Mode": "模式",
    "Started": "开始年份",
    "Status": "状态",
    "Enrolment": "在读人数",
    "Type": "类型",
    "Signed": "签署日期",
    "Expires": "到期日期",
    "State": "状态",
    "None in the reports.": "报表中没有记录。",
    "unknown": "未知",
    "open-ended": "长期有效",
    "In force": "有效",
    "Expires within 6 months": "6个月内到期",
    "Expired": "已到期",
    "Open-ended": "长期有效",
    "Not yet in force": "尚未生效",
    "News in the selection": "所选范围内的新闻",
    "Agreements that name the school; university-wide agreements are on the Programmes page.":
        "列出写明该学院的协议；全校性协议见“合作项目”页面。",
})


# ---------------------------------------------------------------------------
# Pieces shared with the partner page
# ---------------------------------------------------------------------------
def stat(label: str, value: Any, lang: str, hint: str | None = None) -> html.Div:
    shown = "–" if value is None else (f"{value:,}" if isinstance(value, int) else str(value))
    return html.Div([html.Span(shown, className="stat-n"), html.Span(t(label, lang), className="stat-l")],
                    className="stat-tile", title=t(hint, lang) if hint else None)


def simple_table(df: pd.DataFrame, columns: list[tuple[str, str]], lang: str, class_name: str = "") -> Any:
    """A compact table of ``df``'s ``columns`` (``[(field, header)]``); blank cells show "–"."""
    if df is None or df.empty:
        return html.P(t("None in the reports.", lang), className="text-muted small mb-0")
    head = html.Thead(html.Tr([html.Th(t(h, lang)) for _, h in columns]))
    body = []
    for r in df.to_dict("records"):
        cells = []
        for field, _ in columns:
            v = r.get(field)
            if isinstance(v, float) and pd.isna(v) or v is None or v is pd.NA:
                v = "–"
            cells.append(html.Td(v if isinstance(v, (str, list, html.A, html.Span)) else str(v),
                                 className="nowrap" if field in NOWRAP else None))
        body.append(html.Tr(cells))
    return dbc.Table([head, html.Tbody(body)], size="sm", hover=True, responsive=True,
                     className=f"report-table {class_name}".strip())


def state_badge(state: str, lang: str) -> html.Span:
    return html.Span(t(STATE_LABELS.get(state, state), lang), className=f"state-badge state-{state}")


def aliases_line(aliases: list[str], lang: str) -> Any:
    if not aliases:
        return None
    return html.Div([html.Span(t("Also written", lang), className="alias-label")]
                    + [html.Span(a, className="chip") for a in aliases[:12]], className="aliases")


# ---------------------------------------------------------------------------
# Callback bodies (plain functions)
# ---------------------------------------------------------------------------
def kpi_tiles(url: str, f: Filters, school_id: int, lang: str) -> list:
    k = run(qs.school_kpis, url, f, school_id) or {}
    progs = run(qs.school_programs, url, f, school_id)
    mob = run(qs.school_mobility, url, f, school_id)
    return [
        stat("Documents", k.get("documents"), lang),
        stat("Activities", k.get("activities"), lang),
        stat("Partners", k.get("partners"), lang),
        stat("Countries", k.get("countries"), lang),
        stat("Programmes", None if progs is None else len(progs), lang, "From the office's reports"),
        stat("Students abroad", None if mob is None else int(mob["students"].sum()) if not mob.empty else 0, lang,
             "From the office's reports"),
    ]


def reports_section(url: str, f: Filters, school_id: int, lang: str, search: str = "") -> list:
    progs = run(qs.school_programs, url, f, school_id)
    agrs = run(qs.school_agreements, url, f, school_id)
    if progs is not None and not progs.empty:
        progs = progs.assign(
            partner=[clean_text(z) if lang == "zh" and clean_text(z) else (clean_text(p) or "–")
                     for p, z in zip(progs["partner"], progs["partner_zh"])],
            level=[level_label(v, lang) if clean_text(v) else "–" for v in progs["level"]],
            status=[status_label(s, lang) if s else "–" for s in progs["status"]])
    if agrs is not None and not agrs.empty:
        agrs = agrs.assign(
            partner=[html.A(clean_text(z) if lang == "zh" and clean_text(z) else p, href=f"/partners/{int(i)}{search}")
                     if pd.notna(i) else (clean_text(p) or "–")
                     for i, p, z in zip(agrs["partner_id"], agrs["partner"], agrs["partner_zh"])],
            expiry=[e.isoformat() if e else t("open-ended", lang) for e in agrs["expiry"]],
            signed=[s.isoformat() if s else "–" for s in agrs["signed"]],
            state=[state_badge(s, lang) for s in agrs["state"]])
    return [
        dbc.Col(html.Div([
            html.H2(t("Joint programmes", lang), className="card-heading"),
            simple_table(progs, [("program", "Programme"), ("partner", "Partner"), ("level", "Level"),
                                 ("mode", "Mode"), ("start_year", "Started"), ("status", "Status"),
                                 ("enrolment", "Enrolment")], lang),
        ], className="panel"), lg=6),
        dbc.Col(html.Div([
            html.H2(t("Agreements", lang), className="card-heading"),
            html.P(t("Agreements that name the school; university-wide agreements are on the Programmes page.",
                     lang), className="card-sub"),
            simple_table(agrs, [("partner", "Partner"), ("type", "Type"), ("signed", "Signed"),
                                ("expiry", "Expires"), ("state", "State")], lang),
        ], className="panel"), lg=6),
    ]


def activity_figures(url: str, f: Filters, school_id: int, lang: str = "en") -> tuple:
    """The trend (activities per year and kind) and the kinds of activity of the school."""
    msg = why_empty(url, f, lang)
    bounds = run(q.year_bounds, url)
    years = (f.year_from or bounds[0], f.year_to or bounds[1]) if bounds else None
    grid = run(qs.school_activity_grid, url, f, school_id)
    df_trend = qs.trend_of(grid) if grid is not None else None
    df_kinds = qs.kinds_of(grid) if grid is not None else None
    return (trend(df_trend, school_id, years, lang, msg) if df_trend is not None
            else figures.empty(t(TREND_TITLE, lang), msg),
            kinds_bars(df_kinds, school_id, lang, msg) if df_kinds is not None
            else figures.empty(t(KINDS_TITLE, lang), msg))


def partners_figure(url: str, f: Filters, school_id: int, lang: str = "en"):
    df = run(qs.school_partners, url, f, school_id)
    if df is None:
        return figures.empty(t(PARTNERS_TITLE, lang), why_empty(url, f, lang))
    return partners_bars(df, school_id, lang, why_empty(url, f, lang))


def mobility_figure(url: str, f: Filters, school_id: int, lang: str = "en"):
    df = run(qs.school_mobility, url, f, school_id)
    return mobility_bars(df if df is not None else pd.DataFrame(columns=["year", "country", "students", "records"]),
                         lang)


def school_view(url: str, filters: Filters | dict | None, school_id: int, lang: str = "en",
                search: str = "") -> dict[str, Any]:
    """Everything that depends on the filters: KPI tiles, four figures, the report tables.

    The page's callbacks compute the same pieces separately (so the browser fetches them in
    parallel and each stays quick); this assembles them for tests and exports.
    """
    f = filters_of(filters)
    trend_fig, kinds_fig = activity_figures(url, f, school_id, lang)
    return {
        "kpis": kpi_tiles(url, f, school_id, lang),
        "trend": trend_fig,
        "kinds": kinds_fig,
        "partners": partners_figure(url, f, school_id, lang),
        "mobility": mobility_figure(url, f, school_id, lang),
        "reports": reports_section(url, f, school_id, lang, search),
    }


# ---------------------------------------------------------------------------
# Layout and wiring
# ---------------------------------------------------------------------------
def layout(school_id: Any = None, **query: Any) -> html.Div:
    lang = ui_lang(query.get("ui"))
    sid = path_id(school_id)
    info = run(qs.school_info, database_url(), sid) if sid is not None else None
    back = dcc.Link(t("← All schools", lang), href="/schools", className="back-link")
    if info is None:
        return html.Div([back, html.H1(t("No such school.", lang), className="page-title")],
                        className="page page-school")
    names = [html.H1(info["zh"] if lang == "zh" and info["zh"] else info["name"], className="page-title")]
    second = info["name"] if lang == "zh" and info["zh"] else info["zh"]
    if second:
        names.append(html.Div(second, className="page-title-zh", lang="zh" if second == info["zh"] else "en"))
    return html.Div([
        dcc.Store(id=ids.SCD_ID, data=sid),
        html.Div([back, *names, aliases_line(info["aliases"], lang), drilldown.hint(lang)],
                 className="page-head", id=ids.SCD_HEAD),
        html.Div(id=ids.SCD_KPIS, className="stat-row mb-3"),
        dbc.Row([
            dbc.Col(chart_card(ids.SCD_TREND, min_height=400, lang=lang), lg=8),
            dbc.Col(chart_card(ids.SCD_KINDS, min_height=400, lang=lang), lg=4),
        ], className="g-3 mb-3"),
        dbc.Row([
            dbc.Col(chart_card(ids.SCD_PARTNERS, min_height=400, lang=lang), lg=6),
            dbc.Col(chart_card(ids.SCD_MOBILITY, min_height=400, lang=lang), lg=6),
        ], className="g-3 mb-3"),
        html.H2(t("From the office's reports", lang), className="section-heading"),
        dbc.Row(id=ids.SCD_REPORTS, className="g-3 mb-3"),
        drilldown.panel(lang),
    ], className="page page-school")


def register_callbacks(app) -> None:
    drilldown.register_callbacks(app)
    drilldown.connect(app, [ids.SCD_TREND, ids.SCD_KINDS, ids.SCD_PARTNERS])

    def _args(data, school_id, search):
        school_id = path_id(school_id)
        if data is None or school_id is None:
            raise PreventUpdate
        return database_url(), filters_of(data), school_id, drilldown.ui_from_search(search)

    inputs = (Input(ids.FILTERS, "data"), State(ids.SCD_ID, "data"), State(ids.URL, "search"))

    @app.callback(Output(ids.SCD_KPIS, "children"), *inputs)
    def _kpis(data, school_id, search):
        return kpi_tiles(*_args(data, school_id, search))

    @app.callback(Output(ids.SCD_TREND, "figure"), Output(ids.SCD_KINDS, "figure"), *inputs)
    def _activities(data, school_id, search):
        return activity_figures(*_args(data, school_id, search))

    @app.callback(Output(ids.SCD_PARTNERS, "figure"), *inputs)
    def _partners(data, school_id, search):
        return partners_figure(*_args(data, school_id, search))

    @app.callback(Output(ids.SCD_MOBILITY, "figure"), Output(ids.SCD_REPORTS, "children"), *inputs)
    def _reports(data, school_id, search):
        url, f, sid, lang = _args(data, school_id, search)
        return (mobility_figure(url, f, sid, lang),
                reports_section(url, f, sid, lang, drilldown.search_with(search, f)))


__all__ = ["layout", "register_callbacks", "school_view", "kpi_tiles", "reports_section"]
