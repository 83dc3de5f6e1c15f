"""Sources and the article view in a real browser, on the bundled sample plus one hostile
article: search, pages, the filter bar, reload and back keep the list; a result opens the
article with its facts highlighted and listed; an article carrying ``<script>alert(1)</script>``
shows those characters and runs nothing; nothing is requested from another host."""
from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from dashboard import ids
from dashboard.pages import source_doc
from dashboard.queries import sources as qs
from dashboard.queries.common import Filters
from tests.browser.conftest import LiveServer, load_sample, snapshot

pytestmark = pytest.mark.browser

PAYLOAD = "<script>alert(1)</script>"
TITLE = f"{PAYLOAD}Zanzibar delegation <img src=x onerror=\"window.__xss='img'\"> visits BISTU"
BODY = (TITLE + "\n\nOn March 3, 2024, Beijing Information Science and Technology University signed a memorandum "
        f"of understanding with the University of Dodoma of Tanzania. {PAYLOAD} The School of Automation will "
        "host 12 exchange students from the University of Dodoma.\n")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from etl.config import load_settings
    from etl.pipeline import Pipeline

    tmp = tmp_path_factory.mktemp("sources")
    url = f"sqlite:///{tmp / 'intl.db'}"
    load_sample(url)
    docs = tmp / "docs"
    docs.mkdir()
    (docs / "hostile.txt").write_text(BODY, encoding="utf-8")
    Pipeline(load_settings(database_url=url), trigger="test").run([docs])
    with LiveServer(url) as srv:
        yield srv


def count_text(page) -> str:
    return page.inner_text(f"#{ids.SR_COUNT}")


def wait_count(page, text: str) -> None:
    page.wait_for_function(f"(t) => {{ const e = document.getElementById('{ids.SR_COUNT}');"
                           f" return !!e && e.innerText.startsWith(t); }}", arg=text)


def test_search_pages_filters_reload_article_and_back(server, page):
    url = server.database_url
    everything = qs.search(url, Filters())
    assert everything.pages > 1
    p = page.page
    dialogs: list[str] = []
    p.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    p.goto(server.base + "/sources")
    wait_count(p, f"{everything.total:,} documents")
    assert p.locator(".result").count() == qs.PER_PAGE

    # Page 2 from the pager (keyboard-reachable links).
    p.locator(f"#{ids.SR_PAGER}").get_by_text("2", exact=True).click()
    p.wait_for_url(re.compile(r"[?&]p=2\b"))
    second = qs.search(url, Filters(), "", 2)
    p.wait_for_function("(t) => { const e = document.querySelector('.result-title');"
                        " return !!e && e.innerText === t; }",
                        arg=second.rows["title"].iloc[0])

    # A search: back to page 1, the count and the marks follow.
    lodz = qs.search(url, Filters(), "Lodz")
    p.fill(f"#{ids.SR_SEARCH}", "Lodz")
    p.keyboard.press("Enter")
    p.wait_for_url(re.compile(r"[?&]q=Lodz\b"))
    assert "p=2" not in p.url
    wait_count(p, f"{lodz.total} documents match")
    assert p.locator(".result").count() == lodz.total
    assert p.locator(".result-snippet mark").count() >= 1

    # The filter bar narrows the results.
    lang = qs.search(url, Filters.make(language="en"), "Lodz")
    p.click(f"#{ids.FILTER_LANGUAGE}")
    p.get_by_role("option", name="English").click()
    p.wait_for_url(re.compile(r"[?&]lang=en\b"))
    n = lang.total
    wait_count(p, f"{n} document{'s' if n != 1 else ''} match")
    assert "q=Lodz" in p.url
    snapshot(p, "sources.png")

    # Reload: the search box, the filter and the list come back from the URL.
    p.reload()
    wait_count(p, f"{n} document{'s' if n != 1 else ''} match")
    assert p.input_value(f"#{ids.SR_SEARCH}") == "Lodz"

    # A result opens the article, its facts highlighted where the text says them.
    first_id = int(lang.rows["id"].iloc[0])
    p.click(".result-title >> nth=0")
    p.wait_for_url(re.compile(rf"/sources/doc/{first_id}\?"))
    p.wait_for_selector(".article-text mark")
    facts = qs.document_facts(url, first_id)
    acts = qs.document_activities(url, first_id)
    doc = qs.document(url, first_id)
    placed = source_doc.spans(doc["text"], facts, acts)
    anchors = p.evaluate("() => Array.from(document.querySelectorAll('.article-text [id]')).map(e => e.id)")
    assert sorted(anchors) == sorted(s.anchor for s in placed)
    assert p.inner_text(".article-text").replace("\n", "") == doc["text"].replace("\n", "")
    # A fact in the side list leads to its place in the text.
    fact = next(s for s in placed if s.kind == "partner")
    p.click(f".fact-side a[href='#{fact.anchor}']")
    p.wait_for_url(re.compile(rf"#{fact.anchor}$"))
    assert p.evaluate(f"""() => {{ const r = document.getElementById('{fact.anchor}').getBoundingClientRect();
                                  return r.top >= 0 && r.bottom <= window.innerHeight; }}""")
    snapshot(p, "sources-article.png", full_page=False)

    # Back to the results, as they were.
    p.click(".back-link")
    p.wait_for_url(re.compile(r"/sources\?"))
    wait_count(p, f"{n} document{'s' if n != 1 else ''} match")
    assert dialogs == []
    assert page.requests and page.external_requests() == [], "the page requested another host"


def test_an_article_with_a_script_is_shown_as_text(server, page):
    url = server.database_url
    hits = qs.search(url, Filters(), "Zanzibar")
    assert hits.total == 1
    doc_id = int(hits.rows["id"].iloc[0])
    p = page.page
    dialogs: list[str] = []
    p.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    p.goto(server.base + "/sources?q=" + quote("alert(1)"))
    wait_count(p, "1 document matches")
    title = p.inner_text(".result-title")
    assert PAYLOAD in title and "<img src=x" in title
    assert p.locator(".result script, .result img").count() == 0
    p.click(".result-title")
    p.wait_for_url(re.compile(rf"/sources/doc/{doc_id}\b"))
    p.wait_for_selector(".article-text")
    assert PAYLOAD in p.inner_text(".article-title")
    assert PAYLOAD in p.inner_text(".article-text")
    assert p.locator(".page-article script, .page-article img").count() == 0
    # The extractor's facts are still placed around the payload.
    assert p.locator(".article-text mark.fx-partner").count() >= 1
    p.wait_for_load_state("networkidle")
    assert p.evaluate("() => window.__xss") is None and dialogs == []
    snapshot(p, "sources-hostile.png")
    assert page.external_requests() == []
