"""The chosen period and the one before it: what the Overview's cards and the report's key
figures compare.

The period is the filter's year range, its open ends closed by the first and last year on
record; the previous period is the same number of years just before it (2021–2024 →
2017–2020). A previous period that ends before the first year on record has no figure (the
data does not reach back so far; a zero would read as a collapse). Both the dashboard and
the report call :func:`kpi_periods`, so they print the same numbers for the same filters.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from dashboard.queries.common import Filters, year_bounds


@dataclass(frozen=True)
class Periods:
    """The chosen period ``(lo, hi)`` and the previous one of the same length (``None`` when
    it lies wholly before the data), with the first year on record."""

    current: tuple[int, int]
    previous: tuple[int, int] | None
    first_year: int

    @staticmethod
    def text(span: tuple[int, int] | None) -> str:
        if span is None:
            return ""
        lo, hi = span
        return str(lo) if lo == hi else f"{lo}–{hi}"

    def filters(self, f: Filters, which: str = "current") -> Filters | None:
        span = self.current if which == "current" else self.previous
        return None if span is None else replace(f, year_from=span[0], year_to=span[1])


def periods(url: str, f: Filters) -> Periods | None:
    """The filter's period and the one before it (None when nothing is dated)."""
    b = year_bounds(url)
    if b is None:
        return None
    lo = f.year_from if f.year_from is not None else b[0]
    hi = f.year_to if f.year_to is not None else b[1]
    if lo > hi:
        lo, hi = hi, lo
    n = hi - lo + 1
    prev = (lo - n, lo - 1)
    return Periods((lo, hi), prev if prev[1] >= b[0] else None, b[0])


def kpi_summary(url: str, f: Filters) -> dict[str, Any]:
    """Every KPI the Overview's cards and the report's key figures show, in one pass per KPI
    (:func:`dashboard.queries.overview.kpi_spans`): ``{"periods": Periods | None, "total": {...},
    "previous": {...} | None}`` (the filters as given, and the same filters over the previous
    period) and ``{"year": Y | None, "current": {...} | None, "year_before": {...} | None}`` (the
    latest year of the range and the year before it, :func:`dashboard.queries.overview.kpi_trend`'s
    years). "countries" counts international partners' countries (:mod:`dashboard.queries.domestic`)."""
    from dashboard.queries.domestic import home_country
    from dashboard.queries.overview import kpi_spans, trend_years

    p = periods(url, f)
    prev_f = p.filters(f, "previous") if p else None
    year, has_year_before = trend_years(url, f)
    spans = [(f.year_from, f.year_to)]
    slot = {}
    if prev_f is not None:
        slot["previous"] = len(spans)
        spans.append((prev_f.year_from, prev_f.year_to))
    if year is not None:
        slot["current"] = len(spans)
        spans.append((year, year))
        if has_year_before:
            slot["year_before"] = len(spans)
            spans.append((year - 1, year - 1))
    k = kpi_spans(url, f, spans, home_country())
    out: dict[str, Any] = {"periods": p, "total": k[0], "year": year}
    for key in ("previous", "current", "year_before"):
        out[key] = k[slot[key]] if key in slot else None
    return out


def kpi_periods(url: str, f: Filters) -> dict[str, Any]:
    """``{"periods": Periods | None, "total": {...}, "previous": {...} | None}``: the KPIs
    (documents, partners, countries, schools) of the filters as given, and of the same
    filters over the previous period; "countries" counts international partners' countries
    (:mod:`dashboard.queries.domestic`). Part of :func:`kpi_summary`."""
    s = kpi_summary(url, f)
    return {"periods": s["periods"], "total": s["total"], "previous": s["previous"]}


def sum_years(per_year: dict[int, int], span: tuple[int, int] | None) -> int | None:
    """The sum of a ``{year: n}`` table over ``span`` (None for no span)."""
    if span is None:
        return None
    return sum(int(v) for y, v in per_year.items() if span[0] <= y <= span[1])


__all__ = ["Periods", "periods", "kpi_summary", "kpi_periods", "sum_years"]
