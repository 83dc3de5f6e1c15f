"""The Schools pages in a real browser, on the bundled sample: the school × year heat map reacts
to a filter, a click on a cell opens the documents behind it, the panel filters the page to
that school and year (kept in the URL: reload keeps it, back undoes it), a school's own page
opens from the table, and its charts drill down too; the Overview's bars open the same
panel. Nothing is requested from another host."""
from __future__ import annotations

import re

import pytest

from dashboard import ids
from dashboard.queries import common as q
from dashboard.queries import overview as qo
from dashboard.queries import schools as qs
from dashboard.queries.common import Filters
from dashboard.queries.drill import DrillSpec, count
from tests.browser.conftest import pick_option, snapshot

pytestmark = pytest.mark.browser

HEAT_TOTAL = """(id) => {
  const gd = document.querySelector('#' + id + ' .js-plotly-plot');
  if (!gd || !gd._fullData || !gd._fullData.length || gd._fullData[0].type !== 'heatmap') return null;
  return gd._fullData[0].z.flat().reduce((s, v) => s + (v || 0), 0);
}"""
# Page coordinates of the heat-map cell at (x, y), from plotly's own axes.
CELL = """([id, x, y]) => {
  const gd = document.querySelector('#' + id + ' .js-plotly-plot');
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, r = gd.getBoundingClientRect();
  return [r.left + xa._offset + xa.d2p(x), r.top + ya._offset + ya.d2p(y)];
}"""


def settle(page) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')")


def heat_total(page, expected: int) -> int:
    page.wait_for_function(f"(t) => ({HEAT_TOTAL})('{ids.SC_HEAT}') === t", arg=expected)
    return page.evaluate(HEAT_TOTAL, ids.SC_HEAT)


def click_cell(page, x, y) -> None:
    page.locator(f"#{ids.SC_HEAT}").scroll_into_view_if_needed()
    px, py = page.evaluate(CELL, [ids.SC_HEAT, x, y])
    page.mouse.click(px, py)


# The panel has finished sliding in: its right edge is the window's.
PANEL_IN = f"""() => {{ const el = document.getElementById('{ids.DRILL_PANEL}');
    if (!el || !el.classList.contains('show')) return false;
    const r = el.getBoundingClientRect(); return Math.abs(r.right - window.innerWidth) < 2; }}"""


def open_panel(page) -> str:
    """Wait for the drill-down panel to be open and filled; its head's text."""
    page.wait_for_selector(f"#{ids.DRILL_PANEL}.show")
    page.wait_for_selector(f"#{ids.DRILL_HEAD} .drill-counts")
    page.wait_for_function(PANEL_IN)
    settle(page)
    return page.inner_text(f"#{ids.DRILL_HEAD}")


def close_panel(page) -> None:
    page.keyboard.press("Escape")
    page.wait_for_selector(f"#{ids.DRILL_PANEL}", state="hidden")
    page.wait_for_selector(".offcanvas-backdrop", state="detached")


