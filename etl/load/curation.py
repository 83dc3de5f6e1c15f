"""Curators' decisions: recorded as ``Curation`` rows (who, when), applied at once, re-applied on every run.

Each function records one decision, brings the current rows in line with it right
away (partners, facts, programs, agreements, mobility) and closes the review item it
answers. The caller owns the transaction. The same decisions are re-applied by every
ETL run (etl/resolve/entities.py: ``sync_reference`` and ``Resolver``), which is what
makes them survive a changed reference file or a re-extracted document; applying
them here goes through that same code, so the immediate effect and the effect of a
later run cannot disagree.

Actions: merge_partner, rename_partner, set_country, set_kind, accept_partner,
reject_partner, reject_fact, alias_school, accept_school, reject_school; and the programme
records' (etl/programmes/curation.py): merge_programme, split_programme, rename_programme,
link_programme, accept_programme_link, reject_programme_link.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from etl.load.models import (
    Agreement,
    Curation,
    Document,
    Fact,
    Mobility,
    Partner,
    Program,
    ReportFile,
    ReviewItem,
    Unit,
    _now,
)
from etl.resolve.entities import (
    REPORT_TABLES,
    Resolver,
    apply_entity_curations,
    merge_redirects,
    partner_forms,
    unit_forms,
)
from etl.resolve.reference import norm

PARTNER_KINDS = ("university", "institute", "company", "government", "ngo", "other")
REVIEW_STATUSES = ("open", "accepted", "rejected", "merged", "aliased")


class CurationError(ValueError):
    """A decision that cannot be recorded as asked (unknown name, ambiguous name, conflict)."""


# -- lookups -----------------------------------------------------------------

def find_partner(session: Session, name: str, *, follow_merges: bool = True) -> Partner:
    """The partner called ``name`` (its name, an alias or its Chinese name).

    With ``follow_merges`` a partner that was merged leads to the one it was merged into.
    """
    rows = {p.id: p for p in session.scalars(select(Partner))}
    hits = [p for p in rows.values() if p.name == name.strip()]
    if not hits:
        key = norm(name)
        hits = [p for p in rows.values() if key in {norm(f) for f in partner_forms(p)}]
    if follow_merges:
        redirects = merge_redirects(session, rows)
        hits = [rows[redirects.get(p.id, p.id)] for p in hits]
    hits = list({p.id: p for p in hits}.values())
    if not hits:
        raise CurationError(f"no partner named {name!r}")
    if len(hits) > 1:
        raise CurationError(f"{name!r} is ambiguous: " + "; ".join(sorted(p.name for p in hits)))
    return hits[0]


def find_unit(session: Session, name: str) -> Unit:
    """The school or office called ``name`` (its name, an alias or its Chinese name)."""
    units = list(session.scalars(select(Unit)))
    hits = [u for u in units if u.name == name.strip()] or [
        u for u in units if norm(name) in {norm(f) for f in unit_forms(u)}]
    if not hits:
        raise CurationError(f"no school or office named {name!r}")
    if len(hits) > 1:
        raise CurationError(f"{name!r} is ambiguous: " + "; ".join(sorted(u.name for u in hits)))
    return hits[0]


def list_review(session: Session, kind: str | None = None, status: str | None = "open") -> list[ReviewItem]:
    q = select(ReviewItem).order_by(ReviewItem.id)
    if kind:
        q = q.where(ReviewItem.kind == kind)
    if status and status != "all":
        q = q.where(ReviewItem.status == status)
    return list(session.scalars(q))


def history(session: Session, limit: int | None = None) -> list[Curation]:
    q = select(Curation).order_by(Curation.id.desc())
    return list(session.scalars(q.limit(limit) if limit else q))


# -- recording ------------------------------------------------------------------

def _record(session: Session, action: str, target: str, by: str, **payload: Any) -> Curation:
    if not by or not str(by).strip():
        raise CurationError("a curation needs the curator's name (by)")
    c = Curation(action=action, target=target, payload=payload, created_by=str(by).strip(), created_at=_now())
    session.add(c)
    session.flush()
    return c


def _close(session: Session, kind: str, names: Iterable[str], status: str, by: str) -> list[ReviewItem]:
    """Close the open review items of ``kind`` whose name is one of ``names`` (compared loosely)."""
    keys = {norm(n) for n in names if n}
    closed = []
    for item in session.scalars(select(ReviewItem).where(ReviewItem.kind == kind, ReviewItem.status == "open")):
        if norm(item.name) in keys:
            item.status, item.decided_by, item.decided_at = status, by, _now()
            closed.append(item)
    session.flush()
    return closed


def _reapply(session: Session) -> None:
    apply_entity_curations(session)


# -- partners -------------------------------------------------------------------

def merge_partner(session: Session, name: str, into: str, *, by: str) -> Curation:
    """``name`` is the same organisation as ``into``: its links move there, its names lead there."""
    src = find_partner(session, name, follow_merges=False)
    if src.status == "merged":
        raise CurationError(f"{src.name!r} is already merged into {find_partner(session, src.name).name!r}")
    dst = find_partner(session, into)
    if dst.id == src.id:
        raise CurationError(f"{name!r} and {into!r} are the same partner")
    if dst.status == "rejected":
        raise CurationError(f"{dst.name!r} was rejected as a partner; accept it before merging into it")
    forms = partner_forms(src)
    c = _record(session, "merge_partner", src.name, by, into=dst.name, partner_id=src.id, into_id=dst.id)
    _reapply(session)
    _close(session, "partner", [name, *forms], "merged", by)
    return c


def rename_partner(session: Session, name: str, to: str, *, by: str) -> Curation:
    """Give a partner its correct (or current) name; the old one stays as an alias."""
    row = find_partner(session, name)
    to = " ".join(to.split())
    if not to:
        raise CurationError("the new name is empty")
    other = session.scalar(select(Partner).where(Partner.name == to, Partner.id != row.id))
    if other is not None:
        raise CurationError(f"another partner is already called {to!r}: merge {row.name!r} into it instead")
    c = _record(session, "rename_partner", row.name, by, to=to, partner_id=row.id)
    old = row.name
    _reapply(session)
    _close(session, "partner", [name, old], "accepted", by)
    return c


def set_country(session: Session, name: str, country: str, *, by: str) -> Curation:
    """Set a partner's country (ISO alpha-2; names such as 'UK' or 'Korea' are accepted)."""
    from etl.reports.countries import Countries

    row = find_partner(session, name)
    try:
        code = Countries.from_dir().code(country)
    except LookupError as exc:
        raise CurationError(str(exc)) from None
    if code is None:
        raise CurationError("the country is empty")
    c = _record(session, "set_country", row.name, by, country=code, partner_id=row.id)
    _reapply(session)
    for model in REPORT_TABLES:  # report rows that left the country blank follow the partner
        session.execute(update(model).where(model.partner_id == row.id, model.country.is_(None))
                        .values(country=code).execution_options(synchronize_session=False))
    _close(session, "partner", [name, row.name], "accepted", by)
    return c


