"""Schools page and a school's page: queries against naive counts (SQLite and PostgreSQL),
figures, and the callbacks as plain functions."""
from __future__ import annotations

from collections import Counter

import pytest

from dashboard.figures import common as figures
from dashboard.figures.schools import HEAT_TITLE, school_year_heatmap
from dashboard.pages import school as school_page
from dashboard.pages import schools as schools_page
from dashboard.queries import overview as q
from dashboard.queries import schools as qs
from dashboard.queries.common import Filters
from dashboard.queries.drill import DrillSpec, count
from tests.dashboard import fixture_db
from tests.dashboard.conftest import explore_on
from tests.dashboard.fixture_explore import TODAY

FILTER_SETS = [
    Filters(),
    Filters.make(year_from=2020, year_to=2023),
    Filters.make(countries=["DE", "GB"], activity_kinds=["conference", "agreement", "summer_school"]),
    Filters.make(language="zh", partner_kinds=["university"]),
]
FILTER_IDS = ["all", "years", "countries+kinds", "zh+universities"]


def _rebuild(url: str) -> None:
    """A full rebuild of the rollups (etl.load.rollups.rebuild) in a transaction of its own."""
    from etl.db import get_engine
    from etl.load import rollups

    with get_engine(url).begin() as conn:
        rollups.rebuild(conn)



def naive_school_year(w, f: Filters) -> tuple[Counter, Counter]:
    """(activities, documents) per (school, year), computed in Python from the fixture's rows."""
    acts: Counter = Counter()
    docs: Counter = Counter()
    for d in w.docs:
        if not fixture_db.in_scope(w, d, f) or d.year is None:
            continue
        kinds = [k for k in d.kinds if not f.activity_kinds or k in f.activity_kinds]
        for u in {u for u, st in d.schools if st == "ok" and (not f.schools or u in f.schools)}:
            docs[(u, d.year)] += 1
            acts[(u, d.year)] += len(kinds)
    return acts, docs


def _text(component) -> str:
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return " ".join(_text(c) for c in component)
    if type(component).__name__ == "Markdown":   # a table, list or tiles as one component: its HTML's text
        from dashboard.components.html_table import text_of

        return text_of(component.children)
    return _text(getattr(component, "children", None))


# ---------------------------------------------------------------------------
@pytest.mark.parametrize("f", FILTER_SETS, ids=FILTER_IDS)
def test_school_year_counts_match_naive_counts_and_the_drill_down(ex, f):
    df = qs.school_year(ex.url, f)
    acts, docs = naive_school_year(ex.world, f)
    got_docs = {(r.unit_id, r.year): r.documents for r in df.itertuples(index=False)}
    got_acts = {(r.unit_id, r.year): r.activities for r in df.itertuples(index=False) if r.activities}
    assert got_docs == dict(docs)
    assert got_acts == {k: v for k, v in acts.items() if v}
    # Each cell's drill-down lists what the cell counts (a few cells, both measures).
    for r in list(df.itertuples(index=False))[:6]:
        n_docs, n_acts = count(ex.url, f, DrillSpec(school=r.unit_id, year=r.year, what="activities"))
        assert n_acts == r.activities
        assert count(ex.url, f, DrillSpec(school=r.unit_id, year=r.year))[0] == r.documents


@pytest.mark.parametrize("f", FILTER_SETS[:2], ids=FILTER_IDS[:2])
def test_school_summary_and_school_page_agree_with_the_overview(ex, f):
    summary = qs.school_summary(ex.url, f).set_index("unit_id")
    assert len(summary) == len(fixture_db.SCHOOLS), "every school is listed, even one with no document"
    exp = fixture_db.expected(ex.world, f)
    by_school: Counter = Counter()
    for (u, _kind), n in exp["by_school"].items():
        by_school[u] += n
    for uid in summary.index:
        row = summary.loc[uid]
        assert row["activities"] == by_school.get(uid, 0)
        g = Filters.make(**{**f.to_dict(), "schools": [uid]})
        assert row["documents"] == fixture_db.expected(ex.world, g)["kpis"]["documents"]
        k = qs.school_kpis(ex.url, f, uid)
        exp_g = fixture_db.expected(ex.world, g)["kpis"]
        assert (k["documents"], k["partners"], k["countries"]) == \
            (exp_g["documents"], exp_g["partners"], exp_g["countries"])
        assert k["activities"] == row["activities"]
        # The trend is the Overview's per-year chart for the school alone.
        trend = qs.school_trend(ex.url, f, uid)
        per_year = q.activities_per_year(ex.url, g)
        assert sorted(map(tuple, trend.values.tolist())) == sorted(map(tuple, per_year.values.tolist()))
        kinds = qs.school_kinds(ex.url, f, uid)
        assert int(kinds["activities"].sum()) == row["activities"]
    # Partners of one school: documents per partner as the Overview counts them with the school chosen.
    auto = ex.school("School of Automation")
    g = Filters.make(**{**f.to_dict(), "schools": [auto]})
    partners = qs.school_partners(ex.url, f, auto, limit=50)
    assert dict(zip(partners["partner_id"], partners["documents"])) == fixture_db.expected(ex.world, g)["partner_docs"]


