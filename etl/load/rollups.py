"""Pre-aggregated counts for the dashboard, exact after every write, in the write's own transaction.

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
attributes of them, like a partner's country) and counts from the facts otherwise.

How it stays exact: every rollup row counts documents, one each, and a document counts under
rows that follow from its *inputs* alone (year, language, activity kinds, the schools and
the partners of its surviving facts with their country, kind and status). ``documents.counted``
records the inputs each document is counted as. A write says which documents it touched (or
which partners or units: then every document naming one), and :func:`refresh_rollups`, in the
write's transaction, takes each touched document out of the rows of its recorded inputs and
puts it into the rows of its current ones, deleting rows that fall to zero: the work is
proportional to what the write touched (a curator's decision: one document or one partner's
documents), and readers see the counts before the write or after it, never a stale mix. The
dashboard therefore reads the rollups for every filter that is one of their dimensions, with
no freshness check and no second (live) path for the same question.

Sessions need not call it: a commit hook (:func:`_refresh_at_commit`) refreshes the
documents whose rows the session's flushes added, changed or deleted (documents, facts,
activities; partners whose country, kind or status changed), plus those noted by
:func:`touch` for bulk statements the ORM does not see (the ETL's ``DELETE`` of a changed
document's facts, documents marked gone). :func:`rebuild` recomputes everything from the
SELECTs below: the definition the incremental path is tested against (tests/test_rollups.py).
"""
from __future__ import annotations

import json
import logging

from collections.abc import Iterable

from sqlalchemy import (Connection, bindparam, case, delete, distinct, event, func, insert, inspect, literal, select,
                        update)
from sqlalchemy.orm import Session

