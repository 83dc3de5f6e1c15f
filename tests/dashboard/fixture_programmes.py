"""Programme records for the dashboard's tests (issue 16), written in code on top of ``fixture_db``'s
sample (its schools, partners and documents), so a test knows every record, link and figure.

The linker (``etl/programmes``) is tested on the corpus by its own tests; here the tables are
filled directly, the way the linker leaves them, so that the dashboard's queries can be checked
against a naive reading in Python (:func:`expected_ids`) on SQLite and PostgreSQL.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from dashboard.queries.common import Filters
from etl.db import get_engine
from etl.load.models import (
    Programme,
    ProgrammeLink,
    ProgrammePartner,
    ProgrammeStudents,
    ProgrammeUnit,
    RegisterEntry,
    ReportFile,
)
from tests.dashboard import fixture_db


@dataclass
class Rec:
    key: str
    label: str
    kind: str
    first: int | None
    last: int | None
    status: str
    inferred: bool
    students: int | None
    partners: list[str]               # partner names of fixture_db.PARTNERS
    schools: list[str]                # school names of fixture_db.SCHOOLS
    state: str = "ok"
    docs: int = 0                     # how many of the sample's documents are linked
    report_rows: int = 0
    register: bool = False
    id: int = 0


RECORDS = [
    Rec("p1", "Alpha Automation 2+2", "joint_programme", 2018, 2024, "active", False, 120,
        ["Alpha University"], ["School of Automation"], docs=2, report_rows=1, register=True),
    Rec("p2", "Gamma student exchange", "exchange", 2016, 2017, "closed", True, None,
        ["Gamma University"], ["School of Computer Science"], docs=1),
    Rec("p3", "Epsilon summer school", "summer_school", 2021, 2023, "active", True, 30,
        ["Epsilon University", "Delta Tech"], ["School of Foreign Languages", "School of Applied Sciences"], docs=3),
    Rec("p4", "Beta double master", "joint_programme", 2020, None, "pending", False, None,
        ["Beta Institute"], ["School of Automation"], docs=1),
    Rec("p5", "Alpha Automation 2+2 (old name)", "joint_programme", 2018, 2019, "active", False, 50,
        ["Alpha University"], ["School of Automation"], state="merged"),
    Rec("p6", "Joint lab of sensing", "research_centre", None, None, "unknown", True, None, [], [], docs=1),
    Rec("p7", "Epsilon joint institute (register only)", "joint_programme", 2019, 2025, "active", False, 40,
        ["Epsilon University"], ["School of Computer Science"], register=True),
]


@dataclass
class ProgrammeWorld:
    world: fixture_db.World
    records: list[Rec]
    ids: dict[str, int] = field(default_factory=dict)            # key → programme id
    register_ids: dict[str, int] = field(default_factory=dict)   # approval number → register entry id
    docs: dict[str, list[int]] = field(default_factory=dict)      # key → linked document ids

    @property
    def url(self) -> str:
        return self.world.url


def build(url: str) -> ProgrammeWorld:
    world = fixture_db.build(url)
    pid_of = {name: pid for pid, (name, *_rest) in world.partners.items()}
    docs = [d.id for d in world.docs if d.status != "gone"]
    out = ProgrammeWorld(world, [Rec(**r.__dict__) for r in RECORDS])
    with Session(get_engine(url)) as s, s.begin():
        rf = ReportFile(uri="/reports/joint_programs.csv", kind="programs", content_hash="a" * 64, rows=3)
        reg = ReportFile(uri="/reports/moe_register.csv", kind="register", content_hash="b" * 64, rows=2)
        s.add_all([rf, reg])
        s.flush()
        used = 0
        for r in out.records:
            p = Programme(key=r.key, name=r.label, label=r.label, names=[r.label], kind=r.kind, first_year=r.first,
                          last_year=r.last, status=r.status, status_inferred=r.inferred,
                          status_from={"kind": "years", "year": r.last} if r.inferred else
                          {"kind": "report", "file": "joint_programs.csv", "row": 2, "said": r.status},
                          students=r.students, students_year=2023 if r.students else None, origin="report",
                          state=r.state)
            s.add(p)
            s.flush()
            r.id = out.ids[r.key] = p.id
            for name in r.partners:
                s.add(ProgrammePartner(programme_id=p.id, partner_id=pid_of[name], partner_name=name))
            for name in r.schools:
                s.add(ProgrammeUnit(programme_id=p.id, unit_id=world.school_ids[name]))
            out.docs[r.key] = docs[used:used + r.docs]
            for i, doc_id in enumerate(out.docs[r.key]):
                s.add(ProgrammeLink(programme_id=p.id, target="document", document_id=doc_id, year=2020 + i,
                                    evidence=f"the article about {r.label}", method="partner+kind", confidence=0.9))
            used += r.docs
            for i in range(r.report_rows):
                s.add(ProgrammeLink(programme_id=p.id, target="programs", report_id=rf.id, row=2 + i, row_id=1 + i,
                                    year=r.first, evidence=f"{r.label} | row", method="report row"))
            if r.register:
                e = RegisterEntry(report_id=reg.id, row=2 + len(out.register_ids), approval_no=f"MOE-{r.key.upper()}",
                                  programme_name=f"{r.label} (register)", partner_name=r.partners[0],
                                  degree_level="undergraduate", programme_mode="2+2", intake=60,
                                  enrolment_by_year={"2022": 55, "2023": 58}, approval_year=2018, expiry_year=2026)
                s.add(e)
                s.flush()
                out.register_ids[e.approval_no] = e.id
                s.add(ProgrammeLink(programme_id=p.id, target="register", report_id=reg.id, row=e.row, row_id=e.id,
                                    year=2018, evidence=e.approval_no, method="approval number"))
        p1 = out.ids["p1"]
        s.get(Programme, out.ids["p5"]).merged_into_id = p1
        s.add_all([
            ProgrammeStudents(programme_id=p1, year=2022, students=100, source="report", what="enrolment",
                              report_id=rf.id, row=2, evidence="joint_programs.csv row 2"),
            ProgrammeStudents(programme_id=p1, year=2023, students=110, source="register", what="intake",
                              report_id=reg.id, row=2, evidence="MOE-P1 2023"),
            ProgrammeStudents(programme_id=p1, year=2023, students=90, source="news", what="participants",
                              document_id=out.docs["p1"][0], evidence="the article about p1"),
            ProgrammeStudents(programme_id=p1, year=None, students=120, source="report", what="enrolment",
                              report_id=rf.id, row=2, evidence="joint_programs.csv row 2"),
        ])
    return out


def expected_ids(pw: ProgrammeWorld, f: Filters) -> set[int]:
    """The records the filters keep, read naively from ``RECORDS`` (see dashboard/queries/programmes.py)."""
    partners = {name: (country, kind) for name, country, kind, _st in fixture_db.PARTNERS}
    out = set()
    for r in pw.records:
        if r.state != "ok":
            continue
        if f.year_from is not None and r.last is not None and r.last < f.year_from:
            continue
        if f.year_to is not None and r.first is not None and r.first > f.year_to:
            continue
        if f.schools and not {pw.world.school_ids[s] for s in r.schools} & set(f.schools):
            continue
        if f.countries or f.partner_kinds:
            if not any((not f.countries or partners[p][0] in f.countries)
                       and (not f.partner_kinds or partners[p][1] in f.partner_kinds) for p in r.partners):
                continue
        out.add(r.id)
    return out
