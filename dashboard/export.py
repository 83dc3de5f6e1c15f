"""Exports: every chart as PNG / SVG / PDF and its data as CSV / XLSX, from one registry.

An export is a name bound to a query function (filters → DataFrame), a figure function
(DataFrame → go.Figure) and a title (:class:`Export`). The figure file, the data file
and the leadership report (``dashboard/report``) all call the same query, so their
numbers agree by construction. The page engineer adds a chart to every output at once
with :func:`register`.

- **Figures** look like the screen (same figure functions, same template) plus what a
  picture lifted into a slide needs: the filters as a subtitle and a source note with the
  time of the data, on a white background, with a font stack that has Chinese
  (WenQuanYi Micro Hei on the server). PNG at 2× by default. Rendered by the process's
  one headless Chromium (:mod:`dashboard.report.render`).
- **Data** as CSV (UTF-8 with BOM, so Excel reads Chinese right) and XLSX: a first sheet
  stating the title, the filters, the time of the data (the latest finished ETL run) and
  the number of source documents; a data sheet with readable column names, codes turned
  into words, thousands separators, dates as dates.

No Dash imports: the CLI, the scheduler and Flask routes use this module alike.
"""
from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from dashboard.figures import common as figures
from dashboard.figures import overview as fo
from dashboard.figures import network as fn
from dashboard.figures import partners as fpa
from dashboard.figures import programmes as fg
from dashboard.figures import programs as fp
from dashboard.figures import schools as fs
from dashboard.figures import sources as fso
from dashboard.labels import (
    add_translations,
    agreement_type_name,
    kind_name,
    language_name,
    partner_kind_name,
    program_type_name,
    t,
)
from dashboard.regions import country_label
from dashboard.queries import common as q
from dashboard.queries import domestic as qd
from dashboard.queries import network as qn
from dashboard.queries import overview as qo
from dashboard.queries import partners as qpa
from dashboard.queries import programmes as qg
from dashboard.queries import programs as qp
from dashboard.queries import schools as qs
from dashboard.queries import sources as qso
from dashboard.queries.common import Filters
from dashboard.report import figures as rf
from dashboard.report import labels as L
from dashboard.report import queries as rq
from dashboard.report import render
from dashboard.report.render import BrowserNotFound, ExportError

FIGURE_FORMATS = render.FORMATS
DATA_FORMATS = ("csv", "xlsx", "json")
REPORT_FORMATS = ("pptx", "pdf")
MIME = {
    "png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf", "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
DEFAULT_WIDTH = 1000
DEFAULT_SCALE = {"png": 2, "svg": 1, "pdf": 1}
HEADER = 104           # px above the plot for title, filters and source note
ACCENT = figures.ACCENT

# Fonts the server's Chromium has (Liberation Sans, WenQuanYi Micro Hei from Debian packages)
# first, then what a desktop opening an SVG has; every CJK character finds a face.
EXPORT_FONT = ('"Liberation Sans", Arial, "Helvetica Neue", "WenQuanYi Micro Hei", "Noto Sans CJK SC", '
               '"Microsoft YaHei", "PingFang SC", sans-serif')
EXPORT_TEMPLATE = "intl_export"
pio.templates[EXPORT_TEMPLATE] = go.layout.Template(layout=go.Layout(
    font=dict(family=EXPORT_FONT),
    paper_bgcolor="white",
    plot_bgcolor="white",
    hoverlabel=dict(font=dict(family=EXPORT_FONT)),
))

NO_EXPIRING = "No agreement expires in the next 12 months."
add_translations({NO_EXPIRING: "未来12个月内没有到期的合作协议。"})


# ---------------------------------------------------------------------------
# The registry
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Column:
    """A data column as people read it: ``kind`` says how to turn its codes into words and
    how to format it (text, int, year, date, kind, country, partner_kind, label, lang)."""

    key: str
    en: str
    zh: str
    kind: str = "text"

    def header(self, lang: str) -> str:
        return t(self.en, lang, context="column")


@dataclass(frozen=True)
class Context:
    """What a figure function may need besides its frame."""

    url: str
    filters: Filters
    lang: str = "en"
    subject: dict | None = None    # the school or partner whose page the chart is on (its info)

    @property
    def empty_message(self) -> str:
        """Why the chart is empty, in the export's language."""
        return t(figures.LOAD_HINT if self.filters.is_empty else figures.FILTER_HINT, self.lang)

    def years(self) -> tuple[int, int] | None:
        """The selected year range, open ends closed by the data's first and last year."""
        b = q.year_bounds(self.url)
        if b is None:
            return None
        return (self.filters.year_from or b[0], self.filters.year_to or b[1])


@dataclass(frozen=True)
class Export:
    """One chart or table: its query, its figure, its title and its readable columns.

    Every word a file shows comes from the one table of :mod:`dashboard.labels` (``t``): the
    title, the figure's own words (the figure function is called with ``lang``), the filter
    line, the source note, country and kind names. ``title_zh``, when given, is registered
    there as the title's translation (a different one for the same English is a conflict the
    test suite reports); ``None`` reads the table.

    ``names_zh`` pairs a name column with its Chinese twin (``("school", "zh")``): a
    Chinese export shows the Chinese name where there is one. ``source`` is "news" (the
    extracted documents) or "reports" (the office's tables): it picks the source note.

    ``subject`` ("school" or "partner") marks the chart of one school's or partner's page:
    its query is ``query(url, filters, info)`` (``info``: ``school_info`` / ``partner_info``
    of the id given as ``subject=``), the figure finds ``info`` in ``Context.subject``, and a
    file's title names the school or partner. :func:`names` lists only the charts that need
    no subject; :func:`subject_names` the others.
    """

    name: str
    title: str
    title_zh: str | None
    query: Callable[[str, Filters], pd.DataFrame]
    figure: Callable[[pd.DataFrame, Context], go.Figure]
    columns: tuple[Column, ...]
    source: str = "news"
    geo: bool = False
    names_zh: tuple[tuple[str, str], ...] = ()
    width: int = DEFAULT_WIDTH
    ignores: tuple[str, ...] = ()    # Filters fields the query does not use (not named in the subtitle)
    subject: str | None = None       # "school" or "partner": the chart of one (see above)

    def title_in(self, lang: str) -> str:
        return t(self.title, lang)

    def file_title(self, lang: str, subject: dict | None = None) -> str:
        """The title a file shows: a subject's chart names the school or partner first."""
        if not subject:
            return self.title_in(lang)
        zh = subject.get("zh")
        name = zh.strip() if lang == "zh" and isinstance(zh, str) and zh.strip() else subject.get("name") or ""
        return f"{name}{'：' if lang == 'zh' else ': '}{self.title_in(lang)}"

    def run(self, url: str, f: Filters, subject: dict | None = None) -> pd.DataFrame:
        """The export's query: ``query(url, f)``, or ``query(url, f, subject)`` for a subject's chart."""
        if self.subject is None:
            return self.query(url, f)
        if not subject:
            raise ExportError(f"{self.name} is the chart of one {self.subject}: give {self.subject}=<id>")
        return self.query(url, f, subject)

    def applied(self, f: Filters) -> Filters:
        """``f`` without the filters this export's query does not use, for stating them."""
        return replace(f, **{k: (None if k in ("year_from", "year_to", "language") else ()) for k in self.ignores})


REGISTRY: dict[str, Export] = {}


def register(export: Export) -> Export:
    """Add (or replace) an export; the name is what URLs and the CLI use."""
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,60}", export.name):
        raise ValueError(f"export name {export.name!r}: lowercase letters, digits and _")
    if export.title_zh:
        add_translations({export.title: export.title_zh}, module=export.figure.__module__)
    # A data file's headers: one Chinese per English header, in the one table (context "column").
    add_translations({c.en: c.zh for c in export.columns}, context="column", module=__name__)
    REGISTRY[export.name] = export
    return export


