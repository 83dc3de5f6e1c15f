"""The Overview's queries: the KPIs (with the change against the year before), activities per
year and by school, top partners, partner countries, and what the last refresh brought.

Counting rules and scope are :mod:`dashboard.queries.common`'s. The school page's KPI cards
are these KPIs for one school (``dashboard.queries.schools``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd
from sqlalchemy import and_, case, distinct, func, literal, select

from dashboard.queries.common import (
    D,
    F,
    P,
    PG,
    R,
    RCD,
    RD,
    RE,
    RF,
    RKD,
    RPD,
    RSC,
    RSD,
    RSK2,
    RSK,
    RSP,
    U,
    Filters,
    _any_of,
    _Probe,
    document_conditions,
    evidence_conditions,
    _fact_ok,
    _frame,
    _one_country_rollup,
    _partner_facts,
    _partner_ok,
    partner_passes,
    _per_kind,
    per_kind_facts,
    _rollup_cond,
    year_bounds,
)
from etl.db import connect

# ---------------------------------------------------------------------------
# KPIs
# ---------------------------------------------------------------------------
KPI_NAMES = ("documents", "partners", "countries", "schools")


Span = tuple  # (first year | None, last year | None): a year range, None for an open end


def _union(f: Filters, spans: list[Span]) -> Filters:
    """``f`` with the year range that covers every span (an open end if any span has one)."""
    los, his = [s[0] for s in spans], [s[1] for s in spans]
    return replace(f, year_from=None if None in los else min(los), year_to=None if None in his else max(his))


def _span_cond(year, span: Span, g: Filters):
    """``year`` lies in ``span`` (None when every row the query reads does: ``g``'s range is the span's)."""
    lo, hi = span
    parts = [c for c in ((year >= lo) if lo is not None and lo != g.year_from else None,
                         (year <= hi) if hi is not None and hi != g.year_to else None) if c is not None]
    return and_(*parts) if parts else None


def _periods(agg: str, value, year, spans: list[Span], g: Filters) -> list:
    """The aggregate over the rows of each span of years: ``agg`` is ``"sum"`` (of ``value``) or
    ``"distinct"`` (distinct values counted); the rows are those of ``g`` (every span's years)."""
    out = []
    for span in spans:
        c = _span_cond(year, span, g)
        v = value if c is None else case((c, value))
        out.append(func.coalesce(func.sum(v), 0) if agg == "sum" else func.count(distinct(v)))
    return out


def _documents_count(f: Filters, spans: list[Span]):
    """``count(documents in scope)`` per span; with a school or partner filter read from the
    chosen schools' or partners' facts (covering-index ranges) rather than every document
    tested against their list."""
    g = _union(f, spans)
    if f.schools:
        fs = F.alias("fd")
        return (select(*_periods("distinct", fs.c.document_id, fs.c.year, spans, g))
                .where(fs.c.type == "school", fs.c.unit_id.in_(f.schools), fs.c.status != "rejected",
                       *evidence_conditions(fs.c.document_id, fs.c.year, g, implied=frozenset({"schools"}))))
    if f.countries or f.partner_kinds:
        fp = F.alias("fd")
        return (select(*_periods("distinct", fp.c.document_id, fp.c.year, spans, g))
                .where(fp.c.type == "partner", fp.c.status != "rejected", partner_passes(fp.c.partner_id, f),
                       *evidence_conditions(fp.c.document_id, fp.c.year, g, implied=frozenset({"partners"}))))
    return select(*_periods("sum", literal(1), D.c.year, spans, g)).select_from(D).where(*document_conditions(g))


def _kpi_rollup_selects(f: Filters, spans: list[Span] | None = None, home: str | None = None) -> list:
    """One SELECT per KPI over the documents in scope (documents; partners and their countries;
    schools), read from the rollups (exact after every write, etl/load/rollups.py) where they
    answer it exactly, else counted from the facts.

    - documents: ``rollup_docs`` without school or partner filters; ``rollup_school_docs``
      for one school, ``rollup_country_docs`` for one country (summing over several would
      count a document naming two of them twice), else from the facts;
    - partners and countries: distinct partners of the partner rollup (of the
      school–partner one for the chosen schools) that pass the partner filters: exact for
      every filter, since a partner's row puts its document in the partner scope;
    - schools: distinct schools of ``rollup_school_docs``, or of the school–partner rollup
      when partners are filtered by country or kind.

    ``spans`` (year ranges; default: the filters' own) are counted in the same pass, each in
    its columns: the SELECTs read the rows of every span's years once. Per span the documents
    SELECT gives documents, the partners SELECT partners, countries and the countries other
    than ``home`` (international ones, :mod:`dashboard.queries.domestic`), the schools SELECT
    schools.
    """
    spans = list(spans) if spans else [(f.year_from, f.year_to)]
    g = _union(f, spans)
    partner_filtered = bool(f.countries or f.partner_kinds)
    docs = None
    for table, ok, cond in (
            (RD, not (f.schools or partner_filtered), []),
            (RSD, len(f.schools) == 1 and not partner_filtered, [RSD.c.unit_id == f.schools[0]] if f.schools else []),
            (RCD, len(f.countries) == 1 and not (f.schools or f.partner_kinds),
             [RCD.c.country == f.countries[0]] if f.countries else [])):
        if ok:
            docs = select(*_periods("sum", table.c.documents, table.c.year, spans, g)).where(*cond,
                                                                                          *_rollup_cond(table, g))
            break
    if docs is None:
        docs = _documents_count(f, spans)
    if not f.schools:
        src, cond = RPD, _rollup_cond(RPD, g)
    else:
        src, cond = RSP, [RSP.c.unit_id.in_(f.schools), *_rollup_cond(RSP, g)]
    if partner_filtered:  # only the chosen countries' / kinds' partners' rows (the partner-led index)
        cond.append(partner_passes(src.c.partner_id, f))
    # each partner once, with whether it has rows in each span
    flags = []
    for i, span in enumerate(spans):
        c = _span_cond(src.c.year, span, g)
        flags.append((literal(1) if c is None else func.max(case((c, 1), else_=0))).label(f"y{i}"))
    ids = select(src.c.partner_id, *flags).where(*cond, src.c.documents > 0).group_by(src.c.partner_id) \
        .subquery("rp")
    per_span = []
    for i in range(len(spans)):
        inside = ids.c[f"y{i}"] == 1
        abroad = inside if home is None else and_(inside, P.c.country != home)
        per_span += [func.coalesce(func.sum(ids.c[f"y{i}"]), 0), func.count(distinct(case((inside, P.c.country)))),
                     func.count(distinct(case((abroad, P.c.country))))]
    partners = select(*per_span).select_from(ids.join(P, P.c.id == ids.c.partner_id)).where(*_partner_ok(f))
    if not partner_filtered:
        cond = [*_rollup_cond(RSD, g), RSD.c.documents > 0]
        if f.schools:
            cond.append(RSD.c.unit_id.in_(f.schools))
        schools_ = select(*_periods("distinct", RSD.c.unit_id, RSD.c.year, spans, g)).where(*cond)
    else:
        # the school–country rollup for countries alone, the school–partner-kind one for kinds alone
        # (their rows count partners that are not rejected, by country / kind), else the school–partner one
        if not f.partner_kinds:
            src, only = RSC, RSC.c.country.in_(f.countries)
        elif not f.countries and "unknown" not in f.partner_kinds:
            src, only = RSK2, RSK2.c.pkind.in_(f.partner_kinds)
        else:
            src, only = RSP, partner_passes(RSP.c.partner_id, f)
        cond = [*_rollup_cond(src, g), src.c.documents > 0, only]
        if f.schools:
            cond.append(src.c.unit_id.in_(f.schools))
        schools_ = select(*_periods("distinct", src.c.unit_id, src.c.year, spans, g)).where(*cond)
    return [docs, partners, schools_]


def _kpi_dict(docs, partners, countries, schools_) -> dict[str, int]:
    return {"documents": int(docs or 0), "partners": int(partners or 0), "countries": int(countries or 0),
            "schools": int(schools_ or 0)}


def kpi_spans(url: str, f: Filters, spans: list[Span], home: str | None = None) -> list[dict[str, int]]:
    """:func:`kpis` for the filters ``f`` over each year range of ``spans`` (in place of ``f``'s
    own), in one pass per KPI. ``home``: the home country, whose partners' country "countries"
    then leaves out (international partners' countries only, :mod:`dashboard.queries.domestic`'s
    rule; the caller passes :func:`dashboard.queries.domestic.home_country`), from the same pass."""
    stmts = _kpi_rollup_selects(f, spans, home)
    with connect(url) as conn:
        d = conn.execute(stmts[0]).one()
        p = conn.execute(stmts[1]).one()
        s = conn.execute(stmts[2]).one()
    return [_kpi_dict(d[i], p[3 * i], p[3 * i + 2], s[i]) for i in range(len(spans))]


def kpis(url: str, f: Filters) -> dict[str, int]:
    """Distinct documents, partners, partner countries and schools involved in scope."""
    return kpi_spans(url, f, [(f.year_from, f.year_to)])[0]


def kpis_by_year(url: str, f: Filters) -> dict[int, dict[str, int]]:
    """The KPIs per document year in scope: ``{year: {"documents": …, …}}`` (undated left out)."""
    stmt = select(D.c.year).distinct().where(*document_conditions(f), D.c.year.is_not(None)).order_by(D.c.year)
    with connect(url) as conn:
        years = [int(y) for y in conn.execute(stmt).scalars()]
    if not years:
        return {}
    return dict(zip(years, kpi_spans(url, f, [(y, y) for y in years])))


def trend_years(url: str, f: Filters) -> tuple[int | None, bool]:
    """The latest year of the filters (the range's upper bound when one is set, else the latest
    year with documents; None when nothing is dated) and whether the year before it lies in the range."""
    year = f.year_to
    if year is None:
        b = year_bounds(url)
        year = b[1] if b else None
    return year, year is not None and (f.year_from is None or year - 1 >= f.year_from)


def kpi_trend(url: str, f: Filters, home: str | None = None) -> dict[str, Any]:
    """The KPIs for the range, for its latest year and for the year before (one pass per KPI).

    The latest year is the range's upper bound when one is set, else the latest year
    with documents. Returns ``{"total": {...}, "year": Y, "current": {...},
    "previous": {...}}`` (``year`` is None when nothing is dated; ``previous`` is None
    when the year before lies outside the range). ``home``: as for :func:`kpi_spans`.
    """
    year, has_previous = trend_years(url, f)
    spans = [(f.year_from, f.year_to)]
    if year is not None:
        spans += [(year, year)] + ([(year - 1, year - 1)] if has_previous else [])
    k = kpi_spans(url, f, spans, home)
    return {"total": k[0], "year": year, "current": k[1] if year is not None else None,
            "previous": k[2] if has_previous else None}


# ---------------------------------------------------------------------------
# Charts
# ---------------------------------------------------------------------------
def activities_per_year(url: str, f: Filters) -> pd.DataFrame:
    """Activities per year and kind: ``year, kind, activities`` (undated ones left out)."""
    if not (f.schools or f.countries or f.partner_kinds):
        cond = [*_rollup_cond(RKD, f), RKD.c.year.is_not(None)]
        if f.activity_kinds:
            cond.append(RKD.c.kind.in_(f.activity_kinds))
        stmt = (select(RKD.c.year, RKD.c.kind, func.sum(RKD.c.documents)).where(*cond)
                .group_by(RKD.c.year, RKD.c.kind).order_by(RKD.c.year, RKD.c.kind))
        return _frame(url, stmt, ["year", "kind", "activities"])
    if len(f.schools) == 1 and not (f.countries or f.partner_kinds):
        # One school: its documents with each kind are exactly the school rollup's rows (with two
        # or more schools a document naming both would count twice, so those count from the facts).
        cond = [*_rollup_cond(RSK, f), RSK.c.year.is_not(None), RSK.c.unit_id == f.schools[0]]
        if f.activity_kinds:
            cond.append(RSK.c.kind.in_(f.activity_kinds))
        stmt = (select(RSK.c.year, RSK.c.kind, func.sum(RSK.c.documents)).where(*cond)
                .group_by(RSK.c.year, RSK.c.kind).order_by(RSK.c.year, RSK.c.kind))
        return _frame(url, stmt, ["year", "kind", "activities"])
    one = _one_country_rollup(url, f, by_school=False)
    if one is not None:
        table, cond = one
        sub = _per_kind(table, f, [table.c.year], [*cond, table.c.year.is_not(None)]).subquery("k")
        stmt = select(sub.c.year, sub.c.kind, sub.c.n).order_by(sub.c.year, sub.c.kind)
        return _frame(url, stmt, ["year", "kind", "activities"])
    # the chosen schools' (else the chosen partners') facts in scope, counted per year on their
    # copy of the document's kinds: the other list is walked on the facts' document index,
    # where testing every activity against both lists cost 110–170 ms at 100,000 documents
    if f.schools:
        cond = [F.c.type == "school", F.c.unit_id.in_(f.schools), _fact_ok(),
                *evidence_conditions(F.c.document_id, F.c.year, f, implied=frozenset({"schools"}))]
    else:
        # (the chosen partners as a list driving the (type, partner_id, …) index: PostgreSQL merged
        # every partner fact of the years with the partners instead, 50,000 index entries for 8,000)
        cond = [F.c.type == "partner", partner_passes(F.c.partner_id, f), _fact_ok(),
                *evidence_conditions(F.c.document_id, F.c.year, f, implied=frozenset({"partners"}))]
    sub = per_kind_facts(f, [F.c.year], [*cond, F.c.year.is_not(None)]).subquery("k")
    stmt = select(sub.c.year, sub.c.kind, sub.c.n).order_by(sub.c.year, sub.c.kind)
    return _frame(url, stmt, ["year", "kind", "activities"])


def activities_by_school(url: str, f: Filters) -> pd.DataFrame:
    """Activities of the documents that mention each school, per kind.

    ``unit_id, school, zh, kind, activities``: an article about two schools counts for
    both, so the bars show involvement, not a partition of the total.
    """
    counts = None
    # Years, language, schools and kinds are dimensions of the school rollup: sum it when no
    # partner filter is chosen, else count from the facts below.
    if not (f.countries or f.partner_kinds):
        rcond = _rollup_cond(RSK, f)
        if f.schools:
            rcond.append(RSK.c.unit_id.in_(f.schools))
        if f.activity_kinds:
            rcond.append(RSK.c.kind.in_(f.activity_kinds))
        counts = (select(RSK.c.unit_id, RSK.c.kind, func.sum(RSK.c.documents).label("n"))
                  .where(*rcond).group_by(RSK.c.unit_id, RSK.c.kind).subquery("c"))
    one = _one_country_rollup(url, f, by_school=True) if counts is None else None
    if one is not None:
        table, cond = one
        counts = _per_kind(table, f, [table.c.unit_id], cond).subquery("c")
    if counts is None:
        cond = [F.c.type == "school", _fact_ok(),
                *evidence_conditions(F.c.document_id, _Probe(F.c.year), f, implied=frozenset({"schools"}))]
        if f.schools:
            cond.append(F.c.unit_id.in_(f.schools))
        # Grouped on ids first, names joined to the small result (names in the sort keys cost SQLite).
        counts = per_kind_facts(f, [F.c.unit_id], cond).subquery("c")
    stmt = (select(U.c.id, U.c.name, U.c.zh, counts.c.kind, counts.c.n)
            .join_from(counts, U, U.c.id == counts.c.unit_id)
            .order_by(U.c.name, counts.c.kind))
    return _frame(url, stmt, ["unit_id", "school", "zh", "kind", "activities"])


def _partner_docs(url: str, f: Filters):
    """``partner_id, n`` (documents in scope per partner) as a subquery: from the rollup when
    the filters are its dimensions or partner attributes, else counted from the facts."""
    # with countries or partner kinds chosen, only their partners' rows (the partner-led index)
    if not f.schools:
        only = [partner_passes(RPD.c.partner_id, f)] if f.countries or f.partner_kinds else []
        return (select(RPD.c.partner_id, func.sum(RPD.c.documents).label("n")).where(*_rollup_cond(RPD, f), *only)
                .group_by(RPD.c.partner_id).subquery("c"))
    if len(f.schools) == 1:
        # One school: a partner's documents in scope are the (school, partner) rollup's rows.
        only = [partner_passes(RSP.c.partner_id, f)] if f.countries or f.partner_kinds else []
        return (select(RSP.c.partner_id, func.sum(RSP.c.documents).label("n"))
                .where(*_rollup_cond(RSP, f), RSP.c.unit_id == f.schools[0], *only)
                .group_by(RSP.c.partner_id).subquery("c"))
    return (select(F.c.partner_id, func.count(distinct(F.c.document_id)).label("n"))
            .select_from(F.join(P, P.c.id == F.c.partner_id))
            .where(*_partner_facts(f)).group_by(F.c.partner_id).subquery("c"))


def top_partners(url: str, f: Filters, limit: int = 10) -> pd.DataFrame:
    """Partners mentioned by the most documents: ``partner_id, partner, zh, country, kind, documents``."""
    counts = _partner_docs(url, f)
    stmt = (select(P.c.id, P.c.name, P.c.zh, P.c.country, P.c.kind, counts.c.n)
            .join_from(counts, P, P.c.id == counts.c.partner_id).where(*_partner_ok(f))
            .order_by(counts.c.n.desc(), P.c.name).limit(limit))
    return _frame(url, stmt, ["partner_id", "partner", "zh", "country", "kind", "documents"])


def countries(url: str, f: Filters) -> pd.DataFrame:
    """Per partner country: ``country, partners, documents`` (most documents first).

    Documents per country from the ETL's country rollup (of the school–country one for one
    school), partners per country from the partner rollups, when no partner kind is chosen;
    else counted from the facts."""
    table = None
    if not (f.schools or f.partner_kinds):
        table, cond = RCD, _rollup_cond(RCD, f)
    elif len(f.schools) == 1 and not f.partner_kinds:
        table, cond = RSC, [RSC.c.unit_id == f.schools[0], *_rollup_cond(RSC, f)]
    if table is not None:
        if f.countries:
            cond.append(table.c.country.in_(f.countries))
        docs = (select(table.c.country, func.sum(table.c.documents).label("documents")).where(*cond)
                .group_by(table.c.country).subquery("d"))
        per_partner = _partner_docs(url, f)
        partners = (select(P.c.country, func.count().label("partners"))
                    .join_from(per_partner, P, P.c.id == per_partner.c.partner_id)
                    .where(*_partner_ok(f), P.c.country.is_not(None), per_partner.c.n > 0)
                    .group_by(P.c.country).subquery("p"))
        stmt = (select(docs.c.country, partners.c.partners, docs.c.documents)
                .join_from(docs, partners, partners.c.country == docs.c.country)
                .order_by(docs.c.documents.desc(), docs.c.country))
        return _frame(url, stmt, ["country", "partners", "documents"])
    docs = func.count(distinct(F.c.document_id))
    stmt = (select(P.c.country, func.count(distinct(P.c.id)), docs)
            .select_from(F.join(P, P.c.id == F.c.partner_id))
            .where(*_partner_facts(f), P.c.country.is_not(None))
            .group_by(P.c.country).order_by(docs.desc(), P.c.country))
    return _frame(url, stmt, ["country", "partners", "documents"])


# ---------------------------------------------------------------------------
# What changed since the last refresh
# ---------------------------------------------------------------------------
@dataclass
class RunSummary:
    """The latest finished ETL run and what it brought."""

    run_id: int
    status: str
    trigger: str
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    stats: dict[str, Any]
    errors: int
    new_documents: pd.DataFrame = field(default_factory=pd.DataFrame)   # id, title, year, lang
    new_partners: pd.DataFrame = field(default_factory=pd.DataFrame)    # id, name, country
    new_programs: pd.DataFrame = field(default_factory=pd.DataFrame)    # id, name, level
    counts: dict[str, int] = field(default_factory=dict)                 # all new ones, not just the first few


def run_changed(stats: dict | None) -> bool:
    """Whether a run's stats record a change: documents new, changed or gone, facts added or
    removed, reports loaded or gone (a refresh that found everything up to date did not)."""
    st = stats or {}
    docs, facts, reps = st.get("documents") or {}, st.get("facts") or {}, st.get("reports") or {}
    return any(int(docs.get(k) or 0) for k in ("new", "changed", "gone")) or \
        any(int(facts.get(k) or 0) for k in ("added", "removed")) or \
        any(int(reps.get(k) or 0) for k in ("loaded", "gone"))


def refresh_state(url: str, scan: int = 1000) -> dict[str, Any]:
    """``{"last_check": (run id, finished at) | None, "last_change": (run id, finished at) | None}``:
    when the sources were last read (the latest finished run) and the latest finished run that
    changed something (:func:`run_changed`; the newest ``scan`` runs are looked at)."""
    with connect(url) as conn:
        rows = conn.execute(select(R.c.id, R.c.finished_at, R.c.stats).where(R.c.finished_at.is_not(None))
                            .order_by(R.c.id.desc()).limit(scan)).all()
    check = (rows[0].id, rows[0].finished_at) if rows else None
    change = next(((r.id, r.finished_at) for r in rows if run_changed(r.stats)), None)
    return {"last_check": check, "last_change": change}


def _total(rows) -> int:
    """The window count (``count(*) OVER ()``, the rows' last column) of a list's first rows: how
    many there are in all (none when the list is empty)."""
    return int(rows[0][-1]) if rows else 0


def latest_run(url: str, limit: int = 5, run_id: int | None = None) -> RunSummary | None:
    """The latest finished run (else the latest run), or the run ``run_id``, with its new
    documents, partners and programs (the first ``limit`` of each, and how many there are in all).

    New documents are those the run created (``documents.run_id`` is the run and the row
    was created after it started); new partners are those whose first surviving mention
    comes from the run; new programs come from the reports the run loaded.
    """
    # the run with its number of unreadable files
    run = select(R, select(func.count()).select_from(RE).where(RE.c.run_id == R.c.id).scalar_subquery().label("nerr"))
    with connect(url) as conn:
        if run_id is not None:
            row = conn.execute(run.where(R.c.id == run_id)).first()
        else:
            row = conn.execute(run.where(R.c.finished_at.is_not(None)).order_by(R.c.id.desc()).limit(1)).first()
        if row is None and run_id is None:
            row = conn.execute(run.order_by(R.c.id.desc()).limit(1)).first()
        if row is None:
            return None
        rid, nerr = row.id, row.nerr
        # Each list comes with how many there are in all from the same statement (a window count
        # taken before the LIMIT): one round trip and one pass instead of a list and a count.
        doc_cond = [D.c.run_id == rid, D.c.status != "gone", D.c.created_at >= row.started_at]
        # ids first (from the run_id index), titles for those few only
        first = (select(D.c.id, D.c.year, func.count().over().label("n")).where(*doc_cond)
                 .order_by(D.c.year.desc(), D.c.id.desc()).limit(limit).subquery("fd"))
        new_docs = conn.execute(select(D.c.id, D.c.title, D.c.year, D.c.lang, first.c.n)
                                .join_from(first, D, D.c.id == first.c.id)
                                .order_by(D.c.year.desc(), D.c.id.desc())).all()
        # A partner's first run is this one: a surviving fact of this run names it, none of an
        # earlier run does. This run's facts are those of the documents it stored (it writes a
        # document's run_id and its facts' together), found from the run_id index: the list of
        # those documents first, then their facts on the (document_id, …) index. (As a join,
        # PostgreSQL read every partner fact's index entry for the run_id: 40 ms at 100,000
        # documents where the run's 300 documents' facts take 2.)
        fr, fe = F.alias("fr"), F.alias("fe")
        this_run = (select(fr.c.partner_id).where(
            _any_of(fr.c.document_id, select(D.c.id).where(D.c.run_id == rid)), fr.c.run_id == rid,
            fr.c.type == "partner", fr.c.status != "rejected", fr.c.partner_id.is_not(None)))
        earlier = select(fe.c.id).where(fe.c.type == "partner", fe.c.partner_id == P.c.id,
                                        fe.c.status != "rejected", fe.c.run_id < rid).exists()
        p_cond = [P.c.id.in_(this_run), ~earlier, P.c.status != "rejected"]
        new_partners = conn.execute(select(P.c.id, P.c.name, P.c.country, func.count().over())
                                    .where(*p_cond).order_by(P.c.name).limit(limit)).all()
        g_from = PG.join(RF, RF.c.id == PG.c.report_id)
        new_programs = conn.execute(select(PG.c.id, PG.c.name, PG.c.level, func.count().over()).select_from(g_from)
                                    .where(RF.c.run_id == rid).order_by(PG.c.name).limit(limit)).all()
    return RunSummary(
        run_id=rid, status=row.status, trigger=row.trigger, started_at=row.started_at,
        finished_at=row.finished_at, stats=dict(row.stats or {}), errors=int(nerr),
        new_documents=pd.DataFrame([tuple(r)[:4] for r in new_docs], columns=["id", "title", "year", "lang"]),
        new_partners=pd.DataFrame([tuple(r)[:3] for r in new_partners], columns=["id", "name", "country"]),
        new_programs=pd.DataFrame([tuple(r)[:3] for r in new_programs], columns=["id", "name", "level"]),
        counts={"documents": _total(new_docs), "partners": _total(new_partners), "programs": _total(new_programs)},
    )


__all__ = [
    "RunSummary", "KPI_NAMES", "kpis", "kpi_spans", "kpis_by_year", "kpi_trend", "activities_per_year", "activities_by_school",
    "top_partners", "countries", "latest_run", "refresh_state", "run_changed",
]


# ---------------------------------------------------------------------------
# Programme records (issue 16): the two KPIs of the Overview
# ---------------------------------------------------------------------------
def programme_kpis(url: str, f: Filters) -> dict[str, int]:
    """``active_joint_programmes``, ``students_in_programmes`` (the current figures of the active
    records that have one) and ``students_unknown`` (active records without a figure), under the
    shared filters as :mod:`dashboard.queries.programmes` reads them."""
    from dashboard.queries import programmes as qg

    return qg.kpis(url, f)
