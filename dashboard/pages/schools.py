"""Schools (path ``/schools``): a school × year heat map and a sortable table of every school.

A click on a heat-map cell opens the drill-down panel (the documents and sentences behind
the cell), which offers to filter the whole page to that school and year. Each school's
name in the table opens its own page (``/schools/<id>``, :mod:`dashboard.pages.school`).

The callback bodies are plain functions (``heat_figure``, ``table_rows``) tested directly;
the helpers at the top are shared by the four Schools/Partners pages.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import Input, Output, State, html
from dash.exceptions import PreventUpdate
from sqlalchemy.exc import SQLAlchemyError

from dashboard import ids
from dashboard.cache import cached
from dashboard.components import drilldown
from dashboard.components.export_menu import export_menu
from dashboard.components.cards import chart_card
from dashboard.context import database_url
from dashboard.figures import common as figures
from dashboard.figures.schools import HEAT_DOCS_TITLE, HEAT_TITLE, clean_text, school_year_heatmap
from dashboard.labels import add_translations, t, ui_lang
from dashboard.pages.overview import NO_SCHEMA_HINT, empty_message
from dashboard.queries import common as q
from dashboard.queries import schools as qs
from dashboard.queries.common import Filters

PATH = "/schools"
NAME = "Schools"
TITLE = "Schools · International Cooperation"
T = TypeVar("T")

add_translations({
    "Schools": "学院",
    "Which schools work internationally, and since when: activities per school and year from the news, "
    "programmes and students abroad from the office's reports.":
        "各学院的国际合作情况与起始时间：新闻中的逐年活动，以及国际处报表中的合作项目与出国（境）学生。",
    "Activities": "活动",
    "Documents": "文档",
    "All schools": "全部学院",
    "School": "学院",
    "中文": "中文",
    "Partners": "合作伙伴",
    "First year": "起始年份",
    "Latest year": "最近年份",
    "Programmes": "合作项目",
    "Students abroad": "出国（境）学生",
    "Count": "统计",
    "Open a school's page from its name. Programmes and students abroad come from the office's reports.":
        "点击学院名称打开其页面。合作项目与出国（境）学生数据来自国际处报表。",
    figures.LOAD_HINT: "尚未加载数据。<br>使用 <b>intl demo</b> 加载示例数据，或使用 <b>intl etl run PATH</b> 加载您的文件。",
    figures.FILTER_HINT: "没有符合这些筛选条件的数据。<br>请扩大年份范围或清除某个筛选条件。",
    NO_SCHEMA_HINT: "数据库还没有表。<br>使用 <b>intl init</b> 创建，或使用 <b>intl demo</b> 加载示例数据。",
})


# ---------------------------------------------------------------------------
# Helpers shared by the Schools and Partners pages
# ---------------------------------------------------------------------------
SCHOOLS_EXPORTS = ["school_year", "activities_by_school", "activities_by_year", "students_by_school"]


def filters_of(value: Filters | dict | None) -> Filters:
    return value if isinstance(value, Filters) else Filters.from_dict(value)


def run(fn: Callable[..., T], url: str, *args: Any) -> T | None:
    """A cached query, or None when the database cannot answer (missing schema, server down)."""
    try:
        return cached(fn, url, *args)
    except SQLAlchemyError:
        return None


def why_empty(url: str, f: Filters, lang: str) -> str:
    """The empty-state message (no schema / nothing loaded / filters match nothing), translated."""
    return t(empty_message(url, f), lang)


def page_head(title: str, lede: str, lang: str, extra: Any = None, exports: list[str] | None = None,
              menu_id: str | None = None) -> html.Div:
    """The page's title, lede and drill-down hint, with the page's Export menu (its charts and
    the report, for the filters on screen) at the right."""
    return html.Div([
        export_menu(exports or [], menu_id=menu_id or title.lower(), class_name="float-end", lang=lang),
        html.H1(t(title, lang), className="page-title"),
        html.P(t(lede, lang), className="page-lede"),
        drilldown.hint(lang),
        extra,
    ], className="page-head")


# A grid cell naming a school or a partner, linking to its page: the name is the cell's value
# (text, never Markdown or HTML: names come from reports and articles), the link the row's
# ``href``, made here from the row's id (assets/grid_cells.js).
PAGE_LINK_RENDERER = "PageLink"


def grid(grid_id: str, columns: list[dict], rows: list[dict], *, height: int | None = None,
         options: dict | None = None, lang: str = "en") -> dag.AgGrid:
    """A dash-ag-grid table in the dashboard's look: sortable, resizable, keyboard-navigable;
    the grid's own words (pagination) in the interface language ``lang``."""
    from dashboard.labels import AG_GRID_ZH

    opts = {"animateRows": False, "suppressCellFocus": False, "enableCellTextSelection": True,
            "ensureDomOrder": True, "rowHeight": 38, "headerHeight": 40, **(options or {})}
    if lang == "zh":
        opts["localeText"] = AG_GRID_ZH
    if height is None:
        opts["domLayout"] = "autoHeight"
    # Names wrap onto a second line at a word boundary instead of being cut mid-word; the whole
    # name is in the tooltip too.
    columns = [({"wrapText": True, "autoHeight": True, "tooltipField": c.get("tooltipField") or c.get("field"), **c}
                if "flex" in c and not c.get("type") else c) for c in columns]
    return dag.AgGrid(
        id=grid_id, columnDefs=columns, rowData=rows,
        defaultColDef={"sortable": True, "resizable": True, "filter": False, "minWidth": 80,
                       "wrapHeaderText": True, "autoHeaderHeight": True},
        dashGridOptions=opts,
        style={"height": f"{height}px"} if height else {"height": None},
        className="intl-grid",
    )


