"""``intl programmes``: the programme records on the command line — list, show, the register's
cross-checks, and curators' decisions (merge, split, rename, link, unlink), each recorded as a
``Curation`` (who: ``--by``, default $USER) that every later ETL run re-applies."""
from __future__ import annotations

import json
from typing import Annotated, Optional

import typer

from etl.review_cli import ByOpt, DbOpt, _session, _who

programmes_app = typer.Typer(help="Programme and initiative records: list, show, check against the register, "
                                  "merge, split, rename, link.", no_args_is_help=True)


def _years(r: dict) -> str:
    a, b = r.get("first_year"), r.get("last_year")
    return "" if a is None and b is None else (f"{a}" if a == b or b is None else f"{a or '?'}–{b}")


def _line(r: dict) -> str:
    partners = ", ".join(p["name"] for p in r["partners"]) or "-"
    status = r["status"] + ("*" if r["status_inferred"] else "")
    students = "" if r["students"] is None else f" {r['students']} students"
    return (f"#{r['id']:<5} {r['kind']:16s} {status:10s} {_years(r):10s} {r['label']}  [{partners}]"
            f"{students}  ({r['documents']} articles, {r['report_rows']} report rows"
            + (f", register {r['register']}" if r["register"] else "") + ")")


@programmes_app.command("list")
def list_cmd(
    kind: Annotated[Optional[str], typer.Option("--kind", help="joint_programme, exchange, summer_school, "
                                                "visiting_scholar or research_centre")] = None,
    status: Annotated[Optional[str], typer.Option("--status", help="active, suspended, pending, closed, unknown")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    db: DbOpt = None,
) -> None:
    """The records (status* = inferred, not said by a report or the register)."""
    from etl.programmes.queries import list_programmes

    with _session(db, write=False) as s:
        rows = list_programmes(s, kind=kind, status=status)
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=1, default=str))
        return
    for r in rows:
        typer.echo(_line(r))
    typer.echo(f"{len(rows)} record(s)")


@programmes_app.command()
def show(ref: Annotated[str, typer.Argument(help="id, key or label")],
         as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False, db: DbOpt = None) -> None:
    """One record: its sources (timeline), students per year and register entry."""
    from etl.programmes.curation import find_programme
    from etl.programmes.link import status_text
    from etl.programmes.queries import programme_detail

    with _session(db, write=False) as s:
        d = programme_detail(s, find_programme(s, ref).id)
    if as_json:
        typer.echo(json.dumps(d, ensure_ascii=False, indent=1, default=str))
        return
    typer.echo(_line(d))
    typer.echo(f"       key {d['key']}; status from: {status_text(d.get('status_from')) or '-'}")
    for x in d["timeline"]:
        src = x["uri"].rsplit("/", 1)[-1] if x["uri"] else f"{x['report']} row {x['row']}"
        flag = "" if x["status"] == "linked" else f" [{x['status']}]"
        typer.echo(f"  {x['year'] or '----'} {x['target']:10s} {src}  {x['confidence']:.2f}{flag}  {x['method']}")
    for y in d["students_per_year"]:
        typer.echo(f"  students {y['year'] or 'now'}: {y.get('students')} ({y.get('source')})")
    for e in d["register"]:
        typer.echo(f"  register {e['approval_no']} {e['programme_name']} ({e['approval_year']}–{e['expiry_year']})")


@programmes_app.command()
def check(as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
          closed: Annotated[bool, typer.Option("--closed", help="list closed programmes too")] = False,
          db: DbOpt = None) -> None:
    """The register's cross-checks: its entries no article or report speaks of, and joint programmes
    of the news and reports that no register entry matches."""
    from etl.programmes.queries import missing_from_register, register_without_evidence

    with _session(db, write=False) as s:
        lonely, missing = register_without_evidence(s), missing_from_register(s, include_closed=closed)
    if as_json:
        typer.echo(json.dumps({"register_without_evidence": lonely, "missing_from_register": missing},
                              ensure_ascii=False, indent=1, default=str))
        return
    typer.echo(f"register entries no article or report speaks of: {len(lonely)}")
    for e in lonely:
        typer.echo(f"  {e['approval_no']} {e['programme_name']} ({e['partner_name']}; until {e['expiry_year']})")
    typer.echo(f"joint programmes in news or reports and not in the register: {len(missing)}")
    for r in missing:
        typer.echo("  " + _line(r))


def _done(c) -> None:
    typer.echo(f"recorded {c.action} {c.target!r} {json.dumps(c.payload, ensure_ascii=False)} by {c.created_by}")


@programmes_app.command()
def merge(name: Annotated[str, typer.Argument(help="the record that goes (id, key or label)")],
          into: Annotated[str, typer.Argument(help="the record it joins")], by: ByOpt = None, db: DbOpt = None) -> None:
    """Two records are one programme: the first one's sources join the second, on every run."""
    from etl.programmes.curation import merge_programme

    with _session(db) as s:
        _done(merge_programme(s, name, into, by=_who(by)))


@programmes_app.command()
def split(name: Annotated[str, typer.Argument(help="id, key or label")],
          link: Annotated[list[str], typer.Option("--link", help="a document (file name) or report row "
                                                  "(file.csv:ROW); repeatable")],
          label: Annotated[str, typer.Option("--label", help="the new record's label")],
          by: ByOpt = None, db: DbOpt = None) -> None:
    """Some sources of a record speak of another programme: they move to a new record, on every run."""
    from etl.programmes.curation import split_programme

    with _session(db) as s:
        _done(split_programme(s, name, list(link), label=label, by=_who(by)))


@programmes_app.command()
def rename(name: Annotated[str, typer.Argument(help="id, key or label")],
           to: Annotated[str, typer.Argument(help="the canonical label")], by: ByOpt = None, db: DbOpt = None) -> None:
    """Give a record its canonical label (the sources' names stay)."""
    from etl.programmes.curation import rename_programme

    with _session(db) as s:
        _done(rename_programme(s, name, to, by=_who(by)))


@programmes_app.command("link")
def link_cmd(source: Annotated[str, typer.Argument(help="a document (file name) or report row (file.csv:ROW)")],
             programme: Annotated[str, typer.Argument(help="id, key or label")], by: ByOpt = None,
             db: DbOpt = None) -> None:
    """A source speaks of this programme."""
    from etl.programmes.curation import link_source

    with _session(db) as s:
        _done(link_source(s, source, programme, by=_who(by)))


@programmes_app.command()
def unlink(source: Annotated[str, typer.Argument(help="a document (file name) or report row (file.csv:ROW)")],
           programme: Annotated[str, typer.Argument(help="id, key or label")], by: ByOpt = None,
           db: DbOpt = None) -> None:
    """A source does not speak of this programme (the link stays rejected)."""
    from etl.programmes.curation import unlink_source

    with _session(db) as s:
        _done(unlink_source(s, source, programme, by=_who(by)))


@programmes_app.command()
def relink(db: DbOpt = None) -> None:
    """Rebuild the records from what is loaded now (every ETL run does this at its end)."""
    from etl.programmes.link import link_programmes

    with _session(db) as s:
        typer.echo(json.dumps(link_programmes(s, force=True)))
