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


# Words for the detail keys the application records (users.py, admin/uploads.py, admin/jobs.py,
# review); an unknown key is shown as written, underscores as spaces.
DETAIL_KEYS = {"role": "role", "reason": "reason", "original": "file", "kind": "kind", "bytes": "size",
               "sha256": "SHA-256", "status": "status", "documents": "documents", "reports": "reports",
               "item": "review item", "value": "value", "error": "error", "errors": "errors", "run_id": "run"}
add_translations({"role": "角色", "reason": "原因", "file": "文件", "kind": "类型", "size": "大小", "status": "状态",
                  "documents": "文档", "reports": "报表", "review item": "审核项", "value": "值", "error": "错误",
                  "errors": "错误", "run": "运行"}, context="audit")


def _value(v: Any, lang: str) -> str:
    if isinstance(v, dict):
        shown = [f"{t(DETAIL_KEYS.get(k, str(k).replace('_', ' ')), lang, context='audit')} {_value(x, lang)}"
                 for k, x in v.items() if x not in (None, "", [], {}) and x != 0]
        return ", ".join(shown) if shown else "0"
    if isinstance(v, (list, tuple)):
        return ", ".join(_value(x, lang) for x in v[:5]) + (f" (+{len(v) - 5})" if len(v) > 5 else "")
    if isinstance(v, bool):
        return "✓" if v else "✗"
    if isinstance(v, int) and not isinstance(v, bool) and abs(v) >= 1000:
        return f"{v:,}"
    return str(v)


def detail_text(detail: dict[str, Any] | None, lang: str = "en") -> str:
    """An audit entry's detail as a person reads it: ``viewer → admin`` for a change,
    ``file: report.xlsx · size: 12,345`` for the rest (never raw JSON); long values are cut."""
    if not detail:
        return ""
    if set(detail) == {"from", "to"}:
        return f"{detail['from'] or '—'} → {detail['to'] or '—'}"
    parts = []
    for k, v in detail.items():
        if v in (None, "", [], {}):
            continue
        text = _value(v, lang)
        if k == "sha256":
            text = text[:12] + "…"
        parts.append(f"{t(DETAIL_KEYS.get(k, str(k).replace('_', ' ')), lang, context='audit')}: {text}")
    out = " · ".join(parts)
    return out if len(out) <= 300 else out[:299] + "…"


def audit_rows(url: str, user: str | None = None, action: str | None = None, limit: int = 300,
               lang: str = "en") -> list[list[str]]:
    from dashboard.users import recent_audit

    rows = []
    for e in recent_audit(url, limit=limit, user=(user or "").strip() or None, action=(action or "").strip() or None):
        rows.append([e.at.isoformat(sep=" ", timespec="seconds"), e.user or "—", e.action, e.target or "",
                     detail_text(e.detail, lang), e.ip or ""])
    return rows


def audit_view(url: str, user: str | None = None, action: str | None = None, lang: str = "en") -> Any:
    return ui.table(["When (UTC)", "User", "Action", "Target", "Detail", "Address"], audit_rows(url, user, action, lang=lang),
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
