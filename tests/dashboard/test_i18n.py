"""The English / 中文 interface: one translation per English key across every module, the
URL's ``ui`` parameter and the navbar's switch, the shell's texts, every page's layout and
the Overview's callbacks rendered in Chinese, and a CJK font that can draw all of it."""
from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pandas as pd
import pytest

import dashboard
from dashboard import ids
from dashboard import labels as L

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
WORD = re.compile(r"[A-Za-z]{3,}")
# Words that are the same in both interfaces: file formats, product names, the switch itself.
SAME_IN_BOTH = {"PNG", "SVG", "PDF", "CSV", "JSON", "Excel", "PowerPoint", "EN", "BISTU", "INTL"}
# Entry points that are not part of the web app (a worker that exits without REDIS_URL).
NOT_IMPORTED = {"dashboard.admin.worker"}


def import_every_module() -> list[str]:
    names = []
    for m in pkgutil.walk_packages(dashboard.__path__, "dashboard."):
        if m.name in NOT_IMPORTED:
            continue
        importlib.import_module(m.name)
        names.append(m.name)
    return names


# ---------------------------------------------------------------------------
# The translation table
# ---------------------------------------------------------------------------
def test_no_two_modules_register_different_chinese_for_the_same_english():
    modules = import_every_module()
    assert "dashboard.pages.overview" in modules and "dashboard.components.navbar" in modules
    clashes = L.translation_conflicts()
    assert clashes == [], "one English key, two translations:\n" + "\n".join(map(str, clashes))
    assert len(L.translations()) > 200, "every page registered its strings"


@pytest.fixture
def scratch_table(monkeypatch):
    """The table as it is, restored after the test (registrations here must not leak)."""
    monkeypatch.setattr(L, "_ZH", dict(L._ZH))
    monkeypatch.setattr(L, "_ORIGIN", dict(L._ORIGIN))
    monkeypatch.setattr(L, "_CONFLICTS", list(L._CONFLICTS))


def test_a_different_second_translation_is_recorded_and_the_first_kept(scratch_table):
    before = len(L.translation_conflicts())
    L.add_translations({"Quarterly digest": "季度摘要"}, module="tests.first")
    L.add_translations({"Quarterly digest": "季度摘要"}, module="tests.again")   # same pair: fine
    assert len(L.translation_conflicts()) == before
    L.add_translations({"Quarterly digest": "季报"}, module="tests.second")
    clash = L.translation_conflicts()[-1]
    assert (clash.key, clash.first, clash.first_module, clash.second, clash.second_module) == (
        "Quarterly digest", "季度摘要", "tests.first", "季报", "tests.second")
    assert "tests.first" in str(clash) and "tests.second" in str(clash)
    assert L.t("Quarterly digest", "zh") == "季度摘要", "the import order does not decide"
    assert L.t("Quarterly digest", "en") == "Quarterly digest"


def test_a_context_gives_one_english_word_a_second_translation(scratch_table):
    before = len(L.translation_conflicts())
    L.add_translations({"sessions": "场次"}, module="tests.a")
    L.add_translations({"sessions": "个会话"}, context="unit", module="tests.b")
    assert len(L.translation_conflicts()) == before, "a context-qualified key is another key"
    assert L.t("sessions", "zh") == "场次"
    assert L.t("sessions", "zh", context="unit") == "个会话"
    assert L.t("sessions", "zh", context="no such context") == "场次", "falls back to the plain key"
    assert L.t("sessions", "en", context="unit") == "sessions"


