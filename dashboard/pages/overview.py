"""Overview (path ``/``): KPIs, activities per year and by school, top partners and countries,
and what the latest ETL run changed.

The callback bodies are the plain functions below (``kpi_cards``, ``per_year_figure`` …):
they take a database URL and a filter set and return components or figures, so tests
call them directly. ``register_callbacks`` only wires them to the ``ids.FILTERS`` store.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import Input, Output, State, dcc, get_asset_url, html
from dash.exceptions import PreventUpdate
from sqlalchemy.exc import SQLAlchemyError

from dashboard import ids
from dashboard.cache import cached
from dashboard.components import drilldown
from dashboard.components import html_table as H
from dashboard.components.cards import chart_card, geo_config
from dashboard.components.export_menu import export_menu
from dashboard.components.kpi import kpi_card, period_line
from dashboard.context import database_url
from dashboard.figures import common as figures
from dashboard.figures import overview as fo
from dashboard.labels import add_translations, language_name, t, ui_from_search, ui_lang
from dashboard.queries import common as q
from dashboard.queries import domestic as qd
from dashboard.queries import overview as qo
from dashboard.queries import periods as qp
from dashboard.queries.common import Filters
from dashboard.regions import country_label

PATH = "/"
NAME = "Overview"
TITLE = "Overview · International Cooperation"
NO_SCHEMA_HINT = ("The database has no tables yet.<br>Create them with <b>intl init</b>, "
                  "or load the sample with <b>intl demo</b>.")
LEDE = "International cooperation at a glance: how much, with whom, where, and what is new."
CHANGES_TITLE = "Since the last refresh"
T = TypeVar("T")
OVERVIEW_EXPORTS = ["activities_by_year", "activities_by_school", "top_partners", "partner_countries", "top_countries"]


def _filters(value: Filters | dict | None) -> Filters:
    return value if isinstance(value, Filters) else Filters.from_dict(value)


def empty_message(url: str, f: Filters, lang: str = "en") -> str:
    """Why a chart is empty: no schema, nothing loaded, or filters that match nothing (in ``lang``)."""
    if not q.schema_ready(url):
        return t(NO_SCHEMA_HINT, lang)
    try:
        loaded = cached(q.has_documents, url)
    except SQLAlchemyError:
        return t(NO_SCHEMA_HINT, lang)
    return t(figures.FILTER_HINT if loaded and not f.is_empty else figures.LOAD_HINT, lang)


def _run(fn: Callable[..., T], url: str, *args: Any) -> T | None:
    """A cached query, or None when the database cannot answer (missing schema, server down)."""
    try:
        return cached(fn, url, *args)
    except SQLAlchemyError:
        return None


# ---------------------------------------------------------------------------
# Callback bodies (plain functions)
# ---------------------------------------------------------------------------
KPI_SPECS = (
    (ids.OV_KPI_DOCUMENTS, "documents", "Documents", "News articles and reports in the selection"),
    (ids.OV_KPI_PARTNERS, "partners", "Partners", "Distinct partner organisations mentioned"),
    (ids.OV_KPI_COUNTRIES, "countries", "Countries", "Countries of those partners"),
    (ids.OV_KPI_SCHOOLS, "schools", "Schools involved", "Schools named in the selected documents"),
)
add_translations({
    "Overview": "总览",
    LEDE: "国际合作一览：规模多大、与谁合作、分布在哪里、有哪些新变化。",
    NO_SCHEMA_HINT: "数据库还没有表。<br>使用 <b>intl init</b> 创建，或使用 <b>intl demo</b> 加载示例数据。",
    "Documents": "文档",
    "Partners": "合作伙伴",
    "Countries": "国家",
    "Schools involved": "涉及学院",
    "News articles and reports in the selection": "所选范围内的新闻和报表",
    "Distinct partner organisations mentioned": "提及的不同合作机构",
    "Countries of those partners": "这些合作伙伴所在的国家",
    "Schools named in the selected documents": "所选文档中提及的学院",
    "Active joint programmes": "运行中的合作办学项目", "Students in programmes": "项目在读/参与学生",
    "See the records →": "查看项目记录 →", "{n} active without a figure": "{n} 个运行中项目无人数",
    "every active one counted": "运行中项目均有人数",
    "of {n} joint programmes on record": "共记录 {n} 个合作办学项目",
    "{n} in joint programmes": "其中合作办学项目 {n} 人",
    "in {n} active programmes and initiatives": "来自 {n} 个运行中的项目与交流活动",
    "Joint programmes and institutes whose status is active (from reports and the register, else inferred)":
        "状态为运行中的中外合作办学项目和机构（来自报表和名单，否则为推断）",
    "The latest figure of every active programme and initiative that has one": "每个有人数的运行中项目的最新人数",
    CHANGES_TITLE: "自上次更新以来",
    "No ETL run yet.": "尚未运行数据处理。",
    "Load the sample with {demo} or your files with {etl}.": "使用 {demo} 加载示例数据，或使用 {etl} 加载您的文件。",
    "new documents": "新文档",
    "changed documents": "有变化的文档",
    "removed at source": "来源已删除",
    "facts added": "新增事实",
    "reports loaded": "载入的报表",
    "reports unchanged": "未变化的报表",
    "New documents · {n}": "新文档 · {n}",
    "New partners · {n}": "新合作伙伴 · {n}",
    "New programmes · {n}": "新项目 · {n}",
    "(untitled)": "（无标题）",
    "Nothing new: every document was already up to date.": "没有新内容：所有文档均已是最新。",
    "{n} file could not be read (see intl etl status).": "{n} 个文件无法读取（见 intl etl status）。",
    "{n} files could not be read (see intl etl status).": "{n} 个文件无法读取（见 intl etl status）。",
    "Run #{n}": "第 {n} 次运行",
    "Last change": "最近一次有变化的更新", "Latest run": "最近一次运行", "Sources last checked": "最近一次检查来源",
    "nothing new since": "此后没有新内容",
    "not finished": "未完成",
})
# (a run's status and trigger words: dashboard/labels.py, shared with the run history and a job's result)


def kpi_cards(url: str, filters: Filters | dict | None, lang: str = "en") -> list:
    """Four KPI cards: the range's totals and the latest year against the year before."""
    f = _filters(filters)
    kp = _run(qp.kpi_summary, url, f)   # every figure of the cards in one pass per KPI
    ps = kp["periods"] if kp else None
    trend = {"year": kp["year"]} if kp else None
    year_kpis = (kp["current"], kp["year_before"]) if kp else (None, None)
    cards = []
    for card_id, key, label, hint in KPI_SPECS:
        label, hint = t(label, lang), t(hint, lang)
        if trend is None or kp is None:
            cards.append(kpi_card(card_id, label, None, hint=hint, lang=lang))
            continue
        cur, prev = year_kpis
        period = period_line(kp["total"][key], kp["previous"][key] if kp["previous"] else None,
                             qp.Periods.text(ps.current) if ps else "", qp.Periods.text(ps.previous) if ps else "",
                             lang)
        cards.append(kpi_card(card_id, label, kp["total"][key], year=trend["year"],
                              current=cur[key] if cur else None, previous=prev[key] if prev else None,
                              hint=hint, lang=lang, period=period))
    return [dbc.Col(c, xs=6, lg=3) for c in cards]


