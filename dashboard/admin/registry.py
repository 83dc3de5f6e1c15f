"""The admin pages on a dashboard app: :func:`register` adds them (after the public pages) with
their callbacks; ``create_app`` calls it after ``init_auth`` (``dashboard/auth.py``), so the
admin pages exist exactly where sign-in and roles protect them."""
from __future__ import annotations

from typing import Any

ORDER_BASE = 100  # after the public pages in dash.page_registry


def pages() -> list[Any]:
    from dashboard.pages import admin_audit, admin_etl, admin_review, admin_runs, admin_uploads, admin_users

    return [admin_uploads, admin_etl, admin_runs, admin_review, admin_users, admin_audit]


def register(app, settings: Any = None) -> None:
    """Register the admin pages and their callbacks on ``app`` (request sizes are bounded by
    ``dashboard/hardening.py``, uploads at their own limit)."""
    import dash

    for i, page in enumerate(pages()):
        dash.register_page(page.__name__, path=page.PATH, name=page.NAME, title=page.TITLE,
                           layout=page.layout, order=ORDER_BASE + i)
        page.register_callbacks(app, settings)
