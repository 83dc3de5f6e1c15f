"""ETL failures (issue 17): one file's unexpected exception fails that file only; a run that cannot write
(disk full, read-only database) stops with one sentence, exit 4, a true count of what it stored and a run
record that says "failed"; failed uploads are quarantined and not read again by the next re-load.
"""
from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import OperationalError
from typer.testing import CliRunner

import etl.pipeline as pipeline_mod
from etl.cli import app
from etl.db import dispose_engines, session_factory
from etl.load.models import Document, Run
from etl.pipeline import Pipeline

from .conftest import SAMPLE, migrated

ROOT = Path(__file__).resolve().parents[1]


def sample_folder(tmp_path: Path, n: int = 6) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for p in sorted((SAMPLE / "docs").glob("en-*.txt"))[:n]:
        shutil.copy(p, folder / p.name)
    return folder


def run_cli(args: list[str]):
    """``intl`` invoked in this process (its start-up is the test worker's): the result, its exit code and
    standard error."""
    return CliRunner().invoke(app, args)


def stored(url: str) -> int:
    with session_factory(url)() as s:
        return s.scalar(select(func.count()).select_from(Document))


# -- one file's exception ------------------------------------------------------------------------------
def test_an_unexpected_exception_reading_one_file_fails_that_file_and_the_run_goes_on(settings, tmp_path,
                                                                                   monkeypatch):
    import etl.sources.files as files

    settings.limits = {"isolate": False}  # (the reader is patched in this process)
    folder = sample_folder(tmp_path, 4)
    victim = sorted(folder.iterdir())[1]
    real = files.read_bytes

    def flaky(data, uri, **kw):
        if uri == str(victim):
            raise RuntimeError("the reader tripped over something unforeseen")
        return real(data, uri, **kw)

    monkeypatch.setattr(files, "read_bytes", flaky)
    info = Pipeline(settings).run([folder])
    assert info.status == "partial" and info.documents["new"] == 3 and info.documents["failed"] == 1
    assert info.errors == [{"file": str(victim), "reason": "RuntimeError: the reader tripped over something unforeseen"}]


def test_an_unexpected_exception_extracting_one_document_fails_it_only(settings, tmp_path, monkeypatch):
    settings.limits = {"isolate": False}
    folder = sample_folder(tmp_path, 3)
    victim = sorted(folder.iterdir())[0]
    real = pipeline_mod.extract

    def flaky(doc, ref):
        if doc.uri == str(victim):
            raise KeyError("unforeseen")
        return real(doc, ref)

    monkeypatch.setattr(pipeline_mod, "extract", flaky)
    info = Pipeline(settings).run([folder])
    assert info.documents["new"] == 2 and info.documents["failed"] == 1
    assert info.errors[0]["file"] == str(victim) and "KeyError" in info.errors[0]["reason"]


# -- a run that cannot write ---------------------------------------------------------------------------
def _disk_full_after(monkeypatch, n: int, exc: BaseException) -> None:
    real = pipeline_mod.store_document
    calls = [0]

    def store(*a, **kw):
        calls[0] += 1
        if calls[0] > n:
            raise exc
        return real(*a, **kw)

    monkeypatch.setattr(pipeline_mod, "store_document", store)


@pytest.mark.parametrize("exc", [
    OSError(errno.ENOSPC, "No space left on device"),
    OperationalError("INSERT INTO facts …", {}, sqlite3.OperationalError("database or disk is full")),
], ids=["ENOSPC", "sqlite-full"])
def test_a_full_disk_stops_the_run_with_one_sentence_exit_4_and_a_true_count(db_url, tmp_path, monkeypatch, exc):
    migrated(db_url)
    folder = sample_folder(tmp_path, 8)
    _disk_full_after(monkeypatch, 3, exc)
    r = CliRunner().invoke(app, ["etl", "run", str(folder), "--db", db_url,
                                 "--config", str(tmp_path / "none.toml")])
    assert r.exit_code == 4, r.output
    errors = [ln for ln in r.stderr.splitlines() if ln.startswith("error")]
    assert errors == ["error: the ETL run stopped because the disk is full; 3 new and 0 changed documents and 0 "
                      "reports were stored before it, and run 1 is recorded as failed."]
    assert "Traceback" not in r.stderr
    assert stored(db_url) == 3
    with session_factory(db_url)() as s:
        run = s.scalar(select(Run))
        assert run.status == "failed" and run.stats["documents"]["new"] == 3