def test_names_of_codes_in_both_languages():
    assert L.kind_name("delegation_visit", "zh") == L.KIND_LABELS["delegation_visit"][1]
    assert L.kind_name("delegation_visit") == "Delegation visit"
    assert L.partner_kind_name("institute", "zh") == "研究机构" and L.partner_kind_name(None, "zh") == "类型未知"
    assert L.language_name("en", "zh") == "英文" and L.language_name("en") == "English"
    assert L.language_name("zh", "zh") == "中文" and L.language_name("fr", "zh") == "fr"
    assert L.local_name("Alpha University", "阿尔法大学", "zh") == "阿尔法大学"
    assert L.local_name("Alpha University", "阿尔法大学", "en") == "Alpha University"
    assert L.local_name("Alpha University", float("nan"), "zh") == "Alpha University", "NULL from pandas"
    assert L.program_type_name("Winter  School", "zh") == "冬季学校"
    assert L.program_type_name("winter school") == "Winter school"
    assert L.program_type_name("field trip", "zh") == "field trip", "unknown types stay as written"
    assert L.method_text("rule: delegation (score 8.0)", "zh") == "规则：delegation（得分 8.0）"
    assert L.method_text("partner registry; country: partner registry", "zh") == "合作伙伴名录；国家：合作伙伴名录"


# ---------------------------------------------------------------------------
# The URL parameter and the switch
# ---------------------------------------------------------------------------
def test_ui_parameter_read_and_written_keeping_the_filters():
    assert L.ui_from_search("?from=2019&ui=zh") == "zh"
    assert L.ui_from_search("?ui=en") == L.ui_from_search("") == L.ui_from_search(None) == "en"
    assert L.with_ui("?from=2019&school=3,1", "zh") == "?from=2019&school=3,1&ui=zh"
    assert L.with_ui("?from=2019&ui=zh&kind=agreement", "en") == "?from=2019&kind=agreement"
    assert L.with_ui("?ui=zh", "en") == "" and L.with_ui("", "zh") == "?ui=zh"
    assert L.with_ui("?ui=zh&ui=zh", "zh") == "?ui=zh", "never two ui parameters"


def test_switch_links_keep_path_and_filters_and_mark_the_language():
    from dashboard.components.navbar import lang_hrefs, lang_switch

    en, zh, en_cls, zh_cls = lang_hrefs("/schools", "?from=2019&country=DE,JP")
    assert (en, zh) == ("/schools?from=2019&country=DE,JP", "/schools?from=2019&country=DE,JP&ui=zh")
    assert "active" in en_cls.split() and "active" not in zh_cls.split()
    en, zh, en_cls, zh_cls = lang_hrefs("/partners/7", "?ui=zh&lang=en")
    assert (en, zh) == ("/partners/7?lang=en", "/partners/7?lang=en&ui=zh"), \
        "the document-language filter (lang=) is not the interface language (ui=)"
    assert "active" in zh_cls.split() and "active" not in en_cls.split()
    assert lang_hrefs("/sources", "?q=it's (new)*&ui=zh&ui=zh&from=2019")[:2] == (
        "/sources?q=it%27s+%28new%29%2A&from=2019", "/sources?q=it%27s+%28new%29%2A&from=2019&ui=zh"), \
        "every other parameter kept in its order, encoded as urlencode does; never two ui parameters"
    # The switch: one component, two plain links in a group, written by assets/links.js (data-ui)
    switch = lang_switch()
    assert type(switch).__name__ == "Markdown" and switch.dangerously_allow_html
    group = re.fullmatch(r'<div class="lang-switch" id="([^"]*)" role="group" aria-label="([^"]*)">(.*)</div>',
                         switch.children)
    assert group and group.group(1) == ids.UI_LANG_SWITCH and "界面语言" in group.group(2)
    links = re.findall(r'<a class="([^"]*)" title="([^"]*)" href="([^"]*)" id="([^"]*)" data-ui="([^"]*)"'
                       r'(?: aria-current="true")?>([^<]*)</a>', group.group(3))
    assert [(cls.split(), code, text, link_id) for cls, _title, _href, link_id, code, text in links] == [
        (["lang-opt", "active"], "en", "EN", ids.UI_LANG_EN), (["lang-opt"], "zh", "中文", ids.UI_LANG_ZH)], \
        "a link each (Tab reaches it, Enter follows it), English marked until the script reads the URL"
    assert [href for _c, _t, href, *_ in links] == ["/", "/?ui=zh"]
    assert "以中文显示界面" in links[1][1] and "English" in links[0][1]
    assert 'aria-current="true"' in group.group(3).split("</a>")[0] and group.group(3).count("aria-current") == 1
    assert '<span class="lang-sep" aria-hidden="true">|</span>' in group.group(3)


