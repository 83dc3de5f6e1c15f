"""Map extracted names to database rows: units, partners; unknown names go to review.

Curators' decisions are ``Curation`` rows (etl/load/curation.py records them). Every
run re-applies them here, after the reference lists are synced, so that neither an
edited reference file nor a re-extracted document undoes a decision:

- ``sync_reference`` + ``apply_entity_curations``: the partner rows get the reference
  values overlaid with the curations (rename, country, kind, accept/reject, merge);
  values are assigned only where they differ, so an unchanged run writes nothing;
- ``Resolver``: name → id for a run, in which a merged partner's every name leads to
  the partner it was merged into, a rejected name to None, a curated school alias to
  its school.

A curation names its partner by id (``payload["partner_id"]``, stable for the life of
the database) and, for people and for old records, by name (``target``).
"""
from __future__ import annotations

import re

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from etl.load.models import (
    Agreement,
    Curation,
    Fact,
    HomeInstitution,
    Mobility,
    Partner,
    Program,
    ReviewItem,
    Unit,
)
from etl.load.rollups import touch
from etl.resolve.reference import Reference, norm

PARTNER_ACTIONS = ("merge_partner", "rename_partner", "set_country", "set_kind", "accept_partner",
                   "reject_partner")
REPORT_TABLES = (Program, Agreement, Mobility)


def active_curations(session: Session, actions: Iterable[str] | None = None) -> list[Curation]:
    q = select(Curation).where(Curation.active.is_(True)).order_by(Curation.id)
    if actions is not None:
        q = q.where(Curation.action.in_(list(actions)))
    return list(session.scalars(q))


def partner_forms(p: Partner) -> list[str]:
    return [p.name, *(p.aliases or []), *([p.zh] if p.zh else [])]


def unit_forms(u: Unit) -> list[str]:
    return [u.name, *(u.aliases or []), *([u.zh] if u.zh else [])]


def curated_partner(c: Curation, rows: dict[int, Partner], by_form: dict[str, Partner] | None = None
                    ) -> Partner | None:
    """The partner row a curation is about: by the id it recorded, else by its name."""
    pid = (c.payload or {}).get("partner_id")
    if pid in rows:
        return rows[pid]
    if by_form is None:
        by_form = {}
        for p in rows.values():
            for f in partner_forms(p):
                by_form.setdefault(norm(f), p)
    return by_form.get(norm(c.target))


def merge_redirects(session: Session, rows: dict[int, Partner] | None = None,
                    curations: list[Curation] | None = None) -> dict[int, int]:
    """Merged partner id → the id it finally leads to (chains followed, cycles ignored)."""
    rows = rows if rows is not None else {p.id: p for p in session.scalars(select(Partner))}
    curations = curations if curations is not None else active_curations(session, ["merge_partner"])
    by_form: dict[str, Partner] = {}
    for p in rows.values():
        for f in partner_forms(p):
            by_form.setdefault(norm(f), p)
    step: dict[int, int] = {}
    for c in curations:
        if c.action != "merge_partner":
            continue
        src = curated_partner(c, rows, by_form)
        into_id = c.payload.get("into_id")
        dst = rows.get(into_id) if into_id in rows else by_form.get(norm(c.payload.get("into", "")))
        if src is not None and dst is not None and src.id != dst.id:
            step[src.id] = dst.id

    def final(pid: int) -> int:
        seen = {pid}
        while pid in step and step[pid] not in seen:
            pid = step[pid]
            seen.add(pid)
        return pid

    return {pid: final(pid) for pid in step if final(pid) != pid}