from etl.load.models import (
    ACTIVITY_KINDS,
    Activity,
    Document,
    Fact,
    Partner,
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


# -- kept exact by every write --------------------------------------------------------------
#
# A document's *inputs* are what the rollups read of it: its year, language, activity kinds,
# the schools of its surviving school facts and the partners (with their country, kind and
# status) of its surviving partner facts; ``None`` for a document gone at the source, which
# counts nowhere. ``documents.counted`` holds the inputs the rollups currently count for each
# document (migration 0040), so a write needs to say only which documents it touched: the
# rows they counted under before are read from that column, the rows they count under now
# from the tables, and the difference goes into the rollups in the write's own transaction.

CHUNK = 500
_SEP = (",", ":")


def _inputs(conn: Connection, ids: list[int]) -> dict[int, str | None]:
    """The current inputs of documents ``ids`` (canonical JSON, or None when the document counts nowhere)."""
    D, A, F, P = Document.__table__, Activity.__table__, Fact.__table__, Partner.__table__
    docs = {i: (y, lang) for i, y, lang, status in
            conn.execute(select(D.c.id, D.c.year, D.c.lang, D.c.status).where(D.c.id.in_(ids)))
            if status != "gone"}
    if not docs:
        return dict.fromkeys(ids)
    kinds: dict[int, set[str]] = {}
    for d, kind in conn.execute(select(A.c.document_id, A.c.kind).where(A.c.document_id.in_(list(docs)))):
        kinds.setdefault(d, set()).add(kind)
    units: dict[int, set[int]] = {}
    partners: dict[int, set[tuple]] = {}
    rows = conn.execute(
        select(F.c.document_id, F.c.type, F.c.unit_id, F.c.partner_id, P.c.country, P.c.kind, P.c.status)
        .select_from(F.outerjoin(P, P.c.id == F.c.partner_id))
        .where(F.c.document_id.in_(list(docs)), F.c.status != "rejected", F.c.type.in_(("school", "partner"))))
    for d, typ, unit, pid, country, pkind, pstatus in rows:
        if typ == "school" and unit is not None:
            units.setdefault(d, set()).add(unit)
        elif typ == "partner" and pid is not None and pstatus is not None:
            partners.setdefault(d, set()).add((pid, country, pkind, pstatus))
    out: dict[int, str | None] = dict.fromkeys(ids)
    for d, (year, lang) in docs.items():
        out[d] = json.dumps([year, lang, sorted(kinds.get(d, ())), sorted(units.get(d, ())),
                             sorted(partners.get(d, ()), key=lambda p: p[0])], separators=_SEP)
    return out


def _rows(counted: str | None) -> dict[str, list[tuple]]:
    """The rollup rows (keys) one document counts under, given its inputs: one document each."""
    if counted is None:
        return {}
    year, lang, kind_list, units, partners = json.loads(counted)
    mask = kinds_mask(kind_list)
    grains = (mask, ALL_KINDS)
    pids = sorted({p[0] for p in partners})
    alive = [p for p in partners if p[3] != "rejected"]
    countries = sorted({p[1] for p in alive if p[1] is not None})
    pkinds = sorted({p[2] or "unknown" for p in alive})
    out = {
        SCHOOL_KINDS: [(u, k, year, lang) for u in units for k in kind_list],
        KIND_DOCS: [(k, year, lang) for k in kind_list],
        PARTNER_DOCS: [(p, year, lang, g) for p in pids for g in grains],
        COUNTRY_DOCS: [(c, year, lang, g) for c in countries for g in grains],
        SCHOOL_PARTNER_DOCS: [(u, p, year, lang, g) for u in units for p in pids for g in grains],
        PARTNER_KIND_DOCS: [(k, year, lang, g) for k in pkinds for g in grains],
        SCHOOL_COUNTRY_DOCS: [(u, c, year, lang, g) for u in units for c in countries for g in grains],
        SCHOOL_PARTNER_KIND_DOCS: [(u, k, year, lang, g) for u in units for k in pkinds for g in grains],
        SCHOOL_PARTNER_TOTALS: [(u, p, g) for u in units for p in pids for g in grains],
        DOCS: [(year, lang, g) for g in grains],
        SCHOOL_DOCS: [(u, year, lang, g) for u in units for g in grains],
    }
    return out


def _touched(conn: Connection, documents: Iterable[int], partners: Iterable[int], units: Iterable[int]) -> list[int]:
    """The documents a write touched: those given and those with a fact naming one of the partners or units."""
    F = Fact.__table__
    ids = {int(d) for d in documents if d is not None}
    for column, values in ((F.c.partner_id, partners), (F.c.unit_id, units)):
        values = sorted({int(v) for v in values if v is not None})
        for i in range(0, len(values), CHUNK):
            ids.update(conn.execute(select(F.c.document_id).distinct()
                                    .where(column.in_(values[i:i + CHUNK]))).scalars())
    return sorted(ids)


def _connection(target) -> Connection:
    return target.connection() if hasattr(target, "connection") and not isinstance(target, Connection) else target


def refresh_rollups(target, documents: Iterable[int] = (), *, partners: Iterable[int] = (),
                    units: Iterable[int] = ()) -> int:
    """Bring every rollup in line with the documents a write touched, inside the write's transaction.

    ``target`` is the write's session or connection; ``documents`` the ids of the documents
    it touched, ``partners`` and ``units`` those of the partners and units it changed (every
    document with a fact naming one is then touched too). For each touched document the rows
    it counted under (``documents.counted``) lose one document and the rows it counts under
    now gain one; rows that fall to zero go. Documents whose inputs did not change cost one
    read. Returns the number of documents whose counts moved.
    """
    conn = _connection(target)
    ids = _touched(conn, documents, partners, units)
    if not ids:
        return 0
    D = Document.__table__
    delta: dict[str, dict[tuple, int]] = {name: {} for name in ROLLUPS}
    moved: list[dict] = []
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i:i + CHUNK]
        q = select(D.c.id, D.c.counted).where(D.c.id.in_(chunk))
        if conn.dialect.name == "postgresql":  # two writes touching one document take turns
            q = q.with_for_update(of=D)
        before = dict(conn.execute(q).all())
        now = _inputs(conn, chunk)
        for d, new in now.items():
            if d not in before or before[d] == new:
                continue  # deleted documents never counted (their rows went with them: see _forget)
            for sign, counted in ((-1, before[d]), (1, new)):
                for name, keys in _rows(counted).items():
                    rows = delta[name]
                    for key in keys:
                        rows[key] = rows.get(key, 0) + sign
            moved.append({"i": d, "c": new})
    if moved:
        conn.execute(update(D).where(D.c.id == bindparam("i")).values(counted=bindparam("c")), moved)
        if conn.dialect.name == "postgresql":
            # Rollup rows are shared by every write: writers take turns from here to their commit
            # (after locking their documents above, so a lock holder never waits for a document),
            # so that two never insert the same new row or lock rows in opposite orders.
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7214001)")
        for name, rows in delta.items():
            _apply(conn, name, {k: v for k, v in rows.items() if v})
    return len(moved)


