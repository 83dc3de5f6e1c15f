"""Filters → DataFrames for the programme records (issue 16): the list of the Programs page,
a programme's own page, the register cross-checks, the Overview's two KPIs.

The records are built by the ETL's linker (``etl/programmes``) from news, the office's reports
and the Ministry's register; this module only reads the tables. What the shared filters mean
for a record:

- year range: the record's years (first year → last year a source speaks of it) overlap the
  range; an unknown first or last year does not exclude it;
- schools: one of its home schools is chosen;
- countries / partner kinds: one of its partners is from a chosen country / of a chosen kind;
- activity kinds and document language say nothing of a record (ignored, as for the reports).

Only records in state ``ok`` count (merged and gone ones stay in the table for the curations
that name them). ``students`` is the record's latest figure; None is unknown, never 0.
"""
from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from dashboard.queries.common import P, U, Filters, _frame
from etl.db import connect, get_engine
from etl.load.models import (
    PROGRAMME_KINDS,
    PROGRAMME_STATUSES,
    Programme,
    ProgrammeLink,
    ProgrammePartner,
    ProgrammeUnit,
)
from etl.programmes import queries as pq

PR = Programme.__table__
PP = ProgrammePartner.__table__
PU = ProgrammeUnit.__table__
PL = ProgrammeLink.__table__

KINDS = PROGRAMME_KINDS
STATUSES = PROGRAMME_STATUSES
# Filters fields that say nothing of a record.
IGNORED = ("activity_kinds", "language")

RECORD_COLUMNS = ["programme_id", "label", "name", "kind", "level", "mode", "first_year", "last_year", "status",
                  "status_inferred", "status_basis", "status_source", "students", "students_year", "origin",
                  "partners", "partners_zh", "partner_ids", "countries", "schools", "schools_zh", "school_ids",
                  "documents", "report_rows", "register"]


def record_conditions(f: Filters, *, unit_id: int | None = None, partner_id: int | None = None) -> list:
    """The WHERE of a record list under ``f`` (see the module's docstring), narrowed to one school
    or one partner when given."""
    cond = [PR.c.state == "ok"]
    if f.year_from is not None:
        cond.append(or_(PR.c.last_year.is_(None), PR.c.last_year >= f.year_from))
    if f.year_to is not None:
        cond.append(or_(PR.c.first_year.is_(None), PR.c.first_year <= f.year_to))
    if f.schools:
        cond.append(exists().where(PU.c.programme_id == PR.c.id, PU.c.unit_id.in_(f.schools)))
    if f.countries or f.partner_kinds:
        pc = [PP.c.programme_id == PR.c.id, P.c.id == PP.c.partner_id]
        if f.countries:
            pc.append(P.c.country.in_(f.countries))
        if f.partner_kinds:
            pc.append(P.c.kind.in_(f.partner_kinds))
        cond.append(exists().where(*pc))
    if unit_id is not None:
        cond.append(exists().where(PU.c.programme_id == PR.c.id, PU.c.unit_id == unit_id))
    if partner_id is not None:
        cond.append(exists().where(PP.c.programme_id == PR.c.id, PP.c.partner_id == partner_id))
    return cond


def _join(values: list[str]) -> str:
    return "; ".join(dict.fromkeys(v for v in values if v))


