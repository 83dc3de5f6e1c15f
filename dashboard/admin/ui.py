"""Shared pieces of the admin pages: the frame with its section links, the refusal shown to
non-administrators, small tables, and the background-job panel (progress bar, status, result)."""
from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, dcc, html, no_update

from dashboard.admin import jobs
from dashboard.labels import add_translations, t

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
})


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


def run_summary(result: dict[str, Any] | None) -> Any:
    """A finished job's run object as a short report with each failed file and its reason."""
    if not result:
        return ""
    if result.get("error"):
        return dbc.Alert(f"The run did not start: {result['error']}", color="danger")
    d, r = result.get("documents", {}), result.get("reports", {})
    color = {"ok": "success", "partial": "warning"}.get(result.get("status"), "danger")
    parts = [dbc.Alert([
        html.B(f"Run {result.get('run_id')}: {result.get('status')}. "),
        f"Documents: {d.get('new', 0)} new, {d.get('changed', 0)} changed, {d.get('unchanged', 0)} unchanged, "
        f"{d.get('duplicate', 0)} duplicate, {d.get('failed', 0)} failed. "
        f"Reports: {r.get('loaded', 0)} loaded, {r.get('unchanged', 0)} unchanged, {r.get('failed', 0)} failed.",
    ], color=color)]
    errs = result.get("errors") or []
    if errs:
        parts.append(table(["File", "Why it failed"], [[e.get("file", ""), e.get("reason", "")] for e in errs]))
    return html.Div(parts)


def register_job_runner(app, prefix: str, redis_url: str | None) -> None:
    """The background callback of one job panel: takes the job spec by its one-time id, runs it."""

    @app.callback(
        Output(f"{prefix}-result", "children"),
        Input(f"{prefix}-job", "data"),
        background=True,
        manager=jobs.manager(redis_url),
        progress=[Output(f"{prefix}-progress", "value"), Output(f"{prefix}-status", "children")],
        running=[(Output(f"{prefix}-progress", "animated"), True, False)],
        prevent_initial_call=True,
    )
    def _run(set_progress, job_id):
        if not job_id:
            return no_update
        spec = jobs.take_job(redis_url, job_id)
        if spec is None:
            return dbc.Alert("This job was already run, or never requested.", color="warning")
        return run_summary(jobs.run_job(spec, set_progress))
