"""The header: university name (English and Chinese), one link per registered page, and the
English / 中文 switch of the interface.

The interface language is the URL's ``ui=zh`` parameter (absent = English), like the filters,
so a link reproduces language and view, reload keeps it, and back/forward move between
languages.

The whole shell follows the URL in the browser, with no server callback (each one was a request on every
filter change and every move): ``assets/links.js`` writes it from ``location`` whenever the URL changes
(the filter bar's pushState, a move inside the app, back/forward) and as soon as it is in the page.

- The menu's links (one ``dcc.Markdown`` of HTML links, :func:`nav_menu`): each ``href`` from the URL's
  query (the filters, :data:`Filters.KEYS`' keys, and ``ui=zh``; :func:`nav_href` makes the same string),
  the label in the interface language (``data-en`` / ``data-zh``), the current page's link marked active; a
  click moves inside the app as ``dcc.Link`` does (no page load).
- The brand (:func:`brand_link`, top left): a link home written like the menu's (filters and ``ui=zh`` kept,
  a move inside the app), never marked active.
- The switch (:func:`lang_switch`): two links (``data-ui="en"`` / ``"zh"``) to the same page and query with
  ``ui`` removed / set (:func:`lang_hrefs`, ``labels.with_ui``), the current language marked; Tab reaches
  them, Enter follows, a middle click opens the other language in a new tab.
- The brand's title, its tooltip and the footer (``data-en`` / ``data-zh``) in the URL's language,
  ``<html lang>`` and the tab title, translated part by part (:func:`page_title`) from the map of the app's
  title words the header carries (``data-titles``, :func:`title_translations`): Dash's pages router sets
  the English title when a page renders, the script translates it.

The first paint of a ``ui=zh`` URL is Chinese from the server (:func:`localize_index`).
"""
from __future__ import annotations

import json
from collections.abc import Iterable

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.components.html_table import esc, markdown, tag
from dashboard.labels import add_translations, t, ui_from_search, with_ui
from dashboard.queries.common import Filters

FOOTER_TEXT = ("Figures come from the university's news and the international office's reports, "
               "read automatically; every number links back to its documents.")
SWITCH_LABEL = "Interface language"

add_translations({
    # the menu, the brand and the tab titles
    "International Cooperation Dashboard": "国际合作数据看板",
    "International Cooperation": "国际合作",
    "Administration": "系统管理",
    "Overview": "总览",
    "Schools": "学院",
    "School": "学院",
    "Partners": "合作伙伴",
    "Partner": "合作伙伴",
    "Programs & mobility": "项目与交流",
    "Network": "合作网络",
    "Sources": "文档来源",
    "Article": "文章",
    "Programme": "项目",
    "Audit log": "审计日志",
    "Run the ETL": "运行数据处理",
    "Review queue": "审核队列",
    "Run history": "运行记录",
    "Uploads": "上传",
    "Users": "用户",
    FOOTER_TEXT: "数据来自学校新闻和国际交流合作处的报表，经自动读取；每个数字都可追溯到其来源文档。",
    SWITCH_LABEL: "界面语言",
    "Show the interface in English": "以英文显示界面",
    "Show the interface in Chinese": "以中文显示界面",
})



SWITCH_HINTS = {"en": "Show the interface in English · 英文界面", "zh": "以中文显示界面 · Chinese interface"}


def lang_switch() -> dcc.Markdown:
    """EN | 中文: two links in a group, one component. The script writes their hrefs (the page and query
    with ``ui`` removed / set) and marks the URL's language (class ``active``, ``aria-current``); English is
    marked here, before it runs."""
    def opt(code: str, text: str, link_id: str) -> str:
        current = {"aria-current": "true"} if code == "en" else {}
        return tag("a", esc(text), cls="lang-opt" + (" active" if code == "en" else ""), title=SWITCH_HINTS[code],
                   href="/?ui=zh" if code == "zh" else "/", id=link_id, **{"data-ui": code}, **current)

    group = tag("div", opt("en", "EN", ids.UI_LANG_EN) + tag("span", "|", cls="lang-sep", **{"aria-hidden": "true"})
                + opt("zh", "中文", ids.UI_LANG_ZH),
                cls="lang-switch", id=ids.UI_LANG_SWITCH, role="group",
                **{"aria-label": "Interface language · 界面语言"})
    return markdown(group, "app-lang")


def brand_link(title: str, home_name: str | None, home_zh: str | None) -> dcc.Markdown:
    """The university's mark, the app's title (both languages: ``data-en`` / ``data-zh``) and the university's
    names, as one link home (``data-home``: the script keeps the filters and the language, never marks it)."""
    subtitle = " · ".join(x for x in (home_name, home_zh) if x)
    mark = "BISTU" if home_name and "Beijing Information" in home_name else "INTL"
    inner = (tag("span", esc(mark), cls="brand-mark", **{"aria-hidden": "true"})
             + tag("span", tag("span", esc(title), cls="brand-title", title=title, id=ids.BRAND_TITLE,
                               **{"data-en": title, "data-zh": t(title, "zh")})
                   + tag("span", esc(subtitle), cls="brand-sub"), cls="brand-text"))
    return markdown(tag("div", tag("a", inner, cls="brand", href="/", id=ids.BRAND_LINK, **{"data-home": "/"})),
                    "app-brand")