class UnknownExport(ExportError):
    pass


def get(name: str) -> Export:
    try:
        return REGISTRY[name]
    except KeyError:
        raise UnknownExport(f"no export named {name!r}; known: {', '.join(names())}") from None


def names() -> list[str]:
    """The exports that need nothing but filters (every page's charts but a school's or partner's own)."""
    return [n for n, e in REGISTRY.items() if e.subject is None]


def subject_names(subject: str | None = None) -> list[str]:
    """The charts of one school's or partner's page (``subject``: only those of "school" or "partner")."""
    return [n for n, e in REGISTRY.items() if e.subject is not None and (subject is None or e.subject == subject)]


SUBJECT_INFO: dict[str, Callable[[str, int], dict | None]] = {"school": qs.school_info, "partner": qpa.partner_info,
                                                              "programme": qg.programme_info}


def subject_info(name: str, url: str, subject_id: Any) -> dict | None:
    """The info of the school or partner ``subject_id`` a subject's chart ``name`` is about
    (None for other charts); an unknown or missing id is an :class:`ExportError`."""
    export = get(name)
    if export.subject is None:
        return None
    if subject_id in (None, ""):
        raise ExportError(f"{name} is the chart of one {export.subject}: give {export.subject}=<id>")
    try:
        sid = int(subject_id)
    except (TypeError, ValueError):
        raise ExportError(f"{export.subject}={subject_id!r} is not an id") from None
    info = SUBJECT_INFO[export.subject](url, sid) if 0 < sid <= q.MAX_ID else None
    if info is None:
        raise UnknownExport(f"no {export.subject} with id {sid}")
    return info


_KIND = Column("kind", "Activity kind", "活动类型", "kind")
# The office's reports are tables, not news: activity kind and document language do not apply
# (dashboard/report/queries.py); agreements expiring soon are counted from today, whatever the years.
NOT_FOR_REPORTS = ("activity_kinds", "language")
_COUNTRY = Column("country", "Country", "国家/地区", "country")
_ISO = Column("country", "ISO code", "代码")
_PARTNERS_N = Column("partners", "Partners", "合作伙伴数", "int")
_DOCS_N = Column("documents", "Documents", "文档数", "int")
_STUDENTS = (Column("students", "Students", "学生数", "int"), Column("records", "Report rows", "报表行数", "int"),
             Column("unknown", "Rows without a count", "人数空白的行数", "int"))


def _page(fn: Callable[..., go.Figure], **kw) -> Callable[[pd.DataFrame, Context], go.Figure]:
    """A figure function of the pages as an export's: frame, interface language, empty message."""
    return lambda df, ctx: fn(df, lang=ctx.lang, empty_message=ctx.empty_message, **kw)


# -- Overview ---------------------------------------------------------------------------
register(Export(
    "activities_by_year", fo.PER_YEAR_TITLE, None, qo.activities_per_year,
    lambda df, ctx: fo.activities_per_year(df, years=ctx.years(), empty_message=ctx.empty_message, lang=ctx.lang),
    (Column("year", "Year", "年份", "year"), _KIND, Column("activities", "Activities", "活动数", "int"))))
