"""A filtered link opened afresh keeps its filters, at the level of the layout and the shell's callbacks.

The filter bar's dropdowns drop a value they have no option for when they first get one (Dash's
Dropdown), and the URL with it. The country options are the partner countries on record, so a link
to a country no partner is in (``?country=FR``) lost its filter on a page load. Here: the layout's
options with what the shell's callbacks answer at page load, every value the dropdowns are given
among their options for every kind of filter, and crafted values (``<script>``, an unknown code or
id) among none, so the dropdowns still drop them. The browser side: tests/browser/test_url_filters.py.
"""
from __future__ import annotations

import pytest

from dashboard import ids
from dashboard.components.filters import country_options
from dashboard.labels import LANGUAGE_LABELS, PARTNER_KIND_LABELS
from dashboard.queries import common as q
from dashboard.queries.common import Filters
from etl.load.models import ACTIVITY_KINDS
from tests.dashboard.conftest import layout_components

SYNC = f"{ids.FILTER_SUMMARY}.children"        # an output of the shell's filter sync alone
LANGUAGE = f"{ids.FILTER_RESET}.children"       # … and of its language switch alone
DROPDOWNS = (ids.FILTER_SCHOOLS, ids.FILTER_KINDS, ids.FILTER_COUNTRIES, ids.FILTER_PARTNER_KINDS,
             ids.FILTER_LANGUAGE)


@pytest.fixture
def app(sqlite_world):
    from dashboard.app import create_app

    return create_app(sqlite_world.url)


def _layout_props(client) -> dict[str, dict]:
    """The props of the shell's components with an id, as a page load gets them (``/_dash-layout``)."""
    r = client.get("/_dash-layout")
    assert r.status_code == 200
    return {c["props"]["id"]: c["props"] for c in layout_components(r.get_json())
            if isinstance(c["props"].get("id"), str)}


def _call(app, client, output_part: str, props: dict[str, dict], search: str, changed: list[str]) -> dict:
    """The registered callback whose outputs name ``output_part``, posted as the renderer does with
    the layout's ``props`` and the URL's ``search``; its answer, ``{id: {property: value}}``."""
    key = next(k for k in app.callback_map if output_part in k)
    cb = app.callback_map[key]
    outs = [dict(zip(("id", "property"), o.rsplit(".", 1))) for o in key.strip(".").split("...")]

    def value(x):
        return search if (x["id"], x["property"]) == (ids.URL, "search") else props.get(x["id"], {}).get(x["property"])

    body = {"output": key, "outputs": outs,
            "inputs": [{**x, "value": value(x)} for x in cb["inputs"]],
            "state": [{**x, "value": value(x)} for x in cb["state"]], "changedPropIds": changed}
    r = client.post("/_dash-update-component", json=body)
    assert r.status_code in (200, 204), r.text[:500]
    return r.get_json()["response"] if r.status_code == 200 else {}   # 204: nothing to update


def page_load(app, search: str) -> tuple[dict[str, dict], dict]:
    """What a fresh load of ``/`` + ``search`` leaves on the filter bar: each component's props after
    the shell's two callbacks at load (the filter sync, then the language switch: both set the
    country options; the later answer wins in the browser, so both orders are checked), and the
    filter store's data."""
    client = app.server.test_client()
    client.get("/")
    props = _layout_props(client)
    sync = _call(app, client, SYNC, props, search, [])    # the initial call: nothing changed
    lang = _call(app, client, LANGUAGE, props, search, [f"{ids.URL}.search"])
    after: dict[str, dict] = {k: dict(v) for k, v in props.items()}
    for answer in (lang, sync):
        for cid, changes in answer.items():
            after.setdefault(cid, {}).update(changes)
    if ids.FILTER_COUNTRIES in sync and "options" in sync[ids.FILTER_COUNTRIES] \
            and "options" in lang.get(ids.FILTER_COUNTRIES, {}):
        assert sync[ids.FILTER_COUNTRIES]["options"] == lang[ids.FILTER_COUNTRIES]["options"], \
            "the two callbacks offer the same countries, whichever answers last"
    return after, sync[ids.FILTERS]["data"]


def _dropped(props: dict[str, dict]) -> dict[str, list]:
    """Per dropdown, the values it holds without an option: what it drops (the URL with them)."""
    out = {}
    for d in DROPDOWNS:
        value = props[d].get("value")
        values = value if isinstance(value, list) else [] if value is None else [value]
        offered = {o["value"] for o in props[d].get("options") or []}
        out[d] = [v for v in values if v not in offered]
    return out