def _key_sql(conn: Connection, name: str) -> tuple[str, list[str]]:
    model, columns, _select = ROLLUPS[name]
    return model.__tablename__, columns[:-1]


BULK = 200  # keys per statement


def _apply(conn: Connection, name: str, rows: dict[tuple, int]) -> None:
    """Add ``rows`` (key → documents, + or −) to rollup ``name``, a few statements per table: the
    existing rows updated from a VALUES list, the missing ones inserted from it, the rows left
    at zero deleted. Keys with a NULL part (undated documents) one at a time (``IS NULL``)."""
    if not rows:
        return
    table, keys = _key_sql(conn, name)
    ph = "%s" if conn.dialect.paramstyle in ("format", "pyformat") else "?"
    n = len(keys)
    cols = ", ".join([*keys, "documents"])
    match = " AND ".join(f"{table}.{c} = v.column{i}" for i, c in enumerate(keys, 1))
    order = sorted(rows, key=lambda k: tuple((v is None, v if v is not None else 0) for v in k))
    plain = [k for k in order if None not in k]
    for i in range(0, len(plain), BULK):
        chunk = plain[i:i + BULK]
        values = "VALUES " + ", ".join(["(" + ", ".join([ph] * (n + 1)) + ")"] * len(chunk))
        params = tuple(x for k in chunk for x in (*k, rows[k]))
        conn.exec_driver_sql(f"UPDATE {table} SET documents = documents + v.column{n + 1} "
                             f"FROM ({values}) AS v WHERE {match}", params)
        conn.exec_driver_sql(f"INSERT INTO {table} ({cols}) SELECT {', '.join(f'v.column{j}' for j in range(1, n + 2))} "
                             f"FROM ({values}) AS v WHERE NOT EXISTS (SELECT 1 FROM {table} WHERE {match})", params)
        if any(rows[k] < 0 for k in chunk):
            conn.exec_driver_sql(f"DELETE FROM {table} WHERE id IN (SELECT {table}.id FROM ({values}) AS v "
                                 f"JOIN {table} ON {match} WHERE {table}.documents = 0)", params)
    new = []
    for key in (k for k in order if None in k):
        where = " AND ".join(f"{c} IS NULL" if v is None else f"{c} = {ph}" for c, v in zip(keys, key))
        params = tuple(v for v in key if v is not None)
        d = rows[key]
        res = conn.exec_driver_sql(f"UPDATE {table} SET documents = documents + {ph} WHERE {where}", (d, *params))
        if res.rowcount == 0:
            if d < 0:
                log.warning("rollup %s has no row %r to take %d documents from", name, key, -d)
            new.append((*key, d))
        elif d < 0:
            conn.exec_driver_sql(f"DELETE FROM {table} WHERE {where} AND documents = 0", params)
    if new:
        conn.exec_driver_sql(f"INSERT INTO {table} ({cols}) VALUES ({', '.join([ph] * (n + 1))})", new)


