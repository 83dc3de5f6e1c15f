"""One partner (path ``/partners/<partner_id>``): the timeline of its interactions with the
university (documents by date, with their kinds of activity), the schools involved, and its
programmes, agreements and students received from the office's reports.

The page is the shared filters narrowed to the partner (with its own country and kind, so a
country filter never hides the partner whose page it is); a marker of the timeline opens
that document's evidence in the drill-down panel, a school's bar the documents naming both.
Not in the menu: reached from the Partners table, the drill-down panel or a link.
"""
from __future__ import annotations

from dataclasses import replace
from collections.abc import Callable
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
from dashboard.queries import partners as qp
from dashboard.queries import programmes as qg
from dashboard.pages.programme import records_list
from dashboard.figures.partners import (
    SCHOOLS_TITLE,
    TIMELINE_TITLE,
    mobility_bars,
    pkind_name,
    schools_bars,
    timeline_chart,
)
from dashboard.figures.programs import level_label, status_label
from dashboard.figures.schools import clean_text, kind_name
from dashboard.labels import add_translations, agreement_type_name, language_name, t, ui_lang
from dashboard.pages.schools import filters_of, run, why_empty
from dashboard.queries.common import Filters
from dashboard.regions import country_label

PATH_TEMPLATE = "/partners/<partner_id>"
PATH = "/partners/none"
NAME = "Partner"
TITLE = "Partner · International Cooperation"
IN_NAV = False
LIST_LIMIT = 60
# Each chart's export (dashboard/export.py): the same query functions as the card, of this partner.
EXPORTS = {ids.PAD_TIMELINE: "partner_timeline", ids.PAD_SCHOOLS: "partner_schools",
           ids.PAD_MOBILITY: "partner_mobility"}

add_translations({
    "Partner": "合作伙伴",
    "← All partners": "← 全部合作伙伴",
    "No such partner.": "没有这个合作伙伴。",
    "awaiting review": "待审核",
    "Documents": "文档",
    "Activities": "活动",
    "Schools": "学院",
    "First year": "起始年份",
    "Latest year": "最近年份",
    "Programmes": "合作项目",
    "Agreements": "合作协议",
    "Interactions": "交往记录",
    "Newest first; each title opens the article.": "最新的在前；点击标题打开文章。",
    "… and {n} earlier.": "……以及更早的 {n} 篇。",
    "No document names this partner within the filters.": "在当前筛选条件下，没有文档提到该合作伙伴。",
    "From the office's reports": "来自国际处报表",
    "Joint programmes": "中外合作项目",
    "Students abroad": "出国（境）学生",
    "Programme": "项目",
    "School": "学院",
    "Level": "层次",
    "Mode": "模式",
    "Started": "开始年份",
    "Status": "状态",
    "Enrolment": "在读人数",
    "Type": "类型",
    "Signed": "签署日期",
    "Expires": "到期日期",
    "State": "状态",
    "Schools named": "涉及学院",
    "university-wide": "全校",
    "open-ended": "长期有效",
    "Untitled": "无标题",
    "Programmes and initiatives": "合作项目与交流活动",
    "Records gathered from the news, the office's reports and the Ministry's register.":
        "汇集自新闻、国际处报表和教育部名单的项目记录。",
})


# ---------------------------------------------------------------------------
# Callback bodies (plain functions)
# ---------------------------------------------------------------------------
def interactions_list(df: pd.DataFrame | None, lang: str, search: str = "", total: int | None = None) -> Any:
    """The partner's documents, newest first: date, title (link to the article view), kinds.
    ``total`` is how many there are in all (``df`` may hold only the newest)."""
    if df is None or df.empty:
        return html.P(t("No document names this partner within the filters.", lang), className="text-muted small")
    d = df.iloc[::-1]
    items = []
    for r in d.head(LIST_LIMIT).itertuples(index=False):
        meta = "".join(H.tag("span", H.esc(kind_name(k, lang)), cls=f"kind-chip kind-{k}") for k in r.kinds)
        if clean_text(r.lang):
            meta += H.tag("span", H.esc(language_name(r.lang, lang)), cls="drill-lang")
        items.append(H.tag("li", H.tag("span", H.esc(r.date.isoformat() if r.date else ""), cls="tl-date") + H.tag(
            "div", H.link(f"/sources/doc/{int(r.document_id)}{search}", H.esc(r.title or t("Untitled", lang)),
                          cls="tl-title") + H.tag("div", meta, cls="tl-meta"), cls="tl-body"), cls="tl-item"))
    more = ""
    total = max(total or 0, len(d))
    if total > LIST_LIMIT:
        more = H.tag("p", H.esc(t("… and {n} earlier.", lang).format(n=f"{total - LIST_LIMIT:,}")),
                     cls="text-muted small")
    # one component (HTML given to dcc.Markdown): each title a dcc.Link to the article's view
    return H.markdown(H.tag("div", H.tag("ol", "".join(items), cls="tl-list") + more), class_name="tl-html")


