"""Admin · Run the ETL (``/admin/etl``): refresh the configured sources or re-load the
uploaded files, as a background job with live progress; the result lists each failed
file with its reason (the same run object as ``intl etl run --json``)."""
from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, ctx, html, no_update
from dash.exceptions import PreventUpdate

from dashboard.admin import ids, jobs, ui
from dashboard.admin import uploads as up
from dashboard.auth import client_ip, is_admin, require_admin
from dashboard.context import database_url
from dashboard.labels import add_translations, t, ui_lang

PATH = "/admin/etl"
NAME = "Run the ETL"
TITLE = "Run the ETL · Administration"
INTRO = ("A run reads every document and report, extracts, resolves and loads them; unchanged "
         "files cost nothing. It runs in the background: you may leave this page.")

add_translations({"Exports": "导出功能",
    INTRO: "一次运行读取所有文档和报表，进行抽取、解析并载入；未变化的文件不再处理。运行在后台进行：您可以离开此页面。",
    "Refresh the configured sources ({n})": "刷新已配置的数据源（{n} 个）",
    "Re-load the uploaded files": "重新载入已上传的文件",
    "Run of the configured sources requested …": "已请求运行：刷新已配置的数据源 …",
    "Run of the uploaded files requested …": "已请求运行：重新载入已上传的文件 …",
})
# What is run, as the audit log records it (English, like every audit entry) → the page's message.
STARTED = {"sources": ("the configured sources", "Run of the configured sources requested …"),
           "uploads": ("the uploaded files", "Run of the uploaded files requested …")}


def layout(**query: Any) -> html.Div:
    lang = ui_lang(query.get("ui"))
    if not is_admin():
        return ui.forbidden(lang)
    from flask import current_app

    n_sources = len(current_app.config.get("INTL_ADMIN_SOURCES") or [])
    return ui.frame(
        PATH, "Run the ETL", INTRO,
        html.Div([
            dbc.Button(t("Refresh the configured sources ({n})", lang).format(n=n_sources), id=ids.ETL_SOURCES,
                       color="primary", className="me-2", disabled=n_sources == 0),
            dbc.Button(t("Re-load the uploaded files", lang), id=ids.ETL_UPLOADS, color="secondary"),
        ], className="mb-3"),
        html.Div(id=ids.ETL_MESSAGE),
        ui.job_panel(ids.ETL_JOB),
        export_status(lang),
        lang=lang,
    )


def export_status(lang: str = "en") -> html.Div:
    """What figure and report exports need (Chromium, a CJK font), as the start-up check found it
    now: missing pieces named with what to install (:func:`dashboard.report.render.export_check`)."""
    from flask import current_app

    from dashboard.report.render import export_check

    settings = (current_app.extensions.get("intl_exports") or {}).get("settings")
    raw = (getattr(settings, "raw", None) or {}).get("export") or {}
    items = export_check(raw.get("browser_path"), lang)
    worst = "danger" if any(k == "error" for k, _ in items) else "warning" if any(k == "warning" for k, _ in items) \
        else "success"
    icon = {"ok": "✓", "warning": "!", "error": "✗"}
    return dbc.Alert([html.H3(t("Exports", lang), className="h6 mb-2"),
                      html.Ul([html.Li([html.Span(icon[k] + " ", className=f"check-{k}"), text]) for k, text in items],
                              className="mb-0 list-unstyled")],
                     color=worst, id="admin-export-check", className="mt-4 small")


def start(redis_url: str | None, url: str, user: str, what: str, ip: str | None = None, lang: str = "en"
          ) -> tuple[Any, Any]:
    """Ask for a run of the configured sources (``what="sources"``) or of the uploaded files
    (``"uploads"``): the message for the page (in ``lang``) and the job reference for its panel."""
    from dashboard.users import audit

    if what == "sources":
        job = jobs.request_job(redis_url, kind="sources", user=user, database_url=url)
    else:
        try:
            folder = up.upload_dir()
        except up.UploadError as exc:
            return dbc.Alert(exc.text(lang), color="danger"), no_update
        folder.mkdir(parents=True, exist_ok=True)
        job = jobs.request_job(redis_url, kind="paths", user=user, database_url=url, paths=[str(folder)])
    target, message = STARTED[what]
    audit(url, user, "etl.start", target=target, ip=ip)
    return dbc.Alert(t(message, lang), color="info"), jobs.job_ref(job, lang)


def register_callbacks(app, settings) -> None:
    redis_url = getattr(settings, "redis_url", None)
    app.server.config["INTL_ADMIN_SOURCES"] = [s.get("name") for s in getattr(settings, "sources", [])]

    @app.callback(
        Output(ids.ETL_MESSAGE, "children"),
        Output(f"{ids.ETL_JOB}-job", "data"),
        Input(ids.ETL_SOURCES, "n_clicks"),
        Input(ids.ETL_UPLOADS, "n_clicks"),
        prevent_initial_call=True,
    )
    def _start(_n_sources, _n_uploads):
        user = require_admin()
        what = {ids.ETL_SOURCES: "sources", ids.ETL_UPLOADS: "uploads"}.get(ctx.triggered_id)
        if what is None:
            raise PreventUpdate
        return start(redis_url, database_url(), user, what, client_ip(), ui.callback_lang())

    ui.register_job_runner(app, ids.ETL_JOB, redis_url)
