"""One programme or initiative (path ``/programs/<programme_id>``): what it is (kind, level, mode,
status — *inferred* marked as such — partners, home schools, years), its students per year
with the source of each figure, the timeline of the articles and report rows that speak of it,
and its entry in the Ministry's register.

The record is built by the ETL's linker (``etl/programmes``); the page reads it through
:mod:`dashboard.queries.programmes`. It does not change with the filters (a single record), so
it is built once per page load, like an article's view; the query string is kept on every link
so "back" returns to the same view. Not in the menu: reached from the records list on the
Programs page, a school's or a partner's page.

The helpers at the top (status and kind words, the list's rows) are shared with the records
section of the Programs page and with the school and partner pages.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html
from sqlalchemy.exc import SQLAlchemyError

from dashboard import ids
from dashboard.components import html_table as H
from dashboard.components.cards import graph_config
from dashboard.components.export_menu import export_menu
from dashboard.components.profile import stat
from dashboard.context import database_url, path_id
from dashboard.figures import programmes as fg
from dashboard.figures.programs import level_label, status_label
from dashboard.labels import add_translations, t, ui_lang
from dashboard.queries import programmes as qg
from dashboard.regions import country_label

PATH_TEMPLATE = "/programs/<programme_id>"
PATH = "/programs/none"
NAME = "Programme"
TITLE = "Programme · International Cooperation"
IN_NAV = False
EXPORTS = ["programme_students", "programme_sources"]  # dashboard/export.py: the record's charts and data

INFERRED = "inferred"
add_translations({
    "Programme": "项目",
    "← All programmes": "← 全部项目",
    "No such programme.": "没有这个项目。",
    INFERRED: "推断",
    "{status} (inferred)": "{status}（推断）",
    "Status inferred: {why}": "状态为推断：{why}",
    "Status from the sources: {why}": "状态来自来源：{why}",
    "Also written": "其他写法",
    "First year": "起始年份", "Last year seen": "最近出现年份", "Students": "学生数",
    "Articles": "新闻报道", "Report rows": "报表行", "Register entries": "名单条目",
    "Partners": "合作伙伴", "Home schools": "承办学院", "none named": "未写明",
    "Students per year": "各年度学生人数",
    "Year": "年份", "Source": "来源", "Evidence": "证据", "Figure": "人数",
    "No figure of students in any source.": "任何来源都没有学生人数。",
    "Year not stated": "年份未注明",
    "The figure the chart shows for a year comes from the office's reports first, then the Ministry's register, "
    "then the news; every figure a source gives is listed.":
        "图中每年的人数优先取自国际处报表，其次是教育部名单，最后是新闻；各来源给出的人数均列于表中。",
    "Timeline of its sources": "来源时间线",
    "Articles and report rows that speak of this programme, oldest first.": "提到该项目的新闻与报表行，按时间先后排列。",
    "No source is linked to this programme.": "尚无来源与该项目关联。",
    "article": "新闻", "report row": "报表行", "register entry": "名单条目",
    "row {n}": "第 {n} 行", "awaiting review": "待审核", "confidence {p}": "置信度 {p}",
    "The Ministry's register": "教育部中外合作办学名单",
    "Approval number": "批准书编号", "Name in the register": "名单中的名称", "Foreign partner": "外方合作办学者",
    "Level": "层次", "Mode": "模式", "Intake per cohort": "每期招生人数", "Enrolment by year": "年度招生人数",
    "Approved": "批准年份", "Valid until": "有效期至", "Register status": "名单状态",
    "No register entry matches this programme.": "教育部名单中没有与该项目对应的条目。",
    "Only joint programmes and institutes are in the Ministry's register.": "教育部名单只列中外合作办学项目和机构。",
    "Untitled": "无标题",
})


# ---------------------------------------------------------------------------
# Words shared with the records list
# ---------------------------------------------------------------------------
def status_text(status: str | None, inferred: bool, lang: str = "en") -> str:
    """"Active", or "Active (inferred)" when no report or register says it."""
    word = status_label(status or "unknown", lang)
    return t("{status} (inferred)", lang).format(status=word) if inferred and status != "unknown" else word


def _status_parts(status: str | None, inferred: bool, why: dict | str | None, lang: str) -> tuple[str, str, str]:
    """The status badge's text, tooltip and classes."""
    st = status or "unknown"
    tip = (t("Status inferred: {why}", lang) if inferred else t("Status from the sources: {why}", lang)).format(
        why=fg.status_source_text(why, lang) or "–")
    return (status_text(st, inferred, lang), tip,
            f"status status-{st}" + (" status-inferred" if inferred and st != "unknown" else ""))


