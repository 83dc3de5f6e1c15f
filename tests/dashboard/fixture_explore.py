"""The Overview's deterministic database (``fixture_db``) plus what the Schools, Partners and
drill-down tests need besides: a few documents with real text, evidence sentences and
character spans, and office-report rows (programmes, agreements with school lists,
students abroad). Everything is built in code and returned, so tests know each row.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from etl.db import get_engine
from etl.load.documents import denormalise
from etl.load.models import Activity, Agreement, Document, Fact, Mobility, Program, ReportFile
from tests.dashboard import fixture_db
from tests.dashboard.fixture_db import Doc, World

TODAY = dt.date(2025, 3, 1)   # the reference day for agreement states


@dataclass
class Explore:
    world: World
    story_docs: dict[str, int] = field(default_factory=dict)      # name -> document id
    programs: list[dict] = field(default_factory=list)
    agreements: list[dict] = field(default_factory=list)
    mobility: list[dict] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.world.url

    def school(self, name: str) -> int:
        return self.world.school_ids[name]

    def partner(self, name: str) -> int:
        return next(i for i, p in self.world.partners.items() if p[0] == name)


def _span(text: str, part: str, nth: int = 0) -> tuple[int, int]:
    i = -1
    for _ in range(nth + 1):
        i = text.index(part, i + 1)
    return i, i + len(part)


def _sentence_of(text: str, start: int) -> str:
    """The sentence around ``start`` (split at '. ')."""
    lo = text.rfind(". ", 0, start)
    lo = 0 if lo < 0 else lo + 2
    hi = text.find(". ", start)
    hi = len(text) if hi < 0 else hi + 1
    return text[lo:hi]


def build(url: str) -> Explore:
    """``fixture_db.build`` and the extra documents and reports, on ``url``."""
    w = fixture_db.build(url)
    ex = Explore(world=w)
    auto, cs = ex.school("School of Automation"), ex.school("School of Computer Science")
    alpha, gamma = ex.partner("Alpha University"), ex.partner("Gamma University")
    eta = ex.partner("Eta Agency")
    stories = [
        # name, year, published, lang, status, text, schools, partners (name, status), activities
        ("alpha_visit", 2023, dt.date(2023, 5, 10), "en", "active",
         "A delegation from Alpha University visited the School of Automation. "
         "Alpha University and the School of Automation signed an agreement on joint research. "
         "The visit ended with a dinner.",
         [(auto, "ok")], [(alpha, "ok", 0), (alpha, "ok", 1)], [("delegation_visit", "delegation"),
                                                                ("agreement", "signed an agreement")]),
        ("gamma_summer", 2023, dt.date(2023, 8, 2), "en", "active",
         "Twenty students of the School of Computer Science joined a summer school at Gamma University. "
         "They also met researchers of Eta Agency.",
         [(cs, "ok")], [(gamma, "ok", 0), (eta, "rejected", 0)], [("summer_school", "summer school")]),
        ("gone_alpha", 2023, dt.date(2023, 9, 1), "en", "gone",
         "Alpha University sent a letter to the School of Automation.",
         [(auto, "ok")], [(alpha, "ok", 0)], [("conference", "letter")]),
    ]
    names = {pid: p[0] for pid, p in w.partners.items()}
    units = {auto: "School of Automation", cs: "School of Computer Science"}
    with Session(get_engine(url)) as s, s.begin():
        run = w.runs[-1]
        for i, (key, year, published, lang, status, text, schools, partners, acts) in enumerate(stories):
            d = Document(source="folder", uri=f"/docs/story-{key}.txt", title=f"Story {key.replace('_', ' ')}",
                         lang=lang, year=year, published=published, event_date=published.isoformat(),
                         content_hash=f"story{i:059d}", text=text, status=status, run_id=run)
            s.add(d)
            s.flush()
            doc = Doc(id=d.id, year=year, lang=lang, status=status, run_id=run, title=d.title)
            for uid, st in schools:
                a, b = _span(text, units[uid])
                s.add(Fact(document_id=d.id, type="school", key=f"school:{uid}", year=year, unit_id=uid,
                           text=units[uid], sentence=_sentence_of(text, a), start=a, end=b, status=st, run_id=run))
                doc.schools.append((uid, st))
            for pid, st, nth in partners:
                if nth:   # a second mention of the same partner: no second fact (one per document)
                    continue
                a, b = _span(text, names[pid], nth)
                s.add(Fact(document_id=d.id, type="partner", key=f"partner:{pid}", year=year, partner_id=pid,
                           text=names[pid], sentence=_sentence_of(text, a), start=a, end=b, status=st, run_id=run))
                doc.partners.append((pid, st))
            for kind, cue in acts:
                a, b = _span(text, cue)
                s.add(Activity(document_id=d.id, kind=kind, year=year, sentence=_sentence_of(text, a), start=a,
                               end=b, method="test", confidence=1.0, run_id=run))
                doc.kinds.append(kind)
            w.docs.append(doc)
            ex.story_docs[key] = d.id

        rf = {k: ReportFile(uri=f"/reports/{k}.csv", kind=k, content_hash=k * 4, rows=3, run_id=run)
              for k in ("programs", "agreements", "mobility")}
        s.add_all(rf.values())
        s.flush()
        denormalise(s.connection())  # the document's language and kinds into its facts, as the ETL writes them
        programs = [
            dict(name="Automation 3+1", unit_id=auto, partner_id=alpha, country="DE", level="undergraduate",
                 mode="3+1", start_year=2019, status="active", enrolment=40),
            dict(name="Computing 2+2", unit_id=cs, partner_id=gamma, country="JP", level="undergraduate",
                 mode="2+2", start_year=2021, status="active", enrolment=None),
            dict(name="Automation MSc", unit_id=auto, partner_id=gamma, country="JP", level="master",
                 mode="1+1", start_year=2024, status="pending", enrolment=5),
        ]
        for i, p in enumerate(programs):
            s.add(Program(report_id=rf["programs"].id, row=i + 2, **p))
        agreements = [
            dict(partner_id=alpha, country="DE", type="MoU", signed_date=dt.date(2019, 3, 1),
                 expiry_date=dt.date(2024, 2, 28), unit_ids=[auto], school_names=["School of Automation"]),
            dict(partner_id=alpha, country="DE", type="Exchange", signed_date=dt.date(2022, 6, 1),
                 expiry_date=dt.date(2025, 6, 30), unit_ids=[auto, cs],
                 school_names=["School of Automation", "School of Computer Science"]),
            dict(partner_id=alpha, country="DE", type="Framework", signed_date=dt.date(2020, 1, 1),
                 expiry_date=None, unit_ids=[], school_names=[]),                      # university-wide
            dict(partner_id=gamma, country="JP", type="Summer school", signed_date=dt.date(2023, 1, 1),
                 expiry_date=dt.date(2028, 1, 1), unit_ids=[cs], school_names=["School of Computer Science"]),
        ]
        for i, a in enumerate(agreements):
            s.add(Agreement(report_id=rf["agreements"].id, row=i + 2, **a))
        mobility = [
            dict(year=2022, unit_id=auto, partner_id=alpha, country="DE", program_type="exchange", students=6),
            dict(year=2023, unit_id=auto, partner_id=alpha, country="DE", program_type="exchange", students=4),
            dict(year=2023, unit_id=auto, partner_id=gamma, country="JP", program_type="summer", students=None),
            dict(year=2023, unit_id=cs, partner_id=gamma, country="JP", program_type="summer", students=12),
        ]
        for i, m in enumerate(mobility):
            s.add(Mobility(report_id=rf["mobility"].id, row=i + 2, **m))
    ex.programs, ex.agreements, ex.mobility = programs, agreements, mobility
    return ex
