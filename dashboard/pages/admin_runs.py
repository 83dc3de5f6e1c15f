"""Admin · Run history (``/admin/runs``): the recent ETL runs, their counts per stage and,
for each run, every file that failed with its reason (``etl_runs`` / ``run_errors``)."""
from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, html
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from dashboard.admin import ids, ui
from dashboard.auth import is_admin, require_admin
from dashboard.context import database_url
from etl.db import session_factory
from etl.load.models import Run

PATH = "/admin/runs"
NAME = "Run history"
TITLE = "Run history · Administration"


def recent_runs(url: str, limit: int = 30) -> list[dict[str, Any]]:
    with session_factory(url)() as s:
        runs = s.scalars(select(Run).options(selectinload(Run.errors)).order_by(Run.id.desc()).limit(limit)).all()
        return [{"id": r.id, "started": r.started_at, "finished": r.finished_at, "status": r.status,
                 "trigger": r.trigger, "stats": r.stats or {},
                 "errors": [(e.file, e.reason) for e in r.errors]} for r in runs]


def runs_view(url: str) -> Any:
    try:
        runs = recent_runs(url)
    except SQLAlchemyError:
        return dbc.Alert("The database has no tables yet: run `intl init`.", color="warning")
    if not runs:
        return html.P("No run yet.", className="text-muted")
    out = []
    for r in runs:
        d, rep = r["stats"].get("documents") or {}, r["stats"].get("reports") or {}
        when = r["started"].isoformat(sep=" ", timespec="seconds") if r["started"] else ""
        color = {"ok": "success", "partial": "warning", "running": "info"}.get(r["status"], "danger")
        head = html.Div([
            dbc.Badge(r["status"], color=color, className="me-2"),
            html.B(f"Run {r['id']}"), f" · {when} · {r['trigger']} · documents new {d.get('new', 0)}, "
            f"changed {d.get('changed', 0)}, unchanged {d.get('unchanged', 0)}, failed {d.get('failed', 0)}; "
            f"reports loaded {rep.get('loaded', 0)}, failed {rep.get('failed', 0)}",
        ])
        body = ui.table(["File", "Why it failed"], [list(e) for e in r["errors"]], empty="No file failed.")
        out.append(html.Details([html.Summary(head), body], className="admin-run mb-2",
                                open=bool(r["errors"]) and r is runs[0]))
    return html.Div(out)


def layout(**_query: Any) -> html.Div:
    if not is_admin():
        return ui.forbidden()
    return ui.frame(PATH, "Run history", "The latest runs first; open a run to see each file that failed and why.",
                    dbc.Button("Refresh", id=ids.RUNS_REFRESH, color="link", size="sm"),
                    html.Div(runs_view(database_url()), id=ids.RUNS_TABLE))


def register_callbacks(app, settings) -> None:
    @app.callback(Output(ids.RUNS_TABLE, "children"), Input(ids.RUNS_REFRESH, "n_clicks"),
                  prevent_initial_call=True)
    def _refresh(_n):
        require_admin()
        return runs_view(database_url())