register(Export(
    "activities_by_school", fo.BY_SCHOOL_TITLE, None, qo.activities_by_school,
    # The page explains the colours with the per-year chart beside it; a file stands alone: legend on.
    lambda df, ctx: fo.activities_by_school(df, empty_message=ctx.empty_message, lang=ctx.lang).update_layout(
        showlegend=not df.empty, legend=dict(orientation="v", x=1.02, xanchor="left", y=1, yanchor="top")),
    (Column("school", "School", "学院（英文）"), Column("zh", "School (Chinese)", "学院"), _KIND,
     Column("activities", "Activities", "活动数", "int")), names_zh=(("school", "zh"),)))
register(Export(
    "top_partners", fo.PARTNERS_TITLE, None, qo.top_partners, _page(fo.top_partners),
    (Column("partner", "Partner", "合作方（英文）"), Column("zh", "Partner (Chinese)", "合作方"), _COUNTRY,
     Column("kind", "Partner kind", "合作方类型", "partner_kind"), _DOCS_N), names_zh=(("partner", "zh"),)))
register(Export(
    "partner_countries", fo.MAP_TITLE, None, qd.countries, _page(fo.countries_map),
    (_COUNTRY, _ISO, _PARTNERS_N, _DOCS_N), geo=True))
register(Export(
    "top_countries", fo.COUNTRIES_TITLE, None, qd.countries, _page(fo.top_countries),
    (_COUNTRY, _ISO, _PARTNERS_N, _DOCS_N)))

# -- Schools ----------------------------------------------------------------------------
register(Export(
    "school_year", fs.HEAT_TITLE, None, lambda url, f: qs.school_year(url, f, ("activities",)),
    lambda df, ctx: fs.school_year_heatmap(df, "activities", years=ctx.years(), lang=ctx.lang,
                                           empty_message=ctx.empty_message),
    (Column("school", "School", "学院（英文）"), Column("zh", "School (Chinese)", "学院"),
     Column("year", "Year", "年份", "year"), Column("activities", "Activities", "活动数", "int")),
    names_zh=(("school", "zh"),)))

# -- Partners ---------------------------------------------------------------------------
register(Export(
    "partner_map", fpa.MAP_TITLE, None, qd.countries, _page(fpa.partner_map),
    (_COUNTRY, _ISO, _PARTNERS_N, _DOCS_N), geo=True))
register(Export(
    "partner_kinds", fpa.KINDS_TITLE, None, qpa.partner_kinds, _page(fpa.kinds_bars),
    (Column("kind", "Partner kind", "合作方类型", "partner_kind"), _PARTNERS_N, _DOCS_N)))

# -- Programs & mobility ----------------------------------------------------------------
for _dim, _title in (("level", fp.LEVEL_TITLE), ("mode", fp.MODE_TITLE)):
    register(Export(
        f"programs_by_{_dim}", _title, None, (lambda d: lambda url, f: qp.programs_by(qp.programs_grouped(url, f), d))(_dim),
        (lambda d: lambda df, ctx: fp.programs_by(df, d, lang=ctx.lang, empty_message=ctx.empty_message))(_dim),
        (Column(_dim, "Level" if _dim == "level" else "Mode", "层次" if _dim == "level" else "模式",
                "level" if _dim == "level" else "text"),
         Column("status", "Status", "状态", "status"), Column("programs", "Programmes", "项目数", "int"),
         Column("enrolment", "Students enrolled", "在读学生数", "int")),
        source="reports", ignores=NOT_FOR_REPORTS))
register(Export(
    "joint_programs", rf.PROGRAMS_TITLE, None, rq.joint_programs, _page(rf.joint_programs),
    (Column("program", "Programme", "项目名称"), Column("school", "School", "学院（英文）"),
     Column("school_zh", "School (Chinese)", "学院"), Column("partner", "Partner", "合作方（英文）"),
     Column("partner_zh", "Partner (Chinese)", "合作方"), _COUNTRY, Column("level", "Level", "层次", "level"),
     Column("mode", "Mode", "模式"), Column("start_year", "Start year", "开始年份", "year"),
     Column("status", "Status", "状态", "status"), Column("enrolment", "Students enrolled", "在读学生数", "int")),
    source="reports", names_zh=(("school", "school_zh"), ("partner", "partner_zh")), ignores=NOT_FOR_REPORTS))
register(Export(
    "students_abroad", rf.STUDENTS_TITLE, None, rq.students_abroad, _page(rf.students_abroad),
    (Column("year", "Year", "年份", "year"), Column("program_type", "Programme type", "项目类型", "program_type"),
     *_STUDENTS[:2]),
    source="reports", ignores=NOT_FOR_REPORTS))
register(Export(
    "students_by_school", fp.BY_SCHOOL_TITLE, None, lambda url, f: qp.students_by(url, f, "school"),
    _page(fp.students_by_school),
    (Column("school", "School", "学院（英文）"), Column("zh", "School (Chinese)", "学院"), *_STUDENTS),
    source="reports", names_zh=(("school", "zh"),), ignores=NOT_FOR_REPORTS))
register(Export(
    "students_by_country", fp.BY_COUNTRY_TITLE, None, lambda url, f: qp.students_by(url, f, "country"),
    _page(fp.students_by_country), (_COUNTRY, _ISO, *_STUDENTS), source="reports", ignores=NOT_FOR_REPORTS))