def rebuild(conn: Connection) -> int:
    """Rebuild every rollup from scratch (DELETE + INSERT … SELECT) and record what each document
    is counted as; returns the rows written.

    The definition of the rollups (one SELECT each, above) and the reference the incremental
    :func:`refresh_rollups` is tested against; used by the migration that introduced
    ``documents.counted`` and by fixtures that build their rows without a session.
    Runs inside the caller's transaction, so readers see the old rollups or the new ones.
    """
    total = 0
    for name, (model, columns, rows) in ROLLUPS.items():
        table = model.__table__
        conn.execute(delete(table))
        conn.execute(insert(table).from_select(columns, rows()))
        if "kinds" in columns:  # the rows over every set of kinds (kinds = ALL_KINDS)
            conn.execute(insert(table).from_select(columns, rows(by_kinds=False)))
        total += int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)
    D = Document.__table__
    ids = list(conn.execute(select(D.c.id).order_by(D.c.id)).scalars())
    for i in range(0, len(ids), CHUNK * 10):
        now = _inputs(conn, ids[i:i + CHUNK * 10])
        conn.execute(update(D).where(D.c.id == bindparam("i")).values(counted=bindparam("c")),
                     [{"i": d, "c": c} for d, c in now.items()])
    return total


def snapshot(conn: Connection) -> dict[str, list[tuple]]:
    """Every rollup's rows (key columns and documents), sorted: for comparing two states."""
    out = {}
    for name, (model, columns, _rows) in ROLLUPS.items():
        t = model.__table__
        rows = conn.execute(select(*[t.c[c] for c in columns])).all()
        out[name] = sorted((tuple(r) for r in rows), key=lambda r: tuple((v is None, str(v)) for v in r))
    return out


# -- sessions: every commit refreshes what its flushes touched ------------------------------

_INFO = "rollups_touched"
_PARTNER_INPUTS = ("country", "kind", "status")  # what the rollups read of a partner


def touch(session: Session, documents: Iterable[int] = (), *, partners: Iterable[int] = (),
          units: Iterable[int] = ()) -> None:
    """Note documents, partners or units a session changed by a bulk statement (UPDATE … WHERE,
    DELETE …), which the ORM does not see; the rollups follow at commit."""
    t = session.info.setdefault(_INFO, (set(), set(), set()))
    t[0].update(documents)
    t[1].update(partners)
    t[2].update(units)


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, _ctx) -> None:
    docs, partners = set(), set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, (Fact, Activity)):
            docs.add(obj.document_id)
        elif isinstance(obj, Document):
            docs.add(obj.id)
        elif isinstance(obj, Partner) and obj not in session.new:
            state = inspect(obj)
            if obj in session.deleted or any(state.attrs[a].history.has_changes() for a in _PARTNER_INPUTS):
                partners.add(obj.id)
    if docs or partners:
        touch(session, docs, partners=partners)


@event.listens_for(Session, "before_commit")
def _refresh_at_commit(session: Session) -> None:
    if session.info.get(_INFO) is None and not (session.new or session.dirty or session.deleted):
        return
    session.flush()
    t = session.info.pop(_INFO, None)
    if t and any(t):
        refresh_rollups(session, t[0], partners=t[1], units=t[2])


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_INFO, None)

def statistics_tables() -> tuple[str, ...]:
    """The tables whose planner statistics the dashboard's counts depend on."""
    return ("documents", "facts", "activities", "partners", "units",
            *(m.__tablename__ for m, _c, _r in ROLLUPS.values()))


def update_statistics(conn: Connection, tables: Iterable[str] | None = None) -> None:
    """Refresh the query planner's statistics of the tables the dashboard counts (all of them,
    or ``tables``).

    Without them SQLite may drive a count from the wrong index (seconds instead of
    milliseconds at 100,000 documents). SQLite reads every index (a few seconds at
    1,000,000 facts and activities: its sampled ``analysis_limit`` mode misjudged the
    covering indexes and chose worse plans); PostgreSQL samples by itself.
    """
    for t in statistics_tables() if tables is None else tables:
        conn.exec_driver_sql(f"ANALYZE {t}")


