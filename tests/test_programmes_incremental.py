"""Programme records after an incremental refresh are those a full rebuild makes (issue 16).

The linker keeps each document's programme mentions (programme_mentions) and reads a text again
only when what finding its mentions reads changed. On SQLite and PostgreSQL: after every change
(a document's text changed, a document added, one gone, one named by a curation gone, a
partner's name changed, each curation kind made) the records equal those of a forced rebuild with
nothing kept, every curation still holds, and the refresh read only the texts that changed.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from etl.config import load_settings
from etl.db import session_factory
from etl.load.models import Document, Partner, Programme, ProgrammeLink, ProgrammeMention
from etl.pipeline import Pipeline
from etl.programmes.link import link_programmes, snapshot, status_text

from .conftest import CORPUS, ROOT, from_template

REPORTS = CORPUS / "reports"
DOCS = ("en-0006.txt", "en-0008.txt", "en-0011.txt", "en-0016.txt", "en-0017.txt", "zh-0005.txt", "zh-0009.txt",
        "en-0028.txt")


@pytest.fixture(scope="session")
def _world_folder(tmp_path_factory) -> Path:
    """The documents' folder of this test process. The database the documents are loaded into is built once
    per process and backend (a template, copied for each test: tests/conftest.py from_template) and names the
    files by their paths, so every test of the process uses this folder, laid out again as the load saw it."""
    return tmp_path_factory.mktemp("programmes-world") / "docs"


def _lay_out(folder: Path) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name in DOCS:
        shutil.copy(CORPUS / "docs" / name, folder / name)


@pytest.fixture
def world(db_url, _world_folder):
    """A database of its own for the test with DOCS and the reports loaded (a copy of the process's one load)
    and the folder of DOCS as that load read it; the test may change both."""
    folder = _world_folder
    inputs = [folder, REPORTS / "joint_programs.csv", REPORTS / "partner_agreements.csv",
              REPORTS / "outbound_students_2019_2024.xlsx"]

    def load(url: str) -> str:
        _lay_out(folder)
        info = Pipeline(load_settings(config=ROOT / "tests" / "no-such-config.toml", database_url=url)).run(inputs)
        assert info.status == "ok", info.errors
        return info.status

    # the key names this process: the template's paths are its folder's (no other worker copies it)
    assert from_template(db_url, f"programmes_world_{os.getpid()}", load) == "ok"
    _lay_out(folder)  # an earlier test's changes undone: the files the copy's documents were read from
    settings = load_settings(config=ROOT / "tests" / "no-such-config.toml", database_url=db_url)
    return settings, inputs, folder


def _same_as_full_rebuild(url: str) -> dict:
    """The records now, compared with a forced rebuild that keeps no mention (every text read again)."""
    factory = session_factory(url)
    with factory() as s:
        now = snapshot(s)
        ids = dict(s.execute(select(Programme.key, Programme.id)).all())
    with factory.begin() as s:
        s.execute(delete(ProgrammeMention))
        stats = link_programmes(s, force=True)
    with factory() as s:
        full = snapshot(s)
        assert dict(s.execute(select(Programme.key, Programme.id)).all()) == ids
    assert now.keys() == full.keys()
    for key in full:
        assert now[key] == full[key], key
    assert (stats["created"], stats["changed"], stats["gone"]) == (0, 0, 0), stats
    return now


def _key(s, label: str) -> str:
    return s.scalar(select(Programme.key).where(Programme.label == label, Programme.state == "ok"))


def test_a_refresh_reads_only_what_changed_and_builds_what_a_full_rebuild_builds(world):
    from etl.programmes.curation import link_source, merge_programme, rename_programme, split_programme, unlink_source

    settings, inputs, folder = world
    url = settings.database_url
    factory = session_factory(url)
    with factory() as s:
        n_docs = s.scalar(select(func.count()).select_from(Document).where(Document.status == "active"))
        assert s.scalar(select(func.count()).select_from(ProgrammeMention)) == n_docs  # one row a document
    _same_as_full_rebuild(url)

    # the curators' decisions, each kind
    with factory.begin() as s:
        fm = s.scalar(select(Programme).where(Programme.label == "Financial Management and Marketing 2+2"))
        split_programme(s, str(fm.id), ["zh-0005.txt"], label="UTS 2+2 (both majors)", by="curator")
        rename_programme(s, str(fm.id), "UTS Financial Management and Marketing 2+2", by="curator")
        lodz = s.scalar(select(Programme).join(ProgrammeLink, ProgrammeLink.programme_id == Programme.id)
                        .join(Document, Document.id == ProgrammeLink.document_id)
                        .where(Programme.kind == "exchange", Document.uri.endswith("en-0028.txt"))
                        .order_by(Programme.id))
        assert lodz is not None
        unlink_source(s, "en-0028.txt", str(lodz.id), by="curator")
        link_source(s, "en-0016.txt", str(lodz.id), by="curator")
        exchanges = s.scalars(select(Programme).where(Programme.kind == "exchange", Programme.state == "ok",
                                                      Programme.id != lodz.id).order_by(Programme.id)).all()
        assert len(exchanges) >= 2
        merge_programme(s, str(exchanges[-1].id), exchanges[0].key, by="curator")
        merged_key, into_key, lodz_key, fm_key = exchanges[-1].key, exchanges[0].key, lodz.key, fm.key
    _same_as_full_rebuild(url)

    def holds():
        with factory() as s:
            fm = s.scalar(select(Programme).where(Programme.key == fm_key))
            assert fm.label == "UTS Financial Management and Marketing 2+2"
            split = s.scalar(select(Programme).where(Programme.key == fm_key + "#split-1"))
            merged = s.scalar(select(Programme).where(Programme.key == merged_key))
            assert merged.state == "merged"
            assert merged.merged_into_id == s.scalar(select(Programme.id).where(Programme.key == into_key))
            lodz = s.scalar(select(Programme).where(Programme.key == lodz_key))
            got = {(uri.rsplit("/", 1)[-1], st) for uri, st in s.execute(
                select(Document.uri, ProgrammeLink.status).join(Document, Document.id == ProgrammeLink.document_id)
                .where(ProgrammeLink.programme_id == lodz.id))}
            assert ("en-0028.txt", "rejected") in got and ("en-0016.txt", "linked") in got
            return split

    assert holds() is not None

    def refresh() -> dict:
        info = Pipeline(settings).run(inputs)
        assert info.status == "ok", info.errors
        return info.programmes

    # a document's text changed: that text alone is read again
    p = folder / "en-0011.txt"
    p.write_text(p.read_text(encoding="utf-8") + "\nThe 2+2 programme with UTS welcomed its new cohort.\n",
                 encoding="utf-8")
    stats = refresh()
    assert stats["texts_read"] == 1, stats
    _same_as_full_rebuild(url)
    holds()

    # a document added
    shutil.copy(CORPUS / "docs" / "en-0033.txt", folder / "en-0033.txt")
    stats = refresh()
    assert stats["texts_read"] == 1, stats
    _same_as_full_rebuild(url)
    holds()

    # a document gone, and then the one a split names: the split waits for it, the rest holds
    (folder / "en-0017.txt").unlink()
    stats = refresh()
    assert stats["texts_read"] == 0, stats
    _same_as_full_rebuild(url)
    holds()
    (folder / "zh-0005.txt").unlink()
    refresh()
    _same_as_full_rebuild(url)
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(ProgrammeMention)) == s.scalar(
            select(func.count()).select_from(Document).where(Document.status == "active"))

    # a partner's forms changed (an alias): the documents that name it are read again, no other
    with factory.begin() as s:
        uts = s.scalar(select(Partner).where(Partner.name == "University of Technology Sydney"))
        uts.aliases = [*(uts.aliases or []), "UTS Sydney"]
    with factory.begin() as s:
        stats = link_programmes(s, force=True)
        assert 0 < stats["texts_read"] < n_docs, stats
    _same_as_full_rebuild(url)

    # nothing changed: skipped
    assert refresh().get("skipped") == 1


def test_where_a_status_was_read_is_kept_as_fields(world):
    settings, _inputs, _folder = world
    with session_factory(settings.database_url)() as s:
        rows = s.scalars(select(Programme).where(Programme.state == "ok")).all()
    kinds = {p.status_from["kind"] for p in rows if p.status_from}
    assert "report" in kinds
    said = next(p.status_from for p in rows if p.status_from and p.status_from.get("said"))
    assert said["file"].endswith(".csv") and isinstance(said["row"], int)
    assert status_text(said) == f"{said['file']} row {said['row']}: {said['said']}"
    agreement = [p.status_from for p in rows if p.status_from and p.status_from.get("agreement_type")]
    for f in agreement:
        text = status_text(f)
        assert f["agreement_type"] in text and ("open-ended" in text or "valid until" in text)
    assert status_text({"kind": "years", "year": 2024}) == "last spoken of in 2024"
    assert status_text({"kind": "register", "approval_no": "MOE1", "until": 2027, "before": 2028}) == \
        "register MOE1: approved until 2027 (before 2028)"
    assert status_text(None) == ""


def test_migration_0060_keeps_every_record_s_children(db_url):
    """Adding status_from and dropping status_source must not copy the programmes table: on SQLite a
    copy's drop of the old table deletes the records' links by cascade."""
    from sqlalchemy import inspect, text

    from etl.db import get_engine, upgrade

    upgrade(db_url, "0050")
    eng = get_engine(db_url)
    with eng.begin() as c:
        c.execute(text("INSERT INTO programmes (id, key, name, label, names, kind, status, status_inferred, "
                       "status_source, origin, state, created_at, updated_at) VALUES (1, 'k', 'n', 'n', '[]', "
                       "'exchange', 'active', false, 'joint_programs.csv row 2: active', 'report', 'ok', "
                       "'2026-01-01', '2026-01-01')"))
        c.execute(text("INSERT INTO programme_links (programme_id, target, confidence, status) "
                       "VALUES (1, 'programs', 1.0, 'linked')"))
    upgrade(db_url)
    with eng.connect() as c:
        assert c.execute(text("SELECT count(*) FROM programme_links")).scalar() == 1
        cols = {x["name"] for x in inspect(c).get_columns("programmes")}
    assert "status_from" in cols and "status_source" not in cols


def test_a_record_says_whether_it_is_sino_foreign_without_sorting_its_links_again(monkeypatch):
    """A news mention without a partner ("the Sino-foreign cooperative master programme") is
    matched on whether a record's names say Sino-foreign, for every record, for every such mention.
    A new link keeps that answer up to date instead of making the next question sort all the
    record's links again (at 100,000 documents that sorting was most of a run's linking time)."""
    from etl.programmes import link as L

    rec = L.Rec("joint_programme|1", "joint_programme", "news", 1)
    for i in range(200):
        rec.add(L.Link("document", document_id=i, year=2010 + i % 10, name=f"Joint lab {i}"))
    assert rec.sino_foreign is False
    sorts = []
    real = L._order
    monkeypatch.setattr(L, "_order", lambda lk: sorts.append(lk) or real(lk))
    for i in range(200, 260):
        rec.add(L.Link("document", document_id=i, year=2012, name=f"Robotics course {i}"))
        assert rec.sino_foreign is False
    rec.add(L.Link("document", document_id=999, year=2015, name="Sino-Foreign cooperative master programme"))
    assert rec.sino_foreign is True
    rec.add(L.Link("document", document_id=1000, year=2016, name="Another joint lab"))
    assert rec.sino_foreign is True
    assert len(sorts) < 100  # each new link ordered once at most, never all of them again
    # rejected links say nothing; a curation (forget) works it out again from the live links
    rec.links[("document", 999, None, None)].status = "rejected"
    rec.forget()
    assert rec.sino_foreign is False
    rec.add(L.Link("document", document_id=1001, year=2017, name="中外合作办学项目"))
    assert rec.sino_foreign is True


def test_a_refresh_matches_again_only_when_a_document_changes_what_matching_reads(world):
    """Only the documents added, changed or gone since the last link are looked at. When none of
    them changes what matching reads (a text edited outside its programme sentences, a document
    without programme mentions added or gone) the records are kept as they are (``matched`` 0);
    otherwise (a mention changed, a document with mentions gone, a curator's decision, a change to
    a document a curation names) everything is matched again (``matched`` 1). Either way the
    records, links, partners, schools and students equal a full re-link's, on SQLite and
    PostgreSQL, and the links of a document gone go."""
    from etl.programmes.curation import link_source, rename_programme

    settings, inputs, folder = world
    factory = session_factory(settings.database_url)
    _same_as_full_rebuild(settings.database_url)

    def refresh() -> dict:
        info = Pipeline(settings).run(inputs)
        assert info.status == "ok", info.errors
        return info.programmes

    def edit(name: str, tail: str) -> None:
        p = folder / name
        p.write_text(p.read_text(encoding="utf-8") + tail, encoding="utf-8")

    def links_of(name: str) -> int:
        with factory() as s:
            return s.scalar(select(func.count()).select_from(ProgrammeLink).join(
                Document, Document.id == ProgrammeLink.document_id).where(Document.uri.endswith("/" + name)))

    assert links_of("en-0011.txt") > 0

    # a text with programme mentions edited elsewhere: read again, nothing matched again
    edit("en-0011.txt", "\nUpdated.\n")
    stats = refresh()
    assert (stats["texts_read"], stats["matched"]) == (1, 0), stats
    _same_as_full_rebuild(settings.database_url)

    # a document that names no programme added, then edited, then gone
    shutil.copy(CORPUS / "docs" / "en-0002.txt", folder / "en-0002.txt")
    stats = refresh()
    assert (stats["texts_read"], stats["matched"]) == (1, 0), stats
    _same_as_full_rebuild(settings.database_url)
    edit("en-0002.txt", "\nUpdated.\n")
    assert refresh()["matched"] == 0
    (folder / "en-0002.txt").unlink()
    stats = refresh()
    assert (stats["texts_read"], stats["matched"]) == (0, 0), stats
    _same_as_full_rebuild(settings.database_url)

    # a document that names a partner never seen before, and no programme: the new partner changes nothing
    with factory() as s:
        partners = s.scalar(select(func.count()).select_from(Partner))
    (folder / "en-visit.txt").write_text(
        "Delegation from Kestrel Valley University visits BISTU\n\nBeijing, 12 May 2023 (BISTU) - A delegation "
        "led by the Vice President of Kestrel Valley University, United States, visited the campus library and "
        "the robotics hall on 12 May 2023 and met teachers of the School of Automation.\n", encoding="utf-8")
    stats = refresh()
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(Partner)) > partners
    assert (stats["texts_read"], stats["matched"]) == (1, 0), stats
    _same_as_full_rebuild(settings.database_url)

    # mentions changed (another report's programme sentences added to the text): everything matched again
    edit("en-0011.txt", "\n" + (CORPUS / "docs" / "en-0008.txt").read_text(encoding="utf-8"))
    stats = refresh()
    assert (stats["texts_read"], stats["matched"]) == (1, 1), stats
    _same_as_full_rebuild(settings.database_url)

    # a document with programme mentions gone: matched again, its links go
    assert links_of("en-0016.txt") > 0
    (folder / "en-0016.txt").unlink()
    stats = refresh()
    assert (stats["texts_read"], stats["matched"]) == (0, 1), stats
    assert links_of("en-0016.txt") == 0
    _same_as_full_rebuild(settings.database_url)

    # a curator's decision: applied at once by a full re-link, and kept by the next refreshes
    with factory.begin() as s:
        fm = s.scalar(select(Programme).where(Programme.label == "Financial Management and Marketing 2+2"))
        rename_programme(s, str(fm.id), "UTS Financial Management and Marketing 2+2", by="curator")
        fm_key = fm.key
    edit("en-0006.txt", "\nUpdated.\n")
    assert refresh()["matched"] == 0
    _same_as_full_rebuild(settings.database_url)
    with factory() as s:
        assert s.scalar(select(Programme.label).where(Programme.key == fm_key)) == \
            "UTS Financial Management and Marketing 2+2"

    # a document a curation names (linked by a curator, no programme mention of its own): a change
    # to it is matched again (the curation reads it), and it keeps the curator's link
    shutil.copy(CORPUS / "docs" / "en-0005.txt", folder / "en-0005.txt")
    assert refresh()["matched"] == 0
    with factory.begin() as s:
        link_source(s, "en-0005.txt", fm_key, by="curator")
    assert links_of("en-0005.txt") == 1
    edit("en-0005.txt", "\nUpdated.\n")
    stats = refresh()
    assert (stats["texts_read"], stats["matched"]) == (1, 1), stats
    assert links_of("en-0005.txt") == 1
    _same_as_full_rebuild(settings.database_url)

    # nothing changed: skipped
    assert refresh().get("skipped") == 1
