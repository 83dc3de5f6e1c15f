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
from dashboard.labels import (
    KIND_LABELS,
    add_translations,
    kind_label,
    kind_name,
    language_name,
    local_name,
    partner_kind_name,
    t,
    ui_from_search,
)
from dashboard.queries.common import Filters
from etl.load.models import ACTIVITY_KINDS

# (widget id, label, placeholder) of each filter, in the bar's order: the layout and the
# language switch (:func:`bar_texts`) read the same table.
FILTER_TEXTS = (
    (ids.FILTER_YEARS, "Years", None),
    (ids.FILTER_SCHOOLS, "Schools", "All schools"),
    (ids.FILTER_KINDS, "Activity kinds", "All kinds of activity"),
    (ids.FILTER_COUNTRIES, "Countries / regions", "All countries"),
    (ids.FILTER_PARTNER_KINDS, "Partner kinds", "All partners"),
    (ids.FILTER_LANGUAGE, "Language", "All"),
)
RESET_TEXT = "Reset filters"
# The title (tooltip) of a country option offered only because the URL filters on it: no partner
# on record is in that country (see :func:`url_countries`). Only these options have a title.
ABSENT_TITLE = "No partner on record in this country"

add_translations({
    "Years": "年份",
    "Schools": "学院",
    "All schools": "全部学院",
    "Activity kinds": "活动类型",
    "All kinds of activity": "全部活动类型",
    "Countries / regions": "国家 / 地区",
    "All countries": "全部国家",
    "Partner kinds": "合作伙伴类型",
    "All partners": "全部合作伙伴",
    "Language": "语言",
    "All": "全部",
    RESET_TEXT: "清除筛选",
    "No filter": "未筛选",
    "{n} filter on": "{n} 项筛选",
    "{n} filters on": "{n} 项筛选",
    "{n} country": "{n} 个国家",
    "{n} countries": "{n} 个国家",
    "Filters": "筛选",
    ABSENT_TITLE: "暂无该国家的合作伙伴记录",
})


def label_id(widget_id: str) -> str:
    """The id of a filter's ``<label>`` (its text follows the interface language)."""
    return f"{widget_id}-label"


def school_options(schools: pd.DataFrame, lang: str = "en") -> list[dict[str, Any]]:
    """Dropdown options: the name in the interface language shown (Chinese where known),
    English and Chinese names searchable."""
    return [{"label": local_name(r.name, r.zh, lang), "value": int(r.id),
             "search": f"{r.name} {r.zh if isinstance(r.zh, str) else ''}"}
            for r in schools.itertuples(index=False)]


