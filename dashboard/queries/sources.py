"""Filters and a search text → the documents (Sources page), and one document with its
extracted facts (article view). SQLAlchemy Core, no Dash imports.

Search is a case-insensitive substring match on the title and the text (``ILIKE`` on
PostgreSQL, ``lower(…) LIKE lower(…)`` on SQLite), with ``%`` and ``_`` in the user's text
escaped, so they match themselves. The shared filters apply as everywhere
(:func:`dashboard.queries.document_conditions`). Only one page of results is read, and
of each result only a window of its text around the first match (cut in SQL), never the
whole article.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import case, func, literal, or_, select

from dashboard.queries.common import A, D, F, P, U, Filters, _frame, document_conditions, document_probes
from dashboard.queries.programs import nones
from etl.db import connect, get_engine

PER_PAGE = 20
SNIPPET = 240          # characters of text shown per result
LEAD = 80              # … of them before the match
MAX_QUERY = 200        # longer search texts are cut


def clean_query(text: Any) -> str:
    """The search text as used: stripped, inner whitespace collapsed, at most ``MAX_QUERY`` characters."""
    return " ".join(str(text or "").split())[:MAX_QUERY]


def _match(q: str, dialect: str = "postgresql"):
    """Title or text contains ``q`` (already escaped), whatever the case.

    SQLite's own ``LIKE`` ignores case (for ASCII, as its ``lower()`` does), so it is used
    as is there: ``ILIKE``'s ``lower(text) LIKE lower(…)`` would lower-case every article
    first, twice the time for the same answer. Other databases get ``ILIKE``.
    """
    pattern = f"%{q}%"
    if dialect == "sqlite":
        return or_(D.c.title.like(pattern, escape="\\"), D.c.text.like(pattern, escape="\\"))
    return or_(D.c.title.ilike(pattern, escape="\\"), D.c.text.ilike(pattern, escape="\\"))


def _escape(q: str) -> str:
    return q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_conditions(f: Filters, query: str = "", dialect: str = "postgresql") -> list:
    """WHERE conditions on ``documents``: the filters, and the search text when given."""
    cond = document_conditions(f)
    q = clean_query(query)
    if q:
        cond.append(_match(_escape(q), dialect))
    return cond


WALK_MAX = 10_000   # documents a page may walk past before lists of the scope are cheaper


def _walk(conn, f: Filters, total: int, needed: int) -> bool:
    """Whether a page (its first ``needed`` documents in scope, newest first) is best found by
    walking the documents of the year range and language newest first, probing each for the
    school, partner and kind filters (:func:`document_probes`), rather than by building the
    lists of the documents of those schools, partners and kinds first.

    The walk meets ``needed`` documents in scope after about ``needed × range / total``
    documents, ``range`` being the documents of the year range and language (from the
    documents rollup; with nothing else to probe, no walk).
    """
    from dashboard.queries.common import RD, _rollup_cond

    if not (f.schools or f.countries or f.partner_kinds or f.activity_kinds) or total <= 0:
        return False
    plain = Filters(year_from=f.year_from, year_to=f.year_to, language=f.language)
    in_range = int(conn.execute(select(func.coalesce(func.sum(RD.c.documents), 0))
                                .where(*_rollup_cond(RD, plain))).scalar_one() or 0)
    return needed * in_range <= WALK_MAX * total


def _position(url: str, q: str):
    """1-based position of ``q`` in the lower-cased text, 0 when absent (dialect's own function)."""
    dialect = get_engine(url).dialect.name
    low_text, low_q = func.lower(D.c.text), func.lower(q)
    return func.strpos(low_text, low_q) if dialect == "postgresql" else func.instr(low_text, low_q)


@dataclass
class SearchPage:
    total: int
    page: int              # 1-based, clamped to the pages there are
    pages: int
    # id, title, published, year, lang, source, uri, snippet, snippet_start, facts, kinds, partners
    rows: pd.DataFrame


def search(url: str, f: Filters, query: str = "", page: int = 1, per_page: int = PER_PAGE) -> SearchPage:
    """One page of the documents in scope matching ``query`` (all of them when it is empty), newest first.

    ``snippet`` is a window of the text around the first match in the text (its beginning
    when the match is in the title only, or without a query); ``snippet_start`` tells where
    it starts, so the page can say "…" when it does not. ``kinds`` and ``partners`` list
    each result's activity kinds and partners named (curator-rejected ones left out).
    """
    q = clean_query(query)
    per_page = max(1, min(int(per_page), 100))
    dialect = get_engine(url).dialect.name
    cond = search_conditions(f, q, dialect)
    try:
        page = max(1, int(page))
    except (TypeError, ValueError):
        page = 1
    if q:
        pos = _position(url, q)
        start = case((pos > LEAD, pos - LEAD), else_=1)
    else:
        start = 1
    order = [D.c.year.desc().nulls_last(), D.c.published.desc().nulls_last(), D.c.id.desc()]
    # With a search text, one pass over the matches gives the page and, through the window,
    # their number (the text is read once, not twice). Without one, the count comes from the
    # indexes and the page from the year index, which the window would defeat. Either way the
    # snippet is cut for the page's rows only (an outer SELECT over the page's ids).
    if q:
        total_col = func.count().over().label("total")
    else:  # the Overview's document count: from the rollups where they answer it exactly
        from dashboard.queries.overview import _kpi_rollup_selects

        with connect(url) as conn:
            docs = _kpi_rollup_selects(f)[0]
            known = int(conn.execute(docs).scalar_one() or 0)
            if _walk(conn, f, known, page * per_page):
                cond = document_probes(f)
        total_col = literal(known).label("total")
    inner = (select(D.c.id, total_col).where(*cond).order_by(*order)
             .limit(per_page).offset((page - 1) * per_page).subquery("pg"))
    stmt = (select(D.c.id, D.c.title, D.c.published, D.c.year, D.c.lang, D.c.source, D.c.uri,
                   func.substr(D.c.text, start, SNIPPET), start, inner.c.total)
            .join_from(inner, D, D.c.id == inner.c.id).order_by(*order))
    cols = ["id", "title", "published", "year", "lang", "source", "uri", "snippet", "snippet_start", "total"]
    # a page read in the order of the documents' index (PostgreSQL: migration 0080) and stopped
    # after ``per_page`` rows: no parallel workers, whose start-up cost more than the walk
    rows = nones(_frame(url, stmt, cols, one_worker=not q))
    if rows.empty:
        with connect(url) as conn:
            total = int(conn.execute(select(func.count()).select_from(D).where(*cond)).scalar_one())
        pages = max(1, -(-total // per_page))
        if total and page > pages:      # past the last page: show the last one
            return search(url, f, q, pages, per_page)
    else:
        total = int(rows["total"].iloc[0])
    pages = max(1, -(-total // per_page))
    page = min(page, pages)
    rows = rows.drop(columns=["total"])
    ids = [int(i) for i in rows["id"]]
    facts: dict[int, int] = {}
    kinds: dict[int, list[str]] = {i: [] for i in ids}
    partners: dict[int, list[str]] = {i: [] for i in ids}
    partners_zh: dict[int, list[str | None]] = {i: [] for i in ids}   # their Chinese names, where known
    if ids:
        with connect(url) as conn:
            for doc, n in conn.execute(select(F.c.document_id, func.count()).where(
                    F.c.document_id.in_(ids), F.c.status != "rejected").group_by(F.c.document_id)):
                facts[int(doc)] = int(n)
            for doc, kind in conn.execute(select(A.c.document_id, A.c.kind).where(A.c.document_id.in_(ids))
                                          .order_by(A.c.document_id, A.c.kind)):
                kinds[int(doc)].append(kind)
            for doc, name, zh in conn.execute(
                    select(F.c.document_id, P.c.name, P.c.zh).distinct()
                    .select_from(F.join(P, P.c.id == F.c.partner_id))
                    .where(F.c.document_id.in_(ids), F.c.type == "partner", F.c.status != "rejected",
                           P.c.status != "rejected").order_by(F.c.document_id, P.c.name)):
                partners[int(doc)].append(name)
                partners_zh[int(doc)].append(zh)
    rows["facts"] = [facts.get(i, 0) for i in ids]
    rows["kinds"] = [kinds[i] for i in ids]
    rows["partners"] = [partners[i] for i in ids]
    rows["partners_zh"] = [partners_zh[i] for i in ids]
    return SearchPage(total=total, page=page, pages=pages, rows=rows)


# ---------------------------------------------------------------------------
# One document
# ---------------------------------------------------------------------------
def document(url: str, doc_id: int) -> dict[str, Any] | None:
    """The document's fields (text included), or None when there is no such document."""
    try:
        doc_id = int(doc_id)
    except (TypeError, ValueError):
        return None
    cols = [D.c.id, D.c.title, D.c.text, D.c.published, D.c.event_date, D.c.year, D.c.lang, D.c.source,
            D.c.uri, D.c.status, D.c.run_id, D.c.created_at, D.c.updated_at]
    with connect(url) as conn:
        row = conn.execute(select(*cols).where(D.c.id == doc_id)).first()
    return dict(row._mapping) if row else None


def document_facts(url: str, doc_id: int) -> pd.DataFrame:
    """Every fact of the document in text order, with what it resolved to.

    ``id, type, text, start, end, method, confidence, status, sentence, unit, unit_zh,
    partner_id, partner, partner_zh, country, name, role, org, value, what`` (rejected facts
    included: the article view shows them struck through, so a curator's decision is visible).
    """
    stmt = (select(F.c.id, F.c.type, F.c.text, F.c.start, F.c.end, F.c.method, F.c.confidence, F.c.status,
                   F.c.sentence, U.c.name, U.c.zh, F.c.partner_id, P.c.name, P.c.zh, P.c.country, F.c.name, F.c.role,
                   F.c.org, F.c.value, F.c.what)
            .select_from(F.outerjoin(U, U.c.id == F.c.unit_id).outerjoin(P, P.c.id == F.c.partner_id))
            .where(F.c.document_id == int(doc_id))
            .order_by(F.c.start.is_(None), F.c.start, F.c.id))
    return nones(_frame(url, stmt, ["id", "type", "text", "start", "end", "method", "confidence", "status",
                                    "sentence", "unit", "unit_zh", "partner_id", "partner", "partner_zh", "country",
                                    "name", "role", "org", "value", "what"]))


def document_activities(url: str, doc_id: int) -> pd.DataFrame:
    """The document's activities (one per kind) with their evidence span: ``id, kind, start, end,
    sentence, method, confidence``."""
    stmt = (select(A.c.id, A.c.kind, A.c.start, A.c.end, A.c.sentence, A.c.method, A.c.confidence)
            .where(A.c.document_id == int(doc_id)).order_by(A.c.start.is_(None), A.c.start, A.c.id))
    return nones(_frame(url, stmt, ["id", "kind", "start", "end", "sentence", "method", "confidence"]))


__all__ = ["search", "SearchPage", "documents_per_year", "search_conditions", "clean_query", "document", "document_facts",
           "document_activities", "PER_PAGE", "SNIPPET"]


def documents_per_year(url: str, f: Filters) -> pd.DataFrame:
    """Documents in scope per year and language: ``year, lang, documents`` (the Sources page's
    chart and export; undated documents are left out)."""
    stmt = (select(D.c.year, D.c.lang, func.count())
            .where(*document_conditions(f), D.c.year.is_not(None))
            .group_by(D.c.year, D.c.lang).order_by(D.c.year, D.c.lang))
    df = _frame(url, stmt, ["year", "lang", "documents"])
    return df.astype({"year": "int64", "documents": "int64"}) if not df.empty else df