def footer_text() -> html.Span:
    """The footer's sentence in both languages (the script shows the URL's)."""
    return html.Span(FOOTER_TEXT, id=ids.FOOTER_TEXT, **{"data-en": FOOTER_TEXT, "data-zh": t(FOOTER_TEXT, "zh")})


def title_translations(titles: Iterable[str | None]) -> dict[str, str]:
    """English → 中文 of every part (" · " separated) of ``titles`` that has a translation: what the
    script needs to translate a tab title as :func:`page_title` does."""
    out: dict[str, str] = {}
    for title in titles:
        for part in str(title or "").split(" · "):
            zh = t(part, "zh")
            if part and zh != part:
                out[part] = zh
    return out


def navbar(title: str, home_name: str | None, home_zh: str | None, pages: list[tuple[str, str]],
           titles: Iterable[str | None] = ()) -> html.Header:
    """``pages`` is ``[(label, path), …]`` in menu order (English labels: the script translates them);
    ``titles`` the pages' tab titles (the app's ``title`` is added), whose words the header carries."""
    words = json.dumps(title_translations([title, *titles]), ensure_ascii=False, separators=(",", ":"),
                       sort_keys=True)
    return html.Header(
        dbc.Container([brand_link(title, home_name, home_zh),
                       html.Div([nav_menu(pages), lang_switch()], className="app-header-right")],
                      fluid=True, className="app-header-inner"),
        className="app-header", id=ids.NAVBAR, **{"data-titles": words},
    )


def nav_menu(pages: list[tuple[str, str]]) -> dcc.Markdown:
    """The menu (the elements ``dbc.Nav`` of ``dbc.NavItem``s drew) as one component: each link with its
    bare path and English label, and its label in both languages for ``assets/links.js``, which writes the
    href, the label and the active mark from the URL as soon as the menu is in the page."""
    items = "".join(
        tag("div", tag("a", esc(label), cls="nav-link", href=path, **{"data-nav": path, "data-en": label,
                                                                     "data-zh": t(label, "zh")}), cls="nav-item")
        for label, path in pages)
    return markdown(items, "app-nav nav", id=ids.NAV_LINKS)


def nav_href(path: str, search: str | None) -> str:
    """A menu link's URL for the query ``search``: ``path``, the filters (normalised) and ``ui=zh`` in
    Chinese, so moving between pages keeps the view. ``assets/links.js`` (``hrefFor``) makes the same for
    valid filters (it copies the URL's values as they are; the page reads them as Filters does)."""
    from urllib.parse import urlencode

    params = Filters.from_search(search).to_query()
    if ui_from_search(search) == "zh":
        params["ui"] = "zh"
    return path + ("?" + urlencode(params, safe=",") if params else "")


def lang_hrefs(pathname: str | None, search: str | None) -> tuple[str, str, str, str]:
    """``(English href, 中文 href, English class, 中文 class)`` of the switch: the same page and filters
    with ``ui`` removed / set, and the current language marked active. ``assets/links.js`` writes the
    same (the browser tests compare them)."""
    path = pathname or "/"
    lang = ui_from_search(search)
    base = "lang-opt"
    return (path + with_ui(search, "en"), path + with_ui(search, "zh"),
            base + (" active" if lang == "en" else ""), base + (" active" if lang == "zh" else ""))


def page_title(title: str | None, lang: str) -> str:
    """A tab title in the interface language, part by part ("Schools · International Cooperation");
    ``assets/links.js`` translates the title Dash's pages router sets the same way."""
    return " · ".join(t(part, lang) for part in str(title or "").split(" · "))


def localize_index(html_text: str, search_lang: str, title: str) -> str:
    """The app's HTML page for a ``ui=zh`` URL: ``<html lang="zh-CN">`` and the Chinese tab
    title from the first paint (``assets/links.js`` keeps both in step afterwards)."""
    if search_lang != "zh" or 'id="react-entry-point"' not in html_text:
        return html_text
    out = html_text.replace('<html lang="en">', '<html lang="zh-CN">', 1)
    if title:
        out = out.replace(f"<title>{title}</title>", f"<title>{t(title, 'zh')}</title>", 1)
    return out


def register_callbacks(app) -> None:
    """The first paint of a ``ui=zh`` page in Chinese. Nothing else: no callback follows the URL for the
    shell (``assets/links.js`` does)."""
    title = app.title if isinstance(app.title, str) else ""

    @app.server.after_request
    def _first_paint_language(response):
        from flask import request

        if (response.mimetype == "text/html" and not response.direct_passthrough and response.status_code == 200
                and ui_from_search(request.query_string.decode("latin-1")) == "zh"):
            response.set_data(localize_index(response.get_data(as_text=True), "zh", title))
        return response
