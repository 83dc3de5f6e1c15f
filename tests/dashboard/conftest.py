"""The dashboard tests' sample, defined once: the deterministic database of
``fixture_db`` (four schools, nine partners, ~90 documents over 2018–2024, two runs), optionally
with ``fixture_explore``'s additions (articles with evidence spans, office-report rows).
Both are built in code from a fixed seed, so a test knows every row (``fixture_db.expected``).

- ``world`` (SQLite and PostgreSQL) / ``sqlite_world``: fixture_db's sample, fresh for each test,
  so a test may build rollups or record a curation;
- ``ex`` (SQLite and PostgreSQL) / ``ex_sqlite``: the sample with fixture_explore's additions,
  one database per test module and backend: the tests that use it only read.

Other fixtures build on these (``test_i18n.explore`` gives one partner a Chinese name). Data of
another shape stays with its module: the Programs tests load the bundled office reports.
"""
from __future__ import annotations

import pytest

from tests.conftest import from_template, new_database
from tests.dashboard import fixture_db, fixture_explore

# Each is built once per worker and backend and copied for each test or module (tests/conftest.py's
# ``from_template``): the copy is the database ``fixture_db.build`` / ``fixture_explore.build`` makes.


def layout_components(node):
    """Every component of a layout as Dash serialises it (``{"type", "namespace", "props"}``, e.g. the JSON of
    ``/_dash-layout`` or of a callback's answer), depth first."""
    if isinstance(node, dict):
        if "props" in node and "type" in node:
            yield node
            node = node["props"]
        for v in node.values():
            yield from layout_components(v)
    elif isinstance(node, list):
        for v in node:
            yield from layout_components(v)


def world_on(url: str) -> fixture_db.World:
    return from_template(url, "world", fixture_db.build)


def explore_on(url: str) -> fixture_explore.Explore:
    return from_template(url, "explore", fixture_explore.build)


@pytest.fixture
def world(db_url) -> fixture_db.World:
    return world_on(db_url)


@pytest.fixture
def sqlite_world(sqlite_url) -> fixture_db.World:
    """For what only renders query results (figures, panels, callbacks): SQLite is enough."""
    return world_on(sqlite_url)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def ex(request, tmp_path_factory) -> fixture_explore.Explore:
    with new_database(request.param, tmp_path_factory.mktemp("explore")) as url:
        yield explore_on(url)


@pytest.fixture(scope="module")
def ex_sqlite(tmp_path_factory) -> fixture_explore.Explore:
    with new_database("sqlite", tmp_path_factory.mktemp("explore-sqlite")) as url:
        yield explore_on(url)


@pytest.fixture
def home(monkeypatch):
    """``home("DE")`` sets the home country (``None``: no home country) for the test, cache cleared."""
    from dashboard.queries import domestic

    def set_home(code: str | None):
        monkeypatch.setenv("INTL_HOME_COUNTRY", code or "none")
        domestic.home_country.cache_clear()
    yield set_home
    domestic.home_country.cache_clear()
