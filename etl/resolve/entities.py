"""Map extracted names to database rows: units, partners; unknown names go to review.

The resolver caches the name → id maps for a run. Curations (merge, rename,
alias) are consulted first, so a curator's decision holds on every run.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from etl.load.models import Curation, HomeInstitution, Partner, ReviewItem, Unit
from etl.resolve.reference import Reference, norm


def sync_reference(session: Session, ref: Reference) -> dict[str, int]:
    """Upsert the reference lists into the database; returns counts of rows added."""
    added = {"units": 0, "partners": 0}
    if ref.home_name:
        home = session.scalar(select(HomeInstitution).where(HomeInstitution.name == ref.home_name))
        if home is None:
            home = HomeInstitution(name=ref.home_name)
            session.add(home)
        home.zh, home.aliases = ref.home_zh, ref.home_aliases
        session.flush()
        home_id = home.id
    else:
        home_id = None
    units = {u.name: u for u in session.scalars(select(Unit))}
    for u in ref.units:
        row = units.get(u.name)
        if row is None:
            row = Unit(name=u.name, type=u.type)
            session.add(row)
            added["units"] += 1
        row.type, row.zh, row.home_id, row.status = u.type, u.zh, home_id, "known"
        if row.aliases != u.aliases:
            row.aliases = list(u.aliases)
    partners = {p.name: p for p in session.scalars(select(Partner))}
    for p in ref.partners:
        row = partners.get(p.name)
        if row is None:
            row = Partner(name=p.name)
            session.add(row)
            added["partners"] += 1
        row.country, row.kind, row.zh, row.status = p.country, p.kind, p.zh, "known"
        if row.aliases != p.aliases:
            row.aliases = list(p.aliases)
    session.flush()
    apply_entity_curations(session)
    return added


def apply_entity_curations(session: Session) -> None:
    """Re-apply curators' corrections to partner rows (country, kind, rename, accept)."""
    for c in session.scalars(select(Curation).where(Curation.active.is_(True)).order_by(Curation.id)):
        if c.action in ("set_country", "set_kind", "rename_partner", "accept_partner"):
            row = session.scalar(select(Partner).where(Partner.name == c.target))
            if row is None and c.action != "rename_partner":
                # the target may have been renamed by an earlier curation
                new = c.payload.get("current")
                row = session.scalar(select(Partner).where(Partner.name == new)) if new else None
            if row is None:
                continue
            if c.action == "set_country":
                row.country = (c.payload.get("country") or "").upper() or None
            elif c.action == "set_kind":
                row.kind = c.payload.get("kind")
            elif c.action == "accept_partner":
                row.status = "known"
            elif c.action == "rename_partner":
                to = c.payload["to"]
                if row.name != to and session.scalar(select(Partner).where(Partner.name == to)) is None:
                    if norm(row.name) not in map(norm, row.aliases):
                        row.aliases = [*row.aliases, row.name]
                    row.name = to
    session.flush()


class Resolver:
    """Name → row id for one run (cached), creating 'new' partners queued for review."""

    def __init__(self, session: Session):
        self.session = session
        self.reload()

    def reload(self) -> None:
        s = self.session
        self.units: dict[str, int] = {}
        self.unit_names: dict[int, str] = {}
        for u in s.scalars(select(Unit)):
            self.unit_names[u.id] = u.name
            for form in [u.name, *(u.aliases or []), *([u.zh] if u.zh else [])]:
                self.units[norm(form)] = u.id
        self.partners: dict[str, int] = {}
        self.partner_rows: dict[int, Partner] = {}
        for p in s.scalars(select(Partner)):
            self.partner_rows[p.id] = p
            for form in [p.name, *(p.aliases or []), *([p.zh] if p.zh else [])]:
                self.partners.setdefault(norm(form), p.id)
        self.merges: dict[str, str] = {}
        self.rejected_partners: set[str] = set()
        self.rejected_facts: set[tuple[str, str]] = set()
        for c in s.scalars(select(Curation).where(Curation.active.is_(True)).order_by(Curation.id)):
            if c.action == "merge_partner":
                self.merges[norm(c.target)] = c.payload["into"]
            elif c.action == "alias_school":
                uid = self.units.get(norm(c.payload["unit"]))
                if uid:
                    self.units[norm(c.target)] = uid
            elif c.action == "reject_partner":
                self.rejected_partners.add(norm(c.target))
            elif c.action == "reject_fact":
                self.rejected_facts.add((c.target, c.payload["key"]))

    def unit(self, name: str, *, evidence: dict | None = None) -> int | None:
        uid = self.units.get(norm(name))
        if uid is None and evidence is not None:
            self.queue("school", name, evidence)
        return uid

    def partner(self, name: str, country: str | None = None, kind: str | None = None,
                *, evidence: dict | None = None) -> int | None:
        """The partner's id; an unknown name becomes a 'new' partner waiting for review.
        A name a curator rejected returns None."""
        key = norm(name)
        if key in self.rejected_partners:
            return None
        if key in self.merges:
            name, key = self.merges[key], norm(self.merges[key])
        pid = self.partners.get(key)
        if pid is not None:
            return pid
        row = Partner(name=name, country=(country or None), kind=kind, status="new", aliases=[])
        self.session.add(row)
        self.session.flush()
        self.partners[key] = row.id
        self.partner_rows[row.id] = row
        self.queue("partner", name, {**(evidence or {}), "country": country, "kind": kind})
        return row.id

    def queue(self, kind: str, name: str, detail: dict) -> None:
        s = self.session
        if s.scalar(select(ReviewItem.id).where(ReviewItem.kind == kind, ReviewItem.name == name)) is None:
            s.add(ReviewItem(kind=kind, name=name, detail=detail))
            s.flush()