def _walk(c):
    yield c
    kids = getattr(c, "children", None)
    for k in kids if isinstance(kids, (list, tuple)) else [kids]:
        if hasattr(k, "to_plotly_json"):
            yield from _walk(k)


SHELL_IDS = (ids.NAVBAR, ids.NAV_LINKS, ids.UI_LANG_SWITCH, ids.UI_LANG_EN, ids.UI_LANG_ZH, ids.BRAND_LINK,
             ids.BRAND_TITLE, ids.FOOTER_TEXT)


def test_the_menu_is_one_component_and_no_callback_follows_the_url_for_it(server):
    """The shell (menu, brand, switch, texts, ``<html lang>``, tab title) follows the URL in the browser:
    the menu's links are one dcc.Markdown, not a component per link and item; the navbar registers no
    callback at all, and no callback of the whole app writes a part of the shell (assets/links.js does,
    from the URL), and the script copies the same filter keys as Filters and knows the shell's elements."""
    from dash import Dash

    from dashboard.components import navbar as N
    from dashboard.hardening import EXT_KEY
    from dashboard.queries.common import Filters

    bar = N.navbar("T", None, None, [("Overview", "/"), ("Schools", "/schools"), ("Partners", "/partners")])
    menu = [c for c in _walk(bar) if getattr(c, "id", None) == ids.NAV_LINKS]
    assert [type(c).__name__ for c in menu] == ["Markdown"]
    assert not [c for c in _walk(bar) if type(c).__name__ in ("NavLink", "NavItem", "Nav", "Link", "Store")]
    assert [type(c).__name__ for c in _walk(bar)] == ["Header", "Container", "Markdown", "Div", "Markdown",
                                                      "Markdown"], "brand, menu and switch: one component each"
    assert not hasattr(ids, "UI_STATE") and not hasattr(ids, "UI_DUMMY")
    app = Dash(__name__)
    N.register_callbacks(app)
    assert app.callback_map == {} and app._inline_scripts == [], "the navbar has no callback"
    # the whole app: no callback writes the shell, none reads the URL for it
    app = server.extensions[EXT_KEY]["dash"]
    assert app.callback_map, "the app's callbacks are registered"
    written = " ".join(app.callback_map)   # each callback's outputs ("id.prop", several joined by "...")
    shell = [i for i in SHELL_IDS if re.search(rf"(^|[.\s\[\"]){re.escape(i)}\.", written)]
    assert shell == [], f"a callback writes the shell: {shell}"
    assert not [s for s in app._inline_scripts if "documentElement" in s or "document.title =" in s and
                "data.title" not in s], "no clientside callback sets <html lang> or the title (only Dash's router)"
    script = (ROOT / "dashboard" / "assets" / "links.js").read_text(encoding="utf-8")
    keys = re.search(r"var FILTER_KEYS = \[([^\]]*)\]", script).group(1)
    assert tuple(re.findall(r'"(\w+)"', keys)) == tuple(Filters.KEYS.values())
    shell_js = re.search(r"var SHELL = \[([^\]]*)\]", script).group(1)
    assert re.findall(r'"([\w-]+)"', shell_js) == [ids.UI_LANG_EN, ids.UI_LANG_ZH, ids.BRAND_LINK, ids.BRAND_TITLE,
                                                   ids.FOOTER_TEXT], "the script waits for the shell's elements"
    assert f'getElementById("{ids.NAV_LINKS}")' in script
    for attr in ("a[data-nav]", "a[data-home]", "a[data-ui]", "[data-titles]", "[data-en][data-zh]:not(a)"):
        assert attr in script, attr


