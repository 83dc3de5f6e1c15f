"""Engines and sessions; schema creation and upgrade through Alembic."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from etl.config import normalise_url
from etl.load import rollups as _rollups  # noqa: F401  (every session's commit keeps the rollups exact)

MIGRATIONS = Path(__file__).resolve().parent / "load" / "migrations"


def _sqlite_pragmas(dbapi_conn, _record):
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")  # readers (the dashboard) never wait for the ETL
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


_ENGINES: dict[str, Engine] = {}


def get_engine(url: str) -> Engine:
    """One engine (and pool) per URL per process."""
    url = normalise_url(url)
    if url not in _ENGINES:
        _ENGINES[url] = _make_engine(url)
    return _ENGINES[url]


def dispose_engines() -> None:
    for e in _ENGINES.values():
        e.dispose()
    _ENGINES.clear()


def _make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:" and not path.startswith("file:"):  # (file:…?mode=ro: a URI, as it is)
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # pre-ping: a connection that died while pooled (a server restart, an idle timeout) is
    # replaced before use instead of failing a request; a dashboard request pays it once, on
    # the connection it holds for its reads (connect() below)
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


# ---------------------------------------------------------------------------
# One connection per request for the dashboard's reads
# ---------------------------------------------------------------------------
_holder: Callable[[], dict[str, Connection] | None] = lambda: None


def hold_connections(holder: Callable[[], dict[str, Connection] | None]) -> None:
    """``holder()`` gives the dict in which :func:`connect` keeps the connections of the current
    scope (a web request: the dashboard's ``flask.g``), or None outside one; :func:`release`
    returns them to the pool when the scope ends."""
    global _holder
    _holder = holder


def _reader(url: str) -> Connection:
    """A pooled connection in autocommit: each read is a transaction of its own, so no ``BEGIN``
    before it and no ``ROLLBACK`` when the connection goes back (on PostgreSQL two round trips
    per connection), and no transaction left open between a request's reads. (Under PostgreSQL's
    READ COMMITTED every statement took its own snapshot anyway; SQLite's driver began no
    transaction for a SELECT.)"""
    return get_engine(url).connect().execution_options(isolation_level="AUTOCOMMIT")


@contextmanager
def connect(url: str) -> Iterator[Connection]:
    """A connection to read with (never to write: it commits each statement): the one the
    current scope holds for ``url`` (taken from the pool at its first read, kept until
    :func:`release`), else one from the pool for this block.

    A dashboard callback runs five to ten reads (the data version, its queries); each
    ``engine.connect()`` was a pool checkout, and on PostgreSQL a checkout cost three round
    trips of its own: the pre-ping, the ``BEGIN`` before the first statement, the ``ROLLBACK``
    on return. Held for the request, the ping is paid once per request; in autocommit
    (:func:`_reader`) the other two not at all.
    """
    held = _holder()
    if held is None:
        with _reader(url) as conn:
            yield conn
        return
    key = normalise_url(url)
    conn = held.get(key)
    if conn is None or conn.closed or conn.invalidated:
        if conn is not None:
            with suppress(Exception):
                conn.close()
        conn = held[key] = _reader(key)
    try:
        yield conn
    except BaseException:
        with suppress(Exception):  # (an invalidated connection must be rolled back before its next use)
            conn.rollback()
        raise


def release(held: dict[str, Connection] | None) -> None:
    """Return the connections of a scope (:func:`hold_connections`) to their pools."""
    for conn in (held or {}).values():
        with suppress(Exception):
            conn.close()
    if held:
        held.clear()


def session_factory(url: str) -> sessionmaker[Session]:
    return sessionmaker(get_engine(url), expire_on_commit=False)


def alembic_config(url: str):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Create or upgrade the schema to ``revision`` (``intl init``)."""
    from alembic import command

    cfg = alembic_config(url)
    with get_engine(url).begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def current_revision(url: str) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with get_engine(url).connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