def programme_kpi_cards(url: str, filters: Filters | dict | None, lang: str = "en") -> list:
    """The two programme KPIs (issue 16): active joint programmes and students in programmes, from
    the programme records under the filters; each links to the records on the Programs page."""
    f = _filters(filters)
    k = _run(qo.programme_kpis, url, f)
    search = f.to_search()
    sep = "&" if search else "?"
    ui = f"{sep}ui=zh" if lang == "zh" else ""

    def card(card_id: str, label: str, value: int | None, sub: list, hint: str) -> dbc.Col:
        return dbc.Col(html.Div([
            html.Div(t(label, lang), className="kpi-label"),
            html.Div(f"{value:,}" if value is not None else "–", className="kpi-value"),
            html.Div(sub, className="kpi-trend"),
        ], id=card_id, className="kpi-card kpi-programmes", title=t(hint, lang)), xs=6, lg=6)

    more = dcc.Link(t("See the records →", lang), href=f"/programs{search}{ui}#{ids.PG_SECTION}", className="kpi-link")
    k = k or {}
    unknown = k.get("students_unknown") or 0
    return [
        card(ids.OV_KPI_JOINT, "Active joint programmes", k.get("active_joint_programmes"),
             [t("of {n} joint programmes on record", lang).format(n=k.get("joint_programmes", 0)), " · ", more] if k
             else [more],
             "Joint programmes and institutes whose status is active (from reports and the register, else inferred)"),
        card(ids.OV_KPI_PROG_STUDENTS, "Students in programmes", k.get("students_in_programmes"),
             [t("in {n} active programmes and initiatives", lang).format(n=k.get("active_programmes", 0)), " · ",
              t("{n} in joint programmes", lang).format(n=f"{k.get('students_in_joint_programmes', 0):,}"), " · ",
              t("{n} active without a figure", lang).format(n=unknown) if unknown
              else t("every active one counted", lang)] if k else [],
             "The latest figure of every active programme and initiative that has one"),
    ]


