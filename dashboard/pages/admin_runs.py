"""Admin · Run history (``/admin/runs``): the recent ETL runs, their counts per stage and,
for each run, every file that failed with its reason (``etl_runs`` / ``run_errors``) and what
the run noted without failing: duplicates, report sheets without a table, report columns not
loaded (``etl_runs.stats["notices"]``)."""
from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, html
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from dashboard.admin import ids, ui
from dashboard.admin.messages import file_reason, notice_text, say
from dashboard.auth import is_admin, require_admin
from dashboard.context import database_url
from dashboard.labels import add_translations, t, ui_lang
from etl.db import session_factory
from etl.load.models import Run

PATH = "/admin/runs"
NAME = "Run history"
TITLE = "Run history · Administration"
INTRO = "The latest runs first; open a run to see each file that failed and why, and what the run noted."

add_translations({
    INTRO: "最新的运行在前；展开一次运行可查看每个失败的文件及原因，以及运行记下的提示。",
    "Notice": "提示", "Notices": "提示",
    "Refresh": "刷新",
    "The database has no tables yet: run `intl init`.": "数据库还没有表：请运行 `intl init`。",
    "No run yet.": "尚无运行记录。",
    "No file failed.": "没有失败的文件。",
    "Run {id}": "第 {id} 次运行",
    "documents new {new}, changed {changed}, unchanged {unchanged}, failed {failed}; reports loaded {loaded}, "
    "failed {rfailed}": "文档：新增 {new}，变化 {changed}，未变 {unchanged}，失败 {failed}；报表：载入 {loaded}，失败 {rfailed}",
    # who started a run: from the admin pages (web:USER) or by a scheduled job (schedule:NAME)
    "web: {user}": "网页：{user}",
    "schedule: {name}": "定时任务：{name}",
})


def trigger_text(trigger: str | None, lang: str = "en") -> str:
    """Who or what started a run, in the interface language (user and job names as they are)."""
    trigger = trigger or ""
    kind, sep, who = trigger.partition(":")
    if sep and kind == "web":
        return say("web: {user}", lang, user=who) if lang == "zh" else trigger
    if sep and kind == "schedule":
        return say("schedule: {name}", lang, name=who) if lang == "zh" else trigger
    return t(trigger, lang, context="run trigger")


def recent_runs(url: str, limit: int = 30) -> list[dict[str, Any]]:
    with session_factory(url)() as s:
        runs = s.scalars(select(Run).options(selectinload(Run.errors)).order_by(Run.id.desc()).limit(limit)).all()
        return [{"id": r.id, "started": r.started_at, "finished": r.finished_at, "status": r.status,
                 "trigger": r.trigger, "stats": r.stats or {},
                 "errors": [(e.file, e.reason) for e in r.errors]} for r in runs]


def runs_view(url: str, lang: str = "en") -> Any:
    try:
        runs = recent_runs(url)
    except SQLAlchemyError:
        return dbc.Alert(t("The database has no tables yet: run `intl init`.", lang), color="warning")
    if not runs:
        return html.P(t("No run yet.", lang), className="text-muted")
    out = []
    for r in runs:
        d, rep = r["stats"].get("documents") or {}, r["stats"].get("reports") or {}
        when = r["started"].isoformat(sep=" ", timespec="seconds") if r["started"] else ""
        color = {"ok": "success", "partial": "warning", "running": "info"}.get(r["status"], "danger")
        counts = t("documents new {new}, changed {changed}, unchanged {unchanged}, failed {failed}; reports loaded "
                   "{loaded}, failed {rfailed}", lang).format(
            new=d.get('new', 0), changed=d.get('changed', 0), unchanged=d.get('unchanged', 0),
            failed=d.get('failed', 0), loaded=rep.get('loaded', 0), rfailed=rep.get('failed', 0))
        # One line per run in fixed columns (marker, status, run, time, trigger, counts), so the
        # markers and badges of every run line up whatever the words' lengths.
        head = [
            html.Span(dbc.Badge(t(r["status"], lang, context="run status"), color=color), className="run-status"),
            html.B(t("Run {id}", lang).format(id=r['id']), className="run-id"),
            html.Span(when, className="run-when"),
            html.Span(trigger_text(r['trigger'], lang), className="run-trigger"),
            html.Span(counts, className="run-counts"),
        ]
        body = [ui.table(["File", "Why it failed"], [[f, file_reason(why, lang)] for f, why in r["errors"]],
                         empty="No file failed.", lang=lang)]
        notices = [n for n in r["stats"].get("notices") or [] if isinstance(n, dict)]
        if notices:
            body += [html.H6(t("Notices", lang), className="mt-2"),
                     ui.table(["File", "Notice"], [[n.get("file", ""), notice_text(n.get("notice", ""), lang)]
                                                   for n in notices], lang=lang)]
        out.append(html.Details([html.Summary(head, className="run-head"), *body], className="admin-run mb-2",
                                open=bool(r["errors"] or notices) and r is runs[0]))
    return html.Div(out)


def layout(**query: Any) -> html.Div:
    lang = ui_lang(query.get("ui"))
    if not is_admin():
        return ui.forbidden(lang)
    return ui.frame(PATH, "Run history", INTRO,
                    dbc.Button(t("Refresh", lang), id=ids.RUNS_REFRESH, color="link", size="sm"),
                    html.Div(runs_view(database_url(), lang), id=ids.RUNS_TABLE), lang=lang)


def register_callbacks(app, settings) -> None:
    @app.callback(Output(ids.RUNS_TABLE, "children"), Input(ids.RUNS_REFRESH, "n_clicks"),
                  prevent_initial_call=True)
    def _refresh(_n):
        require_admin()
        return runs_view(database_url(), ui.callback_lang())