def test_shell_texts_follow_the_url():
    from dashboard.components import navbar as N

    import json

    bar = N.navbar("International Cooperation Dashboard", "Beijing Information Science and Technology University",
                   "北京信息科技大学", [("Overview", "/"), ("Schools", "/schools"), ("Programs & mobility", "/programs")],
                   ["Schools · International Cooperation", "Programme · International Cooperation", None])
    menu = next(c for c in _walk(bar) if getattr(c, "id", None) == ids.NAV_LINKS)
    # each link carries both labels (assets/links.js shows the URL's language) and its bare path
    links = re.findall(r'<a class="nav-link" href="([^"]*)" data-nav="([^"]*)" data-en="([^"]*)" data-zh="([^"]*)">'
                       r'([^<]*)</a>', menu.children)
    assert links == [("/", "/", "Overview", "总览", "Overview"), ("/schools", "/schools", "Schools", "学院", "Schools"),
                     ("/programs", "/programs", "Programs &amp; mobility", "项目与交流", "Programs &amp; mobility")]
    assert N.nav_href("/schools", "?ui=zh") == "/schools?ui=zh", "menu links keep the language"
    assert N.nav_href("/schools", "?ui=en&country=DE,JP&junk=1&from=2019") == "/schools?from=2019&country=DE,JP", \
        "the filters in Filters' order, nothing else"
    assert N.nav_href("/", "?lang=en&ui=zh") == "/?lang=en&ui=zh", "the document-language filter is not ui"
    assert N.nav_href("/", "") == "/"
    # the brand: a link home the script writes like the menu's (data-home), its title in both languages
    brand = bar.children.children[0]
    assert type(brand).__name__ == "Markdown"
    home = re.fullmatch(r'<div><a class="brand" href="/" id="([^"]*)" data-home="/">(.*)</a></div>', brand.children)
    assert home and home.group(1) == ids.BRAND_LINK
    title = re.search(r'<span class="brand-title" title="([^"]*)" id="([^"]*)" data-en="([^"]*)" data-zh="([^"]*)">'
                      r'([^<]*)</span>', home.group(2))
    assert title.groups() == ("International Cooperation Dashboard", ids.BRAND_TITLE,
                              "International Cooperation Dashboard", "国际合作数据看板",
                              "International Cooperation Dashboard")
    assert '<span class="brand-mark" aria-hidden="true">BISTU</span>' in home.group(2)
    assert "北京信息科技大学" in home.group(2)
    custom = N.brand_link("Our Own Title", None, None).children
    assert 'data-en="Our Own Title" data-zh="Our Own Title"' in custom, "a title without a translation is kept"
    assert '<span class="brand-mark" aria-hidden="true">INTL</span>' in custom
    footer = N.footer_text()
    assert footer.id == ids.FOOTER_TEXT and footer.children == N.FOOTER_TEXT
    assert getattr(footer, "data-en") == N.FOOTER_TEXT and CJK.search(getattr(footer, "data-zh"))
    # the tab title's words, for the script: what page_title translates, part by part
    words = json.loads(getattr(bar, "data-titles"))
    assert words == {"International Cooperation Dashboard": "国际合作数据看板", "Schools": "学院",
                     "International Cooperation": "国际合作", "Programme": "项目"}
    assert N.page_title("Schools · International Cooperation", "zh") == "学院 · 国际合作"
    assert N.page_title("Schools · International Cooperation", "en") == "Schools · International Cooperation"
    assert N.title_translations(["Our Own Title · Schools", ""]) == {"Schools": "学院"}


