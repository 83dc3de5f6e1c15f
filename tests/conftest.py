"""Shared fixtures: a fresh database on SQLite and on PostgreSQL for every test that asks.

PostgreSQL comes from TEST_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test);
each test gets a database of its own, created and dropped here. Under CI=true a missing
server is an error, never a skip.
"""
from __future__ import annotations

import copy
import dataclasses
import fcntl
import os
import pickle
import queue
import shutil
import sqlite3
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

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


# -- the longest modules first ------------------------------------------------------------------------
# ``make test`` hands whole files to two xdist workers (``--dist loadfile``). Started last, a long module (a
# browser walk, the wheel built and installed into a fresh venv, a process crashed mid-run) leaves the other
# worker idle at the end; started first, it runs beside everything else. The files go out in the order below
# (longest first, by their summed test durations in a full run, ``--durations``), then in the collected
# order. xdist would otherwise reorder the files by their number of tests, most first, and send the long
# modules of one or two tests last: ``--no-loadscope-reorder`` (pyproject's addopts) keeps this order.
HEAVY_FIRST = [
    "tests/test_etl_limits.py",
    "tests/browser/test_exports_ui.py",
    "tests/test_extract_linear.py",
    "tests/test_export_zh.py",
    "tests/browser/test_i18n.py",
    "tests/test_hardening.py",
    "tests/test_etl_crash.py",
    "tests/browser/test_programmes.py",
    "tests/test_packaging.py",
    "tests/browser/test_names_and_csp.py",
    "tests/browser/test_programs.py",
    "tests/browser/test_partners.py",
    "tests/test_etl_pipeline.py",
    "tests/browser/test_hostile_input.py",
    "tests/browser/test_admin_pages.py",
    "tests/test_page_dates.py",
    "tests/test_export_figures.py",
    "tests/browser/test_schools.py",
    "tests/test_admin_job_process.py",
    "tests/test_export_report.py",
    "tests/test_export_subjects.py",
    "tests/test_programmes.py",
    "tests/test_reports_workbooks.py",
    "tests/test_curation.py",
    "tests/test_rollups.py",
    "tests/browser/test_exports_detail_pages.py",
    "tests/test_auth_sessions.py",
    "tests/test_export_cli.py",
    "tests/test_export_fonts.py",
    "tests/test_schedule.py",
    "tests/test_etl_nice.py",
    "tests/test_export_routes.py",
    "tests/dashboard/test_perf_plans.py",
    "tests/browser/test_overview.py",
    "tests/test_admin_celery.py",
    "tests/test_admin_i18n.py",
]


def pytest_collection_modifyitems(session, config, items):
    rank = {path: i for i, path in enumerate(HEAVY_FIRST)}

    def key(item):
        rel = Path(str(item.fspath)).resolve().relative_to(ROOT).as_posix() if ROOT in Path(
            str(item.fspath)).resolve().parents else ""
        return rank.get(rel, len(rank))

    items.sort(key=key)  # stable: the collected order within each rank


@pytest.fixture(scope="session")
def pg_server():
    why = _pg_available()
    if why:
        if IN_CI:
            pytest.fail(why + " (CI=true: database tests must run)")
        pytest.skip(why)
    return PG_URL


# -- dropping databases in the background ---------------------------------------------------------------
# DROP DATABASE takes PostgreSQL one to several seconds (its files removed and synced), during which the
# test worker has nothing to do. A database no test uses any more is renamed out of the way (a catalog
# update, immediate: its name can be reused at once) and dropped by a thread of this process, while the
# next tests run. The session's end waits for the last drops.
_DROPS: queue.Queue[str | None] = queue.Queue()
_DROPPER: threading.Thread | None = None
_DROP_ERRORS: list[str] = []


def _dropper() -> None:
    _, eng = _pg_admin()
    try:
        while (name := _DROPS.get()) is not None:
            try:
                with eng.connect() as c:
                    c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            except Exception as exc:  # noqa: BLE001 - reported at the session's end
                _DROP_ERRORS.append(f"{name}: {exc.__class__.__name__}: {exc}")
    finally:
        eng.dispose()


