"""The "Export" dropdown: a chart's figure (PNG/SVG/PDF) and data (CSV/XLSX), and the
leadership report (PPTX/PDF, English or Chinese), all for the filters on screen.

Usage on a page::

    from dashboard.components.export_menu import export_menu
    export_menu("top_partners")                      # one chart: figure, data, report
    export_menu(["activities_by_year", "top_partners"], menu_id="ov")   # several, one menu
    export_menu(None)                                # the report only

Each format is a plain ``<a download>`` to a route of :mod:`dashboard.export_routes`: the
browser fetches the file, Dash's router is not involved. The links follow the
URL's query string through one pattern-matching callback (:func:`register_callbacks`,
called by ``init_exports``), so an export always has the filters the charts have.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, html

from dashboard import ids
from dashboard.labels import add_translations, t
from dashboard.queries.common import Filters

EXPORT_LINK = "export-link"  # pattern-matching id: {"type", "menu", "path", "labels", "fixed"}
FIGURE_ITEMS = (("png", "PNG"), ("svg", "SVG"), ("pdf", "PDF"))
DATA_ITEMS = (("csv", "CSV"), ("xlsx", "Excel"), ("json", "JSON"))
REPORT_ITEMS = (("pptx", "en", "PowerPoint"), ("pdf", "en", "PDF"), ("pptx", "zh", "中文 PowerPoint"),
                ("pdf", "zh", "中文 PDF"))
TITLES = {"png": "Image, 2× resolution", "svg": "Vector image", "pdf": "PDF figure", "csv": "Data as CSV",
          "xlsx": "Data as an Excel workbook", "json": "Data as JSON", "pptx": "Leadership report as a PowerPoint deck"}
REPORT_ROW = "Leadership report, these filters"

add_translations({
    "Export": "导出", "Excel": "Excel", REPORT_ROW: "领导汇报材料（当前筛选）",
    "Image, 2× resolution": "图片（2 倍分辨率）", "Vector image": "矢量图", "PDF figure": "PDF 图表",
    "Data as CSV": "数据（CSV）", "Data as JSON": "数据（JSON）", "Data as an Excel workbook": "数据（Excel 工作簿）",
    "Leadership report as a PowerPoint deck": "领导汇报材料（PowerPoint 演示文稿）",
})


def figure_path(name: str, fmt: str) -> str:
    return f"/export/figure/{name}.{fmt}"


def data_path(name: str, fmt: str) -> str:
    return f"/export/data/{name}.{fmt}"


def report_path(fmt: str) -> str:
    return f"/export/report.{fmt}"


def _link(label: str, menu: str, path: str, fmt: str, labels: str = "en", lang: str = "en",
          fixed: str = "") -> html.A:
    return html.A(label, href=path + ("?labels=zh" if labels == "zh" else ""), download="",
                  title=t(TITLES.get(fmt, ""), lang), className="export-link link-primary text-decoration-none",
                  id={"type": EXPORT_LINK, "menu": menu, "path": path, "labels": labels, "fixed": fixed})


def _row(title: str, links: list, divided: bool = False) -> html.Div:
    """A heading and one line of format links (a menu of 5 formats × 5 charts stays short).

    Few Dash components: the links sit in the row itself, and the " · " between them and the
    line above the report's row are drawn by the stylesheet (app.css, ``.export-row``). With
    Dash 4 every mounted component costs the renderer time that grows with the page's
    component count, and a menu is on every chart card."""
    return html.Div([html.Div(title, className="small text-muted"), *links],
                    className="export-row px-3 py-1" + (" export-row-divided" if divided else ""))


def export_menu(names: str | Sequence[str] | None = None, *, menu_id: str | None = None, figure: bool = True,
                data: bool = True, report: bool = True, label: str = "Export", size: str = "sm",
                titles: dict[str, str] | None = None, class_name: str = "", lang: str = "en",
                fixed: dict[str, str] | None = None) -> dbc.DropdownMenu:
    """A dropdown of downloads for the charts ``names`` (export names) and the report.

    ``lang`` is the interface language of the menu's words and of the files (a chart exported
    from the 中文 interface is in Chinese; the report is offered in both languages).
    ``fixed`` adds filters the page implies but its URL does not carry (a school's own page:
    ``{"school": "3"}``).

    ``menu_id`` keeps link ids unique when a page has several menus (default: the names).
    ``titles`` overrides the row headings (default: each export's title);
    ``class_name`` is added to the menu's classes (e.g. ``"float-end"`` in a page head).
    """
    from dashboard import export as E

    chart_names = [names] if isinstance(names, str) else list(names or [])
    menu = menu_id or ("-".join(chart_names) or "report")
    extra = urlencode(fixed or {}, safe=",")
    files = "zh" if lang == "zh" else "en"
    rows: list[Any] = []
    for name in chart_names:
        exp = E.get(name)
        links = []
        if figure:
            links += [_link(text, menu, figure_path(name, fmt), fmt, files, lang, extra) for fmt, text in FIGURE_ITEMS]
        if data:
            links += [_link(text, menu, data_path(name, fmt), fmt, files, lang, extra) for fmt, text in DATA_ITEMS]
        rows.append(_row((titles or {}).get(name, exp.title_in(lang)), links))
    if report:
        rows.append(_row(t(REPORT_ROW, lang),
                         [_link(text, menu, report_path(fmt), fmt, labels, lang, extra)
                          for fmt, labels, text in REPORT_ITEMS], divided=bool(rows)))
    return dbc.DropdownMenu(rows, label=t(label, lang), size=size, color="light", align_end=True,
                            id=f"export-menu-{menu}", className=f"export-menu {class_name}".strip(),
                            toggle_class_name="export-toggle", direction="down")


def export_hrefs(search: str | None, link_ids: list[dict]) -> list[str]:
    """Each link's URL: its path with the current filters (normalised) and its labels language."""
    query = Filters.from_search(search).to_query()
    out = []
    for lid in link_ids:
        params = dict(query)
        if lid.get("fixed"):
            from urllib.parse import parse_qsl

            params.update(dict(parse_qsl(lid["fixed"])))
        if lid.get("labels") == "zh":
            params["labels"] = "zh"
        out.append(lid["path"] + ("?" + urlencode(params, safe=",") if params else ""))
    return out


def register_callbacks(app) -> None:
    @app.callback(
        Output({"type": EXPORT_LINK, "menu": ALL, "path": ALL, "labels": ALL, "fixed": ALL}, "href"),
        Input(ids.URL, "search"),
        Input({"type": EXPORT_LINK, "menu": ALL, "path": ALL, "labels": ALL, "fixed": ALL}, "id"),
    )
    def _export_hrefs(search, link_ids):
        return export_hrefs(search, link_ids)
