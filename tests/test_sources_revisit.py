"""Revisits of stored web articles, on SQLite and PostgreSQL, against the local news site
(tests/newsite.py) with articles written here: a corrected article is stored again (changed), a
withdrawn one is marked gone (kept), an unchanged one costs a 304; ``--revisit`` re-checks all,
``revisit_days`` the recent ones on every run; the feed does the same. And one page or file that
cannot be read is that item's failure, never the end of its source's run."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from etl.db import session_factory
from etl.load.models import Document, SourceState
from etl.pipeline import Pipeline

from .newsite import Article, NewsSite
from .test_sources_web import site_table, write_settings

PARAS = {
    "lab-visit": ("Robotics Lab Welcomes Visitors from Tampere University",
                  ["By Tue, 12 Mar 2024 GMT",
                   "On 11 March 2024 a group of four engineers from Tampere University toured the robotics laboratory "
                   "of the School of Automation and talked about a shared summer course on field robots.",
                   "Both sides agreed to draft a short programme for ten students from each university next year."]),
    "exchange-fair": ("Exchange Fair Draws Two Hundred Students",
                      ["By Fri, 05 Apr 2024 GMT",
                       "The International Office held its spring exchange fair on 3 April 2024, where partners from "
                       "Dublin City University and Kookmin University answered questions about semester places.",
                       "Students asked most about credit transfer and housing for the autumn term."]),
    "mou-signing": ("University Signs Memorandum with Coventry University",
                    ["By Mon, 20 May 2024 GMT",
                     "A memorandum of understanding was signed with Coventry University on 17 May 2024 during a "
                     "video meeting chaired by the two vice presidents.",
                     "It opens joint supervision of master's projects in mechanical engineering."]),
}


def articles() -> list[Article]:
    out = []
    for stem, (title, paras) in PARAS.items():
        out.append(Article(stem, title, list(paras), dt.date.fromisoformat({
            "lab-visit": "2024-03-12", "exchange-fair": "2024-04-05", "mou-signing": "2024-05-20"}[stem])))
    return out


@pytest.fixture
def site():
    s = NewsSite(articles=articles(), per_page=2).serve()
    yield s
    s.close()


def stored(url: str) -> dict[str, Document]:
    with session_factory(url)() as s:
        return {d.uri.rsplit("/", 1)[-1]: d for d in s.scalars(select(Document))}


def hits(site, stem: str) -> list:
    return site.requests_to(f"/news/articles/{stem}.html")


def by_stem(site, stem: str) -> Article:
    return next(a for a in site.articles if a.stem == stem)


def test_revisit_stores_a_correction_and_marks_a_withdrawal(site, db_url, tmp_path):
    settings = write_settings(tmp_path, db_url, site_table(site))
    first = Pipeline(settings).run_sources()
    assert first.documents["new"] == 3, first.errors
    with session_factory(db_url)() as s:
        states = {r.url.rsplit("/", 1)[-1]: r for r in s.scalars(select(SourceState))}
    assert states["lab-visit.html"].etag == site.pages["/news/articles/lab-visit.html"].etag  # kept once stored

    # the office corrects one article and withdraws another
    by_stem(site, "lab-visit").paragraphs[1] = PARAS["lab-visit"][1][1].replace("four engineers", "five engineers")
    withdrawn = by_stem(site, "exchange-fair")
    site.articles.remove(withdrawn)
    site.build()
    site.reset_log()

    plain = Pipeline(settings).run_sources()  # without --revisit the walk does not fetch stored articles
    assert plain.documents["changed"] == 0 and plain.documents["gone"] == 0
    assert not [p for p in site.paths() if p.startswith("/news/articles/")]

    site.reset_log()
    info = Pipeline(settings).run_sources(revisit=True)
    assert info.status == "ok", info.errors
    assert (info.documents["changed"], info.documents["gone"], info.documents["unchanged"]) == (1, 1, 1)
    assert info.sources["news"]["gone"] == 1 and info.sources["news"]["unchanged"] == 1
    # each stored article asked once, conditionally, with the validators kept when it was stored
    assert [h.status for h in hits(site, "lab-visit")] == [200]
    assert hits(site, "lab-visit")[0].headers["if-none-match"] == states["lab-visit.html"].etag
    assert [h.status for h in hits(site, "mou-signing")] == [304]
    assert [h.status for h in hits(site, "exchange-fair")] == [404]
    assert site.paths().count("/robots.txt") == 1
    docs = stored(db_url)
    assert "five engineers" in docs["lab-visit.html"].text and docs["lab-visit.html"].status == "active"
    assert docs["exchange-fair.html"].status == "gone" and "spring exchange fair" in docs["exchange-fair.html"].text
    assert docs["mou-signing.html"].status == "active"

    # again: the correction is now as stored (304), the withdrawn page is still gone and not counted twice
    site.reset_log()
    again = Pipeline(settings).run_sources(revisit=True)
    assert (again.documents["changed"], again.documents["gone"], again.documents["unchanged"]) == (0, 0, 2)
    assert [h.status for h in hits(site, "lab-visit")] == [304]

    # the page comes back as it was: active again, not a new document
    site.articles.append(withdrawn)
    site.build()
    back = Pipeline(settings).run_sources(revisit=True)
    assert back.documents["new"] == 0 and back.documents["changed"] == 0
    assert stored(db_url)["exchange-fair.html"].status == "active"


def test_revisit_days_rechecks_the_recent_articles_on_every_run(site, db_url, tmp_path):
    settings = write_settings(tmp_path, db_url, site_table(site, revisit_days=30))
    Pipeline(settings).run_sources()
    with session_factory(db_url).begin() as s:  # one article was first seen long ago
        s.execute(update(Document).where(Document.uri.endswith("/mou-signing.html"))
                  .values(created_at=dt.datetime(2020, 1, 1)))
    for a in site.articles:
        a.paragraphs[-1] += " (Updated with a photo caption.)"
    site.build()
    site.reset_log()
    info = Pipeline(settings).run_sources()
    assert info.documents["changed"] == 2, info.errors
    assert hits(site, "mou-signing") == []  # older than 30 days: left alone
    assert "photo caption" not in stored(db_url)["mou-signing.html"].text


def test_the_command_line_revisit(site, db_url, tmp_path):
    from etl.cli import app

    settings = write_settings(tmp_path, db_url, site_table(site))
    cfg = str(settings.config_path)
    runner = CliRunner()
    assert runner.invoke(app, ["etl", "run", "--config", cfg, "--source", "news"]).exit_code == 0
    by_stem(site, "mou-signing").paragraphs[1] = "A memorandum was signed with Coventry University on 16 May 2024."
    site.build()
    out = runner.invoke(app, ["etl", "run", "--config", cfg, "--source", "news", "--revisit", "--json"])
    assert out.exit_code == 0, out.output
    run = json.loads(out.output.strip().splitlines()[-1])
    assert run["documents"]["changed"] == 1 and run["status"] == "ok"
    bad = runner.invoke(app, ["etl", "run", "--config", cfg, "--revisit", str(tmp_path)])
    assert bad.exit_code == 2 and "--revisit" in bad.output


def test_feed_revisit_compares_listed_entries_and_finds_withdrawn_pages(db_url, tmp_path):
    arts = articles()
    site = NewsSite(articles=[], feed=arts, feed_full={arts[0].stem}).serve()
    try:
        table = (f'[[sources]]\nname = "rss"\nkind = "feed"\nurl = "{site.base_url}/news/rss.xml"\n'
                 "delay = 0.0\nmin_chars = 100\n")
        settings = write_settings(tmp_path, db_url, table)
        assert Pipeline(settings).run_sources().documents["new"] == 3
        arts[0].paragraphs[1] = arts[0].paragraphs[1].replace("four engineers", "six engineers")  # entry text
        arts[2].paragraphs[1] += " The text was corrected."  # read from its page
        withdrawn = arts[1]
        site.feed.remove(withdrawn)
        site.build()
        site.reset_log()
        info = Pipeline(settings).run_sources(revisit=True)
        assert (info.documents["changed"], info.documents["gone"]) == (2, 1), info.errors
        assert [h.status for h in site.requests_to("/news/rss.xml")] == [200]  # read in full, not conditionally
        assert [h.status for h in site.requests_to(withdrawn.path)] == [404]
        docs = stored(db_url)
        assert "six engineers" in docs["lab-visit.html"].text and "corrected" in docs["mou-signing.html"].text
        assert docs["exchange-fair.html"].status == "gone"
    finally:
        site.close()


def test_one_unreadable_page_never_ends_the_sites_run(site, db_url, tmp_path, monkeypatch):
    """A reader that breaks on one page (here: a library missing at import, as lxml.html.clean was
    for a fresh install) fails that page alone; the walk reads the others."""
    from etl.sources import site as site_mod

    real = site_mod.read_bytes

    def flaky(data, uri, **kw):
        if uri.endswith("/exchange-fair.html"):
            raise ImportError("lxml.html.clean module is now a separate project lxml_html_clean")
        return real(data, uri, **kw)

    monkeypatch.setattr(site_mod, "read_bytes", flaky)
    # (the reader is patched in this process: pages are read here, not in the [limits] reader process)
    settings = write_settings(tmp_path, db_url, site_table(site) + "\n[limits]\nisolate = false\n")
    info = Pipeline(settings).run_sources()
    assert info.documents["new"] == 2 and info.documents["failed"] == 1
    assert [e["file"].rsplit("/", 1)[-1] for e in info.errors] == ["exchange-fair.html"]
    assert info.errors[0]["reason"].startswith("ImportError: lxml.html.clean")
    assert info.sources["news"]["failed"] == 1 and not any(e["file"].startswith("source ") for e in info.errors)
    with session_factory(db_url)() as s:  # not stored: no validators either, so the next run reads it again
        assert not s.scalar(select(SourceState).where(SourceState.url.endswith("/exchange-fair.html")))


def test_one_unreadable_file_never_ends_the_folders_run(db_url, tmp_path, monkeypatch):
    from etl.sources import folder as folder_mod

    docs = tmp_path / "docs"
    docs.mkdir()
    for stem, (title, paras) in PARAS.items():
        (docs / f"{stem}.txt").write_text("\n".join([title, *paras]), encoding="utf-8")
    real = folder_mod.read_if_changed

    def flaky(path, *a, **kw):
        if path.name == "lab-visit.txt":
            raise MemoryError("the reader ran out of memory")
        return real(path, *a, **kw)

    monkeypatch.setattr(folder_mod, "read_if_changed", flaky)
    settings = write_settings(tmp_path, db_url, '[[sources]]\nname = "archive"\nkind = "folder"\npath = "docs"\n')
    info = Pipeline(settings).run_sources()
    assert info.documents["new"] == 2 and info.documents["failed"] == 1
    assert info.errors == [{"file": str(docs / "lab-visit.txt"), "reason": "MemoryError: the reader ran out of memory"}]
