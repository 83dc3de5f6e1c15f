"""The "Export" dropdown: a chart's figure (PNG/SVG/PDF) and data (CSV/XLSX), and the
leadership report (PPTX/PDF, English or Chinese), all for the filters on screen.

Usage on a page::

    from dashboard.components.export_menu import export_menu
    export_menu("top_partners")                      # one chart: figure, data, report
    export_menu(["activities_by_year", "top_partners"], menu_id="ov")   # several, one menu
    export_menu(None)                                # the report only

Each item is a plain link to a route of :mod:`dashboard.export_routes` (a download, so
``external_link``: the browser fetches it, Dash's router does not). The links follow the
URL's query string through one pattern-matching callback (:func:`register_callbacks`,
called by ``init_exports``), so an export always has the filters the charts have.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output

from dashboard import ids
from dashboard.queries import Filters

EXPORT_LINK = "export-link"  # pattern-matching id: {"type", "menu", "path", "labels"}
FIGURE_ITEMS = (("png", "Image (PNG)"), ("svg", "Vector (SVG)"), ("pdf", "PDF"))
DATA_ITEMS = (("csv", "Data (CSV)"), ("xlsx", "Data (Excel)"))
REPORT_ITEMS = (("pptx", "en", "Report (PowerPoint)"), ("pdf", "en", "Report (PDF)"),
                ("pptx", "zh", "报告（PowerPoint，中文）"), ("pdf", "zh", "报告（PDF，中文）"))


def figure_path(name: str, fmt: str) -> str:
    return f"/export/figure/{name}.{fmt}"


def data_path(name: str, fmt: str) -> str:
    return f"/export/data/{name}.{fmt}"


def report_path(fmt: str) -> str:
    return f"/export/report.{fmt}"


def _link(label: str, menu: str, path: str, labels: str = "en") -> dbc.DropdownMenuItem:
    return dbc.DropdownMenuItem(label, href=path + ("?labels=zh" if labels == "zh" else ""), external_link=True,
                                id={"type": EXPORT_LINK, "menu": menu, "path": path, "labels": labels},
                                className="export-item")


def export_menu(names: str | Sequence[str] | None = None, *, menu_id: str | None = None, figure: bool = True,
                data: bool = True, report: bool = True, label: str = "Export", size: str = "sm",
                titles: dict[str, str] | None = None) -> dbc.DropdownMenu:
    """A dropdown of downloads for the charts ``names`` (export names) and the report.

    ``menu_id`` keeps item ids unique when a page has several menus (default: the names).
    ``titles`` overrides the section headings (default: each export's title).
    """
    from dashboard import export as E

    chart_names = [names] if isinstance(names, str) else list(names or [])
    menu = menu_id or ("-".join(chart_names) or "report")
    items: list[Any] = []
    for name in chart_names:
        exp = E.get(name)
        if items:
            items.append(dbc.DropdownMenuItem(divider=True))
        if len(chart_names) > 1:
            items.append(dbc.DropdownMenuItem((titles or {}).get(name, exp.title), header=True))
        if figure:
            items += [_link(text, menu, figure_path(name, fmt)) for fmt, text in FIGURE_ITEMS]
        if data:
            items += [_link(text, menu, data_path(name, fmt)) for fmt, text in DATA_ITEMS]
    if report:
        if items:
            items.append(dbc.DropdownMenuItem(divider=True))
        items.append(dbc.DropdownMenuItem("Leadership report", header=True))
        items += [_link(text, menu, report_path(fmt), lang) for fmt, lang, text in REPORT_ITEMS]
    return dbc.DropdownMenu(items, label=label, size=size, color="light", align_end=True,
                            id=f"export-menu-{menu}", className="export-menu",
                            toggle_class_name="export-toggle", direction="down")


def export_hrefs(search: str | None, link_ids: list[dict]) -> list[str]:
    """Each link's URL: its path with the current filters (normalised) and its labels language."""
    query = Filters.from_search(search).to_query()
    out = []
    for lid in link_ids:
        params = dict(query)
        if lid.get("labels") == "zh":
            params["labels"] = "zh"
        out.append(lid["path"] + ("?" + urlencode(params, safe=",") if params else ""))
    return out


def register_callbacks(app) -> None:
    @app.callback(
        Output({"type": EXPORT_LINK, "menu": ALL, "path": ALL, "labels": ALL}, "href"),
        Input(ids.URL, "search"),
        Input({"type": EXPORT_LINK, "menu": ALL, "path": ALL, "labels": ALL}, "id"),
    )
    def _export_hrefs(search, link_ids):
        return export_hrefs(search, link_ids)
