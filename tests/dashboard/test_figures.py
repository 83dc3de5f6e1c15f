"""Figure functions: DataFrames in, titled colour-blind-safe figures out; empty states explain."""
from __future__ import annotations

import random

import pandas as pd
import pytest

from dashboard.figures import common as figures
from dashboard.figures import overview as fo
from dashboard.labels import alpha3, country_name, kind_label, short_school
from etl.load.models import ACTIVITY_KINDS


def _per_year(seed: int = 3) -> pd.DataFrame:
    rng = random.Random(seed)
    rows = [(y, k, rng.randint(1, 5)) for y in (2019, 2020, 2022) for k in rng.sample(ACTIVITY_KINDS, 4)]
    return pd.DataFrame(rows, columns=["year", "kind", "activities"])


def test_per_year_stacks_kinds_with_fixed_colours_and_fills_missing_years():
    df = _per_year()
    fig = fo.activities_per_year(df, years=(2018, 2023))
    assert fig.layout.title.text == fo.PER_YEAR_TITLE
    assert fig.layout.barmode == "stack"
    assert {t.name for t in fig.data} == {kind_label(k) for k in set(df["kind"])}
    for t in fig.data:
        kind = next(k for k in ACTIVITY_KINDS if kind_label(k) == t.name)
        assert t.marker.color == figures.KIND_COLORS[kind]
        assert list(t.x) == list(range(2018, 2024)), "every year of the range is on the axis"
    total = sum(sum(t.y) for t in fig.data)
    assert total == df["activities"].sum()
    year_2021 = sum(t.y[list(t.x).index(2021)] for t in fig.data)
    assert year_2021 == 0


def test_palette_is_distinct_and_covers_every_kind():
    assert len(set(figures.PALETTE)) == len(figures.PALETTE) >= len(ACTIVITY_KINDS)
    assert set(figures.KIND_COLORS) == set(ACTIVITY_KINDS)


def test_by_school_orders_largest_on_top_and_keeps_full_names_in_hover():
    df = pd.DataFrame([
        (1, "School of Automation", "自动化学院", "conference", 2),
        (1, "School of Automation", "自动化学院", "agreement", 1),
        (2, "School of Computer Science", "计算机学院", "conference", 7),
        (3, "School of Instrumentation Science and Opto-electronics Engineering", None, "agreement", 1),
    ], columns=["unit_id", "school", "zh", "kind", "activities"])
    fig = fo.activities_by_school(df)
    order = list(fig.layout.yaxis.categoryarray)
    assert order[-1] == short_school("School of Computer Science")   # plotly draws the last category on top
    assert all(len(label) <= 34 for label in order)
    hover = [row[0] for t in fig.data for row in t.customdata]
    assert "School of Instrumentation Science and Opto-electronics Engineering" in hover
    assert sum(sum(t.x) for t in fig.data) == df["activities"].sum()


def test_partners_and_countries():
    partners = pd.DataFrame([(1, "Alpha University", "阿尔法大学", "DE", "university", 5),
                             (2, "Beta Tech", None, "US", "company", 2)],
                            columns=["partner_id", "partner", "zh", "country", "kind", "documents"])
    fig = fo.top_partners(partners)
    assert fig.layout.title.text == fo.PARTNERS_TITLE
    assert list(fig.data[0].y)[-1] == "Alpha University (DE)"
    countries = pd.DataFrame([("DE", 2, 9), ("KR", 1, 3), ("XX", 1, 1)], columns=["country", "partners", "documents"])
    m = fo.countries_map(countries)
    assert m.data[0].locationmode == "ISO-3"
    assert list(m.data[0].locations) == ["DEU", "KOR"], "unknown codes are left off the map"
    assert m.layout.title.text == fo.MAP_TITLE
    bars = fo.top_countries(countries)
    assert list(bars.data[0].y)[-1] == "Germany"
    assert country_name("KR") == "South Korea" and alpha3("kr") == "KOR" and alpha3(None) is None


@pytest.mark.parametrize("make", [
    lambda: fo.activities_per_year(pd.DataFrame(columns=["year", "kind", "activities"])),
    lambda: fo.activities_by_school(pd.DataFrame(columns=["unit_id", "school", "zh", "kind", "activities"])),
    lambda: fo.top_partners(pd.DataFrame(columns=["partner_id", "partner", "zh", "country", "kind", "documents"])),
    lambda: fo.countries_map(pd.DataFrame(columns=["country", "partners", "documents"])),
    lambda: fo.top_countries(pd.DataFrame(columns=["country", "partners", "documents"])),
])
def test_empty_frames_give_a_titled_message_not_a_blank_chart(make):
    fig = make()
    assert figures.is_empty(fig)
    assert fig.layout.title.text
    assert not fig.data
    text = fig.layout.annotations[0].text
    assert "intl demo" in text and "intl etl run" in text


def test_empty_with_filter_hint():
    fig = figures.empty("Top partners", figures.FILTER_HINT)
    assert "filter" in fig.layout.annotations[0].text.lower()
    assert not figures.is_empty(fo.top_partners(pd.DataFrame(
        [(1, "A", None, None, None, 1)], columns=["partner_id", "partner", "zh", "country", "kind", "documents"])))
