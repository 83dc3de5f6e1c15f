"""Load a parsed office report into its tables (programs, agreements, mobility …), idempotently.

A report file is keyed by its path (``report_files.uri``) and by a SHA-256 of its bytes; each
table it holds (a workbook may hold one per sheet) is one ``report_files`` row with its sheet,
kind, header row and declared total. The same bytes again write nothing; changed bytes replace
the file's rows inside the caller's transaction; the same bytes under another path are a copy
and are skipped (loading them twice would double every total), or, when the first path no
longer exists, a move that re-keys the loaded file. School and partner names go through the
run's Resolver, so reports link to the same rows as the news facts; a name it does not know is
queued for review and the row is kept, with the name as written.

Rows map to columns by the fields' types, so a new kind needs no code here: a ``school`` field
fills ``unit_id`` and ``school_name``, ``partner`` fills ``partner_id`` and ``partner_name`` (and
``country`` from the partner list when the report left it blank), ``schools`` fills
``unit_ids`` and ``school_names``; any other field fills the column of its own name.
"""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from etl.load.models import Base, ReportFile, _now
from etl.reports.countries import Countries
from etl.reports.shapes import ParsedReport, parse_tables

log = logging.getLogger("etl.reports")


def table_model(kind: str):
    """The mapped class whose table is named ``kind`` (a report kind loads into its namesake)."""
    for mapper in Base.registry.mappers:
        if getattr(mapper.class_, "__tablename__", None) == kind:
            return mapper.class_
    raise LookupError(f"report kind {kind!r} has no table of that name in etl/load/models.py")


def load_report(session: Session, path: Path, resolver, run_id: int | None, *,
                columns: Mapping[str, str] | None = None, notices: list[str] | None = None) -> str:
    """Load one report file; returns "loaded", "unchanged" or "duplicate of NAME" (same bytes as a
    report already loaded from another path). Raises ReportError on bad input (before anything is
    written, so the caller's rollback leaves no trace). ``columns``: the source's column map;
    ``notices`` receives what the run should be told (sheets without a table, columns not loaded)."""
    path = Path(path)
    uri = str(path.resolve())
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    existing = session.scalars(select(ReportFile).where(ReportFile.uri == uri).order_by(ReportFile.id)).all()
    if existing and all(r.content_hash == digest for r in existing):
        for r in existing:
            if r.status != "active":  # the file is back: its rows count again
                r.status = "active"
                log.info("report back: %s", uri)
        return "unchanged"
    twins = [] if existing else session.scalars(
        select(ReportFile).where(ReportFile.content_hash == digest, ReportFile.uri != uri)).all()
    if twins:
        first = twins[0].uri
        if Path(first).exists():
            log.warning("skipped %s: same content as the report already loaded from %s", uri, first)
            return f"duplicate of {Path(first).name}"
        for twin in twins:  # the file was moved or renamed: its rows now belong to the new path
            if twin.uri == first:
                twin.uri, twin.status = uri, "active"
        log.info("report moved: %s → %s", first, uri)
        return "unchanged"
    parsed = parse_tables(path, data, _countries(resolver), columns)
    if notices is not None:
        notices.extend(parsed.notices)
    for old in existing:  # changed bytes: the file's tables are replaced whole
        model = table_model(old.kind)
        session.execute(delete(model).where(model.report_id == old.id))
        session.delete(old)
    session.flush()
    for rep in parsed.tables:
        rows = _rows(rep, uri, resolver)
        rf = ReportFile(uri=uri, kind=rep.shape.kind, content_hash=digest, rows=len(rows), status="active",
                        run_id=run_id, loaded_at=_now(), sheet=rep.sheet, header_row=rep.header_row,
                        declared_total=rep.declared_total)
        session.add(rf)
        session.flush()
        model = table_model(rep.shape.kind)
        session.add_all([model(report_id=rf.id, **r) for r in rows])
        session.flush()
        log.info("loaded %s%s: %d %s rows", uri, f" [{rep.sheet}]" if rep.sheet else "", len(rows), rep.shape.kind)
    return "loaded"


def _countries(resolver) -> Countries:
    return Countries.from_dir(getattr(resolver, "reference_dir", None))


def _rows(rep: ParsedReport, uri: str, resolver) -> list[dict[str, Any]]:
    """Typed report rows → column values, with schools and partners resolved."""
    out = []
    cols = rep.columns

    def evidence(r: dict, fname: str) -> dict:
        ev = {"report": uri, "row": r["_row"], "column": cols.get(fname, fname)}
        if rep.sheet is not None:
            ev["sheet"] = rep.sheet
        return ev

    fields = rep.shape.fields
    country_field = next((f.name for f in fields if f.kind == "country"), None)
    for r in rep.rows:
        rec: dict[str, Any] = {"row": r["_row"]}
        for f in fields:
            value = r.get(f.name)
            if f.kind == "school":
                rec["unit_id"] = resolver.unit(value, evidence=evidence(r, f.name)) if value else None
                rec["school_name"] = value
            elif f.kind == "partner":
                country = r.get(country_field) if country_field else None
                pid = resolver.partner(value, country, None, evidence=evidence(r, f.name)) if value else None
                rec["partner_id"], rec["partner_name"] = pid, value
                if country_field and country is None and pid is not None and pid in resolver.partner_rows:
                    rec[country_field] = resolver.partner_rows[pid].country  # the report left it blank
            elif f.kind == "schools":
                ids: list[int] = []
                for name in value or []:
                    uid = resolver.unit(name, evidence=evidence(r, f.name))
                    if uid is not None and uid not in ids:
                        ids.append(uid)
                rec["unit_ids"], rec["school_names"] = ids, list(value or [])
            elif f.name not in rec:  # (a country filled from the partner list stays)
                rec[f.name] = value
        out.append(rec)
    return out
