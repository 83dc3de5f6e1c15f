"""Publication dates of HTML pages (etl/sources/page_dates.py): the page's metadata, then its
byline, then its dateline, then its URL; never a footer or copyright line; never after the page
was read. Pages written here, in the shapes university news sites use; and end to end: a folder
of such pages loaded through the pipeline stores each page's own date."""
from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from sqlalchemy import select

from etl.db import session_factory
from etl.load.models import Document
from etl.pipeline import Pipeline
from etl.sources.files import read_html
from etl.sources.page_dates import page_date

READ = dt.datetime(2025, 6, 1, 9, 0, tzinfo=dt.timezone.utc)
BODY = ("<p>Engineers from a partner university toured the robotics laboratory and discussed a joint "
        "summer course on field robots for students of both schools.</p>"
        "<p>The two sides agreed to draft the course plan before the end of the term.</p>")
FOOTER = ('<div class="footer">Copyright © 2008-2025 Example University of Science and Technology. '
          'All rights reserved. Updated 2025-05-30</div>')
FOOTER_ZH = '<div id="bottom">版权所有 © 2025 某某科技大学 地址：北京市海淀区 京ICP备05012345号 2025年1月1日</div>'


def page(head: str = "", top: str = "", body: str = BODY, foot: str = FOOTER) -> str:
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Robotics visit - Example University</title>"
            f"{head}</head><body><ul class='nav'><li><a href='/'>Home</a></li></ul>"
            f"<div class='article'><h1>Robotics visit</h1>{top}{body}</div>{foot}</body></html>")


CASES = [
    # (what, html, url, expected date, method)
    ("byline over a copyright footer", page(top="<p class='byline'>By Fri, 08 Mar 2024 GMT</p>"), "", "2024-03-08",
     "byline"),
    ("byline with views after it", page(top="<div class='meta'>By Fri, 08 Mar 2024 GMT &nbsp; Views: 1024</div>"), "",
     "2024-03-08", "byline"),
    ("article:published_time over the byline",
     page("<meta property='article:published_time' content='2024-03-07T22:30:00+08:00'>",
          "<p>By Fri, 08 Mar 2024 GMT</p>"), "", "2024-03-07", "meta:article:published_time"),
    ("a CMS PubDate tag", page("<meta name='PubDate' content='2023-12-18 09:12'>"), "", "2023-12-18", "meta:pubdate"),
    ("JSON-LD", page('<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",'
                     '"datePublished":"2022-11-30T08:00:00Z","dateModified":"2025-01-02"}</script>'), "", "2022-11-30",
     "jsonld"),
    ("<time pubdate>", page(top="<time datetime='2021-09-14T10:00' pubdate>14 September</time>"), "", "2021-09-14",
     "time"),
    ("a modification date is not a publication date",
     page("<meta property='article:modified_time' content='2025-05-30'>", "<p>Posted on March 2, 2024</p>"), "",
     "2024-03-02", "byline"),
    ("Chinese byline, Chinese footer", page(top="<div class='info'>来源：国际交流处 发布时间：2024-03-08 10:21 点击：112</div>",
                                            foot=FOOTER_ZH), "", "2024-03-08", "byline"),
    ("Publish Time label", page(top="<p>Source: International Office | Publish Time: 2024-04-02 15:06</p>"), "",
     "2024-04-02", "byline"),
    ("日期 label with Chinese date", page(top="<div>作者：王明 日期：2024年03月08日 点击：[86]</div>", foot=FOOTER_ZH), "",
     "2024-03-08", "byline"),
    ("a date span with a date class", page(top="<span class='date'>2023年10月18日</span>"), "", "2023-10-18", "byline"),
    ("an event's own label is not a byline",
     page(top="<p>活动时间：2024年5月1日</p><p>Event date: 2024-05-01</p>"), "http://x.edu/news/a.html", None, None),
    ("the dateline", page(body="<p>Beijing, 7 March 2024 (EUST) — Engineers from a partner university toured the "
                               "robotics laboratory and discussed a joint summer course.</p>"), "", "2024-03-07",
     "dateline"),
    ("the Chinese dateline", page(body="<p>本网讯（通讯员 王明）2024年3月7日，芬兰坦佩雷大学代表团一行四人来访我校，"
                                       "参观了自动化学院机器人实验室并座谈交流。</p>", foot=FOOTER_ZH), "",
     "2024-03-07", "dateline"),
    ("the URL, last", page(), "https://news.example.edu/info/2024/0308/c1234a5678/page.htm", "2024-03-08", "url"),
    ("nothing but the footer: no date", page(), "https://news.example.edu/info/1012/3456.htm", None, None),
    ("a date after the read is refused", page("<meta name='pubdate' content='2031-01-01'>",
                                              "<p>By Mon, 13 May 2024 GMT</p>"), "", "2024-05-13", "byline"),
]