register(Export(
    "agreements_timeline", fp.TIMELINE_TITLE, None, lambda url, f: qp.agreements(url, f),
    lambda df, ctx: fp.agreements_timeline(df, dt.date.today(), lang=ctx.lang, empty_message=ctx.empty_message),
    (Column("partner", "Partner", "合作方（英文）"), Column("partner_zh", "Partner (Chinese)", "合作方"), _COUNTRY,
     Column("type", "Agreement", "协议类型", "agreement_type"), Column("signed", "Signed", "签署日期", "date"),
     Column("expiry", "Expires", "到期日期", "date"), Column("state", "State", "状态", "agreement_state"),
     Column("schools", "Schools", "学院（英文）", "schools")),
    source="reports", names_zh=(("partner", "partner_zh"),), width=1200, ignores=NOT_FOR_REPORTS))
register(Export(
    "agreements_expiring", rf.EXPIRING_TITLE, None, rq.agreements_expiring,
    lambda df, ctx: rf.agreements_expiring(df, lang=ctx.lang, empty_message=t(NO_EXPIRING, ctx.lang)),
    (Column("partner", "Partner", "合作方（英文）"), Column("partner_zh", "Partner (Chinese)", "合作方"), _COUNTRY,
     Column("type", "Agreement", "协议类型", "agreement_type"), Column("signed", "Signed", "签署日期", "date"),
     Column("expiry", "Expires", "到期日期", "date"), Column("days_left", "Days left", "剩余天数", "int"),
     Column("schools", "Schools", "学院（英文）", "schools"), Column("schools_zh", "Schools (Chinese)", "学院", "schools")),
    source="reports", names_zh=(("partner", "partner_zh"), ("schools", "schools_zh")), width=1200,
    ignores=NOT_FOR_REPORTS + ("year_from", "year_to")))

# -- Programme records (issue 16): news, the office's reports and the Ministry's register ---
NOT_FOR_RECORDS = ("activity_kinds", "language")
register(Export(
    "programmes_by_kind", fg.KIND_TITLE, None, qg.by_kind, _page(fg.by_kind),
    (Column("kind", "Programme kind", "项目类型", "programme_kind"), Column("status", "Status", "状态", "status"),
     Column("programmes", "Programmes", "项目数", "int"), Column("students", "Students", "学生数", "int"),
     Column("students_unknown", "Without a student figure", "无人数的项目数", "int")),
    source="reports", ignores=NOT_FOR_RECORDS))
register(Export(
    "programme_records", "Programme records", "项目记录", qg.records,
    lambda df, ctx: fg.by_kind(qg.kind_table(df), lang=ctx.lang, empty_message=ctx.empty_message),
    (Column("programme_id", "Record", "记录编号"), Column("label", "Programme", "项目名称"),
     Column("kind", "Programme kind", "项目类型", "programme_kind"), Column("level", "Level", "层次", "level"),
     Column("mode", "Mode", "模式"), Column("partners", "Partner", "合作方（英文）"),
     Column("partners_zh", "Partner (Chinese)", "合作方"), Column("countries", "Country codes", "国家/地区代码"),
     Column("schools", "Schools", "学院（英文）"), Column("schools_zh", "Schools (Chinese)", "学院"),
     Column("first_year", "First year", "起始年份", "year"), Column("last_year", "Last year seen", "最近出现年份", "year"),
     Column("status", "Status", "状态", "status"), Column("status_basis", "Status is", "状态依据", "label"),
     Column("status_source", "Status read from", "状态来源", "status_source"),
     Column("students", "Students", "学生数", "int"), Column("students_year", "Students in year", "人数年份", "year"),
     Column("documents", "Articles", "新闻篇数", "int"), Column("report_rows", "Report rows", "报表行数", "int"),
     Column("register", "Register entries", "名单条目数", "int")),
    source="reports", names_zh=(("partners", "partners_zh"), ("schools", "schools_zh")), ignores=NOT_FOR_RECORDS))
add_translations({"Inferred": "推断", "Stated": "来源写明"})

# -- Network and Sources ----------------------------------------------------------------
register(Export(
    "network_links", fn.LINKS_TITLE, None, lambda url, f: fn.links_frame(qn.network(url, f)), _page(fn.links_figure),
    (Column("school", "School", "学院（英文）"), Column("school_zh", "School (Chinese)", "学院"),
     Column("partner", "Partner", "合作方（英文）"), Column("partner_zh", "Partner (Chinese)", "合作方"), _COUNTRY,
     Column("kind", "Partner kind", "合作方类型", "partner_kind"),
     Column("documents", "Shared documents", "共同文档数", "int")),
    names_zh=(("school", "school_zh"), ("partner", "partner_zh"))))
register(Export(
    "documents_by_year", fso.DOCS_TITLE, None, qso.documents_per_year, _page(fso.documents_per_year),
    (Column("year", "Year", "年份", "year"), Column("lang", "Language", "语言", "lang"), _DOCS_N)))