def reports_section(url: str, f: Filters, info: dict, lang: str, search: str = "") -> list:
    progs = run(qp.partner_programs, url, f, info)
    agrs = run(qp.partner_agreements, url, f, info)
    if progs is not None and not progs.empty:
        record_of = run(qg.records_of_rows, url, "programs") or {}   # each report row's programme record
        # names open the programme's record and the school's page through Dash's router (dcc.Link)
        progs = progs.assign(
            program=[H.link(f"/programs/{record_of[int(i)]}{search}", H.esc(n)) if int(i) in record_of else H.esc(n)
                     for i, n in zip(progs["program_id"], progs["program"])])
        progs = progs.assign(
            school=[H.link(f"/schools/{int(u)}{search}", H.esc(clean_text(z) if lang == "zh" and clean_text(z) else s))
                    if pd.notna(u) else H.esc(clean_text(s) or "–")
                    for u, s, z in zip(progs["unit_id"], progs["school"], progs["school_zh"])],
            level=[level_label(v, lang) if clean_text(v) else "–" for v in progs["level"]],
            status=[status_label(s, lang) if s else "–" for s in progs["status"]])
    if agrs is not None and not agrs.empty:
        zh_of = {}
        if lang == "zh":
            units = run(q.schools, url)
            zh_of = {} if units is None else {n: z for n, z in zip(units["name"], units["zh"]) if clean_text(z)}
        agrs = agrs.assign(
            type=[agreement_type_name(v, lang) for v in agrs["type"]],
            expiry=[e.isoformat() if e else t("open-ended", lang) for e in agrs["expiry"]],
            signed=[s.isoformat() if s else "–" for s in agrs["signed"]],
            schools=["、".join(zh_of.get(n.strip(), n.strip()) for n in s.split(";")) if s and lang == "zh"
                     else s or t("university-wide", lang) for s in agrs["schools"]],
            state=[state_badge_html(s, lang) for s in agrs["state"]])
    return [
        dbc.Col(html.Div([
            html.H2(t("Joint programmes", lang), className="card-heading"),
            simple_table(progs, [("program", "Programme"), ("school", "School"), ("level", "Level"),
                                 ("mode", "Mode"), ("start_year", "Started"), ("status", "Status"),
                                 ("enrolment", "Enrolment")], lang, html_fields=("program", "school")),
        ], className="panel"), lg=6),
        dbc.Col(html.Div([
            html.H2(t("Agreements", lang), className="card-heading"),
            simple_table(agrs, [("type", "Type"), ("schools", "Schools named"), ("signed", "Signed"),
                                ("expiry", "Expires"), ("state", "State")], lang, html_fields=("state",)),
        ], className="panel"), lg=6),
    ]


def programmes_panel(url: str, f: Filters, info: dict, lang: str, search: str = "") -> dbc.Col:
    """The programme records with this partner (issue 16), each linking to its page; the shared
    filters apply except country and partner kind (the page is this partner's)."""
    recs = run(qg.records, url, replace(f, countries=(), partner_kinds=()), None, int(info["id"]))
    return dbc.Col(html.Div([
        html.H2(t("Programmes and initiatives", lang), className="card-heading"),
        html.P(t("Records gathered from the news, the office's reports and the Ministry's register.", lang),
               className="card-sub"),
        records_list(recs, lang, search),
    ], className="panel", id=ids.PAD_PROGRAMMES), lg=12)