# A table's statistics are stale once its rows moved by more than this since they were taken
# (PostgreSQL's autovacuum uses the same rule: 50 rows + 10 %).
STALE_ROWS, STALE_FRACTION = 50, 0.10


def _moved(then: float, now: float) -> bool:
    return abs(now - then) > STALE_ROWS + STALE_FRACTION * then


def _rows_sqlite(conn: Connection, tables: tuple[str, ...]) -> dict[str, tuple[float, float]]:
    """(rows when analysed, rows now) per table. ``sqlite_stat1`` records the first: each index's
    statistics start with the table's row count (a table analysed empty has no row: 0)."""
    then: dict[str, float] = {}
    if conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
        then = {t: float(n or 0) for t, n in conn.exec_driver_sql(
            "SELECT tbl, max(CAST(stat AS INTEGER)) FROM sqlite_stat1 GROUP BY tbl")}
    # count(*) walks the smallest index: a few ms for a million facts
    return {t: (then.get(t, 0.0), float(conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar() or 0))
            for t in tables}


def _rows_postgresql(conn: Connection, tables: tuple[str, ...]) -> dict[str, tuple[float, float]]:
    """(rows when last analysed or vacuumed, rows now) per table, as PostgreSQL's planner estimates
    them: ``pg_class.reltuples`` scaled by the table's pages now over its pages then (no scan; a
    table never analysed: -1 rows then)."""
    out = {}
    for t in tables:
        row = conn.exec_driver_sql(
            "SELECT reltuples, relpages, pg_relation_size(oid) / current_setting('block_size')::int "
            f"FROM pg_class WHERE oid = to_regclass('{t}')").first()
        if row is None:
            continue
        tuples, pages, pages_now = float(row[0]), float(row[1]), float(row[2])
        if tuples < 0:  # never analysed
            out[t] = (-1.0, 0.0)
        elif pages <= 0:
            out[t] = (tuples, tuples if pages_now <= 0 else float("inf"))
        else:
            out[t] = (tuples, tuples * pages_now / pages)
    return out


def stale_statistics(conn: Connection, *, touched_documents: int = 0) -> list[str]:
    """The tables whose planner statistics are stale: never taken, or their rows moved by more
    than 50 + 10 % since (:data:`STALE_ROWS`, :data:`STALE_FRACTION`). Every one of them when
    ``touched_documents`` (a run's new, changed and gone documents) is itself over that share of
    the documents: a large load changes how the rows spread, not only how many there are."""
    tables = statistics_tables()
    rows = (_rows_postgresql if conn.dialect.name == "postgresql" else _rows_sqlite)(conn, tables)
    docs_then = max(rows.get("documents", (0.0, 0.0))[0], 0.0)
    if touched_documents > STALE_ROWS + STALE_FRACTION * docs_then:
        return [t for t in tables if t in rows]
    return [t for t, (then, now) in rows.items() if then < 0 or _moved(then, now)]


def refresh_statistics(conn: Connection, *, touched_documents: int = 0, force: bool = False) -> list[str]:
    """Refresh the planner's statistics of the tables where they are stale (:func:`stale_statistics`;
    every counted table with ``force``) and return those tables.

    An ETL run calls it at its end (etl/pipeline.py). A full refresh reads every index on SQLite
    (seconds at a million facts, in a write transaction) and makes every reader connection reload
    the schema and its statistics; a run that adds a few documents to a large database leaves the
    statistics as true as they were, so it costs nothing. A first run, a large load and slow
    growth (once it adds up to 10 %) refresh them.
    """
    tables = list(statistics_tables()) if force else stale_statistics(conn, touched_documents=touched_documents)
    if tables:
        update_statistics(conn, tables)
    return tables