def test_every_page_title_has_its_words_in_the_header():
    """Each registered page's tab title, translated as the script does with the header's map, is
    page_title's, with no English word left on a public page."""
    import json

    from dashboard.app import DEFAULT_TITLE, PAGES
    from dashboard.components import navbar as N

    titles = [p.TITLE for p in PAGES]
    words = json.loads(getattr(N.navbar(DEFAULT_TITLE, None, None, [], titles), "data-titles"))
    for title in [DEFAULT_TITLE, *titles]:
        script = " · ".join(words.get(part, part) for part in title.split(" · "))
        assert script == N.page_title(title, "zh") and not WORD.search(script), (title, script)


def test_filter_bar_relabels_in_place_and_keeps_values():
    from dashboard.components.filters import FILTER_TEXTS, bar_texts, filter_bar, filter_summary, label_id
    from dashboard.queries.common import Filters

    schools = pd.DataFrame([{"id": 1, "name": "School of Automation", "zh": "自动化学院"},
                            {"id": 2, "name": "School of Sciences", "zh": None}])
    present = ["@EU", "DE", "GB", "JP"]
    zh = bar_texts("?ui=zh", schools, present)
    en = bar_texts("", schools, present)
    n = len(FILTER_TEXTS)
    assert zh[:n] == tuple(L.t(text, "zh") for _, text, _ in FILTER_TEXTS) and all(CJK.search(x) for x in zh[:n])
    assert en[:n] == tuple(text for _, text, _ in FILTER_TEXTS)
    school_opts, kind_opts, country_opts, pkind_opts, lang_opts = zh[2 * n - 1: 2 * n + 4]
    assert [o["label"] for o in school_opts] == ["自动化学院", "School of Sciences"]
    assert [o["value"] for o in school_opts] == [o["value"] for o in en[2 * n - 1]], "values unchanged"
    assert all(CJK.search(o["label"]) for o in kind_opts + pkind_opts + lang_opts)
    assert [o["label"] for o in country_opts] == ["欧洲 · 2 个国家", "亚洲 · 1 个国家", "德国", "日本", "英国"]
    assert [o["value"] for o in country_opts] == [o["value"] for o in en[2 * n + 1]]
    assert zh[-2:] == ("清除筛选", "筛选")
    from dash import no_update

    assert all(x is no_update for x in bar_texts("?ui=zh", None, None, current_label=zh[0])), \
        "the bar already speaks Chinese: nothing is sent"
    assert filter_summary(Filters.make(year_from=2019, countries=["DE"]), "zh") == "2 项筛选"
    bar = filter_bar(schools, (2016, 2025), ["DE"], lang="zh")
    found = _collect(bar)
    assert ("Label", "年份") in found and ("Label", "学院") in found
    assert label_id(ids.FILTER_YEARS) in _ids(bar)


# ---------------------------------------------------------------------------
# The font
# ---------------------------------------------------------------------------
def test_the_served_cjk_font_draws_every_chinese_character_of_the_interface():
    """The app ships a GB 2312 cut of WenQuanYi for machines without a CJK font: a word of
    the interface outside it would show as tofu boxes there."""
    from fontTools.ttLib import TTFont

    from dashboard.plotly_zh import ZH_CN
    from dashboard.regions import REGIONS, country_label

    import_every_module()
    cmap = TTFont(ROOT / "dashboard" / "assets" / "fonts" / "wqy-microhei-gb2312.woff2").getBestCmap()
    texts = list(L.translations().values()) + [zh for _, zh in L.KIND_LABELS.values()]
    texts += [zh for _, zh in REGIONS.values()] + list(L.AG_GRID_ZH.values()) + list(L.PROGRAM_TYPES_ZH.values())
    texts += list(L.METHODS_ZH.values()) + list(ZH_CN["dictionary"].values())
    texts += [v for k, v in ZH_CN["format"].items() if isinstance(v, str)] + sum(
        (v for v in ZH_CN["format"].values() if isinstance(v, list)), [])
    import pycountry

    texts += [country_label(c.alpha_2, "zh") for c in pycountry.countries]
    missing = {ch: s for s in texts for ch in s if CJK.match(ch) and ord(ch) not in cmap}
    assert missing == {}, f"characters the served font cannot draw: {missing}"


