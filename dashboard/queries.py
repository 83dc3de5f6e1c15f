"""Filters → pandas DataFrames, aggregated in SQL (SQLAlchemy Core, no Dash imports).

Every chart, its data download and its test call the same function here, so they agree
by construction. Each function takes a database URL (engines are pooled per URL by
``etl.db.get_engine``) and a :class:`Filters`, groups and counts in the database on the
indexed columns (``documents.year``, ``facts (type, unit_id)``, ``facts (type,
partner_id)``, ``activities (kind, year)``, ``partners.country``), and returns a small
frame: no function loads a whole table into pandas.

What counts: documents whose status is ``gone`` (removed at the source) and facts a
curator rejected (status ``rejected``) are never counted; partners a curator rejected
neither. A document is *in scope* when it passes every filter given:

- its year (event year, else publication year) lies in the year range;
- its language is the one chosen;
- it mentions one of the chosen schools;
- it mentions a partner from one of the chosen countries / of one of the chosen kinds;
- it reports an activity of one of the chosen kinds.

Charts then count inside that scope; a chart over schools shows only the chosen
schools when some are chosen, a chart over activities only the chosen kinds.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd
from sqlalchemy import Select, distinct, func, select

from etl.db import get_engine
from etl.load.models import (
    ACTIVITY_KINDS,
    Activity,
    Document,
    Fact,
    Partner,
    Program,
    ReportFile,
    Run,
    RunError,
    Unit,
)

D = Document.__table__
A = Activity.__table__
F = Fact.__table__
P = Partner.__table__
U = Unit.__table__
R = Run.__table__
RE = RunError.__table__
PG = Program.__table__
RF = ReportFile.__table__

PARTNER_KINDS = ("university", "institute", "company", "government", "ngo")
LANGUAGES = ("en", "zh")


# ---------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------
def _ints(values: Iterable[Any]) -> tuple[int, ...]:
    out = []
    for v in values:
        try:
            out.append(int(v))
        except (TypeError, ValueError):
            continue
    return tuple(sorted(set(out)))


def _strs(values: Iterable[Any], allowed: Iterable[str] | None = None, upper: bool = False) -> tuple[str, ...]:
    ok = set(allowed) if allowed is not None else None
    out = set()
    for v in values:
        if v is None:
            continue
        s = str(v).strip()
        s = s.upper() if upper else s
        if s and (ok is None or s in ok):
            out.add(s)
    return tuple(sorted(out))


def _split(value: Any) -> list[str]:
    """Query values arrive as ``"a,b"``, ``["a", "b"]`` or ``["a,b"]``; all mean a and b."""
    if value is None:
        return []
    items = value if isinstance(value, (list, tuple)) else [value]
    return [part for item in items for part in str(item).split(",") if part.strip()]


@dataclass(frozen=True)
class Filters:
    """The view the user chose; immutable and hashable so it can key a cache.

    Empty tuples and ``None`` mean "no restriction". Values are normalised (sorted,
    de-duplicated) by :meth:`make`, so two equal views give equal objects and equal
    query strings.
    """

    year_from: int | None = None
    year_to: int | None = None
    schools: tuple[int, ...] = ()
    countries: tuple[str, ...] = ()          # ISO 3166 alpha-2
    partner_kinds: tuple[str, ...] = ()
    activity_kinds: tuple[str, ...] = ()
    language: str | None = None

    # Query-string keys; short so that links stay readable.
    KEYS = {"year_from": "from", "year_to": "to", "schools": "school", "countries": "country",
            "partner_kinds": "pkind", "activity_kinds": "kind", "language": "lang"}

    @classmethod
    def make(cls, *, year_from: Any = None, year_to: Any = None, schools: Iterable[Any] = (),
             countries: Iterable[Any] = (), partner_kinds: Iterable[Any] = (),
             activity_kinds: Iterable[Any] = (), language: Any = None) -> Filters:
        """Build from loose values (strings from a URL, lists from dropdowns); bad values are dropped."""
        yf, yt = _ints([year_from] if year_from not in (None, "") else []), \
            _ints([year_to] if year_to not in (None, "") else [])
        y0, y1 = (yf[0] if yf else None), (yt[0] if yt else None)
        if y0 is not None and y1 is not None and y0 > y1:
            y0, y1 = y1, y0
        lang = str(language).strip() if language not in (None, "") else None
        return cls(
            year_from=y0,
            year_to=y1,
            schools=_ints(schools or ()),
            countries=_strs(countries or (), upper=True),
            partner_kinds=_strs(partner_kinds or ()),
            activity_kinds=_strs(activity_kinds or (), ACTIVITY_KINDS),
            language=lang if lang in LANGUAGES else None,
        )

    @classmethod
    def from_query(cls, params: Mapping[str, Any]) -> Filters:
        """From parsed query parameters (``{"school": "3,4", "from": "2018"}``)."""
        k = cls.KEYS
        return cls.make(
            year_from=(_split(params.get(k["year_from"])) or [None])[0],
            year_to=(_split(params.get(k["year_to"])) or [None])[0],
            schools=_split(params.get(k["schools"])),
            countries=_split(params.get(k["countries"])),
            partner_kinds=_split(params.get(k["partner_kinds"])),
            activity_kinds=_split(params.get(k["activity_kinds"])),
            language=(_split(params.get(k["language"])) or [None])[0],
        )

    @classmethod
    def from_search(cls, search: str | None) -> Filters:
        """From a URL query string such as ``?from=2018&school=3,4``."""
        from urllib.parse import parse_qs

        return cls.from_query(parse_qs((search or "").lstrip("?")))

    def to_query(self) -> dict[str, str]:
        """The non-empty filters as query parameters (lists joined by commas)."""
        out: dict[str, str] = {}
        for name, key in self.KEYS.items():
            v = getattr(self, name)
            if v is None or v == ():
                continue
            out[key] = ",".join(map(str, v)) if isinstance(v, tuple) else str(v)
        return out

    def to_search(self) -> str:
        """``?from=2018&school=3,4`` (``""`` when nothing is filtered)."""
        from urllib.parse import urlencode

        q = self.to_query()
        return "?" + urlencode(q, safe=",") if q else ""

    def for_year(self, year: int) -> Filters:
        return replace(self, year_from=year, year_to=year)

    def to_dict(self) -> dict[str, Any]:
        return {name: (list(v) if isinstance(v, tuple) else v)
                for name, v in ((n, getattr(self, n)) for n in self.KEYS)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Filters:
        return cls.make(**{k: v for k, v in (data or {}).items() if k in cls.KEYS})

    @property
    def is_empty(self) -> bool:
        return self == Filters()


# ---------------------------------------------------------------------------
# Scope
# ---------------------------------------------------------------------------
def _fact_ok():
    return F.c.status != "rejected"


def document_conditions(f: Filters) -> list:
    """WHERE conditions on ``documents`` (as ``D``) for a filter set."""
    cond = [D.c.status != "gone"]
    if f.year_from is not None:
        cond.append(D.c.year >= f.year_from)
    if f.year_to is not None:
        cond.append(D.c.year <= f.year_to)
    if f.language:
        cond.append(D.c.lang == f.language)
    # Each restriction is an uncorrelated "id IN (SELECT document_id …)": the database
    # evaluates it once from the (type, unit_id) / (type, partner_id) / (kind, year) indexes.
    # A correlated EXISTS made SQLite walk every school fact once per document (seconds
    # per query at 20,000 documents).
    if f.schools:
        fs = F.alias("fs")
        cond.append(D.c.id.in_(select(fs.c.document_id).where(
            fs.c.type == "school", fs.c.unit_id.in_(f.schools), fs.c.status != "rejected")))
    if f.countries or f.partner_kinds:
        fp, pp = F.alias("fp"), P.alias("pp")
        pcond = [fp.c.type == "partner", fp.c.status != "rejected", pp.c.status != "rejected"]
        if f.countries:
            pcond.append(pp.c.country.in_(f.countries))
        if f.partner_kinds:
            pcond.append(pp.c.kind.in_(f.partner_kinds))
        cond.append(D.c.id.in_(select(fp.c.document_id).select_from(
            fp.join(pp, pp.c.id == fp.c.partner_id)).where(*pcond)))
    if f.activity_kinds:
        aa = A.alias("aa")
        cond.append(D.c.id.in_(select(aa.c.document_id).where(aa.c.kind.in_(f.activity_kinds))))
    return cond


def scope(f: Filters) -> Select:
    """``SELECT documents.id`` of the documents in scope (used as ``IN (…)``)."""
    return select(D.c.id).where(*document_conditions(f))


def _partner_ok(f: Filters) -> list:
    cond = [P.c.status != "rejected"]
    if f.countries:
        cond.append(P.c.country.in_(f.countries))
    if f.partner_kinds:
        cond.append(P.c.kind.in_(f.partner_kinds))
    return cond


def _frame(url: str, stmt, columns: list[str]) -> pd.DataFrame:
    with get_engine(url).connect() as conn:
        rows = conn.execute(stmt).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


# ---------------------------------------------------------------------------
# Reference lists for the filter bar
# ---------------------------------------------------------------------------
def schools(url: str) -> pd.DataFrame:
    """All schools: ``id, name, zh`` ordered by name."""
    stmt = select(U.c.id, U.c.name, U.c.zh).where(U.c.type == "school").order_by(U.c.name)
    return _frame(url, stmt, ["id", "name", "zh"])


def year_bounds(url: str) -> tuple[int, int] | None:
    """Smallest and largest document year, or ``None`` when there are no dated documents."""
    stmt = select(func.min(D.c.year), func.max(D.c.year)).where(D.c.status != "gone", D.c.year.is_not(None))
    with get_engine(url).connect() as conn:
        lo, hi = conn.execute(stmt).one()
    return (int(lo), int(hi)) if lo is not None else None


def partner_countries(url: str) -> list[str]:
    """Countries (alpha-2) of the partners on record, for the country filter."""
    stmt = (select(P.c.country).distinct().where(P.c.country.is_not(None), P.c.status != "rejected")
            .order_by(P.c.country))
    with get_engine(url).connect() as conn:
        return [r[0] for r in conn.execute(stmt)]


def schema_ready(url: str) -> bool:
    """Whether the ETL's tables exist (``intl init`` or a first run creates them)."""
    from sqlalchemy import inspect

    try:
        insp = inspect(get_engine(url))
        return all(insp.has_table(t) for t in ("documents", "facts", "activities", "etl_runs"))
    except Exception:  # noqa: BLE001 - unreachable server, bad URL: "not ready", shown as such
        return False