def timeline_figure(data: pd.DataFrame | None, info: dict, lang: str, msg: str | Callable[[], str]):
    """The partner's timeline from :func:`qp.partner_timeline_data` (the export's query too): one
    marker per document while they are few, bars per year and kind for a busy partner.

    ``msg``: the empty state's text, or a function giving it, which :func:`figures.empty` calls
    only when the chart draws nothing (:func:`why_empty` reads the schema)."""
    if data is None:
        return figures.empty(t(TIMELINE_TITLE, lang), msg)
    return timeline_chart(data, qp.partner_spec(info), lang, msg)


def kpis_and_timeline(url: str, f: Filters, info: dict, lang: str = "en", search: str = "") -> tuple:
    """KPI tiles, the timeline figure and the list of interactions (one pass over the partner's facts)."""
    sets = run(qp.partner_sets, url, f, info)   # one pass: the KPIs, the timeline per year
    grid = qp.partner_activity_grid(url, f, info, sets) if sets is not None else None
    k = qp.partner_kpis(url, f, info, sets, grid) if sets is not None else {}
    progs = run(qp.partner_programs, url, f, info)
    agrs = run(qp.partner_agreements, url, f, info)
    # what the chart draws: the documents, or a busy partner's activities per year (from the
    # same pass); the list then reads only the newest documents
    data = run(qp.partner_timeline_data, url, f, info, sets, grid) if sets is not None else None
    busy = data is not None and "document_id" not in data.columns
    tl = run(qp.partner_timeline, url, f, info, LIST_LIMIT) if busy else data
    kpis = stat_row([
        stat_html("Documents", k.get("documents"), lang),
        stat_html("Activities", k.get("activities"), lang),
        stat_html("First year", k.get("first_year") and str(k["first_year"]), lang),
        stat_html("Latest year", k.get("last_year") and str(k["last_year"]), lang),
        stat_html("Programmes", None if progs is None else len(progs), lang, "From the office's reports"),
        stat_html("Agreements", None if agrs is None else len(agrs), lang, "From the office's reports"),
    ])
    return (kpis, timeline_figure(data, info, lang, lambda: why_empty(url, f, lang)),
            interactions_list(tl, lang, search, k.get("documents")))


def schools_figure(url: str, f: Filters, info: dict, lang: str = "en"):
    schools = run(qp.partner_schools, url, f, info)
    msg = lambda: why_empty(url, f, lang)   # noqa: E731 - read only when the chart is empty (figures.empty)
    if schools is None:
        return figures.empty(t(SCHOOLS_TITLE, lang), msg)
    return schools_bars(schools, qp.partner_spec(info), lang, msg)


def mobility_figure(url: str, f: Filters, info: dict, lang: str = "en"):
    mob = run(qp.partner_mobility, url, f, info)
    return mobility_bars(mob if mob is not None else pd.DataFrame(
        columns=["year", "program_type", "students", "records"]), lang)


def partner_view(url: str, filters: Filters | dict | None, info: dict, lang: str = "en",
                 search: str = "") -> dict[str, Any]:
    """Everything that depends on the filters: KPI tiles, timeline, schools, list, reports.

    The page's callbacks compute these pieces separately (fetched in parallel, each quick);
    this assembles them for tests and exports.
    """
    f = filters_of(filters)
    kpis, tl_fig, lst = kpis_and_timeline(url, f, info, lang, search)
    return {"kpis": kpis, "timeline": tl_fig, "list": lst, "schools": schools_figure(url, f, info, lang),
            "mobility": mobility_figure(url, f, info, lang), "reports": reports_section(url, f, info, lang, search),
            "programmes": programmes_panel(url, f, info, lang, search)}


# ---------------------------------------------------------------------------
# Layout and wiring
# ---------------------------------------------------------------------------
def badges(info: dict, lang: str) -> list:
    """The partner's country and kind, and whether it awaits review, under its name."""
    out = [html.Span(country_label(info["country"], lang), className="badge-soft"),
           html.Span(pkind_name(info["kind"], lang), className="badge-soft")]
    if info["status"] == "new":
        out.append(html.Span(t("awaiting review", lang), className="badge-soft badge-warn"))
    return out


