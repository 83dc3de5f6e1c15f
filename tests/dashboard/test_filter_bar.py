"""The year slider: its first year is labelled, a range over every year on record is no filter,
and a year range counts as one filter, not two (dashboard/components/filters.py)."""
from __future__ import annotations

import pytest

from dashboard import ids
from dashboard.components.filters import filter_summary, sync_all, without_full_range, year_marks
from dashboard.queries.common import Filters


@pytest.mark.parametrize("lo,hi", [(2015, 2025), (2016, 2025), (2000, 2025), (2019, 2025), (2011, 2024), (2024, 2024)])
def test_both_ends_of_the_slider_are_labelled_and_labels_do_not_touch(lo, hi):
    marks = year_marks(lo, hi)
    assert lo in marks and hi in marks
    years = sorted(marks)
    gaps = [b - a for a, b in zip(years, years[1:])]
    step = 1 if hi - lo <= 7 else 2 if hi - lo <= 16 else 5
    assert all(g >= min(step, 2) or step == 1 for g in gaps), marks


def test_a_year_range_is_one_filter_and_the_full_range_none():
    assert filter_summary(Filters.make(year_from=2019, year_to=2022)) == "1 filter on"
    assert filter_summary(Filters.make(year_to=2022, countries=["DE"])) == "2 filters on"
    assert without_full_range(Filters.make(year_from=2015, year_to=2025), 2015, 2025) == Filters()
    assert without_full_range(Filters.make(year_from=2010, year_to=2030), 2015, 2025) == Filters()
    assert without_full_range(Filters.make(year_from=2016, year_to=2025), 2015, 2025) == Filters.make(year_from=2016)
    # a link with the whole range opens with no filter on (store and summary)
    out = sync_all(ids.URL, "?from=2015&to=2025", None, None, None, None, None, None, 2015, 2025)
    assert out[7] == Filters().to_dict() and out[8] == "No filter"