def per_year_figure(url: str, filters: Filters | dict | None, lang: str = "en") -> go.Figure:
    f = _filters(filters)
    df = _run(qo.activities_per_year, url, f)
    bounds = _run(q.year_bounds, url)
    years = None
    if bounds:
        years = (f.year_from or bounds[0], f.year_to or bounds[1])
    if df is None or df.empty:
        return figures.empty(t(fo.PER_YEAR_TITLE, lang), empty_message(url, f, lang))
    return fo.activities_per_year(df, years=years, lang=lang)


def by_school_figure(url: str, filters: Filters | dict | None, lang: str = "en") -> go.Figure:
    f = _filters(filters)
    df = _run(qo.activities_by_school, url, f)
    if df is None or df.empty:
        return figures.empty(t(fo.BY_SCHOOL_TITLE, lang), empty_message(url, f, lang))
    return fo.activities_by_school(df, lang=lang)


def partners_figure(url: str, filters: Filters | dict | None, lang: str = "en") -> go.Figure:
    f = _filters(filters)
    df = _run(qo.top_partners, url, f)
    if df is None or df.empty:
        return figures.empty(t(fo.PARTNERS_TITLE, lang), empty_message(url, f, lang))
    return fo.top_partners(df, lang=lang)


def countries_figures(url: str, filters: Filters | dict | None, lang: str = "en") -> tuple[go.Figure, go.Figure]:
    f = _filters(filters)
    df = _run(qd.countries, url, f)
    if df is None or df.empty:
        msg = empty_message(url, f, lang)
        return (figures.empty(t(fo.MAP_TITLE, lang), msg, height=420),
                figures.empty(t(fo.COUNTRIES_TITLE, lang), msg, height=420))
    return fo.countries_map(df, lang=lang), fo.top_countries(df, lang=lang)


def _when(when: dt.datetime | None, lang: str = "en") -> str:
    if not when:
        return t("not finished", lang)
    return when.strftime("%Y年%m月%d日 %H:%M" if lang == "zh" else "%d %b %Y, %H:%M")


