"""The query cache reads the database's data version once per request (dashboard/cache.py): a
callback's cached queries share it; the next request reads it again, so a write between two
requests still invalidates every cached result."""
from __future__ import annotations

from dashboard.queries import common
from dashboard.queries import overview as q
from dashboard.queries.common import Filters
from etl.db import session_factory
from etl.load.models import Run


def test_one_data_version_per_request(sqlite_world, monkeypatch):
    from dashboard.app import create_app
    from dashboard.cache import cache, cached

    app = create_app(sqlite_world.url)
    url = sqlite_world.url
    reads, calls = [], []
    real = common.data_version
    monkeypatch.setattr(common, "data_version", lambda u: reads.append(u) or real(u))

    def counting(u, f):
        calls.append(f)
        return q.kpis(u, f)

    with app.server.app_context():
        cache.clear()
    with app.server.test_request_context("/"):
        a = cached(counting, url, Filters())
        cached(counting, url, Filters.make(year_from=2020))
        cached(counting, url, Filters())
        assert len(reads) == 1 and len(calls) == 2
    with session_factory(url).begin() as s:     # a write between two requests
        s.add(Run(trigger="test", status="running"))
    with app.server.test_request_context("/"):
        assert cached(counting, url, Filters()) == a
        assert len(reads) == 2 and len(calls) == 3, "the next request sees the new version"


def test_a_frame_argument_is_keyed_by_all_its_rows():
    """A query handed another query's rows (the Partner page's per-year sets) is keyed by every
    row of them: pandas' repr elides the middle of a long frame, so two frames differing there
    shared a key."""
    import pandas as pd

    from dashboard.cache import cache_key

    def fn(url, rows):  # noqa: ARG001
        return None

    a = pd.DataFrame({"year": range(2000, 2400), "n": [1] * 400})
    b = a.copy()
    b.loc[200, "n"] = 2
    assert repr(a) == repr(b), "the premise: the repr hides row 200"
    key = lambda df: cache_key(fn, "sqlite://", ("v",), (Filters(), df), {})  # noqa: E731
    assert key(a) != key(b) and key(a) == key(a.copy())
    lists = pd.DataFrame({"kinds": [["a"], ["b"]] * 200})  # cells pandas cannot hash
    other = lists.copy()
    other.at[200, "kinds"] = ["c"]
    assert key(lists) != key(other) and key(lists) == key(lists.copy())
