"""Filters → DataFrames for the Schools page and the page of each school (no Dash imports).

Same contract as :mod:`dashboard.queries.common`: counted in SQL on the indexed columns, small
frames out. The news side counts exactly what the Overview counts (a document "involves"
a school when a surviving school fact names it); a school's own page is the page's
filters narrowed to that school (:meth:`DrillSpec.filters_for`), so every bar there
equals the number of documents its drill-down lists. The office reports (programmes,
agreements, students abroad) follow :mod:`dashboard.report.queries`'s reading of the
filters, so this page and the Programmes page agree.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Integer, cast, distinct, exists, func, literal, or_, select
from sqlalchemy.dialects.postgresql import JSONB

from dashboard.queries.common import (
    RSC,
    RSD,
    RSK,
    F,
    P,
    U,
    Filters,
    _fact_ok,
    _frame,
    _Probe,
    _one_country_rollup,
    _partner_ok,
    _per_kind,
    per_kind_facts,
    kinds_bit_count,
    _rollup_cond,
    evidence_conditions,
)
from dashboard.queries.drill import DrillSpec
from etl.load import rollups
from etl.load.models import RollupSchoolPartnerDocs

RSP = RollupSchoolPartnerDocs.__table__
from dashboard.report.queries import AG, MB, PG, _mobility_cond, _partner_cond, joint_programs
from etl.db import connect, get_engine


def school_filters(f: Filters, school_id: int) -> Filters:
    """The page's filters narrowed to one school (what the school's page counts)."""
    return DrillSpec(school=school_id).filters_for(f)


def _school_facts(f: Filters) -> list:
    """Surviving school facts in scope, of the chosen schools (their own school satisfies the
    school filter; the rest of the scope is tested on the fact row, see ``evidence_conditions``).

    The year is tested row by row (``_Probe``): with a year range and no school, SQLite
    otherwise walks ``ix_facts_year`` (every kind of fact, a table row each: ~1 s at
    100,000 documents) instead of the covering (type, unit_id, year, document_id, status) index.
    """
    cond = [F.c.type == "school", _fact_ok(),
            *evidence_conditions(F.c.document_id, _Probe(F.c.year), f, implied=frozenset({"schools"}))]
    if f.schools:
        cond.append(F.c.unit_id.in_(f.schools))
    return cond


def _activities_by(url: str, f: Filters, keys: tuple[str, ...]):
    """Activities of the documents naming each school, grouped by ``keys`` (among ``unit_id``,
    ``year``, ``kind``): ``SELECT *keys, n``.

    From the (school, kind, year, language) rollup when the filters are its dimensions (an
    activity of a kind in a document is one document of that kind), from the school–country
    one for one country, else counted over the school facts' copies of their documents' kinds.
    """
    if not (f.countries or f.partner_kinds):
        cond = _rollup_cond(RSK, f)
        if f.schools:
            cond.append(RSK.c.unit_id.in_(f.schools))
        if f.activity_kinds:
            cond.append(RSK.c.kind.in_(f.activity_kinds))
        cols = [RSK.c[k] for k in keys]
        return select(*cols, func.sum(RSK.c.documents).label("n")).where(*cond).group_by(*cols)
    one = _one_country_rollup(url, f, by_school=True)
    if one is not None:  # one country: the school–country rollup's rows per set of kinds
        table, cond = one
        if "kind" not in keys:  # the activities of each row: its documents times the kinds in its set
            cols = [table.c[k] for k in keys]
            n = func.sum(table.c.documents * kinds_bit_count(table.c.kinds, f))
            return (select(*cols, cast(n, Integer).label("n"))
                    .where(*_rollup_cond(table, f, per_kinds=True), *cond).group_by(*cols))
        sub = _per_kind(table, f, [table.c[k] for k in keys if k != "kind"], cond).subquery("k")
        cols = [sub.c[k] for k in keys]
        return select(*cols, cast(func.sum(sub.c.n), Integer).label("n")).group_by(*cols)
    cond = [F.c.type == "school", _fact_ok(),
            *evidence_conditions(F.c.document_id, _Probe(F.c.year), f, implied=frozenset({"schools"}))]
    if f.schools:
        cond.append(F.c.unit_id.in_(f.schools))
    # counted on the facts' copy of their document's kinds (no join to the activities)
    sub = per_kind_facts(f, [F.c[k] for k in keys if k != "kind"], cond).subquery("k")
    cols = [sub.c[k] for k in keys]
    return select(*cols, cast(func.sum(sub.c.n), Integer).label("n")).group_by(*cols)


def _school_docs_rollup(url: str, f: Filters):
    """(table, conditions) of the rollup answering the documents per school exactly:
    ``rollup_school_docs`` without a partner filter, ``rollup_school_country_docs`` for one
    country; else None."""
    if not (f.countries or f.partner_kinds):
        table, cond = RSD, []
    elif len(f.countries) == 1 and not f.partner_kinds:
        table, cond = RSC, [RSC.c.country == f.countries[0]]
    else:
        return None
    cond += [*_rollup_cond(table, f), table.c.documents > 0]
    if f.schools:
        cond.append(table.c.unit_id.in_(f.schools))
    return table, cond


def _activities_rolled(url: str, f: Filters) -> bool:
    """Whether :func:`_activities_by` reads a rollup for ``f`` (else it counts the facts)."""
    return (not (f.countries or f.partner_kinds)) or \
        _one_country_rollup(url, f, by_school=True) is not None


def _school_sets(conn, f: Filters) -> list[tuple[int, int | None, int, int]]:
    """``(unit_id, year, kinds, documents)``: documents in scope per school, year and set of
    activity kinds, in one pass over the school facts' covering index (their copy of the
    document's kinds). Documents and activities per school and year both follow from it:
    a document has one set, and it reports one activity of each kind in its set."""
    stmt = (select(F.c.unit_id, F.c.year, F.c.kinds, func.count(distinct(F.c.document_id)))
            .where(*_school_facts(f)).group_by(F.c.unit_id, F.c.year, F.c.kinds))
    return [(int(u), None if y is None else int(y), int(k or 0), int(n)) for u, y, k, n in conn.execute(stmt)]


def _activities_in(kinds: int, f: Filters) -> int:
    """Activities of the chosen kinds (else of any kind) in a document whose set is ``kinds``."""
    return bin(kinds & (rollups.kinds_mask(f.activity_kinds) if f.activity_kinds else -1)).count("1")


def _school_names(conn) -> dict[int, tuple[str, str | None]]:
    return {int(i): (n, z) for i, n, z in conn.execute(select(U.c.id, U.c.name, U.c.zh).where(U.c.type == "school"))}


# ---------------------------------------------------------------------------
# The Schools page
# ---------------------------------------------------------------------------
MEASURES = ("activities", "documents")


def school_year(url: str, f: Filters, measures: tuple[str, ...] = MEASURES) -> pd.DataFrame:
    """Per school and document year: ``unit_id, school, zh, year, activities, documents``.

    ``activities`` counts the activities (of the chosen kinds) of the documents in scope
    that name the school, as the Overview's "activities by school" does; ``documents`` the
    documents in scope that name it. Undated documents are left out; only schools with a
    count appear, only the chosen ones when some are chosen. ``measures`` says which to
    compute (the heat map shows one; the other column is then 0).
    """
    a: dict[tuple[int, int], int] = {}
    d: dict[tuple[int, int], int] = {}
    live = _school_docs_rollup(url, f) is None and not _activities_rolled(url, f)
    with connect(url) as conn:
        if live:  # no rollup answers: both measures from one pass over the school facts
            for u, y, k, n in _school_sets(conn, f):
                if y is None:
                    continue
                d[(u, y)] = d.get((u, y), 0) + n
                acts = n * _activities_in(k, f)
                if acts:
                    a[(u, y)] = a.get((u, y), 0) + acts
            if "activities" not in measures:
                a = {}
            if "documents" not in measures:
                d = {}
        elif "activities" in measures:
            for u, y, n in conn.execute(_activities_by(url, f, ("unit_id", "year"))):
                if y is not None and n:
                    a[(int(u), int(y))] = int(n)
        if "documents" in measures and not live:
            roll = _school_docs_rollup(url, f)
            if roll is not None:
                t, rcond = roll
                stmt = (select(t.c.unit_id, t.c.year, func.sum(t.c.documents))
                        .where(*rcond, t.c.year.is_not(None)).group_by(t.c.unit_id, t.c.year))
            else:
                stmt = (select(F.c.unit_id, F.c.year, func.count(distinct(F.c.document_id)))
                        .where(*_school_facts(f), F.c.year.is_not(None)).group_by(F.c.unit_id, F.c.year))
            d = {(int(u), int(y)): int(n) for u, y, n in conn.execute(stmt)}
        names = _school_names(conn)
    keys = sorted(set(a) | set(d))
    rows = [(u, names[u][0], names[u][1], y, a.get((u, y), 0), d.get((u, y), 0)) for u, y in keys if u in names]
    df = pd.DataFrame(rows, columns=["unit_id", "school", "zh", "year", "activities", "documents"])
    return df.sort_values(["school", "year"], ignore_index=True)


def school_summary(url: str, f: Filters) -> pd.DataFrame:
    """One row per school: ``unit_id, school, zh, documents, activities, first_year, last_year,
    programs, students`` (news in scope; programmes and students from the reports). Partners per
    school are on each school's page: counting them for every school at once pairs every
    school fact with every partner fact (seconds at 100,000 documents).

    Every school is listed (a school with no document in scope shows zeros), the chosen
    ones only when some are chosen.
    """
    ucond = [U.c.type == "school"]
    if f.schools:
        ucond.append(U.c.id.in_(f.schools))
    rollup = _activities_rolled(url, f)
    roll = _school_docs_rollup(url, f) if rollup else None
    if roll is not None:  # documents and activities from the rollups
        t, rcond = roll
        docs = (select(t.c.unit_id, func.sum(t.c.documents), func.min(t.c.year), func.max(t.c.year),
                       literal(None)).where(*rcond).group_by(t.c.unit_id))
    elif rollup:   # documents live, activities from the rollup (below)
        docs = (select(F.c.unit_id, func.count(distinct(F.c.document_id)), func.min(F.c.year), func.max(F.c.year),
                       literal(None)).where(*_school_facts(f)).group_by(F.c.unit_id))
    else:        # both from one pass over the school facts (per school, year and set of kinds)
        docs = None
    from dashboard.report.queries import _program_cond, _program_from

    progs = (select(PG.c.unit_id, func.count()).select_from(_program_from())
             .where(*_program_cond(f), PG.c.unit_id.is_not(None)).group_by(PG.c.unit_id))
    studs = (select(MB.c.unit_id, func.coalesce(func.sum(MB.c.students), 0))
             .select_from(MB.outerjoin(P, P.c.id == MB.c.partner_id))
             .where(*_mobility_cond(f), MB.c.unit_id.is_not(None)).group_by(MB.c.unit_id))
    with connect(url) as conn:
        units = conn.execute(select(U.c.id, U.c.name, U.c.zh).where(*ucond).order_by(U.c.name)).all()
        d, a = {}, {}
        if docs is None:
            for u, y, k, n in _school_sets(conn, f):
                docs_, lo, hi = d.get(u, (0, None, None))
                if y is not None:
                    lo, hi = (y if lo is None else min(lo, y)), (y if hi is None else max(hi, y))
                d[u] = (docs_ + n, lo, hi)
                a[u] = a.get(u, 0) + n * _activities_in(k, f)
        else:
            for u, n, lo, hi, acts in conn.execute(docs):
                d[int(u)] = (int(n), lo, hi)
                a[int(u)] = int(acts or 0)
        if rollup:
            a = {int(u): int(n or 0) for u, n in conn.execute(_activities_by(url, f, ("unit_id",)))}
        g = {int(u): int(n) for u, n in conn.execute(progs)}
        s = {int(u): int(n) for u, n in conn.execute(studs)}
    rows = []
    for uid, name, zh in units:
        uid = int(uid)
        n, lo, hi = d.get(uid, (0, None, None))
        rows.append((uid, name, zh, n, a.get(uid, 0), lo, hi, g.get(uid, 0), s.get(uid, 0)))
    df = pd.DataFrame(rows, columns=["unit_id", "school", "zh", "documents", "activities",
                                     "first_year", "last_year", "programs", "students"])
    for col in ("first_year", "last_year"):
        df[col] = df[col].astype("Int64")
    return df.sort_values(["documents", "school"], ascending=[False, True], ignore_index=True)


# ---------------------------------------------------------------------------
# A school's page
# ---------------------------------------------------------------------------
def school_info(url: str, school_id: int) -> dict | None:
    """``{"id", "name", "zh", "aliases"}`` of a school, or None when there is no such school."""
    with connect(url) as conn:
        row = conn.execute(select(U.c.id, U.c.name, U.c.zh, U.c.aliases)
                           .where(U.c.id == school_id, U.c.type == "school")).first()
    if row is None:
        return None
    return {"id": int(row[0]), "name": row[1], "zh": row[2], "aliases": list(row[3] or [])}


def school_kpis(url: str, f: Filters, school_id: int, international: bool = False) -> dict[str, int]:
    """Documents, activities, partners and partner countries of the school in scope (the
    Overview's KPIs for the filters narrowed to the school, and its activities); ``international``:
    countries of international partners only, counted in the same pass (the school page's tile,
    :func:`dashboard.queries.domestic.adjust_kpis`'s rule)."""
    from dashboard.queries.domestic import home_country
    from dashboard.queries.overview import _kpi_rollup_selects, kpi_spans

    g = school_filters(f, school_id)
    if not (g.countries or g.partner_kinds):
        k = kpi_spans(url, g, [(g.year_from, g.year_to)], home_country() if international else None)[0]
        acts = select(func.sum(_activities_by(url, g, ("unit_id",)).subquery("a").c.n))
        with connect(url) as conn:
            n_acts = conn.execute(acts).scalar()
        return {"documents": k["documents"], "activities": int(n_acts or 0), "partners": k["partners"],
                "countries": k["countries"]}
    # Partners filtered: documents and activities together, from one pass over the school–country
    # rollup's rows per set of kinds (one country), else over the school's facts per year and set
    # of kinds (a document has one year and one set, and reports one activity of each kind in it).
    one = _one_country_rollup(url, g, by_school=True)
    with connect(url) as conn:
        partners = _kpi_rollup_selects(g, None, home_country() if international else None)[1]
        n_partners, n_all, n_abroad = conn.execute(partners).one()
        n_countries = n_abroad if international else n_all
        if one is not None:
            table, cond = one
            n_docs, n_acts = conn.execute(
                select(func.sum(table.c.documents), func.sum(table.c.documents * kinds_bit_count(table.c.kinds, g)))
                .where(*_rollup_cond(table, g, per_kinds=True), *cond)).one()
        else:
            sets = _school_sets(conn, g)
            n_docs = sum(n for _u, _y, _k, n in sets)
            n_acts = sum(n * _activities_in(kinds, g) for _u, _y, kinds, n in sets)
    return {"documents": int(n_docs or 0), "activities": int(n_acts or 0), "partners": int(n_partners or 0),
            "countries": int(n_countries or 0)}


def school_activity_grid(url: str, f: Filters, school_id: int) -> pd.DataFrame:
    """Activities per year and kind of the documents naming the school: ``year, kind, activities``
    (``year`` None for undated documents). One pass serves the trend and the kinds."""
    g = school_filters(f, school_id)
    sub = _activities_by(url, g, ("year", "kind")).subquery("t")
    stmt = select(sub.c.year, sub.c.kind, sub.c.n).where(sub.c.n > 0).order_by(sub.c.year, sub.c.kind)
    df = _frame(url, stmt, ["year", "kind", "activities"])
    return df.astype({"activities": "int64"}) if not df.empty else df


def trend_of(grid: pd.DataFrame) -> pd.DataFrame:
    """``year, kind, activities`` of the dated rows of an activity grid."""
    d = grid.dropna(subset=["year"])
    return d.astype({"year": "int64"}).reset_index(drop=True) if not d.empty else \
        pd.DataFrame(columns=["year", "kind", "activities"])


def kinds_of(grid: pd.DataFrame) -> pd.DataFrame:
    """``kind, activities`` of an activity grid, most first."""
    if grid.empty:
        return pd.DataFrame(columns=["kind", "activities"])
    k = grid.groupby("kind", as_index=False)["activities"].sum()
    return k.sort_values(["activities", "kind"], ascending=[False, True], ignore_index=True)


def school_trend(url: str, f: Filters, school_id: int) -> pd.DataFrame:
    """Activities per year and kind of the documents naming the school: ``year, kind, activities``."""
    return trend_of(school_activity_grid(url, f, school_id))


def school_kinds(url: str, f: Filters, school_id: int) -> pd.DataFrame:
    """Activities per kind of the documents naming the school: ``kind, activities``, most first."""
    return kinds_of(school_activity_grid(url, f, school_id))


def school_partners_select(g: Filters, school_id: int):
    """``partner_id, n``: documents in scope naming both the school and each partner (``g`` is
    already narrowed to the school, so the scope's school condition — a probe into the
    school's document list — pairs them; no join of facts to facts)."""
    del school_id  # carried by g.schools
    # Grouped on the facts' covering index first; the partners' own conditions (not rejected,
    # country, kind) then apply to the grouped partners, not to every fact.
    counts = (select(F.c.partner_id, func.count(distinct(F.c.document_id)).label("n"))
              .where(F.c.type == "partner", _fact_ok(),
                     *evidence_conditions(F.c.document_id, _Probe(F.c.year), g, implied=frozenset({"partners"})))
              .group_by(F.c.partner_id).subquery("sp"))
    return (select(counts.c.partner_id, counts.c.n).join_from(counts, P, P.c.id == counts.c.partner_id)
            .where(*_partner_ok(g)))


def school_partners(url: str, f: Filters, school_id: int, limit: int = 15) -> pd.DataFrame:
    """Partners named in the school's documents in scope, most documents first:
    ``partner_id, partner, zh, country, kind, documents``."""
    g = school_filters(f, school_id)
    # the (school, partner, year, language) rollup; partner filters apply to the partner
    counts = (select(RSP.c.partner_id, func.sum(RSP.c.documents).label("n"))
              .where(RSP.c.unit_id == school_id, *_rollup_cond(RSP, g)).group_by(RSP.c.partner_id)
              .subquery("c"))
    stmt = (select(P.c.id, P.c.name, P.c.zh, P.c.country, P.c.kind, counts.c.n)
            .join_from(counts, P, P.c.id == counts.c.partner_id).where(*_partner_ok(g), counts.c.n > 0)
            .order_by(counts.c.n.desc(), P.c.name).limit(limit))
    return _frame(url, stmt, ["partner_id", "partner", "zh", "country", "kind", "documents"])


def school_programs(url: str, f: Filters, school_id: int) -> pd.DataFrame:
    """The school's joint programmes (the Programmes page's rows for this school)."""
    return joint_programs(url, school_filters(f, school_id))


def units_in_json(url: str, column, unit_ids: tuple[int, ...] | list[int]):
    """SQL condition: the JSON list ``column`` holds one of ``unit_ids`` (SQLite json_each,
    PostgreSQL jsonb containment)."""
    if get_engine(url).dialect.name == "postgresql":
        return or_(*[cast(column, JSONB).contains([int(u)]) for u in unit_ids])
    je = func.json_each(column).table_valued("value")
    return exists(select(literal(1)).select_from(je).where(je.c.value.in_([int(u) for u in unit_ids])))


def agreement_state(signed: dt.date | None, expiry: dt.date | None, today: dt.date) -> str:
    """``in_force``, ``expiring`` (within 6 months), ``expired``, ``open_ended`` or ``not_started``."""
    if signed and signed > today:
        return "not_started"
    if expiry is None:
        return "open_ended"
    if expiry < today:
        return "expired"
    from dashboard.report.queries import add_months

    return "expiring" if expiry <= add_months(today, 6) else "in_force"


def school_agreements(url: str, f: Filters, school_id: int, today: dt.date | None = None) -> pd.DataFrame:
    """Agreements that name the school: ``agreement_id, partner_id, partner, partner_zh, country,
    type, signed, expiry, state`` (latest signed first). University-wide agreements (no school
    named) are not listed here; the Programmes page lists them."""
    today = today or dt.date.today()
    g = school_filters(f, school_id)
    stmt = (select(AG.c.id, AG.c.partner_id, func.coalesce(P.c.name, AG.c.partner_name), P.c.zh,
                   func.coalesce(AG.c.country, P.c.country), AG.c.type, AG.c.signed_date, AG.c.expiry_date)
            .select_from(AG.outerjoin(P, P.c.id == AG.c.partner_id))
            .where(units_in_json(url, AG.c.unit_ids, [school_id]), *_partner_cond(AG, g))
            .order_by(AG.c.signed_date.desc().nulls_last(), AG.c.id))
    with connect(url) as conn:
        rows = conn.execute(stmt).all()
    out = [(int(r[0]), r[1], r[2], r[3], r[4], r[5], r[6], r[7], agreement_state(r[6], r[7], today))
           for r in rows]
    return pd.DataFrame(out, columns=["agreement_id", "partner_id", "partner", "partner_zh", "country", "type",
                                      "signed", "expiry", "state"])


def school_mobility(url: str, f: Filters, school_id: int) -> pd.DataFrame:
    """The school's students abroad per year and country: ``year, country, students, records``
    (``students`` sums the known counts; ``records`` counts report rows, blanks included)."""
    g = school_filters(f, school_id)
    country = func.coalesce(MB.c.country, P.c.country)
    stmt = (select(MB.c.year, country, func.coalesce(func.sum(MB.c.students), 0), func.count())
            .select_from(MB.outerjoin(P, P.c.id == MB.c.partner_id))
            .where(*_mobility_cond(g)).group_by(MB.c.year, country).order_by(MB.c.year, country))
    df = _frame(url, stmt, ["year", "country", "students", "records"])
    return df.astype({"year": "int64", "students": "int64", "records": "int64"}) if not df.empty else df


__all__ = ["school_year", "school_summary", "school_info", "school_kpis", "school_trend", "school_kinds",
           "school_activity_grid", "trend_of", "kinds_of",
           "school_partners", "school_partners_select", "MEASURES", "school_programs", "school_agreements", "school_mobility", "school_filters",
           "units_in_json", "agreement_state"]
