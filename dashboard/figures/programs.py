"""DataFrames of :mod:`dashboard.queries.programs` → Plotly figures (no database access).

The look of :mod:`dashboard.figures.common` (template, palette, empty states, bar sizing) and the
status colours of :mod:`dashboard.report.figures`, so a programme's status has one colour
on the page and in the exports. Every title and label goes through ``labels.t`` so the page
reads in English or Chinese.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.common import ACCENT, LOAD_HINT, NEUTRAL, PALETTE, _base, _label, _row_height, empty, figure
from dashboard.labels import add_translations, short_school, t
from dashboard.queries.programs import AGREEMENT_STATES, STATUS_ORDER, add_months
from dashboard.regions import country_label

LEVEL_TITLE = "Joint programmes by level"
MODE_TITLE = "Joint programmes by mode (years at home + years abroad)"
BY_SCHOOL_TITLE = "Students abroad by school"
BY_COUNTRY_TITLE = "Students abroad by destination"
TIMELINE_TITLE = "Agreements: signed → expiry"

# One colour per programme status (on the page and in the exports); "active" is the header's
# blue, ended ones are greys.
STATUS_COLORS = {"active": ACCENT, "pending approval": "#88CCEE", "pending": "#88CCEE",
                 "suspended": "#CC6677", "closed": "#AAAAAA", "unknown": NEUTRAL}
LEVEL_LABELS = {"undergraduate": "Undergraduate", "master": "Master's", "phd": "PhD", "unknown": "Unknown"}
STATUS_LABELS = {"active": "Active", "pending approval": "Pending approval", "pending": "Pending",
                 "suspended": "Suspended", "closed": "Closed", "unknown": "Unknown"}
STATE_LABELS = {"expiring_6": "Expires within 6 months", "expiring_12": "Expires within 12 months",
                "in_force": "In force", "open_ended": "Open-ended", "not_started": "Not yet in force",
                "expired": "Expired"}
# Paul Tol's muted scheme again: rose and sand for the two warnings, indigo for in force,
# teal for open-ended (also hatched, so colour is not the only cue), grey for the past.
STATE_COLORS = {"expiring_6": "#CC6677", "expiring_12": "#DDCC77", "in_force": "#332288",
                "open_ended": "#44AA99", "not_started": "#88CCEE", "expired": "#BBBBBB"}

add_translations({
    LEVEL_TITLE: "合作办学项目（按层次）", MODE_TITLE: "合作办学项目（按培养模式：国内年数 + 国外年数）",
    BY_SCHOOL_TITLE: "出国（境）学生（按学院）", BY_COUNTRY_TITLE: "出国（境）学生（按目的地）",
    TIMELINE_TITLE: "合作协议：签署 → 到期",
    "Undergraduate": "本科", "Master's": "硕士", "PhD": "博士", "Unknown": "未知",
    "Active": "运行中", "Pending approval": "待审批", "Pending": "待定", "Suspended": "暂停", "Closed": "已结束",
    "Expires within 6 months": "6个月内到期", "Expires within 12 months": "12个月内到期", "In force": "有效",
    "Open-ended": "长期有效", "Not yet in force": "尚未生效", "Expired": "已到期",
    "programmes": "个项目", "students": "学生数", "today": "今天", "students enrolled": "在读学生",
    "enrolment unknown": "人数未知", "Signed": "签署日期", "Expires": "到期日期", "no expiry date": "无到期日",
    "signing date unknown": "签署日期未知", "University-wide": "全校", "of them unknown": "条人数未知",
    "years at home + years abroad": "国内年数 + 国外年数", "report rows": "条记录",
    "6 months": "6个月", "12 months": "12个月",
})


def level_label(level: str, lang: str = "en") -> str:
    return t(LEVEL_LABELS.get(level, str(level).capitalize()), lang)


def status_label(status: str, lang: str = "en") -> str:
    return t(STATUS_LABELS.get(status, str(status).capitalize()), lang)


def _status_order(values) -> list[str]:
    present = list(dict.fromkeys(values))
    known = [s for s in STATUS_ORDER if s in present]
    return known + sorted(set(present) - set(known))


def _dim_order(df: pd.DataFrame, dim: str) -> list[str]:
    """Levels in study order; modes and the rest by programmes, largest first."""
    present = list(dict.fromkeys(df[dim]))
    if dim == "level":
        known = [lv for lv in LEVEL_LABELS if lv in present]
        return known + sorted(set(present) - set(known))
    totals = df.groupby(dim)["programs"].sum()
    return sorted(present, key=lambda v: (-int(totals.get(v, 0)), str(v)))


@figure
def programs_by(df: pd.DataFrame, dim: str, lang: str = "en", empty_message: str = LOAD_HINT) -> go.Figure:
    """Horizontal bars of joint programmes per level (or mode), stacked by status.

    ``df`` is :func:`queries.programs.programs_by`. The hover gives the students enrolled in
    the bar's programmes whose enrolment is known and how many have none stated.
    """
    title = t(LEVEL_TITLE if dim == "level" else MODE_TITLE, lang)
    if df.empty:
        return empty(title, empty_message)
    order = _dim_order(df, dim)
    names = {v: (level_label(v, lang) if dim == "level" else str(v)) for v in order}
    height, gap = _row_height(len(order))
    fig = _base(title, height=max(height, 260))
    fig.update_layout(bargap=gap)
    for status in _status_order(df["status"]):
        part = df[df["status"] == status].set_index(dim).reindex(order)
        n = part["programs"].fillna(0).astype(int)
        unknown = part["enrolment_unknown"].fillna(0).astype(int)
        enrol = part["enrolment"].fillna(0).astype(int)
        fig.add_bar(
            y=[names[v] for v in order], x=n.values, orientation="h", name=status_label(status, lang),
            marker_color=STATUS_COLORS.get(status, NEUTRAL),
            customdata=[[status_label(status, lang), e, u, v] for e, u, v in zip(enrol, unknown, order)],
            hovertemplate="<b>%{y}</b> · %{customdata[0]}<br>%{x} " + t("programmes", lang)
                          + "<br>%{customdata[1]} " + t("students enrolled", lang)
                          + " (%{customdata[2]} " + t("enrolment unknown", lang) + ")<extra></extra>",
        )
    fig.update_layout(barmode="stack",
                      xaxis=dict(showgrid=True, gridcolor="#ECEFF4", rangemode="tozero"),
                      yaxis=dict(showgrid=False, categoryorder="array",
                                 categoryarray=[names[v] for v in reversed(order)]),
                      legend=dict(y=-0.1), margin=dict(b=8))
    return fig


def _hbars(df: pd.DataFrame, title: str, labels: list[str], keys: list, hover_names: list[str],
           lang: str, dim: str) -> go.Figure:
    """Horizontal bars of ``students`` (largest on top) with the unknown rows in the hover.

    Each bar's ``customdata`` starts with its key and ends with a drill spec (``{dim: key}``,
    :class:`dashboard.queries.drill.DrillSpec`), so a click names the bar.
    """
    d = df.iloc[::-1]
    labels, keys, hover_names = labels[::-1], keys[::-1], hover_names[::-1]
    specs = [{dim: k} if k not in (None, "") else {} for k in keys]
    height, gap = _row_height(len(d))
    fig = _base(title, height=height)
    fig.update_layout(bargap=gap)
    fig.add_bar(
        y=labels, x=d["students"], orientation="h", marker_color=ACCENT,
        text=[f"{v:,}" for v in d["students"]], textposition="outside", cliponaxis=False,
        customdata=[[k if k is not None else "", n, r, u, spec]
                    for k, n, r, u, spec in zip(keys, hover_names, d["records"], d["unknown"], specs)],
        hovertemplate="<b>%{customdata[1]}</b><br>%{x} " + t("students", lang) + " · %{customdata[2]} "
                      + t("report rows", lang) + " (%{customdata[3]} " + t("of them unknown", lang)
                      + ")<extra></extra>",
    )
    fig.update_layout(xaxis=dict(title=dict(text=t("students", lang)), showgrid=True, gridcolor="#ECEFF4",
                                 rangemode="tozero"),
                      yaxis=dict(showgrid=False, categoryorder="array", categoryarray=labels),
                      showlegend=False, margin=dict(r=36))
    return fig


@figure
def students_by_school(df: pd.DataFrame, lang: str = "en", empty_message: str = LOAD_HINT) -> go.Figure:
    """Students abroad per school (``queries.programs.students_by(…, "school")``); click → school filter."""
    title = t(BY_SCHOOL_TITLE, lang)
    if df.empty:
        return empty(title, empty_message)
    names = [str(s) if s is not None else "—" for s in df["school"]]
    shown = [(z or s) if lang == "zh" else s for s, z in zip(names, df["zh"])]
    labels = [short_school(s) if lang != "zh" else s for s in shown]
    keys = [int(u) if pd.notna(u) else None for u in df["unit_id"]]
    return _hbars(df, title, labels, keys, shown, lang, "school")


@figure
def students_by_country(df: pd.DataFrame, lang: str = "en", limit: int = 15,
                        empty_message: str = LOAD_HINT) -> go.Figure:
    """Students abroad per destination country (the top ``limit``); click → country filter."""
    title = t(BY_COUNTRY_TITLE, lang)
    if df.empty:
        return empty(title, empty_message)
    d = df.head(limit)
    names = [country_label(c, lang) if c else t("Unknown", lang) for c in d["country"]]
    return _hbars(d, title, names, [c for c in d["country"]], names, lang, "country")


# ---------------------------------------------------------------------------
# Agreements timeline
# ---------------------------------------------------------------------------
def _ms(days: float) -> float:
    return days * 86_400_000


@figure
def agreements_timeline(df: pd.DataFrame, today: dt.date, lang: str = "en",
                        empty_message: str = LOAD_HINT) -> go.Figure:
    """A Gantt of agreements: one bar per agreement from signing to expiry, coloured by its
    state on ``today``; open-ended agreements run hatched to the right edge. Today is a line,
    the next 6 and 12 months are shaded, so what expires soon stands out.

    ``df`` is :func:`queries.programs.agreements` (soonest expiry first); rows keep that order
    top to bottom. Each bar's ``customdata`` starts with the agreement id (for a click).
    """
    title = t(TIMELINE_TITLE, lang)
    if df.empty:
        return empty(title, empty_message)
    df = timeline_order(df)
    horizon = add_months(today, 12)
    expiries = [e for e in df["expiry"] if e is not None]
    signed = [s for s in df["signed"] if s is not None]
    right = max([add_months(horizon, 6), *expiries])
    left = min(signed) if signed else add_months(today, -60)
    rows = [str(i) for i in df["agreement_id"]]
    names = [((z or p) if lang == "zh" else p) or "—" for p, z in zip(df["partner"], df["partner_zh"])]
    ticks = [_label(n, c, width=38) for n, c in zip(names, df["country"])]
    height = 170 + 24 * max(len(df), 4)
    fig = _base(title, height=height)
    for state in AGREEMENT_STATES:
        part = df[df["state"] == state]
        if part.empty:
            continue
        base, length, custom = [], [], []
        for r in part.itertuples(index=False):
            start = r.signed or left
            end = r.expiry or right
            base.append(start.isoformat())
            length.append(_ms(max((end - start).days, 1)))
            custom.append([int(r.agreement_id), r.partner or "—", r.type,
                           r.signed.isoformat() if r.signed else t("signing date unknown", lang),
                           r.expiry.isoformat() if r.expiry else t("no expiry date", lang),
                           r.schools or t("University-wide", lang),
                           country_label(r.country, lang) if r.country else ""])
        open_ended = state == "open_ended"
        fig.add_bar(
            y=[str(i) for i in part["agreement_id"]], x=length, base=base, orientation="h",
            name=t(STATE_LABELS[state], lang), marker_color=STATE_COLORS[state],
            marker_pattern_shape="/" if open_ended else "", marker_line_width=0,
            customdata=custom,
            hovertemplate="<b>%{customdata[1]}</b> %{customdata[6]}<br>%{customdata[2]}<br>"
                          + t("Signed", lang) + ": %{customdata[3]} · " + t("Expires", lang)
                          + ": %{customdata[4]}<br>%{customdata[5]}<extra></extra>",
        )
    six = add_months(today, 6)
    # The next 6 months shaded darker than the 6 after them: what expires there is flagged.
    for x0, x1, opacity in ((today, six, 0.20), (six, horizon, 0.09)):
        fig.add_shape(type="rect", xref="x", yref="paper", x0=x0.isoformat(), x1=x1.isoformat(), y0=0, y1=1,
                      fillcolor="#CC6677", opacity=opacity, line_width=0, layer="below")
    fig.add_shape(type="line", xref="x", yref="paper", x0=today.isoformat(), x1=today.isoformat(), y0=0, y1=1,
                  line=dict(color="#15213a", width=1.5, dash="dot"))
    fig.add_annotation(x=today.isoformat(), y=1, xref="x", yref="paper", yanchor="bottom", showarrow=False,
                       text=t("today", lang) + " " + today.isoformat(), font=dict(size=11, color="#15213a"))
    fig.update_layout(
        barmode="overlay", bargap=0.3,
        xaxis=dict(type="date", range=[add_months(left, -3).isoformat(), right.isoformat()], showgrid=True,
                   gridcolor="#ECEFF4", dtick="M12" if (right - left).days < 8 * 366 else "M24",
                   tickformat="%Y"),
        yaxis=dict(type="category", showgrid=False, categoryorder="array", categoryarray=rows[::-1],
                   tickmode="array", tickvals=rows, ticktext=ticks, automargin=True),
        legend=dict(orientation="h", y=-0.03, yanchor="top", traceorder="normal"),
        margin=dict(t=64, b=8),
    )
    return fig


def timeline_order(df: pd.DataFrame) -> pd.DataFrame:
    """Rows top to bottom: what expires soonest first (so the flagged ones lead), then those in
    force by expiry, the open-ended, those not yet in force, and the expired, latest first."""
    rank = {s: i for i, s in enumerate(AGREEMENT_STATES)}
    far = dt.date.max

    def key(r):
        if r.state == "expired":
            return (rank[r.state], -(r.expiry.toordinal() if r.expiry else 0), r.agreement_id)
        return (rank[r.state], (r.expiry or far).toordinal(), r.agreement_id)

    order = sorted(range(len(df)), key=lambda i: key(df.iloc[i]))
    return df.iloc[order].reset_index(drop=True)


__all__ = ["timeline_order", "programs_by", "students_by_school", "students_by_country", "agreements_timeline",
           "level_label",
           "status_label", "STATE_LABELS", "STATE_COLORS", "LEVEL_TITLE", "MODE_TITLE", "BY_SCHOOL_TITLE",
           "BY_COUNTRY_TITLE", "TIMELINE_TITLE", "PALETTE"]
