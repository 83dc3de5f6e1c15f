"""The pieces a school's page and a partner's page share: their header, stat tiles and the
small tables of the office's reports.

The header shows the way back to the list, the name in the interface language with the other
language's name under it, the page's badges (a partner's country and kind), the other spellings
on record, and the drill-down hint.
"""
from __future__ import annotations

from typing import Any

import pandas as pd
from dash import dcc, html

from dashboard.components import drilldown
from dashboard.components import html_table as H
from dashboard.labels import add_translations, t

NOWRAP = {"signed", "expiry", "start_year", "enrolment", "state", "level", "mode", "status"}
STATE_LABELS = {"in_force": "In force", "expiring": "Expires within 6 months", "expired": "Expired",
                "open_ended": "Open-ended", "not_started": "Not yet in force"}
add_translations({
    "Also written": "其他写法",
    "None in the reports.": "报表中没有记录。",
    "In force": "有效",
    "Expires within 6 months": "6个月内到期",
    "Expired": "已到期",
    "Open-ended": "长期有效",
    "Not yet in force": "尚未生效",
})


def header(info: dict, lang: str, *, back: dcc.Link, head_id: str, badges: list | None = None) -> html.Div:
    """The page's head for ``info`` (``name``, ``zh``, ``aliases``): the back link, the name in
    ``lang`` (the other language's under it, marked with its language), ``badges``, the other
    spellings and the drill-down hint."""
    title = info["zh"] if lang == "zh" and info["zh"] else info["name"]
    second = info["name"] if lang == "zh" and info["zh"] else info["zh"]
    out = [back, html.H1(title, className="page-title")]
    if second:
        out.append(html.Div(second, className="page-title-zh", lang="zh" if second == info["zh"] else "en"))
    if badges:
        out.append(html.Div(badges, className="badges"))
    out += [aliases_line(info["aliases"], lang), drilldown.hint(lang)]
    return html.Div(out, className="page-head", id=head_id)


def not_found(back: dcc.Link, message: str, lang: str, class_name: str) -> html.Div:
    """The page for an id the database does not know: the way back and ``message``."""
    return html.Div([back, html.H1(t(message, lang), className="page-title")], className=class_name)


def aliases_line(aliases: list[str], lang: str) -> Any:
    if not aliases:
        return None
    return html.Div([html.Span(t("Also written", lang), className="alias-label")]
                    + [html.Span(a, className="chip") for a in aliases[:12]], className="aliases")


def stat(label: str, value: Any, lang: str, hint: str | None = None) -> html.Div:
    shown = "–" if value is None else (f"{value:,}" if isinstance(value, int) else str(value))
    return html.Div([html.Span(shown, className="stat-n"), html.Span(t(label, lang), className="stat-l")],
                    className="stat-tile", title=t(hint, lang) if hint else None)


def stat_html(label: str, value: Any, lang: str, hint: str | None = None) -> str:
    """:func:`stat` as HTML, for :func:`stat_row`."""
    shown = "–" if value is None else (f"{value:,}" if isinstance(value, int) else str(value))
    return H.tag("div", H.tag("span", H.esc(shown), cls="stat-n") + H.tag("span", H.esc(t(label, lang)), cls="stat-l"),
                 cls="stat-tile", title=t(hint, lang) if hint else None)


def stat_row(tiles: list[str]) -> Any:
    """A row of tiles (:func:`stat_html`) as one component (HTML given to dcc.Markdown)."""
    return H.markdown(H.tag("div", "".join(tiles), cls="stat-row"), class_name="stat-html")


def simple_table(df: pd.DataFrame, columns: list[tuple[str, str]], lang: str, class_name: str = "",
                 html_fields: tuple[str, ...] = ()) -> Any:
    """A compact table of ``df``'s ``columns`` (``[(field, header)]``) as one component (HTML given to
    dcc.Markdown, :mod:`dashboard.components.html_table`); blank cells show "–". The values of
    ``html_fields`` are HTML already (links made with :func:`html_table.link`, badges with
    :func:`state_badge_html`); every other value is text, escaped here."""
    if df is None or df.empty:
        return html.P(t("None in the reports.", lang), className="text-muted small mb-0")
    rows = []
    for r in df.to_dict("records"):
        cells = []
        for field, _ in columns:
            v = r.get(field)
            if isinstance(v, float) and pd.isna(v) or v is None or v is pd.NA:
                v = "–"
            cells.append(H.tag("td", v if field in html_fields and v != "–" else H.esc(v),
                               cls="nowrap" if field in NOWRAP else None))
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return H.table([(t(h, lang), None) for _, h in columns], rows,
                   f"report-table {class_name} table table-sm table-hover".replace("  ", " "))


def state_badge(state: str, lang: str) -> html.Span:
    return html.Span(t(STATE_LABELS.get(state, state), lang), className=f"state-badge state-{state}")


def state_badge_html(state: str, lang: str) -> str:
    """:func:`state_badge` as HTML, for :func:`simple_table`."""
    return H.tag("span", H.esc(t(STATE_LABELS.get(state, state), lang)), cls=f"state-badge state-{state}")