# ---------------------------------------------------------------------------
# Every page rendered in Chinese (layouts), and the Overview's callbacks
# ---------------------------------------------------------------------------
HEADINGS = {"H1", "H2", "H3", "H4", "H5", "H6", "Label", "Th", "Button", "Legend", "Caption", "Summary", "NavLink"}


def _text(c) -> str:
    if c is None:
        return ""
    if isinstance(c, (str, int, float)):
        return str(c)
    if isinstance(c, (list, tuple)):
        return " ".join(_text(x) for x in c)
    if type(c).__name__ == "Markdown" and isinstance(c.children, str):   # a table or list as one component
        from dashboard.components.html_table import text_of

        return text_of(c.children)
    return _text(getattr(c, "children", None))


def _collect(c, out: list | None = None) -> list[tuple[str, str]]:
    """Every heading-like text of a component tree: headings, labels, table and grid headers,
    buttons, placeholders, titles, aria-labels, option labels."""
    out = [] if out is None else out
    if isinstance(c, (list, tuple)):
        for x in c:
            _collect(x, out)
        return out
    if c is None or isinstance(c, (str, int, float)):
        return out
    kind = type(c).__name__
    if kind == "Markdown" and isinstance(c.children, str):   # a table or list as one component (HTML)
        return _collect_html(c.children, out)
    text = " ".join(_text(getattr(c, "children", None)).split())
    if kind in HEADINGS and text:
        out.append((kind, text))
    for attr in ("placeholder", "title", "label", "aria-label"):
        value = getattr(c, attr, None)
        if isinstance(value, str) and value.strip():
            out.append((f"{kind}@{attr}", value))
    for col in getattr(c, "columnDefs", None) or []:
        if col.get("headerName"):
            out.append(("grid", col["headerName"]))
    options = getattr(c, "options", None)
    if isinstance(options, list):
        out += [(f"{kind}@option", o["label"]) for o in options if isinstance(o, dict) and isinstance(o.get("label"), str)]
    _collect(getattr(c, "children", None), out)
    return out