def test_reports_of_a_school(ex):
    auto, cs = ex.school("School of Automation"), ex.school("School of Computer Science")
    progs = qs.school_programs(ex.url, Filters(), auto)
    assert sorted(progs["program"]) == ["Automation 3+1", "Automation MSc"]
    # Years: a programme that starts after the range is left out (the Programmes page's rule).
    assert list(qs.school_programs(ex.url, Filters.make(year_to=2020), auto)["program"]) == ["Automation 3+1"]
    # Agreements naming the school (a JSON list of school ids, read by SQL on both databases).
    agr = qs.school_agreements(ex.url, Filters(), auto, today=TODAY)
    assert list(agr["type"]) == ["Exchange", "MoU"], "latest signed first; university-wide ones are not listed"
    assert list(agr["state"]) == ["expiring", "expired"]
    assert list(qs.school_agreements(ex.url, Filters(), cs, today=TODAY)["type"]) == ["Summer school", "Exchange"]
    assert qs.school_agreements(ex.url, Filters.make(countries=["JP"]), auto, today=TODAY).empty
    mob = qs.school_mobility(ex.url, Filters(), auto)
    got = {(r.year, r.country): (r.students, r.records) for r in mob.itertuples(index=False)}
    assert got == {(2022, "DE"): (6, 1), (2023, "DE"): (4, 1), (2023, "JP"): (0, 1)}, \
        "a blank count is unknown: summed as nothing, still counted as a record"
    assert qs.school_info(ex.url, auto)["zh"] == "自动化学院"
    assert qs.school_info(ex.url, 10 ** 6) is None


def test_agreement_states():
    import datetime as dt

    s = qs.agreement_state
    assert s(dt.date(2020, 1, 1), None, TODAY) == "open_ended"
    assert s(dt.date(2026, 1, 1), dt.date(2030, 1, 1), TODAY) == "not_started"
    assert s(dt.date(2020, 1, 1), dt.date(2025, 2, 28), TODAY) == "expired"
    assert s(dt.date(2020, 1, 1), dt.date(2025, 9, 1), TODAY) == "expiring"
    assert s(dt.date(2020, 1, 1), dt.date(2025, 9, 2), TODAY) == "in_force"


# ---------------------------------------------------------------------------
def test_heatmap_cells_values_and_specs(ex_sqlite):
    f = Filters()
    df = qs.school_year(ex_sqlite.url, f)
    fig = school_year_heatmap(df, "activities", years=(2017, 2025))
    tr = fig.data[0]
    assert fig.layout.title.text == HEAT_TITLE and list(tr.x) == list(range(2017, 2025 + 1))
    busiest = df.groupby("unit_id")["activities"].sum().idxmax()
    top_row = tr.customdata[-1]   # the busiest school is drawn on top (last row)
    assert all(c["school"] == busiest for c in top_row)
    acts = {(r.unit_id, r.year): r.activities for r in df.itertuples(index=False)}
    for i, row in enumerate(tr.customdata):
        for j, spec in enumerate(row):
            value = tr.z[i][j]
            assert (value or 0) == acts.get((spec["school"], spec["year"]), 0)
            assert spec["what"] == "activities"
    docs = school_year_heatmap(df, "documents")
    assert docs.data[0].customdata[0][0].get("what") is None and docs.layout.title.text != HEAT_TITLE
    assert figures.is_empty(school_year_heatmap(df.iloc[0:0]))


