"""The school–partner network (:class:`dashboard.queries.network.Network`) → dash-cytoscape
elements and stylesheet (no database access).

Schools are rounded squares in indigo; partners are circles coloured by kind (Paul Tol's
muted scheme, as the charts) — the shape tells schools from partners, so colour is never
the only cue. A node's size grows with its shared documents (the sum of its edges), an
edge's width with the documents shared by its school and partner.

Focus (a clicked node or edge) is drawn by the *stylesheet*, not by new elements, so
clicking never re-runs the layout: everything else fades, the focus and its neighbours
stay.
"""
from __future__ import annotations

import math
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.common import FONT_STACK, LOAD_HINT, _base, empty, figure
from dashboard.labels import add_translations, ellipsize, local_name, partner_kind_label, partner_kind_name, short_school, t
from dashboard.queries.network import Network

SCHOOL_COLOR = "#332288"
PARTNER_KIND_COLORS = {"university": "#88CCEE", "institute": "#44AA99", "company": "#DDCC77",
                       "government": "#CC6677", "ngo": "#AA4499"}
UNKNOWN_KIND_COLOR = "#BBBBBB"
EDGE_COLOR = "#8C9BB0"
FOCUS_COLOR = "#1F4E8C"
MIN_NODE, MAX_NODE = 18, 70
MIN_EDGE, MAX_EDGE = 1.0, 9.0

add_translations({"School": "学院", "Unknown kind": "类型未知", "University": "大学", "Research institute": "研究机构",
                  "Company": "企业", "Government body": "政府机构", "Association / NGO": "协会 / 非政府组织"})


def node_id(kind: str, key: int) -> str:
    """``s3`` for school 3, ``p12`` for partner 12 (ids are also stylesheet selectors)."""
    return f"{'s' if kind == 'school' else 'p'}{int(key)}"


def edge_id(unit_id: int, partner_id: int) -> str:
    return f"e{int(unit_id)}-{int(partner_id)}"


def parse_node_id(value: Any) -> tuple[str, int] | None:
    """``("school", 3)`` from ``"s3"``; None for anything else (ids come back from the browser)."""
    s = str(value or "")
    if len(s) < 2 or s[0] not in "sp" or not s[1:].isdigit() or len(s) > 12:
        return None
    return ("school" if s[0] == "s" else "partner", int(s[1:]))


def parse_edge_id(value: Any) -> tuple[int, int] | None:
    s = str(value or "")
    if not s.startswith("e") or "-" not in s or len(s) > 24:
        return None
    a, _, b = s[1:].partition("-")
    return (int(a), int(b)) if a.isdigit() and b.isdigit() else None


def _size(n: int, most: int, lo: float = MIN_NODE, hi: float = MAX_NODE) -> float:
    """Area grows with ``n``: the radius with its square root."""
    return round(lo + (hi - lo) * math.sqrt(max(n, 0) / max(most, 1)), 1)


def _short(name: str, width: int = 30) -> str:
    return ellipsize(name, width)


def kind_color(kind: str | None) -> str:
    return PARTNER_KIND_COLORS.get(kind or "", UNKNOWN_KIND_COLOR)


def elements(net: Network, lang: str = "en") -> list[dict[str, Any]]:
    """Cytoscape elements: one node per school and partner, one edge per shared pair."""
    if net.empty:
        return []
    most = max([int(net.schools["shared"].max() or 1), int(net.partners["shared"].max() or 1)])
    heaviest = int(net.edges["documents"].max() or 1)
    out: list[dict[str, Any]] = []
    for r in net.schools.itertuples(index=False):
        name = (r.zh or r.name) if lang == "zh" else r.name
        out.append({"data": {"id": node_id("school", r.unit_id), "label": short_school(name, 26) if lang != "zh"
                             else name, "name": r.name, "zh": r.zh or "", "type": "school",
                             "shared": int(r.shared), "degree": int(r.degree),
                             "size": _size(int(r.shared), most), "color": SCHOOL_COLOR},
                    "classes": "school"})
    for r in net.partners.itertuples(index=False):
        name = (r.zh or r.name) if lang == "zh" else r.name
        out.append({"data": {"id": node_id("partner", r.partner_id), "label": _short(name), "name": r.name,
                             "zh": r.zh or "", "type": "partner", "kind": r.kind or "", "country": r.country or "",
                             "shared": int(r.shared), "degree": int(r.degree),
                             "size": _size(int(r.shared), most), "color": kind_color(r.kind)},
                    "classes": f"partner pk-{r.kind or 'unknown'}"})
    for r in net.edges.itertuples(index=False):
        w = int(r.documents)
        out.append({"data": {"id": edge_id(r.unit_id, r.partner_id), "source": node_id("school", r.unit_id),
                             "target": node_id("partner", r.partner_id), "weight": w,
                             "width": round(MIN_EDGE + (MAX_EDGE - MIN_EDGE) * (w - 1) / max(heaviest - 1, 1), 2)}})
    return out


