"""Network: the school–partner pair counts against a naive count of the deterministic world
(``tests/dashboard/fixture_db.py``) on SQLite and PostgreSQL, the trimming, the cytoscape
elements and focus stylesheet, the URL-fragment state, and the side panel as plain functions."""
from __future__ import annotations

from collections import Counter

from dash import html

from dashboard.figures import network as fn
from dashboard.pages import network as page
from dashboard.queries import network as qn
from dashboard.queries.common import Filters
from tests.dashboard import fixture_db


def _rebuild(url: str) -> None:
    """A full rebuild of the rollups (etl.load.rollups.rebuild) in a transaction of its own."""
    from etl.db import get_engine
    from etl.load import rollups

    with get_engine(url).begin() as conn:
        rollups.rebuild(conn)



def _text(component) -> str:
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return " ".join(_text(c) for c in component)
    return _text(getattr(component, "children", None))


def _walk(component):
    yield component
    children = getattr(component, "children", None)
    if isinstance(children, (list, tuple)):
        for c in children:
            yield from _walk(c)
    elif children is not None and not isinstance(children, (str, int, float)):
        yield from _walk(children)


def naive_pairs(w: fixture_db.World, f: Filters) -> Counter:
    """Documents in scope per (school, partner): both named by facts that were not rejected."""
    out: Counter = Counter()
    for d in w.docs:
        if not fixture_db.in_scope(w, d, f):
            continue
        schools = {u for u, st in d.schools if st == "ok" and (not f.schools or u in f.schools)}
        partners = {p for p, st in d.partners if st == "ok" and fixture_db._partner_passes(w, p, f)}
        for u in schools:
            for p in partners:
                out[(u, p)] += 1
    return out


def test_pair_counts_match_a_naive_count_and_a_full_rebuild(world):
    """The pair counts read the rollups as the fixture's writes left them (kept exact by each
    commit): equal to a naive count, and to the same reading after a full rebuild."""
    from tests.dashboard.sql_log import Statements

    sets = fixture_db.filter_sets(world)
    live = {}
    for f in sets:
        with Statements(world.url) as st:
            got = qn.pair_counts(world.url, f)
        live[f] = {(int(u), int(p)): int(n) for u, p, n in got.itertuples(index=False)}
        assert live[f] == dict(naive_pairs(world, f)), f
        # the totals over all years and languages when neither is chosen, else the per-year rollup
        totals = f.year_from is None and f.year_to is None and not f.language
        assert ("rollup_school_partner_totals" in st.sql()) == totals, f
        assert ("rollup_school_partner_docs" in st.sql()) != totals, f
    _rebuild(world.url)
    for f in sets:
        got = qn.pair_counts(world.url, f)
        assert {(int(u), int(p)): int(n) for u, p, n in got.itertuples(index=False)} == live[f], f
    # The network drawn from the rollup has every partner the live count linked to a school.
    before = qn.network(world.url, Filters(), top=100)
    assert set(before.partners["partner_id"]) == {p for _u, p in live[Filters()]}


def test_network_keeps_the_top_partners_and_the_schools_they_reach(world):
    f = Filters()
    pairs = naive_pairs(world, f)
    shared: Counter = Counter()
    for (_u, p), n in pairs.items():
        shared[p] += n
    net = qn.network(world.url, f, top=3)
    assert len(net.partners) == 3
    assert net.partners_total == len(shared) and net.edges_total == len(pairs)
    assert list(net.partners["shared"]) == sorted(shared.values(), reverse=True)[:3]
    kept = set(net.partners["partner_id"])
    assert set(map(tuple, net.edges[["unit_id", "partner_id"]].values.tolist())) == {
        k for k in pairs if k[1] in kept}
    assert set(net.schools["unit_id"]) == {u for u, p in pairs if p in kept}
    degree = Counter(u for u, p in pairs if p in kept)
    assert dict(zip(net.schools["unit_id"], net.schools["degree"])) == dict(degree)
    # shared: the documents of a node's edges (a school's drawn ones, a partner's all).
    school_shared = Counter()
    for (u, p), n in pairs.items():
        if p in kept:
            school_shared[u] += n
    assert dict(zip(net.schools["unit_id"], net.schools["shared"])) == dict(school_shared)
    assert dict(zip(net.partners["partner_id"], net.partners["shared"])) == {p: shared[p] for p in kept}
    assert list(net.schools["shared"]) == sorted(net.schools["shared"], reverse=True)
    # The fewest shared documents an edge needs.
    strong = qn.network(world.url, f, top=100, min_shared=3)
    assert len(strong.edges) == sum(1 for n in pairs.values() if n >= 3)
    assert (strong.edges["documents"] >= 3).all()
    # the totals count every pair and partner, whatever the threshold keeps
    assert strong.partners_total == len(shared) and strong.edges_total == len(pairs)


