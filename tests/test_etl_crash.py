"""Crash safety: an ETL process killed with SIGKILL mid-run leaves no half-loaded
document; the next run completes and every total equals an uninterrupted load."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from etl.config import load_settings
from etl.db import get_engine, session_factory
from etl.load.models import Activity, Document, Fact, Run
from etl.pipeline import Pipeline

from .conftest import ROOT, SAMPLE

N_COPIES = 1  # × 56 sample articles: the kill comes after KILL_AFTER (polled every 50 ms), about 40 before the end
KILL_AFTER = 15


def make_corpus(folder):
    folder.mkdir()
    docs = sorted((SAMPLE / "docs").glob("*.txt"))
    for i in range(N_COPIES):
        for d in docs:
            text = d.read_text(encoding="utf-8")
            (folder / f"{d.stem}-{i:03d}.txt").write_text(f"{text}\n\nArchive copy {i}.\n", encoding="utf-8")
    return len(docs) * N_COPIES


def totals(url):
    with get_engine(url).connect() as c:
        return {m.__tablename__: c.execute(select(func.count()).select_from(m)).scalar_one()
                for m in (Document, Fact, Activity)}


def per_document(url):
    with session_factory(url)() as s:
        rows = s.execute(select(Document.uri, func.count(Fact.id)).outerjoin(Fact).group_by(Document.uri))
        return {uri.rsplit("/", 1)[-1]: n for uri, n in rows}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The articles, and a clean uninterrupted load of them (SQLite): the same for both backends."""
    tmp = tmp_path_factory.mktemp("crash")
    folder = tmp / "news"
    n = make_corpus(folder)
    reference_url = f"sqlite:///{tmp / 'reference.db'}"
    info = Pipeline(load_settings(config=tmp / "none.toml", database_url=reference_url)).run([folder])
    assert info.status == "ok" and info.documents["new"] == n
    return folder, n, reference_url


def test_sigkill_mid_run_then_rerun_gives_exact_totals(db_url, tmp_path, corpus):
    folder, n, reference_url = corpus
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "etl.cli", "etl", "run", str(folder), "--db", db_url],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    engine = get_engine(db_url)
    deadline = time.monotonic() + 120
    loaded = 0
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with engine.connect() as c:
                loaded = c.execute(select(func.count()).select_from(Document)).scalar_one()
        except Exception:  # schema not created yet
            loaded = 0
        if loaded >= KILL_AFTER:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before it could be killed; make the corpus larger"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    partial = totals(db_url)["documents"]
    assert KILL_AFTER <= partial < n, (partial, n)

    # every document that made it in is whole: its facts match a clean load of the same file
    expected = per_document(reference_url)
    got = per_document(db_url)
    assert all(got[name] == expected[name] for name in got)

    settings = load_settings(config=tmp_path / "none.toml", database_url=db_url)
    info = Pipeline(settings).run([folder])  # the dead run's lock does not block this one
    assert info.status == "ok"
    assert info.documents["new"] == n - partial and info.documents["unchanged"] == partial
    assert totals(db_url) == totals(reference_url)
    assert per_document(db_url) == expected
    with session_factory(db_url)() as s:
        assert [r.status for r in s.scalars(select(Run).order_by(Run.id))] == ["aborted", "ok"]
