"""Network (path ``/network``): schools and partners as a graph, edges weighted by the
documents both appear in.

The shared filters apply (years, schools, countries, partner kinds, activity kinds,
language). Clicking a node or an edge puts it *in focus*: the rest of the graph fades,
the side panel names it, lists its connections and the documents behind it (the
drill-down's query and rendering, :mod:`dashboard.queries.drill`,
:mod:`dashboard.components.drilldown`), and, for a school, offers to filter the whole
dashboard to it. The focus and the graph's own controls (how many partners, the fewest
shared documents an edge needs, the layout) live in the URL's fragment
(``#focus=p12&top=40&min=1``), so a link or a reload reproduces the view, and the filters
keep the query string to themselves.

The callback bodies are the plain functions below, tested directly.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

import dash_bootstrap_components as dbc
import dash_cytoscape as cyto
from dash import Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import ids
from dashboard.components.export_menu import export_menu
from dashboard.components.drilldown import apply_cross_filter, document_items, search_with
from dashboard.context import database_url
from dashboard.figures import common as figures
from dashboard.figures import network as fn
from dashboard.labels import add_translations, partner_kind_label, t
from dashboard.pages.programs import NO_SCHEMA_HINT, as_filters, page_lang, run_query
from dashboard.queries import common as q
from dashboard.queries import network as qn
from dashboard.queries.common import Filters
from dashboard.queries.drill import DrillSpec, drill
from dashboard.regions import country_label

PATH = "/network"
NAME = "Network"
TITLE = "Network · International Cooperation"
TOP_CHOICES = (10, 20, 40, 80, 150)
DOC_LIMIT = 15
CHIPS = 12            # connections listed by name in the side panel (the strongest first)

add_translations({
    NAME: "合作网络",
    "Which schools work with which partners: a line joins a school and a partner named in the same "
    "documents, thicker the more documents they share.":
        "哪些学院与哪些合作伙伴合作：同一文档中出现的学院与合作伙伴之间连线，共同出现的文档越多，线越粗。",
    "Partners shown": "显示的合作伙伴", "Fewest shared documents": "最少共同文档", "Layout": "布局",
    "Force-directed": "力导向", "Concentric": "同心圆", "Circle": "环形",
    "{s} schools · {p} of {pt} partners · {e} of {et} links": "{s} 个学院 · {p}/{pt} 个合作伙伴 · {e}/{et} 条连线",
    "Click a school, a partner or a line to see what is behind it.": "点击学院、合作伙伴或连线，查看其背后的内容。",
    "Strongest links": "最强的联系", "shared documents": "篇共同文档", "Connections": "联系", "Documents behind": "背后的文档",
    "Clear focus": "取消聚焦", "Filter the dashboard to this school": "将仪表板筛选到该学院",
    "Open the partner's page": "打开合作伙伴页面", "Open the school's page": "打开学院页面",
    "Showing the {n} most recent of {total}.": "显示 {total} 篇中最近的 {n} 篇。",
    "Not in the graph with these settings.": "在当前设置下不在图中。",
    "School": "学院", "Partner": "合作伙伴",
})


# ---------------------------------------------------------------------------
# Page state in the URL fragment
# ---------------------------------------------------------------------------
DEFAULT_STATE = {"focus": None, "top": qn.DEFAULT_TOP, "min": 1, "layout": "cose"}


def parse_hash(value: str | None) -> dict[str, Any]:
    """The page state from ``#focus=p12&top=40&min=1&layout=cose``; bad values fall back to defaults."""
    params = dict(parse_qsl((value or "").lstrip("#")))
    state = dict(DEFAULT_STATE)
    focus = params.get("focus")
    if focus and (fn.parse_node_id(focus) or fn.parse_edge_id(focus)):
        state["focus"] = focus
    try:
        top = int(params.get("top", state["top"]))
        state["top"] = top if top in TOP_CHOICES else min(TOP_CHOICES, key=lambda c: abs(c - top))
    except ValueError:
        pass
    try:
        state["min"] = max(1, min(20, int(params.get("min", 1))))
    except ValueError:
        pass
    if params.get("layout") in fn.LAYOUTS:
        state["layout"] = params["layout"]
    return state


def to_hash(state: Mapping[str, Any]) -> str:
    """The fragment for ``state``: only what differs from the defaults ("" for the default view)."""
    parts = [(k, state.get(k)) for k in ("focus", "top", "min", "layout")
             if state.get(k) not in (None, "") and state.get(k) != DEFAULT_STATE[k]]
    return "#" + urlencode(parts) if parts else ""


