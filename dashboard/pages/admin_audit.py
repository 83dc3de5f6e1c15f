"""Admin · Audit log (``/admin/audit``): who changed what and when — sign-ins, user changes,
uploads, ETL runs and review decisions — newest first, filtered by user or action."""
from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, dcc, html

from dashboard.admin import ids, ui
from dashboard.auth import is_admin, require_admin
from dashboard.context import database_url, text_value
from dashboard.labels import add_translations, t, ui_lang

PATH = "/admin/audit"
NAME = "Audit log"
TITLE = "Audit log · Administration"
INTRO = "Every sign-in, user change, upload, ETL run and review decision."

add_translations({
    INTRO: "每一次登录、用户变更、上传、数据处理运行和审核决定。",
    "When (UTC)": "时间（UTC）", "User": "用户", "Action": "操作", "Target": "对象", "Detail": "详情", "Address": "地址",
    "No entry matches.": "没有匹配的记录。", "user": "用户", "action (e.g. login, user., upload)": "操作（如 login、user.、upload）",
})


def audit_rows(url: str, user: str | None = None, action: str | None = None, limit: int = 300) -> list[list[str]]:
    import json

    from dashboard.users import recent_audit

    rows = []
    for e in recent_audit(url, limit=limit, user=(user or "").strip() or None, action=(action or "").strip() or None):
        detail = json.dumps(e.detail, ensure_ascii=False) if e.detail else ""
        rows.append([e.at.isoformat(sep=" ", timespec="seconds"), e.user or "—", e.action, e.target or "",
                     detail[:300], e.ip or ""])
    return rows


def audit_view(url: str, user: str | None = None, action: str | None = None, lang: str = "en") -> Any:
    return ui.table(["When (UTC)", "User", "Action", "Target", "Detail", "Address"], audit_rows(url, user, action),
                    empty="No entry matches.", lang=lang)


def layout(**query: Any) -> html.Div:
    lang = ui_lang(query.get("ui"))
    if not is_admin():
        return ui.forbidden(lang)
    return ui.frame(
        PATH, "Audit log", INTRO,
        dbc.Row([
            dbc.Col(dcc.Input(id=ids.AUDIT_USER, placeholder=t("user", lang), debounce=True, className="form-control"),
                    md=3),
            dbc.Col(dcc.Input(id=ids.AUDIT_ACTION, placeholder=t("action (e.g. login, user., upload)", lang),
                              debounce=True, className="form-control"), md=4),
        ], className="mb-3 g-2"),
        html.Div(audit_view(database_url(), lang=lang), id=ids.AUDIT_TABLE),
        lang=lang,
    )


def register_callbacks(app, settings) -> None:
    @app.callback(Output(ids.AUDIT_TABLE, "children"), Input(ids.AUDIT_USER, "value"),
                  Input(ids.AUDIT_ACTION, "value"), prevent_initial_call=True)
    def _filter(user, action):
        require_admin()
        return audit_view(database_url(), text_value(user, 120), text_value(action, 60), ui.callback_lang())
