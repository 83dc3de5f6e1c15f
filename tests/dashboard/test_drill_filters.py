"""The filter widgets added for cross-filtering (countries/regions, partner kinds, language):
URL ⇄ widgets ⇄ store, regions expanded to the countries present, other URL parameters kept."""
from __future__ import annotations

from dash import no_update

from dashboard import ids
from dashboard.components.filters import country_options, filter_bar, filters_from_widgets, sync_all
from dashboard.queries.common import Filters
from dashboard.regions import country_label, expand_regions, region_of

PRESENT = ["AU", "DE", "GB", "JP", "PL", "US"]


def test_country_options_offer_regions_with_counts_then_countries():
    opts = country_options(PRESENT)
    values = [o["value"] for o in opts]
    assert values[:4] == ["@EU", "@AS", "@NA", "@OC"], "regions first, in the bar's order, only those present"
    eu = opts[0]
    assert eu["label"] == "Europe · 3 countries" and "欧洲" in eu["search"]
    countries = [o for o in opts if not o["value"].startswith("@")]
    assert [o["value"] for o in countries] == ["AU", "DE", "JP", "PL", "GB", "US"], "sorted by English name"
    assert "德国" in next(o for o in countries if o["value"] == "DE")["search"]
    assert country_options([]) == []


def test_regions_expand_to_the_countries_present():
    assert expand_regions(["@EU", "jp"], PRESENT) == ["DE", "GB", "JP", "PL"]
    assert expand_regions(["@AF"], PRESENT) == []
    assert region_of("HK") == "AS" and region_of(None) is None and region_of(float("nan")) is None
    assert country_label("KR", "zh") == "韩国" and country_label("DE", "zh") == "德国"
    assert country_label("DE") == "Germany" and country_label(None) == "Unknown"


def test_url_drives_every_widget_and_widgets_drive_the_url():
    search = "?from=2019&country=DE,JP&pkind=university&lang=zh&ui=zh"
    out = sync_all(ids.URL, search, None, None, None, None, None, None, 2016, 2025, PRESENT)
    _s, years, schools, kinds, countries, pkinds, lang, store, summary = out
    assert (years, countries, pkinds, lang) == ([2019, 2025], ["DE", "JP"], ["university"], "zh")
    assert Filters.from_dict(store) == Filters.make(year_from=2019, countries=["DE", "JP"],
                                                    partner_kinds=["university"], language="zh")
    assert summary == "4 项筛选", "the summary speaks the URL's interface language (ui=zh)"
    # Picking a region in the dropdown: the URL lists its countries, the dropdown shows them.
    out = sync_all(ids.FILTER_COUNTRIES, "?ui=zh", [2016, 2025], [], [], ["@EU"], [], None, 2016, 2025,
                   ["@EU", "@AS", *PRESENT])
    assert out[0] == "?country=DE,GB,PL&ui=zh", "the interface language survives a filter change"
    assert out[4] == ["DE", "GB", "PL"]
    # A plain country: the dropdown is left alone (no echo), the URL follows.
    out = sync_all(ids.FILTER_COUNTRIES, "?country=DE", [2016, 2025], [], [], ["DE", "JP"], [], None, 2016, 2025,
                   PRESENT)
    assert out[0] == "?country=DE,JP" and out[4] is no_update
    # Partner kinds and language.
    out = sync_all(ids.FILTER_LANGUAGE, "", [2016, 2025], [], [], [], ["company"], "en", 2016, 2025, PRESENT)
    assert Filters.from_dict(out[7]) == Filters.make(partner_kinds=["company"], language="en")
    # Clearing the language widget clears the filter (None is "all", not "keep").
    out = sync_all(ids.FILTER_LANGUAGE, "?lang=en", [2016, 2025], [], [], [], [], None, 2016, 2025, PRESENT)
    assert out[0] == "" and Filters.from_dict(out[7]).language is None
    # Reset keeps the interface language.
    out = sync_all(ids.FILTER_RESET, "?country=DE&ui=zh", [2018, 2020], [1], [], ["DE"], [], "en", 2016, 2025)
    assert out[0] == "?ui=zh" and out[4:7] == ([], [], None)


def test_widgets_not_on_the_bar_keep_the_url_values():
    base = Filters.make(countries=["de"], partner_kinds=["ngo"], language="en")
    f = filters_from_widgets([2016, 2025], [2], None, 2016, 2025, base=base)
    assert (f.countries, f.partner_kinds, f.language, f.schools) == (("DE",), ("ngo",), "en", (2,))
    f = filters_from_widgets([2016, 2025], [], None, 2016, 2025, base=base, countries=[], partner_kinds=[],
                             language=None)
    assert f == Filters()


def test_filter_bar_has_every_widget_labelled():
    import pandas as pd

    bar = filter_bar(pd.DataFrame(columns=["id", "name", "zh"]), (2016, 2025), PRESENT)
    found: dict[str, object] = {}

    def walk(c):
        if isinstance(c, (list, tuple)):
            for x in c:
                walk(x)
            return
        if c is None or isinstance(c, (str, int)):
            return
        if getattr(c, "id", None):
            found[c.id] = c
        if getattr(c, "htmlFor", None):
            found["label:" + c.htmlFor] = c
        walk(getattr(c, "children", None))

    walk(bar)
    for wid in (ids.FILTER_YEARS, ids.FILTER_SCHOOLS, ids.FILTER_KINDS, ids.FILTER_COUNTRIES,
                ids.FILTER_PARTNER_KINDS, ids.FILTER_LANGUAGE):
        assert wid in found and "label:" + wid in found, wid
    assert [o["value"] for o in found[ids.FILTER_LANGUAGE].options] == ["en", "zh"]
    assert {o["value"] for o in found[ids.FILTER_PARTNER_KINDS].options} >= {"university", "company"}
