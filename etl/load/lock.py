"""A run lock that cannot be taken from a live run, and that dies with its holder.

- PostgreSQL: a session-level advisory lock (``pg_try_advisory_lock``) held on a connection of its own
  (outside the pool) for the length of the run. The server frees it when that connection ends, and
  only then: a run that is killed (``kill -9``, a lost machine) frees it at once, a live run however
  long one document takes keeps it.
- SQLite: an exclusive ``flock`` on a file beside the database (``<database>.<name>.lock``), which the
  kernel frees when the holding process ends, however it ends.

Nothing is stale after a time and nothing depends on a heartbeat (a lock that a long report or document
let go stale used to be taken over while its run went on). The ``locks`` row is only what the lock
tells a refused run: who holds it and since when.
"""
from __future__ import annotations

import hashlib
import os
import socket
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, delete, insert, select, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from etl.errors import LockedError
from etl.load.models import Lock, _now


def _key(name: str) -> int:
    """The advisory lock's 64-bit key for a lock name."""
    return int.from_bytes(hashlib.sha256(f"intl-dashboard:{name}".encode()).digest()[:8], "big", signed=True)


def lock_file(url: str, name: str = "etl") -> Path:
    """The file a SQLite database's lock is taken on."""
    u = make_url(url)
    db = u.database
    if db and db != ":memory:" and not db.startswith("file:"):
        return Path(db).resolve().with_name(f"{Path(db).name}.{name}.lock")
    digest = hashlib.sha256(url.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"intl-{digest}.{name}.lock"


class RunLock:
    """``with RunLock(sessions): …`` — one ETL run at a time per database."""

    def __init__(self, sessions: sessionmaker[Session], name: str = "etl", *, wait: float = 0,
                 stale_after: float | None = None):  # (stale_after: accepted, unused: the lock never goes stale)
        self.sessions, self.name, self.wait = sessions, name, wait
        self.engine = sessions.kw["bind"]
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{time.time():.0f}"
        self._conn: Connection | None = None  # PostgreSQL: the connection holding the advisory lock
        self._fd: int | None = None  # SQLite: the locked file
        self.held = False

    # -- taking and giving back ---------------------------------------------------------------------
    def _try(self) -> bool:
        if self.engine.dialect.name == "postgresql":
            if self._conn is None:
                eng = create_engine(self.engine.url, poolclass=NullPool)
                self._conn = eng.connect().execution_options(isolation_level="AUTOCOMMIT")
            got = bool(self._conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": _key(self.name)}).scalar())
            return got
        import fcntl

        path = lock_file(str(self.engine.url), self.name)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return True

    def _let_go(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            try:
                if self.held:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _key(self.name)})
            finally:
                conn.close()  # (ending the session frees the lock in any case)
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)  # closing the file frees the flock
        self.held = False

    def _current(self) -> Lock | None:
        try:
            with self.sessions() as s:
                row = s.scalar(select(Lock).where(Lock.name == self.name))
                if row is not None:
                    s.expunge(row)
                return row
        except Exception:  # noqa: BLE001 - only words for the message
            return None

    def acquire(self) -> None:
        deadline = time.monotonic() + self.wait
        while True:
            if self._try():
                self.held = True
                try:
                    with self.sessions.begin() as s:  # who holds it, for the message of a refused run
                        s.execute(delete(Lock).where(Lock.name == self.name))
                        now = _now()
                        s.execute(insert(Lock).values(name=self.name, holder=self.holder, acquired_at=now,
                                                      heartbeat_at=now))
                except BaseException:
                    self._let_go()
                    raise
                return
            if time.monotonic() >= deadline:
                self._let_go()
                current = self._current()
                who = f" by {current.holder} since {current.acquired_at:%Y-%m-%d %H:%M:%S} UTC" if current else ""
                raise LockedError(f"another ETL run is in progress{who}; try again later or use --wait")
            time.sleep(0.5)

    def heartbeat(self) -> None:
        """Nothing to do: the lock lasts as long as its holder (kept for callers of the old lock)."""

    def release(self) -> None:
        if not self.held:
            self._let_go()
            return
        try:
            with self.sessions.begin() as s:
                s.execute(delete(Lock).where(Lock.name == self.name, Lock.holder == self.holder))
        except Exception:  # noqa: BLE001 - a database that cannot be written: the lock goes all the same
            pass
        finally:
            self._let_go()

    def __enter__(self):
        self.acquire()
        return self

    def __exit__(self, *exc):
        self.release()