def test_a_read_only_sqlite_database_gives_one_sentence_and_exit_4(tmp_path):
    db = tmp_path / "intl.db"
    migrated(f"sqlite:///{db}")
    dispose_engines()
    folder = sample_folder(tmp_path, 2)
    url = f"sqlite:///file:{db}?mode=ro&uri=true"  # (root writes any file: the database is opened read-only)
    r = run_cli(["etl", "run", str(folder), "--db", url, "--config", str(tmp_path / "none.toml")])
    assert r.exit_code == 4, r.stderr[-3000:]
    assert "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines()[-1].startswith("error: the ETL run stopped because the database is read-only;")
    assert stored(f"sqlite:///{db}") == 0


def test_a_read_only_postgresql_database_gives_one_sentence_and_exit_4(pg_url, tmp_path):
    migrated(pg_url)
    dbname = pg_url.rsplit("/", 1)[1]
    eng = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with eng.connect() as c:
        c.execute(text(f'ALTER DATABASE "{dbname}" SET default_transaction_read_only = on'))
    eng.dispose()
    dispose_engines()
    folder = sample_folder(tmp_path, 2)
    try:
        r = run_cli(["etl", "run", str(folder), "--db", pg_url, "--config", str(tmp_path / "none.toml")])
    finally:
        dispose_engines()  # (this process's connections opened read-only)
        eng = create_engine(pg_url, isolation_level="AUTOCOMMIT")
        with eng.connect() as c:
            c.execute(text("SET default_transaction_read_only = off"))  # (this session, to undo it)
            c.execute(text(f'ALTER DATABASE "{dbname}" SET default_transaction_read_only = off'))
        eng.dispose()
    assert r.exit_code == 4, r.stderr[-3000:]
    assert "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines()[-1].startswith("error: the ETL run stopped because the database is read-only;")


# -- quarantine ---------------------------------------------------------------------------------------------
def test_failed_uploads_are_quarantined_and_not_read_again(settings, tmp_path):
    folder = sample_folder(tmp_path, 2)
    (folder / "empty.txt").write_text("   \n", encoding="utf-8")
    (folder / "bad.csv").write_text("name,school\nX,Y\n", encoding="utf-8")
    first = Pipeline(settings).run([folder], quarantine=True)
    assert first.documents["failed"] == 1 and first.reports["failed"] == 1 and first.documents["new"] == 2
    q = folder / ".quarantine"
    assert sorted(p.name for p in q.iterdir()) == ["bad.csv", "bad.csv.reason.txt", "empty.txt",
                                                   "empty.txt.reason.txt"]
    assert "empty document" in (q / "empty.txt.reason.txt").read_text(encoding="utf-8")
    assert not (folder / "empty.txt").exists()
    again = Pipeline(settings).run([folder], quarantine=True)  # "re-load the uploaded files"
    assert again.documents["seen"] == 2 and again.documents["unchanged"] == 2
    assert again.documents["failed"] == 0 and again.reports["seen"] == 0 and again.errors == []


def test_without_quarantine_a_folder_run_leaves_files_where_they_are(settings, tmp_path):
    folder = sample_folder(tmp_path, 1)
    (folder / "empty.txt").write_text("", encoding="utf-8")
    Pipeline(settings).run([folder])
    assert (folder / "empty.txt").exists() and not (folder / ".quarantine").exists()


def test_the_dashboards_upload_job_quarantines(sqlite_url, tmp_path):
    from dashboard.admin.jobs import run_job

    migrated(sqlite_url)
    folder = sample_folder(tmp_path, 1)
    (folder / "empty.txt").write_text("", encoding="utf-8")
    out = run_job({"kind": "paths", "user": "admin", "url": sqlite_url, "paths": [str(folder)]})
    assert out["documents"]["failed"] == 1
    assert (folder / ".quarantine" / "empty.txt").exists()