def home_institution(url: str) -> tuple[str | None, str | None]:
    """Name and Chinese name of the home institution, when the reference data was loaded."""
    from etl.load.models import HomeInstitution

    H = HomeInstitution.__table__
    with get_engine(url).connect() as conn:
        row = conn.execute(select(H.c.name, H.c.zh).order_by(H.c.id).limit(1)).first()
    return (row[0], row[1]) if row else (None, None)


def has_documents(url: str) -> bool:
    """Whether anything was loaded at all (decides which empty state to show)."""
    with get_engine(url).connect() as conn:
        return conn.execute(select(D.c.id).where(D.c.status != "gone").limit(1)).first() is not None


def data_version(url: str) -> tuple:
    """A cheap fingerprint that changes whenever a run starts or finishes (cache key part)."""
    stmt = select(R.c.id, R.c.status, R.c.finished_at).order_by(R.c.id.desc()).limit(1)
    with get_engine(url).connect() as conn:
        row = conn.execute(stmt).first()
    return tuple(str(v) for v in row) if row else ()


# ---------------------------------------------------------------------------
# KPIs
# ---------------------------------------------------------------------------
KPI_NAMES = ("documents", "partners", "countries", "schools")


def _kpi_selects(f: Filters, by_year: bool) -> list:
    """One SELECT per KPI, over the documents in scope, optionally grouped by document year.

    Facts are joined to their document (rather than tested with ``IN (scope)``) so that
    the grouping by year and the document conditions use the same row.
    """
    dcond = document_conditions(f)
    key = [D.c.year] if by_year else []

    def sel(measure, from_, *where):
        stmt = select(*key, measure).select_from(from_).where(*dcond, *where)
        return stmt.group_by(*key) if by_year else stmt

    partner_from = F.join(D, D.c.id == F.c.document_id).join(P, P.c.id == F.c.partner_id)
    partner_where = (F.c.type == "partner", _fact_ok(), *_partner_ok(f))
    school_where = [F.c.type == "school", _fact_ok()]
    if f.schools:
        school_where.append(F.c.unit_id.in_(f.schools))
    return [
        sel(func.count(), D),
        sel(func.count(distinct(F.c.partner_id)), partner_from, *partner_where),
        sel(func.count(distinct(P.c.country)), partner_from, *partner_where, P.c.country.is_not(None)),
        sel(func.count(distinct(F.c.unit_id)), F.join(D, D.c.id == F.c.document_id), *school_where),
    ]


