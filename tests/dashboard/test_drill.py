"""Drill-down: a chart element's spec, the documents and sentences behind it, and the panel.

The central property: for every chart, the panel behind an element counts exactly what
the element shows (documents for document charts, activities for activity charts), on
SQLite and PostgreSQL, within any filter set.
"""
from __future__ import annotations

import pytest
from dash import html

from dashboard.components import drilldown
from dashboard.figures import overview as figures
from dashboard.queries import overview as q
from dashboard.queries.common import Filters
from dashboard.queries.drill import DrillSpec, count, drill
from tests.dashboard import fixture_db


def _text(component) -> str:
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return " ".join(_text(c) for c in component)
    return _text(getattr(component, "children", None))


def _click(fig, trace: int = 0, point: int = 0) -> dict:
    """What Dash's clickData holds for a bar/choropleth point: its customdata."""
    return {"points": [{"curveNumber": trace, "customdata": fig.data[trace].customdata[point]}]}


# ---------------------------------------------------------------------------
# The spec: parsed from untrusted clicks
# ---------------------------------------------------------------------------
def test_spec_parses_clicks_and_drops_bad_values():
    assert DrillSpec.make({"school": "3", "year": 2021.0, "kind": "conference", "what": "activities"}) == \
        DrillSpec(school=3, year=2021, kind="conference", what="activities")
    bad = DrillSpec.make({"school": "3; DROP TABLE units", "country": "DEU", "kind": "bogus", "pkind": "<b>",
                          "lang": "fr", "what": "everything", "year": True, "partner": 10 ** 12})
    assert bad == DrillSpec() and bad.is_empty
    assert DrillSpec.make({"country": "de"}).country == "DE"
    # customdata: a list whose last dictionary is the spec (hover values come first).
    click = {"points": [{"customdata": ["Alpha", "阿尔法", {"partner": 7}, "trailing"]}]}
    assert DrillSpec.from_click(click) == DrillSpec(partner=7)
    assert DrillSpec.from_click({"points": [{"customdata": {"country": "JP"}}]}) == DrillSpec(country="JP")
    for nothing in (None, {}, {"points": []}, {"points": [{"x": 1}]}, {"points": [{"customdata": [1, 2]}]},
                    {"points": [{"customdata": {"bogus": 1}}]}, {"points": "x"}):
        assert DrillSpec.from_click(nothing) is None
    s = DrillSpec(school=3, year=2020, what="activities")
    assert DrillSpec.make(s.to_dict()) == s and "what" not in DrillSpec(school=3).to_dict()


def test_spec_narrows_filters_and_cross_filters():
    f = Filters.make(year_from=2018, schools=[1, 2], countries=["DE"], language="en")
    g = DrillSpec(school=2, year=2021, kind="conference").filters_for(f)
    assert (g.schools, g.year_from, g.year_to, g.activity_kinds, g.countries, g.language) == \
        ((2,), 2021, 2021, ("conference",), ("DE",), "en")
    assert DrillSpec(country="JP").cross_filter(Filters()) == Filters.make(countries=["JP"])
    assert DrillSpec(partner=5).cross_filter(f) is None, "no filter expresses one partner: its page does"
    assert DrillSpec(document=9).cross_filter(f) is None
    # The query string keeps what is not a filter (the interface language), and says nothing when unchanged.
    assert drilldown.apply_cross_filter("?ui=zh&from=2018", {"country": "PL", "year": 2020}) == \
        "?from=2020&to=2020&country=PL&ui=zh"
    assert drilldown.apply_cross_filter("?country=PL", {"country": "PL"}) is None
    assert drilldown.apply_cross_filter("?country=PL", {"partner": 3}) is None


# ---------------------------------------------------------------------------
# Counts behind every chart element equal the element
# ---------------------------------------------------------------------------
FILTER_SETS = [
    Filters(),
    Filters.make(year_from=2020, year_to=2023, language="en"),
    Filters.make(countries=["DE", "JP"], activity_kinds=["conference", "agreement", "delegation_visit"]),
]


