"""Article view (path ``/sources/doc/<id>``): one document's text with its extracted facts
highlighted in place.

Each fact (school, office, partner, person, number) and each activity keeps the character
span of its evidence (``facts.start/end``, ``activities.start/end``); the text is cut at
every span boundary and each piece is wrapped in a ``<mark>`` whose class says what covers
it — the innermost fact gives the colour, an activity adds an underline, so overlapping
evidence stays readable. A legend names the colours; a side list gives every fact with
what it resolved to, the rule (method) that found it and its confidence, and links to its
place in the text. Facts a curator rejected are shown struck through.

The document's text, title and every fact are rendered as *text* by Dash components (React
escapes them): an article containing ``<script>`` shows those characters, never runs them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pandas as pd
from dash import dcc, html
from sqlalchemy.exc import SQLAlchemyError

from dashboard import ids
from dashboard.context import database_url
from dashboard.labels import KIND_LABELS, add_translations, kind_label, language_name, method_text, t, ui_lang
from dashboard.pages.sources import source_label
from dashboard.queries import sources as qs
from dashboard.regions import country_label

PATH_TEMPLATE = "/sources/doc/<doc_id>"
PATH = "/sources/doc/none"
NAME = "Article"
TITLE = "Article · International Cooperation"
IN_NAV = False

FACT_TYPES = ("school", "office", "partner", "person", "count")
TYPE_LABELS = {"school": "School", "office": "Office", "partner": "Partner", "person": "Person",
               "count": "Number", "activity": "Activity"}

add_translations({
    "School": "学院", "Office": "职能部门", "Partner": "合作伙伴", "Person": "人物", "Number": "数字",
    "Activity": "活动", "← Back to sources": "← 返回文档列表", "No such document.": "没有这篇文档。",
    "It may have been removed, or the link is incomplete.": "它可能已被删除，或链接不完整。",
    "Extracted facts": "抽取的事实", "What the text says": "原文中的标注",
    "No fact was extracted from this document.": "未从此文档中抽取到事实。",
    "confidence": "置信度", "Legend": "图例", "rejected by a curator": "已被审核人员驳回",
    "Removed at its source": "已从来源删除", "published": "发布", "event": "事件日期",
    "Source": "来源", "Filters do not apply to a single document.": "筛选条件不适用于单篇文档。",
    "no position in the text": "无原文位置",
})
add_translations({"home": "本校"}, context="person org")


@dataclass(frozen=True)
class Span:
    """One piece of evidence: ``[start, end)`` in the text, what it is, and its anchor id."""

    start: int
    end: int
    kind: str            # a fact type, or "activity"
    anchor: str          # "fact-12" / "act-3"
    label: str           # tooltip: what the evidence stands for
    rejected: bool = False


def _describe_fact(r, lang: str = "en") -> str:
    """What a fact resolved to, in a few words ("School of Automation", "30 students", "Li Wei, Dean")."""
    if r.type in ("school", "office"):
        name = (r.unit_zh or r.unit) if lang == "zh" else r.unit
        return name or (r.text or "")
    if r.type == "partner":
        name = (r.partner_zh or r.partner) if lang == "zh" else r.partner
        where = country_label(r.country, lang) if r.country else ""
        return " · ".join(x for x in (name or r.text or "", where) if x)
    if r.type == "person":
        org = t(r.org, lang, context="person org") if r.org == "home" else r.org   # "home": this university
        return ("，" if lang == "zh" else ", ").join(x for x in (r.name or r.text or "", r.role or "", org or "") if x)
    if r.type == "count":
        value = "" if r.value is None or pd.isna(r.value) else f"{int(r.value):,}"
        return " ".join(x for x in (value, r.what or "") if x) or (r.text or "")
    return r.text or ""


def _valid(start, end, n: int) -> bool:
    try:
        s, e = int(start), int(end)
    except (TypeError, ValueError):
        return False
    return 0 <= s < e <= n


def spans(text: str, facts: pd.DataFrame, activities: pd.DataFrame, lang: str = "en") -> list[Span]:
    """Every fact and activity whose span lies inside ``text`` (others are listed, not placed)."""
    n = len(text or "")
    out = []
    for r in facts.itertuples(index=False):
        if _valid(r.start, r.end, n):
            label = f"{t(TYPE_LABELS.get(r.type, r.type), lang)}: {_describe_fact(r, lang)}"
            out.append(Span(int(r.start), int(r.end), r.type, f"fact-{int(r.id)}", label, r.status == "rejected"))
    for r in activities.itertuples(index=False):
        if _valid(r.start, r.end, n):
            name = KIND_LABELS[r.kind][1] if lang == "zh" and r.kind in KIND_LABELS else kind_label(r.kind)
            out.append(Span(int(r.start), int(r.end), "activity", f"act-{int(r.id)}",
                            f"{t('Activity', lang)}: {name}"))
    return out


def segments(n: int, items: list[Span]) -> list[tuple[int, int, list[Span]]]:
    """The text ``[0, n)`` cut at every span boundary: ``(start, end, spans covering it)``.

    Pieces that no span covers have an empty list; the cover of each piece is ordered
    innermost (shortest) first.
    """
    bounds = sorted({0, n, *(s.start for s in items), *(s.end for s in items)})
    out = []
    for a, b in zip(bounds, bounds[1:]):
        cover = sorted((s for s in items if s.start <= a and s.end >= b), key=lambda s: (s.end - s.start, s.kind))
        out.append((a, b, cover))
    return out


def highlighted_text(text: str, items: list[Span]) -> list:
    """The text as Dash components: plain strings, and ``<mark>`` for the pieces evidence covers.

    The innermost fact of a piece gives its class (``fx-partner`` …), an activity covering it
    adds ``fx-activity``, a rejected fact ``fx-rejected``; the first piece of each span carries
    the span's anchor id, so the side list can link to it.
    """
    text = text or ""
    placed: set[str] = set()
    out: list = []
    for a, b, cover in segments(len(text), items):
        piece = text[a:b]
        if not cover:
            out.append(piece)
            continue
        facts = [s for s in cover if s.kind != "activity"]
        classes = []
        if facts:
            classes.append(f"fx-{facts[0].kind}")
            if facts[0].rejected:
                classes.append("fx-rejected")
        if any(s.kind == "activity" for s in cover):
            classes.append("fx-activity")
        new = [s for s in cover if s.anchor not in placed and s.start == a]
        placed.update(s.anchor for s in new)
        mark = html.Mark(piece, className=" ".join(classes), title="\n".join(s.label for s in cover))
        if new:
            mark.id = new[0].anchor
            # Further spans starting here get an empty anchor each, so every link has a target.
            out.extend(html.Span(id=s.anchor) for s in new[1:])
        out.append(mark)
    return out


def legend(lang: str = "en") -> html.Div:
    items = [html.Mark(t(TYPE_LABELS[k], lang), className=f"fx-{k}") for k in FACT_TYPES]
    items.append(html.Mark(t("Activity", lang), className="fx-activity"))
    return html.Div(items, className="fact-legend", id=ids.DOC_LEGEND, **{"aria-label": t("Legend", lang)})


def _confidence(value, lang: str = "en") -> Any:
    if value is None or pd.isna(value):
        return None
    v = max(0.0, min(1.0, float(value)))
    return html.Span([f"{v:.2f}", html.Span(html.Span(style={"width": f"{v * 100:.0f}%"}), className="conf")],
                     title=t("confidence", lang))


def fact_list(text: str, facts: pd.DataFrame, activities: pd.DataFrame, lang: str = "en") -> list:
    """The side list: facts grouped by type, then the activities; each links to its place in the text."""
    n = len(text or "")
    groups = []
    for kind in FACT_TYPES:
        part = facts[facts["type"] == kind]
        if part.empty:
            continue
        items = []
        for r in part.itertuples(index=False):
            placed = _valid(r.start, r.end, n)
            meta = [method_text(r.method, lang), " · " if r.method else "", _confidence(r.confidence, lang)]
            if r.status == "rejected":
                meta += [" · ", t("rejected by a curator", lang)]
            if not placed:
                meta += [" · ", t("no position in the text", lang)]
            body = [html.Span(r.text or "", className="fact-text"), " → ", _describe_fact(r, lang),
                    html.Span(meta, className="fact-meta")]
            cls = "fact-item" + (" rejected" if r.status == "rejected" else "")
            items.append(html.A(body, href=f"#fact-{int(r.id)}", className=cls) if placed
                         else html.Div(body, className=cls))
        groups.append(html.Div([html.H4([html.Mark("\u00a0", className=f"fx-{kind} me-2"),
                                         t(TYPE_LABELS[kind], lang), f" · {len(part)}"]), *items],
                               className="fact-group"))
    others = facts[~facts["type"].isin(FACT_TYPES)]
    if not others.empty:
        groups.append(html.Div([html.H4(t("Extracted facts", lang)),
                                *[html.Div([html.Span(r.text or "", className="fact-text"), f" ({r.type})"],
                                           className="fact-item") for r in others.itertuples(index=False)]],
                               className="fact-group"))
    if not activities.empty:
        items = []
        for r in activities.itertuples(index=False):
            name = KIND_LABELS[r.kind][1] if lang == "zh" and r.kind in KIND_LABELS else kind_label(r.kind)
            placed = _valid(r.start, r.end, n)
            evidence = text[int(r.start):int(r.end)] if placed else (r.sentence or "")
            body = [html.Span(name, className="fact-text"), " ← ", f"“{evidence}”" if evidence else "",
                    html.Span([method_text(r.method, lang), " · " if r.method else "", _confidence(r.confidence, lang)],
                              className="fact-meta")]
            items.append(html.A(body, href=f"#act-{int(r.id)}", className="fact-item") if placed
                         else html.Div(body, className="fact-item"))
        groups.append(html.Div([html.H4([html.Mark("\u00a0", className="fx-activity me-2"),
                                         t("Activity", lang), f" · {len(activities)}"]), *items],
                               className="fact-group"))
    if not groups:
        return [html.P(t("No fact was extracted from this document.", lang), className="text-muted small")]
    return groups


def _uri_part(uri: str | None, source: str | None) -> Any:
    """The source: a link when it is a web address (opened only if the reader clicks), else its name."""
    u = str(uri or "")
    if urlsplit(u).scheme in ("http", "https"):
        return html.A(source_label(source, u), href=u, target="_blank", rel="noopener noreferrer nofollow",
                      title=u)
    return html.Span(source_label(source, u), title=u, className="cell-file")


def article(url: str, doc_id: Any, lang: str = "en", search: str = "") -> html.Div:
    """The whole view for one document (a "no such document" note when there is none)."""
    back = dcc.Link(t("← Back to sources", lang), href=f"/sources{search or ''}", className="back-link")
    try:
        doc = qs.document(url, doc_id)
        facts = qs.document_facts(url, doc["id"]) if doc else None
        acts = qs.document_activities(url, doc["id"]) if doc else None
    except SQLAlchemyError:
        doc = None
    if doc is None:
        return html.Div([back, html.Div([html.H1(t("No such document.", lang), className="article-title"),
                                         html.P(t("It may have been removed, or the link is incomplete.", lang),
                                                className="text-muted")], className="article mt-2")])
    text = doc["text"] or ""
    meta = []
    if doc["published"]:
        meta.append(html.Span([t("published", lang), " ", str(doc["published"])]))
    if doc["event_date"] and str(doc["event_date"]) != str(doc["published"] or ""):
        meta.append(html.Span([t("event", lang), " ", str(doc["event_date"])]))
    if doc["lang"]:
        meta.append(html.Span(language_name(doc["lang"], lang)))
    meta.append(html.Span([t("Source", lang), ": ", _uri_part(doc["uri"], doc["source"])]))
    if doc["status"] == "gone":
        meta.append(html.Span(t("Removed at its source", lang), className="status status-suspended"))
    items = spans(text, facts, acts, lang)
    from dash_bootstrap_components import Col, Row

    return html.Div([
        html.Div([back, html.Span(" · " + t("Filters do not apply to a single document.", lang),
                                  className="text-muted small")], className="mb-2"),
        Row([
            Col(html.Article([
                html.H1(doc["title"] or "—", className="article-title", id=ids.DOC_HEAD),
                html.Div(meta, className="article-meta"),
                legend(lang),
                html.Div(highlighted_text(text, items), className="article-text", lang=doc["lang"] or None,
                         id=ids.DOC_TEXT),
            ], className="article"), lg=8),
            Col(html.Aside([html.H2(t("Extracted facts", lang), className="card-heading"),
                            *fact_list(text, facts, acts, lang)], className="panel fact-side", id=ids.DOC_FACTS),
                lg=4),
        ], className="g-3"),
    ], className="page page-article")


def layout(doc_id: Any = None, ui: str | None = None, **query: Any) -> html.Div:
    """The page for ``/sources/doc/<doc_id>``; the query string (filters, search) is kept for "back"."""
    from urllib.parse import urlencode

    lang = ui_lang(ui)
    keep = {k: v for k, v in query.items() if isinstance(v, str)}
    if ui:
        keep["ui"] = ui
    search = "?" + urlencode(keep, safe=",") if keep else ""
    return article(database_url(), doc_id, lang, search)


def register_callbacks(app) -> None:
    """Nothing to wire: the view is built once per page load (the document does not change with the filters)."""