def next_state(current_hash: str | None, trigger: str | None, *, top=None, min_shared=None, layout=None,
               tap_node: Mapping | None = None, tap_edge: Mapping | None = None) -> str | None:
    """The new fragment after a control changed, a node or an edge was tapped, or focus was cleared.

    ``trigger`` is ``"top"``, ``"min"``, ``"layout"``, ``"node"``, ``"edge"`` or ``"clear"``.
    Returns None when the fragment does not change.
    """
    state = parse_hash(current_hash)

    def tapped(element: Any) -> str:
        data = element.get("data") if isinstance(element, Mapping) else None
        return str((data if isinstance(data, Mapping) else {}).get("id") or "")[:200]

    try:
        if trigger == "top" and top is not None:
            state["top"] = int(top)
        elif trigger == "min" and min_shared is not None:
            state["min"] = int(min_shared)
        elif trigger == "layout" and isinstance(layout, str) and layout:
            state["layout"] = layout
        elif trigger in ("node", "edge") and (tap_node if trigger == "node" else tap_edge):
            focus = tapped(tap_node if trigger == "node" else tap_edge)
            state["focus"] = None if state["focus"] == focus else focus   # a second tap releases the focus
        elif trigger == "clear":
            state["focus"] = None
    except (TypeError, ValueError, OverflowError):  # a crafted value: the fragment stays
        return None
    new = to_hash(parse_hash(to_hash(state)))   # through the parser: only valid values survive
    return None if new == (current_hash or "") else new


# ---------------------------------------------------------------------------
# Callback bodies (plain functions)
# ---------------------------------------------------------------------------
def graph_settings(top: Any, min_shared: Any) -> tuple[int, int]:
    """``(top, min_shared)`` as the graph's query takes them: whole numbers within the controls'
    range (a crafted value falls back to the default or the nearest bound)."""
    def whole(value: Any, default: int, lo: int, hi: int) -> int:
        try:
            n = default if isinstance(value, bool) or value is None else int(value)
        except (TypeError, ValueError, OverflowError):
            n = default
        return max(lo, min(hi, n))

    return whole(top, qn.DEFAULT_TOP, min(TOP_CHOICES), max(TOP_CHOICES)), whole(min_shared, 1, 1, 20)


def graph_parts(url: str, filters, top: int, min_shared: int, lang: str = "en") -> tuple[list, Any, Any]:
    """``(elements, summary, legend)`` for the filters and the graph's settings."""
    f = as_filters(filters)
    top, min_shared = graph_settings(top, min_shared)
    net = run_query(qn.network, url, f, top, min_shared)
    if net is None:
        return [], _empty_note(t(NO_SCHEMA_HINT, lang)), None
    if net.empty:
        loaded = run_query(q.has_documents, url)
        msg = figures.FILTER_HINT if loaded and (not f.is_empty or min_shared > 1) else figures.LOAD_HINT
        return [], _empty_note(t(msg, lang)), None
    summary = [html.Span(t("{s} schools · {p} of {pt} partners · {e} of {et} links", lang).format(
        s=len(net.schools), p=len(net.partners), pt=net.partners_total, e=len(net.edges), et=net.edges_total))]
    legend = [html.Span([html.Span(className="legend-square" if shape == "square" else "legend-dot",
                                   style={"background": colour}), label], className="legend-item")
              for label, colour, shape in fn.legend_items(net, lang)]
    legend.append(html.Span(t("Click a school, a partner or a line to see what is behind it.", lang),
                            className="legend-item text-muted"))
    return fn.elements(net, lang), summary, legend


def _empty_note(message: str) -> html.Div:
    """An empty state in words (the HTML of the chart hints is reduced to text)."""
    text = message.replace("<br>", " ").replace("<b>", "").replace("</b>", "")
    return html.Div(text, className="network-empty")


def focus_style(url: str, filters, focus: str | None, top: int, min_shared: int) -> list:
    f = as_filters(filters)
    net = run_query(qn.network, url, f, *graph_settings(top, min_shared))
    return fn.stylesheet(net, focus)


def _spec(focus: str | None) -> DrillSpec | None:
    node, pair = fn.parse_node_id(focus), fn.parse_edge_id(focus)
    if node:
        return DrillSpec(school=node[1]) if node[0] == "school" else DrillSpec(partner=node[1])
    if pair:
        return DrillSpec(school=pair[0], partner=pair[1])
    return None


def _rows(net) -> dict[tuple[str, int], dict]:
    """The drawn network's schools and partners by ``(kind, id)``: looked up per name shown,
    where a filter over the frames per name cost a millisecond each."""
    out = {("school", int(r["unit_id"])): r for r in net.schools.to_dict("records")}
    out.update({("partner", int(r["partner_id"])): r for r in net.partners.to_dict("records")})
    return out


