"""The Partners pages in a real browser, on the bundled sample: the world map draws offline
(outlines from the app), the partner table searches in place, a click on a country opens
the documents behind it and the panel filters the page to that country (kept in the URL:
reload keeps it, back undoes it), a partner's page opens from the table with its timeline,
whose markers drill down to their document. Nothing is requested from another host."""
from __future__ import annotations

import re

import pytest

from dashboard import ids
from dashboard.queries import overview as q
from dashboard.queries import partners as qp
from dashboard.queries.common import Filters
from dashboard.queries.drill import DrillSpec, count
from tests.browser.conftest import snapshot
from tests.browser.test_schools import close_panel, open_panel, settle

pytestmark = pytest.mark.browser

COUNTRY = "AU"   # a large country: the middle of its outline is inside it, away from its capital's bubble

# The middle of a country's outline on the map, in page coordinates.
COUNTRY_CENTRE = """([id, iso3]) => {
  const el = Array.from(document.querySelectorAll('#' + id + ' .choroplethlocation'))
                  .find(e => e.__data__ && e.__data__.loc === iso3);
  if (!el) return null;
  const r = el.getBoundingClientRect();
  return [r.left + r.width / 2, r.top + r.height / 2];
}"""
GRID_ROWS = f"() => document.querySelectorAll('#{ids.PA_GRID} .ag-center-cols-container .ag-row').length"


def grid_rows(page, expected: int) -> int:
    page.wait_for_function(f"(n) => ({GRID_ROWS})() === n", arg=expected)
    return page.evaluate(GRID_ROWS)