def status_badge(status: str | None, inferred: bool, why: dict | str | None, lang: str = "en") -> html.Span:
    """The status word; its tooltip says where it was read (``why``: the record's ``status_from`` fields)."""
    text, tip, cls = _status_parts(status, inferred, why, lang)
    return html.Span(text, title=tip, className=cls)


def status_badge_html(status: str | None, inferred: bool, why: dict | str | None, lang: str = "en") -> str:
    """:func:`status_badge` as HTML (for a table made with :mod:`dashboard.components.html_table`)."""
    text, tip, cls = _status_parts(status, inferred, why, lang)
    return H.tag("span", H.esc(text), cls=cls, title=tip)


def years_text(first: Any, last: Any) -> str:
    a = None if first is None or pd.isna(first) else int(first)
    b = None if last is None or pd.isna(last) else int(last)
    if a is None and b is None:
        return "–"
    if a == b or b is None:
        return str(a)
    if a is None:
        return f"… – {b}"
    return f"{a}–{b}"


def keep_search(query: dict[str, Any], ui: str | None) -> str:
    keep = {k: v for k, v in query.items() if isinstance(v, str)}
    if ui:
        keep["ui"] = ui
    return "?" + urlencode(keep, safe=",") if keep else ""


def record_rows(df: pd.DataFrame | None, lang: str = "en", search: str = "") -> list[dict]:
    """The records list's grid rows (:func:`queries.programmes.records`): text cells only (names come
    from reports and articles: never parsed as HTML), the record's page as ``href``."""
    if df is None or df.empty:
        return []
    out = []
    for r in df.itertuples(index=False):
        zh = lang == "zh"
        students = None if pd.isna(r.students) else int(r.students)
        out.append({
            "programme_id": int(r.programme_id), "label": r.label, "href": f"/programs/{int(r.programme_id)}{search}",
            "kind": r.kind, "kind_name": fg.kind_label(r.kind, lang),
            "partners": (r.partners_zh if zh else r.partners) or "–",
            "countries": ", ".join(country_label(c, lang) for c in (r.countries or "").split(", ") if c) or "–",
            "schools": (r.schools_zh if zh else r.schools) or "–",
            "first_year": None if pd.isna(r.first_year) else int(r.first_year),
            "last_year": None if pd.isna(r.last_year) else int(r.last_year),
            "years": years_text(r.first_year, r.last_year),
            "status": r.status, "status_inferred": bool(r.status_inferred),
            "status_name": status_text(r.status, bool(r.status_inferred), lang),
            "status_source": fg.status_source_text(r.status_source, lang),
            "level": level_label(r.level, lang) if r.level else "", "mode": r.mode or "",
            "students": students,
            "sources": int(r.documents) + int(r.report_rows) + int(r.register),
            "names": r.name or "",
        })
    return out


def records_list(df: pd.DataFrame | None, lang: str, search: str = "", empty: str = "No programme record names it.") -> Any:
    """A compact list of records (for a school's or a partner's page): label (link), kind, years,
    status, students; one component (HTML given to dcc.Markdown, :mod:`dashboard.components.html_table`),
    each label a dcc.Link to the record's page."""
    if df is None or df.empty:
        return html.P(t(empty, lang), className="text-muted small mb-0")
    rows = []
    for r in df.itertuples(index=False):
        rows.append("<tr>" + "".join([
            H.tag("td", H.link(f"/programs/{int(r.programme_id)}{search}", H.esc(r.label))),
            H.tag("td", H.esc(fg.kind_label(r.kind, lang))),
            H.tag("td", H.esc(years_text(r.first_year, r.last_year)), cls="nowrap"),
            H.tag("td", status_badge_html(r.status, bool(r.status_inferred), r.status_source, lang)),
            H.tag("td", "–" if pd.isna(r.students) else H.esc(f"{int(r.students):,}"), cls="num"),
        ]) + "</tr>")
    return H.table([(t(h, lang), "num" if h == "Students" else None)
                    for h in ("Programme", "Kind", "Years", "Status", "Students")], rows,
                   "report-table programme-list table table-sm table-hover")


add_translations({"Kind": "类型", "Years": "年份", "Status": "状态",
                  "No programme record names it.": "没有项目记录提到它。"})


