"""The "Export" dropdown: a chart's figure (PNG/SVG/PDF) and data (CSV/XLSX), and the
leadership report (PPTX/PDF, English or Chinese), all for the filters on screen.

Usage on a page::

    from dashboard.components.export_menu import export_menu
    export_menu("top_partners")                      # one chart: figure, data, report
    export_menu(["activities_by_year", "top_partners"], menu_id="ov")   # several, one menu
    export_menu(None)                                # the report only

Each format is a plain ``<a download>`` to a route of :mod:`dashboard.export_routes`: the
browser fetches the file, Dash's router is not involved. A menu is two Dash components, the
dropdown and one ``dcc.Markdown`` holding every row and link as HTML (:mod:`html_table`): with
Dash 4 each mounted component costs the renderer time on every update, and a menu of one component
per link and row was 80-97 of a page's ~200 components.

The links carry the filters the charts have, the URL's query string, without a callback:

- made by a page's layout, each ``href`` has the filters of the query the page was made for
  (:func:`with_filters` wraps every page's layout, see ``dashboard/app.py``);
- when the filters change without a new layout (the filter bar writes the query string with
  ``history.pushState``; back and forward) ``assets/export.js`` writes every link's ``href``
  again from ``location.search``: the filters (:data:`FILTER_KEYS`), then the link's own
  parameters (``data-params``: a school's own page ``school=3``, the files' language
  ``labels=zh``); it does the same when a menu opens and when a link is pointed at, focused,
  pressed or right-clicked, so a link is never shown, followed or copied with other filters than
  the charts'.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any
from urllib.parse import urlencode

import dash_bootstrap_components as dbc

from dashboard.components.html_table import esc, markdown, tag
from dashboard.labels import add_translations, t
from dashboard.queries.common import Filters

FIGURE_ITEMS = (("png", "PNG"), ("svg", "SVG"), ("pdf", "PDF"))
DATA_ITEMS = (("csv", "CSV"), ("xlsx", "Excel"), ("json", "JSON"))
REPORT_ITEMS = (("pptx", "en", "PowerPoint"), ("pdf", "en", "PDF"), ("pptx", "zh", "中文 PowerPoint"),
                ("pdf", "zh", "中文 PDF"))
TITLES = {"png": "Image, 2× resolution", "svg": "Vector image", "pdf": "PDF figure", "csv": "Data as CSV",
          "xlsx": "Data as an Excel workbook", "json": "Data as JSON", "pptx": "Leadership report as a PowerPoint deck"}
REPORT_ROW = "Leadership report, these filters"
LINK_CLASS = "export-link link-primary text-decoration-none"
# The query-string keys of the filters, in Filters.to_query's order: assets/export.js copies these from
# location.search into every link (tests/test_export_routes.py checks the script names the same keys).
FILTER_KEYS = tuple(Filters.KEYS.values())

add_translations({
    "Export": "导出", "Excel": "Excel", REPORT_ROW: "领导汇报材料（当前筛选）",
    "Image, 2× resolution": "图片（2 倍分辨率）", "Vector image": "矢量图", "PDF figure": "PDF 图表",
    "Data as CSV": "数据（CSV）", "Data as JSON": "数据（JSON）", "Data as an Excel workbook": "数据（Excel 工作簿）",
    "Leadership report as a PowerPoint deck": "领导汇报材料（PowerPoint 演示文稿）",
})

# The filters of the page being made (set by :func:`with_filters` around a page's layout): what the links'
# hrefs carry when the page arrives; export.js keeps them in step afterwards.
_FILTERS: ContextVar[dict[str, str]] = ContextVar("export_menu_filters", default={})


def figure_path(name: str, fmt: str) -> str:
    return f"/export/figure/{name}.{fmt}"


def data_path(name: str, fmt: str) -> str:
    return f"/export/data/{name}.{fmt}"


def report_path(fmt: str) -> str:
    return f"/export/report.{fmt}"


@contextmanager
def page_filters(query: Mapping[str, Any]) -> Iterator[None]:
    """Export menus made inside carry the filters of ``query`` (query parameters, ``{"from": "2020"}``)."""
    token = _FILTERS.set(Filters.from_query(query).to_query())
    try:
        yield
    finally:
        _FILTERS.reset(token)


def with_filters(layout: Callable[..., Any]) -> Callable[..., Any]:
    """``layout`` (a page's, called by Dash's router with the URL's query parameters) making its Export
    menus' links with the filters of that query."""
    @functools.wraps(layout)
    def page(*args: Any, **query: Any) -> Any:
        with page_filters(query):
            return layout(*args, **query)
    return page


def export_href(path: str, filters: Mapping[str, str], own: Mapping[str, str]) -> str:
    """A link's URL: ``path``, the filters, then the link's own parameters (``own`` wins over a filter
    of the same key, in the filter's place). ``assets/export.js`` (``hrefFor``) makes the same string."""
    params = {**filters, **own}
    return path + ("?" + urlencode(params, safe=",") if params else "")


def _link(label: str, path: str, fmt: str, own: dict[str, str], lang: str) -> str:
    """One format's ``<a download>`` (a bare ``download``: the server's file name is kept)."""
    a = tag("a", esc(label), cls=LINK_CLASS, title=t(TITLES.get(fmt, ""), lang),
            href=export_href(path, _FILTERS.get(), own), **{"data-params": urlencode(own, safe=",")})
    return a.replace("<a ", "<a download ", 1)


def _row(title: str, links: list[str], divided: bool = False) -> str:
    """A heading and one line of format links (a menu of 6 formats × 5 charts stays short); the " · "
    between the links and the line above the report's row are drawn by the stylesheet (app.css,
    ``.export-row``). No white space between the links: the dots are their only separators."""
    return tag("div", tag("div", esc(title), cls="small text-muted") + "".join(links),
               cls="export-row px-3 py-1" + (" export-row-divided" if divided else ""))


def export_menu(names: str | Sequence[str] | None = None, *, menu_id: str | None = None, figure: bool = True,
                data: bool = True, report: bool = True, label: str = "Export", size: str = "sm",
                titles: dict[str, str] | None = None, class_name: str = "", lang: str = "en",
                fixed: dict[str, str] | None = None) -> dbc.DropdownMenu:
    """A dropdown of downloads for the charts ``names`` (export names) and the report.

    ``lang`` is the interface language of the menu's words and of the files (a chart exported
    from the 中文 interface is in Chinese; the report is offered in both languages).
    ``fixed`` adds filters the page implies but its URL does not carry (a school's own page:
    ``{"school": "3"}``).

    ``menu_id`` names the menu (``export-menu-<menu_id>``; default: the names joined).
    ``titles`` overrides the row headings (default: each export's title);
    ``class_name`` is added to the menu's classes (e.g. ``"float-end"`` in a page head).
    """
    from dashboard import export as E

    chart_names = [names] if isinstance(names, str) else list(names or [])
    menu = menu_id or ("-".join(chart_names) or "report")
    fixed = {str(k): str(v) for k, v in (fixed or {}).items()}
    files = {**fixed, "labels": "zh"} if lang == "zh" else fixed
    rows: list[str] = []
    for name in chart_names:
        exp = E.get(name)
        items = [(figure_path(name, fmt), fmt, text) for fmt, text in FIGURE_ITEMS if figure]
        items += [(data_path(name, fmt), fmt, text) for fmt, text in DATA_ITEMS if data]
        rows.append(_row((titles or {}).get(name, exp.title_in(lang)),
                         [_link(text, path, fmt, files, lang) for path, fmt, text in items]))
    if report:
        rows.append(_row(t(REPORT_ROW, lang),
                         [_link(text, report_path(fmt), fmt, {**fixed, "labels": "zh"} if labels == "zh" else fixed,
                                lang) for fmt, labels, text in REPORT_ITEMS], divided=bool(rows)))
    return dbc.DropdownMenu(markdown("".join(rows), "export-links"), label=t(label, lang), size=size,
                            color="light", align_end=True, id=f"export-menu-{menu}",
                            className=f"export-menu {class_name}".strip(), toggle_class_name="export-toggle",
                            direction="down")