def changes_panel(url: str, lang: str = "en") -> Any:
    """What the last ETL run that changed something brought (counts, the first new documents,
    partners, programmes), and when the sources were last checked: an hourly refresh that
    finds nothing new does not hide the news of the last real change."""
    state = _run(qo.refresh_state, url) or {"last_check": None, "last_change": None}
    change, check = state["last_change"], state["last_check"]
    run = _run(qo.latest_run, url, 5, change[0]) if change else _run(qo.latest_run, url)
    if run is None:
        body = [html.P(t("No ETL run yet.", lang), className="mb-1"),
                html.P(fill(t("Load the sample with {demo} or your files with {etl}.", lang),
                            demo=html.Code("intl demo"), etl=html.Code("intl etl run PATH")),
                       className="text-muted small")]
        return html.Div(body, className="changes")
    docs = run.stats.get("documents", {}) or {}
    facts = run.stats.get("facts", {}) or {}
    reports = run.stats.get("reports", {}) or {}
    status_color = {"ok": "success", "partial": "warning", "failed": "danger"}.get(run.status, "secondary")
    counts = [
        ("new documents", docs.get("new", 0)),
        ("changed documents", docs.get("changed", 0)),
        ("removed at source", docs.get("gone", 0)),
        ("facts added", facts.get("added", 0)),
    ]
    if reports.get("seen"):
        counts.append(("reports loaded", reports.get("loaded", 0)))
        counts.append(("reports unchanged", reports.get("unchanged", 0)))
    # One component (HTML given to dcc.Markdown, dashboard/components/html_table.py): every title and name
    # escaped as text, the classes of the panel's parts as they were
    stat_items = "".join(H.tag("div", H.tag("span", H.esc(f"{n:,}"), cls="stat-n") + H.tag("span", H.esc(t(label, lang)),
                                                                                          cls="stat-l"), cls="stat")
                         for label, n in counts)
    sections = []
    if not run.new_documents.empty:
        sections.append(H.tag("div", H.tag("div", H.esc(t("New documents · {n}", lang).format(
            n=run.counts.get('documents', len(run.new_documents)))), cls="changes-h") + H.tag("ul", "".join(
                H.tag("li", H.tag("span", H.esc(r.title or t("(untitled)", lang)), cls="changes-title")
                      + H.tag("span", H.esc(f"{r.year or ''} · {language_name(r.lang, lang)}"), cls="changes-meta"))
                for r in run.new_documents.itertuples(index=False)), cls="changes-list")))
    if not run.new_partners.empty:
        zh_names = run.new_partners["zh"] if "zh" in run.new_partners else [None] * len(run.new_partners)
        sections.append(H.tag("div", H.tag("div", H.esc(t("New partners · {n}", lang).format(
            n=run.counts.get('partners', len(run.new_partners)))), cls="changes-h") + H.tag("div", "".join(
                H.tag("span", H.esc(_local(p.name, z, lang)) + H.tag(
                    "small", H.esc(f" {country_label(p.country, lang)}" if p.country else "")), cls="chip")
                for p, z in zip(run.new_partners.itertuples(index=False), zh_names)), cls="chips")))
    if not run.new_programs.empty:
        sections.append(H.tag("div", H.tag("div", H.esc(t("New programmes · {n}", lang).format(
            n=run.counts.get('programs', len(run.new_programs)))), cls="changes-h") + H.tag("ul", "".join(
                H.tag("li", H.esc(p.name)) for p in run.new_programs.itertuples(index=False)), cls="changes-list")))
    if not sections:
        sections.append(H.tag("p", H.esc(t("Nothing new: every document was already up to date.", lang)),
                              cls="text-muted small"))
    problems = ""
    if run.errors:
        problems = H.tag("p", H.esc(t("{n} files could not be read (see intl etl status)." if run.errors != 1
                                      else "{n} file could not be read (see intl etl status).", lang).format(
            n=run.errors)), cls="changes-warn")
    trigger = t(run.trigger, lang, context="run trigger") if run.trigger else ""
    checked = ""
    if check is not None:
        later = change is not None and check[0] != change[0]
        checked = H.tag("div", H.tag("span", H.esc(t("Sources last checked", lang) + ": "), cls="changes-check-l")
                        + H.tag("span", H.esc(_when(check[1], lang)), cls="changes-check-t")
                        + H.tag("span", H.esc(" · " + t("nothing new since", lang) if later else ""),
                                cls="changes-check-n"), cls="changes-check", id="ov-last-check")
    head = (H.tag("span", H.esc(t("Run #{n}", lang).format(n=run.run_id)), cls="changes-run")
            + H.tag("span", H.esc(t(run.status, lang, context="run status")),
                    cls=f"ms-2 text-uppercase badge bg-{status_color}")      # a dbc.Badge's classes
            + H.tag("div", H.esc(f"{_when(run.finished_at or run.started_at, lang)} · {trigger}"), cls="changes-when"))
    return H.markdown(H.tag("div", "".join([
        H.tag("div", H.esc(t("Last change" if change is not None else "Latest run", lang)), cls="changes-kicker"),
        H.tag("div", head, cls="changes-head"),
        H.tag("div", stat_items, cls="stats"),
        problems, *sections, checked,
    ]), cls="changes"), class_name="changes-html")


# ---------------------------------------------------------------------------
# Layout and wiring
# ---------------------------------------------------------------------------
def fill(template: str, **parts: Any) -> list:
    """A translated sentence with components in it: ``fill("Run {cmd} now", cmd=html.Code("x"))``
    → ``["Run ", Code("x"), " now"]`` (each language puts the parts where its grammar wants)."""
    import re

    out: list = []
    for i, piece in enumerate(re.split(r"\{(\w+)\}", template)):
        if i % 2:
            out.append(parts.get(piece, "{" + piece + "}"))
        elif piece:
            out.append(piece)
    return out


def _local(name: str, zh: object, lang: str) -> str:
    from dashboard.labels import local_name

    return local_name(name, zh, lang)


def _card(title: str, body, class_name: str = "") -> html.Div:
    return html.Div([html.H2(title, className="card-heading"), body], className=f"panel {class_name}".strip())


