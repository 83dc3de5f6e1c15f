"""A small deterministic database for the dashboard's query and callback tests.

Built in code from a fixed random seed (no files, no extractor), so the tests know every
row. ``World`` keeps the generated rows as plain Python objects, and :func:`expected`
recomputes each aggregate the naive way, in Python: the SQL in ``dashboard.queries`` must
agree with it on SQLite and on PostgreSQL for any filter set.
"""
from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from dashboard.queries.common import Filters
from etl.db import get_engine, upgrade
from etl.load.documents import denormalise
from etl.load.models import (
    ACTIVITY_KINDS,
    Activity,
    Document,
    Fact,
    HomeInstitution,
    Partner,
    Run,
    RunError,
    Unit,
)

SCHOOLS = [("School of Automation", "自动化学院"), ("School of Computer Science", "计算机学院"),
           ("School of Foreign Languages", "外国语学院"), ("School of Applied Sciences", "理学院")]
PARTNERS = [  # name, country, kind, status
    ("Alpha University", "DE", "university", "known"),
    ("Beta Institute", "DE", "institute", "known"),
    ("Gamma University", "JP", "university", "known"),
    ("Delta Tech", "US", "company", "known"),
    ("Epsilon University", "GB", "university", "known"),
    ("Zeta College", "GB", "university", "new"),
    ("Eta Agency", "PL", "government", "known"),
    ("Theta Nowhere", None, "university", "new"),          # unknown country
    ("Iota Rejected", "FR", "university", "rejected"),       # a curator rejected this partner
]


@dataclass
class Doc:
    id: int
    year: int | None
    lang: str
    status: str
    run_id: int
    title: str
    kinds: list[str] = field(default_factory=list)
    schools: list[tuple[int, str]] = field(default_factory=list)     # (unit_id, fact status)
    partners: list[tuple[int, str]] = field(default_factory=list)    # (partner_id, fact status)


@dataclass
class World:
    url: str
    school_ids: dict[str, int]
    partners: dict[int, tuple[str, str | None, str, str]]           # id -> (name, country, kind, status)
    docs: list[Doc]
    runs: list[int]


def build(url: str, seed: int = 20240611, n_docs: int = 90) -> World:
    """Create the schema and fill it; returns what was written."""
    upgrade(url)
    rng = random.Random(seed)
    with Session(get_engine(url)) as s, s.begin():
        home = HomeInstitution(name="Test University of Technology", zh="测试科技大学", aliases=[])
        s.add(home)
        s.flush()
        units = [Unit(home_id=home.id, type="school", name=n, zh=z, aliases=[]) for n, z in SCHOOLS]
        office = Unit(home_id=home.id, type="office", name="International Office", zh="国际处", aliases=[])
        s.add_all(units + [office])
        partners = [Partner(name=n, country=c, kind=k, status=st, aliases=[]) for n, c, k, st in PARTNERS]
        s.add_all(partners)
        t0 = dt.datetime(2025, 1, 10, 8, 0)
        run1 = Run(started_at=t0, finished_at=t0 + dt.timedelta(minutes=3), status="ok", trigger="test",
                   stats={"documents": {"new": 0}})
        run2 = Run(started_at=t0 + dt.timedelta(days=7), finished_at=t0 + dt.timedelta(days=7, minutes=2),
                   status="partial", trigger="schedule", stats={})
        s.add_all([run1, run2])
        s.flush()
        s.add(RunError(run_id=run2.id, file="/data/broken.xlsx", reason="unreadable"))
        docs: list[Doc] = []
        for i in range(n_docs):
            year = rng.choice([None] + list(range(2018, 2025))) if i % 11 == 0 else rng.randint(2018, 2024)
            lang = "zh" if rng.random() < 0.3 else "en"
            status = "gone" if i % 13 == 5 and i != n_docs - 1 else "active"
            in_run2 = i >= n_docs - 12
            run = run2 if in_run2 else run1
            created = run.started_at + dt.timedelta(seconds=30)
            d = Document(source="folder", uri=f"/docs/{i:03d}.txt", title=f"Document {i:03d}", lang=lang,
                         year=year, event_date=str(year) if year else None, content_hash=f"{i:064x}",
                         text=f"text {i}", status=status, run_id=run.id, created_at=created, updated_at=created)
            s.add(d)
            s.flush()
            doc = Doc(id=d.id, year=year, lang=lang, status=status, run_id=run.id, title=d.title)
            for kind in rng.sample(ACTIVITY_KINDS, rng.randint(0, 3)):
                s.add(Activity(document_id=d.id, kind=kind, year=year, method="test", confidence=1.0, run_id=run.id))
                doc.kinds.append(kind)
            for u in rng.sample(units, rng.randint(0, 2)):
                st = "rejected" if rng.random() < 0.1 else "ok"
                s.add(Fact(document_id=d.id, type="school", key=f"school:{u.id}", year=year, unit_id=u.id,
                           text=u.name, status=st, run_id=run.id))
                doc.schools.append((u.id, st))
            if rng.random() < 0.3:
                s.add(Fact(document_id=d.id, type="office", key=f"office:{office.id}", year=year,
                           unit_id=office.id, text=office.name, status="ok", run_id=run.id))
            # "Zeta College" (index 5) is mentioned by the last run only: the new partner of run 2.
            chosen = [(p, "rejected" if rng.random() < 0.1 else "ok")
                      for p in rng.sample(partners[:5] + partners[6:], rng.randint(0, 3))]
            if i == n_docs - 1:
                chosen.append((partners[5], "ok"))
            for p, st in chosen:
                s.add(Fact(document_id=d.id, type="partner", key=f"partner:{p.id}", year=year, partner_id=p.id,
                           text=p.name, status=st, run_id=run.id))
                doc.partners.append((p.id, st))
            docs.append(doc)
        s.flush()
        denormalise(s.connection())  # the document's language and kinds into its facts, as the ETL writes them
        school_ids = {u.name: u.id for u in units}
        pmap = {p.id: (p.name, p.country, p.kind, p.status) for p in partners}
        runs = [run1.id, run2.id]
    return World(url=url, school_ids=school_ids, partners=pmap, docs=docs, runs=runs)


