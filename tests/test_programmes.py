"""Programme records (issue 16), on SQLite and PostgreSQL: scored against the gold written by hand
before the linker (tests/corpus/programmes_gold.jsonl), one record per joint-programs row, a re-run
that changes nothing, and curators' merges, splits, renames and review decisions that survive runs."""
from __future__ import annotations


import pytest
from sqlalchemy import func, select

from etl.config import load_settings
from etl.db import session_factory
from etl.load.models import (
    Curation,
    Document,
    Partner,
    Program,
    Programme,
    ProgrammeLink,
    ProgrammePartner,
    ProgrammeStudents,
    ProgrammeUnit,
    ReportFile,
    ReviewItem,
    Run,
    Unit,
)
from etl.pipeline import Pipeline
from etl.programmes.score import load_gold, score

from .conftest import CORPUS, ROOT, from_template, new_database

REPORTS = CORPUS / "reports"
INPUT = [CORPUS / "docs", REPORTS / "joint_programs.csv", REPORTS / "partner_agreements.csv",
         REPORTS / "outbound_students_2019_2024.xlsx"]
GOLD = CORPUS / "programmes_gold.jsonl"


def _settings(url: str):
    return load_settings(config=ROOT / "tests" / "no-such-config.toml", database_url=url)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def corpus(request, tmp_path_factory):
    """The whole corpus loaded once per backend."""
    with new_database(request.param, tmp_path_factory.mktemp(request.param)) as url:
        info = Pipeline(_settings(url)).run(INPUT)
        assert info.status == "ok", info.errors
        assert info.programmes["records"] > 0
        yield url


def snapshot(url: str) -> dict:
    """Every programme table's rows, all columns (ids, timestamps included)."""
    out = {}
    with session_factory(url)() as s:
        for model in (Programme, ProgrammeLink, ProgrammePartner, ProgrammeUnit, ProgrammeStudents):
            cols = [c.key for c in model.__table__.columns]
            out[model.__tablename__] = sorted(tuple(str(getattr(r, c)) for c in cols)
                                              for r in s.scalars(select(model)))
    return out


def test_records_and_links_score_against_the_gold(corpus):
    with session_factory(corpus)() as s:
        r = score(s, load_gold(GOLD))
    print("records", r["records"], "document links", r["document_links"], "report-row links", r["row_links"])
    assert r["records"]["precision"] >= 0.90 and r["records"]["recall"] >= 0.90, r
    assert r["document_links"]["f1"] >= 0.90, r
    assert r["row_links"]["f1"] >= 0.90, r


def test_every_row_of_the_joint_programs_report_is_exactly_one_record(corpus):
    with session_factory(corpus)() as s:
        rows = s.execute(select(Program.row, Program.report_id, Program.name)
                         .join(ReportFile, ReportFile.id == Program.report_id)
                         .where(ReportFile.uri.endswith("joint_programs.csv"))).all()
        assert len(rows) == 14
        owners = {}
        for row, report_id, name in rows:
            links = s.scalars(select(ProgrammeLink).where(ProgrammeLink.report_id == report_id,
                                                          ProgrammeLink.row == row,
                                                          ProgrammeLink.target == "programs")).all()
            assert len(links) == 1, (row, name)
            rec = s.get(Programme, links[0].programme_id)
            assert rec.state == "ok" and rec.kind == "joint_programme" and name in rec.names
            owners[row] = rec.id
        assert len(set(owners.values())) == 14  # no two rows share a record


