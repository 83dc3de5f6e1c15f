"""Drill-down: the documents and evidence sentences behind one chart element (no Dash imports).

Every clickable chart element carries a small dictionary in its plotly ``customdata`` —
``{"school": 3, "year": 2021, "what": "activities"}``, ``{"country": "DE"}``,
``{"partner": 24}`` … — that names the slice of data it counts. :class:`DrillSpec` parses
it (values arriving from the browser are untrusted: unknown keys and bad values are
dropped), :func:`drill` lists the documents of that slice *within the page's filters*
and the sentences that put each document there, and :meth:`DrillSpec.cross_filter`
turns the element into a filter set for cross-filtering.

The slice is the page's filters narrowed by the element (``filters_for``), counted with the
same conditions as the chart (``dashboard.queries.document_conditions``), so the panel's
document count equals the bar's height for a ``documents`` chart and its activity count
equals it for an ``activities`` chart. Tests check this on every chart.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

import pandas as pd
from sqlalchemy import case, distinct, func, literal, select, union_all

from dashboard.queries.common import A, D, F, P, U, Filters, _Probe, document_conditions, evidence_conditions
from etl.db import connect
from etl.load.models import ACTIVITY_KINDS

WHATS = ("documents", "activities")
PARTNER_KINDS = ("university", "institute", "company", "government", "ngo")
DEFAULT_LIMIT = 40
CONTEXT_CHARS = 110   # characters either side of a mention when the fact kept no sentence


def _int(v: Any) -> int | None:
    if isinstance(v, bool):
        return None
    try:
        i = int(v)
    except (TypeError, ValueError, OverflowError):
        return None
    return i if -(2 ** 31) < i < 2 ** 31 else None


def _code(v: Any, allowed: Iterable[str] | None = None, upper: bool = False, maxlen: int = 40) -> str | None:
    if v is None:
        return None
    s = str(v).strip()
    s = s.upper() if upper else s
    if not s or len(s) > maxlen or (allowed is not None and s not in allowed):
        return None
    return s


@dataclass(frozen=True)
class DrillSpec:
    """One chart element: the dimensions it fixes, and what its chart counts.

    ``what`` is ``"documents"`` (bars of documents: a partner, a country) or
    ``"activities"`` (bars of activities: a year × kind, a school × year cell); with
    ``"activities"`` only documents that report an activity (of the kind, else of the
    filtered kinds) belong to the element.
    """

    school: int | None = None
    partner: int | None = None
    country: str | None = None
    year: int | None = None
    kind: str | None = None
    pkind: str | None = None
    lang: str | None = None
    document: int | None = None
    what: str = "documents"

    @classmethod
    def make(cls, data: Mapping[str, Any] | None) -> DrillSpec:
        """From loose values (a click's customdata); bad values are dropped, never trusted."""
        d = dict(data) if isinstance(data, Mapping) else {}
        country = _code(d.get("country"), upper=True, maxlen=2)
        return cls(
            school=_int(d.get("school")),
            partner=_int(d.get("partner")),
            country=country if country and len(country) == 2 and country.isalpha() else None,
            year=_int(d.get("year")),
            kind=_code(d.get("kind"), ACTIVITY_KINDS),
            pkind=_code(d.get("pkind"), PARTNER_KINDS),
            lang=_code(d.get("lang"), ("en", "zh")),
            document=_int(d.get("document")),
            what=_code(d.get("what"), WHATS) or "documents",
        )

    @classmethod
    def from_click(cls, click: Mapping[str, Any] | None) -> DrillSpec | None:
        """The spec of the first point of a Dash ``clickData``, or None when it carries none.

        The point's ``customdata`` is the spec itself, or a list whose last dictionary is
        (charts keep their hover values first and append the spec).
        """
        try:
            point = (click or {}).get("points", [])[0]
        except (IndexError, AttributeError, TypeError):
            return None
        cd = point.get("customdata") if isinstance(point, Mapping) else None
        if isinstance(cd, (list, tuple)):
            cd = next((c for c in reversed(cd) if isinstance(c, Mapping)), None)
        if not isinstance(cd, Mapping):
            return None
        spec = cls.make(cd)
        return None if spec.is_empty else spec

    def to_dict(self) -> dict[str, Any]:
        """The non-default fields (what travels in customdata and in the panel's store)."""
        get = self.__dict__
        out = {k: get[k] for k in _SPEC_FIELDS if get[k] is not None}
        if self.what != "documents":
            out["what"] = self.what
        return out

    @property
    def is_empty(self) -> bool:
        return not any(self.__dict__[k] is not None for k in _SPEC_FIELDS) \
            and self.what == "documents"

    def filters_for(self, f: Filters) -> Filters:
        """The page's filters narrowed to this element (the chart showed it, so it passes them)."""
        return replace(
            f,
            schools=(self.school,) if self.school is not None else f.schools,
            countries=(self.country,) if self.country else f.countries,
            partner_kinds=(self.pkind,) if self.pkind else f.partner_kinds,
            activity_kinds=(self.kind,) if self.kind else f.activity_kinds,
            year_from=self.year if self.year is not None else f.year_from,
            year_to=self.year if self.year is not None else f.year_to,
            language=self.lang or f.language,
        )

    def cross_filter(self, f: Filters) -> Filters | None:
        """The filter set a click on this element applies; None when no filter can express it
        (a partner or a single document: their own pages show them)."""
        if self.school is None and not self.country and self.year is None and not self.kind \
                and not self.pkind and not self.lang:
            return None
        return replace(self, partner=None, document=None).filters_for(f)


# The fields a spec's dict carries when set, in order (``what`` only when not the default): read
# once, not through dataclasses.fields() per call (a chart makes hundreds of specs).
_SPEC_FIELDS = tuple(f.name for f in fields(DrillSpec) if f.name != "what")


@dataclass
class DrillResult:
    """The documents behind an element (newest first, at most ``limit``) and their evidence."""

    total_documents: int
    total_activities: int | None          # for ``what == "activities"`` specs
    documents: pd.DataFrame               # id, title, date, year, lang, kinds (list)
    evidence: pd.DataFrame                # document_id, source, label, sentence, spans (list of (start, end))
    limit: int = DEFAULT_LIMIT
    labels: dict[str, str] = field(default_factory=dict)   # names of the spec's school / partner

    @property
    def truncated(self) -> bool:
        return self.total_documents > len(self.documents)


# ---------------------------------------------------------------------------
def documents_behind(f: Filters, spec: DrillSpec, partner_passes: bool = False):
    """``SELECT document_id`` of the documents behind ``spec`` within ``f`` (may repeat an id).

    Driven by the narrowest evidence the element names — the partner's or the school's
    facts, the activities of the kind, the facts of the country's partners — through the
    covering (type, unit_id | partner_id, year, document_id, status) and (kind, year,
    document_id) indexes, with the rest of the scope tested on the evidence row
    (:func:`dashboard.queries.evidence_conditions`): the same documents as
    ``document_conditions`` of the narrowed filters, without visiting every document
    (which cost SQLite 0.1–0.9 s at 100,000 documents).

    ``partner_passes``: the caller knows that the spec's partner itself meets the partner
    filters (its country and kind, read from the database): its own fact then puts each of
    its documents in the partner scope, and no list of other partners' documents is built.
    """
    g = spec.filters_for(f)
    extra_doc: list = []
    if spec.partner is not None:
        x = F.alias("dv")
        src, col = x, x.c.document_id
        cond = [x.c.type == "partner", x.c.partner_id == spec.partner, x.c.status != "rejected",
                *evidence_conditions(x.c.document_id, x.c.year, g,
                                     implied=frozenset({"partners"}) if partner_passes else frozenset(), narrow=True)]
    elif spec.school is not None:
        x = F.alias("dv")
        src, col = x, x.c.document_id
        cond = [x.c.type == "school", x.c.unit_id == spec.school, x.c.status != "rejected",
                *evidence_conditions(x.c.document_id, x.c.year, g, implied=frozenset({"schools"}))]
    elif spec.kind:
        x = A.alias("dv")
        src, col = x, x.c.document_id
        cond = [x.c.kind == spec.kind,
                *evidence_conditions(x.c.document_id, x.c.year, g, implied=frozenset({"kinds"}))]
    elif spec.country or spec.pkind:
        x, pp = F.alias("dv"), P.alias("dvp")
        src, col = x.join(pp, pp.c.id == x.c.partner_id), x.c.document_id
        cond = [x.c.type == "partner", x.c.status != "rejected", pp.c.status != "rejected",
                *evidence_conditions(x.c.document_id, x.c.year, g, implied=frozenset({"partners"}))]
        if g.countries:
            cond.append(pp.c.country.in_(g.countries))
        if g.partner_kinds:
            cond.append(pp.c.kind.in_(g.partner_kinds))
    else:
        src, col, cond = D, D.c.id, document_conditions(g)
        x = D
    if spec.document is not None:
        extra_doc.append(col == spec.document)
    if spec.what == "activities" and not g.activity_kinds and not spec.kind:
        # only documents that report an activity; probed row by row (_Probe), not driven from the list
        aa = A.alias("da")
        years = [c for c in (aa.c.year >= g.year_from if g.year_from is not None else None,
                             aa.c.year <= g.year_to if g.year_to is not None else None) if c is not None]
        extra_doc.append(_Probe(col).in_(select(aa.c.document_id).where(*years)))
    return select(col.label("document_id"), x.c.year.label("year")).select_from(src).where(*cond, *extra_doc)


def drill_conditions(f: Filters, spec: DrillSpec) -> list:
    """WHERE conditions on ``documents`` for the element ``spec`` within filters ``f``."""
    b = documents_behind(f, spec).subquery("b")
    return [D.c.id.in_(select(b.c.document_id))]


def _kinds(f: Filters, spec: DrillSpec) -> tuple[str, ...]:
    return spec.filters_for(f).activity_kinds


def count(url: str, f: Filters, spec: DrillSpec) -> tuple[int, int | None]:
    """``(documents, activities)`` behind the element (activities only for activity charts)."""
    behind = documents_behind(f, spec).subquery("b")
    with connect(url) as conn:
        n_docs = int(conn.execute(select(func.count(distinct(behind.c.document_id)))).scalar_one())
        n_act = None
        if spec.what == "activities":
            g = spec.filters_for(f)
            acond = [A.c.document_id.in_(select(behind.c.document_id))]
            if g.activity_kinds:
                acond.append(A.c.kind.in_(g.activity_kinds))
            if g.year_from is not None:
                acond.append(A.c.year >= g.year_from)
            if g.year_to is not None:
                acond.append(A.c.year <= g.year_to)
            n_act = int(conn.execute(select(func.count()).select_from(A).where(*acond)).scalar_one())
    return n_docs, n_act


def _evidence_selects(f: Filters, spec: DrillSpec, doc_ids: list[int]) -> list:
    """One SELECT per kind of evidence the element calls for, over the listed documents.

    Columns: document_id, source, label, sentence, mention, window (the text around the
    mention, used when no sentence was kept), window_start, start, end.
    """
    g = spec.filters_for(f)
    win_start = lambda c: case((c.start > CONTEXT_CHARS, c.start - CONTEXT_CHARS), else_=0)  # noqa: E731

    def fact_select(source: str, label, extra_from, *where):
        mention = func.coalesce(F.c.text, func.substr(D.c.text, F.c.start + 1, F.c.end - F.c.start))
        window = func.substr(D.c.text, win_start(F.c) + 1, F.c.end - win_start(F.c) + CONTEXT_CHARS)
        return (select(F.c.document_id, literal(source).label("source"), label.label("label"),
                       F.c.sentence, mention.label("mention"), window.label("window"),
                       win_start(F.c).label("window_start"), F.c.start, F.c.end)
                .select_from(extra_from.join(D, D.c.id == F.c.document_id))
                .where(F.c.document_id.in_(doc_ids), F.c.status != "rejected", *where))

    def activity_select(kinds: tuple[str, ...]):
        mention = func.substr(D.c.text, A.c.start + 1, A.c.end - A.c.start)
        window = func.substr(D.c.text, win_start(A.c) + 1, A.c.end - win_start(A.c) + CONTEXT_CHARS)
        where = [A.c.document_id.in_(doc_ids)]
        if kinds:
            where.append(A.c.kind.in_(kinds))
        return (select(A.c.document_id, literal("activity").label("source"), A.c.kind.label("label"),
                       A.c.sentence, mention.label("mention"), window.label("window"),
                       win_start(A.c).label("window_start"), A.c.start, A.c.end)
                .select_from(A.join(D, D.c.id == A.c.document_id)).where(*where))

    out = []
    if spec.school is not None:
        out.append(fact_select("school", U.c.name, F.join(U, U.c.id == F.c.unit_id),
                               F.c.type == "school", F.c.unit_id == spec.school))
    if spec.partner is not None:
        out.append(fact_select("partner", P.c.name, F.join(P, P.c.id == F.c.partner_id),
                               F.c.type == "partner", F.c.partner_id == spec.partner))
    elif spec.country or spec.pkind:
        where = [F.c.type == "partner", P.c.status != "rejected"]
        if g.countries:
            where.append(P.c.country.in_(g.countries))
        if g.partner_kinds:
            where.append(P.c.kind.in_(g.partner_kinds))
        out.append(fact_select("partner", P.c.name, F.join(P, P.c.id == F.c.partner_id), *where))
    if spec.kind or spec.what == "activities" or not out:
        out.append(activity_select(g.activity_kinds))
    if not spec.partner and not (spec.country or spec.pkind) and spec.school is None \
            and spec.what == "documents":
        # A plain document slice (a year, a language, one document): say who it names too.
        out.append(fact_select("partner", P.c.name, F.join(P, P.c.id == F.c.partner_id),
                               F.c.type == "partner", P.c.status != "rejected"))
    return out


def _spans(sentence: str, mentions: list[str]) -> list[tuple[int, int]]:
    """Where each mention occurs in ``sentence`` (first occurrence, case-insensitive fallback),
    merged when they overlap."""
    spans = []
    low = sentence.lower()
    for m in mentions:
        if not m:
            continue
        i = sentence.find(m)
        if i < 0:
            i = low.find(m.lower())
        if i >= 0:
            spans.append((i, i + len(m)))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def _evidence_frame(rows: list) -> pd.DataFrame:
    """One row per (document, sentence): the sentence, the mentions highlighted in it, and
    the labels (school, partner, kind) it is evidence for."""
    groups: dict[tuple[int, str], dict[str, Any]] = {}
    for doc_id, source, label, sentence, mention, window, wstart, start, end in rows:
        mentions = [mention] if mention else []
        text = sentence or window or mention or ""  # no sentence kept: the text around the mention
        if not text:
            continue
        key = (int(doc_id), text)
        g = groups.setdefault(key, {"document_id": int(doc_id), "sentence": text, "mentions": [],
                                    "sources": [], "labels": []})
        g["mentions"].extend(mentions)
        if (source, label) not in zip(g["sources"], g["labels"]):
            g["sources"].append(source)
            g["labels"].append(label)
    out = []
    for g in groups.values():
        out.append({"document_id": g["document_id"], "sentence": g["sentence"],
                    "spans": _spans(g["sentence"], g["mentions"]),
                    "sources": g["sources"], "labels": g["labels"]})
    return pd.DataFrame(out, columns=["document_id", "sentence", "spans", "sources", "labels"])


def _names(conn, spec: DrillSpec) -> dict[str, str]:
    out = {}
    if spec.school is not None:
        row = conn.execute(select(U.c.name, U.c.zh).where(U.c.id == spec.school)).first()
        if row:
            out["school"], out["school_zh"] = row[0], row[1] or ""
    if spec.partner is not None:
        row = conn.execute(select(P.c.name, P.c.zh, P.c.country).where(P.c.id == spec.partner)).first()
        if row:
            out["partner"], out["partner_zh"], out["partner_country"] = row[0], row[1] or "", row[2] or ""
    if spec.document is not None:
        row = conn.execute(select(D.c.title).where(D.c.id == spec.document)).first()
        if row:
            out["document"] = row[0] or ""
    return out


def _date(published: dt.date | None, event_date: str | None, year: int | None) -> str:
    if published:
        return published.isoformat() if hasattr(published, "isoformat") else str(published)
    return event_date or (str(year) if year else "")


def drill(url: str, f: Filters, spec: DrillSpec, limit: int = DEFAULT_LIMIT) -> DrillResult:
    """The documents behind ``spec`` within ``f`` (newest first, at most ``limit``), their
    activity kinds, and the evidence sentences that tie each one to the element."""
    limit = max(1, min(int(limit), 500))
    n_docs, n_act = count(url, f, spec)
    behind = documents_behind(f, spec).subquery("b")
    # The newest documents by year (then by id, the order they were loaded in), picked from the
    # evidence rows themselves; only those few document rows are read, then sorted by date.
    page = (select(behind.c.document_id, behind.c.year).distinct()   # one year per document
            .order_by(behind.c.year.desc().nulls_last(), behind.c.document_id.desc()).limit(limit))
    with connect(url) as conn:
        ids = [int(i) for i, _year in conn.execute(page)]
        rows = conn.execute(select(D.c.id, D.c.title, D.c.published, D.c.event_date, D.c.year, D.c.lang)
                            .where(D.c.id.in_(ids))).all() if ids else []
        rows = sorted(rows, key=lambda r: (r[4] if r[4] is not None else -1, _date(r[2], r[3], r[4]), r[0]),
                      reverse=True)
        kinds: dict[int, list[str]] = {i: [] for i in ids}
        ev_rows: list = []
        if ids:
            for doc_id, kind in conn.execute(select(A.c.document_id, A.c.kind)
                                             .where(A.c.document_id.in_(ids)).order_by(A.c.kind)):
                kinds[int(doc_id)].append(kind)
            selects = _evidence_selects(f, spec, ids)
            stmt = union_all(*selects) if len(selects) > 1 else selects[0]
            sub = stmt.subquery()
            ev_rows = [tuple(r) for r in conn.execute(
                select(sub).order_by(sub.c.document_id, sub.c.start.nulls_last(), sub.c.source))]
        labels = _names(conn, spec)
    order_kinds = {k: i for i, k in enumerate(ACTIVITY_KINDS)}
    docs = pd.DataFrame(
        [(int(r[0]), r[1] or "", _date(r[2], r[3], r[4]), r[4], r[5],
          sorted(kinds[int(r[0])], key=lambda k: order_kinds.get(k, 99))) for r in rows],
        columns=["id", "title", "date", "year", "lang", "kinds"])
    return DrillResult(total_documents=n_docs, total_activities=n_act, documents=docs,
                       evidence=_evidence_frame(ev_rows), limit=limit, labels=labels)


__all__ = ["DrillSpec", "DrillResult", "drill", "count", "drill_conditions", "documents_behind", "DEFAULT_LIMIT"]