def set_kind(session: Session, name: str, kind: str, *, by: str) -> Curation:
    """Set a partner's kind (university, institute, company, government, ngo, other)."""
    kind = kind.strip().lower()
    if kind not in PARTNER_KINDS:
        raise CurationError(f"unknown kind {kind!r}: one of {', '.join(PARTNER_KINDS)}")
    row = find_partner(session, name)
    c = _record(session, "set_kind", row.name, by, kind=kind, partner_id=row.id)
    _reapply(session)
    _close(session, "partner", [name, row.name], "accepted", by)
    return c


def accept_partner(session: Session, name: str, *, by: str) -> Curation:
    """A queued partner is real: it becomes 'known' and leaves the queue."""
    row = find_partner(session, name)
    c = _record(session, "accept_partner", row.name, by, partner_id=row.id)
    _reapply(session)
    _close(session, "partner", [name, row.name], "accepted", by)
    return c


def reject_partner(session: Session, name: str, *, by: str) -> Curation:
    """``name`` is not a partner (a funder, a misread name): its facts are rejected, report rows unlinked,
    and later runs never link the name again."""
    row = find_partner(session, name, follow_merges=False)
    c = _record(session, "reject_partner", row.name, by, partner_id=row.id)
    _reapply(session)
    _close(session, "partner", [name, row.name], "rejected", by)
    return c


# -- facts and schools ----------------------------------------------------------

def reject_fact(session: Session, document: str, key: str, *, by: str) -> Curation:
    """A fact extracted from a document is wrong; it stays rejected through every re-extraction.

    ``document`` is the document's URI, or the end of it (a file name) when that is unique.
    """
    uri = _document_uri(session, document)
    facts = list(session.scalars(select(Fact).join(Document).where(Document.uri == uri, Fact.key == key)))
    if not facts:
        keys = session.scalars(select(Fact.key).join(Document).where(Document.uri == uri).order_by(Fact.key))
        raise CurationError(f"no fact {key!r} in {uri}; its facts: {', '.join(keys) or '(none)'}")
    c = _record(session, "reject_fact", uri, by, key=key)
    for f in facts:
        f.status = "rejected"
    for item in session.scalars(select(ReviewItem).where(ReviewItem.kind == "fact", ReviewItem.status == "open")):
        d = item.detail or {}
        if d.get("document") == uri and d.get("key") == key:
            item.status, item.decided_by, item.decided_at = "rejected", by, _now()
    session.flush()
    return c


def _document_uri(session: Session, document: str) -> str:
    if session.scalar(select(Document.id).where(Document.uri == document)) is not None:
        return document
    hits = list(session.scalars(select(Document.uri).where(Document.uri.endswith("/" + document.lstrip("/")))))
    if len(hits) == 1:
        return hits[0]
    if not hits:
        raise CurationError(f"no document {document!r}")
    raise CurationError(f"{document!r} is ambiguous: {', '.join(sorted(hits))}")


