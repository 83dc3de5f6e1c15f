"""Filters → DataFrames for the Partners page and the page of each partner (no Dash imports).

Counting rules are the Overview's (:mod:`dashboard.queries.common`): a partner's documents are the
documents in scope with a surviving fact naming it; rejected partners never appear. A
partner's own page is the page's filters narrowed to that partner
(:meth:`DrillSpec.filters_for` with the partner, its country and its kind), so its
timeline lists exactly what its drill-down lists. Programmes, agreements and students
abroad come from the office reports, read with :mod:`dashboard.report.queries`'s rules.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import case, distinct, func, literal, or_, select

from dashboard.queries.common import (
    RPD,
    RPK,
    RSK2,
    A,
    D,
    F,
    P,
    U,
    Filters,
    _fact_ok,
    _frame,
    _partner_ok,
    _Probe,
    _rollup_cond,
    evidence_conditions,
    kind_bits,
    partner_passes,
)
from dashboard.queries.drill import DrillSpec, documents_behind
from dashboard.queries.schools import RSP, agreement_state, units_in_json
from dashboard.report.queries import AG, MB, PG, _mobility_cond, _program_cond, _program_from, live_report
from etl.db import connect, get_engine
from etl.load.models import ACTIVITY_KINDS


def restricts_documents(f: Filters) -> bool:
    """Whether ``f`` narrows the documents beyond the partners' own country and kind."""
    return any(v not in (None, ()) for v in (f.year_from, f.year_to, f.schools, f.activity_kinds, f.language))


# ---------------------------------------------------------------------------
# The Partners page
# ---------------------------------------------------------------------------
PARTNER_COLUMNS = ["partner_id", "partner", "zh", "country", "kind", "status", "aliases", "documents",
                   "first_year", "last_year", "programs", "agreements"]


def partner_rows(url: str, f: Filters) -> list[tuple]:
    """One row per partner, as the database returns it (one statement, no frame): ``partner_id,
    partner, zh, country, kind, status, aliases, documents, first_year, last_year, programs,
    agreements`` (:data:`PARTNER_COLUMNS`; ``aliases`` the partner's aliases in one text,
    space-separated, for the table's search), most documents first, then by name.

    ``documents`` and the years count the documents in scope. When the filters narrow the
    documents (years, schools, kinds, language) only partners with a document in scope are
    listed; otherwise every partner of the chosen countries and kinds is, including those
    known only from the office reports (0 documents), so the list is the full register.
    """
    if not f.schools:
        # the ETL's (partner, year, language) rollup: documents per partner, and the years with any
        news = (select(RPD.c.partner_id.label("pid"), func.sum(RPD.c.documents).label("n"),
                       func.min(RPD.c.year).label("lo"), func.max(RPD.c.year).label("hi"))
                .where(*_rollup_cond(RPD, f), RPD.c.documents > 0).group_by(RPD.c.partner_id))
    elif len(f.schools) == 1:
        # one school: the (school, partner, year, language) rollup counts each document once
        news = (select(RSP.c.partner_id.label("pid"), func.sum(RSP.c.documents).label("n"),
                       func.min(RSP.c.year).label("lo"), func.max(RSP.c.year).label("hi"))
                .where(RSP.c.unit_id == f.schools[0], *_rollup_cond(RSP, f), RSP.c.documents > 0)
                .group_by(RSP.c.partner_id))
    else:
        # only the partners listed (those passing the partner filters): a seek per partner
        news = (select(F.c.partner_id.label("pid"), func.count(distinct(F.c.document_id)).label("n"),
                       func.min(F.c.year).label("lo"), func.max(F.c.year).label("hi"))
                .where(F.c.type == "partner", _fact_ok(), partner_passes(F.c.partner_id, f),
                       *evidence_conditions(F.c.document_id, _Probe(F.c.year), f, implied=frozenset({"partners"})))
                .group_by(F.c.partner_id))
    news = news.subquery("news")
    progs = (select(PG.c.partner_id.label("pid"), func.count().label("n"))
             .where(PG.c.partner_id.is_not(None), live_report(PG)).group_by(PG.c.partner_id).subquery("progs"))
    agrs = (select(AG.c.partner_id.label("pid"), func.count().label("n"))
            .where(AG.c.partner_id.is_not(None), live_report(AG)).group_by(AG.c.partner_id).subquery("agrs"))
    docs = func.coalesce(news.c.n, 0)
    if restricts_documents(f):
        named = news.c.pid.is_not(None)
    else:   # named somewhere in scope (else an unused reference entry)
        named = or_(news.c.pid.is_not(None), progs.c.pid.is_not(None), agrs.c.pid.is_not(None))
    stmt = (select(P.c.id, P.c.name, P.c.zh, P.c.country, P.c.kind, P.c.status, _aliases_text(url), docs,
                   news.c.lo, news.c.hi, func.coalesce(progs.c.n, 0), func.coalesce(agrs.c.n, 0))
            .select_from(P.outerjoin(news, news.c.pid == P.c.id).outerjoin(progs, progs.c.pid == P.c.id)
                         .outerjoin(agrs, agrs.c.pid == P.c.id))
            .where(*_partner_ok(f), named)
            .order_by(docs.desc(), P.c.name))
    with connect(url) as conn:
        return [tuple(r) for r in conn.execute(stmt)]


