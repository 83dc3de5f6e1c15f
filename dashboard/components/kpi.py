"""KPI cards: one number for the selected range, and its latest year against the year before."""
from __future__ import annotations

from dash import html

from dashboard.components import html_table as H
from dashboard.labels import add_translations, t

add_translations({"vs {y}": "较{y}年", "no dated documents": "没有注明日期的文档",
                  "vs {p}": "较{p}", "{p}, all years on record": "{p}，全部年份", "no earlier period on record":
                  "无可比的上一期数据"})


def delta_text(current: int | None, previous: int | None) -> tuple[str, str]:
    """``("▲ 3", "up")``, ``("▼ 2", "down")``, ``("= 0", "flat")`` or ``("", "none")``.

    The arrow carries the direction, so the colour is never the only cue.
    """
    if current is None or previous is None:
        return "", "none"
    d = current - previous
    if d > 0:
        return f"▲ {d}", "up"
    if d < 0:
        return f"▼ {-d}", "down"
    return "= 0", "flat"


def period_line(value: int | None, previous: int | None, period: str, previous_period: str,
                lang: str = "en") -> str:
    """``"2021–2024 ▲ 12 (+27%) vs 2017–2020"``: the period's number against the period before
    (the report's key figures say the same, :mod:`dashboard.report.content`), as HTML for
    :func:`kpi_card` ("" when there is no period)."""
    if value is None or not period:
        return ""
    out = H.tag("span", H.esc(period), cls="kpi-period")
    if not previous_period or previous is None:
        return out + " " + H.tag("span", H.esc(t("no earlier period on record", lang)), cls="kpi-vs")
    text, direction = delta_text(value, previous)
    d = value - previous
    pct = f" ({d / previous:+.0%})" if previous and d else ""
    return (out + " " + H.tag("span", H.esc(text + pct), cls=f"kpi-delta kpi-{direction}")
            + H.tag("span", H.esc(" " + t("vs {p}", lang).format(p=previous_period)), cls="kpi-vs"))


def kpi_card(card_id: str, label: str, value: int | None, *, year: int | None = None,
             current: int | None = None, previous: int | None = None, hint: str = "",
             lang: str = "en", period: str = "") -> html.Div:
    """A card with a label, a big number, the period against the one before (``period``, HTML from
    :func:`period_line`) and a line "2025: 14 ▲ 3 vs 2024" (label and hint already in the
    interface language ``lang``; the card's own words are translated here).

    Two components: the card (its id, class and tooltip) and its content as HTML given to
    dcc.Markdown (:mod:`dashboard.components.html_table`), not one per line and figure."""
    text, direction = delta_text(current, previous)
    if year is not None and current is not None:
        trend = H.tag("span", H.esc(f"{year}: {current:,}"), cls="kpi-year")
        if text:
            trend += (" " + H.tag("span", H.esc(text), cls=f"kpi-delta kpi-{direction}")
                      + H.tag("span", H.esc(" " + t("vs {y}", lang).format(y=year - 1)), cls="kpi-vs"))
    else:
        trend = H.tag("span", H.esc(t("no dated documents", lang)), cls="kpi-vs")
    inner = (H.tag("div", H.esc(label), cls="kpi-label")
             + H.tag("div", H.esc(f"{value:,}" if value is not None else "–"), cls="kpi-value")
             + (H.tag("div", period, cls="kpi-trend kpi-period-line") if period else "")
             + H.tag("div", trend, cls="kpi-trend"))
    return html.Div(H.markdown(H.tag("div", inner), class_name="kpi-html"), id=card_id, className="kpi-card",
                    title=hint)
