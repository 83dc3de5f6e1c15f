"""The ``site`` and ``feed`` sources against a local news site (tests/newsite.py), on SQLite
and PostgreSQL: what is fetched, what is not fetched again, robots.txt, retries, the rate
limit and conditional GET."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from etl.config import load_settings
from etl.db import session_factory
from etl.load.models import Document, Run, SourceState
from etl.pipeline import Pipeline
from etl.sources.feed import FeedSource
from etl.sources.registry import SourceContext, parse_options

from .conftest import migrated
from .newsite import Article, corpus_site

ARTICLES = r"/news/(articles|private)/[^/]+\.html$"


@pytest.fixture
def site():
    s = corpus_site().serve()
    yield s
    s.close()


def write_settings(tmp_path, db_url: str, *tables: str):
    """Settings read from a real intl.toml holding the given [[sources]] tables."""
    migrated(db_url)  # (what a run does first; on SQLite a copy of the migrated file)
    cfg = tmp_path / "intl.toml"
    cfg.write_text(f'[database]\nurl = "{db_url}"\n\n' + "\n".join(tables), encoding="utf-8")
    return load_settings(cfg)


def site_table(site, name="news", **extra) -> str:
    opts = {"url": f"{site.base_url}/news/index.html", "article_pattern": ARTICLES, "delay": 0.0,
            "backoff": 0.01, **extra}
    return f'[[sources]]\nname = "{name}"\nkind = "site"\n' + "".join(
        f"{k} = {json.dumps(v)}\n" for k, v in opts.items())


def stored(url: str) -> dict[str, Document]:
    with session_factory(url)() as s:
        return {d.uri: d for d in s.scalars(select(Document))}


def article_hits(site) -> list[str]:
    return [p for p in site.paths() if p.startswith(("/news/articles/", "/news/private/"))]


def test_site_crawl_loads_every_allowed_article_and_follows_pagination(site, db_url, tmp_path):
    settings = write_settings(tmp_path, db_url, site_table(site))
    info = Pipeline(settings).run_sources()
    public = [a for a in site.articles if not a.private]
    private = [a for a in site.articles if a.private]
    assert private and len(public) == len(site.articles) - len(private)
    assert info.status == "ok", info.errors
    assert info.documents["new"] == len(public) and info.documents["failed"] == 0
    docs = stored(db_url)
    assert set(docs) == {site.base_url + a.path for a in public}
    assert {d.source for d in docs.values()} == {"news"}
    by_path = {a.path: a for a in public}
    for uri, d in docs.items():
        art = by_path[uri[len(site.base_url):]]
        assert d.title == art.title
        assert "Copyright" not in d.text and "About BISTU" not in d.text  # page chrome dropped
        assert art.paragraphs[-1][:40] in d.text
    # every listing page was read, by the next-page links, and each article exactly once
    assert [p for p in site.paths() if p.startswith("/news/index")] == [
        "/news/index.html", "/news/index_2.html", "/news/index_3.html"]
    assert sorted(article_hits(site)) == sorted(a.path for a in public)
    # robots.txt read once; the disallowed article and the non-article links never requested
    assert site.paths().count("/robots.txt") == 1
    assert not any(p.startswith("/news/private/") for p in site.paths())
    assert "/about/" not in site.paths()
    assert info.sources["news"]["disallowed"] == len(private)
    assert info.sources["news"]["fetched"] == len(public)


def test_second_run_fetches_no_article_again_and_gets_304(site, db_url, tmp_path):
    settings = write_settings(tmp_path, db_url, site_table(site))
    Pipeline(settings).run_sources()
    with session_factory(db_url)() as s:
        states = {r.url: r for r in s.scalars(select(SourceState))}
    listing = f"{site.base_url}/news/index.html"
    assert states[listing].etag == site.pages["/news/index.html"].etag
    assert states[listing].last_modified and states[listing].source == "news"

    site.reset_log()
    info = Pipeline(settings).run_sources()
    assert info.status == "ok"
    assert info.documents["seen"] == 0
    assert article_hits(site) == []
    first = site.requests_to("/news/index.html")
    assert [h.status for h in first] == [304]
    assert first[0].headers["if-none-match"] == site.pages["/news/index.html"].etag
    assert info.sources["news"]["not_modified"] == 1

    # a new article on top of page 1: the next run fetches it, and it alone
    site.add_article(Article.from_corpus("en-0030"))
    site.reset_log()
    info = Pipeline(settings).run_sources()
    assert info.documents["new"] == 1
    assert article_hits(site) == ["/news/articles/en-0030.html"]
    assert site.requests_to("/news/index.html")[0].status == 200
    assert f"{site.base_url}/news/articles/en-0030.html" in stored(db_url)


def test_numbered_pages_are_all_checked_with_304(site, db_url, tmp_path):
    """With page_url the walk needs no link from a page, so an unchanged page does not end it."""
    settings = write_settings(tmp_path, db_url,
                              site_table(site, page_url=f"{site.base_url}/news/index_{{n}}.html", max_pages=10))
    first = Pipeline(settings).run_sources()
    assert first.documents["new"] == len([a for a in site.articles if not a.private])
    # past the last page the site answers 404: the end of the listing, not an error
    assert site.requests_to("/news/index_4.html")[0].status == 404 and first.errors == []
    site.reset_log()
    again = Pipeline(settings).run_sources()
    assert again.documents["seen"] == 0 and article_hits(site) == []
    listing = [h for h in site.hits if h.path.startswith("/news/index")]
    assert [(h.path, h.status) for h in listing] == [
        ("/news/index.html", 304), ("/news/index_2.html", 304), ("/news/index_3.html", 304),
        ("/news/index_4.html", 404)]


def test_retries_with_backoff_on_503(site, db_url, tmp_path):
    settings = write_settings(tmp_path, db_url, site_table(site, retries=3, backoff=0.02))
    site.fail("/news/index.html", 2)
    site.fail("/news/articles/en-0002.html", 1)
    info = Pipeline(settings).run_sources()
    assert info.status == "ok", info.errors
    assert info.documents["new"] == len([a for a in site.articles if not a.private])
    hits = site.requests_to("/news/index.html")
    assert [h.status for h in hits] == [503, 503, 200]
    # exponential backoff: the second wait is at least twice the first's floor
    assert hits[1].at - hits[0].at >= 0.02 and hits[2].at - hits[1].at >= 0.04
    assert [h.status for h in site.requests_to("/news/articles/en-0002.html")] == [503, 200]


def test_exhausted_retries_are_an_error_and_the_next_run_catches_up(site, db_url, tmp_path):
    settings = write_settings(tmp_path, db_url, site_table(site, retries=1))
    site.fail("/news/articles/en-0003.html", 5)
    info = Pipeline(settings).run_sources()
    url = f"{site.base_url}/news/articles/en-0003.html"
    assert info.status == "partial"
    assert [e for e in info.errors if e["file"] == url] == [
        {"file": url, "reason": "HTTP 503 (after 2 attempts)"}]
    assert len(site.requests_to("/news/articles/en-0003.html")) == 2
    assert url not in stored(db_url)
    assert info.documents["new"] == len([a for a in site.articles if not a.private]) - 1
    # the walk was incomplete: no listing validators stored, so the next run reads the listing again
    # (the articles stored keep theirs, for revisits)
    with session_factory(db_url)() as s:
        states = s.scalars(select(SourceState.url)).all()
        assert not [u for u in states if "/news/index" in u]
        assert sorted(states) == sorted(f"{site.base_url}{a.path}" for a in site.articles
                                        if not a.private and a.stem != "en-0003")
        run = s.scalar(select(Run).where(Run.id == info.run_id))
        assert [e.file for e in run.errors] == [url]
    site.failures.clear()
    site.reset_log()
    again = Pipeline(settings).run_sources()
    assert again.status == "ok" and again.documents["new"] == 1
    assert article_hits(site) == ["/news/articles/en-0003.html"]
    assert site.requests_to("/news/index.html")[0].status == 200
    assert url in stored(db_url)


def test_rate_limit_spaces_requests_to_one_host(site, db_url, tmp_path):
    delay = 0.05
    settings = write_settings(tmp_path, db_url, site_table(site, delay=delay, max_pages=2))
    Pipeline(settings).run_sources()
    times = [h.at for h in site.hits]
    assert len(times) >= 8
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert min(gaps) >= delay


def test_feed_loads_entries_full_text_or_by_link(site, db_url, tmp_path):
    table = (f'[[sources]]\nname = "rss"\nkind = "feed"\nurl = "{site.base_url}/news/rss.xml"\n'
             "delay = 0.0\nmin_chars = 300\n")
    settings = write_settings(tmp_path, db_url, table)
    info = Pipeline(settings).run_sources()
    assert info.status == "ok", info.errors
    assert info.documents["new"] == len(site.feed)
    docs = stored(db_url)
    assert set(docs) == {site.base_url + a.path for a in site.feed}
    # full-text entries are not fetched; the others are fetched once, by their link
    fetched = sorted(p for p in article_hits(site))
    assert fetched == sorted(a.path for a in site.feed if a.stem not in site.feed_full)
    assert info.sources["rss"]["from_entry"] == len(site.feed_full)
    for a in site.feed:
        d = docs[site.base_url + a.path]
        assert d.title == a.title and a.paragraphs[-1][:40] in d.text
        assert d.published == a.date
    site.reset_log()
    again = Pipeline(settings).run_sources()
    assert again.documents["seen"] == 0
    assert [(h.path, h.status) for h in site.hits if h.path != "/robots.txt"] == [("/news/rss.xml", 304)]


def test_feed_date_is_the_documents_date(site):
    """The entry's pubDate is kept on the document, even where the page says otherwise."""
    opts = parse_options(FeedSource, {"url": f"{site.base_url}/news/rss.xml", "delay": 0, "content": "link"}, "t")
    a = site.feed[1]
    a.date = a.date.replace(year=a.date.year + 1)  # the feed now disagrees with the page
    site.build()
    docs = {d.uri: d for d in FeedSource("rss", opts).items(SourceContext())}
    assert docs[site.base_url + a.path].published == a.date
    assert docs[site.base_url + a.path].meta["format"] == "html"  # content="link": read from the page


def test_unreachable_site_is_an_error_of_the_run_not_a_crash(db_url, tmp_path):
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    table = (f'[[sources]]\nname = "gone"\nkind = "site"\nurl = "http://127.0.0.1:{port}/news/"\n'
             f'article_pattern = "x"\ndelay = 0.0\nretries = 1\nbackoff = 0.01\n')
    settings = write_settings(tmp_path, db_url, table)
    info = Pipeline(settings).run_sources()
    assert info.status == "partial"
    assert info.errors and info.errors[0]["file"] == f"http://127.0.0.1:{port}/news/"
    assert "robots.txt" in info.errors[0]["reason"] or "connection" in info.errors[0]["reason"]
