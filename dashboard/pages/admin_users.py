"""Admin · Users (``/admin/users``): add a user, change a role or a password, remove a user.

The store (dashboard/users.py) refuses to leave no administrator; a new role or password
ends the user's open sessions; every change is audited with the administrator's name.
"""
from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, State, ctx, dcc, html
from dash.exceptions import PreventUpdate

from dashboard.admin import ids, ui
from dashboard.admin.messages import reason, role_name, say
from dashboard.auth import client_ip, is_admin, require_admin
from dashboard.context import database_url, text_value
from dashboard.labels import add_translations, t, ui_lang

PATH = "/admin/users"
NAME = "Users"
TITLE = "Users · Administration"
ROLE_OPTIONS = [{"label": "viewer — view and export", "value": "viewer"},
                {"label": "admin — upload, run, review, manage users", "value": "admin"}]
INTRO = ("Viewers see and export the dashboard; administrators also upload, run the ETL, "
         "review and manage users. Passwords: at least 10 characters.")

add_translations({
    INTRO: "查看者可以查看和导出看板；管理员还可以上传文件、运行数据处理、审核和管理用户。密码至少 10 个字符。",
    "viewer — view and export": "查看者 — 查看和导出", "admin — upload, run, review, manage users": "管理员 — 上传、运行、审核、管理用户",
    "User": "用户", "Role": "角色", "State": "状态", "Last sign-in (UTC)": "最近登录（UTC）", "Created (UTC)": "创建时间（UTC）",
    "Add a user": "添加用户", "user name": "用户名", "password": "密码", "Add": "添加", "Change a user": "修改用户",
    "user": "用户", "new role": "新角色", "Set role": "设置角色", "new password": "新密码", "Set password": "设置密码",
    "Remove user": "删除用户", "never": "从未",
})
# What the page says after an action (the store's own refusals: dashboard/admin/messages.py).
add_translations({
    "choose a user": "请选择用户",
    "you cannot remove yourself": "不能删除您自己",
    "unknown action": "未知操作",
    "User {name} added as {role}.": "已添加用户 {name}，角色为{role}。",
    "{name} is now {role}.": "{name} 的角色已改为{role}。",
    "Password of {name} changed; their open sessions are closed.": "已修改 {name} 的密码；其已打开的会话均已关闭。",
    "User {name} removed.": "已删除用户 {name}。",
    "{name} ({role})": "{name}（{role}）",
})
add_translations({"active": "正常", "disabled": "已停用"}, context="user state")


def role_options(lang: str = "en") -> list[dict[str, str]]:
    return [{**o, "label": t(o["label"], lang)} for o in ROLE_OPTIONS]


def users_view(url: str, lang: str = "en") -> Any:
    from dashboard.users import list_users

    rows = [[u.name, t(u.role, lang, context="role"),
             t("active" if u.active else "disabled", lang, context="user state"),
             u.last_login_at.isoformat(sep=" ", timespec="minutes") if u.last_login_at else t("never", lang),
             u.created_at.isoformat(sep=" ", timespec="minutes")] for u in list_users(url)]
    return ui.table(["User", "Role", "State", "Last sign-in (UTC)", "Created (UTC)"], rows, lang=lang)


def user_options(url: str, lang: str = "en") -> list[dict[str, str]]:
    from dashboard.users import list_users

    return [{"label": say("{name} ({role})", lang, name=u.name, role=role_name(u.role, lang)), "value": u.name}
            for u in list_users(url)]


def apply(url: str, by: str, action: str, *, name: str | None = None, role: str | None = None,
          password: str | None = None, ip: str | None = None, lang: str = "en") -> tuple[bool, str]:
    """One user-management action; (ok, message in the interface language ``lang``). The store
    checks and audits."""
    from dashboard.users import UserError, add_user, remove_user, set_password, set_role

    if not name:
        return False, t("choose a user", lang)
    try:
        if action == "add":
            add_user(url, name, password or "", role or "viewer", by=by, ip=ip)
            return True, say("User {name} added as {role}.", lang, name=name, role=role_name(role or "viewer", lang))
        if action == "set_role":
            set_role(url, name, role or "", by=by, ip=ip)
            return True, say("{name} is now {role}.", lang, name=name, role=role_name(role, lang))
        if action == "set_password":
            set_password(url, name, password or "", by=by, ip=ip)
            return True, say("Password of {name} changed; their open sessions are closed.", lang, name=name)
        if action == "remove":
            if name == by:
                return False, t("you cannot remove yourself", lang)
            remove_user(url, name, by=by, ip=ip)
            return True, say("User {name} removed.", lang, name=name)
    except UserError as exc:
        return False, reason(exc, lang)
    return False, t("unknown action", lang)


