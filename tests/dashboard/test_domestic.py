"""Domestic partners (a company in the home country) are partners, not international ones: the
"Countries" KPI and the maps leave the home country out and say so (dashboard/queries/domestic.py)."""
from __future__ import annotations

from dashboard.queries import domestic, overview, periods
from dashboard.queries.common import Filters


def test_the_home_country_is_apart_in_kpis_and_maps(world, home):
    url = world.url
    f = Filters()
    every = overview.countries(url, f)
    code = str(every.iloc[0]["country"])          # make the busiest partner country the "home" one
    home(None)
    assert periods.kpi_periods(url, f)["total"]["countries"] == overview.kpis(url, f)["countries"]
    assert code in set(domestic.countries(url, f)["country"])

    home(code)
    k = periods.kpi_periods(url, f)["total"]
    assert k["countries"] == overview.kpis(url, f)["countries"] - 1
    assert k["countries"] == sum(1 for c in every["country"] if domestic.is_international(c))
    intl = domestic.countries(url, f)
    assert code not in set(intl["country"]) and len(intl) == len(every) - 1
    dom = intl.attrs["domestic"]
    row = every[every["country"] == code].iloc[0]
    assert dom == {"country": code, "partners": int(row["partners"]), "documents": int(row["documents"])}

    # the map and the country bars say what they leave out, in the interface language
    from dashboard.figures import overview as fo

    fig = fo.countries_map(intl, lang="en")
    note = [a.text for a in fig.layout.annotations if "Domestic partners" in a.text]
    assert note and f"{dom['partners']} partner" in note[0]
    from dashboard.labels import alpha3

    assert alpha3(code) not in set(list(fig.data[0].locations))
    zh = fo.top_countries(intl, lang="zh")
    assert any("国内合作伙伴" in a.text for a in zh.layout.annotations)


def test_a_filter_without_domestic_partners_keeps_every_country(world, home):
    url = world.url
    every = overview.countries(url, Filters())
    home(str(every.iloc[0]["country"]))
    other = str(every.iloc[-1]["country"])
    f = Filters.make(countries=[other])
    assert periods.kpi_periods(url, f)["total"]["countries"] == overview.kpis(url, f)["countries"] == 1
    assert "domestic" not in domestic.countries(url, f).attrs
