"""Partners page and a partner's page: queries against naive counts (SQLite and PostgreSQL),
figures (map, kinds, timeline), and the callbacks as plain functions."""
from __future__ import annotations

import pytest

from dashboard.figures import common as figures
from dashboard.figures.partners import MAP_TITLE, TIMELINE_TITLE, partner_map, timeline
from dashboard.pages import partner as partner_page
from dashboard.pages import partners as partners_page
from dashboard.queries import overview as q
from dashboard.queries import partners as qp
from dashboard.queries.common import Filters
from dashboard.queries.drill import DrillSpec, count, drill
from tests.dashboard import fixture_db
from tests.dashboard.fixture_explore import TODAY

FILTER_SETS = [
    Filters(),
    Filters.make(year_from=2021),
    Filters.make(countries=["DE", "JP"]),
    Filters.make(schools=[1, 2], partner_kinds=["university"], activity_kinds=["conference", "agreement"]),
]
FILTER_IDS = ["all", "since-2021", "countries", "schools+kinds"]


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
def test_partners_table_matches_naive_counts(ex, f):
    w = ex.world
    df = qp.partners_table(ex.url, f).set_index("partner_id")
    exp = fixture_db.expected(w, f)["partner_docs"]
    with_reports = {p["partner_id"] for p in ex.programs} | {a["partner_id"] for a in ex.agreements}
    for pid, (name, country, kind, status) in w.partners.items():
        if status == "rejected":
            assert pid not in df.index, "a rejected partner is never listed"
            continue
        passes = (not f.countries or country in f.countries) and (not f.partner_kinds or kind in f.partner_kinds)
        listed = passes and (exp.get(pid, 0) > 0 or (not qp.restricts_documents(f) and pid in with_reports))
        assert (pid in df.index) == listed, name
        if listed:
            assert df.at[pid, "documents"] == exp.get(pid, 0)
            years = [d.year for d in w.docs if fixture_db.in_scope(w, d, f) and d.year is not None
                     and (pid, "ok") in d.partners]
            if years:
                assert (df.at[pid, "first_year"], df.at[pid, "last_year"]) == (min(years), max(years))
    alpha = ex.partner("Alpha University")
    if alpha in df.index:
        assert df.at[alpha, "programs"] == 1 and df.at[alpha, "agreements"] == 3
    assert list(df["documents"]) == sorted(df["documents"], reverse=True)


@pytest.mark.parametrize("f", FILTER_SETS[:3], ids=FILTER_IDS[:3])
def test_partner_kinds_and_countries_equal_their_drill_down(ex, f):
    kinds = qp.partner_kinds(ex.url, f)
    assert kinds["kind"].tolist() and "unknown" not in kinds["kind"].tolist()
    for r in kinds.itertuples(index=False):
        assert count(ex.url, f, DrillSpec(pkind=r.kind))[0] == r.documents
    for r in q.countries(ex.url, f).itertuples(index=False):
        assert count(ex.url, f, DrillSpec(country=r.country))[0] == r.documents


@pytest.mark.parametrize("f", FILTER_SETS, ids=FILTER_IDS)
def test_a_partners_page_counts(ex, f):
    alpha = ex.partner("Alpha University")
    info = qp.partner_info(ex.url, alpha)
    assert info["country"] == "DE" and info["kind"] == "university"
    tl = qp.partner_timeline(ex.url, f, info)
    res = drill(ex.url, f, qp.partner_spec(info), limit=500)
    assert sorted(tl["document_id"]) == sorted(res.documents["id"]), "the timeline lists the drill-down's documents"
    assert list(tl["date"]) == sorted(tl["date"]), "oldest first"
    k = qp.partner_kpis(ex.url, f, info)
    assert k["documents"] == len(tl)
    # A country filter never hides the partner whose page it is.
    g = Filters.make(**{**f.to_dict(), "countries": [], "partner_kinds": []})
    assert k["documents"] == fixture_db.expected(ex.world, g)["partner_docs"].get(alpha, 0)
    schools = qp.partner_schools(ex.url, f, info)
    for r in schools.itertuples(index=False):
        assert count(ex.url, f, DrillSpec(partner=alpha, country="DE", pkind="university", school=r.unit_id))[0] \
            == r.documents
    # Schools: the fixture's own count, documents in scope naming the partner and the school.
    h = Filters.make(**{**f.to_dict(), "countries": ["DE"], "partner_kinds": ["university"]})
    naive: dict[int, int] = {}
    for d in ex.world.docs:
        if fixture_db.in_scope(ex.world, d, h) and (alpha, "ok") in d.partners:
            for u in {u for u, st in d.schools if st == "ok" and (not h.schools or u in h.schools)}:
                naive[u] = naive.get(u, 0) + 1
    assert dict(zip(schools["unit_id"], schools["documents"])) == naive
    # Per year and kind (the timeline of a busy partner): every dated activity of its documents.
    years = qp.partner_years(ex.url, f, info)
    dated = sum(len([k for k in d.kinds if not h.activity_kinds or k in h.activity_kinds])
                for d in ex.world.docs if fixture_db.in_scope(ex.world, d, h) and (alpha, "ok") in d.partners
                and d.year is not None)
    assert int(years["activities"].sum()) == dated


