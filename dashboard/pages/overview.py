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
from dash import Input, Output, get_asset_url, html
from dash.exceptions import PreventUpdate
from sqlalchemy.exc import SQLAlchemyError

from dashboard import figures, ids
from dashboard import queries as q
from dashboard.cache import cached
from dashboard.components.cards import chart_card, geo_config
from dashboard.components import drilldown
from dashboard.components.export_menu import export_menu
from dashboard.components.kpi import kpi_card
from dashboard.context import database_url
from dashboard.labels import LANGUAGE_LABELS, country_name
from dashboard.queries import Filters

PATH = "/"
NAME = "Overview"
TITLE = "Overview · International Cooperation"
NO_SCHEMA_HINT = ("The database has no tables yet.<br>Create them with <b>intl init</b>, "
                  "or load the sample with <b>intl demo</b>.")
T = TypeVar("T")
OVERVIEW_EXPORTS = ["activities_by_year", "activities_by_school", "top_partners", "partner_countries", "top_countries"]


def _filters(value: Filters | dict | None) -> Filters:
    return value if isinstance(value, Filters) else Filters.from_dict(value)


def empty_message(url: str, f: Filters) -> str:
    """Why a chart is empty: no schema, nothing loaded, or filters that match nothing."""
    if not q.schema_ready(url):
        return NO_SCHEMA_HINT
    try:
        loaded = cached(q.has_documents, url)
    except SQLAlchemyError:
        return NO_SCHEMA_HINT
    return figures.FILTER_HINT if loaded and not f.is_empty else figures.LOAD_HINT


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


def kpi_cards(url: str, filters: Filters | dict | None) -> list:
    """Four KPI cards: the range's totals and the latest year against the year before."""
    f = _filters(filters)
    trend = _run(q.kpi_trend, url, f)
    cards = []
    for card_id, key, label, hint in KPI_SPECS:
        if trend is None:
            cards.append(kpi_card(card_id, label, None, hint=hint))
            continue
        cur, prev = trend["current"], trend["previous"]
        cards.append(kpi_card(card_id, label, trend["total"][key], year=trend["year"],
                              current=cur[key] if cur else None, previous=prev[key] if prev else None,
                              hint=hint))
    return [dbc.Col(c, xs=6, lg=3) for c in cards]


def per_year_figure(url: str, filters: Filters | dict | None) -> go.Figure:
    f = _filters(filters)
    df = _run(q.activities_per_year, url, f)
    bounds = _run(q.year_bounds, url)
    years = None
    if bounds:
        years = (f.year_from or bounds[0], f.year_to or bounds[1])
    if df is None or df.empty:
        return figures.empty(figures.PER_YEAR_TITLE, empty_message(url, f))
    return figures.activities_per_year(df, years=years)


def by_school_figure(url: str, filters: Filters | dict | None) -> go.Figure:
    f = _filters(filters)
    df = _run(q.activities_by_school, url, f)
    if df is None or df.empty:
        return figures.empty(figures.BY_SCHOOL_TITLE, empty_message(url, f))
    return figures.activities_by_school(df)


def partners_figure(url: str, filters: Filters | dict | None) -> go.Figure:
    f = _filters(filters)
    df = _run(q.top_partners, url, f)
    if df is None or df.empty:
        return figures.empty(figures.PARTNERS_TITLE, empty_message(url, f))
    return figures.top_partners(df)


def countries_figures(url: str, filters: Filters | dict | None) -> tuple[go.Figure, go.Figure]:
    f = _filters(filters)
    df = _run(q.countries, url, f)
    if df is None or df.empty:
        msg = empty_message(url, f)
        return (figures.empty(figures.MAP_TITLE, msg, height=420),
                figures.empty(figures.COUNTRIES_TITLE, msg, height=420))
    return figures.countries_map(df), figures.top_countries(df)


def _when(t: dt.datetime | None) -> str:
    return t.strftime("%d %b %Y, %H:%M") if t else "not finished"


