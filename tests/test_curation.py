"""Curation, on SQLite and PostgreSQL: every kind of decision is recorded (who, when), takes
effect at once, and survives re-runs of the ETL on the same and on changed documents and reports."""
from __future__ import annotations

import shutil

import pytest
from sqlalchemy import event, func, select

from etl.config import load_settings
from etl.db import get_engine, session_factory
from etl.load import curation as cur
from etl.load.models import Curation, Document, Fact, Partner, Program, ReviewItem, Unit
from etl.pipeline import Pipeline

from .conftest import ROOT, SAMPLE, migrated

D1 = """BISTU signs pathway agreement with UTS Insearch

By Mon, 13 Mar 2023 GMT

Beijing, 13 March 2023 (BISTU) --- The School of Economics and Management signed a pathway
agreement with UTS Insearch in Sydney. Twelve students will join the programme each year.
"""
D2 = """Dublin City University delegation visits BISTU

By Tue, 09 May 2023 GMT

Beijing, 9 May 2023 (BISTU) --- A delegation from Dublin City University visited the Computer School.
The two sides reviewed the Computer Science and Technology 3+1 joint program with the
University of Technology Sydney as a model.
"""
PROGRAMS = """Joint programmes (draft)
program_name,school,partner,country,level,mode,start_year,status,enrolment
Pathway 2+2,School of Economics and Management,UTS Insearch,Australia,undergraduate,2+2,2023,active,{n}
Control 3+1,Sch. of Automation & Control,Unseen University,,undergraduate,3+1,2024,active,5
Tourism 2+2,School of Economics and Management,Ankh-Morpork Tourist Board,UK,undergraduate,2+2,2024,pending,
Computing 3+1,Computer School,DCU,IE,undergraduate,3+1,2018,active,118
"""
ALIAS = "Sch. of Automation & Control"


@pytest.fixture(scope="session")
def curation_reference(tmp_path_factory):
    """The reference folder with a duplicate registry entry, made once: no test changes it, and the same folder
    lets the runs share what is built from it (the reference and registry lookups, the reader process)."""
    ref = tmp_path_factory.mktemp("curation") / "ref"
    shutil.copytree(ROOT / "data" / "reference", ref)
    with (ref / "partners.csv").open("a", encoding="utf-8") as f:
        f.write("UTS Insearch,AU,company,,Insearch\n")
    return ref


@pytest.fixture
def world(tmp_path, db_url, curation_reference):
    """A reference folder with a duplicate registry entry, a few news files and a programmes report; the
    database migrated to the head (a copy of the worker's migrated one: the first run's upgrade finds it done)."""
    ref = curation_reference
    migrated(db_url)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "d1.txt").write_text(D1, encoding="utf-8")
    (docs / "d2.txt").write_text(D2, encoding="utf-8")
    shutil.copy(SAMPLE / "docs" / "en-0003.txt", docs / "en-0003.txt")
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "programs.csv").write_text(PROGRAMS.format(n=40), encoding="utf-8")
    settings = load_settings(config=tmp_path / "none.toml", database_url=db_url)
    settings.reference_dir = ref
    return settings, docs, reports


def run(settings, docs, reports):
    info = Pipeline(settings).run([docs, reports])
    assert not info.errors, info.errors
    return info


def partner(s, name) -> Partner:
    return s.scalar(select(Partner).where(Partner.name == name))


def doc_facts(s, uri_end) -> list[Fact]:
    return list(s.scalars(select(Fact).join(Document).where(Document.uri.endswith(uri_end))))


def program(s, name) -> Program:
    return s.scalar(select(Program).where(Program.name == name))