def test_callbacks_as_plain_functions(ex_sqlite, tmp_path):
    url = ex_sqlite.url
    auto = ex_sqlite.school("School of Automation")
    fig = schools_page.heat_figure(url, {}, "activities")
    assert fig.data and fig.layout.title.text == HEAT_TITLE
    zh = schools_page.heat_figure(url, {}, "documents", "zh")
    assert zh.layout.title.text == "各学院逐年文档数" and "自动化学院" in list(zh.data[0].y)
    assert figures.is_empty(schools_page.heat_figure(url, {"countries": ["FR"]}))
    rows = schools_page.table_rows(url, {}, "en", "?ui=en")
    row = next(r for r in rows if r["unit_id"] == auto)
    assert (row["name"], row["href"]) == ("School of Automation", f"/schools/{auto}?ui=en") and row["zh"] == "自动化学院"
    assert schools_page.table_columns()[0]["cellRenderer"] == "PageLink"  # text, never Markdown
    assert rows == sorted(rows, key=lambda r: (-r["documents"], r["school"]))
    # A school's page.
    v = school_page.school_view(url, {}, auto, "en", "")
    assert {k: v[k].layout.title.text for k in ("trend", "kinds", "partners", "mobility")} == {
        "trend": "Activities per year, by kind", "kinds": "Kinds of activity",
        "partners": "Partners named with the school", "mobility": "Students abroad per year, by country"}
    assert f"{qs.school_kpis(url, Filters(), auto)['documents']:,}" in _text(v["kpis"])
    spec = DrillSpec.make(v["trend"].data[0].customdata[0][-1])
    assert spec.school == auto and spec.what == "activities"
    reports = _text(v["reports"])
    assert "Automation 3+1" in reports and "Exchange" in reports and "Expired" in reports
    assert "Alpha University" in reports
    # Unknown schools and a database without tables say so, never raise.
    bare = f"sqlite:///{tmp_path / 'bare.db'}"
    v = school_page.school_view(bare, {}, auto)
    assert figures.is_empty(v["trend"]) and "intl init" in v["trend"].layout.annotations[0].text
    assert schools_page.table_rows(bare, {}) == []


def test_page_layouts(ex_sqlite):
    from dashboard.app import create_app

    server = create_app(ex_sqlite.url).server
    auto = ex_sqlite.school("School of Automation")
    with server.app_context():
        page = school_page.layout(school_id=str(auto), ui="zh")
        assert "自动化学院" in _text(page) and "School of Automation" in _text(page)
        assert "No such school" in _text(school_page.layout(school_id="999999"))
        assert "No such school" in _text(school_page.layout(school_id="x; drop table"))
        listing = schools_page.layout(ui="zh")
        assert "学院" in _text(listing)



def test_counts_from_the_rollups_as_written_equal_those_after_a_full_rebuild(db_url):
    """The rollups as the fixture's commits left them (each commit moves the rows of what it
    touched) give the same numbers as after a full rebuild, for every filter set the rollups
    serve and those counted from the facts."""
    from dashboard.queries import partners as qp

    ex = explore_on(db_url)  # fixture_explore.build's database (built once per worker, copied)
    url = ex.url
    auto = ex.school("School of Automation")

    cs = ex.school("School of Computer Science")
    sets = FILTER_SETS + [Filters.make(schools=[auto], year_from=2019), Filters.make(schools=[auto, cs]),
                          Filters.make(activity_kinds=["agreement", "conference"], year_from=2019),
                          Filters.make(schools=[auto], activity_kinds=["summer_school"], language="en"),
                          Filters.make(countries=["DE"]), Filters.make(countries=["GB"], schools=[auto, cs]),
                          Filters.make(countries=["DE"], activity_kinds=["conference"], year_from=2019)]

    def snapshot():
        out = []
        for f in sets:
            out.append(qs.school_year(url, f).to_dict("records"))
            out.append(qs.school_summary(url, f).astype(object).to_dict("records"))
            out.append(qs.school_kpis(url, f, auto))
            out.append(qs.school_trend(url, f, auto).to_dict("records"))
            out.append(qs.school_kinds(url, f, auto).to_dict("records"))
            out.append(qs.school_partners(url, f, auto, limit=50).to_dict("records"))
            out.append(qp.partners_table(url, f).astype(object).to_dict("records"))
            out.append(qp.partner_kinds(url, f).to_dict("records"))
            out.append(qp.partner_kinds(url, Filters.make(**{**f.to_dict(), "partner_kinds": ["university"]}))
                       .to_dict("records"))
            out.append(q.kpis(url, f))
            out.append(q.countries(url, f).to_dict("records"))
            for pid in (ex.partner("Alpha University"), ex.partner("Gamma University")):
                out.append(qp.partner_schools(url, f, qp.partner_info(url, pid)).to_dict("records"))
                out.append(qp.partner_kpis(url, f, qp.partner_info(url, pid)))
                out.append(qp.partner_activity_grid(url, f, qp.partner_info(url, pid)).to_dict("records"))
        return out

    written = snapshot()
    _rebuild(url)
    assert snapshot() == written
