"""Filters → DataFrames for the Schools page and the page of each school (no Dash imports).

Same contract as :mod:`dashboard.queries`: counted in SQL on the indexed columns, small
frames out. The news side counts exactly what the Overview counts (a document "involves"
a school when a surviving school fact names it); a school's own page is the page's
filters narrowed to that school (:meth:`DrillSpec.filters_for`), so every bar there
equals the number of documents its drill-down lists. The office reports (programmes,
agreements, students abroad) follow :mod:`dashboard.report_queries`'s reading of the
filters, so this page and the Programmes page agree.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import cast, distinct, exists, func, literal, or_, select
from sqlalchemy.dialects.postgresql import JSONB

from dashboard.queries import A, D, F, P, U, Filters, _activity_cond, _fact_ok, _frame, _partner_ok, scope
from dashboard.queries_drill import DrillSpec, drill_conditions
from dashboard.report_queries import AG, MB, PG, _mobility_cond, _partner_cond, joint_programs
from etl.db import get_engine


def school_filters(f: Filters, school_id: int) -> Filters:
    """The page's filters narrowed to one school (what the school's page counts)."""
    return DrillSpec(school=school_id).filters_for(f)


# ---------------------------------------------------------------------------
# The Schools page
# ---------------------------------------------------------------------------
def school_year(url: str, f: Filters) -> pd.DataFrame:
    """Per school and document year: ``unit_id, school, zh, year, activities, documents``.

    ``activities`` counts the activities (of the chosen kinds) of the documents in scope
    that name the school, as the Overview's "activities by school" does; ``documents`` the
    documents in scope that name it. Undated documents are left out; only schools with at
    least one document appear, only the chosen ones when some are chosen.
    """
    school_cond = [F.c.type == "school", _fact_ok()]
    if f.schools:
        school_cond.append(F.c.unit_id.in_(f.schools))
    acts = (select(F.c.unit_id, D.c.year, func.count(distinct(A.c.id)).label("n"))
            .select_from(F.join(A, A.c.document_id == F.c.document_id).join(D, D.c.id == F.c.document_id))
            .where(*school_cond, *_activity_cond(f), D.c.year.is_not(None))
            .group_by(F.c.unit_id, D.c.year))
    docs = (select(F.c.unit_id, D.c.year, func.count(distinct(D.c.id)).label("n"))
            .select_from(F.join(D, D.c.id == F.c.document_id))
            .where(*school_cond, F.c.document_id.in_(scope(f)), D.c.year.is_not(None))
            .group_by(F.c.unit_id, D.c.year))
    with get_engine(url).connect() as conn:
        a = {(int(u), int(y)): int(n) for u, y, n in conn.execute(acts)}
        d = {(int(u), int(y)): int(n) for u, y, n in conn.execute(docs)}
        names = {int(i): (n, z) for i, n, z in conn.execute(
            select(U.c.id, U.c.name, U.c.zh).where(U.c.type == "school"))}
    rows = [(u, names[u][0], names[u][1], y, a.get((u, y), 0), n)
            for (u, y), n in d.items() if u in names]
    df = pd.DataFrame(rows, columns=["unit_id", "school", "zh", "year", "activities", "documents"])
    return df.sort_values(["school", "year"], ignore_index=True)


def school_summary(url: str, f: Filters) -> pd.DataFrame:
    """One row per school: ``unit_id, school, zh, documents, activities, partners, first_year,
    last_year, programs, students`` (news in scope; programmes and students from the reports).

    Every school is listed (a school with no document in scope shows zeros), the chosen
    ones only when some are chosen.
    """
    ucond = [U.c.type == "school"]
    if f.schools:
        ucond.append(U.c.id.in_(f.schools))
    school_fact = [F.c.type == "school", _fact_ok()]
    docs = (select(F.c.unit_id, func.count(distinct(D.c.id)), func.min(D.c.year), func.max(D.c.year))
            .select_from(F.join(D, D.c.id == F.c.document_id))
            .where(*school_fact, F.c.document_id.in_(scope(f))).group_by(F.c.unit_id))
    acts = (select(F.c.unit_id, func.count(distinct(A.c.id)))
            .select_from(F.join(A, A.c.document_id == F.c.document_id))
            .where(*school_fact, *_activity_cond(f)).group_by(F.c.unit_id))
    fp = F.alias("fp")
    partners = (select(F.c.unit_id, func.count(distinct(fp.c.partner_id)))
                .select_from(F.join(fp, fp.c.document_id == F.c.document_id).join(P, P.c.id == fp.c.partner_id))
                .where(*school_fact, F.c.document_id.in_(scope(f)), fp.c.type == "partner",
                       fp.c.status != "rejected", *_partner_ok(f))
                .group_by(F.c.unit_id))
    from dashboard.report_queries import _program_cond, _program_from

    progs = (select(PG.c.unit_id, func.count()).select_from(_program_from())
             .where(*_program_cond(f), PG.c.unit_id.is_not(None)).group_by(PG.c.unit_id))
    studs = (select(MB.c.unit_id, func.coalesce(func.sum(MB.c.students), 0))
             .select_from(MB.outerjoin(P, P.c.id == MB.c.partner_id))
             .where(*_mobility_cond(f), MB.c.unit_id.is_not(None)).group_by(MB.c.unit_id))
    with get_engine(url).connect() as conn:
        units = conn.execute(select(U.c.id, U.c.name, U.c.zh).where(*ucond).order_by(U.c.name)).all()
        d = {int(u): (int(n), lo, hi) for u, n, lo, hi in conn.execute(docs)}
        a = {int(u): int(n) for u, n in conn.execute(acts)}
        p = {int(u): int(n) for u, n in conn.execute(partners)}
        g = {int(u): int(n) for u, n in conn.execute(progs)}
        s = {int(u): int(n) for u, n in conn.execute(studs)}
    rows = []
    for uid, name, zh in units:
        uid = int(uid)
        n, lo, hi = d.get(uid, (0, None, None))
        rows.append((uid, name, zh, n, a.get(uid, 0), p.get(uid, 0), lo, hi, g.get(uid, 0), s.get(uid, 0)))
    df = pd.DataFrame(rows, columns=["unit_id", "school", "zh", "documents", "activities", "partners",
                                     "first_year", "last_year", "programs", "students"])
    for col in ("first_year", "last_year"):
        df[col] = df[col].astype("Int64")
    return df.sort_values(["documents", "school"], ascending=[False, True], ignore_index=True)


# ---------------------------------------------------------------------------
# A school's page
# ---------------------------------------------------------------------------
def school_info(url: str, school_id: int) -> dict | None:
    """``{"id", "name", "zh", "aliases"}`` of a school, or None when there is no such school."""
    with get_engine(url).connect() as conn:
        row = conn.execute(select(U.c.id, U.c.name, U.c.zh, U.c.aliases)
                           .where(U.c.id == school_id, U.c.type == "school")).first()
    if row is None:
        return None
    return {"id": int(row[0]), "name": row[1], "zh": row[2], "aliases": list(row[3] or [])}


def school_kpis(url: str, f: Filters, school_id: int) -> dict[str, int]:
    """Documents, activities, partners and partner countries of the school in scope."""
    g = school_filters(f, school_id)
    dcond = drill_conditions(f, DrillSpec(school=school_id))
    in_scope = select(D.c.id).where(*dcond)
    pfrom = F.join(P, P.c.id == F.c.partner_id)
    pwhere = [F.c.type == "partner", _fact_ok(), F.c.document_id.in_(in_scope), *_partner_ok(g)]
    with get_engine(url).connect() as conn:
        docs = conn.execute(select(func.count()).select_from(D).where(*dcond)).scalar_one()
        acts = conn.execute(select(func.count()).select_from(A).where(*_activity_cond(g))).scalar_one()
        partners, countries = conn.execute(
            select(func.count(distinct(F.c.partner_id)), func.count(distinct(P.c.country)))
            .select_from(pfrom).where(*pwhere)).one()
    return {"documents": int(docs), "activities": int(acts), "partners": int(partners or 0),
            "countries": int(countries or 0)}


def school_trend(url: str, f: Filters, school_id: int) -> pd.DataFrame:
    """Activities per year and kind of the documents naming the school: ``year, kind, activities``."""
    g = school_filters(f, school_id)
    stmt = (select(D.c.year, A.c.kind, func.count().label("n"))
            .select_from(A.join(D, D.c.id == A.c.document_id))
            .where(*_activity_cond(g), D.c.year.is_not(None))
            .group_by(D.c.year, A.c.kind).order_by(D.c.year, A.c.kind))
    return _frame(url, stmt, ["year", "kind", "activities"])


def school_kinds(url: str, f: Filters, school_id: int) -> pd.DataFrame:
    """Activities per kind of the documents naming the school: ``kind, activities, documents``."""
    g = school_filters(f, school_id)
    stmt = (select(A.c.kind, func.count(), func.count(distinct(A.c.document_id)))
            .where(*_activity_cond(g)).group_by(A.c.kind).order_by(func.count().desc(), A.c.kind))
    return _frame(url, stmt, ["kind", "activities", "documents"])


def school_partners(url: str, f: Filters, school_id: int, limit: int = 15) -> pd.DataFrame:
    """Partners named in the school's documents in scope, most documents first:
    ``partner_id, partner, zh, country, kind, documents``."""
    g = school_filters(f, school_id)
    n = func.count(distinct(F.c.document_id))
    stmt = (select(P.c.id, P.c.name, P.c.zh, P.c.country, P.c.kind, n)
            .select_from(F.join(P, P.c.id == F.c.partner_id))
            .where(F.c.type == "partner", _fact_ok(), F.c.document_id.in_(scope(g)), *_partner_ok(g))
            .group_by(P.c.id, P.c.name, P.c.zh, P.c.country, P.c.kind)
            .order_by(n.desc(), P.c.name).limit(limit))
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
    from dashboard.report_queries import add_months

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
    with get_engine(url).connect() as conn:
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
           "school_partners", "school_programs", "school_agreements", "school_mobility", "school_filters",
           "units_in_json", "agreement_state"]