# ---------------------------------------------------------------------------
# The page's parts
# ---------------------------------------------------------------------------
def _figures_table(d: dict, lang: str, search: str) -> Any:
    years = d.get("students_per_year") or []
    if not years:
        return html.P(t("No figure of students in any source.", lang), className="text-muted small mb-0")
    body = []
    for y in years:
        for i, fgr in enumerate(y["figures"]):
            shown = fgr["source"] == y.get("source")
            if fgr.get("document_id"):
                ev: Any = dcc.Link(fgr.get("evidence") or t("Untitled", lang),
                                   href=f"/sources/doc/{int(fgr['document_id'])}{search}")
            else:
                ev = html.Span(fgr.get("evidence") or "", className="cell-file")
            body.append(html.Tr([
                html.Td(str(y["year"]) if y["year"] is not None else t("Year not stated", lang) if i == 0 else "",
                        className="cell-year nowrap"),
                html.Td(f"{int(fgr['students']):,}", className="num" + (" cell-strong" if shown else "")),
                html.Td(fg.source_label(fgr["source"], lang), className="nowrap"),
                html.Td(ev),
            ], className=None if shown else "text-muted"))
    return html.Div([
        dbc.Table([html.Thead(html.Tr([html.Th(t("Year", lang)), html.Th(t("Figure", lang), className="num"),
                                       html.Th(t("Source", lang)), html.Th(t("Evidence", lang))])),
                   html.Tbody(body)], size="sm", className="report-table", responsive=True),
        html.P(t("The figure the chart shows for a year comes from the office's reports first, then the Ministry's "
                 "register, then the news; every figure a source gives is listed.", lang), className="table-note"),
    ])


def timeline(d: dict, lang: str, search: str = "") -> Any:
    """Every linked source, oldest first: an article (date, title → its view, the sentence), a report
    row (file, row, the row as read), a register entry; links awaiting review are marked."""
    items = []
    for lk in d.get("timeline") or []:
        if lk["status"] == "rejected":
            continue
        target = lk["target"]
        if target == "document":
            what = t("article", lang)
            head: Any = dcc.Link(lk.get("title") or t("Untitled", lang),
                                 href=f"/sources/doc/{int(lk['document_id'])}{search}", className="tl-title")
            when = (lk.get("published") or "")[:10] or (str(lk["year"]) if lk["year"] else "")
        else:
            what = t("register entry", lang) if target == "register" else t("report row", lang)
            head = html.Span([html.Code(lk.get("report") or ""), " · ", t("row {n}", lang).format(n=lk.get("row"))],
                             className="tl-title")
            when = str(lk["year"]) if lk["year"] else ""
        meta = [html.Span(what, className=f"kind-chip src-{target}")]
        if lk.get("confidence") is not None and lk["confidence"] < 1:
            meta.append(html.Span(t("confidence {p}", lang).format(p=f"{lk['confidence']:.0%}"), className="tl-conf"))
        if lk["status"] == "review":
            meta.append(html.Span(t("awaiting review", lang), className="badge-soft badge-warn"))
        items.append(html.Li([
            html.Span(when, className="tl-date"),
            html.Div([head, html.Div(lk.get("evidence") or "", className="tl-evidence"),
                      html.Div(meta, className="tl-meta")], className="tl-body"),
        ], className=f"tl-item tl-{target}"))
    if not items:
        return html.P(t("No source is linked to this programme.", lang), className="text-muted small")
    return html.Ol(items, className="tl-list")


def register_panel(d: dict, lang: str) -> Any:
    entries = d.get("register") or []
    if not entries:
        msg = ("No register entry matches this programme." if d.get("kind") == "joint_programme"
               else "Only joint programmes and institutes are in the Ministry's register.")
        return html.P(t(msg, lang), className="text-muted small mb-0")
    out = []
    for e in entries:
        enrol = ", ".join(f"{y}: {n}" for y, n in sorted((e.get("enrolment_by_year") or {}).items())) or "–"
        rows = [("Approval number", e["approval_no"]), ("Name in the register", e["programme_name"]),
                ("Foreign partner", e.get("partner_name")),
                ("Level", level_label(e["degree_level"], lang) if e.get("degree_level") else None),
                ("Mode", e.get("programme_mode")), ("Intake per cohort", e.get("intake")),
                ("Enrolment by year", enrol), ("Approved", e.get("approval_year")),
                ("Valid until", e.get("expiry_year")),
                ("Register status", status_label(e["reg_status"], lang) if e.get("reg_status") else None)]
        out.append(html.Dl([x for k, v in rows for x in (html.Dt(t(k, lang)),
                                                         html.Dd("–" if v in (None, "") else str(v)))],
                           className="reg-entry"))
    return html.Div(out)


def _colon(lang: str) -> str:
    return "：" if lang == "zh" else ": "


def _year(y: Any) -> str | None:
    return None if y is None else str(y)


