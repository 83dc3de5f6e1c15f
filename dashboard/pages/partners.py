"""Partners (path ``/partners``): a world map of partner countries, partners by kind, and a
searchable, sortable table of every partner (dash-ag-grid).

A click on a country (its shade or its bubble) or on a kind opens the drill-down panel,
which offers to filter the page to it: the table and the charts then show that country
or kind only. Each partner's name opens its own page (``/partners/<id>``).
"""
from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import Input, Output, State, dcc, get_asset_url, html
from dash.exceptions import PreventUpdate

from dashboard import ids
from dashboard.components import drilldown
from dashboard.components.cards import chart_card, geo_config
from dashboard.context import database_url
from dashboard.figures import common as figures
from dashboard.figures.partners import KINDS_TITLE, MAP_TITLE, kinds_bars, partner_map, pkind_name
from dashboard.figures.schools import clean_text
from dashboard.labels import add_translations, t, ui_lang
from dashboard.pages.schools import PAGE_LINK_RENDERER, filters_of, grid, page_head, run, why_empty
from dashboard.queries import domestic as qd
from dashboard.queries import overview as q
from dashboard.queries import partners as qp
from dashboard.queries.common import Filters
from dashboard.regions import country_label, region_label, region_of

PATH = "/partners"
NAME = "Partners"
TITLE = "Partners · International Cooperation"
GRID_OPTIONS = {"includeHiddenColumnsInQuickFilter": True, "cacheQuickFilter": True, "pagination": True,
                "paginationPageSize": 25, "paginationPageSizeSelector": [25, 50, 100]}

add_translations({
    "Partners": "合作伙伴",
    "Who we work with and where: every partner organisation named in the news or the office's reports.":
        "我们与谁合作、在哪里合作：新闻或国际处报表中提到的每一个合作机构。",
    "All partners": "全部合作伙伴",
    "Search name, 中文, alias, country…": "搜索合作伙伴（名称、中文、别名、国家）…",
    "Partner": "合作伙伴",
    "Country": "国家",
    "Region": "地区",
    "Kind": "类型",
    "Documents": "文档",
    "First year": "起始年份",
    "Latest year": "最近年份",
    "Programmes": "合作项目",
    "Agreements": "合作协议",
    "Status": "状态",
    "awaiting review": "待审核",
    "{n} partners": "{n} 个合作伙伴",
    "1 partner": "1 个合作伙伴",
    "Sort by any column; open a partner's page from its name. Programmes and agreements come from the "
    "office's reports.": "可按任一列排序；点击名称打开合作伙伴页面。合作项目与协议来自国际处报表。",
})


# ---------------------------------------------------------------------------
# Callback bodies (plain functions)
# ---------------------------------------------------------------------------
def map_figure(url: str, filters: Filters | dict | None, lang: str = "en") -> go.Figure:
    f = filters_of(filters)
    df = run(qd.countries, url, f)
    if df is None or df.empty:
        return figures.empty(t(MAP_TITLE, lang), why_empty(url, f, lang), height=480)
    return partner_map(df, lang)


def kinds_figure(url: str, filters: Filters | dict | None, lang: str = "en") -> go.Figure:
    f = filters_of(filters)
    df = run(qp.partner_kinds, url, f)
    if df is None or df.empty:
        return figures.empty(t(KINDS_TITLE, lang), why_empty(url, f, lang), height=480)
    return kinds_bars(df, lang)


def grid_columns(lang: str = "en") -> list[dict]:
    num = {"type": "rightAligned", "flex": 1, "minWidth": 128}
    year = {"type": "rightAligned", "flex": 1, "minWidth": 96}
    return [
        {"field": "partner", "headerName": t("Partner", lang), "cellRenderer": PAGE_LINK_RENDERER, "minWidth": 300,
         "flex": 5},
        {"field": "zh", "headerName": "中文", "minWidth": 120, "flex": 2, "tooltipField": "zh"},
        {"field": "country_name", "headerName": t("Country", lang), "minWidth": 120, "flex": 1,
         "tooltipField": "country_name"},
        {"field": "kind_name", "headerName": t("Kind", lang), "minWidth": 110, "flex": 1},
        {"field": "documents", "headerName": t("Documents", lang), **num, "sort": "desc"},
        {"field": "first_year", "headerName": t("First year", lang), **year},
        {"field": "last_year", "headerName": t("Latest year", lang), **year},
        {"field": "programs", "headerName": t("Programmes", lang), **num},
        {"field": "agreements", "headerName": t("Agreements", lang), **num},
        {"field": "status_name", "headerName": t("Status", lang), "minWidth": 96, "maxWidth": 150},
        {"field": "region", "hide": True},      # searchable ("Europe", "亚洲"), not shown
        {"field": "aliases", "hide": True},
        {"field": "country", "hide": True},
    ]