def kpis(url: str, f: Filters) -> dict[str, int]:
    """Distinct documents, partners, partner countries and schools involved in scope."""
    out = {}
    with get_engine(url).connect() as conn:
        for name, stmt in zip(KPI_NAMES, _kpi_selects(f, by_year=False)):
            out[name] = int(conn.execute(stmt).scalar() or 0)
    return out


def kpis_by_year(url: str, f: Filters) -> dict[int, dict[str, int]]:
    """The KPIs per document year in scope: ``{year: {"documents": …, …}}`` (undated left out)."""
    out: dict[int, dict[str, int]] = {}
    with get_engine(url).connect() as conn:
        for name, stmt in zip(KPI_NAMES, _kpi_selects(f, by_year=True)):
            for year, n in conn.execute(stmt):
                if year is not None:
                    out.setdefault(int(year), dict.fromkeys(KPI_NAMES, 0))[name] = int(n)
    return out


def kpi_trend(url: str, f: Filters) -> dict[str, Any]:
    """The KPIs for the range, for its latest year and for the year before.

    The latest year is the range's upper bound when one is set, else the latest year
    with documents. Returns ``{"total": {...}, "year": Y, "current": {...},
    "previous": {...}}`` (``year`` is None when nothing is dated; ``previous`` is None
    when the year before lies outside the range).
    """
    total = kpis(url, f)
    year = f.year_to
    if year is None:
        b = year_bounds(url)
        year = b[1] if b else None
    if year is None:
        return {"total": total, "year": None, "current": None, "previous": None}
    has_previous = f.year_from is None or year - 1 >= f.year_from
    per_year = kpis_by_year(url, replace(f, year_from=year - 1 if has_previous else year, year_to=year))
    zero = dict.fromkeys(KPI_NAMES, 0)
    return {"total": total, "year": year, "current": per_year.get(year, zero),
            "previous": per_year.get(year - 1, zero) if has_previous else None}


