"""The English / 中文 switch in a real browser: on the Overview, Tab reaches the switch and
Enter turns the interface Chinese (headings, chart titles, legends, the menu, the filter
bar, ``<html lang>``, the tab title) while the filters stay in the URL; reload keeps 中文,
EN switches back, back/forward move between the languages, and nothing is requested from
another host. Then every public page, opened with ``?ui=zh``, shows its headings in Chinese.
Takes a screenshot of the Chinese Overview into the test's own folder (the README's come from take_screenshots.py)."""
from __future__ import annotations

import re

import pytest

from dashboard import ids
from dashboard.components.filters import label_id
from dashboard.components.navbar import FOOTER_TEXT, lang_hrefs, nav_href, page_title
from dashboard.figures import overview as figures
from dashboard.labels import KIND_LABELS, t
from dashboard.pages import overview, schools
from tests.browser.conftest import ROOT, navigate, snapshot

pytestmark = pytest.mark.browser

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
WORD = re.compile(r"[A-Za-z]{3,}")
SAME_IN_BOTH = {"PNG", "SVG", "PDF", "CSV", "JSON", "Excel", "PowerPoint", "EN", "BISTU", "INTL"}
GRAPH_TITLE = """(id) => {
  const el = document.querySelector('#' + id + ' .gtitle');
  return el ? el.textContent : null;
}"""
LEGEND = """(id) => Array.from(document.querySelectorAll('#' + id + ' .legendtext')).map(e => e.textContent)"""
# Heading-like texts of a page (tick labels, chips and table cells are data, not interface).
HEADINGS = """() => Array.from(document.querySelectorAll(
    'h1, h2, h3, h4, .page-lede, .card-heading, .card-sub, .section-heading, .gtitle, .g-xtitle, .g-ytitle,'
  + ' .legendtext, .cbtitle, label, th, .ag-header-cell-text, .kpi-label, .stat-l, .filter-label, .nav-link,'
  + ' button, .kind-chip, .drill-lang, .drill-hint'))
  .filter(e => e.getClientRects().length && !e.closest('#auth-bar'))
  .map(e => [e.tagName.toLowerCase() + '.' + ((e.getAttribute('class') || '').split(' ')[0]),
             (e.textContent || '').replace(/\\s+/g, ' ').trim()])
  .filter(x => x[1])"""


def graph_title(p, graph_id: str, text: str) -> str:
    p.wait_for_function(f"() => ({GRAPH_TITLE})('{graph_id}') === {text!r}")
    return p.evaluate(GRAPH_TITLE, graph_id)


def label_is(p, widget_id: str, text: str) -> None:
    """Wait until a filter's label reads ``text`` (its own callback follows the URL)."""
    p.wait_for_function(f"() => document.getElementById({label_id(widget_id)!r})?.textContent === {text!r}")


def heading(p, text: str) -> None:
    p.wait_for_function(f"() => document.querySelector('h1.page-title')?.textContent === {text!r}")


def _menu(p) -> list[tuple[str, bool]]:
    """The navigation bar's links: (href, marked as the current page)."""
    return [tuple(x) for x in p.evaluate("""() => Array.from(document.querySelectorAll('#nav-links a.nav-link'))
        .map(a => [a.getAttribute('href'), a.classList.contains('active')])""")]


# The shell as assets/links.js writes it: the switch's links (href, marked, aria-current), the brand's
# link (href, marked), its title and tooltip, the footer, <html lang> and the tab title.
SHELL = f"""() => {{
  const a = id => document.getElementById(id);
  const link = el => el && [el.getAttribute('href'), el.classList.contains('active'), el.getAttribute('aria-current')];
  if (!a({ids.BRAND_TITLE!r}) || !a({ids.FOOTER_TEXT!r})) {{ return {{}}; }}
  return {{en: link(a({ids.UI_LANG_EN!r})), zh: link(a({ids.UI_LANG_ZH!r})), brand: link(a({ids.BRAND_LINK!r})),
          title: a({ids.BRAND_TITLE!r}).textContent, tip: a({ids.BRAND_TITLE!r}).getAttribute('title'),
          footer: a({ids.FOOTER_TEXT!r}).textContent, lang: document.documentElement.lang, tab: document.title,
          marker: window.__intlMarker || null}};
}}"""
APP_TITLE = "International Cooperation Dashboard"