@pytest.mark.parametrize("f", FILTER_SETS, ids=["all", "years+lang", "countries+kinds"])
def test_drill_counts_equal_every_overview_chart(ex, f):
    url = ex.url
    for r in q.activities_per_year(url, f).itertuples(index=False):
        assert count(url, f, DrillSpec(year=r.year, kind=r.kind, what="activities"))[1] == r.activities
    for r in q.activities_by_school(url, f).itertuples(index=False):
        assert count(url, f, DrillSpec(school=r.unit_id, kind=r.kind, what="activities"))[1] == r.activities
    for r in q.top_partners(url, f, limit=50).itertuples(index=False):
        assert count(url, f, DrillSpec(partner=r.partner_id))[0] == r.documents
    for r in q.countries(url, f).itertuples(index=False):
        assert count(url, f, DrillSpec(country=r.country))[0] == r.documents
    # and against the naive count of the fixture (not only SQL against SQL)
    exp = fixture_db.expected(ex.world, f)
    for pid, n in exp["partner_docs"].items():
        assert count(url, f, DrillSpec(partner=pid))[0] == n


def test_overview_figures_carry_the_spec_of_each_element(ex_sqlite):
    url, f = ex_sqlite.url, Filters()
    fig = figures.activities_per_year(q.activities_per_year(url, f))
    spec = DrillSpec.from_click(_click(fig, 0, 3))
    assert spec.what == "activities" and spec.year == fig.data[0].x[3] and spec.kind is not None
    assert count(url, f, spec)[1] == fig.data[0].y[3]
    fig = figures.activities_by_school(q.activities_by_school(url, f))
    spec = DrillSpec.from_click(_click(fig, 1, 0))
    assert spec.school is not None and count(url, f, spec)[1] == fig.data[1].x[0]
    fig = figures.top_partners(q.top_partners(url, f))
    spec = DrillSpec.from_click(_click(fig, 0, 0))
    assert count(url, f, spec)[0] == fig.data[0].x[0]
    df = q.countries(url, f)
    for fig in (figures.countries_map(df), figures.top_countries(df)):
        spec = DrillSpec.from_click(_click(fig, 0, 0))
        assert spec.country and count(url, f, spec)[0] == int(df.set_index("country").at[spec.country, "documents"])


# ---------------------------------------------------------------------------
# Documents and evidence
# ---------------------------------------------------------------------------
def test_drill_lists_documents_with_evidence_highlighted(ex):
    auto, alpha = ex.school("School of Automation"), ex.partner("Alpha University")
    res = drill(ex.url, Filters(), DrillSpec(school=auto, partner=alpha))
    story = ex.story_docs["alpha_visit"]
    assert story in set(res.documents["id"])
    assert ex.story_docs["gone_alpha"] not in set(res.documents["id"]), "a document gone at its source is not shown"
    row = res.documents.set_index("id").loc[story]
    assert row["date"] == "2023-05-10" and row["kinds"] == ["agreement", "delegation_visit"]
    ev = res.evidence[res.evidence["document_id"] == story]
    # Both mentions are in the first sentence: one quote, both highlighted.
    assert len(ev) == 1
    sentence, spans = ev.iloc[0]["sentence"], ev.iloc[0]["spans"]
    assert sentence.startswith("A delegation from Alpha University")
    assert sorted(sentence[a:b] for a, b in spans) == ["Alpha University", "School of Automation"]
    assert set(ev.iloc[0]["sources"]) == {"school", "partner"}
    assert res.labels["school"] == "School of Automation" and res.labels["partner"] == "Alpha University"


