"""Every KPI of the Overview's cards (and of the report's key figures) in one pass per KPI
(:func:`dashboard.queries.periods.kpi_summary`, :func:`dashboard.queries.overview.kpi_spans`),
on SQLite and PostgreSQL: each span's figures equal the same figures counted in Python from the
rows the fixture wrote (``fixture_db.expected``) for the filters narrowed to that span, for every
filter combination the filter bar offers (schools, countries, partner kinds, activity kinds,
language, years, alone and together); "countries" leaves the home country out."""
from __future__ import annotations

from dataclasses import replace

import pytest

from dashboard.queries import domestic, overview, periods
from dashboard.queries.common import Filters
from tests.dashboard import fixture_db


def _combinations(w) -> list[Filters]:
    sid = [w.school_ids[n] for n, _ in fixture_db.SCHOOLS]
    return fixture_db.filter_sets(w) + [
        Filters.make(year_from=2019, year_to=2023, countries=["DE", "JP"], activity_kinds=["agreement", "conference"]),
        Filters.make(countries=["DE", "GB", "US"], partner_kinds=["university"]),
        Filters.make(partner_kinds=["company", "university"], schools=[sid[0], sid[1]]),
        Filters.make(partner_kinds=["university"], year_from=2020),
        Filters.make(countries=["DE"], schools=[sid[0], sid[2]], language="en"),
        Filters.make(schools=sid[:2], year_to=2022, language="en"),
        Filters.make(year_from=2018, year_to=2024, schools=sid[:2], countries=["DE", "GB", "JP"],
                     partner_kinds=["university", "institute"], activity_kinds=["agreement", "joint_program"],
                     language="en"),
        Filters.make(year_from=2030, year_to=2031),     # after the data: nothing, and no error
    ]


def _want(w, f: Filters, span, home: str | None) -> dict[str, int]:
    exp = fixture_db.expected(w, replace(f, year_from=span[0], year_to=span[1]))
    k = dict(exp["kpis"])
    k["countries"] = sum(1 for c in exp["countries"] if c != home)
    return k


def test_kpi_summary_equals_the_facts_for_every_filter_combination(world, home):
    url = world.url
    code = str(overview.countries(url, Filters()).iloc[0]["country"])   # the busiest country as "home"
    for h in (None, code):
        home(h)
        for f in _combinations(world):
            s = periods.kpi_summary(url, f)
            assert s["total"] == _want(world, f, (f.year_from, f.year_to), h), (h, f)
            p = s["periods"]
            if p is not None and p.previous is not None:
                assert s["previous"] == _want(world, f, p.previous, h), (h, f)
            else:
                assert s["previous"] is None
            y = s["year"]
            assert y == (f.year_to or 2024)
            assert s["current"] == _want(world, f, (y, y), h), (h, f)
            if f.year_from is not None and y - 1 < f.year_from:
                assert s["year_before"] is None
            else:
                assert s["year_before"] == _want(world, f, (y - 1, y - 1), h), (h, f)
            # the report's and the cards' period figures are these
            kp = periods.kpi_periods(url, f)
            assert kp["total"] == s["total"] and kp["previous"] == s["previous"]


def test_kpi_spans_counts_every_span_in_one_pass(world):
    """Several year ranges in one call, with open ends; without ``international`` the countries
    are every partner country, as :func:`overview.kpis` counts them."""
    url = world.url
    for f in _combinations(world):
        spans = [(None, None), (None, 2020), (2021, None), (2019, 2019), (2022, 2024)]
        got = overview.kpi_spans(url, f, spans)
        for span, k in zip(spans, got):
            assert k == fixture_db.expected(world, replace(f, year_from=span[0], year_to=span[1]))["kpis"], (f, span)


def test_the_cards_read_one_summary(sqlite_world, monkeypatch):
    """The Overview's KPI cards call :func:`kpi_summary` once: no second pass per period or per
    year, no separate query for the home country."""
    from dashboard.pages import overview as page

    calls = []
    real = periods.kpi_summary
    monkeypatch.setattr(periods, "kpi_summary", lambda *a: calls.append(a) or real(*a))
    monkeypatch.setattr(overview, "countries", lambda *a, **k: pytest.fail("countries read for the KPI cards"))
    cards = page.kpi_cards(sqlite_world.url, Filters.make(year_from=2019, year_to=2023))
    assert len(cards) == 4 and len(calls) == 1


def test_a_schools_tile_counts_international_countries_in_the_same_pass(world, home):
    """The school page's "Countries" tile: :func:`school_kpis` with ``international`` equals the
    raw KPIs with the home country taken out (:func:`domestic.adjust_kpis`), for every filter set."""
    from dashboard.queries import schools as qs

    url = world.url
    code = str(overview.countries(url, Filters()).iloc[0]["country"])
    home(code)
    sid = [world.school_ids[n] for n, _ in fixture_db.SCHOOLS]
    for f in _combinations(world):
        for school in sid:
            raw = qs.school_kpis(url, f, school)
            want = domestic.adjust_kpis(url, qs.school_filters(f, school), raw)
            assert qs.school_kpis(url, f, school, True) == want, (f, school)
