"""The Dash app: ``create_app(database_url=None)``; ``server`` for ``gunicorn dashboard.app:server``.

A Dash *pages* app whose pages are registered here explicitly (``pages_folder=""``) and
whose callbacks are attached with ``app.callback`` by each page's ``register_callbacks``:
global ``dash.callback`` registrations are consumed by the first app created in a
process, which would leave every later app (tests create several) without callbacks.

Every asset is served by the app itself: Bootstrap CSS from ``assets/``, Dash's and
plotly's JavaScript from the installed packages (``serve_locally``), map outlines from
``assets/topojson``; no web font, no CDN. A page makes no request to another host.
"""
from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import dash
import dash_bootstrap_components as dbc
from dash import Dash, dcc, html
from sqlalchemy.exc import SQLAlchemyError

from dashboard import ids
from dashboard.admin import registry as admin_registry
from dashboard.auth import init_auth
from dashboard.hardening import init_hardening
from dashboard.cache import init_cache
from dashboard.components import filters as filter_bar_mod
from dashboard.components import navbar as navbar_mod
from dashboard.components.export_menu import with_filters
from dashboard.context import DATABASE_URL_KEY, database_url, init_connections
from dashboard.pages import network, overview, programs, source_doc, sources
from dashboard.pages import partner, partners, programme, school, schools
from dashboard.queries import common as q
from etl.config import load_settings

log = logging.getLogger("dashboard")
ASSETS = Path(__file__).resolve().parent / "assets"
DEFAULT_TITLE = "International Cooperation Dashboard"

# (module, page module object) in menu order; each has PATH, NAME, TITLE, layout, register_callbacks.
PAGES = [overview, schools, partners, programs, network, sources, school, partner, source_doc, programme]

INDEX = """<!DOCTYPE html>
<html lang="en">
  <head>
    {%metas%}
    <title>{%title%}</title>
    {%favicon%}
    {%css%}
  </head>
  <body>
    {%app_entry%}
    <footer>{%config%}{%scripts%}{%renderer%}</footer>
  </body>
</html>"""


def _shell(title: str):
    """The layout around every page: URL, filter store, header, filter bar, page, footer.

    A function, so the school list and the year bounds are read afresh on each page load.
    """

    def layout() -> html.Div:
        url = database_url()
        try:
            schools = q.schools(url)
            bounds = q.year_bounds(url)
            home_name, home_zh = q.home_institution(url)
            countries = q.partner_countries(url)
        except SQLAlchemyError as exc:  # no schema yet: the page explains, charts show how to load
            log.warning("database not ready: %s", exc.__class__.__name__)
            import pandas as pd

            schools, bounds, home_name, home_zh = pd.DataFrame(columns=["id", "name", "zh"]), None, None, None
            countries = []
        pages = [(p.NAME, p.PATH) for p in PAGES if getattr(p, "IN_NAV", True)]
        titles = [p.get("title") for p in dash.page_registry.values() if isinstance(p.get("title"), str)]
        return html.Div([
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Store(id=ids.FILTERS),
            navbar_mod.navbar(title, home_name, home_zh, pages, titles),
            html.Main(
                dbc.Container([filter_bar_mod.filter_bar(schools, bounds, countries), dash.page_container],
                              fluid=True, className="app-main"),
            ),
            html.Footer(
                dbc.Container([
                    navbar_mod.footer_text(),  # in the URL's language: assets/links.js
                ], fluid=True),
                className="app-footer",
            ),
        ], className="app-shell")

    return layout


def create_app(database_url: str | None = None) -> Dash:
    """A new app reading ``database_url`` (default: settings — ``DATABASE_URL`` or data/intl.db)."""
    settings = load_settings(database_url=database_url)
    title = settings.branding.get("title") or DEFAULT_TITLE
    # In debug mode Dash's dev tools ask a plotly server for the latest version: a request to
    # another host, which an intranet cannot answer. Off unless DASH_DISABLE_VERSION_CHECK says otherwise.
    os.environ.setdefault("DASH_DISABLE_VERSION_CHECK", "true")
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder="",
        assets_folder=str(ASSETS),
        serve_locally=True,
        title=title,
        update_title=None,
        suppress_callback_exceptions=True,  # page components come and go with navigation
        # Every callback is synchronous. Left to itself Dash serves async endpoints whenever asgiref can be
        # imported (Datasette, the bench extra, brings it): each request's pages router then goes through
        # asgiref's AsyncToSync, which costs a thread hop and fails in a thread that runs an event loop.
        use_async=False,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    app.index_string = INDEX
    app.server.config[DATABASE_URL_KEY] = settings.database_url
    init_cache(app.server, settings.redis_url)
    init_connections(app.server)  # one database connection per request for its reads
    for order, page in enumerate(PAGES):
        dash.register_page(page.__name__, path=page.PATH, name=page.NAME, title=page.TITLE,
                           path_template=getattr(page, "PATH_TEMPLATE", None),
                           layout=with_filters(page.layout), order=order)  # Export links: the query's filters
    app.layout = _shell(title)
    filter_bar_mod.register_callbacks(app)
    navbar_mod.register_callbacks(app)
    for page in PAGES:
        page.register_callbacks(app)
    from dashboard.export_routes import init_exports; init_exports(app, settings)  # downloads: /export/… (issue 6)  # noqa: E702
    init_auth(app, settings)  # sign-in, roles, CSRF (dashboard/auth.py)
    admin_registry.register(app, settings)  # the admin pages, behind init_auth's guard
    init_hardening(app)  # body limits, callback request checks, CSP and other headers (dashboard/hardening.py)
    _log_export_check(settings)
    return app


def _log_export_check(settings) -> None:
    """Say at start-up what exports lack (Chromium, a CJK font), not at the first failed download."""
    from dashboard.report.render import export_check

    raw = (getattr(settings, "raw", None) or {}).get("export") or {}
    for level, text in export_check(raw.get("browser_path")):
        (log.error if level == "error" else log.warning if level == "warning" else log.info)("exports: %s", text)


def settle() -> None:
    """Hand everything built so far (modules, layouts, callback maps, SQLAlchemy's and plotly's
    caches: ~190,000 objects) to the garbage collector's permanent generation.

    A server process calls it once its app is built. Without it each full collection walks
    all of them again: a 100–190 ms pause, on whichever request happened to trigger it
    (bench/dashboard.py saw five in 300 callbacks, the worst case of several callbacks).
    Objects made later are collected as usual.
    """
    import gc

    gc.collect()
    gc.freeze()


_served: Dash | None = None
_served_lock = threading.Lock()


def __getattr__(name: str):
    """``app`` and ``server`` (gunicorn's ``dashboard.app:server``), built on first use and settled.

    Importing the module builds nothing: ``intl serve`` and the tests import :func:`create_app` from
    here and build their own app; before, each such import built the default one first (a second
    app, seconds of start-up, on the default database)."""
    global _served
    if name not in ("app", "server"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    with _served_lock:
        if _served is None:
            _served = create_app()
            settle()  # gunicorn's workers (and a preloading master) serve this app
            globals().update(app=_served, server=_served.server)
    return _served if name == "app" else _served.server