def _aliases_text(url: str):
    """A partner's aliases (a JSON list) as one space-separated text, "" for none, read by the
    database (decoding each row's JSON in Python cost more than the rest of the row)."""
    if get_engine(url).dialect.name == "postgresql":
        # (only an array has elements: a JSON null or a lone string would stop the statement)
        el = func.json_array_elements_text(case((func.json_typeof(P.c.aliases) == "array", P.c.aliases))) \
            .table_valued("value")
        agg = func.string_agg(el.c.value, literal(" "))
    else:
        el = func.json_each(P.c.aliases).table_valued("value")
        agg = func.group_concat(el.c.value, literal(" "))
    return func.coalesce(select(agg).select_from(el).scalar_subquery(), "")


def partners_table(url: str, f: Filters) -> pd.DataFrame:
    """:func:`partner_rows` as a frame (the years as ``Int64``), for scripts and exports."""
    df = pd.DataFrame(partner_rows(url, f), columns=PARTNER_COLUMNS)
    for col in ("first_year", "last_year"):
        df[col] = df[col].astype("Int64")
    return df


def partner_kinds(url: str, f: Filters) -> pd.DataFrame:
    """Per partner kind: ``kind, partners, documents`` over the documents in scope (a document
    naming two universities counts once for universities). From the ETL's rollups when no
    country and at most one school is chosen, else counted from the facts."""
    kind = func.coalesce(P.c.kind, "unknown")
    one_school = len(f.schools) == 1 and not f.countries
    if one_school or not (f.schools or f.countries):
        # documents per kind from its rollup (the school's for one school); partners per kind: those
        # of the partner rollups in scope
        table, cond = (RSK2, [RSK2.c.unit_id == f.schools[0]]) if one_school else (RPK, [])
        cond += _rollup_cond(table, f)
        if f.partner_kinds:
            cond.append(table.c.pkind.in_([k for k in f.partner_kinds if k != "unknown"]))
        docs_ = (select(table.c.pkind.label("kind"), func.sum(table.c.documents).label("documents")).where(*cond)
                 .group_by(table.c.pkind).subquery("d"))
        src, pcond = (RSP, [RSP.c.unit_id == f.schools[0]]) if one_school else (RPD, [])
        ids = (select(src.c.partner_id).distinct().where(*pcond, *_rollup_cond(src, f), src.c.documents > 0)
               .subquery("i"))
        partners = (select(kind.label("kind"), func.count().label("partners"))
                    .join_from(ids, P, P.c.id == ids.c.partner_id).where(*_partner_ok(f)).group_by(kind).subquery("p"))
        stmt = (select(docs_.c.kind, partners.c.partners, docs_.c.documents)
                .join_from(docs_, partners, partners.c.kind == docs_.c.kind)
                .where(docs_.c.documents > 0).order_by(docs_.c.documents.desc(), docs_.c.kind))
        return _frame(url, stmt, ["kind", "partners", "documents"])
    per_doc = (select(F.c.partner_id, F.c.document_id)
               .where(F.c.type == "partner", _fact_ok(),
                      *evidence_conditions(F.c.document_id, _Probe(F.c.year), f, implied=frozenset({"partners"})))
               .subquery("pd"))
    docs = func.count(distinct(per_doc.c.document_id))
    stmt = (select(kind, func.count(distinct(P.c.id)), docs)
            .join_from(per_doc, P, P.c.id == per_doc.c.partner_id).where(*_partner_ok(f))
            .group_by(kind).order_by(docs.desc(), kind))
    return _frame(url, stmt, ["kind", "partners", "documents"])


