"""What the leadership report says, independent of its file format.

:func:`report_content` runs the queries once and returns a :class:`ReportContent`: the
key figures (each with its year and the year before), the charts as PNG bytes (rendered
together by the process's Chromium), the agreements expiring within a year, the method
note and the branding. The PPTX and PDF writers only lay it out, so both formats say the
same thing and a test can compare either with the queries.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from dashboard import export as E
from dashboard.labels import agreement_type_name
from dashboard.queries import common as q
from dashboard.queries import periods
from dashboard.queries.common import Filters
from dashboard.report import labels as L
from dashboard.report import queries as rq
from dashboard.regions import country_label
from dashboard.report import render

# The charts of the report, in order (export names).
REPORT_CHARTS = ("activities_by_year", "activities_by_school", "partner_countries", "top_partners",
                 "top_countries", "joint_programs", "programmes_by_kind", "students_abroad")
CHART_SIZE = (1200, 600)   # CSS pixels; rendered at 2× for sharp slides and print
CHART_SCALE = 2
CHART_FONT_SIZE = 15       # the screen's 13 px, a little larger for slides and print
DEFAULT_COLORS = {"primary": "#1F4E8C", "accent": "#C8102E", "text": "#243044", "muted": "#6B778A",
                  "light": "#EEF3F9"}


@dataclass
class Branding:
    """Name, logo and colours of the report, from the ``[branding]`` table of the settings::

        [branding]
        title = "BISTU International Programs"   # the dashboard's title
        name = "Beijing Information Science and Technology University"
        name_zh = "北京信息科技大学"
        logo = "branding/logo.png"                # PNG or JPEG, relative to the TOML file
        colors = { primary = "#1F4E8C", accent = "#C8102E" }
    """

    name: str = ""
    name_zh: str = ""
    title: str = ""
    logo: Path | None = None
    colors: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_COLORS))

    @classmethod
    def from_settings(cls, settings: Any = None, url: str | None = None) -> Branding:
        raw = dict(getattr(settings, "branding", None) or {})
        name, name_zh = raw.get("name") or "", raw.get("name_zh") or ""
        if url and not (name and name_zh):
            try:
                home, home_zh = q.home_institution(url)
            except Exception:  # noqa: BLE001 - no reference data: the configured title stands in
                home, home_zh = None, None
            name, name_zh = name or home or "", name_zh or home_zh or ""
        title = raw.get("title") or ""
        logo = raw.get("logo")
        logo_path = None
        if logo:
            base = settings.config_path.parent if getattr(settings, "config_path", None) else Path.cwd()
            logo_path = (base / logo).resolve()
            if not logo_path.is_file():
                raise E.ExportError(f"[branding] logo {logo!r} not found (looked at {logo_path})")
        colors = dict(DEFAULT_COLORS)
        colors.update({k: str(v) for k, v in (raw.get("colors") or {}).items() if k in DEFAULT_COLORS})
        for k in ("primary", "accent"):
            if raw.get(f"{k}_color"):
                colors[k] = str(raw[f"{k}_color"])
        for k, v in colors.items():
            if not (isinstance(v, str) and len(v) == 7 and v.startswith("#")):
                raise E.ExportError(f"[branding] colour {k} = {v!r}: write it as #RRGGBB")
        return cls(name=name or title, name_zh=name_zh, title=title, logo=logo_path, colors=colors)

    def display_name(self, lang: str) -> str:
        return (self.name_zh or self.name) if lang == "zh" else (self.name or self.name_zh)


@dataclass
class KeyFigure:
    """A number for the chosen period, the same number for the period before, and a line of
    context (the latest year against the year before, as the dashboard's cards show it)."""

    key: str
    label: str
    value: int | None
    period: str                     # "2021–2024"
    previous: int | None
    previous_period: str = ""       # "2017–2020"; empty when the data does not reach back so far
    context: str = ""

    @property
    def change(self) -> int | None:
        return None if self.value is None or self.previous is None else self.value - self.previous

    def heading(self) -> str:
        """``"Documents · 2021–2024"``: what is counted, over which years."""
        return f"{self.label} · {self.period}" if self.period else self.label

    def change_text(self, lang: str) -> str:
        """``"▲ 3 (+25%) vs 2017–2020"``; the arrow carries the direction, so colour is never the only cue."""
        if self.value is None:
            return L.text("no_data", lang)
        if self.previous is None:
            return L.text("no_previous", lang)
        d = self.change
        arrow = "▲" if d > 0 else "▼" if d < 0 else "="
        pct = f" ({d / self.previous:+.0%})" if self.previous and d else ""
        return f"{arrow} {abs(d):,}{pct} {L.text('vs', lang)} {self.previous_period}"


@dataclass
class ChartImage:
    name: str
    title: str
    png: bytes
    width: int
    height: int
    note: str          # the source note
    filters: str       # the filters that apply to this chart, in words


@dataclass
class ReportContent:
    lang: str
    title: str
    branding: Branding
    period: str
    filters: list[tuple[str, str]]
    filters_text: str
    info: rq.DataInfo
    generated: dt.datetime
    key_figures: list[KeyFigure]
    key_figures_note: str
    charts: list[ChartImage]
    expiring: pd.DataFrame          # readable columns, in the report's language
    method: str

    def as_of(self) -> str:
        return E.when(self.info.finished_at) if self.info.finished_at else L.text("not_run", self.lang)


def _year_line(year: int | None, cur: int | None, prev: int | None, lang: str) -> str:
    """``"2024: 14 (▲ 3 vs 2023)"``: the latest year against the year before, as on the cards."""
    if year is None or cur is None:
        return ""
    from dashboard.components.kpi import delta_text  # the cards' own arrow and words

    arrow, _ = delta_text(cur, prev)
    tail = f" ({arrow} {L.text('vs', lang)} {year - 1})" if arrow else ""
    return f"{year}: {cur:,}{tail}"


def key_figures(url: str, f: Filters, lang: str = "en") -> list[KeyFigure]:
    """Six numbers for the chosen period, each against the period before it, straight from the
    queries the dashboard's cards read (:func:`dashboard.queries.periods.kpi_periods`), so the
    report and the Overview print the same numbers for the same filters."""
    t = L.text
    out: list[KeyFigure] = []
    kp = periods.kpi_summary(url, f)   # countries: international partners' only, in every figure
    ps = kp["periods"]
    span = ps.current if ps else None
    prev_span = ps.previous if ps else None
    cur_text, prev_text = periods.Periods.text(span), periods.Periods.text(prev_span)
    year, cur, prev = kp["year"], kp["current"], kp["year_before"]
    for key, label in (("documents", "kf_documents"), ("partners", "kf_partners"), ("countries", "kf_countries"),
                       ("schools", "kf_schools")):
        out.append(KeyFigure(key, t(label, lang), kp["total"][key], cur_text,
                             kp["previous"][key] if kp["previous"] else None, prev_text,
                             _year_line(year, cur[key] if cur else None, prev[key] if prev else None, lang)))
    every_year = replace(f, year_from=None, year_to=None)
    spy = rq.students_per_year(url, every_year)
    y = rq.latest_year({k: v for k, v in spy.items() if span is None or span[0] <= k <= span[1]}, None)
    out.append(KeyFigure("students", t("kf_students", lang), periods.sum_years(spy, span) if spy else None,
                         cur_text, periods.sum_years(spy, prev_span) if spy and prev_span else None, prev_text,
                         _year_line(y, spy.get(y) if y else None, spy.get(y - 1) if y else None, lang)))
    started = rq.programs_started(url, every_year)
    active = rq.program_counts(url, f).get("active", 0)
    out.append(KeyFigure("programs", t("kf_programs", lang), periods.sum_years(started, span) if span else None,
                         cur_text, periods.sum_years(started, prev_span), prev_text,
                         t("kf_active_programs", lang, n=active)))
    return out


def key_figures_note(figs: list[KeyFigure], lang: str) -> str:
    """The sentence under the key figures saying what they compare."""
    kf = next((k for k in figs if k.period), None)
    if kf is None:
        return ""
    if not kf.previous_period:
        return L.text("kf_note_first", lang, p=kf.period)
    lo, hi = (kf.period.split("–") + [kf.period])[:2]
    return L.text("kf_note", lang, p=kf.period, n=int(hi) - int(lo) + 1, q=kf.previous_period)


def expiring_table(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The agreements table of the report: partner (Chinese name in a Chinese report when
    known), country, agreement, expiry date, days left, schools."""
    t = L.text
    zh = lang == "zh"
    cols = {"partner": ("Partner", "合作方"), "country": ("Country", "国家/地区"), "type": ("Agreement", "协议类型"),
            "expiry": ("Expires", "到期日期"), "days_left": ("Days left", "剩余天数"), "schools": ("Schools", "学院")}
    rows = []
    for r in df.itertuples(index=False):
        rows.append([(r.partner_zh or r.partner) if zh else r.partner, country_label(r.country, lang) if r.country else "",
                     agreement_type_name(r.type, lang), r.expiry.isoformat() if r.expiry else "", f"{int(r.days_left):,}",
                     (r.schools_zh if zh else r.schools) or t("university_wide", lang)])
    return pd.DataFrame(rows, columns=[v[1] if zh else v[0] for v in cols.values()])


def period_text(url: str, f: Filters, lang: str) -> str:
    lo, hi = f.year_from, f.year_to
    if lo is None or hi is None:
        b = q.year_bounds(url)
        if b is None:
            return L.text("all_years", lang)
        lo, hi = lo or b[0], hi or b[1]
    return f"{lo}–{hi}" if lo != hi else str(lo)


def report_content(url: str, f: Filters, *, lang: str = "en", settings: Any = None,
                   branding: Branding | None = None, today: dt.date | None = None,
                   browser_path: str | None = None, charts: tuple[str, ...] = REPORT_CHARTS) -> ReportContent:
    """Everything the report shows, computed once."""
    lang = L.lang_of(lang)
    branding = branding or Branding.from_settings(settings, url)
    info = rq.data_info(url, f)
    w, h = CHART_SIZE
    figs, items = [], []
    for name in charts:
        exp = E.get(name)
        fig = E.export_figure(name, url, f, lang=lang, width=w, height=h, header=False)
        fig.update_layout(font_size=CHART_FONT_SIZE)  # a slide is seen from across a room
        figs.append((fig, "png", w, h, CHART_SCALE, exp.geo))
        items.append(exp)
    pngs = render.render_many(figs, browser_path=browser_path) if figs else []
    images = [ChartImage(exp.name, exp.title_in(lang), png, w * CHART_SCALE, h * CHART_SCALE,
                         E.source_note(exp, info, lang), E.filters_text(url, exp.applied(f), lang))
              for exp, png in zip(items, pngs)]
    expiring = expiring_table(rq.agreements_expiring(url, f, today=today), lang)
    filters = E.describe_filters(url, f, lang)
    colon = "：" if lang == "zh" else ": "
    in_words = "; ".join(f"{k}{colon}{v}" for k, v in filters) or L.text("no_filter", lang)
    method = L.METHOD[lang].format(docs=info.documents, total=info.documents_total, reports=info.reports,
                                   rows=info.report_rows, asof=E.when(info.finished_at) or L.text("not_run", lang),
                                   filters=in_words)
    figures_ = key_figures(url, f, lang)
    return ReportContent(
        lang=lang, title=L.text("report_title", lang), branding=branding, period=period_text(url, f, lang),
        filters=filters, filters_text=E.filters_text(url, f, lang), info=info, generated=dt.datetime.now().replace(microsecond=0),
        key_figures=figures_, key_figures_note=key_figures_note(figures_, lang), charts=images, expiring=expiring, method=method,
    )
