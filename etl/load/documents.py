"""Store one document and its facts; replace them when the text changed."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import delete
from sqlalchemy.orm import Session

from etl.extract import Extraction
from etl.load.models import ACTIVITY_KINDS, Activity, Document, Fact
from etl.load.rollups import kinds_mask, touch
from etl.resolve.entities import Resolver
from etl.sources.base import SourceDocument


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value and len(value) == 10 else None
    except ValueError:
        return None


def store_document(session: Session, row: Document | None, src: SourceDocument, ex: Extraction,
                   resolver: Resolver, run_id: int) -> tuple[Document, int, int]:
    """Insert or update ``row`` from ``src`` and replace its facts.

    Returns (document, facts_added, facts_removed). The caller owns the transaction,
    so a failure leaves the database as it was before this document.
    """
    removed = 0
    if row is None:
        row = Document(uri=src.uri)
        session.add(row)
    else:
        removed = session.execute(delete(Fact).where(Fact.document_id == row.id)).rowcount or 0
        session.execute(delete(Activity).where(Activity.document_id == row.id))
    row.source, row.title, row.lang = src.source, ex.title or src.title, ex.lang or src.lang
    row.published = _date(ex.published) or src.published
    row.event_date, row.year = ex.event_date, ex.year
    row.content_hash, row.source_hash, row.text, row.status, row.error, row.run_id = (
        src.content_hash, src.source_hash, src.text, "active", None, run_id)
    session.flush()
    added = 0
    seen_keys: set[str] = set()
    # the document's language and activity kinds, copied into each of its facts (see denormalise)
    kinds = kinds_mask(m.data["kind"] for m in ex.mentions if m.type == "activity")
    for m in ex.mentions:
        evidence = {"document": src.uri, "sentence": m.sentence, "start": m.start, "end": m.end}
        if m.type == "activity":
            if m.key in seen_keys:
                continue
            seen_keys.add(m.key)
            session.add(Activity(document_id=row.id, kind=m.data["kind"], year=row.year,
                                 sentence=m.sentence, start=m.start, end=m.end, method=m.method,
                                 confidence=m.confidence, run_id=run_id))
            added += 1
            continue
        fact = Fact(document_id=row.id, type=m.type, year=row.year, lang=row.lang, kinds=kinds,
                    text=m.text, sentence=m.sentence,
                    start=m.start, end=m.end, method=m.method, confidence=m.confidence, run_id=run_id)
        d = m.data
        if m.type in ("school", "office"):
            fact.unit_id = resolver.unit(d["name"], evidence=evidence)
            fact.name = d["name"]
        elif m.type == "partner":
            fact.partner_id = resolver.partner(d["name"], d.get("country"), d.get("kind"), evidence=evidence)
            fact.name = d["name"]
            if fact.partner_id is None:  # a curator rejected this name
                continue
            fact.key = f"partner:{fact.partner_id}"
        elif m.type == "person":
            fact.name, fact.role, fact.org = d["name"], d.get("role"), d.get("org")
        elif m.type == "count":
            fact.value, fact.what, fact.name = d["value"], d.get("what"), d.get("context")
        fact.key = fact.key or m.key
        if fact.key in seen_keys:
            continue
        seen_keys.add(fact.key)
        if (src.uri, fact.key) in resolver.rejected_facts:
            fact.status = "rejected"
        session.add(fact)
        added += 1
    for x in ex.excluded:
        if x.get("review"):
            # a partner of the rules that the partner model doubts: no fact, but a name the resolver does not know
            # still goes to the review queue (as a new partner), as the rules would have sent it
            resolver.partner(x["name"], x.get("country"), x.get("kind"),
                             evidence={"document": src.uri, "reason": x.get("reason")})
    session.flush()
    touch(session, [row.id])  # its old facts went by a bulk DELETE: the rollups follow at commit
    return row, added, removed


def denormalise(conn, document_ids: list[int] | None = None) -> None:
    """Copy each document's ``year``, ``lang`` and activity kinds (bit set) into its facts.

    :func:`store_document` writes them with the facts; this rewrites them from the tables,
    for a migration and for data written by other means (test fixtures, the benchmark's bulk
    build). ``document_ids`` limits it to those documents.
    """
    from sqlalchemy import case, func, select, update

    D, F, A = Document.__table__, Fact.__table__, Activity.__table__
    bits = case({k: kinds_mask([k]) for k in ACTIVITY_KINDS}, value=A.c.kind, else_=0)
    stmt = update(F).values(
        year=select(D.c.year).where(D.c.id == F.c.document_id).scalar_subquery(),
        lang=select(D.c.lang).where(D.c.id == F.c.document_id).scalar_subquery(),
        kinds=select(func.coalesce(func.sum(bits), 0)).where(A.c.document_id == F.c.document_id).scalar_subquery())
    if document_ids is not None:
        stmt = stmt.where(F.c.document_id.in_(document_ids))
    conn.execute(stmt)
