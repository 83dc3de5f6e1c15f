"""One school (path ``/schools/<school_id>``): its partners, kinds of activity and trend from the
news, and its programmes, agreements and students abroad from the office's reports.

Everything on the page is the shared filters narrowed to the school, so a bar's drill-down
lists exactly the documents the bar counts. The school's Chinese name and aliases head
the page. Not in the menu: reached from the Schools page, the drill-down panel or a link.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import ids
from dashboard.components import drilldown, profile
from dashboard.components.export_menu import export_menu
from dashboard.components.cards import chart_card
from dashboard.components import html_table as H
from dashboard.components.profile import simple_table, stat_html, stat_row, state_badge_html
from dashboard.context import database_url, path_id
from dashboard.figures import common as figures
from dashboard.queries import common as q
from dashboard.queries import programmes as qg
from dashboard.queries import schools as qs
from dashboard.pages.programme import records_list
from dashboard.figures.schools import (
    KINDS_TITLE,
    PARTNERS_TITLE,
    TREND_TITLE,
    clean_text,
    kinds_bars,
    mobility_bars,
    partners_bars,
    trend,
)
from dashboard.figures.programs import level_label, status_label
from dashboard.labels import add_translations, agreement_type_name, t, ui_lang
from dashboard.pages.schools import filters_of, run, why_empty
from dashboard.queries.common import Filters

PATH_TEMPLATE = "/schools/<school_id>"
PATH = "/schools/none"
NAME = "School"
TITLE = "School · International Cooperation"
IN_NAV = False
# Each chart's export (dashboard/export.py): the same query functions as the card, of this school.
EXPORTS = {ids.SCD_TREND: "school_trend", ids.SCD_KINDS: "school_kinds", ids.SCD_PARTNERS: "school_partners",
           ids.SCD_MOBILITY: "school_mobility"}

add_translations({
    "School": "学院",
    "← All schools": "← 全部学院",
    "No such school.": "没有这个学院。",
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
    "unknown": "未知",
    "open-ended": "长期有效",
    "News in the selection": "所选范围内的新闻",
    "Programmes and initiatives": "合作项目与交流活动",
    "Records gathered from the news, the office's reports and the Ministry's register.":
        "汇集自新闻、国际处报表和教育部名单的项目记录。",
    "Agreements that name the school; university-wide agreements are on the Programmes page.":
        "列出写明该学院的协议；全校性协议见“合作项目”页面。",
})


# ---------------------------------------------------------------------------
# Callback bodies (plain functions)
# ---------------------------------------------------------------------------
def kpi_tiles(url: str, f: Filters, school_id: int, lang: str) -> Any:
    # "Countries" counts international partners' countries, as the Overview's card does
    k = run(qs.school_kpis, url, f, school_id, True) or {}
    progs = run(qs.school_programs, url, f, school_id)
    mob = run(qs.school_mobility, url, f, school_id)
    return stat_row([
        stat_html("Documents", k.get("documents"), lang),
        stat_html("Activities", k.get("activities"), lang),
        stat_html("Partners", k.get("partners"), lang),
        stat_html("Countries", k.get("countries"), lang),
        stat_html("Programmes", None if progs is None else len(progs), lang, "From the office's reports"),
        stat_html("Students abroad", None if mob is None else int(mob["students"].sum()) if not mob.empty else 0, lang,
                  "From the office's reports"),
    ])


def reports_section(url: str, f: Filters, school_id: int, lang: str, search: str = "") -> list:
    progs = run(qs.school_programs, url, f, school_id)
    agrs = run(qs.school_agreements, url, f, school_id)
    if progs is not None and not progs.empty:
        record_of = run(qg.records_of_rows, url, "programs") or {}   # each report row's programme record
        # the name opens the programme's record through Dash's router (dcc.Link), as every link of the page
        progs = progs.assign(
            program=[H.link(f"/programs/{record_of[int(i)]}{search}", H.esc(n)) if int(i) in record_of else H.esc(n)
                     for i, n in zip(progs["program_id"], progs["program"])])
        progs = progs.assign(
            partner=[clean_text(z) if lang == "zh" and clean_text(z) else (clean_text(p) or "–")
                     for p, z in zip(progs["partner"], progs["partner_zh"])],
            level=[level_label(v, lang) if clean_text(v) else "–" for v in progs["level"]],
            status=[status_label(s, lang) if s else "–" for s in progs["status"]])
    if agrs is not None and not agrs.empty:
        agrs = agrs.assign(
            partner=[H.link(f"/partners/{int(i)}{search}", H.esc(clean_text(z) if lang == "zh" and clean_text(z) else p))
                     if pd.notna(i) else H.esc(clean_text(p) or "–")
                     for i, p, z in zip(agrs["partner_id"], agrs["partner"], agrs["partner_zh"])],
            type=[agreement_type_name(v, lang) for v in agrs["type"]],
            expiry=[e.isoformat() if e else t("open-ended", lang) for e in agrs["expiry"]],
            signed=[s.isoformat() if s else "–" for s in agrs["signed"]],
            state=[state_badge_html(s, lang) for s in agrs["state"]])
    return [
        dbc.Col(html.Div([
            html.H2(t("Joint programmes", lang), className="card-heading"),
            simple_table(progs, [("program", "Programme"), ("partner", "Partner"), ("level", "Level"),
                                 ("mode", "Mode"), ("start_year", "Started"), ("status", "Status"),
                                 ("enrolment", "Enrolment")], lang, html_fields=("program",)),
        ], className="panel"), lg=6),
        dbc.Col(html.Div([
            html.H2(t("Agreements", lang), className="card-heading"),
            html.P(t("Agreements that name the school; university-wide agreements are on the Programmes page.",
                     lang), className="card-sub"),
            simple_table(agrs, [("partner", "Partner"), ("type", "Type"), ("signed", "Signed"),
                                ("expiry", "Expires"), ("state", "State")], lang,
                         html_fields=("partner", "state")),
        ], className="panel"), lg=6),
    ]


def programmes_panel(url: str, f: Filters, school_id: int, lang: str, search: str = "") -> dbc.Col:
    """The programme records that name the school (issue 16), each linking to its page; the
    shared filters apply except the school filter (the page is this school's)."""
    recs = run(qg.records, url, replace(f, schools=()), school_id)
    return dbc.Col(html.Div([
        html.H2(t("Programmes and initiatives", lang), className="card-heading"),
        html.P(t("Records gathered from the news, the office's reports and the Ministry's register.", lang),
               className="card-sub"),
        records_list(recs, lang, search),
    ], className="panel", id=ids.SCD_PROGRAMMES), lg=12)


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
            "programmes": programmes_panel(url, f, school_id, lang, search),
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
        return profile.not_found(back, "No such school.", lang, "page page-school")
    fixed = {"school": str(sid)}    # the exports' filters: the page's, narrowed to the school

    def card(graph_id: str):
        return chart_card(graph_id, min_height=400, lang=lang, export=EXPORTS[graph_id], fixed=fixed)

    return html.Div([
        dcc.Store(id=ids.SCD_ID, data=sid),
        html.Div(export_menu(list(EXPORTS.values()), menu_id="school", lang=lang, fixed=fixed),
                 className="page-export"),
        profile.header(info, lang, back=back, head_id=ids.SCD_HEAD),
        html.Div(id=ids.SCD_KPIS, className="mb-3"),   # its child: a stat_row
        dbc.Row([
            dbc.Col(card(ids.SCD_TREND), lg=8),
            dbc.Col(card(ids.SCD_KINDS), lg=4),
        ], className="g-3 mb-3"),
        dbc.Row([
            dbc.Col(card(ids.SCD_PARTNERS), lg=6),
            dbc.Col(card(ids.SCD_MOBILITY), lg=6),
        ], className="g-3 mb-3"),
        dbc.Row(id=ids.SCD_PROGRAMMES_ROW, className="g-3 mb-3"),
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

    @app.callback(Output(ids.SCD_PROGRAMMES_ROW, "children"), *inputs)
    def _programmes(data, school_id, search):
        url, f, sid, lang = _args(data, school_id, search)
        return programmes_panel(url, f, sid, lang, drilldown.search_with(search, f))

    @app.callback(Output(ids.SCD_MOBILITY, "figure"), Output(ids.SCD_REPORTS, "children"), *inputs)
    def _reports(data, school_id, search):
        url, f, sid, lang = _args(data, school_id, search)
        return (mobility_figure(url, f, sid, lang),
                reports_section(url, f, sid, lang, drilldown.search_with(search, f)))


__all__ = ["layout", "register_callbacks", "school_view", "kpi_tiles", "reports_section"]
