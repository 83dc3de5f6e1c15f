"""Shared fixtures: a fresh database on SQLite and on PostgreSQL for every test that asks.

PostgreSQL comes from TEST_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test);
each test gets a database of its own, created and dropped here. Under CI=true a missing
server is an error, never a skip.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
SAMPLE = ROOT / "data" / "sample"
PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _pg_admin():
    from etl.config import normalise_url

    url = make_url(normalise_url(PG_URL))
    return url, create_engine(url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})


def _pg_available() -> str | None:
    try:
        _, eng = _pg_admin()
        with eng.connect() as c:
            c.execute(text("select 1"))
        eng.dispose()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "no server"
        return f"PostgreSQL not reachable at {PG_URL}: {exc.__class__.__name__}"


@pytest.fixture(scope="session")
def pg_server():
    why = _pg_available()
    if why:
        if IN_CI:
            pytest.fail(why + " (CI=true: database tests must run)")
        pytest.skip(why)
    return PG_URL


@contextmanager
def _pg_database() -> Iterator[str]:
    """A new, empty PostgreSQL database (its URL), dropped afterwards."""
    url, eng = _pg_admin()
    name = f"intl_test_{uuid.uuid4().hex[:10]}"
    with eng.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        from etl.db import dispose_engines

        dispose_engines()
        with eng.connect() as c:
            c.execute(text(f"""SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                               WHERE datname = '{name}' AND pid <> pg_backend_pid()"""))
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        eng.dispose()


@pytest.fixture
def pg_url(pg_server):
    """A new, empty PostgreSQL database for one test."""
    with _pg_database() as url:
        yield url


@contextmanager
def new_database(backend: str, tmp_dir: Path) -> Iterator[str]:
    """A new empty database on ``backend`` ("sqlite" or "postgresql") for a longer-lived fixture
    (one per test module, say); the PostgreSQL one is created and dropped like ``pg_url``'s."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_dir / 'intl.db'}"
        return
    why = _pg_available()
    if why:
        if IN_CI:
            pytest.fail(why + " (CI=true: database tests must run)")
        pytest.skip(why)
    with _pg_database() as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'intl.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """The same test on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'intl.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def settings(db_url):
    from etl.config import load_settings

    return load_settings(config=ROOT / "tests" / "no-such-config.toml", database_url=db_url)


@pytest.fixture(scope="module", autouse=True)
def _dashboard_auth_setting(request):
    """Sign-in (dashboard/auth.py) is on by default. Test modules about pages, queries and
    exports run with its explicit development switch ``INTL_AUTH=off``; modules marked
    ``pytest.mark.auth`` (the security tests) keep it on. Module-scoped so that it is set
    before module-scoped app and live-server fixtures are built."""
    old = os.environ.get("INTL_AUTH")
    os.environ["INTL_AUTH"] = "on" if request.node.get_closest_marker("auth") else "off"
    yield
    if old is None:
        os.environ.pop("INTL_AUTH", None)
    else:
        os.environ["INTL_AUTH"] = old