def test_partners_map_search_drill_cross_filter_reload_and_partner_page(live_server, page):
    url = live_server.database_url
    table = qp.partners_table(url, Filters())
    n_all = len(table)
    term = "Politechnika"     # an alias (Polish name), not shown in any column: search reaches aliases
    n_term = sum(term.lower() in f"{r.partner} {r.aliases}".lower() for r in table.itertuples())   # aliases: one text
    assert 0 < n_term < 25
    n_docs = count(url, Filters(), DrillSpec(country=COUNTRY))[0]
    in_country = qp.partners_table(url, Filters.make(countries=[COUNTRY]))
    assert n_docs > 0 and 0 < len(in_country) < n_all

    p = page.page
    p.goto(live_server.base + "/partners")
    p.wait_for_selector(f"#{ids.PA_MAP} .choroplethlocation", state="attached")
    p.wait_for_selector(f"#{ids.PA_MAP} .scattergeo .point", state="attached")   # the bubbles
    p.wait_for_function(f"(t) => document.getElementById('{ids.PA_COUNT}')?.innerText === t",
                        arg=f"{n_all} partners")
    assert grid_rows(p, min(n_all, 25)) == min(n_all, 25), "25 a page"
    assert any(u.endswith("/assets/topojson/world_110m.json") for u in page.requests), "outlines from the app"

    # Search in place (the grid's quick filter, aliases included).
    p.fill(f"#{ids.PA_SEARCH}", term)
    assert grid_rows(p, n_term) == n_term
    p.fill(f"#{ids.PA_SEARCH}", "")
    grid_rows(p, min(n_all, 25))
    # Sorting by a column header.
    p.locator(f"#{ids.PA_GRID} .ag-header-cell", has_text="Partner").first.click()
    first = p.locator(f"#{ids.PA_GRID} .ag-center-cols-container .ag-row[row-index='0'] a").first.inner_text()
    assert first == sorted(table["partner"], key=str.lower)[0] or first == sorted(table["partner"])[0]

    # A click on the country: the documents behind it.
    p.locator(f"#{ids.PA_MAP}").scroll_into_view_if_needed()
    settle(p)
    xy = p.evaluate(COUNTRY_CENTRE, [ids.PA_MAP, "AUS"])
    p.mouse.click(*xy)
    head = open_panel(p)
    assert "Australia" in head and f"{n_docs} document" in head
    snapshot(p, "partners-drill.png", full_page=False)

    # Cross-filter: the table and the charts narrow to the country; the filter bar shows it.
    p.click(f"#{ids.DRILL_FILTER}")
    p.wait_for_url(re.compile(rf"[?&]country={COUNTRY}\b"))
    p.wait_for_function(f"(t) => document.getElementById('{ids.PA_COUNT}')?.innerText === t",
                        arg=f"{len(in_country)} partners")
    assert grid_rows(p, len(in_country)) == len(in_country)
    assert "Australia" in p.inner_text(f"#{ids.FILTER_COUNTRIES}")
    p.reload()
    p.wait_for_function(f"(t) => document.getElementById('{ids.PA_COUNT}')?.innerText === t",
                        arg=f"{len(in_country)} partners")
    assert "Australia" in p.inner_text(f"#{ids.FILTER_COUNTRIES}")
    settle(p)
    snapshot(p, "partners-country.png")
    p.go_back()
    p.wait_for_function(f"(t) => document.getElementById('{ids.PA_COUNT}')?.innerText === t",
                        arg=f"{n_all} partners")
    settle(p)
    snapshot(p, "partners.png")

    # A partner's page from the table: its timeline, whose markers drill to their document.
    top = table.iloc[0]
    p.fill(f"#{ids.PA_SEARCH}", top.partner)
    p.locator(f"#{ids.PA_GRID} a", has_text=top.partner).first.click()
    p.wait_for_url(re.compile(rf"/partners/{int(top.partner_id)}\b"))
    p.wait_for_selector(f"#{ids.PAD_TIMELINE} .scatterlayer .point", state="attached")
    assert p.inner_text(".page-title") == top.partner
    info = qp.partner_info(url, int(top.partner_id))
    timeline = qp.partner_timeline(url, Filters(), info)
    p.wait_for_function(f"(n) => document.querySelectorAll('#{ids.PAD_LIST} .tl-item').length === n",
                        arg=min(len(timeline), 60))
    marker = p.query_selector_all(f"#{ids.PAD_TIMELINE} .scatterlayer .point")[0]
    marker.scroll_into_view_if_needed()
    box = marker.bounding_box()
    p.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    head = open_panel(p)
    assert "1 document" in head
    title = p.locator(f"#{ids.DRILL_BODY} .drill-title").first.inner_text()
    assert title in set(timeline["title"])
    assert p.locator(f"#{ids.DRILL_LINKS} a", has_text="Open the partner's page").count() == 1
    snapshot(p, "partner-drill.png", full_page=False)
    close_panel(p)
    settle(p)
    snapshot(p, "partner.png")

    assert page.external_requests() == [], "the page requested another host"


def test_overview_map_opens_the_panel_and_chinese_interface(live_server, page):
    url = live_server.database_url
    p = page.page
    p.goto(live_server.base + "/?ui=zh")
    p.wait_for_selector(f"#{ids.OV_COUNTRY_MAP} .choroplethlocation", state="attached")
    settle(p)
    p.locator(f"#{ids.OV_COUNTRY_MAP}").scroll_into_view_if_needed()
    settle(p)
    p.mouse.click(*p.evaluate(COUNTRY_CENTRE, [ids.OV_COUNTRY_MAP, "AUS"]))
    head = open_panel(p)
    n_docs = count(url, Filters(), DrillSpec(country=COUNTRY))[0]
    assert "澳大利亚" in head and f"{n_docs} 篇文档" in head, "the panel speaks the interface's language"
    assert p.inner_text(f"#{ids.DRILL_FILTER}") == "将本页筛选到此项"
    p.click(f"#{ids.DRILL_FILTER}")
    p.wait_for_url(re.compile(rf"country={COUNTRY}.*ui=zh|ui=zh.*country={COUNTRY}"))
    assert q.countries(url, Filters.make(countries=[COUNTRY])).shape[0] == 1
    assert page.external_requests() == []