def country_options(countries: list[str] | tuple[str, ...] | None, lang: str = "en",
                    absent: list[str] | tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Regions first (``"@EU"`` = every European country present), then the countries by name;
    English, Chinese and the ISO code are searchable. ``absent``: countries the URL filters on
    that no partner on record is in (:func:`url_countries`), listed among the others by name,
    with :data:`ABSENT_TITLE`, and counted in no region."""
    from dashboard.regions import REGION_PREFIX, REGIONS, country_label, region_label, region_of

    present = sorted(set(countries or ()))
    absent = sorted(set(absent) - set(present))
    counts: dict[str, int] = {}
    for c in present:
        r = region_of(c)
        if r:
            counts[r] = counts.get(r, 0) + 1
    opts = [{"label": f"{region_label(r, lang)} · "
                      + t("{n} country" if counts[r] == 1 else "{n} countries", lang).format(n=counts[r]),
             "value": REGION_PREFIX + r, "search": f"{REGIONS[r][0]} {REGIONS[r][1]} region"}
            for r in REGIONS if counts.get(r)]
    # Sorted by English name in both languages: the order people know from the English list.
    named = sorted(((country_label(c), c) for c in present + absent), key=lambda x: x[0])
    opts += [{"label": country_label(c, lang), "value": c, "search": f"{name} {country_label(c, 'zh')} {c}"}
             | ({"title": t(ABSENT_TITLE, lang)} if c in absent else {})
             for name, c in named]
    return opts


def present_countries(options: Any) -> list[str]:
    """The partner countries on record among the country dropdown's ``options``: neither a region
    token nor a country offered only because the URL filters on it (an option with a title)."""
    return [o.get("value") for o in _as_list(options)
            if isinstance(o, dict) and isinstance(o.get("value"), str) and not o["value"].startswith("@")
            and not o.get("title")]


def url_countries(search: str | None, present: list[str] | tuple[str, ...] | None) -> list[str]:
    """The countries the URL's filter names that no partner on record is in (``?country=FR`` when
    none is in France): the dropdown offers them too, or it would drop the filter for want of the
    option. Only real country codes (:func:`dashboard.regions.is_country`): a crafted or unknown
    value (``<script>``, ``ZZ``) is offered nothing, and the dropdown drops it as before."""
    from dashboard.regions import is_country

    have = set(present or ())
    return [c for c in Filters.from_search(search).countries if c not in have and is_country(c)]


def url_country_options(search: str | None, options: Any) -> list[dict[str, Any]] | Any:
    """The country dropdown's options for a URL just arrived (page load, back/forward, a link):
    the partner countries on record plus :func:`url_countries`, sent with the dropdown's value so
    the two arrive together; ``no_update`` when there is nothing to add and nothing to take away."""
    present = present_countries(options)
    absent = url_countries(search, present)
    had = any(isinstance(o, dict) and o.get("title") for o in _as_list(options))
    if not absent and not had:
        return no_update
    return country_options(present, ui_from_search(search), absent)


def partner_kind_options(lang: str = "en") -> list[dict[str, Any]]:
    from dashboard.labels import PARTNER_KIND_LABELS

    return [{"label": partner_kind_name(k, lang), "value": k, "search": f"{label} {t(label, 'zh')}"}
            for k, label in PARTNER_KIND_LABELS.items()]


def language_options(lang: str = "en") -> list[dict[str, Any]]:
    from dashboard.labels import LANGUAGE_LABELS

    return [{"label": language_name(k, lang), "value": k} for k in LANGUAGE_LABELS]


def kind_options(lang: str = "en") -> list[dict[str, Any]]:
    return [{"label": kind_name(k, lang), "value": k, "search": f"{kind_label(k)} {KIND_LABELS.get(k, ('', ''))[1]}"}
            for k in ACTIVITY_KINDS]


def year_marks(lo: int, hi: int) -> dict[int, str]:
    """Year labels under the slider: every year when few, else every 2nd or 5th counted back
    from the latest year (the one people look for), so labels never run into each other."""
    span = hi - lo
    step = 1 if span <= 7 else 2 if span <= 16 else 5
    marks = {y: str(y) for y in range(hi, lo - 1, -step)}
    # The first year is labelled too (where the range starts); a label too close to it makes room.
    if lo not in marks:
        for y in range(lo + 1, lo + (step + 1) // 2 + 1):
            marks.pop(y, None)
        marks[lo] = str(lo)
    return dict(sorted(marks.items()))


def filter_bar(schools: pd.DataFrame, bounds: tuple[int, int] | None,
               countries: list[str] | None = None, lang: str = "en") -> html.Section:
    """The bar of filters: year range, schools, activity kinds, partner countries/regions,
    partner kinds, document language, reset. ``countries`` are the partner countries on record.
    Texts in ``lang``; the language switch relabels the bar in place (:func:`bar_texts`)."""
    lo, hi = bounds or (2015, 2025)
    label = {w: t(text, lang) for w, text, _ in FILTER_TEXTS}
    hint = {w: t(text, lang) for w, _, text in FILTER_TEXTS if text}

    def col(widget_id: str, widget, extra: str = "") -> html.Div:
        return html.Div([html.Label(label[widget_id], htmlFor=widget_id, id=label_id(widget_id),
                                    className="filter-label"), widget],
                        className=f"filter-col {extra}".strip())

    return html.Section(
        html.Div(
            [
                col(ids.FILTER_YEARS,
                    dcc.RangeSlider(id=ids.FILTER_YEARS, min=lo, max=hi, step=1, value=[lo, hi],
                                    marks=year_marks(lo, hi), allowCross=False, allow_direct_input=False,
                                    tooltip={"placement": "bottom", "always_visible": False},
                                    disabled=bounds is None, className="filter-years"), "filter-col-years"),
                col(ids.FILTER_SCHOOLS,
                    dcc.Dropdown(id=ids.FILTER_SCHOOLS, options=school_options(schools, lang), value=[], multi=True,
                                 placeholder=hint[ids.FILTER_SCHOOLS], className="filter-dropdown")),
                col(ids.FILTER_KINDS,
                    dcc.Dropdown(id=ids.FILTER_KINDS, options=kind_options(lang), value=[], multi=True,
                                 placeholder=hint[ids.FILTER_KINDS], className="filter-dropdown")),
                col(ids.FILTER_COUNTRIES,
                    dcc.Dropdown(id=ids.FILTER_COUNTRIES, options=country_options(countries, lang), value=[],
                                 multi=True, placeholder=hint[ids.FILTER_COUNTRIES], className="filter-dropdown")),
                col(ids.FILTER_PARTNER_KINDS,
                    dcc.Dropdown(id=ids.FILTER_PARTNER_KINDS, options=partner_kind_options(lang), value=[],
                                 multi=True, placeholder=hint[ids.FILTER_PARTNER_KINDS], className="filter-dropdown")),
                col(ids.FILTER_LANGUAGE,
                    dcc.Dropdown(id=ids.FILTER_LANGUAGE, options=language_options(lang), value=None, multi=False,
                                 clearable=True, searchable=False, placeholder=hint[ids.FILTER_LANGUAGE],
                                 className="filter-dropdown"), "filter-col-lang"),
                html.Div([
                    html.Div(id=ids.FILTER_SUMMARY, className="filter-summary", **{"aria-live": "polite"}),
                    dbc.Button(t(RESET_TEXT, lang), id=ids.FILTER_RESET, color="link", size="sm",
                               className="filter-reset"),
                ], className="filter-col filter-actions"),
            ],
            className="filter-grid",
        ),
        className="filter-bar", id=ids.FILTER_BAR, **{"aria-label": "Filters"},
    )


def _years_value(f: Filters, lo: int | None, hi: int | None) -> list[int] | Any:
    if lo is None or hi is None:
        return no_update
    y0 = lo if f.year_from is None else max(lo, min(hi, f.year_from))
    y1 = hi if f.year_to is None else max(lo, min(hi, f.year_to))
    return [y0, y1]


_KEEP: Any = object()   # "this widget is not on the bar": the value stays as the URL says


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) < 10**6


def filters_from_widgets(years: list[int] | None, schools: list | None, kinds: list | None,
                         lo: int | None, hi: int | None, base: Filters | None = None, *,
                         countries: Any = _KEEP, partner_kinds: Any = _KEEP, language: Any = _KEEP,
                         present_countries: list[str] | None = None) -> Filters:
    """The filter set the widgets show; a slider end at its bound means "no limit".

    Region tokens among ``countries`` (``"@EU"``) stand for the ``present_countries`` of
    that region. A widget passed as ``_KEEP`` (the default) keeps ``base``'s value.
    """
    from dashboard.regions import expand_regions

    y0 = y1 = None
    if years and len(years) == 2 and lo is not None and hi is not None:
        y0 = years[0] if years[0] > lo else None
        y1 = years[1] if years[1] < hi else None
    base = base or Filters()
    return Filters.make(
        year_from=y0, year_to=y1, schools=schools or (), activity_kinds=kinds or (),
        countries=base.countries if countries is _KEEP else expand_regions(countries or [], present_countries or []),
        partner_kinds=base.partner_kinds if partner_kinds is _KEEP else (partner_kinds or ()),
        language=base.language if language is _KEEP else language)


def without_full_range(f: Filters, lo: int | None, hi: int | None) -> Filters:
    """``f`` with a year bound at (or beyond) the data's first or last year dropped: a range
    covering every year on record is no filter (a link with ``from=2015&to=2025`` included)."""
    from dataclasses import replace

    if lo is None or hi is None:
        return f
    y0 = f.year_from if f.year_from is not None and f.year_from > lo else None
    y1 = f.year_to if f.year_to is not None and f.year_to < hi else None
    return f if (y0, y1) == (f.year_from, f.year_to) else replace(f, year_from=y0, year_to=y1)


def filter_summary(f: Filters, lang: str = "en") -> str:
    """"No filter" / "1 filter on" / "3 filters on": the year range counts once, whichever of
    its ends is set."""
    years = f.year_from if f.year_from is not None else f.year_to
    n = sum(1 for v in (years, f.schools, f.activity_kinds, f.countries,
                        f.partner_kinds, f.language) if v not in (None, ()))
    return t("No filter", lang) if n == 0 else t("{n} filters on" if n > 1 else "{n} filter on", lang).format(n=n)


def sync_all(trigger: str | None, search: str | None, years: list[int] | None, schools: list | None,
             kinds: list | None, countries: list | None, partner_kinds: list | None, language: str | None,
             lo: int | None, hi: int | None, country_values: list[str] | None = None) -> tuple:
    """Keep URL, every widget and the store in step.

    ``trigger`` is the id of what changed: ``ids.URL`` (page load, back/forward) or None
    (first call) → widgets follow the URL; a widget → the URL follows the widgets;
    ``ids.FILTER_RESET`` → everything cleared. ``country_values`` are the values the
    country dropdown offers (regions are expanded to those). Returns ``(search, years,
    schools, kinds, countries, partner_kinds, language, store, summary)``; ``no_update``
    where nothing changes.
    """
    present = [v for v in (country_values or []) if not str(v).startswith("@")]
    url_filters = without_full_range(Filters.from_search(search), lo, hi)
    lang = ui_from_search(search)
    if trigger in (None, ids.URL):
        f = url_filters
        return (no_update, _years_value(f, lo, hi), list(f.schools), list(f.activity_kinds), list(f.countries),
                list(f.partner_kinds), f.language, f.to_dict(), filter_summary(f, lang))
    if trigger == ids.FILTER_RESET:
        f = Filters()
        cleared = _keep_other_params(search, f)
        return (cleared if (search or "") != cleared else no_update,
                [lo, hi] if lo is not None else no_update, [], [], [], [], None, f.to_dict(), filter_summary(f, lang))
    f = filters_from_widgets(years, schools, kinds, lo, hi, base=url_filters, countries=countries,
                             partner_kinds=partner_kinds, language=language, present_countries=present)
    new_search = _keep_other_params(search, f)
    # A region picked in the country dropdown is shown as its countries.
    picked = [] if countries is _KEEP else (countries or [])
    shown = list(f.countries) if any(str(c).startswith("@") for c in picked) else no_update
    return (new_search if new_search != (search or "") else no_update, no_update, no_update, no_update, shown,
            no_update, no_update, f.to_dict(), filter_summary(f, lang))


def _keep_other_params(search: str | None, f: Filters) -> str:
    """The query string for ``f``, keeping parameters that are not filters (``ui=zh``) after them."""
    from urllib.parse import parse_qsl, urlencode

    keys = set(Filters.KEYS.values())
    rest = [(k, v) for k, v in parse_qsl((search or "").lstrip("?")) if k not in keys]
    q = list(f.to_query().items()) + rest
    return "?" + urlencode(q, safe=",") if q else ""


def sync_filters(trigger: str | None, search: str | None, years: list[int] | None, schools: list | None,
                 kinds: list | None, lo: int | None, hi: int | None) -> tuple:
    """:func:`sync_all` for a bar of years, schools and kinds only (the other filters stay as
    the URL says). Returns ``(search, years, schools, kinds, store, summary)``.
    """
    out = sync_all(trigger, search, years, schools, kinds, _KEEP, _KEEP, _KEEP, lo, hi)
    return out[0], out[1], out[2], out[3], out[7], out[8]


def bar_texts(search: str | None, schools: pd.DataFrame | None, country_values: list | None,
              current_label: str | None = None) -> tuple:
    """The bar's texts in the URL's interface language, for the language switch: ``(labels…,
    placeholders…, school options, kind options, country options, partner-kind options,
    language options, reset text, bar's aria-label)``; labels and placeholders in
    :data:`FILTER_TEXTS` order (placeholders of the dropdowns only). The option values stay
    the same, so the chosen filters are kept. ``no_update`` everywhere when the bar already
    speaks that language (``current_label`` is the years label shown now)."""
    lang = ui_from_search(search)
    labels = [t(text, lang) for _, text, _ in FILTER_TEXTS]
    if current_label is not None and current_label == labels[0]:
        return (no_update,) * (len(FILTER_TEXTS) * 2 - 1 + 5 + 2)
    hints = [t(text, lang) for _, _, text in FILTER_TEXTS if text]
    present = [v for v in (country_values or []) if not str(v).startswith("@")]
    school_opts = school_options(schools, lang) if schools is not None else no_update
    country_opts = country_options(present, lang, url_countries(search, present))
    return (*labels, *hints, school_opts, kind_options(lang), country_opts,
            partner_kind_options(lang), language_options(lang), t(RESET_TEXT, lang), t("Filters", lang))


def register_callbacks(app) -> None:
    @app.callback(
        *[Output(label_id(w), "children") for w, _, _ in FILTER_TEXTS],
        *[Output(w, "placeholder") for w, _, hint in FILTER_TEXTS if hint],
        Output(ids.FILTER_SCHOOLS, "options"),
        Output(ids.FILTER_KINDS, "options"),
        Output(ids.FILTER_COUNTRIES, "options"),
        Output(ids.FILTER_PARTNER_KINDS, "options"),
        Output(ids.FILTER_LANGUAGE, "options"),
        Output(ids.FILTER_RESET, "children"),
        Output(ids.FILTER_BAR, "aria-label"),
        Input(ids.URL, "search"),
        State(label_id(ids.FILTER_YEARS), "children"),
        State(ids.FILTER_COUNTRIES, "options"),
    )
    def _language(search, current_label, country_opts):
        from sqlalchemy.exc import SQLAlchemyError

        from dashboard.cache import cached
        from dashboard.context import database_url
        from dashboard.queries import common as q

        if current_label == t(FILTER_TEXTS[0][1], ui_from_search(search)):
            return bar_texts(search, None, None, current_label)
        try:
            schools = cached(q.schools, database_url())
        except SQLAlchemyError:
            schools = None
        return bar_texts(search, schools, present_countries(country_opts))

    @app.callback(
        Output(ids.URL, "search"),
        Output(ids.FILTER_YEARS, "value"),
        Output(ids.FILTER_SCHOOLS, "value"),
        Output(ids.FILTER_KINDS, "value"),
        Output(ids.FILTER_COUNTRIES, "value"),
        Output(ids.FILTER_PARTNER_KINDS, "value"),
        Output(ids.FILTER_LANGUAGE, "value"),
        Output(ids.FILTERS, "data"),
        Output(ids.FILTER_SUMMARY, "children"),
        # with the value, so the dropdown never holds a URL's country without its option (it would drop it)
        Output(ids.FILTER_COUNTRIES, "options", allow_duplicate=True),
        Input(ids.URL, "search"),
        Input(ids.FILTER_YEARS, "value"),
        Input(ids.FILTER_SCHOOLS, "value"),
        Input(ids.FILTER_KINDS, "value"),
        Input(ids.FILTER_COUNTRIES, "value"),
        Input(ids.FILTER_PARTNER_KINDS, "value"),
        Input(ids.FILTER_LANGUAGE, "value"),
        Input(ids.FILTER_RESET, "n_clicks"),
        State(ids.FILTER_YEARS, "min"),
        State(ids.FILTER_YEARS, "max"),
        State(ids.FILTER_COUNTRIES, "options"),
        prevent_initial_call="initial_duplicate",   # it runs at page load, as before the duplicate output
    )
    def _sync(search, years, schools, kinds, countries, pkinds, language, _reset, lo, hi, country_opts):
        # What the widgets can send: two numbers for the slider, lists for the dropdowns; a
        # crafted value of another type is no choice (the filter is ignored).
        years = years if isinstance(years, list) and len(years) == 2 and all(map(_is_number, years)) else None
        lo, hi = (x if _is_number(x) else None for x in (lo, hi))
        trigger = ctx.triggered_id
        out = sync_all(trigger, search, years, _as_list(schools), _as_list(kinds), _as_list(countries),
                       _as_list(pkinds), language if isinstance(language, str) else None, lo, hi,
                       present_countries(country_opts))
        # A country from the URL that no partner is in (?country=FR) gets its option with the value:
        # the dropdown drops a value it has no option for (and the URL with it) when it first gets one.
        opts = url_country_options(search, country_opts) if trigger in (None, ids.URL) else no_update
        return (*out, opts)
