"""The one-run lock (issue 17): it cannot be taken from a live run, however long that run spends on one
document, and it dies with its holder (``kill -9``) — on PostgreSQL (an advisory lock on a connection of its
own) and on SQLite (an exclusive flock beside the database file).

The holder is another process: it takes the lock as a run does and then stays inside "one long document"
(it sleeps) without any heartbeat. Its ``locks`` row is aged by an hour, as the old lock would have seen a
run busy with one report for that long: the old lock called such a run stale and took over.
"""
from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select, update

from etl.db import session_factory, upgrade
from etl.errors import LockedError
from etl.load.lock import RunLock
from etl.load.models import Document, Lock, Run
from etl.pipeline import Pipeline

from .conftest import SAMPLE

ROOT = Path(__file__).resolve().parents[1]

_HOLDER = r"""
import sys, time
from etl.db import session_factory
from etl.load.lock import RunLock
lock = RunLock(session_factory(sys.argv[1]))
lock.acquire()
print("held", flush=True)
time.sleep(600)  # one very long document, and no heartbeat
"""


def _holder(url: str) -> subprocess.Popen:
    p = subprocess.Popen([sys.executable, "-c", _HOLDER, url], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    line = p.stdout.readline()  # bounded: the holder either prints or exits
    if line.strip() != "held":
        p.kill()
        pytest.fail(f"the holder did not take the lock (exit {p.wait(timeout=30)})")
    return p


def _age_lock_row(url: str, hours: float = 1) -> None:
    with session_factory(url).begin() as s:
        old = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - dt.timedelta(hours=hours)
        s.execute(update(Lock).values(heartbeat_at=old, acquired_at=old))


def test_a_live_run_keeps_the_lock_however_long_its_document_takes_and_kill_9_frees_it(settings):
    url = settings.database_url
    upgrade(url)
    holder = _holder(url)
    try:
        _age_lock_row(url)  # an hour in one document, with no heartbeat
        with pytest.raises(LockedError, match=rf"another ETL run is in progress by .*:{holder.pid}:"):
            Pipeline(settings).run([SAMPLE / "docs" / "en-0001.txt"])
        with session_factory(url)() as s:
            assert s.scalar(select(Run).where(Run.status == "aborted")) is None  # the live run was not marked
            assert s.scalar(select(Document)) is None
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
    # killed: the lock is free at once (no stale time to wait out)
    info = Pipeline(settings).run([SAMPLE / "docs" / "en-0001.txt"])
    assert info.status == "ok" and info.documents["new"] == 1


def test_the_lock_is_one_per_database_and_released_by_its_holder(settings):
    url = settings.database_url
    upgrade(url)
    sessions = session_factory(url)
    first = RunLock(sessions)
    first.acquire()
    second = RunLock(sessions)
    with pytest.raises(LockedError):
        second.acquire()
    first.release()
    with RunLock(sessions) as third:
        assert third.held
        with session_factory(url)() as s:
            assert s.scalar(select(Lock.holder)) == third.holder
    with RunLock(sessions):  # released on leaving the block
        pass


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX only")
def test_sqlite_lock_file_sits_beside_the_database(sqlite_url):
    from etl.load.lock import lock_file

    path = lock_file(sqlite_url)
    assert path.parent == Path(sqlite_url.split("///", 1)[1]).parent and path.name.endswith(".etl.lock")
    upgrade(sqlite_url)
    with RunLock(session_factory(sqlite_url)):
        assert path.exists()
    with RunLock(session_factory(sqlite_url)):  # free again (wait=0: taken on the first try or refused)
        pass