def alias_school(session: Session, alias: str, unit: str, *, by: str) -> Curation:
    """``alias`` is another name of the school (or office) ``unit``: facts and report rows that use
    it are linked now, and every later run links it too."""
    alias = " ".join(alias.split())
    if not alias:
        raise CurationError("the alias is empty")
    u = find_unit(session, unit)
    c = _record(session, "alias_school", alias, by, unit=u.name, unit_id=u.id)
    _reapply(session)
    relink_units(session, [alias])
    _close(session, "school", [alias], "aliased", by)
    return c


def accept_school(session: Session, name: str, *, by: str) -> Curation:
    """A queued school name is a school of the home institution that the reference list lacks."""
    name = " ".join(name.split())
    if session.scalar(select(Unit).where(Unit.name == name)) is None:
        try:
            existing = find_unit(session, name)
        except CurationError:
            existing = None
        if existing is not None:
            raise CurationError(f"{name!r} is already a name of {existing.name!r}")
        session.add(Unit(name=name, type="school", status="known", aliases=[]))
        session.flush()
    c = _record(session, "accept_school", name, by, type="school")
    relink_units(session, [name])
    _close(session, "school", [name], "accepted", by)
    return c


def reject_school(session: Session, name: str, *, by: str) -> Curation:
    """A queued school name is not a school of the home institution; it leaves the queue for good."""
    c = _record(session, "reject_school", name, by)
    _close(session, "school", [name], "rejected", by)
    return c


def relink_units(session: Session, names: Iterable[str]) -> int:
    """Re-resolve the unit links of facts and report rows whose school is written as one of ``names``."""
    keys = {norm(n) for n in names}
    units = Resolver(session).units
    n = 0
    for f in session.scalars(select(Fact).where(Fact.type.in_(("school", "office")), Fact.name.is_not(None))):
        if norm(f.name) in keys and units.get(norm(f.name)) not in (None, f.unit_id):
            f.unit_id = units[norm(f.name)]
            n += 1
    for model in (Program, Mobility):
        for r in session.scalars(select(model).where(model.school_name.is_not(None))):
            if norm(r.school_name) in keys and units.get(norm(r.school_name)) not in (None, r.unit_id):
                r.unit_id = units[norm(r.school_name)]
                n += 1
    for a in session.scalars(select(Agreement)):
        names_ = a.school_names or []
        if any(norm(x) in keys for x in names_):
            ids: list[int] = []
            for x in names_:
                uid = units.get(norm(x))
                if uid is not None and uid not in ids:
                    ids.append(uid)
            if ids != list(a.unit_ids or []):
                a.unit_ids = ids
                n += 1
    session.flush()
    return n


# -- the review queue -----------------------------------------------------------

def decide(session: Session, review_id: int, accept: bool, *, by: str) -> Curation:
    """Accept or reject review item ``review_id`` (a partner, a school, a fact or a programme link)."""
    item = session.get(ReviewItem, review_id)
    if item is None:
        raise CurationError(f"no review item #{review_id}")
    if item.status != "open":
        raise CurationError(f"review item #{review_id} ({item.kind} {item.name!r}) is already {item.status}"
                            f" (by {item.decided_by})")
    if item.kind == "partner":
        return (accept_partner if accept else reject_partner)(session, item.name, by=by)
    if item.kind == "school":
        return (accept_school if accept else reject_school)(session, item.name, by=by)
    if item.kind == "programme":  # an ambiguous programme link (etl/programmes)
        return decide_programme_link(session, item, accept, by=by)
    if item.kind == "fact":
        d = item.detail or {}
        if accept:
            c = _record(session, "accept_fact", d.get("document") or item.name, by, key=d.get("key"))
            item.status, item.decided_by, item.decided_at = "accepted", by, _now()
            session.flush()
            return c
        if not d.get("document") or not d.get("key"):
            raise CurationError(f"review item #{review_id} does not say which document and fact it is about")
        return reject_fact(session, d["document"], d["key"], by=by)
    raise CurationError(f"review item #{review_id} has an unknown kind {item.kind!r}")


def decide_programme_link(session: Session, item: ReviewItem, accept: bool, *, by: str):
    """A review item of kind ``programme`` (an ambiguous link): accepted, the link stays with the
    programme the linker chose; rejected, it is rejected there (link it elsewhere with link_source)."""
    d = item.detail or {}
    ref: dict[str, Any] = ({"document": d["document"]} if d.get("document")
                           else {"report": d.get("report"), "row": d.get("row"), "table": d.get("target")})
    if d.get("report"):
        rf = session.scalar(select(ReportFile).where(ReportFile.uri == d["report"]))
        ref["sheet"] = rf.sheet if rf is not None else None
    action = "accept_programme_link" if accept else "reject_programme_link"
    c = _record(session, action, d.get("programme") or item.name, by, **ref)
    item.status, item.decided_by, item.decided_at = ("accepted" if accept else "rejected"), by, _now()
    session.flush()
    from etl.programmes.link import link_programmes

    link_programmes(session)
    return c