def stylesheet(net: Network | None = None, focus: str | None = None) -> list[dict[str, Any]]:
    """The base style, plus the focus: ``"s3"`` / ``"p12"`` (a node and its neighbours) or
    ``"e3-12"`` (an edge and its two ends) stay opaque, the rest fades."""
    base = [
        {"selector": "node", "style": {
            "label": "data(label)", "width": "data(size)", "height": "data(size)",
            "background-color": "data(color)", "border-width": 1.5, "border-color": "#ffffff",
            "font-family": FONT_STACK, "font-size": 12, "color": "#243044", "text-valign": "bottom",
            "text-halign": "center", "text-margin-y": 3, "text-wrap": "ellipsis", "text-max-width": 150,
            "text-background-color": "#fbfcfe", "text-background-opacity": 0.75, "text-background-padding": 1}},
        {"selector": ".school", "style": {"shape": "round-rectangle", "font-size": 15, "text-max-width": 240,
                                          "font-weight": "bold", "color": "#15213a", "z-index": 10}},
        {"selector": "edge", "style": {"width": "data(width)", "line-color": EDGE_COLOR, "opacity": 0.45,
                                       "curve-style": "bezier"}},
        {"selector": "node:selected", "style": {"border-width": 3, "border-color": "#15213a"}},
    ]
    if not focus or net is None or net.empty:
        return base
    keep_nodes: set[str] = set()
    keep_edges: set[str] = set()
    node = parse_node_id(focus)
    pair = parse_edge_id(focus)
    e = net.edges
    if node:
        kind, key = node
        col = "unit_id" if kind == "school" else "partner_id"
        part = e[e[col] == key]
        if part.empty:
            return base
        keep_nodes.add(node_id(kind, key))
        for r in part.itertuples(index=False):
            keep_nodes.add(node_id("partner" if kind == "school" else "school",
                                   r.partner_id if kind == "school" else r.unit_id))
            keep_edges.add(edge_id(r.unit_id, r.partner_id))
        highlight = [node_id(kind, key)]
    elif pair:
        if e[(e["unit_id"] == pair[0]) & (e["partner_id"] == pair[1])].empty:
            return base
        keep_nodes |= {node_id("school", pair[0]), node_id("partner", pair[1])}
        keep_edges.add(edge_id(*pair))
        highlight = []
    else:
        return base
    keep = ", ".join(f"#{i}" for i in sorted(keep_nodes | keep_edges))
    out = base + [
        {"selector": "node", "style": {"opacity": 0.18}},
        {"selector": "edge", "style": {"opacity": 0.06}},
        {"selector": keep, "style": {"opacity": 1}},
        {"selector": ", ".join(f"#{i}" for i in sorted(keep_edges)),
         "style": {"line-color": FOCUS_COLOR, "opacity": 0.85, "z-index": 5}},
    ]
    if highlight:
        out.append({"selector": ", ".join(f"#{i}" for i in highlight),
                    "style": {"border-width": 4, "border-color": "#15213a", "font-weight": "bold", "z-index": 20}})
    return out


def legend_items(net: Network, lang: str = "en") -> list[tuple[str, str, str]]:
    """``(label, colour, shape)`` for the legend: schools, then the partner kinds drawn."""
    items = [(t("School", lang), SCHOOL_COLOR, "square")]
    kinds = list(dict.fromkeys(net.partners["kind"])) if not net.partners.empty else []
    for k in [*PARTNER_KIND_COLORS, None]:
        if k in kinds or (k is None and any(not v for v in kinds)):
            label = t(partner_kind_label(k), lang) if k else t("Unknown kind", lang)
            items.append((label, kind_color(k), "circle"))
    return items


LINKS_TITLE = "Schools and partners: shared documents"
add_translations({LINKS_TITLE: "学院与合作伙伴：共同文档", "{n} shared documents": "{n} 篇共同文档"})


def links_frame(net: Network) -> pd.DataFrame:
    """The network's edges as a table: ``school, school_zh, partner, partner_zh, country, kind,
    documents`` (the Network page's export), heaviest first."""
    cols = ["unit_id", "school", "school_zh", "partner_id", "partner", "partner_zh", "country", "kind", "documents"]
    if net.empty:
        return pd.DataFrame(columns=cols)
    s = net.schools.rename(columns={"name": "school", "zh": "school_zh"})[["unit_id", "school", "school_zh"]]
    p = net.partners.rename(columns={"name": "partner", "zh": "partner_zh"})[
        ["partner_id", "partner", "partner_zh", "country", "kind"]]
    df = net.edges.merge(s, on="unit_id").merge(p, on="partner_id")
    return df[cols].sort_values(["documents", "school", "partner"], ascending=[False, True, True]).reset_index(drop=True)


