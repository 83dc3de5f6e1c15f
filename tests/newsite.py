"""A small news site built from the corpus, served on 127.0.0.1 for the web-source tests.

The site looks like a university news site: listing pages (newest first, ``per_page``
articles each, a "下一页" / rel=next link, navigation and footer links that are not
articles), article pages (corpus text wrapped in HTML with navigation and a footer), a
robots.txt that disallows ``/news/private/``, and an RSS feed whose entries carry either the
full text (``content:encoded``) or only a summary and a link.

The server records every request (path, status, headers, monotonic time on arrival) and
answers conditional GETs (If-None-Match / If-Modified-Since → 304). ``fail(path, n)`` makes
the next ``n`` requests for a path answer 503, to prove the retries.
"""
from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import html
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CORPUS_DOCS = Path(__file__).resolve().parent / "corpus" / "docs"
ROBOTS = "User-agent: *\nDisallow: /news/private/\n"
LAST_MODIFIED = email.utils.format_datetime(dt.datetime(2025, 1, 6, 8, 0, tzinfo=dt.timezone.utc), usegmt=True)


@dataclass
class Article:
    stem: str
    title: str
    paragraphs: list[str]
    date: dt.date | None
    private: bool = False

    @classmethod
    def from_corpus(cls, stem: str, private: bool = False) -> "Article":
        text = (CORPUS_DOCS / f"{stem}.txt").read_text(encoding="utf-8")
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        return cls(stem, lines[0], lines[1:], _corpus_date(lines[1]), private)

    @property
    def path(self) -> str:
        return f"/news/{'private' if self.private else 'articles'}/{self.stem}.html"

    def html(self) -> str:
        body = "\n".join(f"<p>{html.escape(p)}</p>" for p in self.paragraphs)
        meta = f'<meta name="date" content="{self.date.isoformat()}">' if self.date else ""
        return f"""<!DOCTYPE html>
<html lang="{'zh' if self.stem.startswith('zh') else 'en'}"><head><meta charset="utf-8">
<title>{html.escape(self.title)} - Beijing Information Science and Technology University</title>{meta}
</head><body>
<div class="top-bar"><a href="/">BISTU Home</a> | <a href="/contact/">Contact Us</a></div>
<ul class="nav"><li><a href="/about/">About BISTU</a></li><li><a href="/news/index.html">News</a></li>
<li><a href="/schools/cs/">School of Computer Science</a></li></ul>
<div class="article"><h1>{html.escape(self.title)}</h1>
{body}
</div>
<div class="related"><h3>Related</h3><a href="/news/index.html">More news</a></div>
<div class="footer">Copyright © Beijing Information Science and Technology University ·
<a href="/privacy/">Privacy</a> · No. 12 Xiaoying East Road, Haidian District, Beijing</div>
</body></html>"""


def _corpus_date(line: str) -> dt.date | None:
    m = re.match(r"By \w+, (\d{1,2} \w{3} \d{4})", line)
    if m:
        return dt.datetime.strptime(m.group(1), "%d %b %Y").date()
    m = re.search(r"(\d{4})-(\d{2})-(\d{2})", line)
    return dt.date(*map(int, m.groups())) if m else None


@dataclass
class Page:
    body: bytes
    content_type: str
    etag: str
    last_modified: str = LAST_MODIFIED


@dataclass
class Hit:
    path: str
    status: int
    headers: dict[str, str]
    at: float  # time.monotonic() on arrival