# ---------------------------------------------------------------------------
# A partner's page
# ---------------------------------------------------------------------------
def partner_info(url: str, partner_id: int) -> dict | None:
    """``{"id", "name", "zh", "country", "kind", "status", "aliases"}``; None when there is no
    such partner or a curator rejected it."""
    with connect(url) as conn:
        row = conn.execute(select(P.c.id, P.c.name, P.c.zh, P.c.country, P.c.kind, P.c.status, P.c.aliases)
                           .where(P.c.id == partner_id, P.c.status != "rejected")).first()
    if row is None:
        return None
    return {"id": int(row[0]), "name": row[1], "zh": row[2], "country": row[3], "kind": row[4],
            "status": row[5], "aliases": list(row[6] or [])}


def partner_spec(info: dict) -> DrillSpec:
    """The drill spec of a partner: itself, with its own country and kind (so the page's
    country and partner-kind filters never hide the partner whose page it is)."""
    return DrillSpec(partner=info["id"], country=info.get("country"), pkind=info.get("kind")
                     if info.get("kind") in ("university", "institute", "company", "government", "ngo") else None)


def partner_filters(f: Filters, info: dict) -> Filters:
    return partner_spec(info).filters_for(f)


TIMELINE_MAX = 300   # documents drawn one by one; a busier partner's timeline is drawn per year


def partner_timeline(url: str, f: Filters, info: dict, limit: int = TIMELINE_MAX) -> pd.DataFrame:
    """The partner's newest ``limit`` documents in scope, oldest first: ``document_id, title, date,
    year, lang, kinds`` (``date`` is the publication date, else the event date, else 1 July of
    the year; ``kinds`` the activity kinds the document reports, in the palette's order).

    Picked from the partner's own facts (newest year, then latest loaded), so only those
    document rows are read whatever the partner's size.
    """
    behind = documents_behind(f, partner_spec(info), _passes(f, info)).subquery("b")
    page = (select(behind.c.document_id, behind.c.year).distinct()   # one year per document
            .order_by(behind.c.year.desc().nulls_last(), behind.c.document_id.desc()).limit(limit)
            .subquery("pg"))
    # the page's documents with their activity kinds (a row per kind), in one statement: the page,
    # then each document's row and activities by id (where the ids went back as two IN lists)
    stmt = (select(D.c.id, D.c.title, D.c.published, D.c.event_date, D.c.year, D.c.lang, A.c.kind)
            .select_from(page.join(D, D.c.id == page.c.document_id).outerjoin(A, A.c.document_id == D.c.id)))
    docs: dict[int, tuple] = {}
    kinds: dict[int, list[str]] = {}
    with connect(url) as conn:
        for doc_id, title, published, event_date, year, lang, kind in conn.execute(stmt):
            docs.setdefault(int(doc_id), (title, published, event_date, year, lang))
            if kind is not None:
                kinds.setdefault(int(doc_id), []).append(kind)
    order = {k: i for i, k in enumerate(ACTIVITY_KINDS)}
    rows = []
    for doc_id, (title, published, event_date, year, lang) in docs.items():
        rows.append((doc_id, title or "", _day(published, event_date, year), year, lang,
                     sorted(kinds.get(doc_id, []), key=lambda k: order.get(k, 99))))
    rows.sort(key=lambda r: (r[2] is None, r[2] or dt.date.min, r[0]))   # by the day shown; undated last
    return pd.DataFrame(rows, columns=["document_id", "title", "date", "year", "lang", "kinds"])


