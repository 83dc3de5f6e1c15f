"""The filter bar shared by every page, and its two-way binding with the URL query string.

The URL is the source of truth: a link reproduces the view, reload keeps it, and
back/forward move through earlier views. One callback (:func:`sync_filters`) keeps the
widgets, the query string and the ``ids.FILTERS`` store in step; pages listen to the
store only, so a chart is computed once per change whichever side the change came from.

Our own ``dcc.Location`` (``refresh=False``) writes the query string with
``history.pushState`` and, unlike the pages router's ``callback-nav`` location, does not
ask the router to re-render the page: changing a filter recomputes the charts, it does
not rebuild the page.
"""
from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, ctx, dcc, html, no_update

from dashboard import ids
from dashboard.labels import KIND_LABELS, kind_label
from dashboard.queries import Filters
from etl.load.models import ACTIVITY_KINDS


def school_options(schools: pd.DataFrame) -> list[dict[str, Any]]:
    """Dropdown options: the English name shown, English and Chinese names searchable."""
    return [{"label": r.name, "value": int(r.id), "search": f"{r.name} {r.zh or ''}"}
            for r in schools.itertuples(index=False)]


def kind_options() -> list[dict[str, Any]]:
    return [{"label": kind_label(k), "value": k, "search": f"{kind_label(k)} {KIND_LABELS.get(k, ('', ''))[1]}"}
            for k in ACTIVITY_KINDS]


def year_marks(lo: int, hi: int) -> dict[int, str]:
    """Year labels under the slider: every year when few, else every 2nd or 5th counted back
    from the latest year (the one people look for), so labels never run into each other."""
    span = hi - lo
    step = 1 if span <= 7 else 2 if span <= 16 else 5
    return {y: str(y) for y in range(hi, lo - 1, -step)}


def filter_bar(schools: pd.DataFrame, bounds: tuple[int, int] | None) -> html.Section:
    """The bar of filters: year range, schools, activity kinds, reset."""
    lo, hi = bounds or (2015, 2025)
    return html.Section(
        dbc.Row(
            [
                dbc.Col([
                    html.Label("Years", htmlFor=ids.FILTER_YEARS, className="filter-label"),
                    dcc.RangeSlider(id=ids.FILTER_YEARS, min=lo, max=hi, step=1, value=[lo, hi],
                                    marks=year_marks(lo, hi), allowCross=False, allow_direct_input=False,
                                    tooltip={"placement": "bottom", "always_visible": False},
                                    disabled=bounds is None, className="filter-years"),
                ], lg=4, md=12, className="filter-col"),
                dbc.Col([
                    html.Label("Schools", htmlFor=ids.FILTER_SCHOOLS, className="filter-label"),
                    dcc.Dropdown(id=ids.FILTER_SCHOOLS, options=school_options(schools), value=[], multi=True,
                                 placeholder="All schools", className="filter-dropdown"),
                ], lg=3, md=6, className="filter-col"),
                dbc.Col([
                    html.Label("Activity kinds", htmlFor=ids.FILTER_KINDS, className="filter-label"),
                    dcc.Dropdown(id=ids.FILTER_KINDS, options=kind_options(), value=[], multi=True,
                                 placeholder="All kinds of activity", className="filter-dropdown"),
                ], lg=3, md=6, className="filter-col"),
                dbc.Col([
                    html.Div(id=ids.FILTER_SUMMARY, className="filter-summary", **{"aria-live": "polite"}),
                    dbc.Button("Reset filters", id=ids.FILTER_RESET, color="link", size="sm",
                               className="filter-reset"),
                ], lg=2, md=12, className="filter-col filter-actions"),
            ],
            className="g-3 align-items-end",
        ),
        className="filter-bar", id=ids.FILTER_BAR, **{"aria-label": "Filters"},
    )


def _years_value(f: Filters, lo: int | None, hi: int | None) -> list[int] | Any:
    if lo is None or hi is None:
        return no_update
    y0 = lo if f.year_from is None else max(lo, min(hi, f.year_from))
    y1 = hi if f.year_to is None else max(lo, min(hi, f.year_to))
    return [y0, y1]


def filters_from_widgets(years: list[int] | None, schools: list | None, kinds: list | None,
                         lo: int | None, hi: int | None, base: Filters | None = None) -> Filters:
    """The filter set the widgets show; a slider end at its bound means "no limit"."""
    y0 = y1 = None
    if years and len(years) == 2 and lo is not None and hi is not None:
        y0 = years[0] if years[0] > lo else None
        y1 = years[1] if years[1] < hi else None
    base = base or Filters()
    return Filters.make(year_from=y0, year_to=y1, schools=schools or (), activity_kinds=kinds or (),
                        countries=base.countries, partner_kinds=base.partner_kinds, language=base.language)


def filter_summary(f: Filters) -> str:
    n = sum(1 for v in (f.year_from, f.year_to, f.schools, f.activity_kinds, f.countries,
                        f.partner_kinds, f.language) if v not in (None, ()))
    return "No filter" if n == 0 else f"{n} filter{'s' if n > 1 else ''} on"


def sync_filters(trigger: str | None, search: str | None, years: list[int] | None, schools: list | None,
                 kinds: list | None, lo: int | None, hi: int | None) -> tuple:
    """Keep URL, widgets and store in step.

    ``trigger`` is the id of what changed: ``ids.URL`` (page load, back/forward) or None
    (first call) → widgets follow the URL; a widget → the URL follows the widgets;
    ``ids.FILTER_RESET`` → everything cleared. Returns ``(search, years, schools,
    kinds, store, summary)``; ``no_update`` where nothing changes.
    """
    url_filters = Filters.from_search(search)
    if trigger in (None, ids.URL):
        f = url_filters
        return (no_update, _years_value(f, lo, hi), list(f.schools), list(f.activity_kinds),
                f.to_dict(), filter_summary(f))
    if trigger == ids.FILTER_RESET:
        f = Filters()
        return (f.to_search() if (search or "") != f.to_search() else no_update,
                [lo, hi] if lo is not None else no_update, [], [], f.to_dict(), filter_summary(f))
    # Filters the bar has no widget for yet (country, partner kind, language) stay as the URL says.
    f = filters_from_widgets(years, schools, kinds, lo, hi, base=url_filters)
    new_search = f.to_search()
    return (new_search if new_search != (search or "") else no_update, no_update, no_update, no_update,
            f.to_dict(), filter_summary(f))


def register_callbacks(app) -> None:
    @app.callback(
        Output(ids.URL, "search"),
        Output(ids.FILTER_YEARS, "value"),
        Output(ids.FILTER_SCHOOLS, "value"),
        Output(ids.FILTER_KINDS, "value"),
        Output(ids.FILTERS, "data"),
        Output(ids.FILTER_SUMMARY, "children"),
        Input(ids.URL, "search"),
        Input(ids.FILTER_YEARS, "value"),
        Input(ids.FILTER_SCHOOLS, "value"),
        Input(ids.FILTER_KINDS, "value"),
        Input(ids.FILTER_RESET, "n_clicks"),
        State(ids.FILTER_YEARS, "min"),
        State(ids.FILTER_YEARS, "max"),
    )
    def _sync(search, years, schools, kinds, _reset, lo, hi):
        return sync_filters(ctx.triggered_id, search, years, schools, kinds, lo, hi)
