"""Query functions against a deterministic database, on SQLite and PostgreSQL.

Every aggregate is compared with the same number computed naively in Python from the
rows the fixture wrote (``fixture_db.expected``), for several filter sets.
"""
from __future__ import annotations

from dataclasses import replace

import pytest

from dashboard.queries import common as q
from dashboard.queries import overview as qo
from dashboard.queries.common import Filters
from tests.dashboard import fixture_db


def test_aggregates_match_python_for_every_filter_set(world):
    url = world.url
    some_empty = some_full = False
    for f in fixture_db.filter_sets(world):
        exp = fixture_db.expected(world, f)
        assert qo.kpis(url, f) == exp["kpis"], f

        per_year = qo.activities_per_year(url, f)
        assert {(int(r.year), r.kind): int(r.activities) for r in per_year.itertuples()} == exp["per_year"], f
        assert list(per_year.columns) == ["year", "kind", "activities"]

        by_school = qo.activities_by_school(url, f)
        assert {(int(r.unit_id), r.kind): int(r.activities) for r in by_school.itertuples()} == exp["by_school"], f

        top = qo.top_partners(url, f, limit=50)
        assert {int(r.partner_id): int(r.documents) for r in top.itertuples()} == exp["partner_docs"], f
        counts = list(top["documents"])
        assert counts == sorted(counts, reverse=True), "top partners are ordered by documents"

        c = qo.countries(url, f)
        assert {r.country: (int(r.partners), int(r.documents)) for r in c.itertuples()} == exp["countries"], f

        per_year_kpis = qo.kpis_by_year(url, f)
        for year in (2018, 2021, 2024):
            if (f.year_from or year) <= year <= (f.year_to or year):
                want = fixture_db.expected(world, replace(f, year_from=year, year_to=year))["kpis"]
                assert per_year_kpis.get(year, dict.fromkeys(want, 0)) == want, (f, year)
            else:
                assert year not in per_year_kpis, "a year outside the range is not counted"

        some_empty |= exp["kpis"]["documents"] == 0
        some_full |= exp["kpis"]["documents"] > 20
    assert some_empty and some_full, "the filter sets should cover both an empty and a large selection"


def test_gone_documents_rejected_facts_and_partners_are_not_counted(world):
    url = world.url
    k = qo.kpis(url, Filters())
    assert k["documents"] == sum(1 for d in world.docs if d.status != "gone")
    assert k["documents"] < len(world.docs), "the fixture has gone documents"
    rejected = {pid for pid, (_n, _c, _k, st) in world.partners.items() if st == "rejected"}
    names = set(qo.top_partners(url, Filters(), limit=100)["partner"])
    assert not names & {world.partners[p][0] for p in rejected}
    # A school mentioned only by rejected facts of a document does not pull that document in.
    sid = world.school_ids["School of Automation"]
    only_rejected = [d for d in world.docs if d.status != "gone" and (sid, "rejected") in d.schools
                     and (sid, "ok") not in d.schools]
    in_scope = {d.id for d in world.docs if fixture_db.in_scope(world, d, Filters.make(schools=[sid]))}
    assert only_rejected and not {d.id for d in only_rejected} & in_scope
    assert qo.kpis(url, Filters.make(schools=[sid]))["documents"] == len(in_scope)


def test_top_partners_limit_and_kpi_trend(world):
    url = world.url
    assert len(qo.top_partners(url, Filters(), limit=3)) == 3
    trend = qo.kpi_trend(url, Filters())
    assert trend["year"] == 2024
    assert trend["current"] == fixture_db.expected(world, Filters.make(year_from=2024, year_to=2024))["kpis"]
    assert trend["previous"] == fixture_db.expected(world, Filters.make(year_from=2023, year_to=2023))["kpis"]
    # The range's upper bound decides the latest year; no previous year inside a one-year range.
    one = qo.kpi_trend(url, Filters.make(year_from=2020, year_to=2020))
    assert one["year"] == 2020 and one["previous"] is None


def test_reference_lists_and_latest_run(world):
    url = world.url
    schools = q.schools(url)
    assert list(schools["name"]) == sorted(n for n, _ in fixture_db.SCHOOLS)
    years = [d.year for d in world.docs if d.status != "gone" and d.year is not None]
    assert q.year_bounds(url) == (min(years), max(years))
    assert q.home_institution(url) == ("Test University of Technology", "测试科技大学")
    assert q.has_documents(url) and q.schema_ready(url)
    assert "FR" not in q.partner_countries(url), "FR's only partner was rejected"
    assert {"DE", "GB", "JP", "US", "PL"} <= set(q.partner_countries(url))

    run = qo.latest_run(url, limit=100)
    assert run.run_id == world.runs[-1] and run.status == "partial" and run.errors == 1
    new_docs = {d.id for d in world.docs if d.run_id == world.runs[-1] and d.status != "gone"}
    assert set(run.new_documents["id"]) == new_docs
    assert list(run.new_partners["name"]) == ["Zeta College"]
    assert run.counts == {"documents": len(new_docs), "partners": 1, "programs": 0}
    assert len(qo.latest_run(url, limit=2).new_documents) == 2 and qo.latest_run(url, limit=2).counts == run.counts
    assert run.new_programs.empty


def test_empty_database(db_url):
    from etl.db import upgrade

    upgrade(db_url)
    f = Filters()
    assert qo.kpis(db_url, f) == {"documents": 0, "partners": 0, "countries": 0, "schools": 0}
    assert qo.activities_per_year(db_url, f).empty
    assert qo.activities_by_school(db_url, f).empty
    assert qo.top_partners(db_url, f).empty and qo.countries(db_url, f).empty
    assert qo.latest_run(db_url) is None and q.year_bounds(db_url) is None
    assert qo.kpi_trend(db_url, f)["year"] is None
    assert not q.has_documents(db_url)


def test_kpi_trend_reads_the_range_and_its_latest_years_in_one_pass(world, monkeypatch):
    """The range's KPIs and those of its latest year and the year before
    come from the same statements (per-year columns), and equal the per-year counts."""
    url = world.url
    sid = [world.school_ids[n] for n, _ in fixture_db.SCHOOLS]
    sets = fixture_db.filter_sets(world) + [Filters.make(year_from=2019, year_to=2023, countries=["DE", "JP"]),
                                            Filters.make(schools=sid[:2], year_to=2022, language="en")]
    separate = qo.kpis
    monkeypatch.setattr(qo, "kpis", lambda *a, **k: pytest.fail("kpis called one period at a time"))
    for f in sets:
        trend = qo.kpi_trend(url, f)
        y = trend["year"]
        assert y == (f.year_to or 2024)
        assert trend["total"] == fixture_db.expected(world, f)["kpis"] == separate(url, f), f
        assert trend["current"] == fixture_db.expected(world, f.for_year(y))["kpis"], f
        if f.year_from is not None and y - 1 < f.year_from:
            assert trend["previous"] is None
        else:
            assert trend["previous"] == fixture_db.expected(world, f.for_year(y - 1))["kpis"], f