def records(url: str, f: Filters, unit_id: int | None = None, partner_id: int | None = None) -> pd.DataFrame:
    """One row per programme record in scope, newest first (last year, then label).

    Columns: see ``RECORD_COLUMNS``. ``partners`` / ``schools`` are "; "-joined names (the
    resolved partner's name, else the name the sources gave; ``partners_zh`` / ``schools_zh``
    the Chinese names where known), ``partner_ids`` / ``school_ids`` lists of ids, ``countries``
    the partners' ISO codes joined by ", "; ``documents``, ``report_rows``, ``register``: how many
    news documents, office-report rows and register entries are linked to it (rejected links
    not counted)."""
    cond = record_conditions(f, unit_id=unit_id, partner_id=partner_id)
    stmt = (select(PR.c.id, PR.c.label, PR.c.name, PR.c.kind, PR.c.level, PR.c.mode, PR.c.first_year,
                   PR.c.last_year, PR.c.status, PR.c.status_inferred, PR.c.status_from.label("status_source"),
                   PR.c.students,
                   PR.c.students_year, PR.c.origin)
            .where(*cond).order_by(PR.c.last_year.desc().nulls_last(), PR.c.label, PR.c.id))
    base = _frame(url, stmt, [c for c in RECORD_COLUMNS[:15] if c != "status_basis"])
    if base.empty:
        return pd.DataFrame(columns=RECORD_COLUMNS)
    ids = select(PR.c.id).where(*cond)
    partners: dict[int, list] = {}
    units: dict[int, list] = {}
    links: dict[int, dict[str, int]] = {}
    with connect(url) as conn:
        for pid, partner_id_, name, pname, zh, country in conn.execute(
                select(PP.c.programme_id, PP.c.partner_id, PP.c.partner_name, P.c.name, P.c.zh, P.c.country)
                .select_from(PP.outerjoin(P, P.c.id == PP.c.partner_id))
                .where(PP.c.programme_id.in_(ids)).order_by(PP.c.programme_id, PP.c.id)):
            partners.setdefault(pid, []).append((partner_id_, pname or name, zh, country))
        for pid, uid, name, zh in conn.execute(
                select(PU.c.programme_id, U.c.id, U.c.name, U.c.zh).select_from(PU.join(U, U.c.id == PU.c.unit_id))
                .where(PU.c.programme_id.in_(ids)).order_by(PU.c.programme_id, U.c.name)):
            units.setdefault(pid, []).append((uid, name, zh))
        for pid, target, n in conn.execute(
                select(PL.c.programme_id, PL.c.target, func.count())
                .where(PL.c.programme_id.in_(ids), PL.c.status != "rejected")
                .group_by(PL.c.programme_id, PL.c.target)):
            c = links.setdefault(pid, {"documents": 0, "report_rows": 0, "register": 0})
            c[{"document": "documents", "register": "register"}.get(target, "report_rows")] += int(n)
    pids = [int(i) for i in base["programme_id"]]
    ps = [partners.get(i, []) for i in pids]
    us = [units.get(i, []) for i in pids]
    lk = [links.get(i, {"documents": 0, "report_rows": 0, "register": 0}) for i in pids]
    df = base.assign(
        partners=[_join([p[1] for p in x]) for x in ps],
        partners_zh=[_join([p[2] or p[1] for p in x]) for x in ps],
        partner_ids=[[int(p[0]) for p in x if p[0] is not None] for x in ps],
        countries=[", ".join(dict.fromkeys(p[3] for p in x if p[3])) for x in ps],
        schools=[_join([u[1] for u in x]) for x in us],
        schools_zh=[_join([u[2] or u[1] for u in x]) for x in us],
        school_ids=[[int(u[0]) for u in x] for x in us],
        documents=[c["documents"] for c in lk], report_rows=[c["report_rows"] for c in lk],
        register=[c["register"] for c in lk])
    for col in ("first_year", "last_year", "students", "students_year"):
        df[col] = df[col].astype("Int64")
    df["status_inferred"] = df["status_inferred"].astype(bool)
    df["status_basis"] = ["inferred" if v else "stated" for v in df["status_inferred"]]
    return df[RECORD_COLUMNS]


def kind_table(df: pd.DataFrame) -> pd.DataFrame:
    """:func:`by_kind`'s frame from a :func:`records` frame (plain pandas on the listed rows), so the
    list's export draws the same chart as the page."""
    if df is None or df.empty:
        return pd.DataFrame(columns=["kind", "status", "programmes", "students", "students_unknown"])
    g = (df.assign(_n=1, _st=df["students"].fillna(0).astype("int64"), _u=df["students"].isna().astype("int64"))
         .groupby(["kind", "status"], as_index=False)
         .agg(programmes=("_n", "sum"), students=("_st", "sum"), students_unknown=("_u", "sum")))
    order = {k: i for i, k in enumerate(KINDS)}
    sorder = {k: i for i, k in enumerate(STATUSES)}
    return (g.assign(_k=g["kind"].map(lambda k: order.get(k, 99)), _s=g["status"].map(lambda s: sorder.get(s, 99)))
            .sort_values(["_k", "_s"]).drop(columns=["_k", "_s"]).reset_index(drop=True))