def test_schools_heat_map_filter_drill_cross_filter_reload_and_school_page(live_server, page):
    url = live_server.database_url
    conf = Filters.make(activity_kinds=["conference", "delegation_visit"])
    df_all, df_conf = qs.school_year(url, Filters()), qs.school_year(url, conf)
    total, conf_total = int(df_all["activities"].sum()), int(df_conf["activities"].sum())
    assert 0 < conf_total < total, "the sample should give visits and conferences a part of the activities"
    cell = df_conf.sort_values(["activities", "documents"], ascending=False).iloc[0]
    school_id, year = int(cell.unit_id), int(cell.year)
    label = q.schools(url).set_index("id").at[school_id, "name"]
    n_docs, n_acts = count(url, conf, DrillSpec(school=school_id, year=year, what="activities"))
    assert n_acts == int(cell.activities)

    p = page.page
    p.goto(live_server.base + "/schools")
    assert heat_total(p, total) == total

    # Filter: two activity kinds, picked in the dropdown as a user would.
    for name in ("Conference", "Delegation visit"):
        pick_option(p, ids.FILTER_KINDS, name, re.compile(name))
        p.keyboard.press("Escape")
    p.wait_for_url(re.compile(r"[?&]kind=conference,delegation_visit\b"))
    assert heat_total(p, conf_total) == conf_total

    # Drill down: the cell's documents, counted as the cell counts.
    y_label = p.evaluate(f"""(sid) => {{
        const gd = document.querySelector('#{ids.SC_HEAT} .js-plotly-plot');
        const t = gd.data[0]; const r = t.customdata.findIndex(row => row[0].school === sid);
        return t.y[r]; }}""", school_id)
    click_cell(p, year, y_label)
    head = open_panel(p)
    assert label in head and str(year) in head
    assert f"{n_docs} document" in head and f"{n_acts} activit" in head
    assert p.locator(f"#{ids.DRILL_BODY} .drill-doc").count() == min(n_docs, 40)
    assert p.locator(f"#{ids.DRILL_BODY} mark").count() > 0, "the mentions are highlighted"
    first = p.locator(f"#{ids.DRILL_BODY} .drill-title").first.get_attribute("href")
    assert re.match(r"^/sources/doc/\d+", first)
    snapshot(p, "schools-drill.png", full_page=False)

    # Cross-filter from the panel: the whole page narrows to the school and the year.
    p.click(f"#{ids.DRILL_FILTER}")
    p.wait_for_url(re.compile(rf"[?&]school={school_id}\b"))
    assert re.search(rf"from={year}&to={year}", p.url)
    assert heat_total(p, n_acts) == n_acts
    p.wait_for_selector(f"#{ids.DRILL_PANEL}.show", state="detached")
    assert label in p.inner_text(f"#{ids.FILTER_SCHOOLS}")

    # The link reproduces the view; back undoes the cross-filter.
    p.reload()
    assert heat_total(p, n_acts) == n_acts
    p.go_back()
    p.wait_for_url(re.compile(r"kind=conference,delegation_visit$"))
    assert heat_total(p, conf_total) == conf_total
    settle(p)
    snapshot(p, "schools.png")

    # The school's own page, from the table.
    p.locator(f"#{ids.SC_TABLE} a", has_text=label).first.click()
    p.wait_for_url(re.compile(rf"/schools/{school_id}\?"))
    p.wait_for_selector(f"#{ids.SCD_TREND} .bars path", state="attached")
    zh = q.schools(url).set_index("id").at[school_id, "zh"]
    assert p.inner_text(".page-title") == label and zh in p.inner_text(f"#{ids.SCD_HEAD}")
    kpis = qs.school_kpis(url, conf, school_id)
    p.wait_for_function(f"(n) => document.querySelector('#{ids.SCD_KPIS} .stat-n')?.innerText === n",
                        arg=f"{kpis['documents']:,}")
    bar = p.query_selector_all(f"#{ids.SCD_KINDS} .bars path")[-1]
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    p.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    head = open_panel(p)
    assert label in head
    settle(p)
    snapshot(p, "school-drill.png", full_page=False)
    close_panel(p)
    settle(p)
    snapshot(p, "school.png")

    assert page.external_requests() == [], "the page requested another host"


def test_overview_bars_open_the_same_panel(live_server, page):
    url = live_server.database_url
    df = qo.activities_by_school(url, Filters())
    top = df.groupby("unit_id")["activities"].sum().idxmax()
    p = page.page
    p.goto(live_server.base + "/")
    p.wait_for_selector(f"#{ids.OV_BY_SCHOOL} .bars path", state="attached")
    settle(p)
    # The busiest school is the top row; click its first segment.
    row = p.evaluate(f"""() => {{
        const gd = document.querySelector('#{ids.OV_BY_SCHOOL} .js-plotly-plot');
        const t = gd._fullData[0]; return [t.customdata.length - 1, t.customdata[t.customdata.length - 1]]; }}""")
    spec = DrillSpec.make(row[1][-1])
    assert spec.school == int(top)
    bar = p.query_selector_all(f"#{ids.OV_BY_SCHOOL} .trace.bars")[0].query_selector_all("path")[row[0]]
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    p.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    head = open_panel(p)
    n_docs, n_acts = count(url, Filters(), spec)
    assert f"{n_acts} activit" in head and f"{n_docs} document" in head
    # The panel links to the school's page, which opens in place.
    p.locator(f"#{ids.DRILL_LINKS} a", has_text="Open the school's page").click()
    p.wait_for_url(re.compile(rf"/schools/{int(top)}"))
    p.wait_for_selector(f"#{ids.SCD_TREND} .bars path", state="attached")
    assert page.external_requests() == []