def _names(rows: dict, kind: str, key: int, lang: str) -> tuple[str, str]:
    """Display name and a subtitle of a node from the drawn network (``rows``: :func:`_rows` of it)."""
    r = rows.get((kind, int(key)))
    if kind == "school":
        if r is None:
            return f"#{key}", t("School", lang)
        return ((r["zh"] or r["name"]) if lang == "zh" else r["name"]), " ".join(
            x for x in (t("School", lang), r["zh"] if lang != "zh" else "") if x)
    if r is None:
        return f"#{key}", t("Partner", lang)
    sub = " · ".join(x for x in (r["zh"] if lang != "zh" else r["name"],
                                 country_label(r["country"], lang) if r["country"] else "",
                                 t(partner_kind_label(r["kind"]), lang) if r["kind"] else "") if x)
    return ((r["zh"] or r["name"]) if lang == "zh" else r["name"]), sub


def focus_href(hash_: str | None, focus: str) -> str:
    """A link that puts ``focus`` in the URL fragment, keeping the graph's other settings:
    the keyboard's way to what a click on the canvas does."""
    return to_hash({**parse_hash(hash_), "focus": focus}) or "#"


def detail_panel(url: str, filters, focus: str | None, top: int, min_shared: int, lang: str = "en",
                 search: str = "", hash_: str | None = None) -> tuple[list, dict, dict, Any]:
    """The side panel: ``(children, filter button style, clear button style, partner link)``.

    Without a focus: the strongest links. With one: the node or edge, its connections, and the
    documents behind it (newest first, at most ``DOC_LIMIT``) within the page's filters.
    """
    f = as_filters(filters)
    hidden = {"display": "none"}
    net = run_query(qn.network, url, f, *graph_settings(top, min_shared))
    if net is None or net.empty:
        return [], hidden, hidden, None
    spec = _spec(focus)
    if spec is None:
        return _strongest(net, lang, hash_), hidden, hidden, None
    node, pair = fn.parse_node_id(focus), fn.parse_edge_id(focus)
    e = net.edges
    rows = _rows(net)
    body: list = []
    if node:
        kind, key = node
        col = "unit_id" if kind == "school" else "partner_id"
        part = e[e[col] == key]
        if part.empty:
            return ([html.P(t("Not in the graph with these settings.", lang), className="text-muted small")],
                    hidden, {}, None)
        title, sub = _names(rows, kind, key, lang)
        other = "partner" if kind == "school" else "school"
        chips = []
        for r in part.head(CHIPS).itertuples(index=False):
            okey = r.partner_id if kind == "school" else r.unit_id
            name, _ = _names(rows, other, int(okey), lang)
            target = fn.edge_id(r.unit_id, r.partner_id)
            chips.append(html.A([name, html.Small(f" · {int(r.documents)}")], href=focus_href(hash_, target),
                                className="chip chip-link"))
        if len(part) > CHIPS:
            chips.append(html.Span(f"+{len(part) - CHIPS}", className="chip"))
        body += [html.H3(title, className="detail-title"), html.Div(sub, className="detail-sub"),
                 html.Div(t("Connections", lang) + f" · {len(part)}", className="changes-h"),
                 html.Div(chips, className="neighbours")]
    else:
        school, _ = _names(rows, "school", pair[0], lang)
        partner, _ = _names(rows, "partner", pair[1], lang)
        row = e[(e["unit_id"] == pair[0]) & (e["partner_id"] == pair[1])]
        if row.empty:
            return ([html.P(t("Not in the graph with these settings.", lang), className="text-muted small")],
                    hidden, {}, None)
        body += [html.H3([html.A(school, href=focus_href(hash_, fn.node_id("school", pair[0]))), " × ",
                          html.A(partner, href=focus_href(hash_, fn.node_id("partner", pair[1])))],
                         className="detail-title"),
                 html.Div(f"{int(row.iloc[0]['documents'])} " + t("shared documents", lang), className="detail-sub")]
    result = run_query(drill, url, f, spec, DOC_LIMIT)
    if result is not None:
        head = t("Documents behind", lang) + f" · {result.total_documents}"
        body.append(html.Div(head, className="changes-h"))
        if result.truncated:
            body.append(html.P(t("Showing the {n} most recent of {total}.", lang).format(
                n=len(result.documents), total=result.total_documents), className="drill-note"))
        body.append(html.Ul(document_items(result, lang, search_with(search, Filters())), className="drill-list"))
    can_filter = spec.school is not None and spec.partner is None and spec.cross_filter(f) not in (None, f)
    link = None
    if spec.partner is not None and spec.school is None:
        link = dbc.Button(t("Open the partner's page", lang), href=f"/partners/{spec.partner}{search_with(search, f)}",
                          color="link", size="sm")
    elif spec.school is not None and spec.partner is None:
        link = dbc.Button(t("Open the school's page", lang), href=f"/schools/{spec.school}{search_with(search, f)}",
                          color="link", size="sm")
    return body, ({} if can_filter else hidden), {}, link