# -- One school's page (/schools/<id>) and one partner's (/partners/<id>) ----------------
# The page's filters narrowed to the school (``?school=<id>``) or the partner (``?partner=<id>``);
# the pages draw these charts from the same query functions.
_ACTS = Column("activities", "Activities", "活动数", "int")
_YEAR = Column("year", "Year", "年份", "year")
# the title names the school; a partner's page sets the partner's own country and kind
_SCHOOL_SET = ("schools",)
_PARTNER_SET = ("countries", "partner_kinds")
register(Export(
    "school_trend", fs.TREND_TITLE, None, lambda url, f, s: qs.school_trend(url, f, s["id"]),
    lambda df, ctx: fs.trend(df, ctx.subject["id"], years=ctx.years(), lang=ctx.lang, empty_message=ctx.empty_message),
    (_YEAR, _KIND, _ACTS), subject="school", ignores=_SCHOOL_SET))
register(Export(
    "school_kinds", fs.KINDS_TITLE, None, lambda url, f, s: qs.school_kinds(url, f, s["id"]),
    lambda df, ctx: fs.kinds_bars(df, ctx.subject["id"], lang=ctx.lang, empty_message=ctx.empty_message),
    (_KIND, _ACTS), subject="school", ignores=_SCHOOL_SET))
register(Export(
    "school_partners", fs.PARTNERS_TITLE, None, lambda url, f, s: qs.school_partners(url, f, s["id"]),
    lambda df, ctx: fs.partners_bars(df, ctx.subject["id"], lang=ctx.lang, empty_message=ctx.empty_message),
    (Column("partner", "Partner", "合作方（英文）"), Column("zh", "Partner (Chinese)", "合作方"), _COUNTRY,
     Column("kind", "Partner kind", "合作方类型", "partner_kind"), _DOCS_N),
    subject="school", ignores=_SCHOOL_SET))
register(Export(
    "school_mobility", fs.MOBILITY_TITLE, None, lambda url, f, s: qs.school_mobility(url, f, s["id"]),
    lambda df, ctx: fs.mobility_bars(df, lang=ctx.lang),
    (_YEAR, _COUNTRY, *_STUDENTS[:2]), source="reports", subject="school", ignores=NOT_FOR_REPORTS + _SCHOOL_SET))
register(Export(
    "partner_timeline", fpa.TIMELINE_TITLE, None, qpa.partner_timeline_data,
    lambda df, ctx: fpa.timeline_chart(df, qpa.partner_spec(ctx.subject), lang=ctx.lang,
                                       empty_message=ctx.empty_message),
    # a partner's documents one by one (date, title, kinds), or a busy partner's activities per year and kind
    (Column("date", "Date", "日期", "date"), Column("title", "Title", "标题"),
     Column("kinds", "Activities reported", "报道的活动", "kinds"), Column("lang", "Language", "语言", "lang"),
     _YEAR, _KIND, _ACTS), subject="partner", width=1200, ignores=_PARTNER_SET))
register(Export(
    "partner_schools", fpa.SCHOOLS_TITLE, None, qpa.partner_schools,
    lambda df, ctx: fpa.schools_bars(df, qpa.partner_spec(ctx.subject), lang=ctx.lang,
                                     empty_message=ctx.empty_message),
    (Column("school", "School", "学院（英文）"), Column("zh", "School (Chinese)", "学院"), _DOCS_N),
    subject="partner", ignores=_PARTNER_SET))
register(Export(
    "partner_mobility", fpa.MOBILITY_TITLE, None, qpa.partner_mobility,
    lambda df, ctx: fpa.mobility_bars(df, lang=ctx.lang),
    (_YEAR, Column("program_type", "Programme type", "项目类型", "program_type"), *_STUDENTS[:2]),
    source="reports", subject="partner", ignores=NOT_FOR_REPORTS + _PARTNER_SET))
# One programme record's page (/programs/<id>, ``?programme=<id>``): a record does not change with
# the filters (the page ignores them, and so do its exports)
_ALL_FILTERS = ("year_from", "year_to", "schools", "countries", "partner_kinds", "activity_kinds", "language")
_NO_FIGURE = "No figure of students in any source."
register(Export(
    "programme_students", fg.STUDENTS_TITLE, None, lambda url, f, s: qg.students_frame(s["detail"]),
    lambda df, ctx: fg.students_per_year(df, lang=ctx.lang, empty_message=t(_NO_FIGURE, ctx.lang)),
    (_YEAR, Column("students", "Students", "学生数", "int"),
     Column("source", "Source of the figure", "人数来源", "student_source"),
     Column("figures", "Figures the sources give", "来源给出的人数条数", "int")),
    source="reports", subject="programme", ignores=_ALL_FILTERS))
register(Export(
    "programme_sources", fg.SOURCES_TITLE, None, lambda url, f, s: qg.sources_frame(s["detail"]),
    lambda df, ctx: fg.sources_per_year(df, lang=ctx.lang, empty_message=t(figures.LOAD_HINT, ctx.lang)),
    (_YEAR, Column("target", "Kind of source", "来源类型", "link_target"),
     Column("source", "Article or report", "新闻或报表"), Column("row", "Row", "行", "int"),
     Column("date", "Date", "日期", "date"), Column("title", "Title", "标题"),
     Column("status", "Link", "关联状态", "link_status"), Column("confidence", "Confidence", "置信度"),
     Column("method", "How it was linked", "关联方式"), Column("evidence", "Evidence", "证据")),
    source="reports", subject="programme", width=1000, ignores=_ALL_FILTERS))


# ---------------------------------------------------------------------------
# Words: filters, source note, dates
# ---------------------------------------------------------------------------
def when(t: dt.datetime | None) -> str:
    return t.strftime("%Y-%m-%d %H:%M") if t else ""


