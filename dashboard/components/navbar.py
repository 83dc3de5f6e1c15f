"""The header: university name (English and Chinese) and one link per registered page."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, html

from dashboard import ids

NAV_LINK = "nav-link"  # pattern-matching id type: {"type": NAV_LINK, "path": "/…"}


def navbar(title: str, home_name: str | None, home_zh: str | None, pages: list[tuple[str, str]]) -> html.Header:
    """``pages`` is ``[(label, path), …]`` in menu order."""
    subtitle = " · ".join(x for x in (home_name, home_zh) if x)
    brand = html.A(
        [
            html.Span("BISTU" if home_name and "Beijing Information" in home_name else "INTL",
                      className="brand-mark", **{"aria-hidden": "true"}),
            html.Span([html.Span(title, className="brand-title"),
                       html.Span(subtitle, className="brand-sub")], className="brand-text"),
        ],
        href="/", className="brand",
    )
    links = [dbc.NavItem(dbc.NavLink(label, href=path, active="exact", id={"type": NAV_LINK, "path": path}))
             for label, path in pages]
    return html.Header(
        dbc.Container([brand, dbc.Nav(links, className="app-nav", id=ids.NAV_LINKS)],
                      fluid=True, className="app-header-inner"),
        className="app-header", id=ids.NAVBAR,
    )


def nav_hrefs(search: str | None, paths: list[str]) -> list[str]:
    """Each menu link keeps the current filters, so moving between pages keeps the view."""
    return [p + (search or "") for p in paths]


def register_callbacks(app) -> None:
    @app.callback(
        Output({"type": NAV_LINK, "path": ALL}, "href"),
        Input(ids.URL, "search"),
        Input({"type": NAV_LINK, "path": ALL}, "id"),
    )
    def _hrefs(search, link_ids):
        return nav_hrefs(search, [i["path"] for i in link_ids])
