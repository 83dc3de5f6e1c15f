"""The Overview's callbacks called as plain functions, the URL ⇄ filter binding, and the app."""
from __future__ import annotations

import json
import re

import pytest
from dash import no_update

from dashboard import ids
from dashboard.components.filters import filters_from_widgets, sync_filters
from dashboard.components.kpi import delta_text
from dashboard.figures import common as figures
from dashboard.figures import overview as fo
from dash import dcc

from dashboard.components.html_table import text_of
from dashboard.pages import overview
from dashboard.queries.common import Filters
from tests.dashboard import fixture_db


def _text(component) -> str:
    """All text inside a Dash component tree."""
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return " ".join(_text(c) for c in component)
    if isinstance(component, dcc.Markdown):   # a table or a list as one component: its HTML's text
        return text_of(component.children)
    return _text(getattr(component, "children", None))


def test_kpi_cards_show_totals_and_change_against_previous_year(sqlite_world):
    f = Filters.make(schools=[sqlite_world.school_ids["School of Computer Science"]])
    cards = overview.kpi_cards(sqlite_world.url, f.to_dict())
    exp = fixture_db.expected(sqlite_world, f)["kpis"]
    texts = [_text(c) for c in cards]
    assert len(cards) == 4
    assert f"{exp['documents']:,}" in texts[0] and "Documents" in texts[0]
    assert f"{exp['partners']:,}" in texts[1]
    cur = fixture_db.expected(sqlite_world, Filters.make(schools=f.schools, year_from=2024, year_to=2024))["kpis"]
    prev = fixture_db.expected(sqlite_world, Filters.make(schools=f.schools, year_from=2023, year_to=2023))["kpis"]
    assert f"2024: {cur['documents']}" in texts[0]
    assert delta_text(cur["documents"], prev["documents"])[0] in texts[0]
    assert "vs 2023" in texts[0]


def test_school_filter_changes_the_charts(sqlite_world):
    everything = overview.per_year_figure(sqlite_world.url, Filters().to_dict())
    one = overview.per_year_figure(sqlite_world.url, {"schools": [sqlite_world.school_ids["School of Automation"]]})
    total = lambda fig: sum(sum(t.y) for t in fig.data)  # noqa: E731
    assert total(everything) == sum(fixture_db.expected(sqlite_world, Filters())["per_year"].values())
    assert 0 < total(one) < total(everything)
    by_school = overview.by_school_figure(sqlite_world.url,
                                          {"schools": [sqlite_world.school_ids["School of Automation"]]})
    assert list(by_school.layout.yaxis.categoryarray) == ["Automation"]
    m, bars = overview.countries_figures(sqlite_world.url, {})
    assert m.layout.title.text == fo.MAP_TITLE and bars.data


def test_filters_matching_nothing_say_so(sqlite_world):
    fig = overview.partners_figure(sqlite_world.url, {"countries": ["FR"]})
    assert figures.is_empty(fig) and "filter" in fig.layout.annotations[0].text.lower()


def test_empty_and_uninitialised_databases_explain_how_to_load(sqlite_url, tmp_path):
    from etl.db import upgrade

    upgrade(sqlite_url)
    fig = overview.per_year_figure(sqlite_url, {})
    assert figures.is_empty(fig) and "intl demo" in fig.layout.annotations[0].text
    assert "No ETL run yet" in _text(overview.changes_panel(sqlite_url))
    bare = f"sqlite:///{tmp_path / 'bare.db'}"
    fig = overview.by_school_figure(bare, {})
    assert figures.is_empty(fig) and "intl init" in fig.layout.annotations[0].text
    assert len(overview.kpi_cards(bare, {})) == 4


def test_changes_panel_lists_the_latest_run(sqlite_world):
    text = _text(overview.changes_panel(sqlite_world.url))
    assert f"Run #{sqlite_world.runs[-1]}" in text and "partial" in text
    assert "Zeta College" in text
    assert "1 file could not be read" in text


