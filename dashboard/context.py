"""Where callbacks find the app's settings: the Flask app config of the current request."""
from __future__ import annotations

from flask import current_app

DATABASE_URL_KEY = "INTL_DATABASE_URL"


def database_url() -> str:
    """The database URL this app instance was created with (``create_app(database_url=…)``)."""
    return current_app.config[DATABASE_URL_KEY]
