"""The rollups are exact after every kind of write, in the write's own transaction (SQLite and
PostgreSQL): after each ETL run (new, changed, gone and returning documents, an upload), each
kind of curator's decision, a review decision from the command line and from the admin page,
the rollup tables hold exactly what a full rebuild from the tables gives."""
from __future__ import annotations

import shutil

from sqlalchemy import select
from typer.testing import CliRunner

from etl.db import get_engine, session_factory
from etl.load import curation as cur
from etl.load import rollups
from etl.load.models import Document, ReviewItem, RollupDocs
from etl.pipeline import Pipeline

from .test_curation import (  # noqa: F401  (the curation world)
    ALIAS, D2, curation_reference, doc_facts, partner, run, world)


def expected(url: str) -> dict:
    """What a full rebuild gives now (computed in a transaction that is rolled back)."""
    with get_engine(url).connect() as c:
        tx = c.begin()
        rollups.rebuild(c)
        rows = rollups.snapshot(c)
        counted = dict(c.execute(select(Document.id, Document.counted)).all())
        tx.rollback()
    return {"rows": rows, "counted": counted}


def actual(url: str) -> dict:
    with get_engine(url).connect() as c:
        return {"rows": rollups.snapshot(c), "counted": dict(c.execute(select(Document.id, Document.counted)).all())}


def exact(url: str, stage: str) -> None:
    got, want = actual(url), expected(url)
    for name in rollups.ROLLUPS:
        assert got["rows"][name] == want["rows"][name], f"{stage}: rollup {name}"
    assert got["counted"] == want["counted"], stage
    assert any(want["rows"].values()), f"{stage}: nothing counted at all"


def test_rollups_are_exact_after_every_kind_of_write(world):  # noqa: F811
    settings, docs, reports = world
    url = settings.database_url
    run(settings, docs, reports)
    exact(url, "first run")
    S = session_factory(url)
    with S() as s:
        queue = {(r.kind, r.name): r.id for r in s.scalars(select(ReviewItem).where(ReviewItem.status == "open"))}
        dcu = partner(s, "Dublin City University")
        dcu_fact_key = next(f.key for f in doc_facts(s, "/d2.txt") if f.partner_id == dcu.id)
        school_key = next(f.key for f in doc_facts(s, "/d1.txt") if f.type == "school")

    # each kind of curator's decision, one transaction each
    decisions = [
        ("reject a partner fact", lambda s: cur.reject_fact(s, "d2.txt", dcu_fact_key, by="carol")),
        ("reject a school fact", lambda s: cur.reject_fact(s, "d1.txt", school_key, by="carol")),
        ("merge", lambda s: cur.merge_partner(s, "Insearch", into="UTS", by="alice")),
        ("rename", lambda s: cur.rename_partner(s, "DCU", "Dublin City University (DCU)", by="bob")),
        ("kind", lambda s: cur.set_kind(s, "University of Technology Sydney", "institute", by="bob")),
        ("country", lambda s: cur.set_country(s, "University of Technology Sydney", "NZ", by="bob")),
        ("reject a partner", lambda s: cur.reject_partner(s, "University of Technology Sydney", by="erin")),
        ("alias a school", lambda s: cur.alias_school(s, ALIAS, "Automation School", by="dave")),
        ("accept a queued partner", lambda s: cur.decide(s, queue[("partner", "Unseen University")], accept=True,
                                                         by="erin")),
    ]
    for stage, write in decisions:
        before = actual(url)
        with S.begin() as s:
            write(s)
        exact(url, stage)
        if stage.startswith("reject a") or stage in ("merge", "country", "kind"):
            assert actual(url)["rows"] != before["rows"], f"{stage} changed no count"

    # a review decision from the admin page (through its own session)
    from dashboard.pages.admin_review import decide

    ok, msg = decide(url, "erin", queue[("partner", "Ankh-Morpork Tourist Board")], "reject")
    assert ok, msg
    exact(url, "admin page review decision")

    # runs: a changed document, a document gone, the same document back, an upload
    (docs / "d2.txt").write_text(D2.replace("Computer School", "School of Economics and Management"),
                                 encoding="utf-8")
    run(settings, docs, reports)
    exact(url, "changed document")
    moved = docs.parent / "d1.away"
    shutil.move(docs / "d1.txt", moved)
    info = run(settings, docs, reports)
    assert info.documents["gone"] == 1
    exact(url, "document gone")
    shutil.move(moved, docs / "d1.txt")
    run(settings, docs, reports)
    exact(url, "document back")
    upload = docs.parent / "uploads"
    upload.mkdir()
    (upload / "new.txt").write_text(D2.replace("Dublin City University", "KTH Royal Institute of Technology")
                                    .replace("9 May 2023", "9 May 2021"), encoding="utf-8")
    info = Pipeline(settings).run([upload], mark_gone=False)
    assert info.documents["new"] == 1, info.to_dict()
    exact(url, "upload")


