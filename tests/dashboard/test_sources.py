"""Sources and the article view: search on SQLite and PostgreSQL (against a naive count of the
deterministic world), escaping of LIKE's wildcards, paging, the query-string state, and the
article's highlighting as plain functions — including an article full of HTML and script,
which must come out as text."""
from __future__ import annotations

import json

import pandas as pd
from plotly.utils import PlotlyJSONEncoder
from dash import dcc, html
from sqlalchemy.orm import Session

from dashboard import ids
from dashboard.pages import source_doc, sources
from dashboard.queries import sources as qs
from dashboard.queries.common import Filters
from etl.db import get_engine
from etl.load.models import Activity, Document, Fact, Partner, Unit
from tests.conftest import migrated
from tests.dashboard import fixture_db
from tests.dashboard.sql_log import Statements

HOSTILE_TITLE = '<script>alert(1)</script> Visit of the <b>Marine</b> Institute'
HOSTILE_TEXT = ('On 3 March 2024 the School of Automation signed a memorandum with the Marine Institute. '
                '<script>alert(1)</script><img src=x onerror="alert(2)"> Twelve students will study there, '
                'and 100% of them get a grant_fund.')


def _text(component) -> str:
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return "".join(_text(c) for c in component)
    return _text(getattr(component, "children", None))


def _walk(component):
    yield component
    children = getattr(component, "children", None)
    if isinstance(children, (list, tuple)):
        for c in children:
            yield from _walk(c)
    elif children is not None and not isinstance(children, (str, int, float)):
        yield from _walk(children)


def add_article(url: str) -> dict:
    """One document with real text, a school, a partner, a count and an activity with spans
    (two of them overlapping), one fact rejected, one without a position."""
    migrated(url)
    t = HOSTILE_TEXT
    with Session(get_engine(url)) as s, s.begin():
        unit = s.query(Unit).filter_by(name="School of Automation").first() or Unit(
            type="school", name="School of Automation", zh="自动化学院", aliases=[])
        partner = Partner(name="Marine Institute", country="TZ", kind="institute", aliases=[])
        s.add_all([unit, partner])
        s.flush()
        d = Document(source="folder", uri="/docs/hostile.txt", title=HOSTILE_TITLE, lang="en", year=2024,
                     event_date="2024-03-03", content_hash="f" * 64, text=t, status="active")
        s.add(d)
        s.flush()

        def span(needle):
            i = t.index(needle)
            return i, i + len(needle)

        facts = [
            Fact(document_id=d.id, type="school", key="school:x", unit_id=unit.id, text="School of Automation",
                 start=span("School of Automation")[0], end=span("School of Automation")[1], method="unit phrase",
                 confidence=0.9),
            Fact(document_id=d.id, type="partner", key="partner:x", partner_id=partner.id, text="Marine Institute",
                 start=span("Marine Institute")[0], end=span("Marine Institute")[1], method="partner registry",
                 confidence=0.95),
            Fact(document_id=d.id, type="count", key="count:x", value=12, what="students", text="Twelve",
                 start=span("Twelve")[0], end=span("Twelve")[1], method="number word", confidence=0.7),
            Fact(document_id=d.id, type="person", key="person:x", name="Nobody", text="Nobody", start=None, end=None,
                 method="title before the name", confidence=0.5),
            Fact(document_id=d.id, type="partner", key="partner:y", partner_id=partner.id, text="memorandum",
                 start=span("memorandum")[0], end=span("memorandum")[1], method="bad rule", confidence=0.2,
                 status="rejected"),
        ]
        s.add_all(facts)
        a0, a1 = span("signed a memorandum with the Marine")
        s.add(Activity(document_id=d.id, kind="agreement", year=2024, start=a0, end=a1, method="signing verb",
                       confidence=0.8))
        s.flush()
        return {"doc": d.id, "facts": [f.id for f in facts], "partner": partner.id, "unit": unit.id}


