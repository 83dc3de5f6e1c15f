"""Exports and charts as a person meets them, in headless Chromium, in English and 中文:

- every page has an Export menu, and every chart card its own, with the page's filters and the
  interface language in every link; a download arrives with the server's file name;
- an export that fails (no Chromium) says why in the page, instead of a silent download;
- no mode-bar button links to another host (no "Share chart…"/Chart Studio), and under 中文
  plotly's own buttons speak Chinese;
- count axes and colour bars tick in whole numbers at every filter set of the query tests (the
  dashboard tests' deterministic sample), and a single year is one bar of a normal width.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from dashboard.report import render
from tests.browser.conftest import LiveServer, navigate

pytestmark = pytest.mark.browser
PAGES = ["/", "/schools", "/partners", "/programs", "/network", "/sources", "/schools/1", "/partners/1"]
CJK = re.compile(r"[\u4e00-\u9fff]")


def _open(p, base: str, path: str) -> None:
    navigate(p, base, path)


def _links(p) -> list[dict]:
    return p.evaluate("""() => Array.from(document.querySelectorAll('a.export-link')).map(a => ({
        href: a.getAttribute('href'), card: !!a.closest('.card-export'), text: a.textContent}))""")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_page_and_chart_card_has_an_export_menu_with_the_page_filters(live_server, page, lang):
    p = page.page
    search = "?from=2020&to=2024&country=GB,PL" + ("&ui=zh" if lang == "zh" else "")
    for path in PAGES:
        _open(p, live_server.base, path + search)
        assert p.locator(".export-menu").count() >= 1, path
        # every chart sits in a card whose corner has the chart's own Export menu
        graphs = p.evaluate("""() => Array.from(document.querySelectorAll('.dash-graph')).map(g => {
            for (let c = g.closest('.chart-card'); c; c = c.parentElement && c.parentElement.closest('.chart-card')) {
                if (c.querySelector('.card-export .export-menu, .card-tools .export-menu')) return true;
            }
            return false;})""")
        assert all(graphs), (path, graphs)
        p.wait_for_function("() => Array.from(document.querySelectorAll('a.export-link'))"
                            ".every(a => a.getAttribute('href').includes('from=2020'))")
        links = _links(p)
        assert links, path
        for link in links:
            q = parse_qs(urlsplit(link["href"]).query)
            assert q["from"] == ["2020"] and q["to"] == ["2024"] and q["country"] == ["GB,PL"], link
            if not link["href"].startswith("/export/report"):
                assert q.get("labels") == (["zh"] if lang == "zh" else None), link
        kinds = {urlsplit(x["href"]).path.rsplit(".", 1)[-1] for x in links}
        assert {"csv", "xlsx", "json"} <= kinds, path
        if path != "/sources":
            assert {"png", "svg", "pdf"} <= kinds, path
        if lang == "zh":
            assert CJK.search(p.inner_text(".page-head .export-menu, .page-export .export-menu")), path
    assert page.external_requests() == []


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


MODEBAR = """() => Array.from(document.querySelectorAll('.modebar-btn')).map(b => ({
    title: b.getAttribute('data-title') || '', href: b.getAttribute('href') || ''}))"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_modebar_button_leaves_the_intranet_and_plotlys_words_follow_the_language(live_server, page, lang):
    p = page.page
    for path in ("/", "/schools", "/partners", "/programs"):
        _open(p, live_server.base, path + ("?ui=zh" if lang == "zh" else ""))
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


@pytest.fixture(scope="module")
def world_server(tmp_path_factory):
    from tests.dashboard.conftest import world_on

    url = f"sqlite:///{tmp_path_factory.mktemp('ticks') / 'intl.db'}"
    world = world_on(url)
    with LiveServer(url) as srv:
        srv.world = world
        yield srv


def _no_fractions(p, where: str) -> int:
    ticks = p.evaluate(TICKS)
    bad = [x for x in ticks if re.search(r"\d[.,]\d*5\b|\d\.\d", x) and not re.fullmatch(r"\d{1,3}(,\d{3})+", x)]
    assert not bad, (where, bad)
    return len(ticks)


def test_count_axes_tick_in_whole_numbers_at_every_filter_set(world_server, page):
    from dashboard.queries.common import Filters
    from tests.dashboard import fixture_db

    p = page.page
    sets = fixture_db.filter_sets(world_server.world) + [Filters.make(year_from=2020, year_to=2020)]
    seen = 0
    for f in sets:
        for path in ("/", "/schools", "/partners"):
            _open(p, world_server.base, path + f.to_search())
            seen += _no_fractions(p, (path, f))
    assert seen > 100, "the ticks were read"


def test_one_year_is_one_bar_of_a_normal_width(world_server, page):
    p = page.page
    _open(p, world_server.base, "/?from=2020&to=2020")
    p.wait_for_selector("#ov-activities-per-year .bars path")
    w = p.evaluate(BAR_WIDTHS, "ov-activities-per-year")
    assert w["bars"] and max(w["bars"]) < 0.35 * w["area"], w
    labels = [t for t in p.evaluate(TICKS) if re.fullmatch(r"20\d\d", t)]
    assert "2020" in labels and "2019" not in labels and "2021" not in labels


def test_report_charts_tick_in_whole_numbers_for_narrow_filters(live_server, page):
    p = page.page
    for search in ("?from=2023&to=2023", "?country=AU", "?from=2024&school=1"):
        _open(p, live_server.base, "/programs" + search)
        _no_fractions(p, search)