def test_a_review_decision_from_the_command_line_keeps_the_rollups_exact(world, monkeypatch):  # noqa: F811
    from etl.cli import app

    settings, docs, reports = world
    url = settings.database_url
    run(settings, docs, reports)
    with session_factory(url)() as s:
        dcu = partner(s, "Dublin City University")
        key = next(f.key for f in doc_facts(s, "/d2.txt") if f.partner_id == dcu.id)
        item = s.scalar(select(ReviewItem.id).where(ReviewItem.name == "Unseen University"))
    monkeypatch.setenv("DATABASE_URL", url)
    res = CliRunner().invoke(app, ["review", "reject-fact", "d2.txt", key, "--by", "carol", "--db", url])
    assert res.exit_code == 0, res.output
    exact(url, "intl review reject-fact")
    res = CliRunner().invoke(app, ["review", "reject", str(item), "--by", "carol", "--db", url])
    assert res.exit_code == 0, res.output
    exact(url, "intl review reject")


def test_a_write_that_fails_leaves_the_rollups_as_they_were(world):  # noqa: F811
    settings, docs, reports = world
    url = settings.database_url
    run(settings, docs, reports)
    before = actual(url)
    S = session_factory(url)
    try:
        with S.begin() as s:
            cur.reject_partner(s, "Dublin City University", by="erin")
            raise RuntimeError("the curator's connection dropped")
    except RuntimeError:
        pass
    assert actual(url) == before
    exact(url, "rolled back")
    with get_engine(url).connect() as c:
        assert c.execute(select(RollupDocs.documents).where(RollupDocs.kinds == rollups.ALL_KINDS)).first()


def test_the_query_cache_follows_a_curation_and_a_run_in_progress(world):  # noqa: F811
    """The cache key's data version moves with a curator's decision and with each document a run
    commits, not only when a run finishes: a cached count is never older than the last write."""
    from dashboard.queries.common import data_version
    from etl.load.models import Fact

    settings, docs, reports = world
    url = settings.database_url
    run(settings, docs, reports)
    first = data_version(url)
    assert data_version(url) == first
    S = session_factory(url)
    with S() as s:
        dcu = partner(s, "Dublin City University")
        key = next(f.key for f in doc_facts(s, "/d2.txt") if f.partner_id == dcu.id)
    with S.begin() as s:
        cur.reject_fact(s, "d2.txt", key, by="carol")
    after_curation = data_version(url)
    assert after_curation != first
    with S.begin() as s:  # a document committed by a run still in progress (no run row changes)
        d = s.scalar(select(Document).where(Document.uri.endswith("/d1.txt")))
        s.add(Fact(document_id=d.id, type="count", key="count:bench", value=3, what="students"))
    assert data_version(url) != after_curation


def test_the_migration_counts_the_documents_already_there(db_url):
    """A database at revision 0030 with documents upgrades to rollups that count them and to a
    ``documents.counted`` for each (what the incremental writes start from)."""
    from sqlalchemy import text

    from etl.db import upgrade

    upgrade(db_url, "0030")
    with get_engine(db_url).begin() as c:
        c.execute(text("INSERT INTO units (id, type, name, aliases, status) VALUES (1, 'school', 'S', '[]', 'known')"))
        c.execute(text("INSERT INTO partners (id, name, country, kind, aliases, status) "
                       "VALUES (1, 'P', 'DE', 'university', '[]', 'known')"))
        for i, year in ((1, 2021), (2, 2022)):
            c.execute(text("INSERT INTO documents (id, source, uri, lang, year, content_hash, text, status, "
                           "created_at, updated_at) VALUES (:i, 'folder', :u, 'en', :y, :h, 't', 'active', "
                           "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"), {"i": i, "u": f"/d{i}", "y": year, "h": f"h{i}"})
            c.execute(text("INSERT INTO activities (document_id, kind, year) VALUES (:i, 'conference', :y)"),
                      {"i": i, "y": year})
            for typ, unit, pid in (("school", 1, None), ("partner", None, 1)):
                c.execute(text("INSERT INTO facts (document_id, type, key, year, lang, kinds, unit_id, partner_id, "
                               "status) VALUES (:i, :t, :k, :y, 'en', 0, :u, :p, 'ok')"),
                          {"i": i, "t": typ, "k": f"{typ}:1", "y": year, "u": unit, "p": pid})
    upgrade(db_url)
    exact(db_url, "after migration 0040")
    with get_engine(db_url).connect() as c:
        assert c.execute(select(Document.counted).where(Document.id == 1)).scalar() is not None
        assert c.execute(select(RollupDocs.documents).where(RollupDocs.kinds == rollups.ALL_KINDS,
                                                            RollupDocs.year == 2022)).scalar() == 1