def test_search_matches_titles_and_texts_within_the_filters(world):
    for f in fixture_db.filter_sets(world)[:6]:
        for query in ("", "Document 01", "TEXT 2", "document"):
            page = qs.search(world.url, f, query, per_page=500)
            want = [d for d in world.docs if fixture_db.in_scope(world, d, f)
                    and (not query or query.lower() in d.title.lower() or query.lower() in f"text {d.id - 1}")]
            assert page.total == len(want), (f, query)
            assert set(page.rows["id"]) == {d.id for d in want}


def test_search_pages_newest_first_and_clamps_the_page(world):
    first = qs.search(world.url, Filters(), "", page=1, per_page=10)
    assert first.pages == -(-first.total // 10) and len(first.rows) == 10
    years = [y for y in first.rows["year"] if y == y and y is not None]
    assert years == sorted(years, reverse=True)
    last = qs.search(world.url, Filters(), "", page=999, per_page=10)
    assert last.page == last.pages and len(last.rows) == first.total - 10 * (first.pages - 1)
    assert qs.search(world.url, Filters(), "", page="x", per_page=10).page == 1
    seen = set()
    for p in range(1, first.pages + 1):
        seen |= set(qs.search(world.url, Filters(), "", page=p, per_page=10).rows["id"])
    assert len(seen) == first.total


def test_pages_found_by_walking_equal_the_pages_from_lists(world, monkeypatch):
    """A filtered page without search text may walk the documents newest
    first and probe each (``EXISTS``) instead of building the scope's lists: same pages, in
    the same order, whichever way is taken."""
    for f in fixture_db.filter_sets(world):
        pages = {}
        for limit in (0, 10**9):   # lists only, then walk whenever anything is filtered
            monkeypatch.setattr(qs, "WALK_MAX", limit)
            with Statements(world.url) as st:
                got = [qs.search(world.url, f, "", page=p, per_page=7) for p in (1, 2, 3)]
            assert ("EXISTS" in st.sql()) == (limit > 0 and bool(f.schools or f.countries or f.partner_kinds
                                                                  or f.activity_kinds) and got[0].total > 0), f
            pages[limit] = [(g.total, g.page, list(g.rows["id"])) for g in got]
        assert pages[0] == pages[10**9], f
        want = [d.id for d in world.docs if fixture_db.in_scope(world, d, f)]
        assert pages[0][0][0] == len(want) and set(pages[0][0][2]) <= set(want), f


def test_pages_list_every_document_newest_first_and_undated_last(world, monkeypatch):
    """Page after page, walked or built from lists, the documents in scope come in the list's
    order: year descending, undated documents last, then id descending (the world's documents
    have no publication date). On PostgreSQL the order has an index of its own (migration 0080),
    the walk reads it without parallel workers (``SET LOCAL``), and the answer stays the same."""
    def newest_first(d):
        return (d.year is None, -(d.year or 0), -d.id)

    for f in [Filters(), *fixture_db.filter_sets(world)[:6]]:
        want = [d.id for d in sorted((d for d in world.docs if fixture_db.in_scope(world, d, f)), key=newest_first)]
        for limit in (0, 10**9):   # lists only, then walk whenever anything is filtered
            monkeypatch.setattr(qs, "WALK_MAX", limit)
            got, p = [], 1
            while True:
                page = qs.search(world.url, f, "", page=p, per_page=6)
                got += [int(i) for i in page.rows["id"]]
                if p >= page.pages:
                    break
                p += 1
            assert got == want, (f, limit)
    with get_engine(world.url).connect() as conn:
        if conn.dialect.name == "postgresql":
            assert conn.exec_driver_sql("SELECT to_regclass('ix_documents_newest_desc')").scalar() is not None


def test_wildcards_in_the_search_text_match_themselves(db_url):
    info = add_article(db_url)
    assert qs.search(db_url, Filters(), "100%").total == 1
    assert qs.search(db_url, Filters(), "100%25").total == 0
    assert qs.search(db_url, Filters(), "grant_fund").total == 1
    assert qs.search(db_url, Filters(), "grant%fund").total == 0
    assert qs.search(db_url, Filters(), "%").total == 1            # only the article has a percent sign
    assert qs.search(db_url, Filters(), "_").total == 1
    assert qs.search(db_url, Filters(), "' OR 1=1 --").total == 0
    page = qs.search(db_url, Filters(), "twelve")                  # case-insensitive, snippet around the match
    assert page.total == 1 and "Twelve" in page.rows["snippet"].iloc[0]
    assert int(page.rows["snippet_start"].iloc[0]) > 1
    row = page.rows.iloc[0]
    assert row["facts"] == 4 and row["kinds"] == ["agreement"] and row["partners"] == ["Marine Institute"]
    doc = qs.document(db_url, info["doc"])
    assert doc["title"] == HOSTILE_TITLE and qs.document(db_url, "nope") is None
    assert qs.document(db_url, 10 ** 6) is None


def test_query_string_state():
    assert sources.read_state("?school=3&q=robot%20arm&p=2") == ("robot arm", 2)
    assert sources.read_state("?p=abc") == ("", 1)
    assert sources.with_state("?school=3&ui=zh&p=4", "  robots  ", 1) == "?school=3&ui=zh&q=robots"
    assert sources.with_state("?q=x&p=2", "", 1) == ""
    assert sources.next_search(ids.SR_SEARCH, "?school=3&q=a&p=3", "b", None) == "?school=3&q=b"
    assert sources.next_search(ids.SR_PAGER, "?school=3&q=a", None, 2) == "?school=3&q=a&p=2"
    assert sources.next_search(ids.SR_PAGER, "?q=a&p=2", None, 2) is None
    assert sources.next_search(None, "?q=a", "b", 1) is None
    assert sources.source_label("web", "https://news.example.edu/a/b.html?x=1") == "news.example.edu"
    assert sources.source_label("folder", "C:\\data\\docs\\en-0001.txt") == "en-0001.txt"


def test_results_list_marks_the_match_and_links_the_article(sqlite_url):
    info = add_article(sqlite_url)
    body, count, pages, page = sources.results(sqlite_url, {}, "?ui=zh&q=marine")
    assert pages == 1 and page == 1 and "1" in count
    items = list(_walk(body))
    marks = [c for c in items if isinstance(c, html.Mark)]
    assert marks and all(m.children.lower() == "marine" for m in marks)
    links = [c for c in items if isinstance(c, dcc.Link)]
    assert links[0].href == f"/sources/doc/{info['doc']}?ui=zh&q=marine"
    # The hostile title is a text child of the link, never markup.
    assert _text(links[0]) == HOSTILE_TITLE
    assert not any(isinstance(c, (html.Script, html.Img, html.B)) for c in items)
    empty, *_ = sources.results(sqlite_url, {}, "?q=nothing-like-this")
    assert "No document matches" in _text(empty)


def test_segments_cover_the_text_and_overlaps_nest():
    spans = [source_doc.Span(2, 8, "partner", "fact-1", "Partner: X"),
             source_doc.Span(0, 12, "activity", "act-1", "Activity: Y"),
             source_doc.Span(4, 6, "count", "fact-2", "Number: 2")]
    segs = source_doc.segments(14, spans)
    assert [(a, b) for a, b, _ in segs] == [(0, 2), (2, 4), (4, 6), (6, 8), (8, 12), (12, 14)]
    assert [[s.anchor for s in cover] for _a, _b, cover in segs] == [
        ["act-1"], ["fact-1", "act-1"], ["fact-2", "fact-1", "act-1"], ["fact-1", "act-1"], ["act-1"], []]
    text = "abcdefghijklmn"
    out = source_doc.highlighted_text(text, spans)
    assert _text(out) == text
    marks = [c for c in out if isinstance(c, html.Mark)]
    assert [m.className for m in marks] == ["fx-activity", "fx-partner fx-activity", "fx-count fx-activity",
                                            "fx-partner fx-activity", "fx-activity"]
    assert [getattr(m, "id", None) for m in marks] == ["act-1", "fact-1", "fact-2", None, None]


def test_article_view_highlights_facts_in_place_and_shows_html_as_text(db_url):
    info = add_article(db_url)
    view = source_doc.article(db_url, info["doc"], search="?q=marine")
    parts = list(_walk(view))
    article_text = next(c for c in parts if getattr(c, "className", "") == "article-text")
    assert _text(article_text) == HOSTILE_TEXT                    # every character, in order, as text
    assert not any(isinstance(c, (html.Script, html.Img)) for c in parts)
    title = next(c for c in parts if getattr(c, "className", "") == "article-title")
    assert title.children == HOSTILE_TITLE
    marks = {m.id: m for m in _walk(article_text) if isinstance(m, html.Mark) and getattr(m, "id", None)}
    school, partner, count, _person, rejected = info["facts"]
    assert marks[f"fact-{school}"].children == "School of Automation"
    assert "fx-school" in marks[f"fact-{school}"].className
    # The partner's span straddles the end of the activity's: cut in two, underlined then not.
    assert marks[f"fact-{partner}"].children == "Marine"
    assert marks[f"fact-{partner}"].className == "fx-partner fx-activity"
    assert any(isinstance(m, html.Mark) and m.children == " Institute" and m.className == "fx-partner"
               for m in _walk(article_text))
    assert "fx-rejected" in marks[f"fact-{rejected}"].className
    assert marks[f"fact-{count}"].children == "Twelve"
    side = next(c for c in parts if getattr(c, "className", "") == "panel fact-side")
    side_text = _text(side)
    assert "partner registry" in side_text and "0.95" in side_text and "rejected by a curator" in side_text
    assert "no position in the text" in side_text and "12 students" in side_text
    links = [c.href for c in _walk(side) if isinstance(c, html.A)]
    assert f"#fact-{partner}" in links and f"#fact-{_person}" not in links
    legend = _text(next(c for c in parts if getattr(c, "className", "") == "fact-legend"))
    for label in ("School", "Office", "Partner", "Person", "Number", "Activity"):
        assert label in legend
    # Serialised for the browser, the payload travels as a JSON string, never as an element.
    tree = json.loads(json.dumps(view.to_plotly_json(), cls=PlotlyJSONEncoder))
    strings, types = [], set()

    def collect(node):
        if isinstance(node, dict):
            if "type" in node and "namespace" in node:
                types.add(node["type"])
            for v in node.values():
                collect(v)
        elif isinstance(node, list):
            for v in node:
                collect(v)
        elif isinstance(node, str):
            strings.append(node)

    collect(tree)
    assert any("<script>alert(1)</script>" in x for x in strings)
    assert not types & {"Script", "Img", "Iframe", "Object", "Embed"}
    back = next(c for c in parts if isinstance(c, dcc.Link))
    assert back.href == "/sources?q=marine"
    missing = source_doc.article(db_url, 10 ** 6)
    assert "No such document" in _text(missing)


def test_facts_frame_keeps_missing_texts_as_none(sqlite_url):
    info = add_article(sqlite_url)
    facts = qs.document_facts(sqlite_url, info["doc"])
    assert list(facts["type"]) == ["school", "partner", "partner", "count", "person"]   # text order, unplaced last
    person = facts[facts["type"] == "person"].iloc[0]
    assert person["role"] is None and person["unit"] is None and pd.isna(person["start"])
    acts = qs.document_activities(sqlite_url, info["doc"])
    assert list(acts["kind"]) == ["agreement"]

