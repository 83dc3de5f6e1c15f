"""Shared pieces of the admin pages: the frame with its section links, the refusal shown to
non-administrators, small tables, the background-job panel (progress bar, status, result), and
the interface language of an admin callback (:func:`callback_lang`)."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import dash_bootstrap_components as dbc
from dash import Input, Output, dcc, html, no_update

from dashboard.admin import jobs
from dashboard.admin.messages import file_reason, say
from dashboard.labels import add_translations, t, ui_from_search

SECTIONS = [
    ("Uploads", "/admin/uploads"),
    ("Run the ETL", "/admin/etl"),
    ("Run history", "/admin/runs"),
    ("Review queue", "/admin/review"),
    ("Users", "/admin/users"),
    ("Audit log", "/admin/audit"),
]

add_translations({
    "Administrators only": "仅限管理员",
    "Your account may view and export the dashboard, not change it.": "您的账户可以查看和导出看板，但不能修改。",
    "Nothing yet.": "暂无内容。",
    "File": "文件", "Why it failed": "失败原因",  # a job's result and the run history list the failed files
    "This job was already run, or never requested.": "此任务已经运行过，或从未被请求。",
    "The run did not start: {error}": "运行未能开始：{error}",
    "The run did not start: another ETL run is in progress (by {holder} since {since}); try again later.":
        "运行未能开始：另一次数据处理正在运行（由 {holder} 自 {since} 起运行）；请稍后再试。",
    "The run did not start: another ETL run is in progress; try again later.":
        "运行未能开始：另一次数据处理正在运行；请稍后再试。",
    "Run {id}: {status}. ": "第 {id} 次运行：{status}。",
    "Documents: {new} new, {changed} changed, {unchanged} unchanged, {duplicate} duplicate, {failed} failed. "
    "Reports: {loaded} loaded, {r_unchanged} unchanged, {r_failed} failed.":
        "文档：新增 {new}，变化 {changed}，未变 {unchanged}，重复 {duplicate}，失败 {failed}。"
        "报表：载入 {loaded}，未变 {r_unchanged}，失败 {r_failed}。",
})


def callback_lang() -> str:
    """The interface language of the page whose admin callback is being answered.

    The admin callbacks take only their own inputs (scripts and the tests post exactly those), so
    the language is read from the page's address: the browser sends it as the ``Referer`` of
    every callback request (dashboard/auth.py sets ``Referrer-Policy: same-origin``, which keeps
    the query string, ``?ui=zh``, for the app's own requests). English without one.
    """
    from flask import has_request_context, request

    if not has_request_context():
        return "en"
    return ui_from_search(urlsplit(request.referrer or "").query)


def frame(path: str, title: str, intro: str, *children: Any, lang: str = "en") -> html.Div:
    """An admin page: its title, the admin section links, then the page's content (texts in
    the interface language ``lang``; the section links keep it)."""
    keep = "?ui=zh" if lang == "zh" else ""
    links = [dbc.NavItem(dbc.NavLink(t(label, lang), href=p + keep, active=p == path)) for label, p in SECTIONS]
    return html.Div([
        dbc.Nav(links, pills=True, className="admin-nav mb-3", id="admin-nav-" + path.rsplit("/", 1)[-1]),
        html.H2(t(title, lang), className="h4"),
        html.P(t(intro, lang), className="text-muted"),
        *children,
    ], className="admin-page")


def forbidden(lang: str = "en") -> html.Div:
    return html.Div([html.H2(t("Administrators only", lang), className="h4"),
                     html.P(t("Your account may view and export the dashboard, not change it.", lang))],
                    className="admin-forbidden", role="alert")


def table(header: list[str], rows: list[list[Any]], id: str | None = None, empty: str = "Nothing yet.",
          lang: str = "en") -> Any:
    """A plain table; every cell is rendered as text (Dash escapes strings); header and empty
    message in the interface language ``lang``."""
    header, empty = [t(h, lang) for h in header], t(empty, lang)
    if not rows:
        return html.P(empty, className="text-muted", id=id) if id else html.P(empty, className="text-muted")
    kw = {"id": id} if id else {}
    return dbc.Table([html.Thead(html.Tr([html.Th(h) for h in header])),
                      html.Tbody([html.Tr([html.Td(c) for c in r]) for r in rows])],
                     bordered=False, hover=True, size="sm", responsive=True, className="admin-table", **kw)


def job_panel(prefix: str) -> html.Div:
    """Where a background ETL job shows its progress and its result."""
    return html.Div([
        dcc.Store(id=f"{prefix}-job"),
        dbc.Progress(id=f"{prefix}-progress", value=0, striped=True, animated=False, className="mb-2",
                     style={"height": "1.2rem"}),
        html.Div(id=f"{prefix}-status", className="small text-muted mb-2", **{"aria-live": "polite"}),
        html.Div(id=f"{prefix}-result"),
    ], className="admin-job")


def run_error(result: dict[str, Any], lang: str = "en") -> str:
    """Why a job's run did not start (or broke off), in the interface language."""
    if result.get("why") == "locked":
        if result.get("holder") and result.get("since"):
            return say("The run did not start: another ETL run is in progress (by {holder} since {since}); "
                       "try again later.", lang, holder=result["holder"], since=result["since"])
        return t("The run did not start: another ETL run is in progress; try again later.", lang)
    return say("The run did not start: {error}", lang, error=result["error"])


