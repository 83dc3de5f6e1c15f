"""What every page's queries share: :class:`Filters`, the scope of a filter set, the tables,
the lists the filter bar offers, and the helpers for activity kinds and the ETL's rollups.
(SQLAlchemy Core, no Dash imports; the pages' own queries are the other modules of
``dashboard.queries``.)

Every chart, its data download and its test call the same query function, so they agree
by construction. Each function takes a database URL (engines are pooled per URL by
``etl.db.get_engine``) and a :class:`Filters`, groups and counts in the database on
covering indexes (``facts (type, unit_id | partner_id, year, document_id, status)``,
``activities (kind, year, document_id)``, ``documents (year, status, lang, id)``,
migrations 0005 and 0009) or, for the heaviest counts, on the rollups that every write keeps
exact (:mod:`etl.load.rollups`), and returns a small frame: no function loads a
whole table into pandas. bench/dashboard.py times them at 100,000 documents.

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

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, Select, case, distinct, exists, func, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import BinaryExpression
from sqlalchemy.sql.visitors import InternalTraversal

from etl.db import connect, get_engine
from etl.load import rollups
from etl.load.models import (
    ACTIVITY_KINDS,
    Activity,
    Curation,
    Document,
    Fact,
    Partner,
    Program,
    ReportFile,
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
RSK = RollupSchoolKind.__table__
RPD = RollupPartnerDocs.__table__
RKD = RollupKindDocs.__table__
RSP = RollupSchoolPartnerDocs.__table__
RCD = RollupCountryDocs.__table__
RD = RollupDocs.__table__
RSD = RollupSchoolDocs.__table__
RPK = RollupPartnerKindDocs.__table__
RSC = RollupSchoolCountryDocs.__table__
RSK2 = RollupSchoolPartnerKindDocs.__table__

PARTNER_KINDS = ("university", "institute", "company", "government", "ngo")
LANGUAGES = ("en", "zh")


# ---------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------
# Bounds on what a filter may hold, whatever a URL or a crafted callback sends: years are
# four digits at most and ids fit a 32-bit integer (a larger number overflowed SQLite's
# INTEGER: ``?from=99999999999999999999`` was a 500 on every chart); beyond MAX_VALUES values a
# list is cut (nobody picks 500 schools), and longer strings than MAX_TEXT, or strings with
# control characters (a NUL broke the Excel download), are no code of ours.
MAX_ID = 2**31 - 1
YEARS = (1, 9999)
MAX_VALUES = 500
MAX_TEXT = 100


def _items(values: Any) -> list[Any]:
    """A filter's values as a list: a lone value (a number, a string) is a list of one; a
    mapping or anything else that is no list of values holds none."""
    if values is None or isinstance(values, (Mapping, bytes)):
        return []
    if isinstance(values, (str, int, float)):
        return [values]
    try:
        return list(values)[:MAX_VALUES]
    except TypeError:
        return []


def _ints(values: Any, lo: int = 0, hi: int = MAX_ID) -> tuple[int, ...]:
    out = []
    for v in _items(values):
        if isinstance(v, bool) or (isinstance(v, str) and len(v) > 20):
            continue
        try:
            n = int(v)
        except (TypeError, ValueError, OverflowError):  # OverflowError: int(float("inf"))
            continue
        if lo <= n <= hi:
            out.append(n)
    return tuple(sorted(set(out)))


def _strs(values: Any, allowed: Iterable[str] | None = None, upper: bool = False) -> tuple[str, ...]:
    ok = set(allowed) if allowed is not None else None
    out = set()
    for v in _items(values):
        if v is None or isinstance(v, (Mapping, list, tuple)):
            continue
        s = str(v).strip()
        s = s.upper() if upper else s
        if s and len(s) <= MAX_TEXT and s.isprintable() and (ok is None or s in ok):
            out.add(s)
    return tuple(sorted(out))


def _split(value: Any) -> list[str]:
    """Query values arrive as ``"a,b"``, ``["a", "b"]`` or ``["a,b"]``; all mean a and b."""
    if value is None:
        return []
    items = value if isinstance(value, (list, tuple)) else [value]
    return [part for item in items[:MAX_VALUES] for part in str(item).split(",")[:MAX_VALUES] if part.strip()]


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
        yf, yt = _ints([year_from] if year_from not in (None, "") else [], *YEARS), \
            _ints([year_to] if year_to not in (None, "") else [], *YEARS)
        y0, y1 = (yf[0] if yf else None), (yt[0] if yt else None)
        if y0 is not None and y1 is not None and y0 > y1:
            y0, y1 = y1, y0
        lang = language.strip() if isinstance(language, str) else None
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
        """From the filter store; anything but a mapping (a crafted list, string or number) filters nothing."""
        if not isinstance(data, Mapping):
            return cls()
        return cls.make(**{k: v for k, v in data.items() if k in cls.KEYS})

    @property
    def is_empty(self) -> bool:
        return self == Filters()


# ---------------------------------------------------------------------------
# Scope
# ---------------------------------------------------------------------------
def _fact_ok():
    return F.c.status != "rejected"


class _Probe(ColumnElement):
    """A column the database should test row by row, not drive the query from: ``+col`` on SQLite.

    SQLite's unary ``+`` keeps a term off the indexes. Without it, given ``document_id
    IN (SELECT …)`` SQLite sometimes walks the subquery's list and looks each id up
    (a table row per id), which took 2 s where scanning a covering index and probing
    the list takes 10 ms. Other databases get the plain column.
    """

    inherit_cache = True
    _traverse_internals = [("element", InternalTraversal.dp_clauseelement)]

    def __init__(self, element):
        self.element = element
        self.type = element.type


@compiles(_Probe)
def _probe_default(element, compiler, **kw):
    return compiler.process(element.element, **kw)


@compiles(_Probe, "sqlite")
def _probe_sqlite(element, compiler, **kw):
    return "+" + compiler.process(element.element, **kw)


class _AnyOf(BinaryExpression):
    """``column IN (SELECT …)`` of an uncorrelated list; on PostgreSQL ``column = ANY(ARRAY(SELECT …))``.

    PostgreSQL plans ``IN (SELECT …)`` as a join and, misjudging how few rows the list selects
    from a covering index, merged every partner fact of the year range with the list (135,000 rows
    read for 10,000: 85 ms for the documents of two countries at 100,000 documents); an array is
    computed once and used as an index condition (24 ms). SQLite reads both the same way (the
    list drives the index), so it gets the plain ``IN``.
    """

    inherit_cache = True


def _any_of(column, subquery) -> _AnyOf:
    """:class:`_AnyOf`: ``column`` in the rows of the uncorrelated ``subquery``."""
    e = column.in_(subquery)
    return _AnyOf(e.left, e.right, e.operator, type_=e.type, negate=e.negate)


@compiles(_AnyOf)
def _any_of_default(element, compiler, **kw):
    return compiler.visit_binary(element, **kw)


@compiles(_AnyOf, "postgresql")
def _any_of_pg(element, compiler, **kw):
    return f"{compiler.process(element.left, **kw)} = ANY(ARRAY{compiler.process(element.right, **kw)})"


def _membership_conditions(document_id, f: Filters, implied: frozenset[str] = frozenset(),
                           walk: bool = False) -> list:
    """The school / partner / activity-kind restrictions on a document id column.

    Each is an uncorrelated ``document_id IN (SELECT document_id …)``: the database
    evaluates it once from the covering (type, unit_id …) / (type, partner_id …) /
    (kind, year, document_id) indexes. A correlated EXISTS made SQLite walk every school
    fact once per document (seconds per query at 20,000 documents). ``implied`` names the
    restrictions the caller's own row already satisfies ("schools", "partners", "kinds"),
    which are then left out. The subqueries also carry the year range (a fact's or an
    activity's ``year`` is its document's), so a narrow range gives short lists.

    The school and partner lists are probed row by row (:class:`_Probe`) unless ``walk``:
    for a fact row the database may instead walk the list and seek each document's facts in
    the covering (document_id, type, …) index (migration 0018), which it does when the list
    is short (one country's documents: 7,500 seeks instead of a scan of 150,000 school facts).
    """
    def years(col) -> list:
        return [c for c in (col >= f.year_from if f.year_from is not None else None,
                            col <= f.year_to if f.year_to is not None else None) if c is not None]

    probe = (lambda c: c) if walk else _Probe
    cond = []
    if f.schools and "schools" not in implied:
        fs = F.alias("fs")
        cond.append(probe(document_id).in_(select(fs.c.document_id).where(
            fs.c.type == "school", fs.c.unit_id.in_(f.schools), fs.c.status != "rejected", *years(fs.c.year),
            *_fact_dims(fs, f))))
    if (f.countries or f.partner_kinds) and "partners" not in implied:
        fp = F.alias("fp")
        cond.append(probe(document_id).in_(select(fp.c.document_id).where(
            fp.c.type == "partner", fp.c.status != "rejected", partner_passes(fp.c.partner_id, f),
            *years(fp.c.year), *_fact_dims(fp, f))))
    if f.activity_kinds and "kinds" not in implied:
        aa = A.alias("aa")
        cond.append(_Probe(document_id).in_(select(aa.c.document_id).where(aa.c.kind.in_(f.activity_kinds),
                                                                           *years(aa.c.year))))
    return cond


def _fact_dims(row, f: Filters) -> list:
    """The language and activity-kind filters on a fact row's own copies of its document's
    language and kinds (written with the facts, migration 0015): no list of documents to build."""
    cond = []
    if f.language:
        cond.append(row.c.lang == f.language)
    if f.activity_kinds:
        cond.append(row.c.kinds.bitwise_and(rollups.kinds_mask(f.activity_kinds)) != 0)
    return cond


def _document_own(f: Filters) -> list:
    """The conditions on a ``documents`` row's own columns: not gone, year range, language."""
    cond = [D.c.status != "gone"]
    if f.year_from is not None:
        cond.append(D.c.year >= f.year_from)
    if f.year_to is not None:
        cond.append(D.c.year <= f.year_to)
    if f.language:
        cond.append(D.c.lang == f.language)
    return cond


def document_conditions(f: Filters) -> list:
    """WHERE conditions on ``documents`` (as ``D``) for a filter set."""
    return _document_own(f) + _membership_conditions(D.c.id, f)


def document_probes(f: Filters) -> list:
    """:func:`document_conditions` with the school, partner and kind filters as correlated
    ``EXISTS`` probes of each document (a seek into the facts' (document_id, type, …) index or
    the activities' document index) instead of lists built up front.

    For a walk over the documents in some order that stops after a page of them: when the
    documents in scope are not rare it meets the page after a few hundred documents, where the
    lists cost a pass over every chosen school's, partner's and kind's rows first.
    """
    return _document_own(f) + _membership_probes(D.c.id, f)


def _membership_probes(document_id, f: Filters, implied: frozenset[str] = frozenset()) -> list:
    """:func:`_membership_conditions` as correlated ``EXISTS`` probes of ``document_id``'s facts
    and activities (document-led indexes), for rows that are few or read a page at a time."""
    cond = []
    if f.schools and "schools" not in implied:
        fs = F.alias("fs")
        cond.append(exists().where(fs.c.document_id == document_id, fs.c.type == "school",
                                   fs.c.unit_id.in_(f.schools), fs.c.status != "rejected"))
    if (f.countries or f.partner_kinds) and "partners" not in implied:
        fp = F.alias("fp")
        cond.append(exists().where(fp.c.document_id == document_id, fp.c.type == "partner", fp.c.status != "rejected",
                                   partner_passes(fp.c.partner_id, f, correlated=True)))
    if f.activity_kinds and "kinds" not in implied:
        aa = A.alias("aa")
        cond.append(exists().where(aa.c.document_id == document_id, aa.c.kind.in_(f.activity_kinds)))
    return cond


def evidence_conditions(document_id, year, f: Filters, implied: frozenset[str] = frozenset(),
                        narrow: bool = False) -> list:
    """WHERE conditions putting an evidence row (a fact or an activity) in scope, on its own columns.

    Same scope as :func:`document_conditions`, without joining ``documents`` row by row:
    the year test uses the row's ``year`` (the ETL writes ``documents.year`` into every
    fact and activity of the document, in the same transaction), documents gone at the
    source are excluded with ``NOT IN`` their (short) list; a fact also carries its
    document's language and activity kinds (:func:`_fact_dims`, migration 0015), for an
    activity the language is an ``IN`` subquery. At 100,000 documents this keeps an aggregate on a covering index of the
    evidence table: a join to ``documents`` per row cost SQLite seconds.

    ``narrow``: the caller's rows are few (one partner's facts), so the school and partner
    filters are tested per row with correlated ``EXISTS`` probes of the row's document
    (:func:`document_probes`' way) instead of lists of every chosen school's documents.
    """
    cond = [document_id.not_in(select(D.c.id).where(D.c.status == "gone"))]
    if f.year_from is not None:
        cond.append(year >= f.year_from)
    if f.year_to is not None:
        cond.append(year <= f.year_to)
    row = document_id.table
    if "kinds" in row.c and "lang" in row.c:  # a fact: its own copies of the language and kinds
        # the kinds too when implied by the caller's own join: always true then, and selective
        own = _fact_dims(row, f)
        if narrow:
            return cond + own + _membership_probes(document_id, f, implied | {"kinds"})
        return cond + own + _membership_conditions(document_id, f, implied | {"kinds"}, walk=True)
    if f.language:
        dy = [c for c in (D.c.year >= f.year_from if f.year_from is not None else None,
                          D.c.year <= f.year_to if f.year_to is not None else None) if c is not None]
        cond.append(_Probe(document_id).in_(select(D.c.id).where(D.c.lang == f.language, *dy)))
    return cond + _membership_conditions(document_id, f, implied)


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


def partner_passes(column, f: Filters, correlated: bool = False):
    """``column`` (a partner id) names a partner passing the partner filters: ``IN`` the chosen
    countries' / kinds' partners, or, without such filters, ``NOT IN`` the (few) rejected ones,
    a much shorter list to build and probe than every other partner.

    ``correlated``: the test sits in a subquery run once per row of the outer query (an
    ``EXISTS`` probe): a plain ``IN`` (PostgreSQL hashes the list once), where
    :class:`_AnyOf`'s array made PostgreSQL 3× slower (the Sources page's walk)."""
    if f.countries or f.partner_kinds:
        ids = select(P.c.id).where(*_partner_ok(f))
        return column.in_(ids) if correlated else _any_of(column, ids)
    return column.not_in(select(P.c.id).where(P.c.status == "rejected"))


def serial(conn) -> None:
    """On PostgreSQL, no parallel workers for the rest of ``conn``'s transaction (``SET LOCAL``).

    For a query that reads a page of rows in index order and stops (the Sources list's walk):
    PostgreSQL plans it with a Gather Merge over two workers, whose start-up alone cost 30–60 ms
    on a busy server where the walk itself takes 2–10 ms (100,000 documents). Elsewhere nothing.
    """
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 0")


def _frame(url: str, stmt, columns: list[str], one_worker: bool = False) -> pd.DataFrame:
    """``stmt``'s rows as a frame; ``one_worker``: without parallel workers (:func:`serial`: a
    ``SET LOCAL``, so in a transaction of its own rather than on the request's autocommit reader)."""
    if one_worker:
        with get_engine(url).connect() as conn:
            serial(conn)
            rows = conn.execute(stmt).all()
    else:
        with connect(url) as conn:
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
    # Two ordered reads of the (year, status, …) index, each stopping at its first document not
    # gone (min() and max() together made SQLite scan every document), as the two scalar
    # subqueries of one statement: one round trip.
    first = select(D.c.year).where(D.c.status != "gone", D.c.year.is_not(None)).limit(1)
    with connect(url) as conn:
        lo, hi = conn.execute(select(first.order_by(D.c.year).scalar_subquery(),
                                     first.order_by(D.c.year.desc()).scalar_subquery())).one()
    return (int(lo), int(hi)) if lo is not None else None


def partner_countries(url: str) -> list[str]:
    """Countries (alpha-2) of the partners on record, for the country filter."""
    stmt = (select(P.c.country).distinct().where(P.c.country.is_not(None), P.c.status != "rejected")
            .order_by(P.c.country))
    with connect(url) as conn:
        return [r[0] for r in conn.execute(stmt)]


def schema_ready(url: str) -> bool:
    """Whether the ETL's tables exist (``intl init`` or a first run creates them)."""
    from sqlalchemy import inspect

    try:   # one catalogue query for the four (a has_table each was four round trips on PostgreSQL)
        return {"documents", "facts", "activities", "etl_runs"} <= set(inspect(get_engine(url)).get_table_names())
    except Exception:  # noqa: BLE001 - unreachable server, bad URL: "not ready", shown as such
        return False


def home_institution(url: str) -> tuple[str | None, str | None]:
    """Name and Chinese name of the home institution, when the reference data was loaded."""
    from etl.load.models import HomeInstitution

    H = HomeInstitution.__table__
    with connect(url) as conn:
        row = conn.execute(select(H.c.name, H.c.zh).order_by(H.c.id).limit(1)).first()
    return (row[0], row[1]) if row else (None, None)


def has_documents(url: str) -> bool:
    """Whether anything was loaded at all (decides which empty state to show)."""
    with connect(url) as conn:
        return conn.execute(select(D.c.id).where(D.c.status != "gone").limit(1)).first() is not None


def data_version(url: str) -> tuple:
    """A cheap stamp (the cache key's part) that changes with every write the counts see: a run
    starting or finishing, a document or fact committed by a run in progress (their ids only
    grow: a changed document's facts are new rows), a curator's decision (the latest one and how
    many are active). Primary-key lookups and a count of the small curations table, one round trip."""
    C = Curation.__table__
    def latest(col):
        return select(col).order_by(R.c.id.desc()).limit(1).scalar_subquery()

    stmt = select(latest(R.c.id), latest(R.c.status), latest(R.c.finished_at),
                  select(func.max(D.c.id)).scalar_subquery(), select(func.max(F.c.id)).scalar_subquery(),
                  select(func.max(C.c.id)).scalar_subquery(),
                  select(func.count()).select_from(C).where(C.c.active.is_(True)).scalar_subquery())
    with connect(url) as conn:
        row = conn.execute(stmt).first()
    return tuple(str(v) for v in row) if row else ()


# ---------------------------------------------------------------------------
# Shared by the pages' counts: activity kinds as bits, the ETL's rollups
# ---------------------------------------------------------------------------
def _per_kind(table, f: Filters, keys: list, cond: list) -> Select:
    """``SELECT *keys, kind, n`` from a rollup with a ``kinds`` bit set: the documents of each
    activity kind (of the chosen ones) summed over the rows whose set has that kind's bit.

    An activity of a kind in a document is one document of that kind, so these are the
    activity counts of the rollup's rows: with one country chosen, the country rollups give
    the activities per year and kind or per school and kind exactly (one scan of the
    country's rows).
    """
    rows = (select(*[k.label(k.name) for k in keys], table.c.kinds, table.c.documents.label("n"))
            .where(*_rollup_cond(table, f, per_kinds=True), *cond).subquery("ks"))
    return _spread_kinds(rows, [k.name for k in keys], f)


def per_kind_facts(f: Filters, keys: list, cond: list) -> Select:
    """``SELECT *keys, kind, n``: the documents of each activity kind among the facts meeting
    ``cond``, counted on the facts' own copy of their document's kinds (migration 0015) —
    distinct documents per set of kinds in one pass over a covering index, then spread over
    the kinds — instead of joining every fact to its document's activities."""
    sets = (select(*[k.label(k.name) for k in keys], F.c.kinds, func.count(distinct(F.c.document_id)).label("n"))
            .where(*cond).group_by(*keys, F.c.kinds).subquery("ks"))
    return _spread_kinds(sets, [k.name for k in keys], f)


def kind_bits(f: Filters) -> list[tuple[str, int]]:
    """``(kind, bit)`` of each chosen activity kind (every kind when none is chosen), in order."""
    return [(k, rollups.kinds_mask([k])) for k in (f.activity_kinds or ACTIVITY_KINDS)]


def kinds_bit_count(kinds, f: Filters):
    """How many of the chosen activity kinds (all when none is chosen) a ``kinds`` bit set has:
    the activities a document with that set reports, as a sum of bit tests (no popcount in SQL)."""
    from sqlalchemy import Integer, case

    total = None
    for _kind, b in kind_bits(f):
        term = case((kinds.bitwise_and(b) != 0, 1), else_=0)
        total = term if total is None else total + term
    return total.cast(Integer)


def _spread_kinds(sets, keys: list[str], f: Filters) -> Select:
    """``sets`` (``*keys, kinds, n``: documents per set of kinds) → ``*keys, kind, n`` for each
    activity kind (the chosen ones, else all) whose bit some of the key's sets have.

    One pass sums ``n`` per key and kind into one column per kind (``CASE`` on the kind's bit),
    then the small per-key result is turned into one row per kind. Joining every set to the
    list of kinds before grouping made nine rows of each set (86 ms instead of 23 for one
    country's per-school rows at 100,000 documents).
    """
    from sqlalchemy import Integer, case, cast, literal, union_all

    bits = kind_bits(f)
    kinds = [k for k, _b in bits]
    skeys = [sets.c[k] for k in keys]
    wide = (select(*skeys, *[func.sum(case((sets.c.kinds.bitwise_and(b) != 0, sets.c.n))).label(f"k{i}")
                              for i, (_k, b) in enumerate(bits)])
            .group_by(*skeys).subquery("kw"))
    # the kinds as a small derived table (a SELECT of literals per kind: SQLite does not name
    # the columns of a VALUES list)
    kv = union_all(*[select(literal(k).label("kind"), literal(i).label("i")) for i, k in enumerate(kinds)]).subquery("kv")
    n = case({i: wide.c[f"k{i}"] for i in range(len(kinds))}, value=kv.c.i)
    # an integer on every database (PostgreSQL sums a count as numeric)
    return (select(*[wide.c[k] for k in keys], kv.c.kind, cast(n, Integer).label("n"))
            .select_from(wide.join(kv, literal(True)))
            .where(n.is_not(None)))


def _one_country_rollup(url: str, f: Filters, by_school: bool):
    """(table, conditions) of the country rollup answering one chosen country exactly — per
    school (``by_school``, or with one school chosen) from the school–country one — or None."""
    if len(f.countries) != 1 or f.partner_kinds:
        return None
    if by_school or f.schools:
        if by_school or len(f.schools) == 1:
            cond = [RSC.c.country == f.countries[0]]
            if f.schools:
                cond.append(RSC.c.unit_id.in_(f.schools))
            return RSC, cond
        return None
    return RCD, [RCD.c.country == f.countries[0]]


def _partner_facts(f: Filters) -> list:
    """Partner facts in scope naming a partner that passes the partner filters."""
    return [F.c.type == "partner", _fact_ok(), *_partner_ok(f),
            *evidence_conditions(F.c.document_id, F.c.year, f, implied=frozenset({"partners"}))]


def _rollup_cond(table, f: Filters, per_kinds: bool = False) -> list:
    """A rollup's year range and language (its rows are per year and language) and, for the
    rollups with a ``kinds`` bit set, the activity kinds (its documents report one of them),
    or its rows over all kinds (``kinds = -1``) when no kind is chosen; ``per_kinds`` takes the
    rows per set of kinds even then."""
    cond = []
    if "kinds" in table.c:  # the rows per set of kinds that meet the filter, else those over all sets
        if per_kinds and not f.activity_kinds:
            cond.append(table.c.kinds >= 0)
        elif f.activity_kinds:
            cond += [table.c.kinds >= 0, table.c.kinds.bitwise_and(rollups.kinds_mask(f.activity_kinds)) != 0]
        else:
            cond.append(table.c.kinds == rollups.ALL_KINDS)
    if f.year_from is not None:
        cond.append(table.c.year >= f.year_from)
    if f.year_to is not None:
        cond.append(table.c.year <= f.year_to)
    if f.language:
        cond.append(table.c.lang == f.language)
    return cond


__all__ = [
    "Filters", "scope", "document_conditions", "document_probes", "evidence_conditions", "partner_passes",
    "schools", "year_bounds", "partner_countries", "has_documents", "schema_ready", "home_institution",
    "data_version", "per_kind_facts", "kind_bits", "kinds_bit_count",
    "ACTIVITY_KINDS", "PARTNER_KINDS", "LANGUAGES",
]
