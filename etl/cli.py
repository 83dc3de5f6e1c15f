"""The ETL's commands of ``intl`` (see README): ``init``, ``etl run|schedule|status``, ``extract``, ``review``,
``programmes``.

The ``intl`` program itself is ``dashboard/cli.py``: these commands plus the ones that serve,
export or manage users, which belong to the dashboard (``etl`` never imports ``dashboard``).
``python -m etl.cli`` runs the ETL's commands alone.
"""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from etl.config import load_settings

app = typer.Typer(help="International-programs analytics: the ETL's commands.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
etl_app = typer.Typer(help="Load documents and reports into the database.", no_args_is_help=True)
app.add_typer(etl_app, name="etl")
from etl.review_cli import review_app; app.add_typer(review_app, name="review")  # noqa: E402, E702
from etl.programmes.cli import programmes_app; app.add_typer(programmes_app, name="programmes")  # noqa: E402, E702

DbOpt = Annotated[Optional[str], typer.Option("--db", help="SQLAlchemy URL (default: DATABASE_URL or data/intl.db)")]
ConfigOpt = Annotated[Optional[Path], typer.Option("--config", help="TOML settings file (default: intl.toml)")]


def _settings(db: str | None, config: Path | None = None):
    return load_settings(config, db)


def _background(s) -> None:
    """An ETL process started from the command line (``intl etl run``, ``intl etl schedule``) is
    background work: it runs at the ``[limits] nice`` CPU priority, like its reader process, so that
    the web app's requests come first on a small server (etl/limits.py). Only these entry points:
    a process that calls the pipeline in-process (a web worker, a test) keeps its priority, since
    a niceness cannot be lowered back."""
    from etl.limits import Limits, lower_priority

    try:
        lower_priority(Limits.from_table(s.limits))
    except ValueError:  # a bad [limits] table: the run reports it as it always did
        pass


def _logging(verbose: bool = False) -> None:
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@app.command()
def init(db: DbOpt = None, config: ConfigOpt = None) -> None:
    """Create or upgrade the database schema."""
    from etl.db import current_revision, upgrade

    s = _settings(db, config)
    upgrade(s.database_url)
    typer.echo(f"schema at revision {current_revision(s.database_url)} ({_safe_url(s.database_url)})")


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@etl_app.command("run")
def etl_run(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="files or folders (default: configured sources)")] = None,
    db: DbOpt = None, config: ConfigOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the run object as JSON")] = False,
    wait: Annotated[float, typer.Option(help="seconds to wait for another run to finish")] = 0,
    source: Annotated[Optional[list[str]], typer.Option("--source", help="only this configured source (repeatable)")] = None,
    revisit: Annotated[bool, typer.Option("--revisit", help="site and feed sources: re-check every stored article "
                                          "(conditional GET); store what changed, mark what disappeared")] = False,
) -> None:
    """One ETL run over the paths given (or the configured sources)."""
    from etl.errors import LockedError, StorageError, storage_failure
    from etl.pipeline import Pipeline
    from etl.sources.registry import SourceConfigError

    _logging()
    s = _settings(db, config)
    _background(s)
    if not paths and not s.sources:
        typer.echo("nothing to load: give paths or configure [[sources]] in intl.toml", err=True)
        raise typer.Exit(2)
    if paths and revisit:
        typer.echo("--revisit re-checks the articles of configured site and feed sources: give no paths", err=True)
        raise typer.Exit(2)
    with _progress() as progress:
        try:
            pipeline = Pipeline(s, wait=wait, progress=progress)
            info = pipeline.run(paths) if paths else pipeline.run_sources(source, revisit=revisit)
        except SourceConfigError as exc:
            typer.echo(f"error in {s.config_path or 'settings'}: {exc}", err=True)
            raise typer.Exit(2)
        except LockedError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(3)
        except StorageError as exc:
            _storage_stop(exc.why, exc.info)
        except Exception as exc:
            why = storage_failure(exc)
            if why is None:
                raise
            _storage_stop(why, None)
    if as_json:
        typer.echo(json.dumps(info.to_dict(), ensure_ascii=False))
    else:
        d = info.documents
        typer.echo(f"run {info.run_id}: {info.status} — documents seen {d['seen']}, new {d['new']}, "
                   f"changed {d['changed']}, unchanged {d['unchanged']}, duplicate {d['duplicate']}, "
                   f"failed {d['failed']}; facts +{info.facts['added']} -{info.facts['removed']}; "
                   f"reports loaded {info.reports['loaded']}, unchanged {info.reports['unchanged']}, "
                   f"failed {info.reports['failed']}")
        for e in info.errors:
            typer.echo(f"  error: {e['file']}: {e['reason']}", err=True)
        for n in info.notices:
            typer.echo(f"  notice: {n['file']}: {n['notice']}", err=True)
    if info.status == "failed":
        raise typer.Exit(1)


def _storage_stop(why: str, info) -> None:
    """A run that cannot write: one sentence (what, what was stored, the run record), exit 4."""
    if info is None or not (info.documents["new"] or info.documents["changed"] or info.reports["loaded"]):
        stored = "nothing was stored"
    else:
        d = info.documents
        stored = f"{d['new']} new and {d['changed']} changed documents and {info.reports['loaded']} reports were stored"
    record = f"run {info.run_id} is recorded as failed" if info is not None and info.recorded else \
        "the run record could not be written"
    typer.echo(f"error: the ETL run stopped because {why}; {stored} before it, and {record}.", err=True)
    raise typer.Exit(4)