@pytest.mark.parametrize("what,html,url,expected,method", CASES, ids=[c[0] for c in CASES])
def test_page_date(what, html, url, expected, method):
    got = page_date(lxml.html.fromstring(html), url, READ)
    assert (got.date.isoformat() if got else None) == expected
    assert (got.method if got else None) == method


def test_a_page_dated_the_next_day_in_its_own_time_zone_is_not_in_the_future():
    html = page("<meta name='pubdate' content='2025-06-02'>")  # Beijing's morning, still the evening before in UTC
    assert page_date(lxml.html.fromstring(html), "", dt.datetime(2025, 6, 1, 20, 0, tzinfo=dt.timezone.utc)).date == \
        dt.date(2025, 6, 2)
    assert page_date(lxml.html.fromstring(html), "", dt.datetime(2025, 6, 1, 6, 0, tzinfo=dt.timezone.utc)) is None


def test_a_footer_year_never_dates_the_page_read_from_bytes():
    doc = read_html(page(top="<p>By Fri, 08 Mar 2024 GMT</p>").encode(), "http://x.edu/news/a.html")
    assert doc.published == dt.date(2024, 3, 8) and doc.meta["published_from"] == "byline"
    assert "By Fri, 08 Mar 2024 GMT" in doc.text and "Copyright" not in doc.text
    bare = read_html(page().encode(), "http://x.edu/news/a.html")
    assert bare.published is None and "published_from" not in bare.meta


def test_every_page_of_a_folder_keeps_its_own_date(settings, tmp_path):
    """End to end: the date stored for each page is the page's own, whatever its footer says, and the
    page's metadata wins over a byline that the text would otherwise put first."""
    folder = tmp_path / "pages"
    folder.mkdir()
    pages = {
        "byline.html": (page(top="<p>By Fri, 08 Mar 2024 GMT</p>"), dt.date(2024, 3, 8)),
        "meta.html": (page("<meta property='article:published_time' content='2023-11-02'>",
                           "<p>By Fri, 08 Mar 2024 GMT</p>"), dt.date(2023, 11, 2)),
        "zh.html": (page(top="<div class='info'>发布时间：2024-01-15</div>", foot=FOOTER_ZH), dt.date(2024, 1, 15)),
        "dateline.html": (page(body="<p>Beijing, 7 March 2024 (EUST) — Engineers from a partner university toured "
                                    "the robotics laboratory and discussed a joint summer course on field robots "
                                    "for students of both schools.</p>"), dt.date(2024, 3, 7)),
    }
    for name, (html, _) in pages.items():  # each its own text (the same text twice would be a duplicate)
        (folder / name).write_text(html.replace("both schools", f"both schools ({name})"), encoding="utf-8")
    info = Pipeline(settings).run([folder])
    assert info.documents["new"] == len(pages), info.errors
    with session_factory(settings.database_url)() as s:
        got = {d.uri.rsplit("/", 1)[-1]: d.published for d in s.scalars(select(Document))}
    assert got == {name: day for name, (_, day) in pages.items()}
