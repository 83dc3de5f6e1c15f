"""Sources (path ``/sources``): the documents behind every number, searchable.

A search box matches titles and texts (case-insensitive substring, :mod:`dashboard.queries.sources`);
the shared filters apply; results come newest first, twenty a page, each with its date,
language, source, activity kinds, partners and a snippet around the match (highlighted).
A title opens the article view (``/sources/doc/<id>``, :mod:`dashboard.pages.source_doc`).

The search text and the page number travel in the query string next to the filters
(``?q=robot&p=2&school=3``; the filter bar keeps parameters that are not filters), so a
link or a reload reproduces the list and back/forward move through earlier searches.

Every text shown comes from documents and is rendered as text by Dash components: no
HTML from a document is ever interpreted.
"""
from __future__ import annotations

from pathlib import PurePath
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import dash_bootstrap_components as dbc
from dash import Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import ids
from dashboard.components.export_menu import export_menu
from dashboard.context import database_url
from dashboard.labels import KIND_LABELS, add_translations, kind_label, language_name, local_name, t, ui_lang
from dashboard.pages.programs import NO_SCHEMA_HINT, as_filters, page_lang, run_query
from dashboard.queries import sources as qs

PATH = "/sources"
NAME = "Sources"
TITLE = "Sources · International Cooperation"
SEARCH_KEY, PAGE_KEY = "q", "p"

add_translations({
    NAME: "文档来源",
    "Every news article and report the figures come from. Search titles and texts; the filters apply.":
        "所有数据背后的新闻和报告。可搜索标题和正文；筛选条件同样适用。",
    "Search titles and texts…": "搜索标题和正文…", "Search": "搜索",
    "{n} documents": "{n} 篇文档", "{n} document": "{n} 篇文档",
    "{n} documents match “{q}”": "{n} 篇文档包含“{q}”", "{n} document matches “{q}”": "{n} 篇文档包含“{q}”",
    "page {p} of {pages}": "第 {p}/{pages} 页", "facts": "条事实", "Untitled": "无标题",
    "No document matches. Try fewer words or clear a filter.": "没有匹配的文档。请减少关键词或清除筛选条件。",
    "No document loaded yet. Load the sample with intl demo, or your own files with intl etl run PATH.":
        "尚未载入文档。可用 intl demo 载入示例，或用 intl etl run PATH 载入自己的文件。",
})


# ---------------------------------------------------------------------------
# URL state
# ---------------------------------------------------------------------------
def read_state(search: str | None) -> tuple[str, int]:
    """``(query, page)`` from the query string; a bad page number is page 1."""
    params = dict(parse_qsl((search or "").lstrip("?")))
    page = page_number(params.get(PAGE_KEY, 1))
    return qs.clean_query(params.get(SEARCH_KEY, "")), page


MAX_PAGE = 1_000_000


def page_number(value: Any) -> int:
    """A page number from the URL or the pager: 1 to ``MAX_PAGE``; anything else is page 1."""
    try:
        n = 1 if isinstance(value, bool) else int(value)
    except (TypeError, ValueError, OverflowError):
        return 1
    return n if 1 <= n <= MAX_PAGE else 1


def with_state(search: str | None, query: str | None, page: int | None) -> str:
    """The query string with the search text and page replaced (filters and ``ui`` kept);
    an empty search and page 1 leave no trace."""
    rest = [(k, v) for k, v in parse_qsl((search or "").lstrip("?"), keep_blank_values=False)
            if k not in (SEARCH_KEY, PAGE_KEY)]
    q = qs.clean_query(query if isinstance(query, str) else "")
    if q:
        rest.append((SEARCH_KEY, q))
    if page_number(page) > 1:
        rest.append((PAGE_KEY, str(page_number(page))))
    return "?" + urlencode(rest, safe=",") if rest else ""


def next_search(trigger: str | None, search: str | None, query: str | None, page: int | None) -> str | None:
    """The query string after the search box (``trigger == ids.SR_SEARCH``: back to page 1) or the
    pager changed; None when it stays the same."""
    cur_q, cur_p = read_state(search)
    if trigger == ids.SR_SEARCH:
        new = with_state(search, query, 1 if qs.clean_query(query) != cur_q else cur_p)
    elif trigger == ids.SR_PAGER:
        new = with_state(search, cur_q, page or 1)
    else:
        return None
    return None if new == (search or "") else new


# ---------------------------------------------------------------------------
# Rendering (plain functions)
# ---------------------------------------------------------------------------
def mark_matches(text: str, query: str) -> list:
    """``text`` with every case-insensitive occurrence of ``query`` in ``<mark>`` (text only)."""
    if not text:
        return []
    q = qs.clean_query(query)
    if not q:
        return [text]
    out: list = []
    low, lq = text.lower(), q.lower()
    pos = 0
    while True:
        i = low.find(lq, pos)
        if i < 0:
            break
        if i > pos:
            out.append(text[pos:i])
        out.append(html.Mark(text[i:i + len(q)]))
        pos = i + len(q)
    if pos < len(text):
        out.append(text[pos:])
    return out


def source_label(source: str | None, uri: str | None) -> str:
    """Where a document comes from, short: the host of a URL or the file name of a path."""
    u = str(uri or "")
    parts = urlsplit(u)
    if parts.scheme in ("http", "https") and parts.hostname:
        return parts.hostname
    name = PurePath(u.replace("\\", "/")).name
    return name or (source or "")


def doc_href(doc_id: int, search: str | None) -> str:
    """The article view's link, keeping the page's query string (filters, search, ``ui``)."""
    return f"/sources/doc/{int(doc_id)}{search or ''}"


def _snippet(row, query: str) -> list:
    text = " ".join(str(row.snippet or "").split())
    if not text:
        return []
    lead = "… " if int(row.snippet_start or 1) > 1 else ""
    return [lead, *mark_matches(text, query), " …"]