class _progress:
    """A rich progress bar in a terminal; plain log lines otherwise."""

    def __enter__(self):
        if sys.stderr.isatty():
            from rich.progress import Progress

            self.bar = Progress(transient=True)
            self.bar.start()
            self.task = self.bar.add_task("loading", total=None)

            def update(done: int, total: int, name: str) -> None:
                self.bar.update(self.task, completed=done, total=total, description=Path(name).name[:40])
            return update
        self.bar = None

        def log_line(done: int, total: int, name: str) -> None:
            if done == total or done % 100 == 0:
                logging.getLogger("etl").info("progress %d/%d", done, total)
        return log_line

    def __exit__(self, *exc):
        if self.bar:
            self.bar.stop()


@etl_app.command("schedule")
def etl_schedule(
    db: DbOpt = None, config: ConfigOpt = None,
    once: Annotated[bool, typer.Option("--once", help="run every scheduled job (or --job) once now, then exit")] = False,
    list_jobs: Annotated[bool, typer.Option("--list", help="register the jobs, print them with their next run, exit")] = False,
    job: Annotated[Optional[list[str]], typer.Option("--job", help="with --once: only this job (repeatable)")] = None,
) -> None:
    """Long-running scheduler for the configured refreshes (the Procfile clock); logs on stdout."""
    from etl import schedule
    from etl.sources.registry import SourceConfigError

    schedule.log_to_stdout()
    s = _settings(db, config)
    try:
        if list_jobs:
            typer.echo(json.dumps(schedule.registered(s), ensure_ascii=False, indent=1))
            return
        _background(s)
        code = schedule.run_once(s, job) if once else schedule.serve(s)
    except SourceConfigError as exc:
        typer.echo(f"error in {s.config_path or 'settings'}: {exc}", err=True)
        raise typer.Exit(2)
    raise typer.Exit(code)


@etl_app.command("status")
def etl_status(db: DbOpt = None, config: ConfigOpt = None, limit: int = 10,
               as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Recent runs: counts, failures per file."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from etl.db import session_factory, upgrade
    from etl.load.models import Run

    s = _settings(db, config)
    upgrade(s.database_url)
    with session_factory(s.database_url)() as ses:
        runs = ses.scalars(select(Run).options(selectinload(Run.errors)).order_by(Run.id.desc()).limit(limit)).all()
        rows = [{"run_id": r.id, "status": r.status, "trigger": r.trigger,
                 "started_at": r.started_at.isoformat(timespec="seconds"),
                 "finished_at": r.finished_at.isoformat(timespec="seconds") if r.finished_at else None,
                 **{k: r.stats.get(k) for k in ("documents", "facts", "reports")},
                 "notices": [n for n in r.stats.get("notices") or [] if isinstance(n, dict)],
                 "errors": [{"file": e.file, "reason": e.reason} for e in r.errors]} for r in runs]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    if not rows:
        typer.echo("no runs yet: intl etl run PATH…")
    for r in rows:
        d, rep = r["documents"] or {}, r["reports"] or {}
        typer.echo(f"#{r['run_id']} {r['started_at']} {r['status']:8s} docs new {d.get('new', 0)} "
                   f"changed {d.get('changed', 0)} unchanged {d.get('unchanged', 0)} gone {d.get('gone', 0)} "
                   f"failed {d.get('failed', 0)}; reports loaded {rep.get('loaded', 0)} "
                   f"unchanged {rep.get('unchanged', 0)} duplicate {rep.get('duplicate', 0)} "
                   f"gone {rep.get('gone', 0)} failed {rep.get('failed', 0)}")
        for e in r["errors"]:
            typer.echo(f"    {e['file']}: {e['reason']}")
        for n in r["notices"]:
            typer.echo(f"    notice: {n.get('file', '')}: {n.get('notice', '')}")


@app.command("extract")
def extract_cmd(
    files: Annotated[list[Path], typer.Argument(help="documents to read (text, HTML, PDF)")],
    fmt: Annotated[str, typer.Option("--format", help="jsonl or table")] = "jsonl",
    reference: Annotated[Optional[Path], typer.Option(help="reference data folder")] = None,
) -> None:
    """Extraction only, no database: one JSON record per file (SCHEMA.md shape)."""
    from etl.errors import InputError
    from etl.extract import extract
    from etl.resolve.reference import load_reference
    from etl.sources.files import read_path

    ref = load_reference(reference or load_settings().reference_dir)
    failed = 0
    for f in files:
        try:
            ex = extract(read_path(f), ref)
        except InputError as exc:
            typer.echo(f"error: {exc}", err=True)
            failed += 1
            continue
        rec = ex.record()
        if fmt == "jsonl":
            typer.echo(json.dumps(rec, ensure_ascii=False))
        else:
            _print_table(ex)
    if failed and failed == len(files):
        raise typer.Exit(1)


def _print_table(ex) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"{ex.doc} — published {ex.published}, event {ex.event_date}")
    for col in ("type", "value", "evidence", "method", "conf"):
        t.add_column(col)
    for m in ex.mentions:
        value = ", ".join(f"{v}" for v in m.data.values() if v not in (None, ""))
        t.add_row(m.type, value, (m.sentence or "")[:80], m.method, f"{m.confidence:.2f}")
    Console().print(t)


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    app()
