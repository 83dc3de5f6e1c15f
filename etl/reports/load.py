"""Load a parsed office report into programs, agreements or mobility, idempotently.

A report is keyed by its path (``report_files.uri``) and by a SHA-256 of its bytes:
the same bytes again write nothing; changed bytes replace the file's rows inside the
caller's transaction; the same bytes under another path are a copy and are skipped
(loading them twice would double every total), or, when the first path no longer
exists, a move that re-keys the loaded file. School and partner names go through
the run's Resolver, so reports link to the same rows as the news facts; a name it
does not know is queued for review and the row is kept, with the name as written.
"""
from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from etl.load.models import Agreement, Mobility, Program, ReportFile, _now
from etl.reports.countries import Countries
from etl.reports.shapes import ParsedReport, parse_report

log = logging.getLogger("etl.reports")
TABLES = {"programs": Program, "agreements": Agreement, "mobility": Mobility}


def load_report(session: Session, path: Path, resolver, run_id: int | None) -> str:
    """Load one report file; returns "loaded", "unchanged" or "duplicate of NAME" (same bytes as a
    report already loaded from another path). Raises ReportError on bad input
    (before anything is written, so the caller's rollback leaves no trace)."""
    path = Path(path)
    uri = str(path.resolve())
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    existing = session.scalar(select(ReportFile).where(ReportFile.uri == uri))
    if existing is not None and existing.content_hash == digest:
        if existing.status != "active":  # the file is back: its rows count again
            existing.status = "active"
            log.info("report back: %s", uri)
        return "unchanged"
    twin = None if existing is not None else session.scalar(
        select(ReportFile).where(ReportFile.content_hash == digest, ReportFile.uri != uri))
    if twin is not None:
        if Path(twin.uri).exists():
            log.warning("skipped %s: same content as the report already loaded from %s", uri, twin.uri)
            return f"duplicate of {Path(twin.uri).name}"
        else:  # the file was moved or renamed: its rows now belong to the new path
            log.info("report moved: %s → %s", twin.uri, uri)
            twin.uri, twin.status = uri, "active"
        return "unchanged"
    rep = parse_report(path, data, _countries(resolver))
    rows = _rows(rep, uri, resolver)
    if existing is None:
        existing = ReportFile(uri=uri)
        session.add(existing)
    else:
        for model in TABLES.values():
            session.execute(delete(model).where(model.report_id == existing.id))
    existing.kind, existing.content_hash, existing.rows = rep.shape.kind, digest, len(rows)
    existing.status = "active"
    existing.run_id, existing.loaded_at = run_id, _now()
    existing.sheet, existing.header_row, existing.declared_total = rep.sheet, rep.header_row, rep.declared_total
    session.flush()
    model = TABLES[rep.shape.kind]
    session.add_all([model(report_id=existing.id, **r) for r in rows])
    session.flush()
    log.info("loaded %s: %d %s rows", uri, len(rows), rep.shape.kind)
    return "loaded"


def _countries(resolver) -> Countries:
    return Countries.from_dir(getattr(resolver, "reference_dir", None))


def _rows(rep: ParsedReport, uri: str, resolver) -> list[dict[str, Any]]:
    """Typed report rows → column values, with schools and partners resolved."""
    out = []
    cols = rep.columns

    def evidence(r: dict, fname: str) -> dict:
        return {"report": uri, "row": r["_row"], "column": cols.get(fname, fname)}

    def partner(r: dict) -> tuple[int | None, str | None]:
        name = r.get("partner")
        if not name:
            return None, r.get("country")
        pid = resolver.partner(name, r.get("country"), None, evidence=evidence(r, "partner"))
        country = r.get("country")
        if country is None and pid is not None:  # the report left it blank: the registry knows it
            country = resolver.partner_rows[pid].country if pid in resolver.partner_rows else None
        return pid, country

    def unit(r: dict) -> int | None:
        name = r.get("school")
        return resolver.unit(name, evidence=evidence(r, "school")) if name else None

    for r in rep.rows:
        pid, country = partner(r)
        base = {"row": r["_row"], "partner_id": pid, "partner_name": r.get("partner"), "country": country}
        if rep.shape.kind == "programs":
            out.append({**base, "name": r["name"], "unit_id": unit(r), "school_name": r.get("school"),
                        "level": r.get("level"), "mode": r.get("mode"), "start_year": r.get("start_year"),
                        "status": r.get("status"), "enrolment": r.get("enrolment")})
        elif rep.shape.kind == "agreements":
            ids: list[int] = []
            for name in r.get("schools") or []:
                uid = resolver.unit(name, evidence=evidence(r, "schools"))
                if uid is not None and uid not in ids:
                    ids.append(uid)
            out.append({**base, "type": r["type"], "signed_date": r.get("signed_date"),
                        "expiry_date": r.get("expiry_date"), "unit_ids": ids,
                        "school_names": list(r.get("schools") or [])})
        else:
            out.append({**base, "year": r["year"], "unit_id": unit(r), "school_name": r.get("school"),
                        "program_type": r.get("program_type"), "students": r.get("students")})
    return out
