"""Exports and charts as a person meets them, in headless Chromium, in English and 中文:

- every page has an Export menu, and every chart card its own, with the page's filters and the
  interface language in every link; a download arrives with the server's file name;
- an export that fails (no Chromium) says why in the page, instead of a silent download;
- no mode-bar button links to another host (no "Share chart…"/Chart Studio), and under 中文
  plotly's own buttons speak Chinese;
- count axes and colour bars tick in whole numbers at every filter set of the query tests (the
  dashboard tests' deterministic sample), and a single year is one bar of a normal width.

What a tick label reads is decided by the figure a callback sends (``finish`` in
dashboard/figures/common.py sets a whole step and an integer format on every count axis and colour
bar) and drawn by plotly.js. So every figure of a page at every filter set is checked as the
browser receives it (the page's callbacks called through the app's own endpoint, no browser):
each axis and colour bar either lists its labels (categories, ``tickvals``/``ticktext``) or has
them computed from a whole ``tick0`` and ``dtick`` or an integer format, and none is left to
plotly's own choice, which would be 0.5 steps for small counts. The browser then draws a few of
those filter sets, chosen so that every kind of axis the check accepts is drawn at least once,
and every label it draws is read.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from dashboard import ids
from dashboard.queries import common as qc
from dashboard.report import render
from tests.browser.conftest import LiveServer, navigate, pick_option
from tests.dashboard.conftest import layout_components

pytestmark = pytest.mark.browser
PAGES = ["/", "/schools", "/partners", "/programs", "/network", "/sources", "/schools/1", "/partners/1"]
CJK = re.compile(r"[\u4e00-\u9fff]")


def _open(p, base: str, path: str) -> None:
    navigate(p, base, path)


def _links(p) -> list[dict]:
    return p.evaluate("""() => Array.from(document.querySelectorAll('a.export-link')).map(a => ({
        href: a.getAttribute('href'), card: !!a.closest('.card-export'), text: a.textContent}))""")


# every export link carries the filters ``want`` (``{key: value}``, the values as the URL writes them)
CARRY = """(want) => {
  const links = Array.from(document.querySelectorAll('a.export-link'));
  return links.length > 0 && links.every(a => {
    const q = new URLSearchParams(a.getAttribute('href').split('?')[1] || '');
    return Object.entries(want).every(([k, v]) => q.get(k) === v);
  });
}"""


def _links_carry(p, want: dict[str, str], lang: str, where) -> int:
    """Wait until every export link of the page carries the filters ``want``, then check each one: those
    filters and no other, and the files' language (中文 files from the 中文 interface; the report in
    both). The number of links checked."""
    p.wait_for_function(CARRY, arg=want)
    links = _links(p)
    for link in links:
        q = {k: v[0] for k, v in parse_qs(urlsplit(link["href"]).query).items()}
        labels = q.pop("labels", None)
        assert q == want, (where, link)
        if link["href"].startswith("/export/report"):
            assert labels == ("zh" if "中文" in link["text"] else None), (where, link)
        else:
            assert labels == ("zh" if lang == "zh" else None), (where, link)
    return len(links)


# the navigation bar's links (assets/links.js writes them from the URL: no callback)
NAV = """() => Array.from(document.querySelectorAll('#nav-links a.nav-link')).map(a => ({
    href: a.getAttribute('href'), text: a.textContent, active: a.classList.contains('active'),
    current: a.getAttribute('aria-current')}))"""
NAV_CARRY = """(query) => {
  const links = Array.from(document.querySelectorAll('#nav-links a.nav-link'));
  return links.length > 0 && links.every(a => (a.getAttribute('href').split('?')[1] || '') === query);
}"""


def _nav_carries(p, want: dict[str, str], lang: str, where) -> None:
    """Every link of the navigation bar carries exactly the filters ``want`` (in Filters' order) and the
    interface language, shows its label in that language, and the current page's link alone is marked."""
    from dashboard.app import PAGES as APP_PAGES
    from dashboard.labels import t
    from dashboard.queries.common import Filters

    order = list(Filters.KEYS.values())
    query = urlencode(sorted(want.items(), key=lambda kv: order.index(kv[0])), safe=",") + (
        "&ui=zh" if lang == "zh" else "")
    p.wait_for_function(NAV_CARRY, arg=query)
    pages = [(t(m.NAME, lang), m.PATH) for m in APP_PAGES if getattr(m, "IN_NAV", True)]
    links = p.evaluate(NAV)
    here = urlsplit(p.url).path
    assert [(x["text"], x["href"]) for x in links] == [(label, f"{path}?{query}") for label, path in pages], where
    # the current page's link is marked as the page; a section's link stays marked (not as the page) on its
    # detail pages (Schools on /schools/<id>)
    assert [x["current"] for x in links] == [
        "page" if path == here else "true" if path != "/" and here.startswith(path + "/") else None
        for _, path in pages], (where, links)
    assert [x["active"] for x in links] == [x["current"] is not None for x in links], (where, links)


MODEBAR = """() => Array.from(document.querySelectorAll('.modebar-btn')).map(b => ({
    title: b.getAttribute('data-title') || '', href: b.getAttribute('href') || ''}))"""
MODEBAR_PAGES = ("/", "/schools", "/partners", "/programs")


def _modebar_stays_home(p, path: str, lang: str) -> None:
    """No mode-bar button links to another host or offers the camera's bare image; under 中文
    every button's title is Chinese (plotly's locale given with each graph's config)."""
    p.wait_for_selector(".js-plotly-plot .main-svg")
    buttons = p.evaluate(MODEBAR)
    assert buttons, path
    for b in buttons:
        assert not re.search(r"share|cloud|chart studio|edit in", b["title"], re.I), (path, b)
        assert not b["href"] or urlsplit(b["href"]).hostname in (None, "127.0.0.1", "localhost"), (path, b)
        if lang == "zh":
            assert CJK.search(b["title"]), (path, b)
    assert p.locator(".modebar a[href^='http']").count() == 0
    assert not any(b["title"] in ("Download plot as a PNG", "下载图表为PNG格式") for b in buttons), \
        "the camera's bare image is replaced by the card's Export menu"


# One pass, English then 中文, each page reached as the app's links do (the language is a URL
# parameter like the filters: the page and its graphs are made again in the other language). The
# mode bar is read on the same pages: its buttons come from each graph's config, whatever the filters.
# On the first page a filter is chosen in the filter bar and the next page is reached by the navigation
# bar: every export link carries the filters on screen after a filter change and after each move (no
# callback writes the links: assets/links.js after a filter change, the new page's layout after a move).
def test_every_page_and_chart_card_has_an_export_menu_with_the_page_filters_and_no_modebar_button_leaves(
        live_server, page):
    p = page.page
    schools = qc.schools(live_server.database_url)
    school = schools[schools["name"] == "School of Computer Science"].iloc[0]
    own = {"/schools/1": {"school": "1"}, "/partners/1": {"partner": "1"}}   # a detail page's own subject
    for lang in ("en", "zh"):
        filters = {"from": "2020", "to": "2024", "country": "GB,PL"}
        for i, path in enumerate(PAGES):
            if i == 0:
                ui = "&ui=zh" if lang == "zh" else ""
                _open(p, live_server.base, path + "?" + urlencode(filters, safe=",") + ui)
            elif i == 1:   # the navigation bar's link: a new page, made for the query the filter bar wrote
                p.evaluate("() => { window.__samePage = true; }")
                if lang == "en":   # by the mouse
                    p.click(f".app-nav a.nav-link[href^='{path}?']")
                else:              # by the keyboard: the link focused, Enter
                    p.focus(f".app-nav a.nav-link[href^='{path}?']")
                    p.keyboard.press("Enter")
                p.wait_for_selector(f"#export-menu-{path.strip('/')}")
                assert urlsplit(p.url).path == path
                assert p.evaluate("window.__samePage") is True, "a move inside the app (no page load)"
            else:
                _open(p, live_server.base, path + "?" + urlsplit(p.url).query)
            assert p.locator(".export-menu").count() >= 1, (lang, path)
            if lang == "zh":
                p.wait_for_function("() => document.documentElement.lang === 'zh-CN'")
            # every chart sits in a card whose corner has the chart's own Export menu
            graphs = p.evaluate("""() => Array.from(document.querySelectorAll('.dash-graph')).map(g => {
                for (let c = g.closest('.chart-card'); c; c = c.parentElement && c.parentElement.closest('.chart-card')) {
                    if (c.querySelector('.card-export .export-menu, .card-tools .export-menu')) return true;
                }
                return false;})""")
            assert all(graphs), (lang, path, graphs)
            assert _links_carry(p, {**filters, **own.get(path, {})}, lang, (lang, path)) > 0
            _nav_carries(p, filters, lang, (lang, path))   # after a load, the move by the bar, moves by the URL
            links = _links(p)
            kinds = {urlsplit(x["href"]).path.rsplit(".", 1)[-1] for x in links}
            assert {"csv", "xlsx", "json"} <= kinds, (lang, path)
            if path != "/sources":
                assert {"png", "svg", "pdf"} <= kinds, (lang, path)
            if lang == "zh":
                assert CJK.search(p.inner_text(".page-head .export-menu, .page-export .export-menu")), path
            if path in MODEBAR_PAGES:
                _modebar_stays_home(p, path, lang)
            if i == 0:
                _links_follow_a_filter_change(p, school, filters, lang)
                _nav_carries(p, filters, lang, ("/ + school", lang))
    assert page.external_requests() == []


def _links_follow_a_filter_change(p, school, filters: dict[str, str], lang: str) -> None:
    """A school chosen in the filter bar on the Overview (the page stays, the URL's query changes): every
    export link then carries it, and a menu opened by keyboard offers it in the tab order. ``filters``
    gains the school."""
    pick_option(p, ids.FILTER_SCHOOLS, "Computer Science",
                re.compile(f"{re.escape(school['name'])}|{re.escape(str(school['zh']))}"))
    p.keyboard.press("Escape")
    p.wait_for_url(re.compile(rf"[?&]school={int(school.id)}\b"))
    filters["school"] = str(int(school.id))
    assert _links_carry(p, filters, lang, ("/ + school", lang)) > 20
    p.focus("#export-menu-overview .export-toggle")
    p.keyboard.press("Enter")
    p.wait_for_selector("#export-menu-overview .dropdown-menu.show a.export-link")
    # a link is written again as it is focused or pointed at (here every link of the menu made stale first)
    stale = p.evaluate("""() => Array.from(document.querySelectorAll('#export-menu-overview a.export-link'))
        .map(a => { a.setAttribute('href', a.getAttribute('href').split('?')[0]); return a; }).length""")
    assert stale > 20
    p.keyboard.press("Tab")
    focused = p.evaluate("() => document.activeElement.matches('a.export-link[download]') && "
                         "document.activeElement.getAttribute('href')")
    assert focused and f"school={filters['school']}" in focused, focused
    last = p.locator("#export-menu-overview a.export-link").last
    last.hover()
    assert f"school={filters['school']}" in last.get_attribute("href")
    p.keyboard.press("Escape")


def test_a_download_arrives_with_its_name_and_a_failure_is_said_in_the_page(live_server, page, monkeypatch):
    p = page.page
    _open(p, live_server.base, "/?from=2021")
    p.click("#export-menu-card-ov-top-partners .export-toggle")
    with p.expect_download() as dl:
        p.click("#export-menu-card-ov-top-partners a.export-link[href*='top_partners.csv']")
    assert dl.value.suggested_filename == "top_partners_2021-.csv"
    assert "Documents" in open(dl.value.path(), encoding="utf-8-sig").readline()

    # no Chromium: the reason is shown on the page, not saved as "top_partners.png"
    render.shutdown()
    monkeypatch.setenv("INTL_BROWSER_PATH", "/nonexistent/chromium")
    try:
        _open(p, live_server.base, "/?ui=zh")
        p.click("#export-menu-card-ov-top-partners .export-toggle")
        p.click("#export-menu-card-ov-top-partners a.export-link[href*='top_partners.png']")
        alert = p.wait_for_selector("#export-status .alert-danger")
        text = alert.inner_text()
        assert "导出失败" in text and "503" in text and "chromium" in text.lower(), text
        assert "fonts-wqy-microhei" in text
    finally:
        monkeypatch.delenv("INTL_BROWSER_PATH")
        render.shutdown()


# -- count axes -------------------------------------------------------------------------------------
TICKS = """() => Array.from(document.querySelectorAll(
    '.js-plotly-plot .xtick text, .js-plotly-plot .ytick text, .js-plotly-plot .cbaxis text'))
    .map(t => t.textContent)"""
BAR_WIDTHS = """(id) => {
  const gd = document.querySelector('#' + id + ' .js-plotly-plot');
  const plot = gd.querySelector('.cartesianlayer .plot');
  const bars = Array.from(gd.querySelectorAll('.bars path')).map(b => b.getBBox().width).filter(w => w > 0);
  return {bars, area: gd._fullLayout.xaxis._length};
}"""
# what each drawn chart was given for its axes' ticks: the same as the figure checked without a browser
DECLARED = """() => Object.fromEntries(Array.from(document.querySelectorAll('.js-plotly-plot')).map(gd => [
  gd.parentElement.id,
  Object.fromEntries(Object.keys(gd.layout).filter(k => /^[xy]axis\\d*$/.test(k)).sort().map(k => [k,
    [gd.layout[k].tickmode ?? null, gd.layout[k].dtick ?? null, gd.layout[k].tickformat ?? null]]))]))"""
FRACTION = re.compile(r"\d[.,]\d*5\b|\d\.\d")
THOUSANDS = re.compile(r"\d{1,3}(,\d{3})+")


def _fractions(labels) -> list[str]:
    return [x for x in labels if FRACTION.search(x) and not THOUSANDS.fullmatch(x)]


@pytest.fixture(scope="module")
def world_server(tmp_path_factory):
    from tests.dashboard.conftest import world_on

    url = f"sqlite:///{tmp_path_factory.mktemp('ticks') / 'intl.db'}"
    world = world_on(url)
    with LiveServer(url) as srv:
        srv.world = world
        yield srv


def _no_fractions(p, where) -> int:
    ticks = p.evaluate(TICKS)
    bad = _fractions(ticks)
    assert not bad, (where, bad)
    return len(ticks)


# -- the figures a page's callbacks send, without a browser ---------------------------------------------
def _outputs(key: str, clean: bool = True) -> list[tuple[str, str]]:
    """``(id, property)`` of each output of a callback's key; a duplicate output's property carries
    ``@hash`` in the key (``filter-countries.options@…``), left off unless ``clean`` is False (a request
    names it with the hash)."""
    parts = key[2:-2].split("...") if key.startswith("..") else [key]
    return [(i, prop.split("@")[0] if clean else prop) for i, prop in (x.rsplit(".", 1) for x in parts)]


def _call(app, client, key: str, values: dict) -> dict:
    """Post the registered callback ``key`` as the Dash renderer does, its inputs and states taken
    from ``values`` (None elsewhere); the JSON it answers, ``{id: {property: value}}``."""
    cb = app.callback_map[key]
    outs = [{"id": i, "property": prop} for i, prop in _outputs(key, clean=False)]
    ins = [{"id": x["id"], "property": x["property"], "value": values.get((x["id"], x["property"]))}
           for x in cb["inputs"]]
    body = {"output": key, "outputs": outs if len(outs) > 1 else outs[0], "inputs": ins,
            "state": [{"id": x["id"], "property": x["property"], "value": values.get((x["id"], x["property"]))}
                      for x in cb["state"]],
            "changedPropIds": [f"{x['id']}.{x['property']}" for x in cb["inputs"]][:1]}
    r = client.post("/_dash-update-component", json=body)
    assert r.status_code == 200, (key, r.status_code, r.text[:500])
    return r.get_json()["response"]


def page_figures(server, path: str, search: str) -> dict[str, dict]:
    """The figure of every graph of the page at ``path`` + ``search``, as JSON, the way the browser
    gets them: the page from the pages router, the filters from the shell's callback, then each
    graph's own callback with the page's stores and widgets as the page starts."""
    app = server.app
    client = app.server.test_client()
    client.get("/")  # Dash registers the pages router at the first request
    router = next(k for k in app.callback_map if "_pages_content.children" in k)
    page = _call(app, client, router, {("_pages_location", "pathname"): path,
                                        ("_pages_location", "search"): search})
    components = list(layout_components(page["_pages_content"]["children"]))
    values = {(c["props"]["id"], k): v for c in components if isinstance(c["props"].get("id"), str)
              for k, v in c["props"].items()}
    shell = next(k for k in app.callback_map if (ids.FILTERS, "data") in _outputs(k))
    values[(ids.FILTERS, "data")] = _call(app, client, shell, {(ids.URL, "search"): search})[ids.FILTERS]["data"]
    values[(ids.URL, "search")] = search
    figures = {}
    for c in components:
        if c["type"] != "Graph":
            continue
        gid = c["props"]["id"]
        key = next((k for k in app.callback_map if (gid, "figure") in _outputs(k)), None)
        figures[gid] = _call(app, client, key, values)[gid]["figure"] if key else c["props"].get("figure")
    return figures


def _number(v) -> float | None:
    if isinstance(v, bool):
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if f != f else f


def _whole(v) -> bool:
    f = _number(v)
    return f is not None and f == int(f)


def _flat(v) -> list:
    if isinstance(v, dict) and "bdata" in v:  # a typed array (numpy, base64): numbers
        return [0]
    if isinstance(v, (list, tuple)):
        return [y for x in v for y in (_flat(x) if isinstance(x, (list, tuple)) else [x])]
    return [] if v is None else [v]


CARTESIAN = {"bar", "scatter", "scattergl", "heatmap", "histogram", "box", "violin", "contour", "waterfall", "funnel"}
HAS_SCALE = {"heatmap", "choropleth", "contour", "densitymapbox", "choroplethmapbox"}  # a colour bar by default


def _axis_type(values: list) -> str:
    """The type plotly gives an axis with these values when the figure names none."""
    values = [v for v in values if v not in (None, "")]
    if all(_number(v) is not None for v in values):
        return "linear"
    if all(isinstance(v, str) and re.fullmatch(r"\d{4}-\d\d(-\d\d)?([ T][\d:.]+)?", v) for v in values):
        return "date"
    return "category" if all(_number(v) is None for v in values) else "mixed"


def _tick_problem(ax: dict, kind: str, values: list) -> str | None:
    """Why the labels of this axis or colour bar could hold a fraction, or None when the figure decides
    them and each is whole: listed (categories, ticktext), or from a whole tick0 and dtick, or printed
    by an integer format; never left to plotly's own choice of step."""
    fmt, mode = ax.get("tickformat") or "", ax.get("tickmode")
    if kind in ("category", "multicategory"):
        bad = _fractions([str(x) for x in (ax.get("ticktext") or values)])
        return f"category labels {bad}" if bad else None
    if kind == "date":
        return f"date format {fmt!r}" if re.search(r"%\d*f", fmt) else None
    if kind != "linear":
        return f"an axis of type {kind!r}"
    if mode == "array":
        if ax.get("ticktext") is None:
            return None if all(_whole(v) for v in ax.get("tickvals") or []) else f"tickvals {ax.get('tickvals')}"
        bad = _fractions([str(x) for x in ax["ticktext"]])
        return f"tick texts {bad}" if bad else None
    if re.fullmatch(r"[^.~]*d", fmt):  # d3's integer format (",d"): every label printed whole
        return None
    if mode == "linear" and _whole(ax.get("tick0", 0)) and _whole(ax.get("dtick")) and fmt == "":
        return None
    return f"plotly's own ticks (tickmode={mode!r}, dtick={ax.get('dtick')!r}, tickformat={fmt!r})"


def tick_problems(fig: dict) -> list[tuple[str, str]]:
    """The axes and colour bars of a figure (JSON) whose labels could show a fraction, and why."""
    layout, out, axes = fig.get("layout") or {}, [], {}
    for tr in fig.get("data") or []:
        kind = tr.get("type", "scatter")
        if kind in CARTESIAN:
            for letter in "xy":
                name = f"{letter}axis{(tr.get(letter + 'axis') or letter)[1:]}"
                axes.setdefault(name, []).extend(_flat(tr.get(letter)))
        scales = [(tr.get("colorbar") or {}, tr.get("showscale", kind in HAS_SCALE))]
        if isinstance(tr.get("marker"), dict):
            scales.append((tr["marker"].get("colorbar") or {}, tr["marker"].get("showscale", False)))
        for bar, shown in scales:
            problem = shown and _tick_problem(bar, "linear", [])
            if problem:
                out.append((f"{kind} colour bar", problem))
    for name, values in axes.items():
        ax = layout.get(name) or {}
        if ax.get("visible") is False or ax.get("showticklabels") is False:
            continue
        problem = _tick_problem(ax, ax.get("type") or _axis_type(values), values)
        if problem:
            out.append((name, problem))
    return out


def test_the_tick_check_tells_plotlys_own_ticks_from_the_dashboards():
    """The check above can fail: a count axis or colour bar left to plotly is caught, the same
    figures through ``finish`` pass, and so do listed labels, hidden axes and date axes."""
    import plotly.graph_objects as go

    from dashboard.figures.common import finish

    bars = go.Figure(go.Bar(x=[1, 2], y=["a", "b"], orientation="h"))
    heat = go.Figure(go.Heatmap(z=[[1, 3]], x=[2020, 2021], y=["a"]))
    assert [n for n, _ in tick_problems(bars.to_plotly_json())] == ["xaxis"]
    assert [n for n, _ in tick_problems(heat.to_plotly_json())] == ["heatmap colour bar", "xaxis"]
    assert tick_problems(finish(bars).to_plotly_json()) == []
    heat = finish(heat).update_layout(xaxis=dict(tickmode="linear", dtick=1))
    assert tick_problems(heat.to_plotly_json()) == []
    assert tick_problems(go.Figure(go.Bar(x=["1.5 m", "b"], y=[1, 2])).update_layout(
        yaxis=dict(tickformat=",d")).to_plotly_json()) == [("xaxis", "category labels ['1.5 m']")]
    assert tick_problems(go.Figure(go.Bar(x=[1.5], y=[1])).update_layout(
        xaxis=dict(visible=False), yaxis=dict(tickmode="array", tickvals=[0, 1])).to_plotly_json()) == []
    assert tick_problems(go.Figure(go.Bar(x=[1], y=["2024-01-01"], base=["2023-01-01"], orientation="h")).update_layout(
        xaxis=dict(tickformat=",d"), yaxis=dict(type="date", tickformat="%Y")).to_plotly_json()) == []


# The browser draws these filter sets (by their place in fixture_db.filter_sets, plus one year):
# between them every kind of axis the check accepts is drawn, and read: counts of 1 (plotly's own
# step would be 0.2), steps of 1, 2 and 5, categories, years ticked one by one (dtick 1) and listed
# (one year), the heat map's and the maps' colour bars, and charts with nothing to show.
# FR, a country no partner in scope is in, is kept from the URL as any other filter (the dropdown is
# given its option: tests/browser/test_url_filters.py), so its charts are the empty ones checked above.
BROWSER_SETS = (9, 8, 7, 6)   # 2020 alone; the narrow combination; university + zh; FR (nothing in scope)


def test_count_axes_tick_in_whole_numbers_at_every_filter_set_and_one_year_is_one_bar(world_server, page):
    from dashboard.queries.common import Filters
    from tests.dashboard import fixture_db

    sets = fixture_db.filter_sets(world_server.world) + [Filters.make(year_from=2020, year_to=2020)]
    assert sets[9] == Filters.make(year_from=2020, year_to=2020) and sets[6] == Filters.make(countries=["FR"])
    declared, problems = {}, []
    for i, f in enumerate(sets):
        for path in ("/", "/schools", "/partners"):
            figures = page_figures(world_server, path, f.to_search())
            assert figures, (path, f)
            declared[i, path] = figures
            problems += [(path, f, graph, *x) for graph, fig in figures.items() for x in tick_problems(fig)]
    assert problems == []

    p = page.page
    seen = 0
    for i in BROWSER_SETS:
        f = sets[i]
        for path in ("/", "/schools", "/partners"):
            _open(p, world_server.base, path + f.to_search())
            seen += _no_fractions(p, (path, f))
            # the charts drawn are the figures checked above, ticks as given
            drawn = p.evaluate(DECLARED)
            assert set(drawn) == set(declared[i, path]), (path, f)
            for graph, axes in drawn.items():
                layout = declared[i, path][graph].get("layout") or {}
                for name, ticks in axes.items():
                    ax = layout.get(name) or {}
                    assert ticks == [ax.get("tickmode"), ax.get("dtick"), ax.get("tickformat")], (path, f, graph, name)
            if path == "/" and f == Filters.make(year_from=2020, year_to=2020):
                # a single year is one bar of a normal width, ticked with its year alone
                p.wait_for_selector("#ov-activities-per-year .bars path")
                w = p.evaluate(BAR_WIDTHS, "ov-activities-per-year")
                assert w["bars"] and max(w["bars"]) < 0.35 * w["area"], w
                labels = [t for t in p.evaluate(TICKS) if re.fullmatch(r"20\d\d", t)]
                assert "2020" in labels and "2019" not in labels and "2021" not in labels
    assert seen > 100, "the ticks were read"


def test_report_charts_tick_in_whole_numbers_for_narrow_filters(live_server, page):
    # every narrow filter set checked on the figures the page gets; the narrowest one (a school's
    # single year: counts of 1, one year listed, the agreements' date axis) also drawn and read
    for search in ("?from=2023&to=2023", "?country=AU", "?from=2024&school=1"):
        figures = page_figures(live_server, "/programs", search)
        assert figures
        assert [(g, *x) for g, fig in figures.items() for x in tick_problems(fig)] == [], search
    p = page.page
    _open(p, live_server.base, "/programs?from=2024&school=1")
    assert set(p.evaluate(DECLARED)) == set(figures)
    assert _no_fractions(p, search) > 0