def shell_is(p, path: str, search: str, lang: str, tab: str, marker: int | None) -> dict:
    """Wait until the shell is that of ``path`` + ``search`` in ``lang`` (the switch's links are
    navbar.lang_hrefs', the brand's the filters and ui=zh, never marked), with the tab title ``tab``,
    and the page loaded no new document since ``window.__intlMarker`` was set to ``marker``."""
    en, zh, en_cls, zh_cls = lang_hrefs(path, search)
    want = {"en": [en, "active" in en_cls.split(), "true" if lang == "en" else None],
            "zh": [zh, "active" in zh_cls.split(), "true" if lang == "zh" else None],
            "brand": [nav_href("/", search), False, None], "title": t(APP_TITLE, lang), "tip": t(APP_TITLE, lang),
            "footer": t(FOOTER_TEXT, lang), "lang": "zh-CN" if lang == "zh" else "en", "tab": tab, "marker": marker}
    try:
        p.wait_for_function(f"""(want) => {{ const got = ({SHELL})();
            return Object.keys(want).every(k => JSON.stringify(got[k]) === JSON.stringify(want[k])); }}""", arg=want)
    except Exception:
        assert p.evaluate(SHELL) == want
        raise
    return want


def test_switch_turns_the_overview_chinese_and_back(live_server, page, tmp_path):
    p = page.page
    p.goto(live_server.base + "/?from=2018")
    heading(p, "Overview")
    graph_title(p, ids.OV_PER_YEAR, figures.PER_YEAR_TITLE)
    assert p.evaluate("document.documentElement.lang") == "en"
    shell_is(p, "/", "?from=2018", "en", page_title(overview.TITLE, "en"), None)
    p.evaluate("window.__intlMarker = 1")   # lost on a page load

    # The switch is in the tab order: Tab until it has the focus, then Enter.
    for _ in range(60):
        p.keyboard.press("Tab")
        if p.evaluate("document.activeElement && document.activeElement.id") == ids.UI_LANG_ZH:
            break
    else:
        pytest.fail("Tab never reached the 中文 switch")
    p.keyboard.press("Enter")
    p.wait_for_url(re.compile(r"[?&]ui=zh\b"))
    assert "from=2018" in p.url, "the filters stay in the URL"
    heading(p, "总览")
    shell_is(p, "/", "?from=2018&ui=zh", "zh", page_title(overview.TITLE, "zh"), 1)   # a move, no page load
    assert page_title(overview.TITLE, "zh") == "总览 · 国际合作"
    assert graph_title(p, ids.OV_PER_YEAR, t(figures.PER_YEAR_TITLE, "zh")) != figures.PER_YEAR_TITLE
    graph_title(p, ids.OV_BY_SCHOOL, t(figures.BY_SCHOOL_TITLE, "zh"))
    graph_title(p, ids.OV_COUNTRY_MAP, t(figures.MAP_TITLE, "zh"))
    legend = p.evaluate(LEGEND, ids.OV_PER_YEAR)
    assert legend and set(legend) <= {zh for _, zh in KIND_LABELS.values()}, legend
    p.wait_for_function("() => document.documentElement.lang === 'zh-CN'")
    p.wait_for_function("() => document.title.startsWith('总览')")
    label_is(p, ids.FILTER_YEARS, "年份")
    assert p.text_content(f"#{ids.OV_KPI_DOCUMENTS} .kpi-label") == "文档"
    nav = p.locator(".app-nav .nav-link").all_inner_texts()
    assert nav[:2] == ["总览", "学院"], nav
    assert _menu(p)[:2] == [("/?from=2018&ui=zh", True), ("/schools?from=2018&ui=zh", False)], \
        "the menu's links keep the filters and the language (assets/links.js, after the switch's move)"
    assert "active" in (p.get_attribute(f"#{ids.UI_LANG_ZH}", "class") or "").split()
    assert p.evaluate("document.querySelector('#auth-bar') === null || "
                      "!/Signed in/.test(document.querySelector('#auth-bar').innerText)")
    # The served CJK font covers the page's Chinese (on a computer without one, it is what draws it).
    faces = p.evaluate("""async () => (await document.fonts.load('16px "Intl CJK"', '总览合作伙伴'))
                                      .map(f => f.status)""")
    assert faces == ["loaded"]
    p.wait_for_load_state("networkidle")
    p.wait_for_timeout(600)   # plotly's transitions
    # The README shows the page as people see it: without the test server's "sign-in is off"
    # bar (tests run with INTL_AUTH=off), and without the keyboard focus ring on the switch.
    p.evaluate("document.getElementById('auth-bar')?.remove(); document.activeElement?.blur()")
    # Into the test's own folder: a test run never rewrites the tracked screenshot (tests/browser/take_screenshots.py
    # makes the README's); the picture is still taken, so a page that cannot be drawn fails here.
    shot = tmp_path / "screenshot-overview-zh.png"
    p.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000

    # The link reproduces language and view.
    p.reload()
    heading(p, "总览")
    graph_title(p, ids.OV_PER_YEAR, t(figures.PER_YEAR_TITLE, "zh"))
    assert "ui=zh" in p.url and "from=2018" in p.url
    assert p.evaluate("document.documentElement.lang") == "zh-CN"
    shell_is(p, "/", "?from=2018&ui=zh", "zh", "总览 · 国际合作", None)
    p.evaluate("window.__intlMarker = 2")

    # Back to English with the mouse.
    p.click(f"#{ids.UI_LANG_EN}")
    p.wait_for_url(lambda u: "ui=zh" not in u)
    assert "from=2018" in p.url
    heading(p, "Overview")
    graph_title(p, ids.OV_PER_YEAR, figures.PER_YEAR_TITLE)
    p.wait_for_function("() => document.documentElement.lang === 'en'")
    label_is(p, ids.FILTER_YEARS, "Years")
    shell_is(p, "/", "?from=2018", "en", "Overview · International Cooperation", 2)

    # Back and forward move between the languages.
    p.go_back()
    heading(p, "总览")
    p.wait_for_function("() => document.querySelector('#nav-links a.nav-link').textContent === '总览'")
    assert _menu(p)[1] == ("/schools?from=2018&ui=zh", False), "back: the menu in the language and filters of the URL"
    graph_title(p, ids.OV_PER_YEAR, t(figures.PER_YEAR_TITLE, "zh"))
    label_is(p, ids.FILTER_YEARS, "年份")
    p.wait_for_function("() => document.documentElement.lang === 'zh-CN' && document.title.startsWith('总览')")
    shell_is(p, "/", "?from=2018&ui=zh", "zh", "总览 · 国际合作", 2)
    p.go_forward()
    heading(p, "Overview")
    label_is(p, ids.FILTER_YEARS, "Years")
    shell_is(p, "/", "?from=2018", "en", "Overview · International Cooperation", 2)

    assert page.requests and page.external_requests() == [], "the page requested another host"


