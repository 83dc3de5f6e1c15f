"""Pre-aggregated counts for the dashboard: rebuilt by the ETL, used only while exact.

One count is too slow to take live at 100,000 documents on SQLite (bench/dashboard.py):
the Overview's *activities by school* joins every surviving school mention to every
activity of its document (~270,000 pairs) and sorts them by school and kind, 250–450 ms
of CPU. ``rollup_school_kinds`` holds the answer per (school, kind, year, language): the
number of documents, not gone at the source, that report an activity of that kind and
have a surviving (not rejected) fact naming that school. The chart then sums a few
thousand rows for any year range, language, schools and kinds.

How it stays exact:

- it is a pure function of ``documents``, ``facts`` and ``activities``, rebuilt from
  scratch (DELETE + INSERT … SELECT, one transaction) by :func:`refresh`, which the ETL
  calls at the end of every run, after the run's own row is final;
- the rebuild is stamped with :func:`fingerprint` of the data it was computed from: the
  latest run (id, status, finish time), the latest curation and the number of active
  ones, and the highest document, fact and activity ids. Every change goes through a run
  (documents, facts, activities, documents gone) or a curator's decision (a ``curations``
  row), so any change moves the fingerprint;
- the dashboard reads the rollup only when its stamp equals the current fingerprint
  (:func:`is_fresh`, a handful of primary-key lookups) and otherwise runs the live query.
  A curator's decision between two runs, a run in progress or a failed rebuild therefore
  cost speed, never correctness, until the next run rebuilds the rollup.
"""
from __future__ import annotations

import logging

from sqlalchemy import Connection, delete, distinct, func, insert, select

from etl.load.models import Activity, Curation, Document, Fact, Rollup, RollupSchoolKind, Run

log = logging.getLogger("etl.rollups")

SCHOOL_KINDS = "school_kinds"


def fingerprint(conn: Connection) -> str:
    """A short string that changes whenever the data the rollups depend on may have changed."""
    R, C = Run.__table__, Curation.__table__
    run = conn.execute(select(R.c.id, R.c.status, R.c.finished_at).order_by(R.c.id.desc()).limit(1)).first()
    last_curation = conn.execute(select(func.max(C.c.id))).scalar()
    active = conn.execute(select(func.count()).select_from(C).where(C.c.active.is_(True))).scalar()
    ids = [conn.execute(select(func.max(t.c.id))).scalar()
           for t in (Document.__table__, Fact.__table__, Activity.__table__)]
    parts = [*(run or ("-", "-", "-")), last_curation, active, *ids]
    return "|".join("-" if p is None else str(p) for p in parts)


def refresh(conn: Connection) -> int:
    """Rebuild every rollup from the current rows and stamp it; returns the rows written.

    Runs inside the caller's transaction (``engine.begin()``), so readers see the old
    rollup or the new one, never a half-built one.
    """
    D, F, A = Document.__table__, Fact.__table__, Activity.__table__
    RS, ST = RollupSchoolKind.__table__, Rollup.__table__
    stamp = fingerprint(conn)
    conn.execute(delete(RS))
    # (document, school) pairs first: two mentions of one school in a document count once.
    pairs = (select(F.c.document_id, F.c.unit_id).distinct()
             .where(F.c.type == "school", F.c.status != "rejected", F.c.unit_id.is_not(None)).subquery("s"))
    rows = (select(pairs.c.unit_id, A.c.kind, D.c.year, D.c.lang, func.count(distinct(D.c.id)))
            .select_from(pairs.join(A, A.c.document_id == pairs.c.document_id)
                         .join(D, D.c.id == pairs.c.document_id))
            .where(D.c.status != "gone")
            .group_by(pairs.c.unit_id, A.c.kind, D.c.year, D.c.lang))
    conn.execute(insert(RS).from_select(["unit_id", "kind", "year", "lang", "documents"], rows))
    conn.execute(delete(ST).where(ST.c.name == SCHOOL_KINDS))
    conn.execute(insert(ST).values(name=SCHOOL_KINDS, fingerprint=stamp))
    return int(conn.execute(select(func.count()).select_from(RS)).scalar() or 0)


def refresh_url(url: str) -> int:
    """:func:`refresh` in a transaction of its own on database ``url``."""
    from etl.db import get_engine

    with get_engine(url).begin() as conn:
        return refresh(conn)


def is_fresh(conn: Connection, name: str = SCHOOL_KINDS) -> bool:
    """Whether rollup ``name`` was built from exactly the data now in the database."""
    ST = Rollup.__table__
    stamp = conn.execute(select(ST.c.fingerprint).where(ST.c.name == name)).scalar()
    return stamp is not None and stamp == fingerprint(conn)


def update_statistics(conn: Connection) -> None:
    """Refresh the query planner's statistics of the tables the dashboard counts.

    Without them SQLite may drive a count from the wrong index (seconds instead of
    milliseconds at 100,000 documents). On SQLite ``analysis_limit`` samples each index
    (milliseconds, not a full pass); PostgreSQL samples by itself.
    """
    tables = ("documents", "facts", "activities", "partners", "units", "rollup_school_kinds")
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA analysis_limit=2000")
    for t in tables:
        conn.exec_driver_sql(f"ANALYZE {t}")