def test_activity_evidence_and_rejected_facts(ex):
    f = Filters()
    story = ex.story_docs["gamma_summer"]
    res = drill(ex.url, f, DrillSpec(kind="summer_school", year=2023, what="activities"))
    ev = res.evidence[res.evidence["document_id"] == story]
    quotes = [s[a:b] for s, spans in zip(ev["sentence"], ev["spans"]) for a, b in spans]
    assert "summer school" in quotes
    # Eta Agency's fact in that story was rejected by a curator: the story is not behind Eta.
    eta = ex.partner("Eta Agency")
    assert story not in set(drill(ex.url, f, DrillSpec(partner=eta), limit=500).documents["id"])
    # Countries: the partners of the country are the evidence.
    res = drill(ex.url, f, DrillSpec(country="JP"), limit=500)
    ev = res.evidence[res.evidence["document_id"] == story]
    assert any("Gamma University" in labels for labels in ev["labels"])


def test_drill_orders_newest_first_and_truncates(ex_sqlite):
    f = Filters()
    res = drill(ex_sqlite.url, f, DrillSpec(), limit=5)
    assert len(res.documents) == 5 and res.truncated
    assert res.total_documents == fixture_db.expected(ex_sqlite.world, f)["kpis"]["documents"]
    years = [y for y in res.documents["year"] if y is not None]
    assert years == sorted(years, reverse=True)


# ---------------------------------------------------------------------------
# The panel's content
# ---------------------------------------------------------------------------
def test_panel_content_names_the_element_counts_and_links(ex_sqlite):
    auto = ex_sqlite.school("School of Automation")
    c = drilldown.panel_content(ex_sqlite.url, {}, {"school": auto, "year": 2023, "what": "activities"}, "en",
                                "?ui=en")
    head = _text(c["head"])
    n_docs, n_acts = count(ex_sqlite.url, Filters(), DrillSpec(school=auto, year=2023, what="activities"))
    assert "School of Automation 自动化学院 · 2023" in head
    assert f"{n_docs} document" in head and f"{n_acts} activit" in head
    assert c["can_filter"] is True
    assert [link.href for link in c["links"]] == [f"/schools/{auto}?ui=en"], "links keep the page's query string"
    body = c["body"]
    titles = [a for a in _walk(body) if isinstance(a, html.A)]
    assert titles and all(a.href.startswith("/sources/doc/") for a in titles)
    marks = [m for m in _walk(body) if isinstance(m, html.Mark)]
    assert any(m.children == "School of Automation" for m in marks)
    # In Chinese, the school's Chinese name leads.
    zh = drilldown.panel_content(ex_sqlite.url, {}, {"school": auto}, "zh")
    assert "自动化学院" in _text(zh["head"]) and "篇文档" in _text(zh["head"])
    # A partner cannot be a filter: no filter button, a link to its page.
    p = drilldown.panel_content(ex_sqlite.url, {}, {"partner": ex_sqlite.partner("Alpha University")})
    assert p["can_filter"] is False and p["links"][0].href.startswith("/partners/")


def test_panel_content_when_nothing_or_no_database(ex_sqlite, tmp_path):
    c = drilldown.panel_content(ex_sqlite.url, {"countries": ["FR"]}, {"country": "FR"})
    assert "Nothing behind this element" in _text(c["body"])
    bare = f"sqlite:///{tmp_path / 'bare.db'}"
    c = drilldown.panel_content(bare, {}, {"country": "DE"})
    assert c["result"] is None and "cannot answer" in _text(c["body"])


def test_highlight_is_text_only():
    parts = drilldown.highlight("<b>Alpha</b> met Beta.", [(3, 8), (17, 21), (100, 120), (5, 2)])
    assert [p.children if isinstance(p, html.Mark) else p for p in parts] == ["<b>", "Alpha", "</b> met ", "Beta", "."]


def _walk(component):
    if isinstance(component, (list, tuple)):
        for c in component:
            yield from _walk(c)
        return
    if component is None or isinstance(component, (str, int, float)):
        return
    yield component
    yield from _walk(getattr(component, "children", None))