def layout(partner_id: Any = None, **query: Any) -> html.Div:
    lang = ui_lang(query.get("ui"))
    pid = path_id(partner_id)
    info = run(qp.partner_info, database_url(), pid) if pid is not None else None
    back = dcc.Link(t("← All partners", lang), href="/partners", className="back-link")
    if info is None:
        return profile.not_found(back, "No such partner.", lang, "page page-partner")
    fixed = {"partner": str(pid)}   # the exports' subject: this partner, with the page's filters

    def card(graph_id: str, class_name: str = ""):
        return chart_card(graph_id, min_height=320, class_name=class_name, lang=lang, export=EXPORTS[graph_id],
                          fixed=fixed)

    return html.Div([
        dcc.Store(id=ids.PAD_ID, data=pid),
        html.Div(export_menu(list(EXPORTS.values()), menu_id="partner", lang=lang, fixed=fixed),
                 className="page-export"),
        profile.header(info, lang, back=back, head_id=ids.PAD_HEAD, badges=badges(info, lang)),
        html.Div(id=ids.PAD_KPIS, className="mb-3"),   # its child: a stat_row
        dbc.Row(dbc.Col(card(ids.PAD_TIMELINE), lg=12), className="g-3 mb-3"),
        dbc.Row([
            dbc.Col(html.Div([
                html.H2(t("Interactions", lang), className="card-heading"),
                html.P(t("Newest first; each title opens the article.", lang), className="card-sub"),
                html.Div(id=ids.PAD_LIST, className="tl-scroll"),
            ], className="panel"), lg=7),
            dbc.Col([card(ids.PAD_SCHOOLS, class_name="mb-3"), card(ids.PAD_MOBILITY, class_name="auto-height")], lg=5,
                    className="stack-col"),
        ], className="g-3 mb-3"),
        dbc.Row(id=ids.PAD_PROGRAMMES_ROW, className="g-3 mb-3"),
        html.H2(t("From the office's reports", lang), className="section-heading"),
        dbc.Row(id=ids.PAD_REPORTS, className="g-3 mb-3"),
        drilldown.panel(lang),
    ], className="page page-partner")


def register_callbacks(app) -> None:
    drilldown.register_callbacks(app)
    drilldown.connect(app, [ids.PAD_TIMELINE, ids.PAD_SCHOOLS])

    def _args(data, partner_id, search):
        partner_id = path_id(partner_id)
        if data is None or partner_id is None:
            raise PreventUpdate
        url = database_url()
        info = run(qp.partner_info, url, partner_id)
        if info is None:
            raise PreventUpdate
        return url, filters_of(data), info, drilldown.ui_from_search(search)

    inputs = (Input(ids.FILTERS, "data"), State(ids.PAD_ID, "data"), State(ids.URL, "search"))

    @app.callback(Output(ids.PAD_KPIS, "children"), Output(ids.PAD_TIMELINE, "figure"),
                  Output(ids.PAD_LIST, "children"), *inputs)
    def _timeline(data, partner_id, search):
        url, f, info, lang = _args(data, partner_id, search)
        return kpis_and_timeline(url, f, info, lang, drilldown.search_with(search, f))

    @app.callback(Output(ids.PAD_SCHOOLS, "figure"), *inputs)
    def _schools(data, partner_id, search):
        return schools_figure(*_args(data, partner_id, search))

    @app.callback(Output(ids.PAD_PROGRAMMES_ROW, "children"), *inputs)
    def _programmes(data, partner_id, search):
        url, f, info, lang = _args(data, partner_id, search)
        return programmes_panel(url, f, info, lang, drilldown.search_with(search, f))

    @app.callback(Output(ids.PAD_MOBILITY, "figure"), Output(ids.PAD_REPORTS, "children"), *inputs)
    def _reports(data, partner_id, search):
        url, f, info, lang = _args(data, partner_id, search)
        return mobility_figure(url, f, info, lang), reports_section(url, f, info, lang, drilldown.search_with(search, f))
