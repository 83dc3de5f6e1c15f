"""``intl review``: the review queue and curators' corrections on the command line.

Each command records a ``Curation`` (who: ``--by``, default $USER; when: now) through
etl/load/curation.py, which applies it at once; every later ETL run re-applies it.
The browser UI of the administration pages uses the same functions.
"""
from __future__ import annotations

import getpass
import json
import os
from contextlib import contextmanager
from typing import Annotated, Optional

import typer

review_app = typer.Typer(help="Review queue and corrections (merge, rename, set, reject, alias).",
                         no_args_is_help=True)

DbOpt = Annotated[Optional[str], typer.Option("--db", help="SQLAlchemy URL (default: DATABASE_URL or data/intl.db)")]
ByOpt = Annotated[Optional[str], typer.Option("--by", help="who decides (default: $USER)")]


def _who(by: str | None) -> str:
    if by and by.strip():
        return by.strip()
    try:
        return os.environ.get("USER") or getpass.getuser()
    except Exception:  # noqa: BLE001 - no user database (containers)
        return "unknown"


@contextmanager
def _session(db: str | None, *, write: bool = True):
    """A session on the configured database; a CurationError ends the command with its message."""
    from etl.config import load_settings
    from etl.db import session_factory, upgrade
    from etl.load.curation import CurationError

    url = load_settings(None, db).database_url
    upgrade(url)
    factory = session_factory(url)
    try:
        if write:
            with factory.begin() as s:
                yield s
        else:
            with factory() as s:
                yield s
    except CurationError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


def _where(detail: dict) -> str:
    src = detail.get("report") or detail.get("document") or ""
    src = src.rsplit("/", 1)[-1]
    if detail.get("row") is not None:
        src += f" row {detail['row']}"
    return src


@review_app.command("list")
def list_cmd(
    kind: Annotated[Optional[str], typer.Option("--kind", help="partner, school or fact")] = None,
    status: Annotated[str, typer.Option("--status", help="open, accepted, rejected, merged, aliased or all")] = "open",
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    db: DbOpt = None,
) -> None:
    """Items waiting for a decision (or, with --status, decided ones)."""
    from etl.load.curation import list_review

    with _session(db, write=False) as s:
        items = [{"id": r.id, "kind": r.kind, "name": r.name, "status": r.status, "detail": r.detail,
                  "created_at": r.created_at.isoformat(timespec="seconds"),
                  "decided_by": r.decided_by,
                  "decided_at": r.decided_at.isoformat(timespec="seconds") if r.decided_at else None}
                 for r in list_review(s, kind, status)]
    if as_json:
        typer.echo(json.dumps(items, ensure_ascii=False, indent=1, default=str))
        return
    if not items:
        typer.echo("nothing to review" if status == "open" else "no items")
        return
    for it in items:
        extra = f"  ({_where(it['detail'] or {})})" if _where(it["detail"] or {}) else ""
        decided = f"  [{it['status']} by {it['decided_by']}]" if it["status"] != "open" else ""
        typer.echo(f"#{it['id']:<5} {it['kind']:8s} {it['name']}{extra}{decided}")


def _done(c) -> None:
    typer.echo(f"recorded {c.action} {c.target!r} {json.dumps(c.payload, ensure_ascii=False)} "
               f"by {c.created_by} (curation #{c.id})")


@review_app.command()
def accept(
    item: Annotated[int, typer.Argument(help="review item id (see `intl review list`)")],
    country: Annotated[Optional[str], typer.Option("--country", help="also set a partner's country")] = None,
    kind: Annotated[Optional[str], typer.Option("--kind", help="also set a partner's kind")] = None,
    by: ByOpt = None, db: DbOpt = None,
) -> None:
    """Accept a queued partner (it becomes known) or school (it becomes a school)."""
    from etl.load import curation as cur
    from etl.load.models import ReviewItem

    who = _who(by)
    with _session(db) as s:
        row = s.get(ReviewItem, item)
        _done(cur.decide(s, item, True, by=who))
        if row is not None and row.kind == "partner":
            if country:
                _done(cur.set_country(s, row.name, country, by=who))
            if kind:
                _done(cur.set_kind(s, row.name, kind, by=who))