@dataclass
class NewsSite:
    """The site's content; ``serve()`` starts the server. Newest article first in ``articles``."""

    articles: list[Article]
    feed: list[Article] = field(default_factory=list)
    feed_full: set[str] = field(default_factory=set)  # stems whose feed entry has the full text
    per_page: int = 4
    conditional: bool = True  # answer If-None-Match / If-Modified-Since with 304
    hits: list[Hit] = field(default_factory=list)
    pages: dict[str, Page] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)
    base_url: str = ""

    def __post_init__(self):
        self._lock = threading.Lock()
        self.build()

    # content
    def build(self) -> None:
        pages: dict[str, Page] = {}

        def put(path: str, text: str, ctype: str) -> None:
            data = text.encode("utf-8")
            old = self.pages.get(path)
            etag = f'"{hashlib.sha1(data).hexdigest()[:16]}"'
            if old is None:
                lm = LAST_MODIFIED
            elif old.etag == etag:
                lm = old.last_modified
            else:  # changed: modified now
                lm = email.utils.format_datetime(dt.datetime.now(dt.timezone.utc), usegmt=True)
            pages[path] = Page(data, ctype, etag, lm)

        put("/robots.txt", ROBOTS, "text/plain")
        n_pages = max(1, -(-len(self.articles) // self.per_page))
        for i in range(n_pages):
            chunk = self.articles[i * self.per_page:(i + 1) * self.per_page]
            put(self.listing_path(i + 1), self._listing(i + 1, n_pages, chunk), "text/html; charset=utf-8")
        for a in {a.stem: a for a in self.articles + self.feed}.values():
            put(a.path, a.html(), "text/html; charset=utf-8")
        put("/about/", "<html><body><h1>About BISTU</h1></body></html>", "text/html")
        if self.feed:
            put("/news/rss.xml", self._rss(), "application/rss+xml; charset=utf-8")
        self.pages = pages

    @staticmethod
    def listing_path(n: int) -> str:
        return "/news/index.html" if n == 1 else f"/news/index_{n}.html"

    def _listing(self, n: int, total: int, chunk: list[Article]) -> str:
        items = "\n".join(
            f'<li><a href="{a.path.rsplit("/news/", 1)[1]}" title="{html.escape(a.title)}">{html.escape(a.title)}</a>'
            f'<span class="date">{a.date}</span></li>' for a in chunk)
        nav = " ".join(f'<a href="{self.listing_path(k).rsplit("/", 1)[1]}">{k}</a>' for k in range(1, total + 1))
        nxt = f'<a class="next" href="{self.listing_path(n + 1).rsplit("/", 1)[1]}">下一页</a>' if n < total else ""
        return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>News - BISTU</title></head><body>
<ul class="nav"><li><a href="/about/">About BISTU</a></li><li><a href="/news/index.html">News</a></li></ul>
<h2>News</h2><ul class="news-list">
{items}
</ul>
<div class="pages">{nav} {nxt}</div>
<div class="footer"><a href="/privacy/">Privacy</a> <a href="/about/">About</a></div>
</body></html>"""

    def _rss(self) -> str:
        items = []
        for a in self.feed:
            when = dt.datetime.combine(a.date or dt.date(2020, 1, 1), dt.time(8), dt.timezone.utc)
            full = ""
            if a.stem in self.feed_full:
                paras = "".join(f"<p>{html.escape(p)}</p>" for p in a.paragraphs)
                full = f"<content:encoded><![CDATA[{paras}]]></content:encoded>"
            items.append(f"""<item><title>{html.escape(a.title)}</title>
<link>{self.base_url}{a.path}</link><guid>{self.base_url}{a.path}</guid>
<pubDate>{email.utils.format_datetime(when, usegmt=True)}</pubDate>
<description>{html.escape(a.paragraphs[-1][:120])}</description>{full}</item>""")
        return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>BISTU News</title><link>{self.base_url}/news/index.html</link><description>News</description>
{''.join(items)}
</channel></rss>"""

    def add_article(self, article: Article) -> None:
        """Publish a new article: it goes to the top of page 1 and the others shift down."""
        self.articles.insert(0, article)
        self.build()

    # behaviour
    def fail(self, path: str, times: int) -> None:
        with self._lock:
            self.failures[path] = times

    def requests_to(self, path: str) -> list[Hit]:
        return [h for h in self.hits if h.path == path]

    def paths(self) -> list[str]:
        return [h.path for h in self.hits]

    def reset_log(self) -> None:
        with self._lock:
            self.hits.clear()

    def respond(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        with self._lock:
            if self.failures.get(path, 0) > 0:
                self.failures[path] -= 1
                return 503, {"Content-Type": "text/plain"}, b"busy"
        page = self.pages.get(path)
        if page is None:
            return 404, {"Content-Type": "text/plain"}, b"not found"
        out = {"Content-Type": page.content_type}
        if self.conditional:
            out["ETag"], out["Last-Modified"] = page.etag, page.last_modified
            inm, ims = headers.get("if-none-match"), headers.get("if-modified-since")
            if inm is not None:
                if page.etag in [t.strip() for t in inm.split(",")]:
                    return 304, out, b""
            elif ims is not None:
                try:
                    if email.utils.parsedate_to_datetime(page.last_modified) <= email.utils.parsedate_to_datetime(ims):
                        return 304, out, b""
                except (TypeError, ValueError):
                    pass
        return 200, out, page.body

    # server
    def serve(self) -> "NewsSite":
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                arrived = time.monotonic()
                path = self.path.split("?", 1)[0]
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, out, body = site.respond(path, headers)
                with site._lock:
                    site.hits.append(Hit(path, status, headers, arrived))
                self.send_response(status)
                for k, v in out.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.build()  # the feed names absolute links
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def corpus_site(n_articles: int = 9, *, private: int = 1, feed: int = 4, **kw) -> NewsSite:
    """A site with ``n_articles`` corpus articles on the listing (``private`` of them under the
    robots-disallowed path) and ``feed`` other articles in the feed, half of them full text."""
    stems = sorted(p.stem for p in CORPUS_DOCS.glob("*.txt"))
    en = [s for s in stems if s.startswith("en-") and s != "en-0000"]
    zh = [s for s in stems if s.startswith("zh-")]
    listed = en[: n_articles - 1] + zh[:1]
    articles = [Article.from_corpus(s) for s in listed]
    for a in articles[len(articles) // 2: len(articles) // 2 + private]:
        a.private = True
    feed_articles = [Article.from_corpus(s) for s in en[n_articles: n_articles + feed]]
    full = {a.stem for a in feed_articles[::2]}
    return NewsSite(articles=articles, feed=feed_articles, feed_full=full, **kw)