def test_the_brand_link_keeps_the_filters_and_moves_inside_the_app(live_server, page):
    """The brand (top left) leads home with the filters and the language (it was a page load to a bare
    "/"), and is never marked as the current page; the switch keeps any query, in its order."""
    p = page.page
    p.goto(live_server.base + "/schools?from=2019&ui=zh")
    heading(p, "学院")
    shell_is(p, "/schools", "?from=2019&ui=zh", "zh", page_title(schools.TITLE, "zh"), None)
    assert page_title(schools.TITLE, "zh") == "学院 · 国际合作"
    p.evaluate("window.__intlMarker = 3")
    p.click(f"#{ids.BRAND_LINK}")
    heading(p, "总览")
    assert p.url == live_server.base + "/?from=2019&ui=zh", "the filters and the language kept"
    shell_is(p, "/", "?from=2019&ui=zh", "zh", "总览 · 国际合作", 3)   # a move inside the app, no page load
    assert _menu(p)[:2] == [("/?from=2019&ui=zh", True), ("/schools?from=2019&ui=zh", False)]
    graph_title(p, ids.OV_PER_YEAR, t(figures.PER_YEAR_TITLE, "zh"))

    # Any other parameter of the query stays, in its order, encoded as the server does; one ui parameter.
    # (the search box writes its q last: the page's own URL)
    query = "?ui=zh&ui=zh&from=2019&q=it%27s+%28new%29%2A"
    navigate(p, live_server.base, "/sources" + query)
    shell_is(p, "/sources", query, "zh", page_title("Sources · International Cooperation", "zh"), 3)
    en_href = lang_hrefs("/sources", query)[0]
    assert en_href == "/sources?from=2019&q=it%27s+%28new%29%2A"
    p.focus(f"#{ids.UI_LANG_EN}")
    p.keyboard.press("Enter")
    heading(p, "Sources")
    assert p.url == live_server.base + en_href
    shell_is(p, "/sources", en_href.split("/sources")[1], "en", "Sources · International Cooperation", 3)
    assert page.external_requests() == []


