"""Where callbacks find the app's settings: the Flask app config of the current request."""
from __future__ import annotations

from typing import Any

from flask import current_app

DATABASE_URL_KEY = "INTL_DATABASE_URL"


def database_url() -> str:
    """The database URL this app instance was created with (``create_app(database_url=…)``)."""
    return current_app.config[DATABASE_URL_KEY]


def path_id(value: Any) -> int | None:
    """A row id from a URL path segment (``/schools/<id>``), or None when it is not a number."""
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None