def _drop_later(name: str) -> None:
    """Rename the database ``name`` (no connection of this process left on it) to a name of its own and
    drop it in the background."""
    global _DROPPER
    _pg_terminate(name)
    _, eng = _pg_admin()
    trash = f"intl_drop_{uuid.uuid4().hex[:12]}"
    with eng.connect() as c:
        if not c.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first():
            eng.dispose()
            return  # gone already (what DROP DATABASE IF EXISTS allowed before)
        c.execute(text(f'ALTER DATABASE "{name}" RENAME TO "{trash}"'))
    eng.dispose()
    if _DROPPER is None or not _DROPPER.is_alive():
        _DROPPER = threading.Thread(target=_dropper, name="pg-dropper", daemon=True)
        _DROPPER.start()
    _DROPS.put(trash)


def _wait_for_drops() -> None:
    """Let the dropper finish the queue (the end mark comes after every name) and stop."""
    global _DROPPER
    if _DROPPER is not None and _DROPPER.is_alive():
        _DROPS.put(None)
        _DROPPER.join(timeout=600)
    _DROPPER = None


# A new empty database that a test replaced by a template's copy before anything was made in it (see
# from_template) is kept, renamed, for the next test asking for an empty one: a rename instead of
# CREATE DATABASE.
_SPARES: list[str] = []


def _pristine(url: str) -> bool:
    """Has the PostgreSQL database at ``url`` nothing of its own: no relation, type, function or schema
    beyond what CREATE DATABASE makes?"""
    from etl.config import normalise_url

    eng = create_engine(normalise_url(url), poolclass=NullPool, connect_args={"connect_timeout": 3})
    try:
        with eng.connect() as c:
            return not c.execute(text("""
                SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast'))
                     + (SELECT count(*) FROM pg_namespace WHERE nspname NOT IN
                        ('pg_catalog', 'information_schema', 'pg_toast', 'public') AND nspname NOT LIKE 'pg_%')
                     + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                        WHERE n.nspname = 'public')
                     + (SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                        WHERE n.nspname = 'public')
                     + (SELECT count(*) FROM pg_extension WHERE extname <> 'plpgsql')""")).scalar()
    finally:
        eng.dispose()


@contextmanager
def _pg_database(template: str | None = None) -> Iterator[str]:
    """A new PostgreSQL database (its URL), dropped afterwards: empty, or a copy of ``template``."""
    url, eng = _pg_admin()
    name = f"intl_test_{uuid.uuid4().hex[:10]}"
    with eng.connect() as c:
        if template is None and _SPARES:
            c.execute(text(f'ALTER DATABASE "{_SPARES.pop()}" RENAME TO "{name}"'))
        else:
            c.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    eng.dispose()
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        from etl.db import dispose_engines

        dispose_engines()
        _drop_later(name)


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
    """Settings on a new database at the schema's head (every run migrates first anyway)."""
    from etl.config import load_settings

    migrated(db_url)
    return load_settings(config=ROOT / "tests" / "no-such-config.toml", database_url=db_url)


# -- databases built once per worker, copied for each test ---------------------------------------------
# Migrating a new database takes a second or two, and loading the sample through the ETL several
# seconds. What a test starts from is built once per xdist worker (by the real code: migrations,
# pipeline, fixture builders) and copied for each test that asks: a file copy on SQLite,
# ``CREATE DATABASE … TEMPLATE`` on PostgreSQL. Each test still has a database of its own.
T = TypeVar("T")


@dataclasses.dataclass
class _Template:
    url: str
    value: Any
    name: str = ""          # PostgreSQL: the template database's name
    shared: bool = False    # built for every worker of the run (dropped by the run's main process)


_TEMPLATES: dict[tuple[str, str], _Template] = {}
_TEMPLATE_DIR: Path | None = None