def sync_reference(session: Session, ref: Reference) -> dict[str, int]:
    """Upsert the reference lists into the database, curations overlaid; returns counts of rows added."""
    added = {"units": 0, "partners": 0}
    if ref.home_name:
        home = session.scalar(select(HomeInstitution).where(HomeInstitution.name == ref.home_name))
        if home is None:
            home = HomeInstitution(name=ref.home_name)
            session.add(home)
        _assign(home, zh=ref.home_zh, aliases=list(ref.home_aliases))
        session.flush()
        home_id = home.id
    else:
        home_id = None
    curations = active_curations(session)
    units = {u.name: u for u in session.scalars(select(Unit))}
    curated_aliases = _curated_unit_aliases(curations, ref, units)
    for u in ref.units:
        row = units.get(u.name)
        if row is None:
            row = units[u.name] = Unit(name=u.name, type=u.type)
            session.add(row)
            added["units"] += 1
        aliases = list(u.aliases)
        for a in curated_aliases.get(u.name, []):
            if norm(a) not in {norm(f) for f in [u.name, *aliases, *([u.zh] if u.zh else [])]}:
                aliases.append(a)
        _assign(row, type=u.type, zh=u.zh, home_id=home_id, status="known", aliases=aliases)
    for c in curations:  # a school a curator accepted exists, whatever the reference says
        if c.action == "accept_school" and c.target not in units:
            units[c.target] = Unit(name=c.target, type=c.payload.get("type", "school"), home_id=home_id,
                                   status="known", aliases=[])
            session.add(units[c.target])
            added["units"] += 1
    session.flush()
    rows = {p.id: p for p in session.scalars(select(Partner))}
    by_name = {p.name: p for p in rows.values()}
    renamed = {}
    for c in curations:
        if c.action == "rename_partner" and c.payload.get("partner_id") in rows:
            renamed[c.target] = rows[c.payload["partner_id"]]
    base: dict[int, dict[str, Any]] = {}
    for p in ref.partners:
        row = by_name.get(p.name) or renamed.get(p.name)
        if row is None:
            row = by_name[p.name] = Partner(name=p.name, status="known", aliases=[])
            session.add(row)
            session.flush()
            rows[row.id] = row
            added["partners"] += 1
        base[row.id] = {"name": p.name if row.id not in base else base[row.id]["name"], "country": p.country,
                        "kind": p.kind, "zh": p.zh, "status": "known", "aliases": list(p.aliases)}
    apply_entity_curations(session, base, curations=curations, rows=rows)
    return added


def _curated_unit_aliases(curations: list[Curation], ref: Reference, units: dict[str, Unit]
                          ) -> dict[str, list[str]]:
    """Unit name → the aliases curators mapped to it (``alias_school``)."""
    by_id = {u.id: u.name for u in units.values()}
    by_form = {norm(f): u.name for u in ref.units for f in [u.name, *u.aliases, *([u.zh] if u.zh else [])]}
    out: dict[str, list[str]] = {}
    for c in curations:
        if c.action == "alias_school":
            name = by_id.get(c.payload.get("unit_id")) or by_form.get(norm(c.payload.get("unit", "")))
            if name:
                out.setdefault(name, []).append(c.target)
    return out


def _assign(row: Any, **values: Any) -> bool:
    """Set the attributes that differ (so that an unchanged run issues no UPDATE)."""
    changed = False
    for k, v in values.items():
        if getattr(row, k) != v:
            setattr(row, k, v)
            changed = True
    return changed