def test_a_record_gathers_its_articles_report_rows_students_and_status(corpus):
    with session_factory(corpus)() as s:
        dcu = s.scalar(select(Programme).where(Programme.label == "Computer Science and Technology 3+1"))
        assert (dcu.kind, dcu.level, dcu.mode, dcu.first_year) == ("joint_programme", "undergraduate", "3+1", 2018)
        assert (dcu.status, dcu.status_inferred, dcu.students) == ("active", False, 118)
        assert dcu.status_from["kind"] == "report" and dcu.status_from["file"] == "joint_programs.csv"
        assert dcu.status_from["said"] and dcu.status_from["row"]
        partners = s.scalars(select(Partner.name).join(ProgrammePartner, ProgrammePartner.partner_id == Partner.id)
                             .where(ProgrammePartner.programme_id == dcu.id)).all()
        assert partners == ["Dublin City University"]
        schools = s.scalars(select(Unit.name).join(ProgrammeUnit, ProgrammeUnit.unit_id == Unit.id)
                            .where(ProgrammeUnit.programme_id == dcu.id)).all()
        assert schools == ["School of Computer Science"]
        per_year = {(st.year, st.source, st.what): st.students for st in s.scalars(
            select(ProgrammeStudents).where(ProgrammeStudents.programme_id == dcu.id))}
        assert per_year[(None, "report", "enrolment")] == 118
        assert {y: n for (y, src, what), n in per_year.items() if what == "outbound"} == {
            2021: 22, 2022: 25, 2023: 27, 2024: 30}
        links = s.scalars(select(ProgrammeLink).where(ProgrammeLink.programme_id == dcu.id)).all()
        docs = [lk for lk in links if lk.target == "document"]
        assert len(docs) == 1 and "3+1" in docs[0].evidence and 0 < docs[0].confidence <= 1
        assert {lk.target for lk in links} == {"document", "programs", "agreements", "mobility"}

        # a winter school only the news and the outbound report know: its status is inferred and says so
        agh = s.scalar(select(Programme).join(ProgrammePartner).join(Partner)
                       .where(Partner.name == "AGH University of Krakow", Programme.kind == "summer_school"))
        assert agh.status == "active" and agh.status_inferred and agh.status_from
        assert agh.first_year == agh.last_year == 2024
        # BISTU's own summer school is one record, whoever sends students to it
        home = s.scalar(select(Programme).where(Programme.key == "summer_school|home"))
        assert home is not None and home.label == "BISTU International Summer School"
        n = len(s.scalars(select(ProgrammeLink).where(ProgrammeLink.programme_id == home.id)).all())
        assert n >= 3


def test_an_ambiguous_link_waits_in_the_review_queue(corpus):
    """The outbound report's "UTS 2+2" rows do not say which of the two UTS 2+2 majors they count."""
    with session_factory(corpus)() as s:
        items = s.scalars(select(ReviewItem).where(ReviewItem.kind == "programme", ReviewItem.status == "open")).all()
        uts = [i for i in items if (i.detail.get("report") or "").endswith("outbound_students_2019_2024.xlsx")
               and i.detail.get("row") == 4]
        assert len(uts) == 1 and len(uts[0].detail["candidates"]) == 1
        link = s.scalar(select(ProgrammeLink).where(ProgrammeLink.row == 4, ProgrammeLink.target == "mobility"))
        assert link.status == "review" and link.confidence < 0.9


def test_running_the_etl_again_changes_no_record(corpus):
    from etl.programmes.link import link_programmes

    before = snapshot(corpus)
    info = Pipeline(_settings(corpus)).run(INPUT)
    assert info.status == "ok"
    assert (info.programmes["created"], info.programmes["changed"], info.programmes["gone"]) == (0, 0, 0)
    assert info.programmes["skipped"] == 1  # nothing it reads changed: the linker did not even run
    assert snapshot(corpus) == before
    with session_factory(corpus).begin() as s:  # and when it does run over the same data, it writes nothing
        stats = link_programmes(s, force=True)
    assert (stats["created"], stats["changed"], stats["gone"]) == (0, 0, 0) and "skipped" not in stats
    assert snapshot(corpus) == before


# -- curations --------------------------------------------------------------------------------

SMALL = [*(CORPUS / "docs" / name for name in ("en-0011.txt", "en-0016.txt", "en-0017.txt", "zh-0005.txt",
                                               "zh-0009.txt")),
         REPORTS / "joint_programs.csv", REPORTS / "outbound_students_2019_2024.xlsx"]


def _load_small(url: str) -> None:
    assert Pipeline(_settings(url)).run(SMALL).status == "ok"


