"""The ETL pipeline end to end, on SQLite and PostgreSQL: idempotent loads, changed and
vanished documents, bad input in a batch, the run log and the run lock."""
from __future__ import annotations

import json
import shutil
import threading

import pytest
from sqlalchemy import func, inspect, select

from etl.db import current_revision, get_engine, session_factory, upgrade
from etl.errors import LockedError
from etl.load.lock import RunLock
from etl.load.models import Activity, Base, Document, Fact, Partner, Run, RunError
from etl.pipeline import Pipeline

from .conftest import CORPUS, ROOT, SAMPLE, sample_database

TABLES = sorted(Base.metadata.tables)


@pytest.fixture
def sample_settings(db_url):
    """Settings on a new database holding the sample (news and reports) as the ETL loads it: a copy of the
    worker's one load (conftest.sample_database)."""
    from etl.config import load_settings

    sample_database(db_url)
    return load_settings(config=ROOT / "tests" / "no-such-config.toml", database_url=db_url)


def counts(url: str) -> dict[str, int]:
    eng = get_engine(url)
    with eng.connect() as c:
        return {t: c.execute(select(func.count()).select_from(Base.metadata.tables[t])).scalar_one()
                for t in TABLES if t not in ("etl_runs", "run_errors", "locks")}


def test_schema_creates_every_table_and_index(db_url):
    upgrade(db_url)
    assert current_revision(db_url) is not None
    insp = inspect(get_engine(db_url))
    assert set(TABLES) <= set(insp.get_table_names())
    def leads(table: str, cols: tuple) -> bool:  # an index starts with these columns (covering ones go on)
        return any(tuple(ix["column_names"][:len(cols)]) == cols for ix in insp.get_indexes(table))

    assert leads("activities", ("kind", "year")) and leads("activities", ("year",))
    assert all(leads("facts", c) for c in (("type", "partner_id"), ("type", "unit_id"), ("year",)))
    assert ("country",) in {tuple(ix["column_names"]) for ix in insp.get_indexes("partners")}
    upgrade(db_url)  # a second upgrade is a no-op


def test_loading_the_sample_twice_changes_nothing(settings):
    first = Pipeline(settings).run([SAMPLE / "docs"])
    n_docs = len(list((SAMPLE / "docs").iterdir()))
    assert first.documents["new"] == n_docs and first.documents["failed"] == 0
    assert first.facts["added"] > 5 * n_docs
    before = counts(settings.database_url)
    assert before["documents"] == n_docs and before["facts"] > 0 and before["activities"] > 0
    second = Pipeline(settings).run([SAMPLE / "docs"])
    assert second.documents == {**second.documents, "new": 0, "changed": 0, "unchanged": n_docs}
    assert second.facts == {"added": 0, "removed": 0}
    assert counts(settings.database_url) == before
    with session_factory(settings.database_url)() as s:
        runs = s.scalars(select(Run).order_by(Run.id)).all()
        assert [r.status for r in runs] == ["ok", "ok"]
        assert runs[1].stats["documents"]["unchanged"] == n_docs


