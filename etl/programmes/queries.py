"""Read the programme records: the lists and cross-checks the dashboard and the CLI show.

Plain functions on a SQLAlchemy session returning lists of dicts (no Dash, no pandas), so that
``dashboard/queries/programmes.py`` and ``intl programmes`` share them. Only records in state
``ok`` are listed (merged and gone ones are kept in the table for the curations that name them).
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from etl.load.models import (
    Document,
    Partner,
    Programme,
    ProgrammeLink,
    ProgrammePartner,
    ProgrammeStudents,
    ProgrammeUnit,
    RegisterEntry,
    ReportFile,
    Unit,
)
from etl.programmes.link import status_text

EVIDENCE_TARGETS = ("document", "programs", "agreements", "mobility")  # news and the office's own reports


def _partners(session: Session, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if ids:
        q = (select(ProgrammePartner.programme_id, ProgrammePartner.partner_id, ProgrammePartner.partner_name,
                    Partner.country)
             .outerjoin(Partner, Partner.id == ProgrammePartner.partner_id)
             .where(ProgrammePartner.programme_id.in_(ids)).order_by(ProgrammePartner.id))
        for pid, partner_id, name, country in session.execute(q):
            out[pid].append({"id": partner_id, "name": name, "country": country})
    return out


def _units(session: Session, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if ids:
        q = (select(ProgrammeUnit.programme_id, Unit.id, Unit.name, Unit.zh).join(Unit, Unit.id == ProgrammeUnit.unit_id)
             .where(ProgrammeUnit.programme_id.in_(ids)).order_by(Unit.name))
        for pid, uid, name, zh in session.execute(q):
            out[pid].append({"id": uid, "name": name, "zh": zh})
    return out


def _link_counts(session: Session, ids: list[int]) -> dict[int, dict[str, int]]:
    out: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(("documents", "report_rows", "register"), 0))
    if ids:
        q = (select(ProgrammeLink.programme_id, ProgrammeLink.target, func.count())
             .where(ProgrammeLink.programme_id.in_(ids), ProgrammeLink.status != "rejected")
             .group_by(ProgrammeLink.programme_id, ProgrammeLink.target))
        for pid, target, n in session.execute(q):
            key = {"document": "documents", "register": "register"}.get(target, "report_rows")
            out[pid][key] += n
    return out


def _many(v) -> list | None:
    if v is None:
        return None
    return list(v) if isinstance(v, (list, tuple, set, frozenset)) else [v]


def list_programmes(session: Session, *, kind: str | list[str] | None = None, status: str | list[str] | None = None,
                    unit_id: int | list[int] | None = None, partner_id: int | list[int] | None = None,
                    country: str | list[str] | None = None, year: int | None = None,
                    year_from: int | None = None, year_to: int | None = None,
                    ids: list[int] | None = None) -> list[dict[str, Any]]:
    """The records (state ok), newest first: id, key, label, name, names, kind, level, mode, first_year,
    last_year, status, status_inferred, status_from (where the status was read, as fields), status_source (the
    same in English), students, students_year, origin, partners
    ([{id, name, country}]), schools ([{id, name, zh}]), documents, report_rows, register (link counts).

    Filters (each a value or a list): kind, status, unit_id (a school), partner_id, country (a partner's);
    ``year`` or ``year_from``/``year_to``: records whose years (first_year … last_year) meet the range."""
    q = select(Programme).where(Programme.state == "ok")
    if kind:
        q = q.where(Programme.kind.in_(_many(kind)))
    if status:
        q = q.where(Programme.status.in_(_many(status)))
    if unit_id is not None:
        q = q.where(Programme.id.in_(select(ProgrammeUnit.programme_id)
                                     .where(ProgrammeUnit.unit_id.in_(_many(unit_id)))))
    if partner_id is not None:
        q = q.where(Programme.id.in_(select(ProgrammePartner.programme_id)
                                     .where(ProgrammePartner.partner_id.in_(_many(partner_id)))))
    if country:
        q = q.where(Programme.id.in_(select(ProgrammePartner.programme_id)
                                     .join(Partner, Partner.id == ProgrammePartner.partner_id)
                                     .where(Partner.country.in_(_many(country)))))
    if year is not None:
        year_from = year_to = year
    if year_from is not None:
        q = q.where(func.coalesce(Programme.last_year, Programme.first_year, year_from) >= year_from)
    if year_to is not None:
        q = q.where(func.coalesce(Programme.first_year, Programme.last_year, year_to) <= year_to)
    if ids is not None:
        q = q.where(Programme.id.in_(ids))
    rows = list(session.scalars(q.order_by(Programme.last_year.desc(), Programme.label, Programme.id)))
    pids = [r.id for r in rows]
    partners, units, links = _partners(session, pids), _units(session, pids), _link_counts(session, pids)
    return [{"id": r.id, "key": r.key, "label": r.label, "name": r.name, "names": list(r.names or []),
             "kind": r.kind, "level": r.level, "mode": r.mode, "first_year": r.first_year, "last_year": r.last_year,
             "status": r.status, "status_inferred": r.status_inferred, "status_from": r.status_from,
             "status_source": status_text(r.status_from),
             "students": r.students, "students_year": r.students_year, "origin": r.origin,
             "partners": partners.get(r.id, []), "schools": units.get(r.id, []), **links[r.id]} for r in rows]


def programme_detail(session: Session, programme_id: int) -> dict[str, Any] | None:
    """One record with its timeline (every link, oldest first: documents with title and date, report
    rows with file and row), its students per year (each figure with its source) and register entry."""
    row = session.get(Programme, programme_id)
    if row is None:
        return None
    if row.state == "merged" and row.merged_into_id:
        return programme_detail(session, row.merged_into_id)
    base = list_programmes(session, ids=[row.id]) if row.state == "ok" else []
    out: dict[str, Any] = base[0] if base else {"id": row.id, "key": row.key, "label": row.label, "state": row.state}
    links = session.execute(
        select(ProgrammeLink, Document.uri, Document.title, Document.published, Document.lang,
               ReportFile.uri, ReportFile.sheet)
        .outerjoin(Document, Document.id == ProgrammeLink.document_id)
        .outerjoin(ReportFile, ReportFile.id == ProgrammeLink.report_id)
        .where(ProgrammeLink.programme_id == row.id)
        .order_by(ProgrammeLink.year, ProgrammeLink.target, ProgrammeLink.id)).all()
    out["timeline"] = [{"target": lk.target, "year": lk.year, "status": lk.status, "confidence": lk.confidence,
                        "method": lk.method, "evidence": lk.evidence, "document_id": lk.document_id,
                        "uri": duri, "title": title, "published": pub.isoformat() if pub else None, "lang": lang,
                        "report": ruri.rsplit("/", 1)[-1] if ruri else None, "sheet": sheet, "row": lk.row,
                        "row_id": lk.row_id}
                       for lk, duri, title, pub, lang, ruri, sheet in links]
    out["students_per_year"] = students_per_year(session, row.id)
    out["register"] = [_register_row(e) for e in session.scalars(
        select(RegisterEntry).where(RegisterEntry.id.in_(
            select(ProgrammeLink.row_id).where(ProgrammeLink.programme_id == row.id,
                                               ProgrammeLink.target == "register",
                                               ProgrammeLink.status != "rejected"))))]
    return out


SOURCE_ORDER = ("report", "register", "news")


def students_per_year(session: Session, programme_id: int) -> list[dict[str, Any]]:
    """Per year: the figure of the first source of report > register > news, and every figure with its
    source (year None: a report's current enrolment, no year given)."""
    per: dict[int | None, dict[str, Any]] = {}
    q = (select(ProgrammeStudents).where(ProgrammeStudents.programme_id == programme_id)
         .order_by(ProgrammeStudents.year, ProgrammeStudents.source, ProgrammeStudents.id))
    for st in session.scalars(q):
        y = per.setdefault(st.year, {"year": st.year, "figures": []})
        y["figures"].append({"students": st.students, "source": st.source, "what": st.what,
                             "document_id": st.document_id, "report_id": st.report_id, "row": st.row,
                             "evidence": st.evidence})
    out = []
    for year in sorted(per, key=lambda y: (y is None, y or 0)):
        y = per[year]
        for src in SOURCE_ORDER:
            figs = [f for f in y["figures"] if f["source"] == src]
            if figs:
                y["students"], y["source"] = sum(f["students"] for f in figs), src
                break
        out.append(y)
    return out


def _register_row(e: RegisterEntry) -> dict[str, Any]:
    return {"id": e.id, "approval_no": e.approval_no, "programme_name": e.programme_name, "category": e.category,
            "partner_name": e.partner_name, "partner_id": e.partner_id, "country": e.country,
            "degree_level": e.degree_level, "programme_mode": e.programme_mode, "intake": e.intake,
            "enrolment_by_year": dict(e.enrolment_by_year or {}), "approval_year": e.approval_year,
            "expiry_year": e.expiry_year, "reg_status": e.reg_status, "school_name": e.school_name,
            "unit_id": e.unit_id, "row": e.row}


def register_without_evidence(session: Session) -> list[dict[str, Any]]:
    """Register entries (of active register files) whose programme no news article and no office report
    speaks of: each entry with the record it made (programme_id, label, status)."""
    q = (select(RegisterEntry, ProgrammeLink.programme_id)
         .join(ReportFile, ReportFile.id == RegisterEntry.report_id)
         .outerjoin(ProgrammeLink, (ProgrammeLink.row_id == RegisterEntry.id) & (ProgrammeLink.target == "register")
                    & (ProgrammeLink.status != "rejected"))
         .where(ReportFile.status == "active").order_by(RegisterEntry.approval_no, RegisterEntry.id))
    rows = session.execute(q).all()
    pids = [pid for _, pid in rows if pid is not None]
    counts = _link_counts(session, pids)
    out = []
    for e, pid in rows:
        c = counts.get(pid) if pid is not None else None
        if c is not None and (c["documents"] or c["report_rows"]):
            continue
        rec = session.get(Programme, pid) if pid is not None else None
        out.append({**_register_row(e), "programme_id": pid, "label": rec.label if rec else None,
                    "status": rec.status if rec else None})
    return out


def missing_from_register(session: Session, *, include_closed: bool = False) -> list[dict[str, Any]]:
    """Joint programmes that news or office reports speak of but no register entry matches (records of
    kind joint_programme, state ok, with document or report evidence and no register link); closed ones
    only with ``include_closed``. (Articulation programmes such as most 2+2 and 3+1 need no approval of
    their own: the list is what to check, not a list of faults.)"""
    ids = list(session.scalars(select(Programme.id).where(Programme.state == "ok", Programme.kind == "joint_programme")))
    counts = _link_counts(session, ids)
    keep = [pid for pid in ids if not counts[pid]["register"] and (counts[pid]["documents"] or counts[pid]["report_rows"])]
    rows = list_programmes(session, kind="joint_programme", ids=keep)
    return [r for r in rows if include_closed or r["status"] != "closed"]


def kpis(session: Session) -> dict[str, int]:
    """The headline figures: active joint programmes (and active records of every kind), and students
    in programmes — the current figure of each active record that has one (a report's enrolment, else
    its latest year's figure), for joint programmes alone and for every kind."""
    active = list(session.execute(select(Programme.kind, Programme.students).where(
        Programme.state == "ok", Programme.status == "active")))
    return {"active_joint_programmes": sum(1 for k, _ in active if k == "joint_programme"),
            "active_programmes": len(active),
            "students_in_joint_programmes": sum(n for k, n in active if n is not None and k == "joint_programme"),
            "students_in_programmes": sum(n for _, n in active if n is not None)}