@review_app.command()
def reject(
    item: Annotated[int, typer.Argument(help="review item id (see `intl review list`)")],
    by: ByOpt = None, db: DbOpt = None,
) -> None:
    """Reject a queued name: never linked again (a partner's facts are rejected, report rows unlinked)."""
    from etl.load import curation as cur

    with _session(db) as s:
        _done(cur.decide(s, item, False, by=_who(by)))


@review_app.command()
def merge(
    name: Annotated[str, typer.Argument(help="the partner to merge (name, alias or Chinese name)")],
    into: Annotated[str, typer.Option("--into", help="the canonical partner it is the same as")],
    by: ByOpt = None, db: DbOpt = None,
) -> None:
    """NAME is the same organisation as CANONICAL: move its links and names there."""
    from etl.load import curation as cur

    with _session(db) as s:
        _done(cur.merge_partner(s, name, into, by=_who(by)))


@review_app.command()
def rename(
    name: Annotated[str, typer.Argument(help="the partner to rename")],
    to: Annotated[str, typer.Option("--to", help="its correct or current name")],
    by: ByOpt = None, db: DbOpt = None,
) -> None:
    """Give a partner its correct name; the old one stays as an alias."""
    from etl.load import curation as cur

    with _session(db) as s:
        _done(cur.rename_partner(s, name, to, by=_who(by)))


@review_app.command("set")
def set_cmd(
    name: Annotated[str, typer.Argument(help="the partner")],
    country: Annotated[Optional[str], typer.Option("--country", help="ISO alpha-2 code or country name")] = None,
    kind: Annotated[Optional[str], typer.Option("--kind", help="university, institute, company, government, "
                                                                "ngo or other")] = None,
    by: ByOpt = None, db: DbOpt = None,
) -> None:
    """Set a partner's country and/or kind."""
    from etl.load import curation as cur

    if not country and not kind:
        typer.echo("error: give --country and/or --kind", err=True)
        raise typer.Exit(2)
    who = _who(by)
    with _session(db) as s:
        if country:
            _done(cur.set_country(s, name, country, by=who))
        if kind:
            _done(cur.set_kind(s, name, kind, by=who))


@review_app.command("reject-fact")
def reject_fact(
    doc_uri: Annotated[str, typer.Argument(help="the document's URI (or its file name when unique)")],
    key: Annotated[str, typer.Argument(help="the fact's key (see the document's facts)")],
    by: ByOpt = None, db: DbOpt = None,
) -> None:
    """Reject one extracted fact; it stays rejected through every re-extraction."""
    from etl.load import curation as cur

    with _session(db) as s:
        _done(cur.reject_fact(s, doc_uri, key, by=_who(by)))


@review_app.command()
def alias(
    school_alias: Annotated[str, typer.Argument(help="the name as written in news or reports")],
    unit: Annotated[str, typer.Option("--unit", help="the canonical school (or office) it names")],
    by: ByOpt = None, db: DbOpt = None,
) -> None:
    """Map a new name to a school: facts and report rows using it are linked now and on every run."""
    from etl.load import curation as cur

    with _session(db) as s:
        _done(cur.alias_school(s, school_alias, unit, by=_who(by)))


@review_app.command("log")
def log_cmd(
    limit: Annotated[int, typer.Option(help="how many, newest first")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    db: DbOpt = None,
) -> None:
    """The decisions recorded so far: what, who, when."""
    from etl.load.curation import history

    with _session(db, write=False) as s:
        rows = [{"id": c.id, "action": c.action, "target": c.target, "payload": c.payload,
                 "by": c.created_by, "at": c.created_at.isoformat(timespec="seconds"), "active": c.active}
                for c in history(s, limit)]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for r in rows:
        typer.echo(f"#{r['id']:<5} {r['at']} {r['by']:12s} {r['action']:15s} {r['target']} "
                   f"{json.dumps(r['payload'], ensure_ascii=False)}")