def test_filters_apply_and_a_selection_of_nothing_is_empty(world):
    sid = world.school_ids["School of Automation"]
    net = qn.network(world.url, Filters.make(schools=[sid]))
    assert set(net.schools["unit_id"]) == {sid}
    assert qn.network(world.url, Filters.make(countries=["FR"])).empty   # only a rejected partner there
    # Zeta College is named once, by a document that may name no school: never invented as an edge.
    assert all(world.partners[int(p)][3] != "rejected" for p in qn.network(world.url, Filters(), 100).partners[
        "partner_id"])


def test_elements_and_focus_stylesheet(sqlite_world):
    world = sqlite_world
    net = qn.network(world.url, Filters(), top=5)
    els = fn.elements(net)
    nodes = [e for e in els if "source" not in e["data"]]
    edges = [e for e in els if "source" in e["data"]]
    assert len(nodes) == len(net.schools) + len(net.partners) and len(edges) == len(net.edges)
    ids = {e["data"]["id"] for e in nodes}
    assert all(e["data"]["source"] in ids and e["data"]["target"] in ids for e in edges)
    # Bigger nodes for more documents; thicker edges for more shared documents.
    by_docs = sorted(nodes, key=lambda e: e["data"]["shared"])
    assert by_docs[0]["data"]["size"] <= by_docs[-1]["data"]["size"]
    assert min(e["data"]["width"] for e in edges) >= fn.MIN_EDGE and max(e["data"]["width"] for e in edges) \
        <= fn.MAX_EDGE
    assert {e["classes"].split()[0] for e in nodes} == {"school", "partner"}
    # Focus on a school: it and its partners stay, the rest fades; no new elements.
    u = int(net.edges["unit_id"].iloc[0])
    style = fn.stylesheet(net, fn.node_id("school", u))
    keep = next(s["selector"] for s in style if s["style"].get("opacity") == 1)
    partners = set(net.edges[net.edges["unit_id"] == u]["partner_id"])
    assert set(keep.split(", ")) >= {f"#s{u}", *{f"#p{p}" for p in partners}}
    assert not any(f"#p{p}" in keep.split(", ") for p in set(net.partners["partner_id"]) - partners)
    edge = fn.edge_id(u, int(net.edges["partner_id"].iloc[0]))
    assert f"#{edge}" in fn.stylesheet(net, edge)[-1]["selector"]
    base = fn.stylesheet(net)
    for bad in ("s999999", "x1", "#s1, node", "e1-", "<script>", None):
        assert fn.stylesheet(net, bad) == base
    legend = fn.legend_items(net)
    assert legend[0][0] == "School" and len({c for _l, c, _s in legend}) == len(legend)


def test_fragment_state_round_trip_and_hostile_values():
    assert page.parse_hash("") == page.DEFAULT_STATE
    state = page.parse_hash("#focus=p12&top=80&min=2&layout=circle")
    assert state == {"focus": "p12", "top": 80, "min": 2, "layout": "circle"}
    assert page.parse_hash(page.to_hash(state)) == state
    assert page.to_hash(page.DEFAULT_STATE) == ""
    odd = page.parse_hash("#focus=<script>&top=abc&min=-5&layout=javascript:alert(1)")
    assert odd == {**page.DEFAULT_STATE, "min": 1}
    assert page.parse_hash("#top=55")["top"] == 40   # the nearest offered choice
    # A tap focuses, a second tap on the same node releases, clear releases.
    h = page.next_state("", "node", tap_node={"data": {"id": "s3"}})
    assert h == "#focus=s3"
    assert page.next_state(h, "node", tap_node={"data": {"id": "s3"}}) == ""
    assert page.next_state(h, "edge", tap_edge={"data": {"id": "e3-7"}}) == "#focus=e3-7"
    assert page.next_state(h, "top", top=80) == "#focus=s3&top=80"
    assert page.next_state(h, "clear") == ""
    assert page.next_state(h, "top", top=40) is None          # nothing changes
    assert page.next_state(h, "node", tap_node={"data": {"id": "1; drop"}}) == ""