@pytest.fixture
def small(db_url):
    """A few articles and the reports: quick to load, enough to merge, split and rename. The first run is a copy
    of the worker's one (tests/conftest.py from_template: the files are the corpus's own, so every copy's
    documents are the ones the test's runs read again)."""
    from_template(db_url, "programmes-small", _load_small)
    with session_factory(db_url)() as s:
        assert [r.status for r in s.scalars(select(Run))] == ["ok"]
        assert s.scalar(select(func.count()).select_from(Document)) == 5
    return _settings(db_url), list(SMALL)


def _by_key(s, key: str) -> Programme:
    return s.scalar(select(Programme).where(Programme.key == key))


def _nus(s, variant: str) -> Programme:
    nus = s.scalar(select(Partner.id).where(Partner.name == "National University of Singapore"))
    return _by_key(s, f"summer_school|p{nus}|{variant}")


def test_a_merge_survives_every_run(small):
    from etl.programmes.curation import merge_programme

    settings, inputs = small
    factory = session_factory(settings.database_url)
    with factory.begin() as s:
        winter, summer = _nus(s, "winter"), _nus(s, "summer")
        assert winter is not None and summer is not None and winter.id != summer.id
        merge_programme(s, str(summer.id), winter.key, by="curator")
    with factory() as s:
        summer, winter = _nus(s, "summer"), _nus(s, "winter")
        assert summer.state == "merged" and summer.merged_into_id == winter.id
        assert not s.scalars(select(ProgrammeLink).where(ProgrammeLink.programme_id == summer.id)).all()
        moved = s.scalars(select(ProgrammeLink).where(ProgrammeLink.programme_id == winter.id)).all()
    before = snapshot(settings.database_url)
    info = Pipeline(settings).run(inputs)
    assert info.programmes["changed"] == info.programmes["created"] == 0
    assert snapshot(settings.database_url) == before
    with factory() as s:
        assert _nus(s, "summer").state == "merged"
        assert len(s.scalars(select(ProgrammeLink).where(ProgrammeLink.programme_id == winter.id)).all()) == len(moved)
        c = s.scalar(select(Curation).where(Curation.action == "merge_programme"))
        assert c.created_by == "curator" and c.payload["into"] == winter.key


def test_a_split_and_a_rename_survive_every_run(small):
    from etl.programmes.curation import rename_programme, split_programme

    settings, inputs = small
    factory = session_factory(settings.database_url)
    with factory.begin() as s:
        fm = s.scalar(select(Programme).where(Programme.label == "Financial Management and Marketing 2+2"))
        split_programme(s, str(fm.id), ["zh-0005.txt"], label="UTS 2+2 (both majors), 2021 report", by="curator")
        rename_programme(s, str(fm.id), "UTS Financial Management and Marketing 2+2", by="curator")
    for _ in range(2):
        with factory() as s:
            fm = s.scalar(select(Programme).where(Programme.label == "UTS Financial Management and Marketing 2+2"))
            new = _by_key(s, fm.key + "#split-1")
            assert new is not None and new.label == "UTS 2+2 (both majors), 2021 report" and new.origin == "split"
            docs = s.scalars(select(ProgrammeLink).where(ProgrammeLink.programme_id == new.id)).all()
            assert [lk.target for lk in docs] == ["document"]
            assert fm.name == "Financial Management and Marketing 2+2"  # the source's name stays
        Pipeline(settings).run(inputs)


def test_a_review_decision_survives_every_run(small):
    from etl.load.curation import decide

    settings, inputs = small
    factory = session_factory(settings.database_url)
    with factory.begin() as s:
        items = s.scalars(select(ReviewItem).where(ReviewItem.kind == "programme", ReviewItem.status == "open")
                          .order_by(ReviewItem.id)).all()
        item = next(i for i in items if i.detail.get("row") is not None)  # an outbound "UTS 2+2" row
        detail = dict(item.detail)
        decide(s, item.id, False, by="curator")
    for _ in range(2):
        with factory() as s:
            rec = _by_key(s, detail["programme"])
            link = s.scalar(select(ProgrammeLink).where(ProgrammeLink.programme_id == rec.id,
                                                        ProgrammeLink.row == detail["row"],
                                                        ProgrammeLink.target == "mobility"))
            assert link.status == "rejected"
            again = s.scalars(select(ReviewItem).where(ReviewItem.kind == "programme",
                                                       ReviewItem.name == item.name)).all()
            assert [i.status for i in again] == ["rejected"]
        Pipeline(settings).run(inputs)