# ---------------------------------------------------------------------------
# Charts
# ---------------------------------------------------------------------------
def _activity_cond(f: Filters) -> list:
    cond = [A.c.document_id.in_(scope(f))]
    if f.activity_kinds:
        cond.append(A.c.kind.in_(f.activity_kinds))
    return cond


def activities_per_year(url: str, f: Filters) -> pd.DataFrame:
    """Activities per year and kind: ``year, kind, activities`` (undated ones left out)."""
    stmt = (select(D.c.year, A.c.kind, func.count().label("n"))
            .select_from(A.join(D, D.c.id == A.c.document_id))
            .where(*_activity_cond(f), D.c.year.is_not(None))
            .group_by(D.c.year, A.c.kind).order_by(D.c.year, A.c.kind))
    return _frame(url, stmt, ["year", "kind", "activities"])


def activities_by_school(url: str, f: Filters) -> pd.DataFrame:
    """Activities of the documents that mention each school, per kind.

    ``unit_id, school, zh, kind, activities``: an article about two schools counts for
    both, so the bars show involvement, not a partition of the total.
    """
    cond = [F.c.type == "school", _fact_ok(), *_activity_cond(f)]
    if f.schools:
        cond.append(F.c.unit_id.in_(f.schools))
    stmt = (select(U.c.id, U.c.name, U.c.zh, A.c.kind, func.count(distinct(A.c.id)))
            .select_from(F.join(A, A.c.document_id == F.c.document_id).join(U, U.c.id == F.c.unit_id))
            .where(*cond)
            .group_by(U.c.id, U.c.name, U.c.zh, A.c.kind)
            .order_by(U.c.name, A.c.kind))
    return _frame(url, stmt, ["unit_id", "school", "zh", "kind", "activities"])


def top_partners(url: str, f: Filters, limit: int = 10) -> pd.DataFrame:
    """Partners mentioned by the most documents: ``partner_id, partner, zh, country, kind, documents``."""
    n = func.count(distinct(F.c.document_id))
    stmt = (select(P.c.id, P.c.name, P.c.zh, P.c.country, P.c.kind, n)
            .select_from(F.join(P, P.c.id == F.c.partner_id))
            .where(F.c.type == "partner", _fact_ok(), F.c.document_id.in_(scope(f)), *_partner_ok(f))
            .group_by(P.c.id, P.c.name, P.c.zh, P.c.country, P.c.kind)
            .order_by(n.desc(), P.c.name).limit(limit))
    return _frame(url, stmt, ["partner_id", "partner", "zh", "country", "kind", "documents"])


