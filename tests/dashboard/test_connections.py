"""The dashboard's reads in a request share one pooled connection (etl.db.connect, held in the
request's ``g`` by dashboard.context.init_connections): a checkout is a round trip of its own on
PostgreSQL (the pre-ping), and each connection's transaction two more (BEGIN, the ROLLBACK on
return), so a callback's five to ten reads cost them once. What the statements answer is the
other tests' business; these count checkouts and statements, never time."""
from __future__ import annotations

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import SQLAlchemyError

from dashboard.pages import overview
from dashboard.queries import overview as qo
from dashboard.queries.common import Filters
from etl.db import connect, get_engine
from tests.dashboard import fixture_db
from tests.dashboard.sql_log import Statements


class Checkouts:
    """Pool checkouts of an engine inside a ``with`` block."""

    def __init__(self, url: str):
        self.pool = get_engine(url).pool
        self.n = 0

    def _count(self, *_args):
        self.n += 1

    def __enter__(self):
        event.listen(self.pool, "checkout", self._count)
        return self

    def __exit__(self, *exc):
        event.remove(self.pool, "checkout", self._count)


@pytest.fixture
def app(world):
    from dashboard.app import create_app
    from dashboard.cache import cache

    app = create_app(world.url)
    with app.server.app_context():
        cache.clear()
    return app


def test_a_callbacks_reads_take_one_connection(world, app):
    """The KPI cards (the data version, the year bounds, three KPI statements) and the per-year
    chart read on one connection per request, returned to the pool when the request ends."""
    url = world.url
    pool = get_engine(url).pool
    for body in (lambda: overview.kpi_cards(url, {}), lambda: overview.per_year_figure(url, {"year_from": 2020})):
        with Checkouts(url) as co, Statements(url) as st:
            with app.server.test_request_context("/"):
                body()
                assert pool.checkedout() == 1, "held for the request"
        assert len(st.seen) >= 3 and co.n == 1, (len(st.seen), co.n)
        assert pool.checkedout() == 0, "back in the pool when the request ends"
    # outside a request (the CLI, the report, a test) each block takes its own
    with Checkouts(url) as co:
        overview.kpi_cards(url, {})
    assert co.n > 1 and pool.checkedout() == 0


def test_reads_leave_no_transaction_open(world, app):
    """The request's reader is in autocommit: no BEGIN before a read, no ROLLBACK when it goes
    back to the pool, no transaction (and its locks) held between a request's reads."""
    from flask import g

    url = world.url
    with app.server.test_request_context("/"):
        overview.kpi_cards(url, {})
        (conn,) = g.intl_connections.values()
        raw = conn.connection.driver_connection
        if conn.dialect.name == "postgresql":
            from psycopg.pq import TransactionStatus

            assert raw.info.transaction_status == TransactionStatus.IDLE
        else:
            assert not raw.in_transaction


def test_a_failed_read_leaves_the_requests_connection_usable(world, app):
    """On PostgreSQL a failed statement aborts its transaction; the request's other reads still run."""
    url = world.url
    with app.server.test_request_context("/"):
        with pytest.raises(SQLAlchemyError), connect(url) as conn:
            conn.execute(text("SELECT * FROM no_such_table"))
        with connect(url) as conn:
            assert conn.execute(text("SELECT count(*) FROM documents")).scalar() == len(world.docs)
        # and the callbacks too, with what they answer
        cards = overview.kpi_cards(url, {})
    exp = fixture_db.expected(world, Filters())["kpis"]
    assert f"{exp['documents']:,}" in str(cards[0])


def test_the_latest_run_in_four_statements(world):
    """The run (with its unreadable files), then each list with its total (a window count): four
    statements for what the Overview's panel shows, where a list and a count each were nine."""
    url = world.url
    with Statements(url) as st:
        run = qo.latest_run(url, limit=2)
    assert len(st.seen) == 4, st.sql()
    full = qo.latest_run(url, limit=100)
    assert len(run.new_documents) == 2 and run.counts == full.counts
    assert run.counts["documents"] == len(full.new_documents) > 2
    assert run.errors == full.errors == 1


def test_requests_stay_synchronous_when_asgiref_is_importable(world, monkeypatch):
    """Dash turns its endpoints async (the pages router a coroutine run through asgiref's
    AsyncToSync) whenever asgiref can be imported; an optional package (Datasette) brings it. The
    app's callbacks are all synchronous, so its requests must not depend on what else is installed."""
    import inspect
    import sys
    import types

    from dashboard.app import create_app

    monkeypatch.setitem(sys.modules, "asgiref", types.ModuleType("asgiref"))
    server = create_app(world.url).server
    before = [f for fs in server.before_request_funcs.values() for f in fs]
    assert before and not any(inspect.iscoroutinefunction(f) for f in before)
    assert server.test_client().get("/").status_code == 200