def test_sync_filters_url_to_widgets_and_back():
    # Page load / back button: the widgets follow the URL.
    out = sync_filters(ids.URL, "?from=2019&school=3,1&kind=conference", None, None, None, 2016, 2025)
    search, years, schools, kinds, store, _summary = out
    assert search is no_update and years == [2019, 2025] and schools == [1, 3] and kinds == ["conference"]
    assert Filters.from_dict(store) == Filters.make(year_from=2019, schools=[1, 3], activity_kinds=["conference"])
    # A widget changed: the URL follows; a slider end at its bound means "no limit".
    out = sync_filters(ids.FILTER_SCHOOLS, "?from=2019", [2019, 2025], [4], [], 2016, 2025)
    assert out[0] == "?from=2019&school=4" and out[2] is no_update
    out = sync_filters(ids.FILTER_YEARS, "?from=2019&school=4", [2016, 2025], [4], [], 2016, 2025)
    assert out[0] == "?school=4"
    # Unchanged view: no new history entry.
    assert sync_filters(ids.FILTER_KINDS, "?school=4", [2016, 2025], [4], [], 2016, 2025)[0] is no_update
    # Reset clears everything.
    out = sync_filters(ids.FILTER_RESET, "?school=4&country=DE", [2018, 2020], [4], ["agreement"], 2016, 2025)
    assert out[0] == "" and out[1] == [2016, 2025] and out[2] == [] and Filters.from_dict(out[4]).is_empty
    # Filters without a widget yet (country) survive a widget change.
    f = filters_from_widgets([2016, 2025], [2], None, 2016, 2025, base=Filters.make(countries=["de"]))
    assert f.countries == ("DE",) and f.schools == (2,)


def test_filters_parse_sanitise_and_round_trip():
    f = Filters.from_search("?to=2018&from=2022&school=2,x,2&kind=conference,bogus&lang=fr&country=de")
    assert f.year_from == 2018 and f.year_to == 2022, "a reversed range is put right"
    assert f.schools == (2,) and f.activity_kinds == ("conference",)
    assert f.language is None and f.countries == ("DE",)
    assert Filters.from_search(f.to_search()) == f
    assert Filters.from_dict(f.to_dict()) == f
    assert Filters.from_search("") == Filters() and Filters().to_search() == ""
    assert hash(f) == hash(Filters.from_search(f.to_search()))


# ---------------------------------------------------------------------------
# The app itself, through Flask's test client
# ---------------------------------------------------------------------------
@pytest.fixture
def client(sqlite_world):
    from dashboard.app import create_app

    app = create_app(sqlite_world.url)
    return app.server.test_client()


def test_app_serves_layout_assets_and_callbacks_locally(client, sqlite_world):
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    external = [u for u in re.findall(r'(?:src|href)="([^"]+)"', html) if re.match(r"(https?:)?//", u)]
    assert external == [], "the page references no other host"
    assert "00-bootstrap.min.css" in html and "app.css" in html
    for path in ("/assets/00-bootstrap.min.css", "/assets/topojson/world_110m.json",
                 "/assets/fonts/wqy-microhei-gb2312.woff2"):
        r = client.get(path)
        assert r.status_code == 200 and len(r.data) > 10_000, path
    layout = client.get("/_dash-layout").get_data(as_text=True)
    for cid in (ids.URL, ids.FILTERS, ids.FILTER_SCHOOLS, ids.FILTER_YEARS, ids.FILTER_KINDS):
        assert f'"{cid}"' in layout
    assert "Test University of Technology" in layout and "School of Automation" in layout
    deps = json.loads(client.get("/_dash-dependencies").get_data(as_text=True))
    outputs = " ".join(d["output"] for d in deps)
    for cid in (ids.OV_PER_YEAR, ids.OV_BY_SCHOOL, ids.OV_PARTNERS, ids.OV_COUNTRY_MAP, ids.OV_KPIS):
        assert cid in outputs


def _values(y) -> list:
    """Plotly sends numbers as lists or as typed arrays (``{"dtype", "bdata"}``)."""
    if isinstance(y, dict):
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"]).tolist()
    return list(y)