def changes_panel(url: str) -> html.Div:
    """What the latest ETL run changed: counts, and the first new documents, partners, programs."""
    run = _run(q.latest_run, url)
    if run is None:
        body = [html.P("No ETL run yet.", className="mb-1"),
                html.P(["Load the sample with ", html.Code("intl demo"), " or your files with ",
                        html.Code("intl etl run PATH"), "."], className="text-muted small")]
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
    stat_items = [html.Div([html.Span(f"{n:,}", className="stat-n"), html.Span(label, className="stat-l")],
                           className="stat") for label, n in counts]
    sections = []
    if not run.new_documents.empty:
        sections.append(html.Div([
            html.Div(f"New documents · {run.counts.get('documents', len(run.new_documents))}",
                     className="changes-h"),
            html.Ul([html.Li([html.Span(r.title or "(untitled)", className="changes-title"),
                              html.Span(f"{r.year or ''} · {LANGUAGE_LABELS.get(r.lang or '', r.lang or '')}",
                                        className="changes-meta")])
                     for r in run.new_documents.itertuples(index=False)], className="changes-list"),
        ]))
    if not run.new_partners.empty:
        sections.append(html.Div([
            html.Div(f"New partners · {run.counts.get('partners', len(run.new_partners))}", className="changes-h"),
            html.Div([html.Span([p.name, html.Small(f" {country_name(p.country)}" if p.country else "")],
                                className="chip") for p in run.new_partners.itertuples(index=False)],
                     className="chips"),
        ]))
    if not run.new_programs.empty:
        sections.append(html.Div([
            html.Div(f"New programmes · {run.counts.get('programs', len(run.new_programs))}",
                     className="changes-h"),
            html.Ul([html.Li(p.name) for p in run.new_programs.itertuples(index=False)], className="changes-list"),
        ]))
    if not sections:
        sections.append(html.P("Nothing new: every document was already up to date.", className="text-muted small"))
    problems = []
    if run.errors:
        problems.append(html.P(f"{run.errors} file{'s' if run.errors != 1 else ''} could not be read "
                               f"(see intl etl status).", className="changes-warn"))
    return html.Div([
        html.Div([
            html.Span(f"Run #{run.run_id}", className="changes-run"),
            dbc.Badge(run.status, color=status_color, className="ms-2 text-uppercase"),
            html.Div(f"{_when(run.finished_at or run.started_at)} · {run.trigger}", className="changes-when"),
        ], className="changes-head"),
        html.Div(stat_items, className="stats"),
        *problems,
        *sections,
    ], className="changes")


# ---------------------------------------------------------------------------
# Layout and wiring
# ---------------------------------------------------------------------------
def _card(title: str, body, class_name: str = "") -> html.Div:
    return html.Div([html.H2(title, className="card-heading"), body], className=f"panel {class_name}".strip())


def layout(**_query: Any) -> html.Div:
    """The page; filters come from the shell's store, so the query string is not read here."""
    url = database_url()
    geo = geo_config(get_asset_url("topojson/"))
    return html.Div([
        html.Div([
            export_menu(OVERVIEW_EXPORTS, menu_id="overview", class_name="float-end"),
            html.H1("Overview", className="page-title"),
            html.P("International cooperation at a glance: how much, with whom, where, and what is new.",
                   className="page-lede"),
            drilldown.hint(),
        ], className="page-head"),
        dbc.Row(kpi_placeholder(), id=ids.OV_KPIS, className="g-3 mb-3"),
        dbc.Row([
            dbc.Col(chart_card(ids.OV_PER_YEAR, min_height=480), lg=8),
            dbc.Col(_card("Since the last refresh", html.Div(changes_panel(url), id=ids.OV_CHANGES),
                          "changes-card"), lg=4),
        ], className="g-3 mb-3"),
        dbc.Row([
            dbc.Col(chart_card(ids.OV_BY_SCHOOL, min_height=400), lg=6),
            dbc.Col(chart_card(ids.OV_PARTNERS, min_height=400), lg=6),
        ], className="g-3 mb-3"),
        dbc.Row([
            dbc.Col(chart_card(ids.OV_COUNTRY_MAP, config=geo, min_height=420), lg=8),
            dbc.Col(chart_card(ids.OV_COUNTRIES, min_height=420), lg=4),
        ], className="g-3 mb-3"),
        drilldown.panel(),
    ], className="page page-overview")


def kpi_placeholder() -> list:
    return [dbc.Col(kpi_card(card_id, label, None, hint=hint), xs=6, lg=3)
            for card_id, _key, label, hint in KPI_SPECS]


def register_callbacks(app) -> None:
    # A click on any chart element opens the documents behind it (components/drilldown.py).
    drilldown.register_callbacks(app)
    drilldown.connect(app, [ids.OV_PER_YEAR, ids.OV_BY_SCHOOL, ids.OV_PARTNERS, ids.OV_COUNTRY_MAP, ids.OV_COUNTRIES])

    def _need(data):
        if data is None:  # the shell has not read the URL yet; it will call again
            raise PreventUpdate
        return data

    @app.callback(Output(ids.OV_KPIS, "children"), Input(ids.FILTERS, "data"))
    def _kpis(data):
        return kpi_cards(database_url(), _need(data))

    @app.callback(Output(ids.OV_PER_YEAR, "figure"), Input(ids.FILTERS, "data"))
    def _per_year(data):
        return per_year_figure(database_url(), _need(data))

    @app.callback(Output(ids.OV_BY_SCHOOL, "figure"), Input(ids.FILTERS, "data"))
    def _by_school(data):
        return by_school_figure(database_url(), _need(data))

    @app.callback(Output(ids.OV_PARTNERS, "figure"), Input(ids.FILTERS, "data"))
    def _partners(data):
        return partners_figure(database_url(), _need(data))

    @app.callback(Output(ids.OV_COUNTRY_MAP, "figure"), Output(ids.OV_COUNTRIES, "figure"),
                  Input(ids.FILTERS, "data"))
    def _countries(data):
        return countries_figures(database_url(), _need(data))

