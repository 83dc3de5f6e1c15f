"""Download routes for the dashboard's Export menus: ``init_exports(app, settings)``.

- ``GET /export/figure/<name>.<png|svg|pdf>?<filters>[&labels=zh][&scale=2][&width=1000]``
- ``GET /export/data/<name>.<csv|xlsx|json>?<filters>[&labels=zh]``

A chart of one school's or partner's page (:func:`dashboard.export.subject_names`) takes the
id too: ``?school=<id>`` (its page's filters hold the school) or ``?partner=<id>``; a missing
one is a 400, an unknown one a 404.
- ``GET /export/report.<pptx|pdf>?<filters>[&labels=zh]``

The filters are the dashboard's own query string (``from``, ``to``, ``school`` …, see
:class:`dashboard.queries.Filters`), so a menu link is the page's URL with another path.
``labels`` picks the language of titles and labels (``lang`` already filters documents).

These are ordinary Flask routes on the app's server: the sign-in guard of
``dashboard/auth.py`` (a ``before_request`` hook on the whole server) covers them like every
page, so an anonymous client gets 401. Failures answer with a short text and a status —
404 unknown export, 400 bad format or parameter, 503 no Chromium or no database — never a
traceback.
"""
from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Response, current_app, request
from sqlalchemy.exc import SQLAlchemyError

from dashboard import export as E
from dashboard.context import database_url
from dashboard.queries.common import Filters
from dashboard.report.build import REPORT_FORMATS, build_report, export_options
from dashboard.report.render import BrowserNotFound, ExportError

log = logging.getLogger("dashboard.export")
EXT_KEY = "intl_exports"


def _text(message: str, status: int) -> Response:
    return Response(message + "\n", status=status, mimetype="text/plain")


def _settings():
    ext = current_app.extensions.get(EXT_KEY, {})
    if ext.get("settings") is not None:
        return ext["settings"]
    from etl.config import load_settings

    return load_settings(database_url=database_url())


def _filters() -> Filters:
    return Filters.from_query(request.args.to_dict(flat=False))


def _labels() -> str:
    return "zh" if (request.args.get("labels") or "").lower().startswith("zh") else "en"


def _number(name: str, lo: float, hi: float, kind=float) -> Any:
    raw = request.args.get(name)
    if raw in (None, ""):
        return None
    try:
        value = kind(raw)
    except ValueError:
        raise ExportError(f"{name}={raw!r} is not a number") from None
    if not lo <= value <= hi:
        raise ExportError(f"{name} must lie between {lo:g} and {hi:g}")
    return value


def _subject(name: str) -> tuple[dict | None, str]:
    """The school or partner a subject's chart is about (from ``school=`` / ``partner=``), and
    the file name's stem (``school_partners_3``); ``(None, name)`` for every other chart."""
    export = E.get(name)
    if export.subject is None:
        return None, name
    info = E.subject_info(name, database_url(), request.args.get(export.subject))
    return info, f"{name}_{info['id']}"


def _send(data: bytes, fmt: str, filename: str) -> Response:
    return Response(data, mimetype=E.MIME[fmt], headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "private, no-store",
    })


def _answer(make) -> Response:
    """Run ``make()``; map each failure to a status and one sentence."""
    try:
        return make()
    except E.UnknownExport as exc:
        return _text(str(exc), 404)
    except BrowserNotFound as exc:
        log.error("export: %s", exc)
        return _text(str(exc), 503)
    except ExportError as exc:
        return _text(str(exc), 400)
    except SQLAlchemyError as exc:
        log.warning("export: database: %s", exc.__class__.__name__)
        return _text("The database cannot answer yet (no tables, or the server is down).", 503)


def _blueprint() -> Blueprint:
    bp = Blueprint("export", __name__, url_prefix="/export")

    @bp.get("/figure/<name>.<fmt>")
    def figure(name: str, fmt: str):
        def make():
            if fmt not in E.FIGURE_FORMATS:
                raise ExportError(f"figure format {fmt!r}: use {', '.join(E.FIGURE_FORMATS)}")
            subject, stem = _subject(name)
            f = _filters()
            data = E.figure_bytes(name, database_url(), f, fmt, lang=_labels(), scale=_number("scale", 0.5, 4),
                                  width=_number("width", 300, 4000, int),
                                  browser_path=export_options(_settings()).get("browser_path"), subject=subject)
            return _send(data, fmt, E.filename(stem, f, fmt))
        return _answer(make)

    @bp.get("/data/<name>.<fmt>")
    def data(name: str, fmt: str):
        def make():
            if fmt not in E.DATA_FORMATS:
                raise ExportError(f"data format {fmt!r}: use {', '.join(E.DATA_FORMATS)}")
            subject, stem = _subject(name)
            f = _filters()
            return _send(E.data_bytes(name, database_url(), f, fmt, lang=_labels(), subject=subject), fmt,
                         E.filename(stem, f, fmt))
        return _answer(make)

    @bp.get("/report.<fmt>")
    def report(fmt: str):
        def make():
            if fmt not in REPORT_FORMATS:
                raise ExportError(f"report format {fmt!r}: use {', '.join(REPORT_FORMATS)}")
            f = _filters()
            data = build_report(database_url(), f, fmt, lang=_labels(), settings=_settings())
            return _send(data, fmt, E.filename("report" + ("_zh" if _labels() == "zh" else ""), f, fmt))
        return _answer(make)

    return bp


def init_exports(app, settings: Any = None) -> None:
    """Register the download routes on ``app``'s server.

    ``app`` is a Dash app (or a bare Flask app). Call once per app. The Export menus need no callback:
    their links follow the URL's filters in the browser (``dashboard/components/export_menu.py``).
    """
    server = getattr(app, "server", app)
    server.extensions[EXT_KEY] = {"settings": settings}
    server.register_blueprint(_blueprint())