def run_summary(result: dict[str, Any] | None, lang: str = "en") -> Any:
    """A finished job's run object as a short report with each failed file and its reason
    (in the interface language ``lang``; file names as they are)."""
    if not result:
        return ""
    if result.get("error"):
        return dbc.Alert(run_error(result, lang), color="danger")
    d, r = result.get("documents", {}), result.get("reports", {})
    status = result.get("status")
    color = {"ok": "success", "partial": "warning"}.get(status, "danger")
    parts = [dbc.Alert([
        html.B(say("Run {id}: {status}. ", lang, id=result.get("run_id"),
                   status=t(status, lang, context="run status") if status else "")),
        say("Documents: {new} new, {changed} changed, {unchanged} unchanged, {duplicate} duplicate, {failed} failed. "
            "Reports: {loaded} loaded, {r_unchanged} unchanged, {r_failed} failed.", lang,
            new=d.get("new", 0), changed=d.get("changed", 0), unchanged=d.get("unchanged", 0),
            duplicate=d.get("duplicate", 0), failed=d.get("failed", 0), loaded=r.get("loaded", 0),
            r_unchanged=r.get("unchanged", 0), r_failed=r.get("failed", 0)),
    ], color=color)]
    errs = result.get("errors") or []
    if errs:
        parts.append(table(["File", "Why it failed"],
                           [[e.get("file", ""), file_reason(e.get("reason", ""), lang, e.get("row"), e.get("column"))]
                            for e in errs], lang=lang))
    return html.Div(parts)


def job_result(redis_url: str | None, ref: Any, set_progress=None) -> Any:
    """What the background callback of a job panel shows: takes the job spec by the page's job
    reference (once), runs it and summarises the run, in the language the job was asked in."""
    lang = jobs.parse_job_ref(ref)[1]
    spec = jobs.take_job(redis_url, ref)
    if spec is None:
        return dbc.Alert(t("This job was already run, or never requested.", lang), color="warning")
    return run_summary(jobs.run_job(spec, set_progress, lang), lang)


def run_panel_job(set_progress, job_ref):
    """The background callback of a job panel without Redis: module-level, so that the spawned
    job process (dashboard/admin/jobs.SpawnManager) can import it by name."""
    if not job_ref:
        return no_update
    return job_result(None, job_ref, set_progress)


def register_job_runner(app, prefix: str, redis_url: str | None) -> None:
    """The background callback of one job panel: takes the job spec by its one-time id, runs it
    (in a spawned process, or in the Celery worker when ``redis_url``)."""
    decorate = app.callback(
        Output(f"{prefix}-result", "children"),
        Input(f"{prefix}-job", "data"),
        background=True,
        manager=jobs.manager(redis_url),
        progress=[Output(f"{prefix}-progress", "value"), Output(f"{prefix}-status", "children")],
        running=[(Output(f"{prefix}-progress", "animated"), True, False)],
        prevent_initial_call=True,
    )
    if not redis_url:
        decorate(run_panel_job)
        return

    @decorate
    def _run(set_progress, job_ref):  # a task of the Celery worker, which builds the app (and this closure) too
        if not job_ref:
            return no_update
        return job_result(redis_url, job_ref, set_progress)