@figure
def links_figure(df: pd.DataFrame, lang: str = "en", empty_message: str = LOAD_HINT) -> go.Figure:
    """The network for a file: schools in a column on the left, partners on the right (each
    placed by the schools it works with, so lines cross little), a line per shared pair whose
    width grows with the documents they share; partners coloured by kind as on the page."""
    title = t(LINKS_TITLE, lang)
    if df.empty:
        return empty(title, t(empty_message, lang))
    shared_s = df.groupby("unit_id")["documents"].sum().sort_values(ascending=False)
    s_pos = {u: i for i, u in enumerate(shared_s.index)}
    bary = df.assign(pos=df["unit_id"].map(s_pos)).groupby("partner_id").apply(
        lambda g: (g["pos"] * g["documents"]).sum() / g["documents"].sum(), include_groups=False)
    partners = list(bary.sort_values(kind="stable").index)
    n_s, n_p = len(s_pos), len(partners)
    rows = max(n_s, n_p, 4)
    ys = {u: (i + 0.5) * rows / n_s for u, i in s_pos.items()}
    yp = {p: (i + 0.5) * rows / n_p for i, p in enumerate(partners)}
    heaviest = int(df["documents"].max() or 1)
    fig = _base(title, height=140 + 22 * rows, showlegend=True,
                xaxis=dict(visible=False, range=[-0.9, 1.9]),
                yaxis=dict(visible=False, range=[rows + 0.5, -0.5]),
                legend=dict(orientation="h", y=-0.02, yanchor="top"), margin=dict(l=8, r=8, t=48, b=8))
    traces: list[dict[str, Any]] = []
    for r in df.itertuples(index=False):
        w = MIN_EDGE + (MAX_EDGE - MIN_EDGE) * (int(r.documents) - 1) / max(heaviest - 1, 1)
        traces.append(dict(type="scatter", x=[0, 1], y=[ys[r.unit_id], yp[r.partner_id]], mode="lines",
                           line=dict(color=EDGE_COLOR, width=round(w, 1)), opacity=0.5, showlegend=False,
                           hoverinfo="skip"))
    schools = df.drop_duplicates("unit_id").set_index("unit_id")
    names_s = [local_name(short_school(schools.at[u, "school"]), schools.at[u, "school_zh"], lang) for u in s_pos]
    traces.append(dict(type="scatter", x=[0] * n_s, y=[ys[u] for u in s_pos], mode="markers+text",
                       marker=dict(symbol="square", size=14, color=SCHOOL_COLOR), text=names_s,
                       textposition="middle left", name=t("School", lang), cliponaxis=False,
                       hovertemplate="%{text}<extra></extra>"))
    part = df.drop_duplicates("partner_id").set_index("partner_id")
    for kind in [*PARTNER_KIND_COLORS, None]:
        ids_ = [p for p in partners if (part.at[p, "kind"] or None) == kind
                or (kind is None and part.at[p, "kind"] not in PARTNER_KIND_COLORS)]
        if not ids_:
            continue
        names = [_short(local_name(part.at[p, "partner"], part.at[p, "partner_zh"], lang), 40) for p in ids_]
        traces.append(dict(type="scatter", x=[1] * len(ids_), y=[yp[p] for p in ids_], mode="markers+text",
                           marker=dict(size=11, color=kind_color(kind)), text=names, textposition="middle right",
                           name=partner_kind_name(kind, lang), cliponaxis=False,
                           hovertemplate="%{text}<extra></extra>"))
    fig.add_traces(traces)
    return fig


LAYOUTS = {
    "cose": {"name": "cose", "animate": False, "randomize": False, "nodeRepulsion": 60000, "idealEdgeLength": 110,
             "edgeElasticity": 100, "gravity": 0.25, "numIter": 1500, "nodeDimensionsIncludeLabels": True,
             "padding": 24, "componentSpacing": 60, "fit": True,
             # A landscape box: the canvas is wider than tall, so the graph fills it and labels stay legible.
             "boundingBox": {"x1": 0, "y1": 0, "w": 1300, "h": 950}},
    "concentric": {"name": "concentric", "animate": False, "minNodeSpacing": 18, "padding": 24,
                   "nodeDimensionsIncludeLabels": False},
    "circle": {"name": "circle", "animate": False, "padding": 24},
}


def layout(name: str | None) -> dict[str, Any]:
    """A cytoscape layout by name (force-directed by default)."""
    return dict(LAYOUTS.get(name or "cose", LAYOUTS["cose"]))


__all__ = ["links_frame", "links_figure", "LINKS_TITLE", "elements", "stylesheet", "legend_items", "layout", "LAYOUTS", "node_id", "edge_id", "parse_node_id",
           "parse_edge_id", "kind_color", "SCHOOL_COLOR", "PARTNER_KIND_COLORS"]
