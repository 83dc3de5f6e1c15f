"""Admin · Audit log (``/admin/audit``): who changed what and when — sign-ins, user changes,
uploads, ETL runs and review decisions — newest first, filtered by user or action."""
from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, dcc, html

from dashboard.admin import ids, ui
from dashboard.auth import is_admin, require_admin
from dashboard.context import database_url

PATH = "/admin/audit"
NAME = "Audit log"
TITLE = "Audit log · Administration"


def audit_rows(url: str, user: str | None = None, action: str | None = None, limit: int = 300) -> list[list[str]]:
    import json

    from etl.users_cli import recent_audit

    rows = []
    for e in recent_audit(url, limit=limit, user=(user or "").strip() or None, action=(action or "").strip() or None):
        detail = json.dumps(e.detail, ensure_ascii=False) if e.detail else ""
        rows.append([e.at.isoformat(sep=" ", timespec="seconds"), e.user or "—", e.action, e.target or "",
                     detail[:300], e.ip or ""])
    return rows


def audit_view(url: str, user: str | None = None, action: str | None = None) -> Any:
    return ui.table(["When (UTC)", "User", "Action", "Target", "Detail", "Address"], audit_rows(url, user, action),
                    empty="No entry matches.")


def layout(**_query: Any) -> html.Div:
    if not is_admin():
        return ui.forbidden()
    return ui.frame(
        PATH, "Audit log", "Every sign-in, user change, upload, ETL run and review decision.",
        dbc.Row([
            dbc.Col(dcc.Input(id=ids.AUDIT_USER, placeholder="user", debounce=True, className="form-control"), md=3),
            dbc.Col(dcc.Input(id=ids.AUDIT_ACTION, placeholder="action (e.g. login, user., upload)", debounce=True,
                              className="form-control"), md=4),
        ], className="mb-3 g-2"),
        html.Div(audit_view(database_url()), id=ids.AUDIT_TABLE),
    )


def register_callbacks(app, settings) -> None:
    @app.callback(Output(ids.AUDIT_TABLE, "children"), Input(ids.AUDIT_USER, "value"),
                  Input(ids.AUDIT_ACTION, "value"), prevent_initial_call=True)
    def _filter(user, action):
        require_admin()
        return audit_view(database_url(), user, action)