def countries(url: str, f: Filters) -> pd.DataFrame:
    """Per partner country: ``country, partners, documents`` (most documents first)."""
    docs = func.count(distinct(F.c.document_id))
    stmt = (select(P.c.country, func.count(distinct(P.c.id)), docs)
            .select_from(F.join(P, P.c.id == F.c.partner_id))
            .where(F.c.type == "partner", _fact_ok(), F.c.document_id.in_(scope(f)),
                   P.c.country.is_not(None), *_partner_ok(f))
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


def latest_run(url: str, limit: int = 5) -> RunSummary | None:
    """The latest finished run (else the latest run) with its new documents, partners and programs
    (the first ``limit`` of each, and how many there are in all).

    New documents are those the run created (``documents.run_id`` is the run and the row
    was created after it started); new partners are those whose first surviving mention
    comes from the run; new programs come from the reports the run loaded.
    """
    with get_engine(url).connect() as conn:
        row = conn.execute(select(R).where(R.c.finished_at.is_not(None)).order_by(R.c.id.desc()).limit(1)).first()
        if row is None:
            row = conn.execute(select(R).order_by(R.c.id.desc()).limit(1)).first()
        if row is None:
            return None
        rid = row.id
        nerr = conn.execute(select(func.count()).select_from(RE).where(RE.c.run_id == rid)).scalar_one()
        doc_cond = [D.c.run_id == rid, D.c.status != "gone", D.c.created_at >= row.started_at]
        new_docs = conn.execute(select(D.c.id, D.c.title, D.c.year, D.c.lang).where(*doc_cond)
                                .order_by(D.c.year.desc(), D.c.id.desc()).limit(limit)).all()
        n_docs = conn.execute(select(func.count()).select_from(D).where(*doc_cond)).scalar_one()
        first_run = (select(F.c.partner_id, func.min(F.c.run_id).label("first"))
                     .where(F.c.type == "partner", _fact_ok(), F.c.partner_id.is_not(None))
                     .group_by(F.c.partner_id).subquery())
        p_from = P.join(first_run, first_run.c.partner_id == P.c.id)
        p_cond = [first_run.c.first == rid, P.c.status != "rejected"]
        new_partners = conn.execute(select(P.c.id, P.c.name, P.c.country).select_from(p_from).where(*p_cond)
                                    .order_by(P.c.name).limit(limit)).all()
        n_partners = conn.execute(select(func.count()).select_from(p_from).where(*p_cond)).scalar_one()
        g_from = PG.join(RF, RF.c.id == PG.c.report_id)
        new_programs = conn.execute(select(PG.c.id, PG.c.name, PG.c.level).select_from(g_from)
                                    .where(RF.c.run_id == rid).order_by(PG.c.name).limit(limit)).all()
        n_programs = conn.execute(select(func.count()).select_from(g_from).where(RF.c.run_id == rid)).scalar_one()
    return RunSummary(
        run_id=rid, status=row.status, trigger=row.trigger, started_at=row.started_at,
        finished_at=row.finished_at, stats=dict(row.stats or {}), errors=int(nerr),
        new_documents=pd.DataFrame([tuple(r) for r in new_docs], columns=["id", "title", "year", "lang"]),
        new_partners=pd.DataFrame([tuple(r) for r in new_partners], columns=["id", "name", "country"]),
        new_programs=pd.DataFrame([tuple(r) for r in new_programs], columns=["id", "name", "level"]),
        counts={"documents": int(n_docs), "partners": int(n_partners), "programs": int(n_programs)},
    )


__all__ = [
    "Filters", "RunSummary", "scope", "document_conditions", "schools", "year_bounds", "partner_countries",
    "has_documents", "schema_ready", "home_institution", "data_version", "kpis", "kpis_by_year", "kpi_trend",
    "activities_per_year", "activities_by_school", "top_partners", "countries", "latest_run",
    "ACTIVITY_KINDS", "PARTNER_KINDS", "LANGUAGES",
]