def by_kind(url: str, f: Filters) -> pd.DataFrame:
    """Records in scope per kind and status: ``kind, status, programmes, students`` (students: the
    sum of the known current figures; a record without one adds nothing, and says so in
    ``students_unknown``). Kinds in ``KINDS`` order, statuses in ``STATUSES`` order."""
    stmt = (select(PR.c.kind, PR.c.status, func.count(), func.coalesce(func.sum(PR.c.students), 0),
                   func.count() - func.count(PR.c.students))
            .where(*record_conditions(f)).group_by(PR.c.kind, PR.c.status))
    df = _frame(url, stmt, ["kind", "status", "programmes", "students", "students_unknown"])
    if df.empty:
        return df
    df = df.astype({"programmes": "int64", "students": "int64", "students_unknown": "int64"})
    order = {k: i for i, k in enumerate(KINDS)}
    sorder = {k: i for i, k in enumerate(STATUSES)}
    return (df.assign(_k=df["kind"].map(lambda k: order.get(k, 99)), _s=df["status"].map(lambda s: sorder.get(s, 99)))
            .sort_values(["_k", "_s"]).drop(columns=["_k", "_s"]).reset_index(drop=True))


def kpis(url: str, f: Filters) -> dict[str, int]:
    """The Overview's two figures under ``f``: ``active_joint_programmes`` (records of kind
    joint_programme whose status is active) of ``joint_programmes`` in scope, and
    ``students_in_programmes`` (the current figures of the ``active_programmes`` — active records
    of every kind — that have one; ``students_in_joint_programmes`` those of the joint programmes alone),
    with ``students_unknown`` (active records without a figure:
    not counted, not 0)."""
    active = PR.c.status == "active"
    joint = PR.c.kind == "joint_programme"
    stmt = select(func.count().filter(joint & active), func.count().filter(joint), func.count().filter(active),
                  func.coalesce(func.sum(PR.c.students).filter(active), 0),
                  func.coalesce(func.sum(PR.c.students).filter(active & joint), 0),
                  func.count().filter(active & PR.c.students.is_(None))).where(*record_conditions(f))
    with connect(url) as conn:
        aj, j, a, students, joint_students, unknown = conn.execute(stmt).one()
    return {"active_joint_programmes": int(aj or 0), "joint_programmes": int(j or 0), "active_programmes": int(a or 0),
            "students_in_programmes": int(students or 0), "students_in_joint_programmes": int(joint_students or 0),
            "students_unknown": int(unknown or 0)}


def records_of_rows(url: str, target: str = "programs") -> dict[int, int]:
    """``{row id: programme id}``: the record each row of an office-report table (``target``: programs,
    agreements, mobility, register) is linked to (links awaiting review included, rejected ones
    not; a row linked to several records names the first)."""
    stmt = (select(PL.c.row_id, PL.c.programme_id).select_from(PL.join(PR, PR.c.id == PL.c.programme_id))
            .where(PL.c.target == target, PL.c.row_id.is_not(None), PL.c.status != "rejected", PR.c.state == "ok")
            .order_by(PL.c.row_id, PL.c.confidence.desc(), PL.c.programme_id))
    out: dict[int, int] = {}
    with connect(url) as conn:
        for row_id, pid in conn.execute(stmt):
            out.setdefault(int(row_id), int(pid))
    return out


def counts_for(url: str, f: Filters, *, unit_id: int | None = None, partner_id: int | None = None) -> int:
    """How many records in scope name the school / the partner."""
    stmt = select(func.count()).select_from(PR).where(*record_conditions(f, unit_id=unit_id, partner_id=partner_id))
    with connect(url) as conn:
        return int(conn.execute(stmt).scalar() or 0)


