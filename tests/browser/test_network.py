"""Network in a real browser, on the bundled sample: the graph draws the schools and partners
the query gives, a click on a school's node focuses it (URL fragment, side panel with the
documents behind it) and offers to filter the dashboard to it; the view survives a reload,
back undoes the filter, the filter bar narrows the graph; nothing is requested from another host."""
from __future__ import annotations

import re

import pytest

from dashboard import ids
from dashboard.queries import network as qn
from dashboard.queries.common import Filters
from dashboard.queries.drill import count as drill_count
from dashboard.queries.drill import DrillSpec
from tests.browser.conftest import snapshot

pytestmark = pytest.mark.browser

CY = f"""() => {{
  const root = document.getElementById('{ids.NW_GRAPH}');
  if (!root) return null;
  const reg = root._cyreg || Array.from(root.querySelectorAll('div')).map(d => d._cyreg).find(Boolean);
  return reg ? reg.cy : null;
}}"""
NODE_IDS = f"() => {{ const cy = ({CY})(); return cy ? cy.nodes().map(n => n.id()).sort() : null; }}"


def node_ids(page) -> list[str]:
    return page.evaluate(NODE_IDS) or []


def wait_nodes(page, expected: list[str]) -> None:
    page.wait_for_function(f"(want) => JSON.stringify(({NODE_IDS})()) === JSON.stringify(want)",
                           arg=sorted(expected))


def tap_node(page, node: str) -> None:
    """Click a node where it is drawn (a real mouse click on the canvas)."""
    # the layout has placed the nodes: the node's place on screen the same three animation frames running
    # (a condition, not a fixed pause)
    page.wait_for_function(f"""() => {{
      const cy = ({CY})(); const n = cy && cy.$id('{node}');
      if (!n || n.length !== 1) {{ window.__intlStill = 0; return false; }}
      const p = n.renderedPosition(), at = Math.round(p.x) + ',' + Math.round(p.y);
      window.__intlStill = (at === window.__intlAt && !cy.animated()) ? (window.__intlStill || 0) + 1 : 0;
      window.__intlAt = at;
      return window.__intlStill >= 3;
    }}""", polling="raf")
    pos = page.evaluate(f"""() => {{
      const cy = ({CY})(); const n = cy.$id('{node}'); const p = n.renderedPosition();
      const r = cy.container().getBoundingClientRect();
      return {{x: r.left + p.x, y: r.top + p.y}};
    }}""")
    page.mouse.click(pos["x"], pos["y"])


def expected_nodes(url: str, f: Filters) -> list[str]:
    net = qn.network(url, f)
    return sorted([f"s{int(u)}" for u in net.schools["unit_id"]] + [f"p{int(p)}" for p in net.partners["partner_id"]])


def test_network_focus_filter_reload_and_back(live_server, page):
    url = live_server.database_url
    everything = expected_nodes(url, Filters())
    net = qn.network(url, Filters())
    school = int(net.schools["unit_id"].iloc[0])          # the school with the most shared documents
    name = net.schools["name"].iloc[0]
    one = expected_nodes(url, Filters.make(schools=[school]))
    assert 1 < len(one) < len(everything)

    p = page.page
    p.goto(live_server.base + "/network")
    wait_nodes(p, everything)
    p.wait_for_selector(f"#{ids.NW_DETAIL} .card-heading")           # the strongest links
    snapshot(p, "network.png")

    # Keyboard: the strongest links are links; Enter on one focuses that edge.
    first = net.edges.iloc[0]
    p.focus(".link-row >> nth=0")
    p.keyboard.press("Enter")
    p.wait_for_url(re.compile(rf"#focus=e{int(first.unit_id)}-{int(first.partner_id)}$"))
    p.wait_for_function(f"() => (document.querySelector('#{ids.NW_DETAIL} .detail-title') || {{}}).innerText"
                        f"?.includes('×')")

    # Click the school: focus in the URL fragment, the side panel names it and its documents.
    tap_node(p, f"s{school}")
    p.wait_for_url(re.compile(rf"#focus=s{school}$"))
    p.wait_for_function(f"(n) => (document.querySelector('#{ids.NW_DETAIL} .detail-title') || {{}}).innerText === n",
                        arg=name)
    docs, _ = drill_count(url, Filters(), DrillSpec(school=school))
    assert f"Documents behind · {docs}" in p.text_content(f"#{ids.NW_DETAIL}")
    assert node_ids(p) == everything                                 # focus fades, it does not filter
    snapshot(p, "network-focus.png")

    # One more click filters the dashboard to the school.
    p.click(f"#{ids.NW_FILTER}")
    p.wait_for_url(re.compile(rf"[?&]school={school}\b"))
    wait_nodes(p, one)
    assert name in p.inner_text(f"#{ids.FILTER_SCHOOLS}")

    # Reload: the filter and the focus come back from the URL.
    p.reload()
    wait_nodes(p, one)
    p.wait_for_selector(f"#{ids.NW_DETAIL} .detail-title")
    assert p.inner_text(f"#{ids.NW_DETAIL} .detail-title") == name

    # Back returns to the whole network.
    p.go_back()
    wait_nodes(p, everything)
    assert "school=" not in p.url

    # The filter bar narrows the graph too (a partner kind).
    p.click(f"#{ids.FILTER_PARTNER_KINDS}")
    p.get_by_role("option", name=re.compile("^Company")).click()
    p.keyboard.press("Escape")
    p.wait_for_url(re.compile(r"[?&]pkind=company\b"))
    wait_nodes(p, expected_nodes(url, Filters.make(partner_kinds=["company"])))

    assert page.requests and page.external_requests() == [], "the page requested another host"