def apply_entity_curations(session: Session, base: dict[int, dict[str, Any]] | None = None, *,
                           curations: list[Curation] | None = None, rows: dict[int, Partner] | None = None
                           ) -> None:
    """Re-apply curators' corrections to partner and unit rows.

    ``base`` holds the reference values of reference partners (by row id); the
    curations are overlaid on them in the order they were made, and rows without
    reference values start from their current values. Merged partners' remaining
    links are moved to the partner they were merged into, and a rejected partner's
    report rows lose their link (the name as written stays).
    """
    curations = curations if curations is not None else active_curations(session)
    rows = rows if rows is not None else {p.id: p for p in session.scalars(select(Partner))}
    by_form: dict[str, Partner] = {}
    for p in rows.values():
        for f in partner_forms(p):
            by_form.setdefault(norm(f), p)
    desired = {pid: dict(v) for pid, v in (base or {}).items()}

    def want(row: Partner) -> dict[str, Any]:
        if row.id not in desired:
            desired[row.id] = {"name": row.name, "country": row.country, "kind": row.kind, "zh": row.zh,
                               "status": row.status, "aliases": list(row.aliases or [])}
        return desired[row.id]

    taken = {p.name: p.id for p in rows.values()}
    rejected: set[int] = set()
    for c in curations:
        if c.action not in PARTNER_ACTIONS:
            continue
        row = curated_partner(c, rows, by_form)
        if row is None:
            continue
        d = want(row)
        if c.action == "set_country":
            d["country"] = (c.payload.get("country") or "").upper() or None
        elif c.action == "set_kind":
            d["kind"] = c.payload.get("kind") or None
        elif c.action == "accept_partner":
            d["status"] = "known"
        elif c.action == "reject_partner":
            d["status"] = "rejected"
            rejected.add(row.id)
        elif c.action == "merge_partner":
            d["status"] = "merged"
        elif c.action == "rename_partner":
            to = c.payload["to"]
            if d["name"] != to and taken.get(to, row.id) == row.id:
                old = d["name"]
                if norm(old) not in {norm(a) for a in d["aliases"]}:
                    d["aliases"] = [*d["aliases"], old]
                taken.pop(old, None)
                taken[to] = row.id
                d["name"] = to
        if c.action in ("set_country", "set_kind", "rename_partner") and d["status"] == "new":
            d["status"] = "known"  # a curator who corrects a queued partner has accepted it
    # names first to a placeholder, so that swapping two names never trips the unique constraint
    renames = [(rows[pid], d["name"]) for pid, d in desired.items() if rows[pid].name != d["name"]]
    for row, _ in renames:
        row.name = f"~renaming~{row.id}"
    if renames:
        session.flush()
    for pid, d in desired.items():
        _assign(rows[pid], **d)
    session.flush()
    redirects = merge_redirects(session, rows, curations)
    for src, dst in redirects.items():
        repoint_partner(session, src, dst)
    for pid in rejected:
        for model in REPORT_TABLES:
            if _exists(session, model.partner_id == pid):
                session.execute(update(model).where(model.partner_id == pid).values(partner_id=None)
                                .execution_options(synchronize_session=False))
        if _exists(session, Fact.partner_id == pid, Fact.status != "rejected"):
            session.execute(update(Fact).where(Fact.partner_id == pid, Fact.status != "rejected")
                            .values(status="rejected").execution_options(synchronize_session=False))
            touch(session, partners=[pid])  # a bulk UPDATE: the rollups follow at commit
    # curated school aliases are part of the unit's names
    units = {u.id: u for u in session.scalars(select(Unit))}
    unit_by_form = {norm(f): u for u in units.values() for f in unit_forms(u)}
    for c in curations:
        if c.action == "alias_school":
            u = units.get(c.payload.get("unit_id")) or unit_by_form.get(norm(c.payload.get("unit", "")))
            if u is not None and norm(c.target) not in {norm(f) for f in unit_forms(u)}:
                u.aliases = [*(u.aliases or []), c.target]
    session.flush()


def repoint_partner(session: Session, src: int, dst: int) -> int:
    """Move every link to partner ``src`` (facts, programs, agreements, mobility) to ``dst``.

    A document that already has a fact about ``dst`` keeps that one and drops the
    duplicate, so a merged partner is never counted twice. Returns the rows moved.
    """
    moved = 0
    src_key, dst_key = f"partner:{src}", f"partner:{dst}"
    for f in session.scalars(select(Fact).where(Fact.partner_id == src)):
        key = dst_key if f.key == src_key else f.key
        twin = session.scalar(select(Fact.id).where(Fact.document_id == f.document_id, Fact.key == key,
                                                    Fact.id != f.id))
        if twin is not None:
            session.delete(f)
        else:
            f.partner_id, f.key = dst, key
        moved += 1
    session.flush()
    for model in REPORT_TABLES:
        if _exists(session, model.partner_id == src):
            res = session.execute(update(model).where(model.partner_id == src).values(partner_id=dst)
                                  .execution_options(synchronize_session=False))
            moved += res.rowcount or 0
    return moved


def _exists(session: Session, *where: Any) -> bool:
    """Is there a row to change? (asked first, so that a run with nothing to change writes nothing)"""
    table = where[0].left.table
    return session.scalar(select(table.c.id).where(*where).limit(1)) is not None


