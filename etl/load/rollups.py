"""Pre-aggregated counts for the dashboard: rebuilt by the ETL, used only while exact.

Some Overview counts are too slow to take live at 100,000 documents on SQLite
(bench/dashboard.py), however they are indexed: *activities by school* joins every
surviving school mention to every activity of its document (~270,000 pairs, 250–450 ms of
CPU); *top partners* and *partner countries* count distinct documents over every partner
mention (~155,000, 100–180 ms). Three rollups hold those counts per year and language:

- ``rollup_school_kinds`` (school, activity kind, year, language): documents, not gone
  at the source, that report an activity of that kind and have a surviving (not
  rejected) fact naming that school;
- ``rollup_kind_docs`` (activity kind, year, language): documents, not gone, reporting
  an activity of that kind (the activities per year and kind: one per kind and document);
- ``rollup_partner_docs`` (partner, year, language): documents, not gone, with a
  surviving fact naming the partner (whatever the partner's status: the dashboard
  leaves rejected partners out when it reads);
- ``rollup_country_docs`` (country, year, language): documents, not gone, naming a
  partner of that country that is not rejected, in a surviving fact.
- ``rollup_school_partner_docs`` (school, partner, year, language): documents, not gone,
  with surviving facts naming both (the Network page's edges; whatever the partner's
  status, as for ``rollup_partner_docs``).
- ``rollup_partner_kind_docs`` (partner kind, year, language): documents, not gone,
  naming a partner of that kind (``unknown`` when not known), not rejected, in a
  surviving fact;
- ``rollup_school_country_docs`` (school, partner country, year, language): documents, not
  gone, with surviving facts naming the school and a partner of that country, not rejected;
- ``rollup_school_partner_totals`` (school, partner): the same over all years and languages;
- ``rollup_school_partner_kind_docs`` (school, partner kind, year, language): documents, not
  gone, with surviving facts naming the school and a partner of that kind, not rejected;
- ``rollup_docs`` (year, language): documents, not gone;
- ``rollup_school_docs`` (school, year, language): documents, not gone, with a surviving
  fact naming the school.

Every rollup but the two per activity kind also has the dimension ``kinds``: the set of
activity kinds its documents report, as bits (bit *i* for ``ACTIVITY_KINDS[i]``,
:func:`kinds_mask`), so that a kind filter is ``kinds >= 0 AND kinds & mask <> 0``. The
same table also holds the rows summed over every set, with ``kinds = -1``
(:data:`ALL_KINDS`): without a kind filter a reader takes those (``kinds = -1``, the
index's first column), as many rows as before the kinds were added, not one per set.

A document has one year, one language and one set of kinds, so summing rows over a year
range, a language and the kind sets that meet a filter gives exact distinct-document
counts; the dashboard uses a rollup only for the filters that are its dimensions (or
attributes of them, like a partner's country) and counts live otherwise.

How it stays exact:

- each is a pure function of ``documents``, ``facts``, ``activities`` and ``partners``, rebuilt from
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

from collections.abc import Iterable

from sqlalchemy import Connection, case, delete, distinct, func, insert, literal, select

from etl.load.models import (
    ACTIVITY_KINDS,
    Activity,
    Curation,
    Document,
    Fact,
    Partner,
    Rollup,
    RollupCountryDocs,
    RollupDocs,
    RollupKindDocs,
    RollupPartnerDocs,
    RollupPartnerKindDocs,
    RollupSchoolCountryDocs,
    RollupSchoolDocs,
    RollupSchoolKind,
    RollupSchoolPartnerDocs,
    RollupSchoolPartnerKindDocs,
    RollupSchoolPartnerTotals,
    Run,
)

log = logging.getLogger("etl.rollups")

SCHOOL_KINDS = "school_kinds"
PARTNER_DOCS = "partner_docs"
KIND_DOCS = "kind_docs"
COUNTRY_DOCS = "country_docs"
SCHOOL_PARTNER_DOCS = "school_partner_docs"
DOCS = "docs"
SCHOOL_DOCS = "school_docs"
PARTNER_KIND_DOCS = "partner_kind_docs"
SCHOOL_COUNTRY_DOCS = "school_country_docs"
SCHOOL_PARTNER_TOTALS = "school_partner_totals"
SCHOOL_PARTNER_KIND_DOCS = "school_partner_kind_docs"
# Part of every stamp: a new layout or kind list (a new release) makes the rollups stale,
# so the next run rebuilds them.
LAYOUT = "3:" + ",".join(ACTIVITY_KINDS)
ALL_KINDS = -1  # the rows of a kinds rollup that count documents whatever their kinds
_BITS = {kind: 1 << i for i, kind in enumerate(ACTIVITY_KINDS)}


def kinds_mask(kinds: Iterable[str]) -> int:
    """The bit set of activity kinds (unknown kinds have no bit)."""
    mask = 0
    for k in kinds:
        mask |= _BITS.get(k, 0)
    return mask


def _doc_kinds():
    """``document_id, kinds``: the bit set of each document's activity kinds (one activity per
    kind and document, so the sum is the set); documents without activities have no row."""
    A = Activity.__table__
    bits = case(_BITS, value=A.c.kind, else_=0)
    return select(A.c.document_id, func.sum(bits).label("kinds")).group_by(A.c.document_id).subquery("dk")


def _kinds_of(dk):
    return func.coalesce(dk.c.kinds, 0)


def _grain(by_kinds: bool):
    """(the subquery of document kinds, or None; the ``kinds`` column of the rows)."""
    if by_kinds:
        dk = _doc_kinds()
        return dk, _kinds_of(dk)
    return None, literal(ALL_KINDS)


def _with_kinds(joined, dk, D):
    return joined.outerjoin(dk, dk.c.document_id == D.c.id) if dk is not None else joined


def fingerprint(conn: Connection) -> str:
    """A short string that changes whenever the data the rollups depend on may have changed."""
    R, C = Run.__table__, Curation.__table__
    run = conn.execute(select(R.c.id, R.c.status, R.c.finished_at).order_by(R.c.id.desc()).limit(1)).first()
    last_curation = conn.execute(select(func.max(C.c.id))).scalar()
    active = conn.execute(select(func.count()).select_from(C).where(C.c.active.is_(True))).scalar()
    ids = [conn.execute(select(func.max(t.c.id))).scalar()
           for t in (Document.__table__, Fact.__table__, Activity.__table__)]
    parts = [*(run or ("-", "-", "-")), last_curation, active, *ids, LAYOUT]
    return "|".join("-" if p is None else str(p) for p in parts)


def _school_pairs():
    """(document, school) pairs of the surviving school facts, each once: two mentions of one
    school in a document count once."""
    F = Fact.__table__
    return (select(F.c.document_id, F.c.unit_id).distinct()
            .where(F.c.type == "school", F.c.status != "rejected", F.c.unit_id.is_not(None)).subquery("s"))


def _partner_pairs(column, name: str, *cond):
    """(document, ``column``) pairs, each once, of the surviving partner facts (``column`` of
    ``partners``, when given, read for partners that are not rejected)."""
    F, P = Fact.__table__, Partner.__table__
    fp = F.alias("fp")
    value = fp.c.partner_id if column is None else column
    src = fp if column is None else fp.join(P, P.c.id == fp.c.partner_id)
    extra = [fp.c.partner_id.is_not(None)] if column is None else [P.c.status != "rejected"]
    return (select(fp.c.document_id, value.label(name)).distinct().select_from(src)
            .where(fp.c.type == "partner", fp.c.status != "rejected", *extra, *cond).subquery(f"by_{name}"))


def _school_kinds():
    D, A = Document.__table__, Activity.__table__
    pairs = _school_pairs()
    return (select(pairs.c.unit_id, A.c.kind, D.c.year, D.c.lang, func.count(distinct(D.c.id)))
            .select_from(pairs.join(A, A.c.document_id == pairs.c.document_id)
                         .join(D, D.c.id == pairs.c.document_id))
            .where(D.c.status != "gone")
            .group_by(pairs.c.unit_id, A.c.kind, D.c.year, D.c.lang))


def _kind_docs():
    D, A = Document.__table__, Activity.__table__
    return (select(A.c.kind, D.c.year, D.c.lang, func.count(distinct(D.c.id)))
            .select_from(A.join(D, D.c.id == A.c.document_id))
            .where(D.c.status != "gone")
            .group_by(A.c.kind, D.c.year, D.c.lang))


def _partner_docs(by_kinds: bool = True):
    D, F = Document.__table__, Fact.__table__
    dk, kinds = _grain(by_kinds)
    return (select(F.c.partner_id, D.c.year, D.c.lang, kinds, func.count(distinct(D.c.id)))
            .select_from(_with_kinds(F.join(D, D.c.id == F.c.document_id), dk, D))
            .where(F.c.type == "partner", F.c.status != "rejected", F.c.partner_id.is_not(None),
                   D.c.status != "gone")
            .group_by(F.c.partner_id, D.c.year, D.c.lang, *([kinds] if by_kinds else [])))


def _country_docs(by_kinds: bool = True):
    D, F, P = Document.__table__, Fact.__table__, Partner.__table__
    dk, kinds = _grain(by_kinds)
    return (select(P.c.country, D.c.year, D.c.lang, kinds, func.count(distinct(D.c.id)))
            .select_from(_with_kinds(F.join(D, D.c.id == F.c.document_id).join(P, P.c.id == F.c.partner_id), dk, D))
            .where(F.c.type == "partner", F.c.status != "rejected", P.c.status != "rejected",
                   P.c.country.is_not(None), D.c.status != "gone")
            .group_by(P.c.country, D.c.year, D.c.lang, *([kinds] if by_kinds else [])))


def _partner_kind_docs(by_kinds: bool = True):
    D, F, P = Document.__table__, Fact.__table__, Partner.__table__
    dk, kinds = _grain(by_kinds)
    pkind = func.coalesce(P.c.kind, "unknown")
    return (select(pkind, D.c.year, D.c.lang, kinds, func.count(distinct(D.c.id)))
            .select_from(_with_kinds(F.join(D, D.c.id == F.c.document_id).join(P, P.c.id == F.c.partner_id), dk, D))
            .where(F.c.type == "partner", F.c.status != "rejected", P.c.status != "rejected", D.c.status != "gone")
            .group_by(pkind, D.c.year, D.c.lang, *([kinds] if by_kinds else [])))


def _school_with(other, by_kinds: bool, per_year: bool = True):
    """Documents, not gone, per school and value of ``other`` (a subquery of (document, value)
    pairs, each once), per year and language unless ``per_year`` is false, and per set of kinds."""
    D = Document.__table__
    schools = _school_pairs()
    value = other.c[other.c.keys()[1]]
    dk, kinds = _grain(by_kinds)
    dims = [schools.c.unit_id, value, *([D.c.year, D.c.lang] if per_year else [])]
    return (select(*dims, kinds, func.count())
            .select_from(_with_kinds(schools.join(other, other.c.document_id == schools.c.document_id)
                                     .join(D, D.c.id == schools.c.document_id), dk, D))
            .where(D.c.status != "gone")
            .group_by(*dims, *([kinds] if by_kinds else [])))


def _school_country_docs(by_kinds: bool = True):
    P = Partner.__table__
    return _school_with(_partner_pairs(P.c.country, "country", P.c.country.is_not(None)), by_kinds)


def _school_partner_docs(by_kinds: bool = True):
    return _school_with(_partner_pairs(None, "partner_id"), by_kinds)


def _school_partner_kind_docs(by_kinds: bool = True):
    P = Partner.__table__
    return _school_with(_partner_pairs(func.coalesce(P.c.kind, "unknown"), "pkind"), by_kinds)


def _school_partner_totals(by_kinds: bool = True):
    return _school_with(_partner_pairs(None, "partner_id"), by_kinds, per_year=False)


def _docs(by_kinds: bool = True):
    D = Document.__table__
    dk, kinds = _grain(by_kinds)
    return (select(D.c.year, D.c.lang, kinds, func.count())
            .select_from(_with_kinds(D, dk, D))
            .where(D.c.status != "gone")
            .group_by(D.c.year, D.c.lang, *([kinds] if by_kinds else [])))


def _school_docs(by_kinds: bool = True):
    D = Document.__table__
    pairs = _school_pairs()
    dk, kinds = _grain(by_kinds)
    return (select(pairs.c.unit_id, D.c.year, D.c.lang, kinds, func.count())
            .select_from(_with_kinds(pairs.join(D, D.c.id == pairs.c.document_id), dk, D))
            .where(D.c.status != "gone")
            .group_by(pairs.c.unit_id, D.c.year, D.c.lang, *([kinds] if by_kinds else [])))


# name -> (table, its columns in the order the SELECT gives them, the SELECT)
ROLLUPS = {
    SCHOOL_KINDS: (RollupSchoolKind, ["unit_id", "kind", "year", "lang", "documents"], _school_kinds),
    KIND_DOCS: (RollupKindDocs, ["kind", "year", "lang", "documents"], _kind_docs),
    PARTNER_DOCS: (RollupPartnerDocs, ["partner_id", "year", "lang", "kinds", "documents"], _partner_docs),
    COUNTRY_DOCS: (RollupCountryDocs, ["country", "year", "lang", "kinds", "documents"], _country_docs),
    SCHOOL_PARTNER_DOCS: (RollupSchoolPartnerDocs, ["unit_id", "partner_id", "year", "lang", "kinds", "documents"],
                          _school_partner_docs),
    PARTNER_KIND_DOCS: (RollupPartnerKindDocs, ["pkind", "year", "lang", "kinds", "documents"], _partner_kind_docs),
    SCHOOL_COUNTRY_DOCS: (RollupSchoolCountryDocs, ["unit_id", "country", "year", "lang", "kinds", "documents"],
                          _school_country_docs),
    SCHOOL_PARTNER_KIND_DOCS: (RollupSchoolPartnerKindDocs, ["unit_id", "pkind", "year", "lang", "kinds", "documents"],
                               _school_partner_kind_docs),
    SCHOOL_PARTNER_TOTALS: (RollupSchoolPartnerTotals, ["unit_id", "partner_id", "kinds", "documents"],
                            _school_partner_totals),
    DOCS: (RollupDocs, ["year", "lang", "kinds", "documents"], _docs),
    SCHOOL_DOCS: (RollupSchoolDocs, ["unit_id", "year", "lang", "kinds", "documents"], _school_docs),
}


RUN_PARTS = 3  # the fingerprint's first parts name the latest run; the rest describe the data


def data_part(stamp: str | None) -> str | None:
    """The fingerprint without its latest-run parts: what the rollups were computed from."""
    return None if stamp is None else stamp.split("|", RUN_PARTS)[-1]


def fresh_data_part(conn: Connection) -> str | None:
    """The data part of the fingerprint when every rollup is fresh now, else None."""
    return data_part(fingerprint(conn)) if all_fresh(conn) else None


def restamp(conn: Connection) -> None:
    """Mark every rollup fresh for the current fingerprint without rebuilding it.

    Only for a run that changed nothing the rollups count, started with every rollup fresh
    and ended with the same data part (see the ETL's ``Pipeline._after_load``): the rows are
    then still exact, and a no-op refresh costs a few lookups instead of a rebuild.
    """
    ST = Rollup.__table__
    stamp = fingerprint(conn)
    for name in ROLLUPS:
        conn.execute(delete(ST).where(ST.c.name == name))
        conn.execute(insert(ST).values(name=name, fingerprint=stamp))


def refresh(conn: Connection) -> int:
    """Rebuild every rollup from the current rows and stamp it; returns the rows written.

    Runs inside the caller's transaction (``engine.begin()``), so readers see the old
    rollups or the new ones, never half-built ones.
    """
    ST = Rollup.__table__
    stamp = fingerprint(conn)
    total = 0
    for name, (model, columns, rows) in ROLLUPS.items():
        table = model.__table__
        conn.execute(delete(table))
        conn.execute(insert(table).from_select(columns, rows()))
        if "kinds" in columns:  # the rows over every set of kinds (kinds = ALL_KINDS)
            conn.execute(insert(table).from_select(columns, rows(by_kinds=False)))
        conn.execute(delete(ST).where(ST.c.name == name))
        conn.execute(insert(ST).values(name=name, fingerprint=stamp))
        total += int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)
    return total


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
    milliseconds at 100,000 documents). SQLite reads every index (a few seconds at
    1,000,000 facts and activities: its sampled ``analysis_limit`` mode misjudged the
    covering indexes and chose worse plans); PostgreSQL samples by itself.
    """
    tables = ("documents", "facts", "activities", "partners", "units", *(m.__tablename__ for m, _c, _r in
                                                                       ROLLUPS.values()))
    for t in tables:
        conn.exec_driver_sql(f"ANALYZE {t}")


def fresh_names(conn: Connection) -> set[str]:
    """The rollups built from exactly the data now in the database (one fingerprint, one read)."""
    ST = Rollup.__table__
    stamps = {name: fp for name, fp in conn.execute(select(ST.c.name, ST.c.fingerprint)) if name in ROLLUPS}
    if not stamps:  # never built (or reset by a migration): no fingerprint to compute
        return set()
    stamp = fingerprint(conn)
    return {name for name, fp in stamps.items() if fp == stamp}


def all_fresh(conn: Connection) -> bool:
    """Whether every rollup matches the data (else :func:`refresh` is due)."""
    return all(is_fresh(conn, name) for name in ROLLUPS)
