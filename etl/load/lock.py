"""A run lock that holds on SQLite and PostgreSQL: one row in ``locks``.

The primary key makes the insert atomic on both databases. A lock whose holder
stopped sending heartbeats (killed with SIGKILL, machine lost) is stale after
``stale_after`` seconds and may be taken over.
"""
from __future__ import annotations

import datetime as dt
import os
import socket
import time

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from etl.errors import LockedError
from etl.load.models import Lock, _now


def _dead_local_holder(holder: str) -> bool:
    """True when the holder ran on this host and its process no longer exists."""
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class RunLock:
    def __init__(self, sessions: sessionmaker[Session], name: str = "etl", *, wait: float = 0,
                 stale_after: float = 120):
        self.sessions, self.name, self.wait, self.stale_after = sessions, name, wait, stale_after
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{time.time():.0f}"

    def acquire(self) -> None:
        deadline = time.monotonic() + self.wait
        while True:
            with self.sessions() as s:
                stale = _now() - dt.timedelta(seconds=self.stale_after)
                s.execute(delete(Lock).where(Lock.name == self.name, Lock.heartbeat_at < stale))
                current = s.scalar(select(Lock).where(Lock.name == self.name))
                if current is not None and _dead_local_holder(current.holder):
                    s.delete(current)  # its process died (SIGKILL, OOM): no need to wait
                s.flush()
                s.expunge_all()
                now = _now()
                try:
                    s.execute(insert(Lock).values(name=self.name, holder=self.holder,
                                                  acquired_at=now, heartbeat_at=now))
                    s.commit()
                    return
                except IntegrityError:
                    s.rollback()
                    current = s.scalar(select(Lock).where(Lock.name == self.name))
            if time.monotonic() >= deadline:
                who = f" by {current.holder} since {current.acquired_at:%Y-%m-%d %H:%M:%S} UTC" if current else ""
                raise LockedError(f"another ETL run is in progress{who}; try again later or use --wait")
            time.sleep(0.5)

    def heartbeat(self) -> None:
        with self.sessions() as s:
            s.execute(update(Lock).where(Lock.name == self.name, Lock.holder == self.holder)
                      .values(heartbeat_at=_now()))
            s.commit()

    def release(self) -> None:
        with self.sessions() as s:
            s.execute(delete(Lock).where(Lock.name == self.name, Lock.holder == self.holder))
            s.commit()

    def __enter__(self):
        self.acquire()
        return self

    def __exit__(self, *exc):
        self.release()