# ---------------------------------------------------------------------------
# The same aggregates, computed naively in Python
# ---------------------------------------------------------------------------
def _partner_passes(w: World, pid: int, f: Filters) -> bool:
    _name, country, kind, status = w.partners[pid]
    if status == "rejected":
        return False
    if f.countries and country not in f.countries:
        return False
    return not (f.partner_kinds and kind not in f.partner_kinds)


def in_scope(w: World, d: Doc, f: Filters) -> bool:
    if d.status == "gone":
        return False
    if f.year_from is not None and (d.year is None or d.year < f.year_from):
        return False
    if f.year_to is not None and (d.year is None or d.year > f.year_to):
        return False
    if f.language and d.lang != f.language:
        return False
    if f.schools and not any(u in f.schools and st == "ok" for u, st in d.schools):
        return False
    if (f.countries or f.partner_kinds) and not any(st == "ok" and _partner_passes(w, p, f)
                                                    for p, st in d.partners):
        return False
    return not (f.activity_kinds and not set(d.kinds) & set(f.activity_kinds))


def expected(w: World, f: Filters) -> dict:
    """Every aggregate the Overview shows, for filter set ``f``."""
    docs = [d for d in w.docs if in_scope(w, d, f)]
    partners = {p for d in docs for p, st in d.partners if st == "ok" and _partner_passes(w, p, f)}
    schools = {u for d in docs for u, st in d.schools if st == "ok" and (not f.schools or u in f.schools)}
    per_year: Counter = Counter()
    by_school: Counter = Counter()
    partner_docs: dict[int, set] = defaultdict(set)
    for d in docs:
        kinds = [k for k in d.kinds if not f.activity_kinds or k in f.activity_kinds]
        if d.year is not None:
            for k in kinds:
                per_year[(d.year, k)] += 1
        for u in {u for u, st in d.schools if st == "ok" and (not f.schools or u in f.schools)}:
            for k in kinds:
                by_school[(u, k)] += 1
        for p in {p for p, st in d.partners if st == "ok" and _partner_passes(w, p, f)}:
            partner_docs[p].add(d.id)
    country_docs: dict[str, set] = defaultdict(set)
    country_partners: dict[str, set] = defaultdict(set)
    for p, ds in partner_docs.items():
        c = w.partners[p][1]
        if c:
            country_docs[c] |= ds
            country_partners[c].add(p)
    return {
        "kpis": {"documents": len(docs), "partners": len(partners),
                 "countries": len({w.partners[p][1] for p in partners if w.partners[p][1]}),
                 "schools": len(schools)},
        "per_year": dict(per_year),
        "by_school": dict(by_school),
        "partner_docs": {p: len(ds) for p, ds in partner_docs.items()},
        "countries": {c: (len(country_partners[c]), len(ds)) for c, ds in country_docs.items()},
    }


def filter_sets(w: World) -> list[Filters]:
    """Filter sets that exercise every condition, alone and combined."""
    sid = [w.school_ids[n] for n, _ in SCHOOLS]
    return [
        Filters(),
        Filters.make(year_from=2020, year_to=2022),
        Filters.make(year_to=2019),
        Filters.make(schools=[sid[0]]),
        Filters.make(schools=[sid[1], sid[2]], activity_kinds=["conference", "joint_program"]),
        Filters.make(countries=["DE", "GB"]),
        Filters.make(countries=["FR"]),   # only a rejected partner is there: nothing in scope
        Filters.make(partner_kinds=["university"], language="zh"),
        Filters.make(year_from=2021, schools=[sid[3]], countries=["JP", "US", "PL"], activity_kinds=["agreement"]),
    ]
