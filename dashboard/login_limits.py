"""Sign-in limits that every web worker shares: failed sign-ins per client address, and per
user name *at* that address.

Two limits, each a list of rates (``"10 per minute;100 per hour"``, the ``limits`` package's
notation), counted over a moving window:

- per address (``INTL_LOGIN_RATE``): an address that failed that often is refused, whatever
  name it tries next;
- per user name and address (``INTL_LOGIN_USER_RATE``): an address that failed that often for
  one name is refused for that name. Only that address: someone guessing ``alice``'s password
  from elsewhere cannot lock ``alice`` out, and her right password from her own address
  still signs her in.

A refused attempt is not checked and not counted. The counts live where every worker sees
them: in Redis when ``REDIS_URL`` is set (a moving window per key), else in the database, where
each failed sign-in is already a ``login.failed`` line of the audit log with the client's
address (``dashboard/users.authenticate``): the limit counts those lines (index ``(action, ip,
at)``, migration 0030). Redis unreachable: the database count serves instead, with a warning.
(They used to be counted in each worker's memory: with two workers, twice the limit.)
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from limits import RateLimitItem, parse_many

log = logging.getLogger("dashboard.auth")
NAMESPACE = "intl-login"


def user_key(name: Any) -> str:
    """A user name as the audit log records it (``authenticate``), compared without case."""
    return (name if isinstance(name, str) else "").strip()[:120].lower()


@dataclass
class LoginLimits:
    address_rate: str
    user_rate: str
    redis_url: str | None = None
    _address: list[RateLimitItem] = field(default_factory=list, init=False)
    _user: list[RateLimitItem] = field(default_factory=list, init=False)
    _limiter: Any = field(default=None, init=False)

    def __post_init__(self):
        self._address = list(parse_many(self.address_rate))
        self._user = list(parse_many(self.user_rate))

    # -- Redis -----------------------------------------------------------------------
    def _redis(self):
        if self._limiter is None and self.redis_url:
            from limits.storage import storage_from_string
            from limits.strategies import MovingWindowRateLimiter

            self._limiter = MovingWindowRateLimiter(storage_from_string(self.redis_url, key_prefix=NAMESPACE))
        return self._limiter

    def _keys(self, ip: str | None, name: str) -> list[tuple[RateLimitItem, tuple[str, ...]]]:
        addr = ip or "-"
        return [(item, ("addr", addr)) for item in self._address] + \
               [(item, ("user-addr", user_key(name), addr)) for item in self._user]

    # -- the database ------------------------------------------------------------------
    @staticmethod
    def _failures(url: str, ip: str | None, seconds: int, name: str | None = None) -> int:
        from sqlalchemy import func, select

        from etl.db import get_engine
        from etl.load.models import AuditEntry, _now

        A = AuditEntry.__table__
        q = select(func.count()).select_from(A).where(
            A.c.action == "login.failed", A.c.ip == ip, A.c.at >= _now() - dt.timedelta(seconds=seconds))
        if name is not None:
            q = q.where(func.lower(A.c.user) == name)
        with get_engine(url).connect() as conn:
            return int(conn.execute(q).scalar_one())

    def _blocked_in_db(self, url: str, ip: str | None, name: str) -> bool:
        return any(self._failures(url, ip, item.get_expiry()) >= item.amount for item in self._address) or \
            any(self._failures(url, ip, item.get_expiry(), user_key(name)) >= item.amount for item in self._user)

    # -- what the sign-in view asks ------------------------------------------------------
    def blocked(self, url: str, ip: str | None, name: str) -> bool:
        """Whether a sign-in as ``name`` from ``ip`` is refused now (before its password is checked)."""
        limiter = self._redis()
        if limiter is not None:
            try:
                return not all(limiter.test(item, *ids) for item, ids in self._keys(ip, name))
            except Exception as exc:  # noqa: BLE001 - Redis down: the database still counts
                log.warning("sign-in limits: Redis unavailable (%s); counting in the database", exc.__class__.__name__)
        return self._blocked_in_db(url, ip, name)

    def failed(self, ip: str | None, name: str) -> None:
        """Count one failed sign-in (the database counts its audit line; Redis needs a hit)."""
        limiter = self._redis()
        if limiter is None:
            return
        try:
            for item, ids in self._keys(ip, name):
                limiter.hit(item, *ids)
        except Exception as exc:  # noqa: BLE001
            log.warning("sign-in limits: Redis unavailable (%s); counting in the database", exc.__class__.__name__)
