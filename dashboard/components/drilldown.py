"""The drill-down panel: a click on any chart element lists the documents and sentences behind it.

How it fits together (one mechanism for every page):

- a figure puts a spec in each element's ``customdata`` (``{"school": 3, "year": 2021}``,
  see :class:`dashboard.queries.drill.DrillSpec`);
- a page puts :func:`panel` in its layout and calls :func:`connect` with its graph ids:
  a click on any of them stores the element's spec in ``ids.DRILL_SPEC``;
- one callback (:func:`register_callbacks`) reads the spec and the page's filters and
  opens the panel: the element named, how many documents (and activities) are behind it,
  each document with its date, kinds and the evidence sentences, the mention highlighted,
  and a link to the article view ``/sources/doc/<id>``;
- the panel offers the cross-filter: **Filter the page to this** narrows the shared filters
  (in the URL, so Back undoes it) to the element's school, country, year, kind…; a school or
  a partner also gets a link to its own page.

A click therefore never changes the view by surprise: it shows the evidence first, and one
more click (keyboard-reachable) filters everything else.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qs, urlencode

import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html, no_update
from dash.exceptions import PreventUpdate
from sqlalchemy.exc import SQLAlchemyError

from dashboard import ids
from dashboard.cache import cached
from dashboard.context import database_url
from dashboard.labels import KIND_LABELS, add_translations, kind_label, language_name, partner_kind_label, t
from dashboard.queries.common import Filters
from dashboard.queries.drill import DrillResult, DrillSpec, drill
from dashboard.regions import country_label

HINT = ("Click a bar, a country or a cell to see the documents behind it; "
        "the panel then offers to filter the page to it.")

add_translations({
    HINT: "点击柱形、国家或单元格，查看其背后的文档；面板中可将整页筛选到该项。",
    "Documents behind the chart": "图表背后的文档",
    "Filter the page to this": "将本页筛选到此项",
    "Open the school's page": "打开学院页面",
    "Open the partner's page": "打开合作伙伴页面",
    "Open the article": "打开文章",
    "Nothing behind this element within the current filters.": "在当前筛选条件下，此项没有对应的文档。",
    "Showing the {n} most recent.": "仅显示最近的 {n} 篇。",
    "Within the page's filters.": "在本页筛选条件之内。",
    "No sentence was kept for this document.": "此文档没有保存证据句。",
    "The database cannot answer right now.": "数据库暂时无法响应。",
    "Untitled": "无标题",
    "All documents": "全部文档",
    "Partner kind": "合作伙伴类型",
    "Language": "语言",
})


def ui_from_search(search: str | None) -> str:
    """The interface language carried in the query string (``ui=zh``), English by default."""
    from dashboard.labels import ui_lang

    values = parse_qs((search or "").lstrip("?")).get("ui") or [None]
    return ui_lang(values[0])


def search_with(search: str | None, f: Filters) -> str:
    """The query string for filters ``f``, keeping the parameters that are not filters (``ui``)."""
    params = parse_qs((search or "").lstrip("?"), keep_blank_values=False)
    keys = set(Filters.KEYS.values())
    rest = [(k, v) for k, vs in params.items() if k not in keys for v in vs]
    q = list(f.to_query().items()) + rest
    return "?" + urlencode(q, safe=",") if q else ""


# ---------------------------------------------------------------------------
# Layout
# ---------------------------------------------------------------------------
def panel(lang: str = "en") -> html.Div:
    """The (closed) panel and its store; put it once in each page's layout."""
    return html.Div([
        dcc.Store(id=ids.DRILL_SPEC),
        dbc.Offcanvas(
            [
                html.Div(id=ids.DRILL_HEAD, className="drill-head"),
                html.Div([
                    dbc.Button(t("Filter the page to this", lang), id=ids.DRILL_FILTER, color="primary",
                               size="sm", className="drill-filter", style={"display": "none"}),
                    html.Div(id=ids.DRILL_LINKS, className="drill-links"),
                ], className="drill-actions"),
                dcc.Loading(html.Div(id=ids.DRILL_BODY, className="drill-body"), type="dot", color="#1F4E8C",
                            delay_show=250),
            ],
            id=ids.DRILL_PANEL, title=t("Documents behind the chart", lang), placement="end", is_open=False,
            scrollable=True, className="drill-panel",
        ),
    ])


def hint(lang: str = "en") -> html.P:
    """The one-line explanation of what a click does, shown under a page's title."""
    return html.P(t(HINT, lang), className="drill-hint")