def partner_sets(url: str, f: Filters, info: dict) -> pd.DataFrame:
    """The partner's documents in scope per year and set of activity kinds: ``year, kinds,
    documents`` (``year`` None for undated documents, ``kinds`` the bit set of
    :func:`etl.load.rollups.kinds_mask`). A document has one year and one set, so these rows
    give its documents, first and last year and, a kind's bit being one activity, its
    activities per year and kind: one pass serves the KPIs, the timeline and the grid.

    From the partner rollups when the partner meets the partner filters itself, else from the partner's own facts (their copies of the document's kinds)."""
    g = partner_filters(f, info)
    roll = _partner_rollup(url, f, info)
    if roll is not None:
        table, cond = roll
        stmt = (select(table.c.year, table.c.kinds, func.sum(table.c.documents))
                .where(*cond, *_rollup_cond(table, g, per_kinds=True), table.c.documents > 0)
                .group_by(table.c.year, table.c.kinds))
    else:
        stmt = (select(F.c.year, F.c.kinds, func.count(distinct(F.c.document_id)))
                .where(F.c.type == "partner", F.c.partner_id == info["id"], F.c.status != "rejected",
                       *evidence_conditions(F.c.document_id, F.c.year, g,
                                            implied=frozenset({"partners"}) if _passes(f, info) else frozenset(),
                                            narrow=True))
                .group_by(F.c.year, F.c.kinds))
    with connect(url) as conn:
        rows = [(None if y is None else int(y), int(k or 0), int(n)) for y, k, n in conn.execute(stmt)]
    return pd.DataFrame(rows, columns=["year", "kinds", "documents"])