class Resolver:
    """Name → row id for one run (cached), creating 'new' partners queued for review."""

    def __init__(self, session: Session, reference_dir: str | Path | None = None):
        self.session = session
        self.reference_dir = reference_dir
        self.reload()

    def reload(self) -> None:
        s = self.session
        curations = active_curations(s)
        self.units: dict[str, int] = {}
        self.unit_names: dict[int, str] = {}
        for u in s.scalars(select(Unit)):
            self.unit_names[u.id] = u.name
            for form in unit_forms(u):
                self.units[norm(form)] = u.id
        rows = {p.id: p for p in s.scalars(select(Partner))}
        self.partner_rows: dict[int, Partner] = rows
        redirects = merge_redirects(s, rows, curations)
        self.redirects = redirects
        self.partners: dict[str, int] = {}
        # live rows first, so that a name shared with a merged row leads to the live one
        for p in sorted(rows.values(), key=lambda p: (p.id in redirects, p.id)):
            for form in partner_forms(p):
                self.partners.setdefault(norm(form), redirects.get(p.id, p.id))
        self.merges: dict[str, str] = {}
        self.rejected_partners: set[str] = set()
        self.rejected_facts: set[tuple[str, str]] = set()
        by_form = {k: rows[v] for k, v in self.partners.items() if v in rows}
        for c in curations:
            if c.action == "merge_partner":
                self.merges[norm(c.target)] = c.payload["into"]
                dst = c.payload.get("into_id")
                dst = redirects.get(dst, dst) if dst in rows else self.partners.get(norm(c.payload["into"]))
                if dst is not None:
                    self.partners[norm(c.target)] = dst
            elif c.action == "alias_school":
                uid = c.payload.get("unit_id")
                uid = uid if uid in self.unit_names else self.units.get(norm(c.payload.get("unit", "")))
                if uid:
                    self.units[norm(c.target)] = uid
            elif c.action == "reject_partner":
                self.rejected_partners.add(norm(c.target))
                row = curated_partner(c, rows, by_form)
                if row is not None:  # every name of the rejected organisation, not only the one seen
                    self.rejected_partners.update(norm(f) for f in partner_forms(row))
            elif c.action == "reject_fact":
                key = c.payload["key"]
                if key.startswith("partner:") and key[8:].isdigit():  # follow the partner through merges
                    pid = int(key[8:])
                    key = f"partner:{redirects.get(pid, pid)}"
                self.rejected_facts.add((c.target, key))
                self.rejected_facts.add((c.target, c.payload["key"]))

    def unit(self, name: str, *, evidence: dict | None = None) -> int | None:
        uid = self.units.get(norm(name))
        if uid is None and evidence is not None:
            self.queue("school", name, evidence)
        return uid

    def partner(self, name: str, country: str | None = None, kind: str | None = None,
                *, evidence: dict | None = None) -> int | None:
        """The partner's id; an unknown name becomes a 'new' partner waiting for review.
        A name a curator rejected returns None; a merged one, the partner it was merged into."""
        key = norm(name)
        if key in self.rejected_partners:
            return None
        pid = self.partners.get(key)
        if pid is not None:
            return pid
        # "the University of Auckland" as a sentence writes it: the name is "University of Auckland"
        # (a capital "The" is kept: "The University of Tokyo" is how some name themselves)
        name = re.sub(r"^\s*the\s+", "", name.strip())
        row = Partner(name=name, country=(country or None), kind=kind, status="new", aliases=[])
        self.session.add(row)
        self.session.flush()
        self.partners[key] = row.id
        self.partner_rows[row.id] = row
        self.queue("partner", name, {**(evidence or {}), "country": country, "kind": kind})
        return row.id

    def queue(self, kind: str, name: str, detail: dict) -> None:
        """Put a name in the review queue once; a decided item is never reopened."""
        s = self.session
        if s.scalar(select(ReviewItem.id).where(ReviewItem.kind == kind, ReviewItem.name == name)) is None:
            s.add(ReviewItem(kind=kind, name=name, detail=detail))
            s.flush()