# ---------------------------------------------------------------------------
# The panel's content (plain functions, tested directly)
# ---------------------------------------------------------------------------
def spec_parts(spec: DrillSpec, labels: dict[str, str], lang: str = "en") -> list[str]:
    """The element in words: ``["School of Automation 自动化学院", "2021", "Conference"]``."""
    parts = []
    if spec.document is not None:
        parts.append(labels.get("document") or f"#{spec.document}")
    if spec.school is not None:
        name = labels.get("school") or f"#{spec.school}"
        zh = labels.get("school_zh")
        parts.append(zh if lang == "zh" and zh else f"{name} {zh}".strip() if zh else name)
    if spec.partner is not None:
        name = labels.get("partner") or f"#{spec.partner}"
        zh = labels.get("partner_zh")
        parts.append(f"{name} {zh}".strip() if zh else name)
    if spec.country:
        parts.append(country_label(spec.country, lang))
    if spec.pkind:
        parts.append(t(partner_kind_label(spec.pkind), lang))
    if spec.kind:
        parts.append(KIND_LABELS[spec.kind][1] if lang == "zh" and spec.kind in KIND_LABELS
                     else kind_label(spec.kind))
    if spec.year is not None:
        parts.append(str(spec.year))
    if spec.lang:
        parts.append(language_name(spec.lang, lang))
    return parts or [t("All documents", lang)]


ZH_UNITS = {"documents": "篇文档", "activities": "项活动"}   # measure words, not the words' general sense


def _count(n: int, one: str, many: str, lang: str) -> str:
    if lang == "zh":
        return f"{n:,} {ZH_UNITS.get(many, many)}"
    return f"{n:,} {one if n == 1 else many}"


def highlight(sentence: str, spans: Iterable[tuple[int, int]]) -> list:
    """The sentence as text with each span wrapped in ``<mark>`` (text only: never HTML from data)."""
    out: list = []
    pos = 0
    for s, e in sorted((int(a), int(b)) for a, b in spans):
        if s < pos or e <= s or e > len(sentence):
            continue
        if s > pos:
            out.append(sentence[pos:s])
        out.append(html.Mark(sentence[s:e]))
        pos = e
    if pos < len(sentence):
        out.append(sentence[pos:])
    return out


def _kind_chip(kind: str, lang: str) -> html.Span:
    label = KIND_LABELS[kind][1] if lang == "zh" and kind in KIND_LABELS else kind_label(kind)
    return html.Span(label, className=f"kind-chip kind-{kind}")


def document_items(result: DrillResult, lang: str = "en", search: str = "") -> list:
    """One list item per document: title (link to the article view), date, kinds, evidence."""
    ev = result.evidence
    by_doc: dict[int, list] = {}
    for row in ev.itertuples(index=False):
        by_doc.setdefault(int(row.document_id), []).append(row)
    items = []
    for d in result.documents.itertuples(index=False):
        sentences = by_doc.get(int(d.id), [])
        quotes = [html.Blockquote(highlight(r.sentence, r.spans), className="drill-quote") for r in sentences[:4]]
        if not quotes:
            quotes = [html.P(t("No sentence was kept for this document.", lang), className="drill-none")]
        meta = [html.Span(d.date or "", className="drill-date")]
        if isinstance(d.lang, str) and d.lang:
            meta.append(html.Span(language_name(d.lang, lang), className="drill-lang"))
        items.append(html.Li([
            html.A(d.title or t("Untitled", lang), href=f"/sources/doc/{int(d.id)}{search}",
                   className="drill-title", title=t("Open the article", lang)),
            html.Div(meta + [_kind_chip(k, lang) for k in d.kinds], className="drill-meta"),
            *quotes,
        ], className="drill-doc"))
    return items


def panel_content(url: str, filters: Filters | dict | None, spec: DrillSpec | dict | None,
                  lang: str = "en", search: str = "") -> dict[str, Any]:
    """Everything the panel shows for ``spec`` within ``filters``.

    Returns ``{"head", "body", "links", "can_filter", "result"}``; ``result`` is None when
    the database could not answer (the body says so instead of raising).
    """
    f = filters if isinstance(filters, Filters) else Filters.from_dict(filters)
    spec = spec if isinstance(spec, DrillSpec) else DrillSpec.make(spec)
    keep = search_with(search, Filters())  # non-filter parameters (ui=…) for the links
    try:
        result = cached(drill, url, f, spec)
    except SQLAlchemyError:
        return {"head": html.H3(t("Documents behind the chart", lang)), "body": html.P(
            t("The database cannot answer right now.", lang), className="drill-none"),
            "links": [], "can_filter": False, "result": None}
    parts = spec_parts(spec, result.labels, lang)
    counts = [_count(result.total_documents, "document", "documents", lang)]
    if result.total_activities is not None:
        counts.append(_count(result.total_activities, "activity", "activities", lang))
    head = html.Div([
        html.H3(" · ".join(parts), className="drill-what"),
        html.Div(" · ".join(counts), className="drill-counts"),
        html.Div(t("Within the page's filters.", lang), className="drill-scope") if not f.is_empty else None,
    ])
    if result.documents.empty:
        body: Any = html.P(t("Nothing behind this element within the current filters.", lang),
                           className="drill-none")
    else:
        note = None
        if result.truncated:
            note = html.P(t("Showing the {n} most recent.", lang).format(n=len(result.documents)),
                          className="drill-note")
        body = html.Div([note, html.Ul(document_items(result, lang, keep), className="drill-list")])
    links = []
    page_search = search_with(search, f)
    if spec.school is not None:
        links.append(dbc.Button(t("Open the school's page", lang), href=f"/schools/{spec.school}{page_search}",
                                color="link", size="sm", className="drill-link"))
    if spec.partner is not None:
        links.append(dbc.Button(t("Open the partner's page", lang), href=f"/partners/{spec.partner}{page_search}",
                                color="link", size="sm", className="drill-link"))
    return {"head": head, "body": body, "links": links,
            "can_filter": spec.cross_filter(f) is not None and spec.cross_filter(f) != f, "result": result}