def layout(**query: Any) -> html.Div:
    """The page; filters come from the shell's store, the interface language from ``ui``."""
    url = database_url()
    lang = ui_lang(query.get("ui"))
    geo = geo_config(get_asset_url("topojson/"), lang)
    return html.Div([
        html.Div([
            export_menu(OVERVIEW_EXPORTS, menu_id="overview", class_name="float-end", lang=lang),
            html.H1(t("Overview", lang), className="page-title"),
            html.P(t(LEDE, lang), className="page-lede"),
            drilldown.hint(lang),
        ], className="page-head"),
        dbc.Row(kpi_placeholder(lang), id=ids.OV_KPIS, className="g-3 mb-3"),
        dbc.Row([], id=ids.OV_PROGRAMME_KPIS, className="g-3 mb-3"),
        dbc.Row([
            dbc.Col(chart_card(ids.OV_PER_YEAR, min_height=480, lang=lang, export="activities_by_year"), lg=8),
            dbc.Col(_card(t(CHANGES_TITLE, lang), html.Div(changes_panel(url, lang), id=ids.OV_CHANGES),
                          "changes-card"), lg=4),
        ], className="g-3 mb-3"),
        dbc.Row([
            dbc.Col(chart_card(ids.OV_BY_SCHOOL, min_height=400, lang=lang, export="activities_by_school"), lg=6),
            dbc.Col(chart_card(ids.OV_PARTNERS, min_height=400, lang=lang, export="top_partners"), lg=6),
        ], className="g-3 mb-3"),
        dbc.Row([
            dbc.Col(chart_card(ids.OV_COUNTRY_MAP, config=geo, min_height=420, lang=lang, export="partner_countries"), lg=8),
            dbc.Col(chart_card(ids.OV_COUNTRIES, min_height=420, lang=lang, export="top_countries"), lg=4),
        ], className="g-3 mb-3"),
        drilldown.panel(lang),
    ], className="page page-overview")


def kpi_placeholder(lang: str = "en") -> list:
    return [dbc.Col(kpi_card(card_id, t(label, lang), None, hint=t(hint, lang), lang=lang), xs=6, lg=3)
            for card_id, _key, label, hint in KPI_SPECS]


def register_callbacks(app) -> None:
    # A click on any chart element opens the documents behind it (components/drilldown.py).
    drilldown.register_callbacks(app)
    drilldown.connect(app, [ids.OV_PER_YEAR, ids.OV_BY_SCHOOL, ids.OV_PARTNERS, ids.OV_COUNTRY_MAP, ids.OV_COUNTRIES])

    def _need(data):
        if data is None:  # the shell has not read the URL yet; it will call again
            raise PreventUpdate
        return data

    # The interface language is read from the URL (State): a switch re-renders the page, whose
    # new graphs call these again.
    @app.callback(Output(ids.OV_PROGRAMME_KPIS, "children"), Input(ids.FILTERS, "data"), State(ids.URL, "search"))
    def _programme_kpis(data, search):
        return programme_kpi_cards(database_url(), _need(data), ui_from_search(search))

    @app.callback(Output(ids.OV_KPIS, "children"), Input(ids.FILTERS, "data"), State(ids.URL, "search"))
    def _kpis(data, search):
        return kpi_cards(database_url(), _need(data), ui_from_search(search))

    @app.callback(Output(ids.OV_PER_YEAR, "figure"), Input(ids.FILTERS, "data"), State(ids.URL, "search"))
    def _per_year(data, search):
        return per_year_figure(database_url(), _need(data), ui_from_search(search))

    @app.callback(Output(ids.OV_BY_SCHOOL, "figure"), Input(ids.FILTERS, "data"), State(ids.URL, "search"))
    def _by_school(data, search):
        return by_school_figure(database_url(), _need(data), ui_from_search(search))

    @app.callback(Output(ids.OV_PARTNERS, "figure"), Input(ids.FILTERS, "data"), State(ids.URL, "search"))
    def _partners(data, search):
        return partners_figure(database_url(), _need(data), ui_from_search(search))

    @app.callback(Output(ids.OV_COUNTRY_MAP, "figure"), Output(ids.OV_COUNTRIES, "figure"),
                  Input(ids.FILTERS, "data"), State(ids.URL, "search"))
    def _countries(data, search):
        return countries_figures(database_url(), _need(data), ui_from_search(search))