def test_a_callback_through_the_dash_endpoint(client, sqlite_world):
    sid = sqlite_world.school_ids["School of Automation"]
    body = {"output": f"{ids.OV_PER_YEAR}.figure", "outputs": {"id": ids.OV_PER_YEAR, "property": "figure"},
            "inputs": [{"id": ids.FILTERS, "property": "data", "value": Filters.make(schools=[sid]).to_dict()}],
            "changedPropIds": [f"{ids.FILTERS}.data"],
            "state": [{"id": ids.URL, "property": "search", "value": ""}]}   # the interface language
    r = client.post("/_dash-update-component", json=body)
    assert r.status_code == 200
    fig = r.get_json()["response"][ids.OV_PER_YEAR]["figure"]
    total = sum(sum(_values(t["y"])) for t in fig["data"])
    exp = fixture_db.expected(sqlite_world, Filters.make(schools=[sid]))["per_year"]
    assert sum(exp.values()) > 0
    assert total == sum(exp.values())


def test_query_results_are_cached_until_the_next_run(sqlite_world):
    from dashboard.app import create_app
    from dashboard.cache import cached
    from dashboard.queries import overview as q
    from etl.db import session_factory
    from etl.load.models import Run

    app = create_app(sqlite_world.url)
    calls = []

    def counting(url, f):
        calls.append(f)
        return q.kpis(url, f)

    with app.server.app_context():
        a = cached(counting, sqlite_world.url, Filters())
        b = cached(counting, sqlite_world.url, Filters())
        assert a == b and len(calls) == 1
        cached(counting, sqlite_world.url, Filters.make(year_from=2020))
        assert len(calls) == 2, "another filter set is another entry"
        with session_factory(sqlite_world.url).begin() as s:
            s.add(Run(trigger="test", status="running"))
        cached(counting, sqlite_world.url, Filters())
        assert len(calls) == 3, "a new run invalidates the cache"
    assert cached(counting, sqlite_world.url, Filters()) == a and len(calls) == 4, "no app: a plain call"


def test_redis_cache_when_redis_url_is_set(sqlite_world):
    """With REDIS_URL the cache is Redis (shared by gunicorn workers); without it, in-process."""
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    from flask import Flask

    from dashboard.cache import cache, cached, init_cache
    from dashboard.queries import overview as q

    server = Flask("redis-test")
    server.config["INTL_DATABASE_URL"] = sqlite_world.url
    init_cache(server, "redis://127.0.0.1:6379/15")
    assert server.config["INTL_CACHE_TYPE"] == "RedisCache"
    calls = []

    def counting(url, f):
        calls.append(f)
        return q.kpis(url, f)

    with server.app_context():
        cache.clear()
        first = cached(counting, sqlite_world.url, Filters.make(year_from=2019))
        assert cached(counting, sqlite_world.url, Filters.make(year_from=2019)) == first and len(calls) == 1
        cache.clear()


def test_unreachable_redis_is_bypassed(sqlite_world):
    from flask import Flask

    from dashboard.cache import cached, init_cache
    from dashboard.queries import overview as q

    server = Flask("redis-down")
    init_cache(server, "redis://127.0.0.1:1/0")   # nothing listens on port 1
    with server.app_context():
        assert cached(q.kpis, sqlite_world.url, Filters()) == fixture_db.expected(sqlite_world, Filters())["kpis"]


def test_the_server_entry_point_moves_its_start_up_objects_out_of_full_collections():
    """``dashboard.app`` (gunicorn's ``dashboard.app:server``) freezes what it built at start-up,
    so a full garbage collection does not walk it again during a request (bench/dashboard.py)."""
    import gc
    import importlib.util

    from dashboard.app import server  # gunicorn: getattr(dashboard.app, "server")

    assert gc.get_freeze_count() > 10_000
    import dashboard.app

    assert server is dashboard.app.server is dashboard.app.app.server  # one app, built once
    # the import alone builds no app (intl serve and the tests import create_app and build their own)
    spec = importlib.util.find_spec("dashboard.app")
    fresh = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fresh)
    assert "app" not in vars(fresh) and "server" not in vars(fresh) and fresh._served is None
