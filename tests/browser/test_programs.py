"""Programs & mobility in a real browser, on the bundled sample: it renders the office's
figures, a click on a school's bar shows the report rows behind it and then filters the
dashboard to that school, a click on a level narrows the programme table, the view survives
a reload and back undoes the filter; nothing is requested from another host."""
from __future__ import annotations

import re

import pytest

from dashboard import ids
from dashboard.queries import programs as qp
from dashboard.queries.common import Filters
from tests.browser.conftest import snapshot

pytestmark = pytest.mark.browser

BAR_TOTAL = """(id) => {
  const gd = document.querySelector('#' + id + ' .js-plotly-plot');
  if (!gd || !gd._fullData) return null;
  return gd._fullData.filter(t => t.type === 'bar' && t.orientation === 'h')
                     .reduce((s, t) => s + Array.from(t.x || []).reduce((a, b) => a + b, 0), 0);
}"""


def click_bar(page, graph_id: str, index: int = -1) -> None:
    """Click a bar as a user would (plotly listens on its drag layer, so click by position)."""
    page.wait_for_selector(f"#{graph_id} .bars path")
    bars = page.query_selector_all(f"#{graph_id} .bars path")
    bar = bars[index]
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def settle(page) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')")


def test_programs_page_rows_behind_a_bar_then_filter_reload_and_back(live_server, page):
    url = live_server.database_url
    by_school = qp.students_by(url, Filters(), "school")
    top = by_school.iloc[0]                       # the largest bar, drawn on top (last)
    total = int(by_school["students"].sum())
    school_total = int(top["students"])
    assert 0 < school_total < total
    grouped = qp.programs_grouped(url, Filters())
    active = qp.program_totals(grouped)["active"]

    p = page.page
    p.goto(live_server.base + "/programs")
    p.wait_for_function(f"(t) => ({BAR_TOTAL})('{ids.PR_STUDENTS_SCHOOL}') === t", arg=total)
    p.wait_for_selector(f"#{ids.PR_TIMELINE} .bars path")
    p.wait_for_selector("#pr-kpi-programs .kpi-value")
    assert p.inner_text("#pr-kpi-programs .kpi-value") == str(active)
    assert p.locator(f"#{ids.PR_EXPIRING}").count() == 1
    settle(p)
    snapshot(p, "programs.png")

    # A click on a level narrows the programme table; "Show all" brings every programme back.
    rows_before = p.locator(f"#{ids.PR_TABLE} tbody tr").count()
    assert rows_before == int(grouped["programs"].sum())
    click_bar(p, ids.PR_BY_LEVEL, 0)
    p.wait_for_selector(f"#{ids.PR_TABLE_CLEAR}:visible")
    narrowed = p.locator(f"#{ids.PR_TABLE} tbody tr").count()
    assert 0 < narrowed < rows_before
    p.click(f"#{ids.PR_TABLE_CLEAR}")
    p.wait_for_function(f"(n) => document.querySelectorAll('#{ids.PR_TABLE} tbody tr').length === n",
                        arg=rows_before)

    # A click on the largest school's bar: first the report rows behind it, then the filter.
    click_bar(p, ids.PR_STUDENTS_SCHOOL, -1)
    p.wait_for_selector(f"#{ids.PR_ROWS_FILTER}:visible")
    assert top["school"] in p.inner_text(f"#{ids.PR_ROWS_HEAD}")
    assert "school=" not in p.url                 # nothing filtered by surprise
    rows_text = p.inner_text(f"#{ids.PR_MOBILITY_ROWS}")
    _n, rows = qp.mobility_rows(url, Filters.make(schools=[int(top["unit_id"])]), 25)
    assert f"{len(rows)} rows" in rows_text or f"of {_n} rows" in rows_text
    p.click(f"#{ids.PR_ROWS_FILTER}")
    p.wait_for_url(re.compile(rf"[?&]school={int(top['unit_id'])}\b"))
    p.wait_for_function(f"(t) => ({BAR_TOTAL})('{ids.PR_STUDENTS_SCHOOL}') === t", arg=school_total)
    assert top["school"] in p.inner_text(f"#{ids.FILTER_SCHOOLS}")
    settle(p)
    snapshot(p, "programs-school.png")

    # The link reproduces the view.
    p.reload()
    p.wait_for_function(f"(t) => ({BAR_TOTAL})('{ids.PR_STUDENTS_SCHOOL}') === t", arg=school_total)
    kpi = qp.program_totals(qp.programs_grouped(url, Filters.make(schools=[int(top["unit_id"])])))["active"]
    p.wait_for_function(f"(v) => document.querySelector('#pr-kpi-programs .kpi-value').innerText === v",
                        arg=str(kpi))

    # Back undoes the filter.
    p.go_back()
    p.wait_for_function(f"(t) => ({BAR_TOTAL})('{ids.PR_STUDENTS_SCHOOL}') === t", arg=total)
    assert "school=" not in p.url

    assert page.requests and page.external_requests() == [], "the page requested another host"