def _names(url: str) -> set[str]:
    """Names, aliases and titles the database holds: shown as written where no Chinese is known."""
    import json

    from sqlalchemy import text

    from etl.db import get_engine

    out: set[str] = set()
    with get_engine(url).connect() as c:
        for sql in ("select name from partners", "select name from units", "select title from documents",
                    "select label from programmes", "select name from programmes"):
            out.update(str(r[0]) for r in c.execute(text(sql)) if r[0])
        for sql in ("select aliases from partners", "select aliases from units"):
            for (raw,) in c.execute(text(sql)):
                values = json.loads(raw) if isinstance(raw, str) else (raw or [])
                out.update(str(v) for v in values)
    return out


def test_every_public_page_in_chinese(live_server, page):
    from sqlalchemy import text

    from etl.db import get_engine

    with get_engine(live_server.database_url).connect() as c:
        school = c.execute(text("select id from units where zh is not null order by id limit 1")).scalar_one()
        partner = c.execute(text("select p.id from partners p join facts f on f.partner_id = p.id "
                                 "group by p.id order by count(*) desc limit 1")).scalar_one()
        doc = c.execute(text("select document_id from facts group by document_id order by count(*) desc limit 1")
                        ).scalar_one()
        programme = c.execute(text("select programme_id from programme_links group by programme_id "
                                   "order by count(*) desc, programme_id limit 1")).scalar_one()
    names = _names(live_server.database_url)
    p = page.page
    problems = {}
    # the first page loaded, the others reached as the app's links do (each made again for its path)
    for path in ("/", "/schools", f"/schools/{school}", "/partners", f"/partners/{partner}", "/programs",
                 f"/programs/{programme}", "/network", "/sources", f"/sources/doc/{doc}"):
        navigate(p, live_server.base, path + "?ui=zh")
        p.wait_for_selector("h1")
        texts = p.evaluate(HEADINGS)
        assert any(CJK.search(x) for _, x in texts), path
        left = sorted({(k, x) for k, x in texts if WORD.search(x) and not CJK.search(x)
                       and x not in names and x not in SAME_IN_BOTH})
        if left:
            problems[path] = left
        assert p.evaluate("document.documentElement.lang") == "zh-CN", path
        # the tab title Dash's router set, translated by assets/links.js: no English word left
        p.wait_for_function("() => document.title && !/[A-Za-z]{3,}/.test(document.title)")
    assert problems == {}, f"English left under ui=zh: {problems}"
    assert page.external_requests() == []
    snapshot(p, "source-doc-zh.png")
