"""Each chart is drawn once per page load, in-app navigation or filter change, and again once when the
window changes width (the charts follow it); never drawn empty first and then with its figure, never
redrawn by a resize that changed nothing.

plotly's work is counted in the tab by tests/browser/plotly_probe.py (Plotly wrapped before the app loads).
"""
from __future__ import annotations

import pytest

from dashboard.queries import common as q
from dashboard.queries import partners as qp
from dashboard.queries.common import Filters
from tests.browser.conftest import navigate
from tests.browser.plotly_probe import PROBE, counts, reset

pytestmark = pytest.mark.browser

# Quiet: the probe has logged nothing new for five checks in a row 50 ms apart (longer than dcc.Graph's
# 50 ms resize debounce and plotly's 100 ms resize delay). A redraw that came later still would be missed
# (the test would pass), never one counted twice.
QUIET = """() => {
  const n = window.__intlPlotly.log.length;
  const same = n === window.__intlQuietN;
  window.__intlQuietN = n;
  window.__intlQuiet = same ? (window.__intlQuiet || 0) + 1 : 0;
  return window.__intlQuiet >= 5;
}"""
CHARTS = """() => Array.from(document.querySelectorAll('.dash-graph[id]'))
  .filter(el => el.querySelector('.js-plotly-plot')).map(el => el.id).sort()"""


def _quiet(p) -> None:
    p.evaluate("() => { window.__intlQuiet = 0; window.__intlQuietN = -1; }")
    p.wait_for_function(QUIET)


def _drawn_once(p, where: str) -> list[str]:
    """The charts on the page, each drawn exactly once since the last reset (plotly asked once, with its
    figure; no redraw by a resize)."""
    _quiet(p)
    charts = p.evaluate(CHARTS)
    tally = counts(p)
    assert charts, f"{where}: no chart on the page"
    for gid in charts:
        c = tally.get(gid, {})
        assert c.get("empty", 0) == 0, (where, gid, "drawn empty before its figure came", c)
        assert c.get("react", 0) + c.get("newPlot", 0) == 1, (where, gid, "plotly asked more than once", c)
        assert c.get("draws", 0) == 1, (where, gid, "drawn more (or less) than once", c)
    return charts


def test_each_chart_is_drawn_once_per_page_and_once_per_new_width(live_server, page):
    url = live_server.database_url
    sid = int(q.schools(url)["id"].iloc[0])
    pid = int(qp.partners_table(url, Filters())["partner_id"].iloc[0])
    p = page.page
    p.add_init_script(PROBE)

    # a page load, then the app's own links: pages with charts, and a filter change on one of them
    navigate(p, live_server.base, "/")
    seen = {"/": _drawn_once(p, "/ (page load)")}
    for path in (f"/schools/{sid}", f"/partners/{pid}", "/partners", "/schools", "/programs", "/?from=2019"):
        reset(p)
        navigate(p, live_server.base, path)
        seen[path] = _drawn_once(p, path)
    assert len(seen["/"]) == 5 and seen["/?from=2019"] == seen["/"]
    assert len(seen["/programs"]) >= 7 and len(seen[f"/schools/{sid}"]) >= 3

    # a narrower window (the columns stack): each chart drawn again once, at its box's new width
    widths = p.evaluate("() => Object.fromEntries(Array.from(document.querySelectorAll('.js-plotly-plot'))"
                        ".map(gd => [gd.parentElement.id, gd._fullLayout.width]))")
    reset(p)
    p.set_viewport_size({"width": 900, "height": 900})
    p.wait_for_function("""(before) => Array.from(document.querySelectorAll('.js-plotly-plot'))
        .every(gd => gd._fullLayout.width !== before[gd.parentElement.id])""", arg=widths)
    _quiet(p)
    tally = counts(p)
    for gid in seen["/?from=2019"]:
        c = tally.get(gid, {})
        assert c.get("draws", 0) == 1 and c.get("react", 0) == 0, (gid, "after a resize", c)
    fits = p.evaluate("""() => Array.from(document.querySelectorAll('.js-plotly-plot'))
        .map(gd => Math.abs(gd._fullLayout.width - gd.getBoundingClientRect().width) <= 1)""")
    assert fits and all(fits), fits