def test_the_programmes_commands(small):
    import json

    from typer.testing import CliRunner

    from etl.cli import app

    settings, inputs = small
    db = ["--db", settings.database_url]
    run = CliRunner().invoke
    listed = json.loads(run(app, ["programmes", "list", "--json", *db]).stdout)
    by_label = {r["label"]: r for r in listed}
    fm = by_label["Financial Management and Marketing 2+2"]
    assert fm["kind"] == "joint_programme" and fm["partners"][0]["name"] == "University of Technology Sydney"
    shown = run(app, ["programmes", "show", str(fm["id"]), *db])
    assert shown.exit_code == 0 and "en-0011.txt" in shown.stdout
    res = run(app, ["programmes", "rename", str(fm["id"]), "UTS 2+2 (finance)", "--by", "ana", *db])
    assert res.exit_code == 0 and "rename_programme" in res.stdout
    summer = next(r for r in listed if r["kind"] == "summer_school" and "summer" in r["label"]
                  and r["partners"][0]["name"] == "National University of Singapore")
    winter = next(r for r in listed if r["kind"] == "summer_school" and "winter" in r["label"])
    assert run(app, ["programmes", "merge", str(summer["id"]), str(winter["id"]), "--by", "ana", *db]).exit_code == 0
    bad = run(app, ["programmes", "merge", str(winter["id"]), str(winter["id"]), "--by", "ana", *db])
    assert bad.exit_code == 2 and "same programme" in bad.stderr
    Pipeline(settings).run(inputs)
    after = {r["label"]: r for r in json.loads(run(app, ["programmes", "list", "--json", *db]).stdout)}
    assert "UTS 2+2 (finance)" in after and summer["label"] not in after
    check = json.loads(run(app, ["programmes", "check", "--json", *db]).stdout)
    assert check["register_without_evidence"] == [] and check["missing_from_register"]


def test_the_same_programme_in_next_year_s_report_is_the_same_record(db_url, tmp_path):
    """A later joint-programs report (another file, names written a little differently, new
    enrolment) adds its rows to the records it already has; a new row is a new record."""
    settings = _settings(db_url)
    later = tmp_path / "joint_programs_2026.csv"
    later.write_text(
        "Programme,School,Partner institution,Level,Mode,Start year,Status,Students\n"
        "Computer Science & Technology (3+1),Computer School,DCU,Bachelor,3＋1,2018,running,131\n"
        "Accounting 2+2,School of Economics and Management,Deakin University,undergraduate,2+2,2017,closed,0\n"
        "Data Science 2+2,School of Computer Science,Dublin City University,undergraduate,2+2,2026,pending,\n",
        encoding="utf-8")
    assert Pipeline(settings).run([REPORTS / "joint_programs.csv"]).status == "ok"
    assert Pipeline(settings).run([REPORTS / "joint_programs.csv", later]).status == "ok"
    with session_factory(db_url)() as s:
        records = s.scalars(select(Programme).where(Programme.state == "ok")).all()
        assert len(records) == 15  # 14 + the new Data Science programme
        dcu = next(r for r in records if r.label == "Computer Science and Technology 3+1")
        rows = s.scalars(select(ProgrammeLink).where(ProgrammeLink.programme_id == dcu.id,
                                                     ProgrammeLink.target == "programs")).all()
        assert len(rows) == 2
        assert "Computer Science & Technology (3+1)" in dcu.names
        assert dcu.students == 131  # the later report's figure
        deakin = next(r for r in records if r.label == "Accounting 2+2")
        assert len(s.scalars(select(ProgrammeLink).where(ProgrammeLink.programme_id == deakin.id)).all()) == 2
        assert deakin.status == "closed" and deakin.status_from["file"] == "joint_programs_2026.csv"
