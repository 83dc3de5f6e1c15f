"""The Overview in a real browser: it renders from the sample data, reacts to the school
filter, keeps the view in the URL (reload, back), and requests nothing from another host."""
from __future__ import annotations

import re

import pytest

from dashboard import ids
from dashboard.queries import common as q
from dashboard.queries import overview as qo
from dashboard.queries.common import Filters
from tests.browser.conftest import pick_option, snapshot

pytestmark = pytest.mark.browser

# Sum of every bar of a graph, read from plotly's own (decoded) data on the page.
CHART_TOTAL = """(id) => {
  const gd = document.querySelector('#' + id + ' .js-plotly-plot');
  if (!gd || !gd._fullData) return null;
  return gd._fullData.reduce((s, t) => s + Array.from(t.y || []).reduce((a, b) => a + b, 0), 0);
}"""


def chart_total(page, graph_id: str, expected: float | None = None) -> float:
    """The chart's total once drawn (and, when ``expected`` is given, once it shows that total)."""
    if expected is None:
        page.wait_for_function(f"() => ({CHART_TOTAL})('{graph_id}') > 0")
    else:
        page.wait_for_function(f"() => ({CHART_TOTAL})('{graph_id}') === {expected}")
    return page.evaluate(CHART_TOTAL, graph_id)


def test_overview_filters_by_school_and_stays_on_this_machine(live_server, page):
    url = live_server.database_url
    schools = q.schools(url)
    school = schools[schools["name"] == "School of Computer Science"].iloc[0]
    all_total = int(qo.activities_per_year(url, Filters())["activities"].sum())
    school_total = int(qo.activities_per_year(url, Filters.make(schools=[int(school.id)]))["activities"].sum())
    assert 0 < school_total < all_total, "the sample should give the school a part of the activities"

    p = page.page
    p.goto(live_server.base + "/")
    assert chart_total(p, ids.OV_PER_YEAR) == all_total
    p.wait_for_selector(f"#{ids.OV_COUNTRY_MAP} .choroplethlocation")   # the map drew its countries
    docs_before = p.inner_text(f"#{ids.OV_KPI_DOCUMENTS} .kpi-value")

    # Pick the school in the dropdown, as a user would: open, type, choose.
    pick_option(p, ids.FILTER_SCHOOLS, "Computer Science", re.compile("School of Computer Science"))
    p.keyboard.press("Escape")
    p.wait_for_url(re.compile(rf"[?&]school={int(school.id)}\b"))
    assert chart_total(p, ids.OV_PER_YEAR, school_total) == school_total
    p.wait_for_function(
        f"(before) => document.querySelector('#{ids.OV_KPI_DOCUMENTS} .kpi-value').innerText !== before",
        arg=docs_before)
    # The by-school chart is drawn by a callback of its own, which may land after the KPIs: wait for it to
    # change, then check what it shows.
    by_school_js = (f"() => {{ const g = document.querySelector('#{ids.OV_BY_SCHOOL} .js-plotly-plot');"
                    " return g && g.layout ? g.layout.yaxis.categoryarray : null; }")
    p.wait_for_function(f"() => JSON.stringify(({by_school_js})()) === '[\"Computer Science\"]'",
                        timeout=15_000)
    by_school = p.evaluate(by_school_js)
    assert by_school == ["Computer Science"]
    snapshot(p, "overview-school.png")

    # The link reproduces the view.
    p.reload()
    assert chart_total(p, ids.OV_PER_YEAR, school_total) == school_total
    assert "School of Computer Science" in p.inner_text(f"#{ids.FILTER_SCHOOLS}")

    # Back returns to the unfiltered view.
    p.go_back()
    assert chart_total(p, ids.OV_PER_YEAR, all_total) == all_total
    snapshot(p, "overview.png")

    # The CJK web font the app ships loads (from this app) and covers the university's name.
    faces = p.evaluate("""async () => (await document.fonts.load('16px "Intl CJK"', '北京信息科技大学'))
                                      .map(f => f.status)""")
    assert faces == ["loaded"]
    assert any(u.endswith(".woff2") for u in page.requests)

    assert page.requests, "the page's requests were recorded"
    assert page.external_requests() == [], "the page requested another host"