def _grid_of(sets: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """:func:`partner_sets` → ``year, kind, activities``: each set's documents counted once for
    each activity kind (of the chosen ones, else all) in the set, ordered by year and kind.
    Summed per kind over arrays (a busy partner has thousands of (year, set) rows: a loop over
    them per kind cost 25 ms)."""
    import numpy as np

    cols = ["year", "kind", "activities"]
    if sets.empty:
        return pd.DataFrame(columns=cols)
    year = sets["year"].to_numpy(dtype=object)
    undated = pd.isna(year)
    ykey = np.where(undated, -1, year).astype("int64")     # years are positive: -1 stands for undated
    uy, idx = np.unique(ykey, return_inverse=True)
    kinds = sets["kinds"].to_numpy(dtype="int64")
    n = sets["documents"].to_numpy(dtype="int64")
    rows = []
    for kind, bit in kind_bits(f):
        m = (kinds & bit) != 0
        if not m.any():
            continue
        sums = np.bincount(idx[m], weights=n[m], minlength=len(uy))
        for i in np.nonzero(np.bincount(idx[m], minlength=len(uy)))[0]:   # the years with such a set
            rows.append((None if uy[i] == -1 else int(uy[i]), kind, int(sums[i])))
    rows.sort(key=lambda r: (r[0] is None, r[0] or 0, r[1]))
    return pd.DataFrame(rows, columns=cols)


def partner_activity_grid(url: str, f: Filters, info: dict, sets: pd.DataFrame | None = None) -> pd.DataFrame:
    """The partner's activities in scope per year and kind: ``year, kind, activities`` (``year``
    None for undated documents); ``sets``: :func:`partner_sets`, when the caller has it."""
    sets = partner_sets(url, f, info) if sets is None else sets
    return _grid_of(sets, partner_filters(f, info))


def partner_years(url: str, f: Filters, info: dict) -> pd.DataFrame:
    """The partner's activities per year and kind in scope: ``year, kind, activities`` (the
    timeline of a partner with more documents than the timeline draws one by one)."""
    grid = partner_activity_grid(url, f, info)
    return grid.dropna(subset=["year"]).astype({"year": "int64"}).reset_index(drop=True)


def partner_timeline_data(url: str, f: Filters, info: dict, sets: pd.DataFrame | None = None,
                          grid: pd.DataFrame | None = None) -> pd.DataFrame:
    """What the partner's timeline draws, the chart and its data file alike: its documents in
    scope (:func:`partner_timeline`) while they are at most :data:`TIMELINE_MAX`, else its
    activities per year and kind (:func:`partner_years`). ``sets``: :func:`partner_sets`, when
    the caller has it (the page counts its KPIs from the same pass), and ``grid``:
    :func:`partner_activity_grid` of those ``sets``, when it has that too."""
    sets = partner_sets(url, f, info) if sets is None else sets
    if (int(sets["documents"].sum()) if not sets.empty else 0) <= TIMELINE_MAX:
        return partner_timeline(url, f, info, TIMELINE_MAX)
    grid = partner_activity_grid(url, f, info, sets) if grid is None else grid
    return grid.dropna(subset=["year"]).astype({"year": "int64"}).reset_index(drop=True)


def _day(published, event_date: str | None, year: int | None) -> dt.date | None:
    if published:
        return published if isinstance(published, dt.date) else dt.date.fromisoformat(str(published)[:10])
    if event_date:
        parts = [int(p) for p in str(event_date).split("-") if p.isdigit()]
        if parts:
            y, m, d = (parts + [7, 1])[:3] if len(parts) == 1 else (parts + [15])[:3]
            try:
                return dt.date(y, m, d)
            except ValueError:
                pass
    return dt.date(int(year), 7, 1) if year else None


def _passes(f: Filters, info: dict) -> bool:
    """:func:`_passes_itself` for the page's filters narrowed to the partner (and not rejected)."""
    return info.get("status") != "rejected" and _passes_itself(partner_filters(f, info), info)


def _partner_rollup(url: str, f: Filters, info: dict):
    """(table, conditions) of the rollup holding the partner's documents in scope exactly, when
    the partner meets the partner filters itself: the partner rollup without a school, the
    school–partner one for one school; else None (counted from the facts)."""
    if not _passes(f, info):
        return None
    g = partner_filters(f, info)
    if not g.schools:
        return RPD, [RPD.c.partner_id == info["id"]]
    if len(g.schools) == 1:
        return RSP, [RSP.c.unit_id == g.schools[0], RSP.c.partner_id == info["id"]]
    return None


def _passes_itself(g: Filters, info: dict) -> bool:
    """Whether the partner meets the partner filters itself (then its documents need no other partner)."""
    return (not g.countries or info.get("country") in g.countries) and \
        (not g.partner_kinds or info.get("kind") in g.partner_kinds)


def partner_kpis(url: str, f: Filters, info: dict, sets: pd.DataFrame | None = None,
                 grid: pd.DataFrame | None = None) -> dict[str, int | None]:
    """Documents and activities of the partner in scope, and its first and last year.

    ``sets`` is :func:`partner_sets`' answer, ``grid`` :func:`partner_activity_grid`'s from it,
    when the caller has them already.
    """
    sets = partner_sets(url, f, info) if sets is None else sets
    grid = partner_activity_grid(url, f, info, sets) if grid is None else grid
    dated = sets.dropna(subset=["year"])
    return {"documents": int(sets["documents"].sum()) if not sets.empty else 0,
            "activities": int(grid["activities"].sum()) if not grid.empty else 0,
            "first_year": int(dated["year"].min()) if not dated.empty else None,
            "last_year": int(dated["year"].max()) if not dated.empty else None}


def partner_schools(url: str, f: Filters, info: dict) -> pd.DataFrame:
    """Schools named with the partner in its documents in scope: ``unit_id, school, zh, documents``."""
    g = partner_filters(f, info)
    if _passes_itself(g, info):
        # the ETL's (school, partner, year, language) rollup (the partner meets the partner filters itself)
        cond = [RSP.c.partner_id == info["id"], *_rollup_cond(RSP, g)]
        if g.schools:
            cond.append(RSP.c.unit_id.in_(g.schools))
        counts = (select(RSP.c.unit_id, func.sum(RSP.c.documents).label("n")).where(*cond)
                  .group_by(RSP.c.unit_id).subquery("c"))
        stmt = (select(U.c.id, U.c.name, U.c.zh, counts.c.n).join_from(counts, U, U.c.id == counts.c.unit_id)
                .where(counts.c.n > 0).order_by(counts.c.n.desc(), U.c.name))
        return _frame(url, stmt, ["unit_id", "school", "zh", "documents"])
    behind = documents_behind(f, partner_spec(info), _passes(f, info)).subquery("b")
    scond = [F.c.type == "school", _fact_ok(), _Probe(F.c.document_id).in_(select(behind.c.document_id))]
    if g.schools:
        scond.append(F.c.unit_id.in_(g.schools))
    if g.year_from is not None:
        scond.append(_Probe(F.c.year) >= g.year_from)
    if g.year_to is not None:
        scond.append(_Probe(F.c.year) <= g.year_to)
    n = func.count(distinct(F.c.document_id))
    counts = select(F.c.unit_id, n.label("n")).where(*scond).group_by(F.c.unit_id).subquery("c")
    stmt = (select(U.c.id, U.c.name, U.c.zh, counts.c.n).join_from(counts, U, U.c.id == counts.c.unit_id)
            .order_by(counts.c.n.desc(), U.c.name))
    return _frame(url, stmt, ["unit_id", "school", "zh", "documents"])


def partner_programs(url: str, f: Filters, info: dict) -> pd.DataFrame:
    """The partner's joint programmes: ``program_id, program, unit_id, school, school_zh, level,
    mode, start_year, status, enrolment`` (enrolment None when the report left it blank)."""
    g = partner_filters(f, info)
    stmt = (select(PG.c.id, PG.c.name, PG.c.unit_id, func.coalesce(U.c.name, PG.c.school_name), U.c.zh,
                   PG.c.level, PG.c.mode, PG.c.start_year, PG.c.status, PG.c.enrolment)
            .select_from(_program_from()).where(PG.c.partner_id == info["id"], *_program_cond(g))
            .order_by(PG.c.start_year.nulls_last(), PG.c.name))
    df = _frame(url, stmt, ["program_id", "program", "unit_id", "school", "school_zh", "level", "mode",
                            "start_year", "status", "enrolment"])
    for col in ("start_year", "enrolment", "unit_id"):
        df[col] = df[col].astype("Int64")
    return df


def partner_agreements(url: str, f: Filters, info: dict, today: dt.date | None = None) -> pd.DataFrame:
    """The partner's agreements: ``agreement_id, type, signed, expiry, state, schools``
    (``schools`` as the report names them; empty = university-wide), latest signed first.
    With a school filter, agreements of those schools and university-wide ones are kept."""
    today = today or dt.date.today()
    g = partner_filters(f, info)
    cond = [AG.c.partner_id == info["id"], live_report(AG)]
    if g.schools:  # those schools' agreements, and the university-wide ones (no school named)
        cond.append(or_(units_in_json(url, AG.c.unit_ids, g.schools),
                        func.coalesce(func.json_array_length(AG.c.unit_ids), 0) == 0))
    stmt = (select(AG.c.id, AG.c.type, AG.c.signed_date, AG.c.expiry_date, AG.c.school_names)
            .where(*cond).order_by(AG.c.signed_date.desc().nulls_last(), AG.c.id))
    with connect(url) as conn:
        rows = conn.execute(stmt).all()
    out = [(int(r[0]), r[1], r[2], r[3], agreement_state(r[2], r[3], today), "; ".join(r[4] or []))
           for r in rows]
    return pd.DataFrame(out, columns=["agreement_id", "type", "signed", "expiry", "state", "schools"])


def partner_mobility(url: str, f: Filters, info: dict) -> pd.DataFrame:
    """Students sent to the partner per year and programme type: ``year, program_type, students, records``."""
    g = partner_filters(f, info)
    ptype = func.coalesce(MB.c.program_type, "other")
    stmt = (select(MB.c.year, ptype, func.coalesce(func.sum(MB.c.students), 0), func.count())
            .select_from(MB.outerjoin(P, P.c.id == MB.c.partner_id))
            .where(MB.c.partner_id == info["id"], *_mobility_cond(g))
            .group_by(MB.c.year, ptype).order_by(MB.c.year, ptype))
    df = _frame(url, stmt, ["year", "program_type", "students", "records"])
    return df.astype({"year": "int64", "students": "int64", "records": "int64"}) if not df.empty else df


__all__ = ["partner_rows", "PARTNER_COLUMNS", "partners_table", "partner_kinds", "partner_info", "partner_spec", "partner_filters",
           "partner_timeline", "partner_timeline_data", "partner_years", "partner_sets", "partner_activity_grid", "TIMELINE_MAX", "partner_kpis", "partner_schools", "partner_programs", "partner_agreements",
           "partner_mobility", "restricts_documents"]