def test_a_partners_reports(ex):
    alpha, gamma = ex.partner("Alpha University"), ex.partner("Gamma University")
    ia, ig = qp.partner_info(ex.url, alpha), qp.partner_info(ex.url, gamma)
    assert list(qp.partner_programs(ex.url, Filters(), ig)["program"]) == ["Computing 2+2", "Automation MSc"]
    assert qp.partner_programs(ex.url, Filters(), ig)["enrolment"].isna().sum() == 1, "a blank stays unknown"
    agr = qp.partner_agreements(ex.url, Filters(), ia, today=TODAY)
    assert list(agr["type"]) == ["Exchange", "Framework", "MoU"]
    assert list(agr["state"]) == ["expiring", "open_ended", "expired"]
    # With a school filter: that school's agreements and the university-wide ones.
    cs = ex.school("School of Computer Science")
    assert list(qp.partner_agreements(ex.url, Filters.make(schools=[cs]), ia, today=TODAY)["type"]) == \
        ["Exchange", "Framework"]
    mob = qp.partner_mobility(ex.url, Filters(), ig)
    assert {(r.year, r.program_type): (r.students, r.records) for r in mob.itertuples(index=False)} == \
        {(2023, "summer"): (12, 2)}
    rejected = next(i for i, p in ex.world.partners.items() if p[3] == "rejected")
    assert qp.partner_info(ex.url, rejected) is None and qp.partner_info(ex.url, 10 ** 6) is None


# ---------------------------------------------------------------------------
def test_map_has_shades_and_bubbles_that_drill_to_countries(ex_sqlite):
    df = q.countries(ex_sqlite.url, Filters())
    fig = partner_map(df)
    assert fig.layout.title.text == MAP_TITLE
    shades, bubbles = fig.data
    assert shades.type == "choropleth" and bubbles.type == "scattergeo"
    assert list(shades.z) == list(df["documents"])
    assert sorted(c[-1]["country"] for c in shades.customdata) == sorted(df["country"])
    # One bubble per country with a known capital, sized by partners.
    assert sorted(c[-1]["country"] for c in bubbles.customdata) == sorted(df["country"])
    de = next(i for i, c in enumerate(bubbles.customdata) if c[-1]["country"] == "DE")
    assert bubbles.marker.size[de] == int(df.set_index("country").at["DE", "partners"])
    assert 47 < bubbles.lat[de] < 55 and 5 < bubbles.lon[de] < 15, "Germany's bubble sits in Germany"
    assert figures.is_empty(partner_map(df.iloc[0:0]))


def test_timeline_one_marker_per_document_and_kind(ex_sqlite):
    info = qp.partner_info(ex_sqlite.url, ex_sqlite.partner("Alpha University"))
    tl = qp.partner_timeline(ex_sqlite.url, Filters(), info)
    fig = timeline(tl, qp.partner_spec(info))
    assert fig.layout.title.text == TIMELINE_TITLE
    markers = sum(len(t.x) for t in fig.data)
    assert markers == sum(max(1, len(k)) for k, d in zip(tl["kinds"], tl["date"]) if d is not None)
    specs = [c[-1] for t in fig.data for c in t.customdata]
    assert {s["document"] for s in specs} == {int(i) for i, d in zip(tl["document_id"], tl["date"]) if d}
    assert all(s["partner"] == info["id"] for s in specs)
    story = ex_sqlite.story_docs["alpha_visit"]
    res = drill(ex_sqlite.url, Filters(), DrillSpec.make(next(s for s in specs if s["document"] == story)))
    assert list(res.documents["id"]) == [story]


