"""Where callbacks find the app's settings: the Flask app config of the current request."""
from __future__ import annotations

from typing import Any

from flask import current_app

DATABASE_URL_KEY = "INTL_DATABASE_URL"


def init_connections(server) -> None:
    """The dashboard's reads share one pooled connection per request (:func:`etl.db.connect`),
    returned to the pool when the request ends."""
    from flask import g, has_request_context

    from etl.db import hold_connections, release

    hold_connections(lambda: g.setdefault("intl_connections", {}) if has_request_context() else None)
    server.teardown_request(lambda _exc: release(g.pop("intl_connections", None)))


def database_url() -> str:
    """The database URL this app instance was created with (``create_app(database_url=…)``)."""
    return current_app.config[DATABASE_URL_KEY]


MAX_ID = 2**31 - 1  # row ids fit a 32-bit integer; a larger number is nobody's (and overflowed SQLite)


def path_id(value: Any) -> int | None:
    """A row id from a URL path segment (``/schools/<id>``) or a page's store, or None when it
    is not a positive number of at most 10 digits (whatever a crafted request sends)."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return None
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    n = int(text)
    return n if 0 < n <= MAX_ID else None


def text_value(value: Any, maxlen: int = 300) -> str:
    """A free-text field of a callback (a name, a search): the text, or "" for anything a
    text box cannot send (a number, a list, an object: a crafted request), cut at ``maxlen``."""
    return value.strip()[:maxlen] if isinstance(value, str) else ""
