"""The header: university name (English and Chinese), one link per registered page, and the
English / 中文 switch of the interface.

The interface language is the URL's ``ui=zh`` parameter (absent = English), like the filters,
so a link reproduces language and view, reload keeps it, and back/forward move between
languages. The two switch entries are ``dcc.Link``s whose hrefs are the current path and
query string with ``ui`` set or removed (:func:`lang_hrefs`): following one pushes the new
URL, the pages router renders the page again with its texts in the new language, and the
shell's own texts (menu, brand, footer, filter bar, tab title, ``<html lang>``) follow the
URL through the callbacks below. They are links, so they are reachable with Tab and open
with Enter, and a middle click opens the other language in a new tab.

The menu's links are one Dash component (a ``dcc.Markdown`` of HTML links, :func:`nav_menu`) and no
callback follows the URL for them: ``assets/links.js`` (with the Export menus' links) writes each
``href`` from the URL's query (the filters, :data:`Filters.KEYS`' keys, and ``ui=zh``; :func:`nav_href`
makes the same string), shows the label in the interface language (``data-en`` / ``data-zh``), marks the
current page's link active and moves inside the app on a click as ``dcc.Link`` does (no page load). A
Dash component per link and a pattern-matching callback per URL change cost the renderer more.
"""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, dcc, html

from dashboard import ids
from dashboard.components.html_table import esc, markdown, tag
from dashboard.labels import add_translations, t, ui_from_search, with_ui
from dashboard.queries.common import Filters
PAGES_STORE = "_pages_store"   # Dash's own store of the routed page's title (dash.dash._ID_STORE)
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



def lang_switch(lang: str = "en") -> html.Div:
    """EN | 中文: two links, the current language marked (also for screen readers, by its title)."""
    def opt(code: str, text: str, link_id: str, hint: str) -> dcc.Link:
        return dcc.Link(text, href="?ui=zh" if code == "zh" else "?", id=link_id, refresh=False,
                        className="lang-opt" + (" active" if code == lang else ""), title=hint)

    return html.Div(
        [opt("en", "EN", ids.UI_LANG_EN, "Show the interface in English · 英文界面"),
         html.Span("|", className="lang-sep", **{"aria-hidden": "true"}),
         opt("zh", "中文", ids.UI_LANG_ZH, "以中文显示界面 · Chinese interface")],
        id=ids.UI_LANG_SWITCH, className="lang-switch", role="group",
        **{"aria-label": "Interface language · 界面语言"},
    )


def navbar(title: str, home_name: str | None, home_zh: str | None, pages: list[tuple[str, str]]) -> html.Header:
    """``pages`` is ``[(label, path), …]`` in menu order (English labels: the switch translates them)."""
    subtitle = " · ".join(x for x in (home_name, home_zh) if x)
    brand = html.A(
        [
            html.Span("BISTU" if home_name and "Beijing Information" in home_name else "INTL",
                      className="brand-mark", **{"aria-hidden": "true"}),
            html.Span([html.Span(title, className="brand-title", id=ids.BRAND_TITLE, title=title),
                       html.Span(subtitle, className="brand-sub")], className="brand-text"),
        ],
        href="/", className="brand",
    )
    return html.Header(
        dbc.Container([brand,
                       html.Div([nav_menu(pages), lang_switch()],
                                className="app-header-right"),
                       dcc.Store(id=ids.UI_STATE), html.Div(id=ids.UI_DUMMY, hidden=True)],
                      fluid=True, className="app-header-inner"),
        className="app-header", id=ids.NAVBAR,
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
    """``(English href, 中文 href, English class, 中文 class)`` for the switch: the same page and
    filters with ``ui`` removed / set, and the current language marked active."""
    path = pathname or "/"
    lang = ui_from_search(search)
    base = "lang-opt"
    return (path + with_ui(search, "en"), path + with_ui(search, "zh"),
            base + (" active" if lang == "en" else ""), base + (" active" if lang == "zh" else ""))


def page_title(title: str | None, lang: str) -> str:
    """A tab title in the interface language, part by part ("Schools · International Cooperation")."""
    return " · ".join(t(part, lang) for part in str(title or "").split(" · "))


def ui_state(search: str | None, pages_store: dict | None, app_title: str) -> dict:
    """What the page's ``<html>`` needs: its ``lang`` and the tab title, in the URL's language."""
    lang = ui_from_search(search)
    title = (pages_store if isinstance(pages_store, dict) else {}).get("title") or app_title
    return {"lang": "zh-CN" if lang == "zh" else "en", "title": page_title(title, lang)}


def shell_texts(search: str | None, title: str) -> tuple[str, str, str]:
    """``(brand title, its tooltip, footer)`` in the URL's interface language."""
    lang = ui_from_search(search)
    return t(title, lang), t(title, lang), t(FOOTER_TEXT, lang)


def localize_index(html_text: str, search_lang: str, title: str) -> str:
    """The app's HTML page for a ``ui=zh`` URL: ``<html lang="zh-CN">`` and the Chinese tab
    title from the first paint (the callbacks keep both in step afterwards)."""
    if search_lang != "zh" or 'id="react-entry-point"' not in html_text:
        return html_text
    out = html_text.replace('<html lang="en">', '<html lang="zh-CN">', 1)
    if title:
        out = out.replace(f"<title>{title}</title>", f"<title>{t(title, 'zh')}</title>", 1)
    return out


def register_callbacks(app) -> None:
    title = app.title if isinstance(app.title, str) else ""

    @app.server.after_request
    def _first_paint_language(response):
        from flask import request

        if (response.mimetype == "text/html" and not response.direct_passthrough and response.status_code == 200
                and ui_from_search(request.query_string.decode("latin-1")) == "zh"):
            response.set_data(localize_index(response.get_data(as_text=True), "zh", title))
        return response

    @app.callback(
        Output(ids.UI_LANG_EN, "href"), Output(ids.UI_LANG_ZH, "href"),
        Output(ids.UI_LANG_EN, "className"), Output(ids.UI_LANG_ZH, "className"),
        Input(ids.URL, "pathname"), Input(ids.URL, "search"),
    )
    def _switch(pathname, search):
        return lang_hrefs(pathname, search)

    @app.callback(
        Output(ids.BRAND_TITLE, "children"), Output(ids.BRAND_TITLE, "title"), Output(ids.FOOTER_TEXT, "children"),
        Input(ids.URL, "search"),
    )
    def _texts(search):
        return shell_texts(search, title)

    @app.callback(Output(ids.UI_STATE, "data"), Input(ids.URL, "search"), Input(PAGES_STORE, "data"))
    def _state(search, pages_store):
        return ui_state(search, pages_store, title)

    # The document itself: <html lang> (fonts, screen readers, hyphenation) and the tab title.
    # Dash's router sets the English title when a page renders; this runs after it, on the
    # state computed from the same store.
    app.clientside_callback(
        """function (state) {
            if (!state) { return window.dash_clientside.no_update; }
            document.documentElement.setAttribute("lang", state.lang);
            if (state.title) { document.title = state.title; }
            return window.dash_clientside.no_update;
        }""",
        Output(ids.UI_DUMMY, "children"),
        Input(ids.UI_STATE, "data"),
    )