def test_every_curation_survives_reruns_on_same_and_changed_input(world):
    settings, docs, reports = world
    url = settings.database_url
    run(settings, docs, reports)
    S = session_factory(url)
    with S() as s:
        uts, ins = partner(s, "University of Technology Sydney"), partner(s, "UTS Insearch")
        dcu = partner(s, "Dublin City University")
        ids = {"uts": uts.id, "ins": ins.id, "dcu": dcu.id}
        assert {f.partner_id for f in doc_facts(s, "/d1.txt") if f.type == "partner"} == {ins.id}
        assert program(s, "Pathway 2+2").partner_id == ins.id
        assert program(s, "Control 3+1").unit_id is None
        queue = {(r.kind, r.name): r.id for r in s.scalars(select(ReviewItem).where(ReviewItem.status == "open"))}
        assert set(queue) == {("school", ALIAS), ("partner", "Unseen University"),
                              ("partner", "Ankh-Morpork Tourist Board")}
        dcu_fact_key = next(f.key for f in doc_facts(s, "/d2.txt") if f.partner_id == dcu.id)
        n_partners = s.scalar(select(func.count()).select_from(Partner))

    with S.begin() as s:
        cur.merge_partner(s, "Insearch", into="UTS", by="alice")
        cur.rename_partner(s, "DCU", "Dublin City University (Ollscoil Chathair Bhaile Átha Cliath)", by="bob")
        cur.set_kind(s, "Dublin City University", "institute", by="bob")
        cur.set_country(s, "Unseen University", "Ireland", by="carol")
        cur.reject_fact(s, "d2.txt", dcu_fact_key, by="carol")
        cur.alias_school(s, ALIAS, "Automation School", by="dave")
        cur.decide(s, queue[("partner", "Ankh-Morpork Tourist Board")], accept=False, by="erin")
    renamed = "Dublin City University (Ollscoil Chathair Bhaile Átha Cliath)"

    def check(stage: str) -> None:
        with S() as s:
            # merge: every link moved, the merged row marked, its names lead to the target
            assert partner(s, "UTS Insearch").status == "merged", stage
            for model in (Fact, Program):
                assert s.scalar(select(func.count()).where(model.partner_id == ids["ins"])) == 0, stage
            assert {f.partner_id for f in doc_facts(s, "/d1.txt") if f.type == "partner"} == {ids["uts"]}, stage
            assert program(s, "Pathway 2+2").partner_id == ids["uts"], stage
            # rename + kind: same row, new name, old name kept as an alias, no duplicate row
            d = s.get(Partner, ids["dcu"])
            assert d.name == renamed and "Dublin City University" in d.aliases, stage
            assert d.kind == "institute" and d.country == "IE", stage
            assert partner(s, "Dublin City University") is None, stage
            assert program(s, "Computing 3+1").partner_id == ids["dcu"], stage
            # country of a queued partner: set, accepted, and followed by its blank report row
            u = partner(s, "Unseen University")
            assert (u.country, u.status) == ("IE", "known"), stage
            assert program(s, "Control 3+1").country == "IE", stage
            # rejected fact stays rejected through re-extraction
            facts = {f.key: f for f in doc_facts(s, "/d2.txt")}
            assert facts[dcu_fact_key].status == "rejected", stage
            assert all(f.status == "ok" for k, f in facts.items() if k != dcu_fact_key), stage
            # school alias: report row linked, alias a name of the unit
            auto = s.scalar(select(Unit).where(Unit.name == "School of Automation"))
            assert program(s, "Control 3+1").unit_id == auto.id and ALIAS in auto.aliases, stage
            # rejected partner: never linked, name as written kept
            t = program(s, "Tourism 2+2")
            assert t.partner_id is None and t.partner_name == "Ankh-Morpork Tourist Board", stage
            assert partner(s, "Ankh-Morpork Tourist Board").status == "rejected", stage
            # nothing new in the queue, every decided item closed with who decided
            items = {(r.kind, r.name): r for r in s.scalars(select(ReviewItem))}
            assert len(items) == 3 and all(r.status != "open" and r.decided_by for r in items.values()), stage
            assert items[("school", ALIAS)].status == "aliased", stage
            assert items[("partner", "Ankh-Morpork Tourist Board")].status == "rejected", stage
            assert s.scalar(select(func.count()).select_from(Partner)) == n_partners, stage
            by = dict(s.execute(select(Curation.action, Curation.created_by)).all())
            assert by["merge_partner"] == "alice" and by["reject_partner"] == "erin", stage
            assert s.scalar(select(func.count()).select_from(Curation).where(Curation.created_at.is_(None))) == 0

    check("right after the curations")

    # the same input again: curations hold, and re-applying them writes nothing
    engine = get_engine(url)
    writes: list[str] = []

    def hook(conn, cursor, statement, params, context, executemany):
        st = " ".join(statement.split()).upper()
        if st.startswith(("UPDATE PARTNERS", "UPDATE UNITS", "INSERT INTO PARTNERS", "UPDATE FACTS",
                          "UPDATE PROGRAMS", "DELETE FROM FACTS")):
            writes.append(st[:60])
    event.listen(engine, "before_cursor_execute", hook)
    try:
        info = run(settings, docs, reports)
    finally:
        event.remove(engine, "before_cursor_execute", hook)
    assert info.documents["unchanged"] == 3 and info.reports["unchanged"] == 1
    assert writes == []
    check("after a re-run on the same input")

    # changed documents and report: re-extracted and reloaded, decisions re-applied
    for name in ("d1.txt", "d2.txt"):
        p = docs / name
        p.write_text(p.read_text(encoding="utf-8") + "\nBoth sides agreed to meet again in 2024.\n", encoding="utf-8")
    (reports / "programs.csv").write_text(PROGRAMS.format(n=44), encoding="utf-8")
    info = run(settings, docs, reports)
    assert info.documents["changed"] == 2 and info.reports["loaded"] == 1
    check("after a re-run on changed input")
    with S() as s:
        assert program(s, "Pathway 2+2").enrolment == 44