def result_item(row, query: str, lang: str = "en", search: str = "") -> html.Li:
    """One search result: title (link), date · language · source · facts, snippet, kinds and partners."""
    date = row.published.isoformat() if hasattr(row.published, "isoformat") else (
        str(int(row.year)) if row.year == row.year and row.year is not None else "")
    meta = [html.Span(date)] if date else []
    if row.lang:
        meta.append(html.Span(language_name(row.lang, lang)))
    meta.append(html.Span(source_label(row.source, row.uri), className="cell-file"))
    meta.append(html.Span(f"{int(row.facts)} " + t("facts", lang)))
    chips = [html.Span(KIND_LABELS[k][1] if lang == "zh" and k in KIND_LABELS else kind_label(k),
                       className=f"kind-chip kind-{k}") for k in row.kinds]
    names_zh = list(getattr(row, "partners_zh", None) or [None] * len(row.partners))
    chips += [html.Span(local_name(p, z, lang), className="chip") for p, z in list(zip(row.partners, names_zh))[:4]]
    if len(row.partners) > 4:
        chips.append(html.Span(f"+{len(row.partners) - 4}", className="chip"))
    return html.Li([
        dcc.Link(mark_matches(row.title or t("Untitled", lang), query), href=doc_href(row.id, search),
                 className="result-title"),
        html.Div(meta, className="result-meta"),
        html.Div(_snippet(row, query), className="result-snippet"),
        html.Div(chips, className="result-chips") if chips else None,
    ], className="result")


def results(url: str, filters, search: str | None, lang: str = "en") -> tuple[Any, str, int, int]:
    """``(list, count line, pages, page)`` for the filters and the query string's search and page."""
    f = as_filters(filters)
    query, page = read_state(search)
    res = run_query(qs.search, url, f, query, page)
    if res is None:
        text = t(NO_SCHEMA_HINT, lang).replace("<br>", " ").replace("<b>", "").replace("</b>", "")
        return html.P(text, className="network-empty"), "", 1, 1
    if res.total == 0:
        from dashboard.queries import common as q

        loaded = run_query(q.has_documents, url)
        msg = ("No document matches. Try fewer words or clear a filter." if loaded else
               "No document loaded yet. Load the sample with intl demo, or your own files with intl etl run PATH.")
        return html.P(t(msg, lang), className="network-empty"), "", 1, 1
    one = res.total == 1
    if query:
        count = t("{n} document matches “{q}”" if one else "{n} documents match “{q}”", lang).format(
            n=f"{res.total:,}", q=query)
    else:
        count = t("{n} document" if one else "{n} documents", lang).format(n=f"{res.total:,}")
    if res.pages > 1:
        count += " · " + t("page {p} of {pages}", lang).format(p=res.page, pages=res.pages)
    items = [result_item(r, query, lang, search or "") for r in res.rows.itertuples(index=False)]
    return html.Ul(items, className="list-unstyled mb-0"), count, res.pages, res.page


# ---------------------------------------------------------------------------
# Layout and wiring
# ---------------------------------------------------------------------------
def layout(ui: str | None = None, q: str | None = None, **_query: Any) -> html.Div:
    lang = ui_lang(ui)
    return html.Div([
        html.Div([
            export_menu(["documents_by_year"], menu_id="sources", class_name="float-end", lang=lang),
            html.H1(t(NAME, lang), className="page-title"),
            html.P(t("Every news article and report the figures come from. Search titles and texts; the filters "
                     "apply.", lang), className="page-lede"),
        ], className="page-head"),
        html.Div([
            html.Div([
                html.Label(t("Search", lang), htmlFor=ids.SR_SEARCH, className="visually-hidden"),
                dbc.Input(id=ids.SR_SEARCH, type="search", value=qs.clean_query(q), debounce=True,
                          placeholder=t("Search titles and texts…", lang), autoComplete="off",
                          maxLength=qs.MAX_QUERY),
                html.Div(id=ids.SR_COUNT, className="results-count", **{"aria-live": "polite"}),
            ], className="search-row"),
            dcc.Loading(html.Div(id=ids.SR_RESULTS), type="dot", color="#1F4E8C", delay_show=250),
            html.Div(dbc.Pagination(id=ids.SR_PAGER, max_value=1, active_page=1, first_last=True,
                                    previous_next=True, fully_expanded=False, size="sm"),
                     className="pager-row"),
        ], className="panel"),
    ], className="page page-sources")


def register_callbacks(app) -> None:
    @app.callback(Output(ids.SR_RESULTS, "children"), Output(ids.SR_COUNT, "children"),
                  Output(ids.SR_PAGER, "max_value"), Output(ids.SR_PAGER, "active_page"),
                  Output(ids.SR_SEARCH, "value"),
                  Input(ids.FILTERS, "data"), Input(ids.URL, "search"), State(ids.SR_SEARCH, "value"))
    def _results(data, search, typed):
        if data is None:
            raise PreventUpdate
        lang = page_lang(search)
        body, count, pages, page = results(database_url(), data, search, lang)
        query, _ = read_state(search)
        return body, count, pages, page, (query if qs.clean_query(typed) != query else no_update)

    @app.callback(Output(ids.URL, "search", allow_duplicate=True),
                  Input(ids.SR_SEARCH, "value"), Input(ids.SR_PAGER, "active_page"), State(ids.URL, "search"),
                  prevent_initial_call=True)
    def _to_url(query, page, search):
        new = next_search(ctx.triggered_id, search, query, page)
        return new if new is not None else no_update


__all__ = ["read_state", "with_state", "next_search", "mark_matches", "source_label", "result_item", "results",
           "layout", "register_callbacks"]