def test_side_panel_lists_the_documents_behind_a_node_and_offers_the_filter(sqlite_world):
    world = sqlite_world
    f = Filters()
    net = qn.network(world.url, f, top=40)
    u = int(net.schools["unit_id"].iloc[0])
    body, filter_style, clear_style, link = page.detail_panel(world.url, {}, fn.node_id("school", u), 40, 1,
                                                              search="?ui=zh")
    text = _text(body)
    n_docs = sum(1 for d in world.docs if fixture_db.in_scope(world, d, f)
                 and any(x == u and st == "ok" for x, st in d.schools))
    assert f"Documents behind · {n_docs}" in text
    assert filter_style == {} and clear_style == {} and f"/schools/{u}" in link.href
    new = page.filter_to_focus("?ui=zh&from=2019", fn.node_id("school", u))
    assert Filters.from_search(new) == Filters.make(year_from=2019, schools=[u]) and "ui=zh" in new
    # A partner: no filter (no partner filter exists), a link to its page instead.
    p = int(net.partners["partner_id"].iloc[0])
    _b, filter_style, _c, link = page.detail_panel(world.url, {}, fn.node_id("partner", p), 40, 1)
    assert filter_style == {"display": "none"} and f"/partners/{p}" in link.href
    assert page.filter_to_focus("", fn.node_id("partner", p)) is None
    # An edge: both names and its shared documents.
    row = net.edges.iloc[0]
    body, *_ = page.detail_panel(world.url, {}, fn.edge_id(int(row.unit_id), int(row.partner_id)), 40, 1)
    assert f"{int(row.documents)} shared documents" in _text(body)
    # No focus: the strongest links, each a link that focuses its edge (keeping the settings).
    body, filter_style, clear_style, link = page.detail_panel(world.url, {}, None, 40, 1, hash_="#top=80")
    assert "Strongest links" in _text(body) and clear_style == {"display": "none"} and link is None
    hrefs = [a.href for part in body for a in _walk(part) if isinstance(a, html.A)]
    first = net.edges.iloc[0]
    assert hrefs[0] == f"#focus=e{int(first.unit_id)}-{int(first.partner_id)}&top=80"
    assert page.focus_href("#focus=s1&min=2", "p7") == "#focus=p7&min=2"


def test_graph_parts_and_empty_states(sqlite_world, tmp_path):
    world = sqlite_world
    els, summary, legend = page.graph_parts(world.url, {}, 10, 1)
    net = qn.network(world.url, Filters(), 10)
    assert len(els) == len(net.schools) + len(net.partners) + len(net.edges)
    assert f"of {net.partners_total} partners" in _text(summary) and "School" in _text(legend)
    els, summary, _ = page.graph_parts(world.url, {"countries": ["FR"]}, 10, 1)
    assert els == [] and "filter" in _text(summary).lower()
    from etl.db import upgrade

    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    upgrade(empty)
    els, summary, _ = page.graph_parts(empty, {}, 10, 1)
    assert els == [] and "intl demo" in _text(summary)
    els, summary, _ = page.graph_parts(f"sqlite:///{tmp_path / 'bare.db'}", {}, 10, 1)
    assert els == [] and "intl init" in _text(summary)


def test_partners_chosen_by_country_read_the_rollups_by_partner(world):
    """With partners chosen by country the edges equal the naive count, on SQLite and on
    PostgreSQL, where the school–partner rollups have indexes led by the partner (migration
    0080) for these rows; SQLite keeps its own indexes."""
    from etl.db import get_engine

    for f in (Filters.make(countries=["DE", "US"]), Filters.make(countries=["DE"], year_from=2019, year_to=2023)):
        got = qn.pair_counts(world.url, f)
        assert dict(zip(zip(got["unit_id"], got["partner_id"]), got["documents"])) == naive_pairs(world, f), f
    with get_engine(world.url).connect() as conn:
        names = ("ix_rollup_school_partner_docs_partner", "ix_rollup_school_partner_totals_partner")
        if conn.dialect.name == "postgresql":
            assert all(conn.exec_driver_sql(f"SELECT to_regclass('{n}')").scalar() is not None for n in names)
        else:
            listed = {r[1] for r in conn.exec_driver_sql("SELECT * FROM sqlite_master WHERE type = 'index'")}
            assert not listed & set(names)