def _strongest(net, lang: str, hash_: str | None = None, n: int = 10) -> list:
    items = []
    rows = _rows(net)
    for r in net.edges.head(n).itertuples(index=False):
        school, _ = _names(rows, "school", int(r.unit_id), lang)
        partner, _ = _names(rows, "partner", int(r.partner_id), lang)
        items.append(html.Li(html.A([html.Span(f"{int(r.documents)}", className="flag flag-12 me-2"),
                                     html.Span(school, className="cell-strong"), " — ", partner],
                                    href=focus_href(hash_, fn.edge_id(r.unit_id, r.partner_id)),
                                    className="link-row")))
    return [html.H3(t("Strongest links", lang), className="card-heading"),
            html.P(t("Click a school, a partner or a line to see what is behind it.", lang),
                   className="text-muted small"),
            html.Ul(items, className="doc-list")]


def filter_to_focus(search: str | None, focus: str | None) -> str | None:
    """The query string after "Filter the dashboard to this school" (None when nothing changes)."""
    spec = _spec(focus)
    if spec is None or spec.school is None or spec.partner is not None:
        return None
    return apply_cross_filter(search, spec)


# ---------------------------------------------------------------------------
# Layout and wiring
# ---------------------------------------------------------------------------
def layout(ui: str | None = None, **_query: Any) -> html.Div:
    from dashboard.labels import ui_lang

    lang = ui_lang(ui)
    s = DEFAULT_STATE
    controls = html.Div([
        html.Div([html.Label(t("Partners shown", lang), htmlFor=ids.NW_TOP, className="filter-label"),
                  dcc.Dropdown(id=ids.NW_TOP, options=[{"label": str(n), "value": n} for n in TOP_CHOICES],
                               value=s["top"], clearable=False, searchable=False)], className="ctl"),
        html.Div([html.Label(t("Fewest shared documents", lang), htmlFor=ids.NW_MIN, className="filter-label"),
                  dcc.Dropdown(id=ids.NW_MIN, options=[{"label": str(n), "value": n} for n in (1, 2, 3, 5, 10)],
                               value=s["min"], clearable=False, searchable=False)], className="ctl"),
        html.Div([html.Label(t("Layout", lang), htmlFor=ids.NW_LAYOUT, className="filter-label"),
                  dcc.Dropdown(id=ids.NW_LAYOUT, options=[
                      {"label": t("Force-directed", lang), "value": "cose"},
                      {"label": t("Concentric", lang), "value": "concentric"},
                      {"label": t("Circle", lang), "value": "circle"}],
                      value=s["layout"], clearable=False, searchable=False)], className="ctl"),
        html.Div(id=ids.NW_SUMMARY, className="network-summary ctl-wide", **{"aria-live": "polite"}),
    ], className="network-controls")
    graph = cyto.Cytoscape(
        id=ids.NW_GRAPH, elements=[], layout=fn.layout(s["layout"]), stylesheet=fn.stylesheet(),
        className="network-graph", style={"width": "100%", "height": "660px"}, minZoom=0.25, maxZoom=3,
        boxSelectionEnabled=False, responsive=True, userZoomingEnabled=True,
    )
    return html.Div([
        dcc.Store(id=ids.NW_FOCUS, data=None),
        html.Div([
            export_menu(["network_links"], menu_id="network", class_name="float-end", lang=lang),
            html.H1(t(NAME, lang), className="page-title"),
            html.P(t("Which schools work with which partners: a line joins a school and a partner named in the same "
                     "documents, thicker the more documents they share.", lang), className="page-lede"),
        ], className="page-head"),
        dbc.Row([
            dbc.Col(html.Div([controls, dcc.Loading(graph, type="dot", color="#1F4E8C", delay_show=400),
                              html.Div(id=ids.NW_LEGEND, className="legend")],
                             className="network-card"), lg=8),
            dbc.Col(html.Div([
                html.Div([
                    dbc.Button(t("Filter the dashboard to this school", lang), id=ids.NW_FILTER, color="primary",
                               size="sm", style={"display": "none"}),
                    html.Span(id=ids.NW_LINK),
                    dbc.Button(t("Clear focus", lang), id=ids.NW_FOCUS_CLEAR, color="link", size="sm",
                               style={"display": "none"}),
                ], className="rows-actions mb-2"),
                dcc.Loading(html.Div(id=ids.NW_DETAIL), type="dot", color="#1F4E8C", delay_show=250),
            ], className="panel detail-panel"), lg=4),
        ], className="g-3 mb-3"),
    ], className="page page-network")