def grid_rows(url: str, filters: Filters | dict | None, lang: str = "en", search: str = "") -> list[dict]:
    """One grid row per partner: its name (text) and the path of its page (keeping the query string).

    Straight from the database's rows (:func:`dashboard.queries.partners.partner_rows`: counted,
    filtered and ordered there, the aliases already one text), each country's and kind's labels
    looked up once (about 2,000 rows: a frame in between, and a label lookup per row, cost most
    of the callback's CPU)."""
    f = filters_of(filters)
    found = run(qp.partner_rows, url, f)
    if found is None:
        return []
    places: dict[Any, tuple[str, str, str]] = {}
    kinds: dict[Any, str] = {}
    awaiting = t("awaiting review", lang)
    rows = []
    for pid, name, zh, country, kind, status, aliases, docs, first, last, progs, agrs in found:
        if country not in places:
            region = region_of(country)
            code = clean_text(country)
            places[country] = (code or "", country_label(code, lang), region_label(region, lang) if region else "")
        if kind not in kinds:
            kinds[kind] = pkind_name(clean_text(kind), lang)
        code, country_name, region = places[country]
        rows.append({
            "partner_id": pid, "partner": name, "href": f"/partners/{pid}{search}",
            "zh": zh or "", "country": code, "country_name": country_name, "region": region,
            "kind_name": kinds[kind], "documents": docs, "first_year": first, "last_year": last,
            "programs": progs, "agreements": agrs, "status_name": awaiting if status == "new" else "",
            "aliases": aliases,
        })
    return rows


def count_text(n: int, lang: str = "en") -> str:
    return t("1 partner", lang) if n == 1 else t("{n} partners", lang).format(n=f"{n:,}")


# ---------------------------------------------------------------------------
# Layout and wiring
# ---------------------------------------------------------------------------
def layout(**query: Any) -> html.Div:
    lang = ui_lang(query.get("ui"))
    geo = geo_config(get_asset_url("topojson/"), lang)
    return html.Div([
        page_head("Partners", "Who we work with and where: every partner organisation named in the news or the "
                  "office's reports.", lang, exports=["partner_map", "partner_kinds", "top_partners", "top_countries"]),
        dbc.Row([
            dbc.Col(chart_card(ids.PA_MAP, config=geo, min_height=480, lang=lang, export="partner_map"), lg=8),
            dbc.Col(chart_card(ids.PA_KINDS, min_height=480, lang=lang, export="partner_kinds"), lg=4),
        ], className="g-3 mb-3"),
        dbc.Row(dbc.Col(html.Div([
            html.Div([
                html.H2(t("All partners", lang), className="card-heading mb-0"),
                html.Span(id=ids.PA_COUNT, className="grid-count", **{"aria-live": "polite"}),
                html.Label(t("Search name, 中文, alias, country…", lang), htmlFor=ids.PA_SEARCH,
                           className="visually-hidden"),
                dbc.Input(id=ids.PA_SEARCH, type="search", debounce=False, className="grid-search",
                          placeholder=t("Search name, 中文, alias, country…", lang), autocomplete="off"),
            ], className="grid-tools"),
            html.P(t("Sort by any column; open a partner's page from its name. Programmes and agreements come "
                     "from the office's reports.", lang), className="card-sub"),
            grid(ids.PA_GRID, grid_columns(lang), [], options=GRID_OPTIONS, lang=lang),
        ], className="panel"), lg=12), className="g-3 mb-3"),
        drilldown.panel(lang),
    ], className="page page-partners")


def register_callbacks(app) -> None:
    drilldown.register_callbacks(app)
    drilldown.connect(app, [ids.PA_MAP, ids.PA_KINDS])

    @app.callback(Output(ids.PA_MAP, "figure"), Input(ids.FILTERS, "data"), State(ids.URL, "search"))
    def _map(data, search):
        if data is None:
            raise PreventUpdate
        return map_figure(database_url(), data, drilldown.ui_from_search(search))

    @app.callback(Output(ids.PA_KINDS, "figure"), Input(ids.FILTERS, "data"), State(ids.URL, "search"))
    def _kinds(data, search):
        if data is None:
            raise PreventUpdate
        return kinds_figure(database_url(), data, drilldown.ui_from_search(search))

    @app.callback(Output(ids.PA_GRID, "rowData"), Output(ids.PA_COUNT, "children"),
                  Input(ids.FILTERS, "data"), State(ids.URL, "search"))
    def _grid(data, search):
        if data is None:
            raise PreventUpdate
        lang = drilldown.ui_from_search(search)
        rows = grid_rows(database_url(), data, lang, drilldown.search_with(search, filters_of(data)))
        return rows, count_text(len(rows), lang)

    # The search box filters the grid in the browser (AG Grid's quick filter): no round trip per key.
    app.clientside_callback(
        """function (text, opts) {
            return Object.assign({}, opts || {}, {quickFilterText: text || ""});
        }""",
        Output(ids.PA_GRID, "dashGridOptions"), Input(ids.PA_SEARCH, "value"), State(ids.PA_GRID, "dashGridOptions"),
        prevent_initial_call=True,
    )