def test_grid_search_text_holds_the_aliases(world):
    """The grid's hidden ``aliases`` column (searched by the table's box) is the partner's aliases
    joined by the database, one text, on both backends; none, or a JSON null, gives ""."""
    from sqlalchemy import update

    from etl.db import get_engine
    from etl.load.models import Partner

    listed = [r["partner_id"] for r in partners_page.grid_rows(world.url, {})]
    a, b, c = listed[:3]
    table = Partner.__table__
    with get_engine(world.url).begin() as conn:
        conn.execute(update(table).where(table.c.id == a).values(aliases=["TUM", "慕尼黑工业大学", "Munich Tech"]))
        conn.execute(update(table).where(table.c.id == b).values(aliases=[]))
        conn.execute(update(table).where(table.c.id == c).values(aliases=None))
    rows = {r["partner_id"]: r for r in partners_page.grid_rows(world.url, {})}
    assert list(rows) == listed, "the same partners in the same order"
    assert rows[a]["aliases"] == "TUM 慕尼黑工业大学 Munich Tech"
    assert rows[b]["aliases"] == "" and rows[c]["aliases"] == ""
    assert qp.partners_table(world.url, Filters()).set_index("partner_id").at[a, "aliases"] == rows[a]["aliases"]


def test_callbacks_as_plain_functions(ex_sqlite, tmp_path):
    url = ex_sqlite.url
    rows = partners_page.grid_rows(url, {}, "en", "?ui=en")
    alpha = ex_sqlite.partner("Alpha University")
    row = next(r for r in rows if r["partner_id"] == alpha)
    assert (row["partner"], row["href"]) == ("Alpha University", f"/partners/{alpha}?ui=en")
    assert (row["country_name"], row["region"], row["kind_name"]) == ("Germany", "Europe", "University")
    assert partners_page.count_text(len(rows)) == f"{len(rows)} partners"
    zeta = next(r for r in rows if r["partner"] == "Zeta College")
    assert zeta["status_name"] == "awaiting review"
    zh = partners_page.grid_rows(url, {}, "zh")
    assert next(r for r in zh if r["partner_id"] == alpha)["country_name"] == "德国"
    col = partners_page.grid_columns()[0]  # the name as text, linked by the row's href (assets/grid_cells.js)
    assert (col["field"], col["cellRenderer"]) == ("partner", "PageLink")
    assert partners_page.map_figure(url, {}).data
    assert figures.is_empty(partners_page.kinds_figure(url, {"countries": ["FR"]}))
    info = qp.partner_info(url, alpha)
    v = partner_page.partner_view(url, {}, info, "en", "?ui=en")
    assert v["timeline"].data and v["schools"].layout.title.text == "Schools working with this partner"
    lst = _text(v["list"])
    assert "Story alpha visit" in lst and "Story gone alpha" not in lst
    reports = _text(v["reports"])
    assert "Automation 3+1" in reports and "university-wide" in reports and "open-ended" in reports
    bare = f"sqlite:///{tmp_path / 'bare.db'}"
    assert partners_page.grid_rows(bare, {}) == []
    assert figures.is_empty(partners_page.map_figure(bare, {}))


def test_a_partners_empty_charts_say_why(ex_sqlite, monkeypatch):
    """The partner page's timeline and schools chart read why they are empty only when they are
    (the reason reads the schema), and then say it: filters that match nothing."""
    url = ex_sqlite.url
    info = qp.partner_info(url, ex_sqlite.partner("Alpha University"))
    asked: list[dict] = []
    real_why = partner_page.why_empty

    def why_empty(url_, f, lang):
        asked.append(f)
        return real_why(url_, f, lang)

    monkeypatch.setattr(partner_page, "why_empty", why_empty)
    v = partner_page.partner_view(url, {"year_from": 1990, "year_to": 1991}, info, "en")
    for fig in (v["timeline"], v["schools"]):
        assert figures.is_empty(fig)
        assert fig.layout.annotations[0].text == figures.FILTER_HINT
    assert asked
    asked.clear()
    v = partner_page.partner_view(url, {}, info, "en")
    assert not figures.is_empty(v["timeline"]) and not figures.is_empty(v["schools"])
    assert not figures.is_empty(partner_page.timeline_figure(qp.partner_timeline_data(url, Filters(), info), info,
                                                             "en", lambda: real_why(url, Filters(), "en")))
    assert asked == []   # both charts drew something: the reason was never read


def test_page_layouts(ex_sqlite):
    from dashboard.app import create_app

    server = create_app(ex_sqlite.url).server
    alpha = ex_sqlite.partner("Alpha University")
    with server.app_context():
        page = _text(partner_page.layout(partner_id=str(alpha)))
        assert "Alpha University" in page and "Germany" in page and "University" in page
        assert "No such partner" in _text(partner_page.layout(partner_id="12345678"))
        rejected = next(i for i, p in ex_sqlite.world.partners.items() if p[3] == "rejected")
        assert "No such partner" in _text(partner_page.layout(partner_id=str(rejected)))
        zh = _text(partners_page.layout(ui="zh"))
        assert "合作伙伴" in zh