# ---------------------------------------------------------------------------
# One record, and the register cross-checks (the linker's own readers, etl/programmes/queries.py)
# ---------------------------------------------------------------------------
def _session(url: str) -> Session:
    return Session(get_engine(url))


def detail(url: str, programme_id: int) -> dict[str, Any] | None:
    """One record with its timeline, students per year (each figure with its source) and register
    entry (:func:`etl.programmes.queries.programme_detail`); None when there is no such record. A
    merged record answers with the record it was merged into."""
    with _session(url) as s:
        d = pq.programme_detail(s, programme_id)
        pids = [p["id"] for p in (d or {}).get("partners") or [] if p.get("id") is not None]
        if pids:  # the partners' Chinese names, for the page in 中文
            zh = dict(s.execute(select(P.c.id, P.c.zh).where(P.c.id.in_(pids))).all())
            for p in d["partners"]:
                p["zh"] = zh.get(p.get("id"))
    return d


SOURCE_COLUMNS = ["year", "target", "source", "row", "date", "title", "status", "confidence", "method", "evidence"]


def sources_frame(d: dict[str, Any]) -> pd.DataFrame:
    """A detail's linked sources, one row each, oldest first (a link a curator rejected left out):
    year, target (document | programs | agreements | mobility | register), source (the article's
    URI or the report's file), row, date, title, status (linked | review), confidence, method, evidence."""
    rows = [{"year": lk["year"], "target": lk["target"], "source": lk.get("uri") or lk.get("report"),
             "row": lk.get("row"), "date": (lk.get("published") or "")[:10] or None, "title": lk.get("title"),
             "status": lk["status"], "confidence": lk.get("confidence"), "method": lk.get("method"),
             "evidence": lk.get("evidence")}
            for lk in (d or {}).get("timeline") or [] if lk["status"] != "rejected"]
    df = pd.DataFrame(rows, columns=SOURCE_COLUMNS)
    for col in ("year", "row"):
        df[col] = df[col].astype("Int64")
    return df


def programme_info(url: str, programme_id: int) -> dict[str, Any] | None:
    """A record as the subject of its page's exports: id, name (its label), zh (none: a record's label
    is data), and the detail the charts are drawn from; None when there is no such record."""
    d = detail(url, programme_id)
    if d is None or "kind" not in d:
        return None
    return {"id": d["id"], "name": d["label"], "zh": None, "detail": d}


def students_frame(d: dict[str, Any]) -> pd.DataFrame:
    """A detail's students per year as a frame: ``year, students, source, figures`` (the figure the
    page shows for the year: report > register > news, and how many figures the sources gave)."""
    rows = [{"year": y["year"], "students": y.get("students"), "source": y.get("source"),
             "figures": len(y["figures"])} for y in d.get("students_per_year") or []]
    return pd.DataFrame(rows, columns=["year", "students", "source", "figures"])


def register_without_evidence(url: str) -> pd.DataFrame:
    """Register entries no news article and no office report speaks of."""
    with _session(url) as s:
        rows = pq.register_without_evidence(s)
    cols = ["approval_no", "programme_name", "partner_name", "degree_level", "programme_mode", "approval_year",
            "expiry_year", "reg_status", "programme_id"]
    return pd.DataFrame([{c: r.get(c) for c in cols} for r in rows], columns=cols)


def missing_from_register(url: str) -> pd.DataFrame:
    """Joint programmes in news or reports that no register entry matches (closed ones left out)."""
    with _session(url) as s:
        rows = pq.missing_from_register(s)
    return pd.DataFrame([{"programme_id": r["id"], "label": r["label"], "mode": r["mode"], "level": r["level"],
                          "status": r["status"], "first_year": r["first_year"], "last_year": r["last_year"],
                          "partners": _join([p["name"] for p in r["partners"]]),
                          "schools": _join([u["name"] for u in r["schools"]]),
                          "documents": r["documents"], "report_rows": r["report_rows"]} for r in rows],
                        columns=["programme_id", "label", "mode", "level", "status", "first_year", "last_year",
                                 "partners", "schools", "documents", "report_rows"])
