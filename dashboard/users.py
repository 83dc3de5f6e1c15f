"""Dashboard users and the audit log: the store behind ``dashboard/auth.py``, the admin pages
and the ``intl users`` commands (``dashboard/users_cli.py``).

There is no default user and no default password. The first administrator comes from
``intl users add NAME --role admin`` (password prompted, or read from standard input with
``--password-stdin``) or from ``INTL_ADMIN_USER`` / ``INTL_ADMIN_PASSWORD`` when the
dashboard starts (:func:`ensure_env_admin`).

Passwords are hashed with Argon2id (argon2-cffi, OWASP's recommended parameters). A user's
``session_epoch`` goes into every session cookie; it is raised when the password or the
role changes, or the user is disabled, and the user's server-side sessions
(``user_sessions``) are deleted then and on removal, so their open sessions end at their
next request. Every change is written to the audit log with who made it.
"""
from __future__ import annotations

import os
import re
import secrets
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from etl.db import session_factory
from etl.load.models import AuditEntry, User, UserSession, _now

ROLES = ("admin", "viewer")
MIN_PASSWORD = 10
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,119}$")
# Argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane; about 25 ms of CPU): a
# sign-in costs little enough that 8 concurrent ones (2 workers x 4 threads) need 152 MiB, not
# 512 MiB, and a burst of attempts cannot tie up the CPU; hashes made with other parameters
# are re-hashed at the next successful sign-in (check_needs_rehash).
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
_dummy: list[str] = []


def _dummy_hash() -> str:
    """Verified against when the name is unknown, so a wrong name costs as long as a wrong password."""
    if not _dummy:
        _dummy.append(_hasher.hash(secrets.token_urlsafe(16)))
    return _dummy[0]


class UserError(ValueError):
    """A request the store refuses (bad name, short password, unknown user, last admin …)."""


# -- the store -----------------------------------------------------------------
def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"password too short: at least {MIN_PASSWORD} characters")
    if len(password) > 1024:
        raise UserError("password too long: at most 1024 characters")


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not NAME_RE.match(name):
        raise UserError("user name: 1-120 letters, digits, '.', '_', '@' or '-', starting with a letter or digit")
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}")
    return role


def audit(url: str, user: str | None, action: str, target: str | None = None,
          detail: dict[str, Any] | None = None, ip: str | None = None) -> None:
    """Append one line to the audit log (its own transaction)."""
    with session_factory(url).begin() as s:
        s.add(AuditEntry(user=user, action=action, target=(target or "")[:1000] or None,
                         detail=detail or {}, ip=ip))


def get_user(url: str, name: str) -> User | None:
    with session_factory(url)() as s:
        return s.scalar(select(User).where(User.name == name))


def get_user_by_id(url: str, user_id: int) -> User | None:
    with session_factory(url)() as s:
        return s.get(User, user_id)


def list_users(url: str) -> list[User]:
    with session_factory(url)() as s:
        return list(s.scalars(select(User).order_by(User.name)))


def count_admins(s, exclude: int | None = None) -> int:
    q = select(func.count()).select_from(User).where(User.role == "admin", User.active.is_(True))
    if exclude is not None:
        q = q.where(User.id != exclude)
    return s.scalar(q) or 0


def add_user(url: str, name: str, password: str, role: str = "viewer", *, by: str | None = None,
             ip: str | None = None) -> User:
    name, role = check_name(name), check_role(role)
    check_password_rules(password)
    try:
        with session_factory(url).begin() as s:
            if s.scalar(select(User).where(User.name == name)):
                raise UserError(f"user {name!r} exists already")
            user = User(name=name, password_hash=hash_password(password), role=role)
            s.add(user)
            s.add(AuditEntry(user=by, action="user.add", target=name, detail={"role": role}, ip=ip))
    except IntegrityError as exc:  # a concurrent add of the same name
        raise UserError(f"user {name!r} exists already") from exc
    return user


