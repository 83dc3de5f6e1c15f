"""The benchmarks' PostgreSQL option works inside the database it is given: a schema of its own,
made and marked by the bench; a schema it did not make is refused, and no database is created
or dropped (bench/pg_schema.py)."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from bench.pg_schema import schema_url
from etl.config import normalise_url


# The test suite's own databases (tests/conftest.py: per-test copies, templates, spares, and those being dropped
# in the background) come and go on the other xdist worker while this test runs: they are not the bench's.
_SUITES_OWN = ("intl_drop_", "intl_spare_", "intl_test_", "intl_tmpl_")


def _databases(url: str) -> set[str]:
    eng = create_engine(normalise_url(url))
    with eng.connect() as c:
        names = set(c.execute(text("SELECT datname FROM pg_database")).scalars())
    eng.dispose()
    return {n for n in names if not n.startswith(_SUITES_OWN)}


def test_the_bench_works_in_a_marked_schema_of_the_database_given(pg_url):
    before = _databases(pg_url)
    url, existed = schema_url(pg_url, "t", reset=True)
    assert not existed
    eng = create_engine(url)
    with eng.begin() as c:
        assert c.execute(text("SHOW search_path")).scalar() == "intl_bench_t"
        c.execute(text("CREATE TABLE probe (x int)"))
    eng.dispose()
    again, existed = schema_url(pg_url, "t", reset=False)
    assert existed and again == url
    schema_url(pg_url, "t", reset=True)  # its own, marked schema: dropped and made anew
    eng = create_engine(url)
    with eng.connect() as c:
        assert c.execute(text("SELECT to_regclass('probe')")).scalar() is None
    eng.dispose()
    assert _databases(pg_url) == before


def test_a_schema_the_bench_did_not_make_is_refused(pg_url):
    eng = create_engine(normalise_url(pg_url))
    with eng.begin() as c:
        c.execute(text("CREATE SCHEMA intl_bench_theirs"))
        c.execute(text("CREATE TABLE intl_bench_theirs.keep (x int)"))
    with pytest.raises(SystemExit, match="refusing"):
        schema_url(pg_url, "theirs", reset=True)
    with eng.connect() as c:
        assert c.execute(text("SELECT to_regclass('intl_bench_theirs.keep')")).scalar() is not None
    eng.dispose()
    with pytest.raises(SystemExit, match="--pg needs"):
        schema_url("", "t", reset=False)