def _names(values: list[str], lang: str, limit: int = 3) -> str:
    sep = "、" if lang == "zh" else ", "
    shown = sep.join(values[:limit])
    return shown + (" " + L.text("more", lang, n=len(values) - limit) if len(values) > limit else "")


def describe_filters(url: str, f: Filters, lang: str = "en") -> list[tuple[str, str]]:
    """The filters in words, one ``(label, value)`` per filter set (empty when none is)."""
    out: list[tuple[str, str]] = []
    if f.year_from is not None or f.year_to is not None:
        if f.year_from is not None and f.year_to is not None:
            years = f"{f.year_from}–{f.year_to}" if f.year_from != f.year_to else str(f.year_from)
        elif f.year_from is not None:
            years = L.text("from_year", lang, y=f.year_from)
        else:
            years = L.text("until_year", lang, y=f.year_to)
        out.append((L.text("f_years", lang), years))
    if f.schools:
        try:
            table = q.schools(url)
            by_id = {int(r.id): ((r.zh or r.name) if lang == "zh" else r.name) for r in table.itertuples()}
        except Exception:  # noqa: BLE001 - words for a subtitle must not fail an export
            by_id = {}
        out.append((L.text("f_schools", lang), _names([by_id.get(s, f"#{s}") for s in f.schools], lang)))
    if f.activity_kinds:
        out.append((L.text("f_kinds", lang), _names([kind_name(k, lang) for k in f.activity_kinds], lang)))
    if f.countries:
        out.append((L.text("f_countries", lang), _names([country_label(c, lang) for c in f.countries], lang)))
    if f.partner_kinds:
        out.append((L.text("f_partner_kinds", lang), _names([partner_kind_name(k, lang) for k in f.partner_kinds],
                                                            lang)))
    if f.language:
        out.append((L.text("f_language", lang), language_name(f.language, lang)))
    return out


def filters_text(url: str, f: Filters, lang: str = "en") -> str:
    """``"Years: 2019–2024 · Schools: Automation"``, or the words for "no filter"."""
    parts = describe_filters(url, f, lang)
    colon = "：" if lang == "zh" else ": "
    if not parts:
        return L.text("filters", lang) + colon + L.text("no_filter", lang)
    return " · ".join(f"{k}{colon}{v}" for k, v in parts)