def test_changed_document_replaces_its_facts_and_vanished_one_is_marked(settings, tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    for name in ("en-0001.txt", "en-0005.txt", "en-0019.txt"):
        shutil.copy(SAMPLE / "docs" / name, folder / name)
    Pipeline(settings).run([folder])
    target = folder / "en-0001.txt"
    text = target.read_text(encoding="utf-8")
    assert "KTH" in text
    target.write_text(text.replace("KTH Royal Institute of Technology", "Aalto University")
                      .replace("KTH", "Aalto"), encoding="utf-8")
    (folder / "en-0005.txt").unlink()
    info = Pipeline(settings).run([folder])
    assert info.documents["changed"] == 1 and info.documents["unchanged"] == 1
    assert info.documents["gone"] == 1 and info.facts["removed"] > 0
    with session_factory(settings.database_url)() as s:
        doc = s.scalar(select(Document).where(Document.uri == str(target.resolve())))
        partners = {f.partner.name for f in doc.facts if f.type == "partner"}
        assert "Aalto University" in partners and "KTH Royal Institute of Technology" not in partners
        gone = s.scalar(select(Document).where(Document.uri.endswith("en-0005.txt")))
        assert gone.status == "gone" and gone.facts  # marked, not deleted


def test_bad_documents_fail_alone_and_duplicates_are_skipped(settings, tmp_path):
    good, bad = tmp_path / "good", tmp_path / "bad"
    good.mkdir()
    bad.mkdir()
    for name in ("empty.txt", "binary.txt", "zh-0004-gbk.txt", "en-0019-copy.txt", "article.html"):
        shutil.copy(CORPUS / "bad" / name, bad / name)
    for name in ("en-0019.txt", "zh-0004.txt", "en-0003.txt"):
        shutil.copy(SAMPLE / "docs" / name, good / name)
    # one batch; paths are taken in the order given, so the originals come first
    info = Pipeline(settings).run([good, bad])
    errors = {e["file"].rsplit("/", 1)[-1]: e["reason"] for e in info.errors}
    assert errors == {"empty.txt": "empty document", "binary.txt": "not a text document (binary content)"}
    notices = {n["file"].rsplit("/", 1)[-1]: n["notice"] for n in info.notices}
    assert notices["en-0019-copy.txt"] == "duplicate of en-0019.txt"
    assert notices["zh-0004-gbk.txt"] in ("duplicate of zh-0004.txt",)
    assert info.documents["new"] == 4 and info.documents["duplicate"] == 2 and info.documents["failed"] == 2
    assert info.status == "partial"
    with session_factory(settings.database_url)() as s:
        uris = {u.rsplit("/", 1)[-1] for u in s.scalars(select(Document.uri))}
        assert uris == {"en-0019.txt", "zh-0004.txt", "en-0003.txt", "article.html"}
        zh = s.scalar(select(Document).where(Document.uri.endswith("zh-0004.txt")))
        assert "\ufffd" not in zh.text and "国际教育学院" in zh.text
        html = s.scalar(select(Document).where(Document.uri.endswith("article.html")))
        assert "Views" not in html.text and "<" not in html.text
        stored = {(e.file.rsplit("/", 1)[-1], e.reason) for e in s.scalars(select(RunError))}
        assert ("empty.txt", "empty document") in stored


def test_run_json_is_the_documented_object(settings, tmp_path):
    from typer.testing import CliRunner

    from etl.cli import app

    folder = tmp_path / "few"
    folder.mkdir()
    for name in ("en-0002.txt", "zh-0003.txt"):
        shutil.copy(SAMPLE / "docs" / name, folder / name)
    runner = CliRunner()
    args = ["etl", "run", str(folder), "--db", settings.database_url, "--json"]
    out1 = json.loads(runner.invoke(app, args).stdout.strip().splitlines()[-1])
    out2 = json.loads(runner.invoke(app, args).stdout.strip().splitlines()[-1])
    assert set(out1) >= {"run_id", "status", "documents", "facts", "errors"}
    assert set(out1["documents"]) >= {"seen", "new", "changed", "unchanged", "duplicate", "failed"}
    assert set(out1["facts"]) == {"added", "removed"}
    assert out1["documents"]["new"] == 2
    assert out2["documents"]["new"] == 0 and out2["documents"]["changed"] == 0
    assert out2["run_id"] == out1["run_id"] + 1
    status = runner.invoke(app, ["etl", "status", "--db", settings.database_url, "--json"])
    rows = json.loads(status.stdout)
    assert [r["run_id"] for r in rows] == [out2["run_id"], out1["run_id"]]


def test_a_second_run_waits_or_exits_while_one_holds_the_lock(settings, tmp_path):
    upgrade(settings.database_url)
    sessions = session_factory(settings.database_url)
    held = RunLock(sessions)
    held.acquire()
    try:
        with pytest.raises(LockedError, match="another ETL run is in progress"):
            Pipeline(settings).run([SAMPLE / "docs" / "en-0001.txt"])
        # with --wait the second run proceeds once the first releases the lock
        timer = threading.Timer(1.0, held.release)
        timer.start()
        info = Pipeline(settings, wait=30).run([SAMPLE / "docs" / "en-0001.txt"])
        timer.join()
        assert info.status == "ok" and info.documents["new"] == 1
    finally:
        held.release()


def test_readers_see_committed_documents_during_a_run(settings, tmp_path):
    """Each document commits on its own, so the dashboard can read while a run goes on (five documents: the
    third one's progress is what is watched)."""
    folder = tmp_path / "news"
    folder.mkdir()
    for f in sorted((SAMPLE / "docs").iterdir())[:5]:
        shutil.copy(f, folder / f.name)
    seen: list[int] = []

    def progress(done, total, name):
        if done == 3:
            with get_engine(settings.database_url).connect() as c:
                seen.append(c.execute(select(func.count()).select_from(Document)).scalar_one())

    Pipeline(settings, progress=progress).run([folder])
    assert seen == [3]


def test_partner_facts_point_to_registry_rows(settings):
    Pipeline(settings).run([SAMPLE / "docs" / "en-0001.txt"])
    with session_factory(settings.database_url)() as s:
        fact = s.scalar(select(Fact).where(Fact.type == "partner"))
        assert fact.partner.country == "SE" and fact.sentence and fact.start is not None
        assert s.scalar(select(func.count()).select_from(Activity)) >= 1
        assert s.scalar(select(Partner).where(Partner.name == "KTH Royal Institute of Technology")).status == "known"


def test_a_no_op_run_moves_no_rollup_row_and_a_curation_moves_them_at_once(sample_settings, monkeypatch):
    """Unchanged input: no document is re-counted (no rollup row written); a curator's decision
    between runs moves the counts in its own commit, to what the facts say. (The first run: the sample
    database's.)"""
    from etl.load import rollups
    from etl.load.models import RollupCountryDocs
    from etl.load.curation import set_country

    settings = sample_settings
    eng = get_engine(settings.database_url)
    with eng.connect() as c:
        before = rollups.snapshot(c)
    applied: list[str] = []
    real_apply = rollups._apply
    monkeypatch.setattr(rollups, "_apply", lambda conn, name, rows: applied.append(name) or real_apply(conn, name, rows))
    again = Pipeline(settings).run([SAMPLE / "docs", SAMPLE / "reports"])
    assert again.documents["unchanged"] > 50 and again.documents["new"] == again.documents["changed"] == 0
    assert applied == []
    with eng.connect() as c:
        assert rollups.snapshot(c) == before

    with session_factory(settings.database_url).begin() as s:
        set_country(s, "Coventry University", "IE", by="curator")
    assert rollups.COUNTRY_DOCS in applied  # in the curation's own commit, not at the next run
    with eng.connect() as c:
        countries = dict(c.execute(select(RollupCountryDocs.country, func.sum(RollupCountryDocs.documents))
                                   .where(RollupCountryDocs.kinds == rollups.ALL_KINDS)
                                   .group_by(RollupCountryDocs.country)).all())
        by_kinds = dict(c.execute(select(RollupCountryDocs.country, func.sum(RollupCountryDocs.documents))
                                  .where(RollupCountryDocs.kinds >= 0).group_by(RollupCountryDocs.country)).all())
        live = dict(c.execute(
            select(Partner.country, func.count(func.distinct(Fact.document_id)))
            .join(Fact, Fact.partner_id == Partner.id).join(Document, Document.id == Fact.document_id)
            .where(Fact.type == "partner", Fact.status == "ok", Document.status == "active",
                   Partner.status != "rejected", Partner.country.is_not(None))
            .group_by(Partner.country)).all())
    assert countries == live == by_kinds and countries["IE"] > 0  # each document in one set of kinds


def _some_sample_docs(folder, n: int = 8):
    """A new folder holding ``n`` of the sample's news documents, English and Chinese (enough for a refresh to
    find unchanged, changed and re-spaced files among them)."""
    folder.mkdir()
    docs = sorted((SAMPLE / "docs").iterdir())
    for f in [p for p in docs if p.name.startswith("en-")][:n // 2] + [p for p in docs if p.name.startswith("zh-")][:n // 2]:
        shutil.copy(f, folder / f.name)
    assert len(list(folder.iterdir())) == n
    return folder


def test_unchanged_files_are_recognised_by_their_bytes_without_decoding(settings, tmp_path, monkeypatch):
    """A no-op refresh hashes each file's bytes and compares them with the stored source hash:
    nothing is decoded; a file with other bytes but the same text stays unchanged; an edited
    one is re-read and replaced; a document stored before the column existed (NULL) still
    counts as unchanged by its text hash."""
    import etl.sources.files as files

    settings.limits = {"isolate": False}  # (the decoding is watched in this process, not in a reader process)
    folder = _some_sample_docs(tmp_path / "news")
    first = Pipeline(settings).run([folder])
    n = first.documents["new"]
    with get_engine(settings.database_url).connect() as c:
        stored = c.execute(select(func.count()).select_from(Document).where(Document.source_hash.is_not(None))).scalar()
    assert stored == n
    decoded: list[str] = []
    real = files.read_bytes
    monkeypatch.setattr(files, "read_bytes", lambda data, uri, **kw: decoded.append(uri) or real(data, uri, **kw))
    second = Pipeline(settings).run([folder])
    assert second.documents["unchanged"] == n and decoded == []
    names = sorted(p for p in folder.iterdir() if p.suffix == ".txt")
    spaced, edited = names[0], names[1]
    spaced.write_text(spaced.read_text(encoding="utf-8").replace("\n", "\r\n") + "\n\n", encoding="utf-8")
    edited.write_text(edited.read_text(encoding="utf-8") + "\nA new closing line.\n", encoding="utf-8")
    with get_engine(settings.database_url).begin() as c:  # as if loaded before migration 0011
        c.execute(Document.__table__.update().where(Document.uri == str(names[2].resolve())).values(source_hash=None))
    before = counts(settings.database_url)
    third = Pipeline(settings).run([folder])
    assert third.documents == {**third.documents, "unchanged": n - 1, "changed": 1, "new": 0}
    assert sorted(decoded) == sorted(str(p.resolve()) for p in names[:3])
    assert counts(settings.database_url)["documents"] == before["documents"]


def test_a_configured_folder_source_skips_unchanged_files_by_their_bytes(settings, tmp_path, monkeypatch):
    import etl.sources.files as files
    from etl.sources.folder import FolderSource
    from etl.sources.registry import SourceContext

    folder = _some_sample_docs(tmp_path / "news")
    src = FolderSource("news", FolderSource.Options(path=str(folder)), settings)
    first = Pipeline(settings).run(sources=[src])
    n = first.documents["new"]
    assert n > 0
    decoded: list[str] = []
    real = files.read_bytes
    monkeypatch.setattr(files, "read_bytes", lambda data, uri, **kw: decoded.append(uri) or real(data, uri, **kw))
    again = Pipeline(settings).run(sources=[FolderSource("news", FolderSource.Options(path=str(folder)), settings)])
    assert again.documents["unchanged"] == n and again.documents["new"] == 0 and decoded == []
    # without the pipeline's index (a bare context) every file is read as before
    items = list(FolderSource("news", FolderSource.Options(path=str(folder)), settings).items(SourceContext()))
    assert len(decoded) == n and all(getattr(i, "text", "") for i in items if not isinstance(i, type(folder)))


def _analyze_statements(url: str):
    """Collect the ANALYZE statements the engine of ``url`` runs (a list filled while listening)."""
    from sqlalchemy import event

    seen: list[str] = []

    def before(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("ANALYZE"):
            seen.append(statement.split()[-1])

    event.listen(get_engine(url), "before_cursor_execute", before)
    return seen, lambda: event.remove(get_engine(url), "before_cursor_execute", before)


def _no_autovacuum(url: str) -> None:
    """PostgreSQL: keep autovacuum off this test database's counted tables, so that only the runs
    decide when their statistics are taken."""
    from etl.load import rollups

    if url.startswith("postgresql"):
        with get_engine(url).begin() as c:
            for t in rollups.statistics_tables():
                c.exec_driver_sql(f"ALTER TABLE {t} SET (autovacuum_enabled = false)")


def test_a_run_refreshes_the_planner_statistics_only_where_they_are_stale(settings, tmp_path):
    """A first run takes the statistics; a run that changes one document leaves them (no ANALYZE:
    on SQLite a full one reads every index and makes every dashboard connection reload them); a
    large load refreshes the tables it grew."""
    from etl.load import rollups

    url = settings.database_url
    upgrade(url)
    _no_autovacuum(url)
    folder = tmp_path / "news"
    shutil.copytree(SAMPLE / "docs", folder)
    seen, stop = _analyze_statements(url)
    try:
        first = Pipeline(settings)
        assert first.run([folder]).documents["new"] > 50
        assert {"documents", "facts", "activities"} <= set(first.analysed) and set(seen) == set(first.analysed)
        with get_engine(url).connect() as c:
            assert rollups.stale_statistics(c) == []

        edited = sorted(folder.iterdir())[0]
        edited.write_text(edited.read_text(encoding="utf-8") + "\nA closing line added later.\n", encoding="utf-8")
        seen.clear()
        small = Pipeline(settings)
        assert small.run([folder]).documents["changed"] == 1
        assert small.analysed == [] and seen == []

        more = tmp_path / "more"  # as many new documents again (other files, other texts)
        more.mkdir()
        for f in sorted((SAMPLE / "docs").iterdir()):
            (more / f.name).write_text(f.read_text(encoding="utf-8") + "\nReported again a year on.\n", encoding="utf-8")
        large = Pipeline(settings)
        assert large.run([more]).documents["new"] > 50
        assert {"facts", "activities"} <= set(large.analysed) and set(seen) == set(large.analysed)
        with get_engine(url).connect() as c:
            assert rollups.stale_statistics(c) == []
    finally:
        stop()


def test_statistics_are_stale_when_a_table_grew_or_a_run_touched_many_documents(sample_settings):
    from etl.load import rollups

    url = sample_settings.database_url
    _no_autovacuum(url)
    eng = get_engine(url)
    with eng.begin() as c:
        rollups.update_statistics(c)
    with eng.connect() as c:
        assert rollups.stale_statistics(c) == []
        assert rollups.stale_statistics(c, touched_documents=3) == []
        # a run that touched more documents than 50 + 10 % of them: every counted table
        assert set(rollups.stale_statistics(c, touched_documents=1000)) == set(rollups.statistics_tables())
        c.exec_driver_sql("INSERT INTO facts (document_id, type, key, year, lang, kinds, status, sentence) "
                          "SELECT document_id, type, key || '#again', year, lang, kinds, status, sentence FROM facts")
        assert rollups.stale_statistics(c) == ["facts"]  # twice the rows: only that table
        assert rollups.refresh_statistics(c) == ["facts"]
        assert rollups.stale_statistics(c) == []
        c.rollback()


def test_a_chinese_page_that_never_names_its_university_links_its_units_to_the_home(settings, tmp_path):
    """A 中文 page of the configured university that says only 我校, naming its units by their Chinese names and short
    forms (经管学院): the units are linked to the home's schools and office of home_units.json, whichever name the
    extractor gives them."""
    from etl.load.models import Unit

    page = tmp_path / "zh-unnamed.txt"
    page.write_text("我校与英国曼彻斯特大学签署学生交换协议\n\n12月3日，英国曼彻斯特大学副校长一行来访我校。"
                    "计算机学院、经管学院和国际合作交流处负责人参加会见，双方签署了学生交换协议。\n", encoding="utf-8")
    run = Pipeline(settings).run([page])
    assert run.documents["new"] == 1 and run.documents["failed"] == 0, run.errors
    with session_factory(settings.database_url)() as s:
        rows = s.execute(select(Fact.type, Fact.name, Unit.name).join(Unit, Fact.unit_id == Unit.id, isouter=True)
                         .where(Fact.type.in_(("school", "office")))).all()
    linked = {(t, unit) for t, _name, unit in rows}
    assert ("school", "School of Computer Science") in linked, rows
    assert ("school", "School of Economics and Management") in linked, rows
    assert ("office", "International Cooperation Department") in linked, rows
    assert all(unit is not None for _t, _n, unit in rows), rows  # no unit of the page left unlinked