def set_role(url: str, name: str, role: str, *, by: str | None = None, ip: str | None = None) -> User:
    role = check_role(role)
    with session_factory(url).begin() as s:
        user = _get(s, name)
        if user.role == "admin" and role != "admin" and count_admins(s, exclude=user.id) == 0:
            raise UserError("refused: that would leave no administrator")
        if user.role != role:
            old, user.role = user.role, role
            user.session_epoch += 1
            end_sessions(s, user.id)
            s.add(AuditEntry(user=by, action="user.set_role", target=name, detail={"from": old, "to": role}, ip=ip))
    return user


def set_password(url: str, name: str, password: str, *, by: str | None = None, ip: str | None = None) -> User:
    check_password_rules(password)
    with session_factory(url).begin() as s:
        user = _get(s, name)
        user.password_hash = hash_password(password)
        user.session_epoch += 1
        end_sessions(s, user.id)
        s.add(AuditEntry(user=by, action="user.set_password", target=name, ip=ip))
    return user


def remove_user(url: str, name: str, *, by: str | None = None, ip: str | None = None) -> None:
    with session_factory(url).begin() as s:
        user = _get(s, name)
        if user.role == "admin" and count_admins(s, exclude=user.id) == 0:
            raise UserError("refused: that would leave no administrator")
        end_sessions(s, user.id)
        s.delete(user)
        s.add(AuditEntry(user=by, action="user.remove", target=name, detail={"role": user.role}, ip=ip))


def end_sessions(s, user_id: int) -> None:
    """Delete the user's server-side sessions (dashboard/auth.py): every cookie of theirs stops working."""
    s.execute(delete(UserSession).where(UserSession.user_id == user_id))


def _get(s, name: str) -> User:
    user = s.scalar(select(User).where(User.name == name))
    if user is None:
        raise UserError(f"no user {name!r}")
    return user


def authenticate(url: str, name: str, password: str, ip: str | None = None) -> User | None:
    """The user when name and password match an active user, else None; both outcomes audited."""
    name = (name or "").strip()[:120]
    with session_factory(url).begin() as s:
        user = s.scalar(select(User).where(User.name == name)) if name else None
        ok = False
        try:
            ok = _hasher.verify(user.password_hash if user else _dummy_hash(), password or "")
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
        ok = ok and user is not None and user.active
        if ok:
            if _hasher.check_needs_rehash(user.password_hash):
                user.password_hash = hash_password(password)
            user.last_login_at = _now()
        s.add(AuditEntry(user=name or None, action="login" if ok else "login.failed", ip=ip))
        return user if ok else None


def ensure_env_admin(url: str, env: dict[str, str] | None = None) -> str | None:
    """Create the administrator named by ``INTL_ADMIN_USER`` / ``INTL_ADMIN_PASSWORD`` if missing.

    Never changes an existing user (so a stale variable cannot reset a password). Returns
    the name created, else None.
    """
    env = os.environ if env is None else env
    name, password = env.get("INTL_ADMIN_USER"), env.get("INTL_ADMIN_PASSWORD")
    if not name or not password:
        return None
    if get_user(url, name.strip()):
        return None
    try:
        add_user(url, name, password, "admin", by="env:INTL_ADMIN_USER")
    except UserError as exc:
        if "exists already" in str(exc):  # another worker created it a moment ago
            return None
        raise
    return name.strip()


def ensure_demo_admin(url: str) -> tuple[str, str] | None:
    """For ``intl demo`` on a fresh machine: when the database has no user at all, create the
    administrator ``admin`` with a random password and return (name, password) to print.

    Sign-in stays on in the demo: the password exists only on the terminal that started it.
    """
    with session_factory(url)() as s:
        if s.scalar(select(func.count()).select_from(User)):
            return None
    password = secrets.token_urlsafe(12)
    try:
        add_user(url, "admin", password, "admin", by="intl demo")
    except UserError:
        return None
    return "admin", password


def recent_audit(url: str, limit: int = 200, user: str | None = None, action: str | None = None
                 ) -> list[AuditEntry]:
    with session_factory(url)() as s:
        q = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if user:
            q = q.where(AuditEntry.user == user)
        if action:
            q = q.where(AuditEntry.action.startswith(action))
        return list(s.scalars(q))