def source_note(export: Export | None, info: rq.DataInfo, lang: str = "en") -> str:
    """One line: where the numbers come from, how many sources, and the time of the data."""
    if export is not None and export.source == "reports":
        parts = [L.text("src_reports", lang), L.text("src_files", lang, n=info.reports)]
    else:
        parts = [L.text("src_news", lang), L.text("src_docs", lang, n=info.documents, t=info.documents_total)]
    parts.append(L.text("src_asof", lang, d=when(info.finished_at)) if info.finished_at else L.text("not_run", lang))
    return " · ".join(parts)


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------
def localize_frame(export: Export, df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """In Chinese, name columns take their Chinese twin where there is one."""
    if lang != "zh" or df.empty or not export.names_zh:
        return df
    df = df.copy()
    for col, zh_col in export.names_zh:
        if col in df and zh_col in df:
            df[col] = [z if isinstance(z, str) and z.strip() else v for v, z in zip(df[col], df[zh_col])]
    return df


def chart(name: str, url: str, f: Filters, lang: str = "en", df: pd.DataFrame | None = None,
          subject: dict | None = None) -> go.Figure:
    """The figure as the screen shows it (in ``lang``), from the export's query (or ``df``);
    ``subject``: the school's or partner's info for the chart of one (:func:`subject_info`)."""
    export = get(name)
    df = export.run(url, f, subject) if df is None else df
    fig = export.figure(localize_frame(export, df, lang), Context(url, f, lang, subject))
    fig.update_layout(title_text=export.title_in(lang))
    return figures.finish(fig)


def decorate(fig: go.Figure, *, title: str | None, subtitle: str = "", note: str = "",
             width: int = DEFAULT_WIDTH, height: int | None = None) -> go.Figure:
    """A copy of ``fig`` ready for a file: export template (white, CJK fonts), fixed size,
    and — when ``title`` is given — title, filters subtitle and source note above the plot."""
    fig = go.Figure(fig)
    base_h = fig.layout.height or 500
    top = (fig.layout.margin.t if fig.layout.margin and fig.layout.margin.t is not None else 48)
    fig.update_layout(template=f"{figures.TEMPLATE}+{EXPORT_TEMPLATE}", paper_bgcolor="white",
                      plot_bgcolor="white", width=width)
    if not fig.layout.geo:  # room for the y-axis title, which the screen's card pads, and the x-axis title's descenders
        fig.update_layout(margin=dict(l=max(16, fig.layout.margin.l or 0), r=max(16, fig.layout.margin.r or 0),
                                      b=max(32, fig.layout.margin.b or 0)))
    geo_bg = "white" if fig.layout.geo else None
    if geo_bg:
        fig.update_geos(bgcolor="white")
    if title is None:
        fig.update_layout(title_text="", margin=dict(t=16), height=height or max(200, base_h - top + 16))
        return fig
    lines = [x for x in (subtitle, f'<span style="font-size:11px;color:#6B778A">{note}</span>' if note else "") if x]
    fig.update_layout(
        title=dict(text=title, x=0, xref="container", xanchor="left", y=1, yref="container", yanchor="top",
                   pad=dict(t=14, l=12), font=dict(size=17, color="#15213a"),
                   subtitle=dict(text="<br>".join(lines), font=dict(size=12, color="#4A5568"))),
        margin=dict(t=HEADER),
        height=height or base_h - top + HEADER,
    )
    return fig


def export_figure(name: str, url: str, f: Filters, *, lang: str = "en", width: int | None = None,
                  height: int | None = None, header: bool = True,
                  info: rq.DataInfo | None = None, df: pd.DataFrame | None = None,
                  subject: dict | None = None) -> go.Figure:
    """The chart of ``name`` as a file shows it: the screen's figure, decorated."""
    export = get(name)
    fig = chart(name, url, f, lang, df=df, subject=subject)
    if not header:
        return decorate(fig, title=None, width=width or export.width, height=height)
    info = info or data_info(export, url, f, subject)
    return decorate(fig, title=export.file_title(lang, subject), subtitle=filters_text(url, export.applied(f), lang),
                    note=source_note(export, info, lang), width=width or export.width, height=height)


def data_info(export: Export, url: str, f: Filters, subject: dict | None = None) -> rq.DataInfo:
    """The time of the data and the sources in scope; for a partner's chart, the documents
    naming the partner (a school's are in ``f`` already: its page's filters hold the school)."""
    info = rq.data_info(url, qs.school_filters(f, subject["id"]) if export.subject == "school" and subject else f)
    if export.subject == "partner" and subject:
        sets = qpa.partner_sets(url, f, subject)
        info = replace(info, documents=int(sets["documents"].sum()) if not sets.empty else 0)
    return info


def figure_bytes(name: str, url: str, f: Filters, fmt: str, *, lang: str = "en", scale: float | None = None,
                 width: int | None = None, height: int | None = None, browser_path: str | None = None,
                 subject: dict | None = None) -> bytes:
    """``name`` as PNG (2× unless ``scale`` says otherwise), SVG or PDF (``subject``: see :func:`chart`)."""
    fmt = fmt.lower()
    if fmt not in FIGURE_FORMATS:
        raise ExportError(f"figure format {fmt!r} is not one of {', '.join(FIGURE_FORMATS)}")
    export = get(name)
    fig = export_figure(name, url, f, lang=lang, width=width, height=height, subject=subject)
    scale = scale if scale is not None else DEFAULT_SCALE[fmt]
    return render.render(fig, fmt, width=fig.layout.width, height=fig.layout.height, scale=scale,
                         geo=export.geo, browser_path=browser_path)


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------
# Codes in data columns → words in the export's language, through the tables the pages use.
WORDS: dict[str, Callable[[str, str], str]] = {
    "kind": kind_name,
    "country": country_label,
    "partner_kind": partner_kind_name,
    "lang": language_name,
    "level": fp.level_label,
    "status": fp.status_label,
    "program_type": program_type_name,
    "agreement_type": agreement_type_name,
    "agreement_state": lambda v, lang: t(fp.STATE_LABELS.get(v, v), lang),
    "programme_kind": fg.kind_label,
    "status_source": fg.status_source_text,
    "student_source": fg.source_label,
    "link_target": fg.target_label,
    "link_status": lambda v, lang: t({"linked": "linked", "review": "awaiting review"}.get(v, v), lang),
    "label": lambda v, lang: t(v if v[:1].isupper() else v.capitalize(), lang),   # any other code with a word
}


def readable(name: str, df: pd.DataFrame, lang: str = "en") -> tuple[pd.DataFrame, list[Column]]:
    """The frame as people read it: the export's columns in order, codes as words, headers in ``lang``."""
    export = get(name)
    cols = [c for c in export.columns if c.key in df.columns]
    out = {}
    for c in cols:
        s = df[c.key]
        if c.kind in WORDS:
            s = s.map(lambda v, fn=WORDS[c.kind]: fn(v, lang) if isinstance(v, (str, dict)) and v else v)
        elif c.kind == "schools":
            s = s.map(lambda v: v if v else L.text("university_wide", lang))
        elif c.kind == "kinds":   # a list of activity kinds (a document's), as words
            sep = "、" if lang == "zh" else ", "
            s = s.map(lambda v: sep.join(kind_name(k, lang) for k in v) if isinstance(v, (list, tuple)) else v)
        elif c.kind in ("int", "year"):
            s = pd.to_numeric(s, errors="coerce").astype("Int64")
        header = c.header(lang)
        while header in out:  # two columns with one header (a code and its name)
            header += " "
        out[header] = s.reset_index(drop=True)
    return pd.DataFrame(out), cols


def filename(name: str, f: Filters, fmt: str) -> str:
    """``top_partners_2019-2024.png``: the name, the years when set, the format."""
    years = ""
    if f.year_from is not None or f.year_to is not None:
        years = f"_{f.year_from or ''}-{f.year_to or ''}"
    return f"{name}{years}.{fmt}"


def data_bytes(name: str, url: str, f: Filters, fmt: str, *, lang: str = "en",
               now: dt.datetime | None = None, subject: dict | None = None) -> bytes:
    """The data of ``name`` with the filters applied, as CSV or XLSX (``subject``: see :func:`chart`)."""
    fmt = fmt.lower()
    if fmt not in DATA_FORMATS:
        raise ExportError(f"data format {fmt!r} is not one of {', '.join(DATA_FORMATS)}")
    export = get(name)
    df = export.run(url, f, subject)
    if fmt == "json":
        return json_bytes(export, df, url, f, subject)
    table, cols = readable(name, df, lang)
    if fmt == "csv":
        return defuse(table).to_csv(index=False).encode("utf-8-sig")
    info = data_info(export, url, f, subject)
    return xlsx_bytes(export, table, cols, about=about_rows(export, url, f, info, lang, now, subject), lang=lang,
                      title=export.file_title(lang, subject))


def json_bytes(export: Export, df: pd.DataFrame, url: str, f: Filters, subject: dict | None = None) -> bytes:
    """The chart's data for programs: the query's own columns and codes (ISO countries, kind
    codes, ids), with the filters applied, the time of the data and the number of sources."""
    import json

    info = data_info(export, url, f, subject)
    payload = {
        "name": export.name,
        "title": export.file_title("en", subject),
        **({export.subject: int(subject["id"])} if export.subject and subject else {}),
        "filters": export.applied(f).to_query(),
        "data_as_of": info.finished_at.isoformat(timespec="seconds") if info.finished_at else None,
        "etl_run": info.run_id,
        "source_documents": info.documents,
        "columns": [str(c) for c in df.columns],
        "rows": json.loads(df.to_json(orient="records", date_format="iso", force_ascii=False)),
    }
    return json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")


def about_rows(export: Export | None, url: str, f: Filters, info: rq.DataInfo, lang: str,
               now: dt.datetime | None = None, subject: dict | None = None) -> list[tuple[str, Any]]:
    """The first sheet of a workbook: what, which filters, data of when, how many sources."""
    t = L.text
    rows: list[tuple[str, Any]] = []
    if export is not None:
        rows.append((t("title", lang), export.file_title(lang, subject)))
    applied = export.applied(f) if export is not None else f
    filters = describe_filters(url, applied, lang) or [(t("filters", lang), t("no_filter", lang))]
    for i, (k, v) in enumerate(filters):
        rows.append((t("filters", lang) if i == 0 else "", f"{k}{L.colon(lang)}{v}" if k != t("filters", lang) else v))
    rows += [
        (t("data_as_of", lang), info.finished_at.replace(microsecond=0) if info.finished_at else t("not_run", lang)),
        (t("etl_run", lang), info.run_id if info.run_id is not None else "–"),
        (t("docs_in_scope", lang), info.documents),
        (t("docs_total", lang), info.documents_total),
        (t("reports", lang), info.reports),
        (t("exported", lang), (now or dt.datetime.now()).replace(microsecond=0)),
        (t("source", lang), source_note(export, info, lang)),
    ]
    return rows


def _width(value: Any) -> int:
    s = str(value) if value is not None else ""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)  # CJK characters are twice as wide


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse(table: pd.DataFrame) -> pd.DataFrame:
    """Text that a spreadsheet would run as a formula (``=HYPERLINK(…)`` in a crawled title
    or partner name) gets a leading apostrophe, as OWASP advises for CSV; numbers are untouched."""
    out = table.copy()
    for col in out.columns:
        if not pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].map(lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v)
    return out