def register_callbacks(app) -> None:
    def _need(data):
        if data is None:
            raise PreventUpdate
        return data

    @app.callback(Output(ids.NW_FOCUS, "data"), Output(ids.NW_TOP, "value"), Output(ids.NW_MIN, "value"),
                  Output(ids.NW_LAYOUT, "value"),
                  Input(ids.URL, "hash"), State(ids.NW_TOP, "value"), State(ids.NW_MIN, "value"),
                  State(ids.NW_LAYOUT, "value"))
    def _from_hash(hash_, top, min_shared, layout_name):
        state = parse_hash(hash_)
        return (state["focus"],
                state["top"] if state["top"] != top else no_update,
                state["min"] if state["min"] != min_shared else no_update,
                state["layout"] if state["layout"] != layout_name else no_update)

    @app.callback(Output(ids.URL, "hash", allow_duplicate=True),
                  Input(ids.NW_TOP, "value"), Input(ids.NW_MIN, "value"), Input(ids.NW_LAYOUT, "value"),
                  Input(ids.NW_GRAPH, "tapNode"), Input(ids.NW_GRAPH, "tapEdge"),
                  Input(ids.NW_FOCUS_CLEAR, "n_clicks"), State(ids.URL, "hash"), prevent_initial_call=True)
    def _to_hash(top, min_shared, layout_name, tap_node, tap_edge, _clear, hash_):
        prop = ctx.triggered[0]["prop_id"] if ctx.triggered else ""
        trigger = {f"{ids.NW_TOP}.value": "top", f"{ids.NW_MIN}.value": "min", f"{ids.NW_LAYOUT}.value": "layout",
                   f"{ids.NW_GRAPH}.tapNode": "node", f"{ids.NW_GRAPH}.tapEdge": "edge",
                   f"{ids.NW_FOCUS_CLEAR}.n_clicks": "clear"}.get(prop)
        new = next_state(hash_, trigger, top=top, min_shared=min_shared, layout=layout_name,
                         tap_node=tap_node, tap_edge=tap_edge)
        return new if new is not None and new != (hash_ or "") else no_update

    @app.callback(Output(ids.NW_GRAPH, "elements"), Output(ids.NW_SUMMARY, "children"),
                  Output(ids.NW_LEGEND, "children"),
                  Input(ids.FILTERS, "data"), Input(ids.NW_TOP, "value"), Input(ids.NW_MIN, "value"),
                  State(ids.URL, "search"))
    def _graph(data, top, min_shared, search):
        return graph_parts(database_url(), _need(data), top or qn.DEFAULT_TOP, min_shared or 1, page_lang(search))

    @app.callback(Output(ids.NW_GRAPH, "layout"), Input(ids.NW_LAYOUT, "value"), prevent_initial_call=True)
    def _layout(name):
        return fn.layout(name if isinstance(name, str) else None)

    @app.callback(Output(ids.NW_GRAPH, "stylesheet"), Output(ids.NW_DETAIL, "children"),
                  Output(ids.NW_FILTER, "style"), Output(ids.NW_FOCUS_CLEAR, "style"), Output(ids.NW_LINK, "children"),
                  Input(ids.NW_FOCUS, "data"), Input(ids.FILTERS, "data"), Input(ids.NW_TOP, "value"),
                  Input(ids.NW_MIN, "value"), State(ids.URL, "search"), State(ids.URL, "hash"))
    def _focus(focus, data, top, min_shared, search, hash_):
        url = database_url()
        _need(data)
        top, min_shared = top or qn.DEFAULT_TOP, min_shared or 1
        body, filter_style, clear_style, link = detail_panel(url, data, focus, top, min_shared,
                                                             page_lang(search), search or "", hash_)
        return focus_style(url, data, focus, top, min_shared), body, filter_style, clear_style, link

    @app.callback(Output(ids.URL, "search", allow_duplicate=True), Input(ids.NW_FILTER, "n_clicks"),
                  State(ids.NW_FOCUS, "data"), State(ids.URL, "search"), prevent_initial_call=True)
    def _filter(n, focus, search):
        if not n:
            raise PreventUpdate
        new = filter_to_focus(search, focus)
        return new if new is not None else no_update