# ---------------------------------------------------------------------------
# Callback bodies (plain functions)
# ---------------------------------------------------------------------------
def heat_figure(url: str, filters: Filters | dict | None, metric: str = "activities",
                lang: str = "en") -> go.Figure:
    f = filters_of(filters)
    metric = metric if metric in qs.MEASURES else "activities"
    df = run(qs.school_year, url, f, (metric,))
    title = HEAT_TITLE if metric != "documents" else HEAT_DOCS_TITLE
    if df is None or df.empty:
        return figures.empty(t(title, lang), why_empty(url, f, lang), height=420)
    bounds = run(q.year_bounds, url)
    years = (f.year_from or bounds[0], f.year_to or bounds[1]) if bounds else None
    return school_year_heatmap(df, metric=metric, years=years, lang=lang,
                               empty_message=why_empty(url, f, lang))


def table_columns(lang: str = "en") -> list[dict]:
    num = {"type": "rightAligned", "flex": 1, "minWidth": 128}
    return [
        {"field": "name", "headerName": t("School", lang), "cellRenderer": PAGE_LINK_RENDERER, "minWidth": 290,
         "flex": 4, "comparator": {"function": "(a, b) => a.localeCompare(b)"}},
        {"field": "zh", "headerName": "中文", "minWidth": 130, "flex": 2},
        {"field": "documents", "headerName": t("Documents", lang), **num, "sort": "desc"},
        {"field": "activities", "headerName": t("Activities", lang), **num},
        {"field": "first_year", "headerName": t("First year", lang), **num},
        {"field": "last_year", "headerName": t("Latest year", lang), **num},
        {"field": "programs", "headerName": t("Programmes", lang), **num},
        {"field": "students", "headerName": t("Students abroad", lang), **num},
    ]


def table_rows(url: str, filters: Filters | dict | None, lang: str = "en", search: str = "") -> list[dict]:
    """One grid row per school: its name (text) and the path of the school's page (keeping the query string)."""
    f = filters_of(filters)
    df = run(qs.school_summary, url, f)
    if df is None:
        return []
    rows = []
    for r in df.itertuples(index=False):
        zh = clean_text(r.zh)
        name = zh if lang == "zh" and zh else r.school
        rows.append({
            "unit_id": int(r.unit_id), "school": r.school, "name": name, "href": f"/schools/{int(r.unit_id)}{search}",
            "zh": zh or "", "documents": int(r.documents), "activities": int(r.activities),
            "programs": int(r.programs), "students": int(r.students),
            "first_year": None if pd.isna(r.first_year) else int(r.first_year),
            "last_year": None if pd.isna(r.last_year) else int(r.last_year),
        })
    return rows


# ---------------------------------------------------------------------------
# Layout and wiring
# ---------------------------------------------------------------------------
def layout(**query: Any) -> html.Div:
    lang = ui_lang(query.get("ui"))
    metric = dbc.RadioItems(
        id=ids.SC_METRIC, value="activities", inline=True, className="metric-switch",
        options=[{"label": t("Activities", lang), "value": "activities"},
                 {"label": t("Documents", lang), "value": "documents"}],
        inputClassName="btn-check", labelClassName="btn btn-sm btn-outline-primary",
        labelCheckedClassName="active",
    )
    return html.Div([
        page_head("Schools", "Which schools work internationally, and since when: activities per school and "
                  "year from the news, programmes and students abroad from the office's reports.", lang,
                  exports=SCHOOLS_EXPORTS),
        dbc.Row(dbc.Col(html.Div([
            html.Div([html.Span(t("Count", lang), className="metric-label"), metric,
                      export_menu("school_year", menu_id=f"card-{ids.SC_HEAT}", report=False, lang=lang)],
                     className="card-tools"),
            chart_card(ids.SC_HEAT, min_height=420, class_name="chart-card-flat", lang=lang),
        ], className="chart-card tools-card"), lg=12), className="g-3 mb-3"),
        dbc.Row(dbc.Col(html.Div([
            html.H2(t("All schools", lang), className="card-heading"),
            html.P(t("Open a school's page from its name. Programmes and students abroad come from the "
                     "office's reports.", lang), className="card-sub"),
            grid(ids.SC_TABLE, table_columns(lang), [], lang=lang),
        ], className="panel"), lg=12), className="g-3 mb-3"),
        drilldown.panel(lang),
    ], className="page page-schools")


def register_callbacks(app) -> None:
    drilldown.register_callbacks(app)
    drilldown.connect(app, [ids.SC_HEAT])

    @app.callback(Output(ids.SC_HEAT, "figure"), Input(ids.FILTERS, "data"), Input(ids.SC_METRIC, "value"),
                  State(ids.URL, "search"))
    def _heat(data, metric, search):
        if data is None:
            raise PreventUpdate
        return heat_figure(database_url(), data, metric or "activities", drilldown.ui_from_search(search))

    @app.callback(Output(ids.SC_TABLE, "rowData"), Input(ids.FILTERS, "data"), State(ids.URL, "search"))
    def _table(data, search):
        if data is None:
            raise PreventUpdate
        lang = drilldown.ui_from_search(search)
        return table_rows(database_url(), data, lang, drilldown.search_with(search, filters_of(data)))