def _cell(v: Any) -> Any:
    """A frame value as openpyxl takes it: missing → empty cell, numpy scalars → Python numbers."""
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return None
    return v.item() if hasattr(v, "item") and not isinstance(v, (str, bytes)) else v


def xlsx_bytes(export: Export, table: pd.DataFrame, cols: list[Column], *, about: list[tuple[str, Any]],
               lang: str = "en", title: str | None = None) -> bytes:
    """A workbook: the *About* sheet first, then the data with formats, filter and frozen header."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = L.text("about", lang)
    ws.append([title or export.title_in(lang)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([])
    for k, v in about:
        ws.append([k, v])
        cell = ws.cell(row=ws.max_row, column=2)
        if isinstance(v, dt.datetime):
            cell.number_format = "yyyy-mm-dd hh:mm"
        elif isinstance(v, int):
            cell.number_format = "#,##0"
        cell.alignment = Alignment(horizontal="left", wrap_text=True)
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 90

    ds = wb.create_sheet(L.text("data", lang))
    ds.append(list(table.columns))
    head_fill = PatternFill("solid", fgColor=ACCENT.lstrip("#"))
    for cell in ds[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = head_fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for row in table.itertuples(index=False):
        ds.append([_cell(v) for v in row])
        for cell in ds[ds.max_row]:
            if cell.data_type == "f":  # openpyxl reads "=…" as a formula: data is text, always
                cell.data_type = "s"
    for j, (col, spec) in enumerate(zip(table.columns, cols), start=1):
        letter = ds.cell(row=1, column=j).column_letter
        fmt = {"int": "#,##0", "year": "0", "date": "yyyy-mm-dd"}.get(spec.kind)
        if fmt:
            for (cell,) in ds.iter_rows(min_row=2, min_col=j, max_col=j):
                cell.number_format = fmt
        longest = max([_width(col)] + [_width(v) for v in table[col].head(500)])
        ds.column_dimensions[letter].width = min(60, max(8, longest + 2))
    ds.freeze_panes = "A2"
    if len(table):
        ds.auto_filter.ref = ds.dimensions
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


__all__ = [
    "Export", "Column", "Context", "REGISTRY", "register", "get", "names", "subject_names", "subject_info",
    "data_info", "chart", "export_figure", "decorate",
    "figure_bytes", "data_bytes", "readable", "describe_filters", "filters_text", "source_note", "filename",
    "ExportError", "BrowserNotFound", "UnknownExport", "FIGURE_FORMATS", "DATA_FORMATS", "REPORT_FORMATS", "MIME",
]