def test_accepting_queued_names(world):
    settings, docs, reports = world
    run(settings, docs, reports)
    S = session_factory(settings.database_url)
    with S.begin() as s:
        items = {r.name: r.id for r in s.scalars(select(ReviewItem))}
        cur.decide(s, items["Unseen University"], accept=True, by="alice")
        cur.decide(s, items[ALIAS], accept=True, by="alice")  # a school the reference lacks
    (reports / "programs.csv").write_text(PROGRAMS.format(n=41), encoding="utf-8")
    run(settings, docs, reports)
    with S() as s:
        assert partner(s, "Unseen University").status == "known"
        unit = s.scalar(select(Unit).where(Unit.name == ALIAS))
        assert unit is not None and unit.type == "school"
        assert program(s, "Control 3+1").unit_id == unit.id
        statuses = {r.name: r.status for r in s.scalars(select(ReviewItem))}
        assert statuses == {"Unseen University": "accepted", ALIAS: "accepted", "Ankh-Morpork Tourist Board": "open"}
        with pytest.raises(cur.CurationError, match="already accepted"):
            cur.decide(s, items["Unseen University"], accept=False, by="bob")


def test_curation_errors_are_clear(world):
    settings, docs, reports = world
    run(settings, docs, reports)
    with session_factory(settings.database_url).begin() as s:
        with pytest.raises(cur.CurationError, match="no partner named"):
            cur.merge_partner(s, "Hogwarts", into="UTS", by="a")
        with pytest.raises(cur.CurationError, match="same partner"):
            cur.merge_partner(s, "UTS", into="University of Technology Sydney", by="a")
        with pytest.raises(cur.CurationError, match="merge"):
            cur.rename_partner(s, "UTS", "Dublin City University", by="a")
        with pytest.raises(cur.CurationError, match="unknown country"):
            cur.set_country(s, "UTS", "Narnia", by="a")
        with pytest.raises(cur.CurationError, match="unknown kind"):
            cur.set_kind(s, "UTS", "castle", by="a")
        with pytest.raises(cur.CurationError, match="no school or office"):
            cur.alias_school(s, "X School", "School of Wizardry", by="a")
        with pytest.raises(cur.CurationError, match="no fact"):
            cur.reject_fact(s, "d1.txt", "partner:999999", by="a")
        with pytest.raises(cur.CurationError, match="no document"):
            cur.reject_fact(s, "nowhere.txt", "x", by="a")
        with pytest.raises(cur.CurationError, match="curator"):
            cur.accept_partner(s, "UTS", by=" ")
        assert s.scalar(select(func.count()).select_from(Curation)) == 0


def test_merge_chains_and_later_mentions(world):
    """A merged into B, then B into C: everything of A and B ends at C, on later runs too."""
    settings, docs, reports = world
    run(settings, docs, reports)
    S = session_factory(settings.database_url)
    with S.begin() as s:
        cur.merge_partner(s, "Unseen University", into="UTS Insearch", by="a")
        cur.merge_partner(s, "UTS Insearch", into="University of Technology Sydney", by="a")
        with pytest.raises(cur.CurationError, match="already merged"):
            cur.merge_partner(s, "Unseen University", into="Dublin City University", by="a")
    (docs / "d3.txt").write_text(D1.replace("UTS Insearch", "Insearch").replace("13 Mar", "14 Mar"),
                                 encoding="utf-8")
    (reports / "programs.csv").write_text(PROGRAMS.format(n=1), encoding="utf-8")
    run(settings, docs, reports)
    with S() as s:
        uts = partner(s, "University of Technology Sydney").id
        assert program(s, "Control 3+1").partner_id == uts and program(s, "Pathway 2+2").partner_id == uts
        assert {f.partner_id for f in doc_facts(s, "/d3.txt") if f.type == "partner"} == {uts}
        assert {p.status for p in s.scalars(select(Partner).where(Partner.name.in_(
            ["Unseen University", "UTS Insearch"])))} == {"merged"}


def test_rejecting_a_registry_partner_rejects_all_its_names(world):
    """A reference partner rejected by one of its names is never linked by any of them again."""
    settings, docs, reports = world
    run(settings, docs, reports)
    S = session_factory(settings.database_url)
    with S.begin() as s:
        dcu = partner(s, "Dublin City University").id
        assert any(f.partner_id == dcu for f in doc_facts(s, "/d2.txt"))
        cur.reject_partner(s, "DCU", by="a")
        assert all(f.status == "rejected" for f in doc_facts(s, "/d2.txt") if f.partner_id == dcu)
        assert program(s, "Computing 3+1").partner_id is None
    (docs / "d2.txt").write_text(D2 + "\nDCU will host the next meeting.\n", encoding="utf-8")
    (reports / "programs.csv").write_text(PROGRAMS.format(n=3), encoding="utf-8")
    run(settings, docs, reports)
    with S() as s:
        assert partner(s, "Dublin City University").status == "rejected"
        assert not any(f.partner_id == dcu for f in doc_facts(s, "/d2.txt"))
        assert program(s, "Computing 3+1").partner_id is None
        assert program(s, "Computing 3+1").partner_name == "DCU"
