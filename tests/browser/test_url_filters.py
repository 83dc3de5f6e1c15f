"""A filtered link opened afresh in a real browser keeps its filter, even where nothing matches it.

``/?country=FR`` when no partner is in France: the country dropdown shows France (法国 under
``?ui=zh``), the summary counts the filter, the charts show the empty state, and the URL keeps it,
on a page load as on a move inside the app. A crafted value (``<script>``, an unknown code) is
still dropped: no option, no filter, the URL without it, nothing run. The layout level:
tests/dashboard/test_url_filters.py.
"""
from __future__ import annotations

import re

import pytest

from dashboard import ids
from dashboard.figures.common import FILTER_HINT
from dashboard.labels import t
from dashboard.queries import common as q
from tests.browser.conftest import navigate
from tests.browser.test_hostile_input import settle

pytestmark = pytest.mark.browser

# The texts of a graph's annotations (the empty state writes its hint as one), read from plotly's layout.
ANNOTATIONS = """(id) => {
  const gd = document.querySelector('#' + id + ' .js-plotly-plot');
  return gd && gd.layout ? (gd.layout.annotations || []).map(a => a.text) : null;
}"""
# The country dropdown's options as the renderer holds them (Dash's store: the component at its path).
OFFERED = f"""() => {{
  const s = window.store.getState();
  let node = s.layout;
  for (const k of s.paths.strs['{ids.FILTER_COUNTRIES}']) node = node[k];
  return (node.props.options || []).map(o => o.value);
}}"""
CHOSEN = f"""() => Array.from(document.querySelectorAll('#{ids.FILTER_COUNTRIES} .dash-dropdown-value-item'))
                   .map(e => e.textContent.trim())"""


def _shows_filter(p, base: str, search: str, country: str, lang: str) -> None:
    """The page at ``/`` + ``search`` keeps the one country filter: chosen in the dropdown under its
    name, counted by the summary, in the URL, and the charts empty for it."""
    p.wait_for_function(f"() => ({CHOSEN})().join('|') === {country!r}")
    assert p.url == base + "/" + search
    assert p.inner_text(f"#{ids.FILTER_SUMMARY}") == t("{n} filter on", lang).format(n=1)
    hint = t(FILTER_HINT, lang).split("<br>")[0]
    p.wait_for_function(f"() => (({ANNOTATIONS})('{ids.OV_PER_YEAR}') || []).some(x => x.includes({hint!r}))")
    assert p.url == base + "/" + search, "the URL still names the filter once the page has settled"
    assert "FR" in p.evaluate(OFFERED)


def test_a_link_to_a_country_without_partners_keeps_its_filter(live_server, page):
    assert "FR" not in q.partner_countries(live_server.database_url), "the sample has no partner in France"
    p = page.page
    base = live_server.base

    # a page load, in English then in Chinese (the language switch sends the country options too)
    p.goto(base + "/?country=FR")
    settle(p)
    _shows_filter(p, base, "?country=FR", "France", "en")
    p.goto(base + "/?country=FR&ui=zh")
    settle(p)
    _shows_filter(p, base, "?country=FR&ui=zh", "法国", "zh")

    # inside the app: to English with France and Australia, then to a filter without France
    navigate(p, base, "/?country=AU,FR")
    p.wait_for_function(f"() => ({CHOSEN})().join('|') === 'Australia|France'")
    assert p.url == base + "/?country=AU,FR"
    navigate(p, base, "/?country=AU")
    p.wait_for_function(f"() => ({CHOSEN})().join('|') === 'Australia'")
    offered = p.evaluate(OFFERED)
    assert "AU" in offered and "FR" not in offered, "France was offered for the link that named it only"
    assert p.url == base + "/?country=AU"
    assert page.external_requests() == []


def test_a_crafted_country_in_a_link_is_still_dropped(live_server, page):
    p = page.page
    base = live_server.base
    dialogs: list[str] = []
    p.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    p.goto(base + "/?country=%3Cscript%3Ewindow.__xss%3D1%3C/script%3E,ZZ")
    settle(p)
    p.wait_for_url(base + "/")   # the dropdown had no option for either: the URL loses them
    p.wait_for_function(f"() => document.querySelector('#{ids.FILTER_SUMMARY}').innerText === 'No filter'")
    assert not any(p.evaluate(CHOSEN)), "nothing shown as chosen"   # (Dash may leave empty items behind)
    assert not [v for v in p.evaluate(OFFERED) if not re.fullmatch(r"@?[A-Z]{2}", v)]
    assert "ZZ" not in p.evaluate(OFFERED)
    p.wait_for_function(f"() => (({ANNOTATIONS})('{ids.OV_PER_YEAR}') || ['?']).length === 0")
    assert p.evaluate("window.__xss") is None and dialogs == []
    assert not re.search(r"script|ZZ", p.inner_text(f"#{ids.FILTER_BAR}"), re.I)