def _backend(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def _sqlite_path(url: str) -> Path:
    return Path(url.split("///", 1)[1])


def _release(url: str) -> None:
    """Close this process's engine (and pooled connections) on ``url``, if there is one."""
    from etl.config import normalise_url
    from etl.db import _ENGINES

    eng = _ENGINES.pop(normalise_url(url), None)
    if eng is not None:
        eng.dispose()


def _pg_terminate(name: str) -> None:
    _, eng = _pg_admin()
    with eng.connect() as c:
        c.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = :n AND pid <> pg_backend_pid()"), {"n": name})
    eng.dispose()


def _build_template(key: str, backend: str, build: Callable[[str], Any], folder: Path | None = None) -> _Template:
    global _TEMPLATE_DIR
    if backend == "sqlite":
        if folder is None:
            if _TEMPLATE_DIR is None:
                _TEMPLATE_DIR = Path(tempfile.mkdtemp(prefix="intl-templates-"))
            folder = _TEMPLATE_DIR
        path = folder / f"{key}.db"
        url = f"sqlite:///{path}"
        value = build(url)
        _release(url)
        with sqlite3.connect(path) as c:  # everything into the main file: the copy is that one file
            c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return _Template(url, value)
    why = _pg_available()
    if why:
        if IN_CI:
            pytest.fail(why + " (CI=true: database tests must run)")
        pytest.skip(why)
    admin_url, eng = _pg_admin()
    name = f"intl_tmpl_{key}_{uuid.uuid4().hex[:8]}"
    with eng.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    eng.dispose()
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    try:
        value = build(url)
    except BaseException:
        _release(url)
        _drop_pg(name)
        raise
    _release(url)
    _pg_terminate(name)  # a template may have no other connection when it is copied
    return _Template(url, value, name)


def _drop_pg(name: str) -> None:
    _pg_terminate(name)
    _, eng = _pg_admin()
    with eng.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    eng.dispose()


def _retarget(value: Any, old: str, new: str) -> Any:
    """``value`` (a deep copy) with every dataclass field equal to ``old`` set to ``new``."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            v = getattr(value, f.name)
            if v == old:
                object.__setattr__(value, f.name, new)
            elif dataclasses.is_dataclass(v):
                _retarget(v, old, new)
    return value


def _is_empty(url: str) -> bool:
    """Has the database at ``url`` no tables yet?"""
    if _backend(url) == "sqlite":
        path = _sqlite_path(url)
        if not path.exists() or path.stat().st_size == 0:
            return True
        with sqlite3.connect(path) as c:
            return c.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    from etl.config import normalise_url

    eng = create_engine(normalise_url(url), poolclass=NullPool, connect_args={"connect_timeout": 3})
    try:
        with eng.connect() as c:
            return not c.execute(text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).scalar()
    finally:
        eng.dispose()


# -- one template for all the workers of a run ---------------------------------------------------------
# Loading the sample through the ETL takes a worker 10-20 s per backend, and other templates seconds
# each. The run's main process (the xdist controller, or the only process) makes a folder and names it
# in INTL_TEST_TEMPLATES, which the workers inherit. The first worker that needs a template builds it
# under a lock file there and leaves its description (pickled) beside it; the others wait for the lock
# and copy the same template. The main process drops the PostgreSQL ones when the run ends.
SHARED_ENV = "INTL_TEST_TEMPLATES"


def pytest_configure(config):
    if not hasattr(config, "workerinput") and not os.environ.get(SHARED_ENV):
        os.environ[SHARED_ENV] = tempfile.mkdtemp(prefix="intl-shared-templates-")
        config._intl_shared_templates = os.environ[SHARED_ENV]


def pytest_unconfigure(config):
    folder = getattr(config, "_intl_shared_templates", None)
    if not folder:
        return
    for meta in sorted(Path(folder).glob("*.postgresql.pickle")):
        try:
            _drop_pg(pickle.loads(meta.read_bytes()).name)
        except Exception:  # noqa: BLE001 - the server went away: nothing left to drop
            pass
    shutil.rmtree(folder, ignore_errors=True)
    os.environ.pop(SHARED_ENV, None)


def _shared_template(key: str, backend: str, build: Callable[[str], Any]) -> _Template:
    folder = Path(os.environ.get(SHARED_ENV) or "")
    if not os.environ.get(SHARED_ENV) or not folder.is_dir():
        return _build_template(key, backend, build)
    meta = folder / f"{key}.{backend}.pickle"
    with open(folder / f"{key}.{backend}.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # held while the first worker builds: the others would build the same
        try:
            if meta.exists():
                return pickle.loads(meta.read_bytes())
            tmpl = _build_template(key, backend, build, folder)
            try:
                data = pickle.dumps(dataclasses.replace(tmpl, shared=True))
            except Exception:  # noqa: BLE001 - a value that does not pickle: this worker's own template
                return tmpl
            part = meta.with_name(meta.name + f".{os.getpid()}.part")
            part.write_bytes(data)
            part.replace(meta)
            tmpl.shared = True
            return tmpl
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def from_template(url: str, key: str, build: Callable[[str], T]) -> T:
    """Make the new database at ``url`` what ``build(url)`` would make of it, and return what ``build``
    returned (a copy, with its URL set to ``url``). ``build`` runs once per ``key`` and backend in the
    run (see _shared_template), on a template database; every call copies the template. Where ``url`` already has tables,
    ``build(url)`` runs on it as it is."""
    if not _is_empty(url):
        return build(url)
    backend = _backend(url)
    tmpl = _TEMPLATES.get((key, backend))
    if tmpl is None:
        tmpl = _TEMPLATES[(key, backend)] = _shared_template(key, backend, build)
    _release(url)
    if backend == "sqlite":
        path = _sqlite_path(url)
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(_sqlite_path(tmpl.url), path)
    else:
        name = make_url(url).database
        _pg_terminate(name)
        if _pristine(url):  # kept for the next test asking for an empty database
            spare = f"intl_spare_{uuid.uuid4().hex[:12]}"
            _, eng = _pg_admin()
            with eng.connect() as c:
                c.execute(text(f'ALTER DATABASE "{name}" RENAME TO "{spare}"'))
            eng.dispose()
            _SPARES.append(spare)
        else:
            _drop_later(name)  # out of the way at once
        _, eng = _pg_admin()
        with eng.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{tmpl.name}"'))
        eng.dispose()
    return _retarget(copy.deepcopy(tmpl.value), tmpl.url, url)


def _run_sample(url: str):
    from etl.config import load_settings
    from etl.pipeline import Pipeline

    settings = load_settings(config=ROOT / "tests" / "no-such-config.toml", database_url=url)
    return Pipeline(settings, trigger="test").run([SAMPLE / "docs", SAMPLE / "reports"])


def sample_database(url: str):
    """data/sample (news documents and the office reports) loaded through the real pipeline into the new
    database at ``url``: a copy of the worker's one load. Returns the run's ``RunInfo``."""
    return from_template(url, "sample", _run_sample)


def _upgrade(url: str) -> None:
    from etl.db import upgrade

    upgrade(url)


def migrated(url: str) -> str:
    """The new database at ``url`` migrated to the head revision, and its URL: a copy of the worker's one
    migrated database (a file copy on SQLite; on PostgreSQL ``CREATE DATABASE … TEMPLATE``, under a second
    where the migrations take about five on a busy machine)."""
    from_template(url, "schema", _upgrade)
    return url


@pytest.fixture(scope="session", autouse=True)
def _drop_templates():
    yield
    from etl.db import dispose_engines

    dispose_engines()
    while _SPARES:
        _drop_later(_SPARES.pop())
    _wait_for_drops()
    if _DROP_ERRORS:
        import warnings

        warnings.warn("test databases left behind: " + "; ".join(_DROP_ERRORS), stacklevel=1)
    for (_key, backend), tmpl in list(_TEMPLATES.items()):
        if backend == "postgresql" and not tmpl.shared:
            try:
                _drop_pg(tmpl.name)
            except Exception:  # noqa: BLE001 - the server went away: nothing left to drop
                pass
    _TEMPLATES.clear()
    if _TEMPLATE_DIR is not None:
        shutil.rmtree(_TEMPLATE_DIR, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def _cli_keeps_the_workers_priority():
    """``intl etl run`` and ``intl etl schedule`` lower their process's CPU priority to ``[limits] nice``
    (etl/cli.py ``_background``). Invoked in-process through CliRunner they would lower the test
    worker's for the rest of the session (a niceness cannot be raised back), and with it the
    servers it starts later; tests/test_etl_nice.py checks it in a process of its own."""
    import etl.cli

    real = etl.cli._background
    etl.cli._background = lambda _settings: None
    yield
    etl.cli._background = real


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