def apply_cross_filter(search: str | None, spec: DrillSpec | dict | None) -> str | None:
    """The new query string after "Filter the page to this" (None when nothing changes)."""
    spec = spec if isinstance(spec, DrillSpec) else DrillSpec.make(spec)
    f = Filters.from_search(search)
    g = spec.cross_filter(f)
    if g is None or g == f:
        return None
    return search_with(search, g)


# ---------------------------------------------------------------------------
# Wiring
# ---------------------------------------------------------------------------
# Runs in the browser: the clicked point's spec, from its customdata (the last object in it);
# for a heat map, whose customdata Dash leaves out of clickData, from the figure's customdata
# grid at the clicked x and y. Resets the graphs' clickData so the same element can be
# clicked again. The server re-parses the spec (DrillSpec.make): it never trusts it.
CLICK_JS = """function () {
    const ids = %s, n = ids.length, args = Array.from(arguments);
    const dc = window.dash_clientside, trig = (dc.callback_context.triggered || [])[0];
    const i = trig ? ids.indexOf(trig.prop_id.split('.')[0]) : -1;
    const click = i >= 0 ? args[i] : null;
    if (!click || !click.points || !click.points.length) { throw dc.PreventUpdate; }
    const pt = click.points[0];
    let cd = pt.customdata;
    const fig = args[n + i];
    if (cd === undefined && fig && fig.data && fig.data[pt.curveNumber]) {
        const tr = fig.data[pt.curveNumber];
        if (Array.isArray(tr.customdata) && Array.isArray(tr.x) && Array.isArray(tr.y)) {
            const r = tr.y.indexOf(pt.y), c = tr.x.indexOf(pt.x);
            if (r >= 0 && c >= 0 && Array.isArray(tr.customdata[r])) { cd = tr.customdata[r][c]; }
        }
    }
    const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
    if (Array.isArray(cd)) { cd = cd.slice().reverse().find(isObj); }
    if (!isObj(cd)) { throw dc.PreventUpdate; }
    return [Object.assign({}, cd)].concat(ids.map(() => null));
}"""


def connect(app, graph_ids: list[str]) -> None:
    """Make the clicks on ``graph_ids`` (one page's graphs) open the panel.

    One small browser-side callback per page, writing to the shared ``ids.DRILL_SPEC`` store
    (``allow_duplicate``), so a callback never lists graphs that are not on the page and a
    click costs no round trip until the panel asks for its documents.
    """
    graph_ids = list(graph_ids)
    app.clientside_callback(
        CLICK_JS % json.dumps(graph_ids),
        Output(ids.DRILL_SPEC, "data", allow_duplicate=True),
        *[Output(g, "clickData") for g in graph_ids],
        *[Input(g, "clickData") for g in graph_ids],
        *[State(g, "figure") for g in graph_ids],
        prevent_initial_call=True,
    )


def register_callbacks(app) -> None:
    """The panel's own callbacks; registered once per app whichever pages call it."""
    if getattr(app, "_intl_drill_registered", False):
        return
    app._intl_drill_registered = True

    @app.callback(
        Output(ids.DRILL_PANEL, "is_open"),
        Output(ids.DRILL_PANEL, "title"),
        Output(ids.DRILL_HEAD, "children"),
        Output(ids.DRILL_BODY, "children"),
        Output(ids.DRILL_LINKS, "children"),
        Output(ids.DRILL_FILTER, "style"),
        Output(ids.DRILL_FILTER, "children"),
        Input(ids.DRILL_SPEC, "data"),
        State(ids.FILTERS, "data"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def _open(spec, filters, search):
        if not spec:
            raise PreventUpdate
        lang = ui_from_search(search)
        c = panel_content(database_url(), filters, spec, lang, search or "")
        style = {} if c["can_filter"] else {"display": "none"}
        return (True, t("Documents behind the chart", lang), c["head"], c["body"], c["links"], style,
                t("Filter the page to this", lang))

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Output(ids.DRILL_PANEL, "is_open", allow_duplicate=True),
        Input(ids.DRILL_FILTER, "n_clicks"),
        State(ids.DRILL_SPEC, "data"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def _filter(n, spec, search):
        if not n or not spec:
            raise PreventUpdate
        new = apply_cross_filter(search, spec)
        return (new if new is not None else no_update), False