def _people(items: list[dict], kind: str, lang: str, search: str) -> list:
    out: list = []
    for i, it in enumerate(items):
        name = (it.get("zh") or it["name"]) if lang == "zh" else it["name"]
        if kind == "partner" and it.get("country"):
            name = f"{name} ({country_label(it['country'], lang)})"
        href = f"/{'partners' if kind == 'partner' else 'schools'}/{int(it['id'])}{search}" if it.get("id") else None
        out += ([", "] if i else []) + [dcc.Link(name, href=href) if href else html.Span(name)]
    return out or [html.Span(t("none named", lang), className="text-muted")]


def view(url: str, programme_id: Any, lang: str = "en", search: str = "") -> html.Div:
    """The whole page for one record (a "no such programme" note when there is none)."""
    back = dcc.Link(t("← All programmes", lang), href=f"/programs{search}#{ids.PG_SECTION}", className="back-link")
    pid = path_id(programme_id)
    try:
        d = qg.detail(url, pid) if pid is not None else None
    except SQLAlchemyError:
        d = None
    if d is None or "kind" not in d:
        return html.Div([back, html.H1(t("No such programme.", lang), className="page-title")],
                        className="page page-programme")
    inferred = bool(d.get("status_inferred"))
    badges = [html.Span(fg.kind_label(d["kind"], lang), className="badge-soft"),
              status_badge(d["status"], inferred, d.get("status_from"), lang)]
    if d.get("level"):
        badges.append(html.Span(level_label(d["level"], lang), className="badge-soft"))
    if d.get("mode"):
        badges.append(html.Span(d["mode"], className="badge-soft"))
    others = [n for n in d.get("names") or [] if n != d["label"]]
    students = None
    if d.get("students") is not None:
        students = f"{d['students']:,}" + (f" ({d['students_year']})" if d.get("students_year") else "")
    sf = qg.students_frame(d)
    fig = fg.students_per_year(sf, lang, empty_message=t("No figure of students in any source.", lang))
    return html.Div([
        html.Div(export_menu(EXPORTS, menu_id="programme", lang=lang, report=False,
                             fixed={"programme": str(int(d["id"]))}), className="page-export"),
        html.Div([
            back,
            html.H1(d["label"], className="page-title", id=ids.PGD_HEAD),
            html.Div(badges, className="badges"),
            html.Div([html.Span(t("Also written", lang), className="alias-label")]
                     + [html.Span(a, className="chip") for a in others[:8]], className="aliases") if others else None,
            html.Div([html.Span(t("Partners", lang) + _colon(lang), className="alias-label"),
                      *_people(d.get("partners") or [], "partner", lang, search)], className="pg-who"),
            html.Div([html.Span(t("Home schools", lang) + _colon(lang), className="alias-label"),
                      *_people(d.get("schools") or [], "school", lang, search)], className="pg-who"),
        ], className="page-head"),
        html.Div([
            stat("First year", _year(d.get("first_year")), lang), stat("Last year seen", _year(d.get("last_year")), lang),
            stat("Students", students, lang), stat("Articles", d.get("documents"), lang),
            stat("Report rows", d.get("report_rows"), lang), stat("Register entries", len(d.get("register") or []), lang),
        ], className="stat-row mb-3"),
        dbc.Row([
            dbc.Col(html.Div(dcc.Graph(id=ids.PGD_STUDENTS, figure=fig, config=graph_config(lang)),
                             className="chart-card"), lg=6),
            dbc.Col(html.Div([html.H2(t("Students per year", lang), className="card-heading"),
                              _figures_table(d, lang, search)], className="panel"), lg=6),
        ], className="g-3 mb-3"),
        dbc.Row([
            dbc.Col(html.Div([html.H2(t("Timeline of its sources", lang), className="card-heading"),
                              html.P(t("Articles and report rows that speak of this programme, oldest first.", lang),
                                     className="card-sub"),
                              timeline(d, lang, search)], className="panel", id=ids.PGD_TIMELINE), lg=8),
            dbc.Col(html.Div([html.H2(t("The Ministry's register", lang), className="card-heading"),
                              register_panel(d, lang)], className="panel", id=ids.PGD_REGISTER), lg=4),
        ], className="g-3 mb-3"),
    ], className="page page-programme")


def layout(programme_id: Any = None, ui: str | None = None, **query: Any) -> html.Div:
    return view(database_url(), programme_id, ui_lang(ui), keep_search(query, ui))


def register_callbacks(app) -> None:
    """Nothing to wire: the page is built once per load (a record does not change with the filters)."""


__all__ = ["layout", "register_callbacks", "view", "record_rows", "records_list", "status_text", "status_badge"]