def act(url: str, by: str, trigger: str | None, *, name: str | None = None, role: str | None = None,
        password: str | None = None, selected: str | None = None, new_role: str | None = None,
        new_password: str | None = None, ip: str | None = None, lang: str = "en") -> tuple:
    """What the page shows after one of its buttons (``trigger``, a button id): the message, the
    refreshed users table and user list, and the two password fields emptied."""
    if trigger == ids.USERS_ADD:
        ok, msg = apply(url, by, "add", name=(name or "").strip(), role=role, password=password, ip=ip, lang=lang)
    elif trigger == ids.USERS_SET_ROLE:
        ok, msg = apply(url, by, "set_role", name=selected, role=new_role, ip=ip, lang=lang)
    elif trigger == ids.USERS_SET_PASSWORD:
        ok, msg = apply(url, by, "set_password", name=selected, password=new_password, ip=ip, lang=lang)
    elif trigger == ids.USERS_REMOVE:
        ok, msg = apply(url, by, "remove", name=selected, ip=ip, lang=lang)
    else:
        raise PreventUpdate
    return (dbc.Alert(msg, color="success" if ok else "danger"), users_view(url, lang), user_options(url, lang),
            "", "")


def layout(**query: Any) -> html.Div:
    lang = ui_lang(query.get("ui"))
    if not is_admin():
        return ui.forbidden(lang)
    url = database_url()
    pw = {"type": "password", "autoComplete": "new-password", "className": "form-control"}
    return ui.frame(
        PATH, "Users", INTRO,
        html.Div(users_view(url, lang), id=ids.USERS_TABLE),
        html.Div(id=ids.USERS_MESSAGE, **{"aria-live": "polite"}),
        dbc.Card(dbc.CardBody([
            html.H3(t("Add a user", lang), className="h6"),
            dbc.Row([
                dbc.Col(dcc.Input(id=ids.USERS_NAME, placeholder=t("user name", lang), className="form-control",
                                  autoComplete="off"), md=3),
                dbc.Col(dcc.Dropdown(id=ids.USERS_ROLE, options=role_options(lang), value="viewer", clearable=False),
                        md=4),
                dbc.Col(dcc.Input(id=ids.USERS_PASSWORD, placeholder=t("password", lang), **pw), md=3),
                dbc.Col(dbc.Button(t("Add", lang), id=ids.USERS_ADD, color="primary"), md=2),
            ], className="g-2"),
        ]), className="mb-3"),
        dbc.Card(dbc.CardBody([
            html.H3(t("Change a user", lang), className="h6"),
            dbc.Row([
                dbc.Col(dcc.Dropdown(id=ids.USERS_SELECT, options=user_options(url, lang), placeholder=t("user", lang)),
                        md=3),
                dbc.Col(dcc.Dropdown(id=ids.USERS_NEW_ROLE, options=role_options(lang),
                                     placeholder=t("new role", lang)), md=3),
                dbc.Col(dbc.Button(t("Set role", lang), id=ids.USERS_SET_ROLE, color="secondary"), md=2),
            ], className="g-2 mb-2"),
            dbc.Row([
                dbc.Col(dcc.Input(id=ids.USERS_NEW_PASSWORD, placeholder=t("new password", lang), **pw),
                        md={"size": 3, "offset": 3}),
                dbc.Col(dbc.Button(t("Set password", lang), id=ids.USERS_SET_PASSWORD, color="secondary"), md=2),
                dbc.Col(dbc.Button(t("Remove user", lang), id=ids.USERS_REMOVE, color="danger", outline=True), md=2),
            ], className="g-2"),
        ])),
        lang=lang,
    )


def register_callbacks(app, settings) -> None:
    @app.callback(
        Output(ids.USERS_MESSAGE, "children"),
        Output(ids.USERS_TABLE, "children"),
        Output(ids.USERS_SELECT, "options"),
        Output(ids.USERS_PASSWORD, "value"),
        Output(ids.USERS_NEW_PASSWORD, "value"),
        Input(ids.USERS_ADD, "n_clicks"),
        Input(ids.USERS_SET_ROLE, "n_clicks"),
        Input(ids.USERS_SET_PASSWORD, "n_clicks"),
        Input(ids.USERS_REMOVE, "n_clicks"),
        State(ids.USERS_NAME, "value"),
        State(ids.USERS_ROLE, "value"),
        State(ids.USERS_PASSWORD, "value"),
        State(ids.USERS_SELECT, "value"),
        State(ids.USERS_NEW_ROLE, "value"),
        State(ids.USERS_NEW_PASSWORD, "value"),
        prevent_initial_call=True,
    )
    def _act(_a, _r, _p, _x, name, role, password, selected, new_role, new_password):
        by = require_admin()
        # Text boxes and dropdowns send text; anything else (a crafted request) is an empty field.
        name, role, selected, new_role = (text_value(v, 120) for v in (name, role, selected, new_role))
        password, new_password = (v if isinstance(v, str) else "" for v in (password, new_password))
        return act(database_url(), by, ctx.triggered_id, name=name, role=role, password=password, selected=selected,
                   new_role=new_role, new_password=new_password, ip=client_ip(), lang=ui.callback_lang())