def test_a_country_no_partner_is_in_is_kept_from_the_url_and_named(app, sqlite_world):
    assert "FR" not in q.partner_countries(sqlite_world.url), "France has only a rejected partner"
    for search, name in (("?country=FR", "France"), ("?country=FR&ui=zh", "法国")):
        props, store = page_load(app, search)
        countries = props[ids.FILTER_COUNTRIES]
        assert countries["value"] == ["FR"], search
        assert _dropped(props)[ids.FILTER_COUNTRIES] == [], f"{search}: the dropdown has FR's option, so keeps it"
        fr = next(o for o in countries["options"] if o["value"] == "FR")
        assert fr["label"] == name and "France" in fr["search"] and "法国" in fr["search"]
        assert Filters.from_dict(store) == Filters.make(countries=["FR"]), "the charts are given the filter"
        # the partner countries on record are offered as before, and counted in their regions alone
        assert sorted(o["value"] for o in countries["options"] if o["value"][0] != "@" and not o.get("title")) \
            == q.partner_countries(sqlite_world.url)
        plain = country_options(q.partner_countries(sqlite_world.url), "zh" if "zh" in search else "en")
        assert [o for o in countries["options"] if o["value"] != "FR"] == plain


def test_every_filter_of_a_link_is_kept_on_a_page_load(app, sqlite_world):
    """Each dropdown keeps every valid value a link gives it (a school on record, each activity
    and partner kind, a language, countries with and without partners), and the store every filter
    (a year range outside the data's too: its charts are empty)."""
    school = sorted(sqlite_world.school_ids.values())[0]
    search = (f"?from=2030&school={school}&kind={','.join(ACTIVITY_KINDS)}&country=DE,FR,XK"
              f"&pkind={','.join(PARTNER_KIND_LABELS)}&lang={next(iter(LANGUAGE_LABELS))}")
    props, store = page_load(app, search)
    assert _dropped(props) == {d: [] for d in DROPDOWNS}
    assert props[ids.FILTER_COUNTRIES]["value"] == ["DE", "FR", "XK"]
    assert Filters.from_dict(store) == Filters.from_search(search)
    assert Filters.from_dict(store).year_from == 2030


def test_crafted_values_from_a_link_get_no_option_and_are_dropped_as_before(app):
    search = ("?country=%3Cscript%3E,ZZ,@XX,F,FRA,DE&school=999999,x&kind=bogus"
              "&pkind=%3Cimg%20src%3Dx%3E&lang=xx")
    props, _store = page_load(app, search)
    dropped = _dropped(props)
    assert sorted(dropped[ids.FILTER_COUNTRIES]) == ["<SCRIPT>", "@XX", "F", "FRA", "ZZ"]
    assert dropped[ids.FILTER_SCHOOLS] == [999999] and dropped[ids.FILTER_PARTNER_KINDS] == ["<img src=x>"]
    offered = [o["value"] for d in DROPDOWNS for o in props[d].get("options") or []]
    assert not any(str(v).upper() in ("<SCRIPT>", "ZZ", "@XX", "F", "FRA") for v in offered)
    assert not any(o.get("title") for o in props[ids.FILTER_COUNTRIES]["options"]), "no country was added"
    from dashboard.components.filters import url_countries

    assert url_countries("?country=%3Cscript%3E,zz,DE,FR", ["DE"]) == ["FR"]


def test_a_country_added_for_a_link_goes_when_the_link_no_longer_names_it(app, sqlite_world):
    """Moving on in the app (back/forward, a link) from ``?country=FR`` to another filter: the shell
    offers the partner countries again, without France; to another language: France in that one."""
    from dashboard.components.filters import ABSENT_TITLE

    client = app.server.test_client()
    client.get("/")
    props = _layout_props(client)
    present = q.partner_countries(sqlite_world.url)
    props[ids.FILTER_COUNTRIES]["options"] = country_options(present, "en", ["FR"])
    assert next(o for o in props[ids.FILTER_COUNTRIES]["options"] if o["value"] == "FR")["title"] == ABSENT_TITLE
    moved = _call(app, client, SYNC, props, "?country=DE", [f"{ids.URL}.search"])
    assert moved[ids.FILTER_COUNTRIES]["options"] == country_options(present, "en")
    props[ids.FILTER_COUNTRIES]["value"] = ["FR"]
    zh = _call(app, client, SYNC, props, "?country=FR&ui=zh", [f"{ids.URL}.search"])
    fr = next(o for o in zh[ids.FILTER_COUNTRIES]["options"] if o["value"] == "FR")
    assert fr["label"] == "法国" and fr["title"] == "暂无该国家的合作伙伴记录"
    # nothing to add and nothing to take away: the options are left as they are
    props[ids.FILTER_COUNTRIES]["options"] = country_options(present, "en")
    same = _call(app, client, SYNC, props, "?country=DE", [f"{ids.URL}.search"])
    assert "options" not in same.get(ids.FILTER_COUNTRIES, {})
    # a region picked in the dropdown stands for the partner countries on record, not a country added
    props[ids.FILTER_COUNTRIES]["options"] = country_options(present, "en", ["FR"])
    picked = _call(app, client, SYNC, {**props, ids.FILTER_COUNTRIES: {
        **props[ids.FILTER_COUNTRIES], "value": ["@EU"]}}, "?country=FR", [f"{ids.FILTER_COUNTRIES}.value"])
    europe = Filters.from_dict(picked[ids.FILTERS]["data"]).countries
    assert europe and "FR" not in europe and set(europe) <= set(present)