def _collect_html(markup: str, out: list) -> list[tuple[str, str]]:
    """:func:`_collect` of a table or a list drawn as HTML (dcc.Markdown): its headings (``th``, ``h1``…
    as ``Th``, ``H1``…), ``title`` and ``aria-label`` attributes."""
    from html.parser import HTMLParser

    class Parser(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.stack: list[list] = []

        def handle_starttag(self, tag, attrs):
            for name, value in attrs:
                if name in ("title", "aria-label") and value and value.strip():
                    out.append((f"{tag.capitalize()}@{name}", value))
            self.stack.append([tag, ""])

        def handle_endtag(self, tag):
            while self.stack:
                name, text = self.stack.pop()
                if self.stack:
                    self.stack[-1][1] += " " + text + " "
                kind = name.capitalize()
                if kind in HEADINGS and text.strip():
                    out.append((kind, " ".join(text.split())))
                if name == tag:
                    break

        def handle_data(self, data):
            if self.stack:
                self.stack[-1][1] += data

    Parser().feed(markup)
    return out


def _ids(c, out: set | None = None) -> set:
    out = set() if out is None else out
    if isinstance(c, (list, tuple)):
        for x in c:
            _ids(x, out)
    elif c is not None and not isinstance(c, (str, int, float)):
        if isinstance(getattr(c, "id", None), str):
            out.add(c.id)
        _ids(getattr(c, "children", None), out)
    return out


@pytest.fixture(scope="module")
def explore(ex_sqlite):
    """The sample with fixture_explore's additions (schools with Chinese names; this module's own
    database), one partner given a Chinese name."""
    from sqlalchemy import update

    from etl.db import get_engine
    from etl.load.models import Partner

    with get_engine(ex_sqlite.url).begin() as c:
        c.execute(update(Partner).where(Partner.name == "Alpha University").values(zh="阿尔法大学"))
    return ex_sqlite


@pytest.fixture(scope="module")
def server(explore):
    from dashboard.app import create_app

    return create_app(explore.url).server


def _data_names(url: str) -> set[str]:
    """Names and titles the database holds: shown as written when no Chinese is known."""
    from sqlalchemy import text

    from etl.db import get_engine

    out: set[str] = set()
    with get_engine(url).connect() as c:
        for sql in ("select name from partners", "select name from units", "select title from documents",
                    "select uri from documents"):
            out.update(str(r[0]) for r in c.execute(text(sql)) if r[0])
    return out


def _page_args(explore) -> dict[str, dict]:
    return {"school": {"school_id": str(explore.school("School of Automation"))},
            "partner": {"partner_id": str(explore.partner("Alpha University"))},
            "source_doc": {"doc_id": str(next(iter(explore.story_docs.values())))}}


def _every_page():
    from dashboard.app import PAGES
    from dashboard.pages import admin_audit, admin_etl, admin_review, admin_runs, admin_uploads, admin_users

    return [*PAGES, admin_uploads, admin_etl, admin_runs, admin_review, admin_users, admin_audit]


@pytest.mark.parametrize("page", _every_page(), ids=lambda p: p.__name__.rsplit(".", 1)[-1])
def test_every_page_layout_speaks_chinese_under_ui_zh(page, explore, server):
    """The layout rendered with ``ui=zh``: its main heading and every heading-like text in
    Chinese; none of the English headings the same page shows in English is left (names
    from the database without a Chinese name, and format names, excepted)."""
    args = _page_args(explore).get(page.__name__.rsplit(".", 1)[-1], {})
    names = _data_names(explore.url)
    with server.test_request_context("/"):   # a request: the admin pages ask who is signed in (auth is off)
        en = _collect(page.layout(**args))
        zh = _collect(page.layout(ui="zh", **args))

    def words(text: str) -> bool:
        return bool(WORD.search(text)) and not CJK.search(text) and text not in names and text not in SAME_IN_BOTH

    assert ("H2", "Administrators only") not in en, "rendered as an administrator sees it"
    english_headings = {text for _, text in en if words(text)}
    assert english_headings, "the English page has headings to compare with"
    left = [(kind, text) for kind, text in zh if words(text)]
    assert left == [], f"untranslated under ui=zh: {left}"
    assert not english_headings & {text for _, text in zh}
    heads = [text for kind, text in zh if kind in ("H1", "H2")]
    assert heads and all(CJK.search(h) or h in names for h in heads), heads
    assert any(CJK.search(h) for h in heads), "at least one Chinese heading"


def test_overview_callbacks_in_chinese(explore):
    from dashboard.figures import common as figures
    from dashboard.figures import overview as fo
    from dashboard.pages import overview

    url = explore.url
    cards = overview.kpi_cards(url, {}, "zh")
    texts = [_text(c) for c in cards]
    assert "文档" in texts[0] and "涉及学院" in texts[3]
    assert any(re.search(r"较\d{4}年", x) for x in texts) and not any("vs" in x for x in texts)

    per_year = overview.per_year_figure(url, {}, "zh")
    assert per_year.layout.title.text == L.t(fo.PER_YEAR_TITLE, "zh") != fo.PER_YEAR_TITLE
    assert per_year.layout.yaxis.title.text == "活动数"
    kinds_zh = {zh for _, zh in L.KIND_LABELS.values()}
    assert per_year.data and {tr.name for tr in per_year.data} <= kinds_zh
    assert all(CJK.search(tr.hovertemplate) for tr in per_year.data)
    english = overview.per_year_figure(url, {}, "en")
    assert sum(sum(tr.y) for tr in per_year.data) == sum(sum(tr.y) for tr in english.data), "same numbers"

    by_school = overview.by_school_figure(url, {}, "zh")
    assert "自动化学院" in list(by_school.layout.yaxis.categoryarray), "schools by their Chinese names"
    assert by_school.layout.xaxis.title.text == "活动数"

    partners = overview.partners_figure(url, {}, "zh")
    labels = list(partners.layout.yaxis.categoryarray)
    assert any(lab.startswith("阿尔法大学") for lab in labels), labels
    assert any(lab.startswith("Beta Institute") for lab in labels), "no Chinese name known: as written"
    assert "篇文档" in partners.data[0].hovertemplate

    world_map, countries = overview.countries_figures(url, {}, "zh")
    assert world_map.layout.title.text == L.t(fo.MAP_TITLE, "zh")
    assert "德国" in list(countries.layout.yaxis.categoryarray)
    assert world_map.data[0].colorbar.title.text == "文档数"

    changes = _text(overview.changes_panel(url, "zh"))
    assert re.search(r"第 \d+ 次运行", changes) and "Run #" not in changes
    assert "新文档" in changes


def test_overview_empty_states_in_chinese(sqlite_url, tmp_path):
    from etl.db import upgrade

    from dashboard.figures import common as figures
    from dashboard.figures import overview as fo
    from dashboard.pages import overview

    upgrade(sqlite_url)
    fig = overview.per_year_figure(sqlite_url, {}, "zh")
    assert figures.is_empty(fig) and "intl demo" in fig.layout.annotations[0].text
    assert CJK.search(fig.layout.annotations[0].text) and CJK.search(fig.layout.title.text)
    assert "尚未运行数据处理" in _text(overview.changes_panel(sqlite_url, "zh"))
    bare = f"sqlite:///{tmp_path / 'bare.db'}"
    fig = overview.by_school_figure(bare, {}, "zh")
    assert "intl init" in fig.layout.annotations[0].text and CJK.search(fig.layout.annotations[0].text)


def test_graphs_and_grids_get_their_own_words_in_chinese():
    from dashboard.components.cards import chart_card, geo_config, graph_config
    from dashboard.pages.schools import grid

    assert "locale" not in graph_config("en")
    zh = graph_config("zh")
    assert zh["locale"] == "zh-CN" and zh["locales"]["zh-CN"]["dictionary"]["Reset axes"] == "重置轴"
    assert zh["locales"]["zh-CN"]["format"]["shortMonths"][11] == "12月"
    geo = geo_config("/assets/topojson/", "zh")
    assert geo["topojsonURL"] == "/assets/topojson/" and geo["locale"] == "zh-CN"
    card = chart_card("g", config=geo_config("/assets/topojson/"), lang="zh")
    graph = card.children[-1].children
    assert graph.config["locale"] == "zh-CN" and graph.config["topojsonURL"] == "/assets/topojson/"
    assert grid("t", [], [], lang="zh").dashGridOptions["localeText"]["next"] == "下一页"
    assert "localeText" not in grid("t", [], []).dashGridOptions


def test_the_page_itself_is_chinese_from_the_first_paint(server):
    """``<html lang>`` and the tab title of a ``ui=zh`` URL are Chinese in the HTML the server
    sends (fonts and screen readers know the language before any callback ran)."""
    client = server.test_client()
    zh = client.get("/schools?from=2019&ui=zh", headers={"Accept": "text/html"})
    assert zh.status_code == 200 and '<html lang="zh-CN">' in zh.text
    assert "<title>国际合作数据看板</title>" in zh.text
    en = client.get("/schools?from=2019", headers={"Accept": "text/html"})
    assert '<html lang="en">' in en.text and "<title>International Cooperation Dashboard</title>" in en.text
    assert en.text.count("react-entry-point") == zh.text.count("react-entry-point") == 1
