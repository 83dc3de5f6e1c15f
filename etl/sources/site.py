"""The ``site`` source: walk a news listing, page by page, and read the articles not stored yet.

Configuration (a ``[[sources]]`` table, see intl.example.toml)::

    url = "https://example.edu/news/index.html"   # the first listing page
    article_pattern = '/news/\\d+\\.html$'         # regex on absolute link URLs …
    article_selector = "ul.news-list a"           # … or a CSS selector (one of the two)
    next_pattern / next_selector                  # the "next page" link (default: rel=next,
                                                  #  or a link reading "Next", "下一页", "»" …)
    page_url = "https://example.edu/news/index_{n}.html"   # or pages by number (n = 2, 3 …)
    max_pages = 5

How a walk goes, and why:

1. Each listing page is fetched with a conditional GET (validators from ``source_state``).
2. Its article links are read; a link already stored as a document (``known``), already
   seen in this walk, or disallowed by robots.txt is not fetched. The others are fetched
   and read (``read_bytes``) and handed to the pipeline one by one.
3. The next page is followed until ``max_pages``, a page without a next link, or a
   ``304 Not Modified``. A 304 means the page is as it was after an earlier complete walk,
   so everything it leads to was read then: with ``page_url`` the walk goes on to the next
   number (it needs no link from the page); when following links it stops there.
4. The listing pages' validators are stored only when the walk ended without a transient
   failure (network error, 5xx, 429). Otherwise the next run reads the listing again in
   full and retries what was missed: a 304 never hides an article that was not read.
5. Revisits: a stored article is not fetched again by the walk, so a correction or a withdrawal
   would never be seen. Each article's validators (ETag / Last-Modified) are kept once it is
   stored; ``intl etl run --revisit`` re-checks every stored article of the source, and
   ``revisit_days = N`` those first seen in the last N days on every run, with a conditional
   GET (robots.txt and the per-host delay as for any request): 304 → unchanged, 200 → read
   again (stored as ``changed`` when its text differs), 404/410 → marked ``gone`` (kept).
"""
from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, fields
from urllib.parse import urljoin, urlsplit

from etl.errors import InputError
from etl.sources.base import Gone, SourceDocument, Unchanged
from etl.sources.files import read_bytes
from etl.sources.http import FetchError, Fetcher, HttpOptions, Response, Validators, canonical_url, host_of
from etl.sources.registry import Source, SourceContext, SourceItem, register

log = logging.getLogger("etl.sources.site")

def _utcnow() -> dt.datetime:
    """Now, as the database's timestamps are kept (naive UTC, etl.load.models._now)."""
    from etl.load.models import _now

    return _now()


NEXT_TEXTS = {"next", "next page", "next »", "next ›", "›", "»", ">", ">>", "下一页", "下页", "后一页"}


class WebSource(Source):
    """Shared by the web sources: a polite fetcher per walk and article reading."""

    def fetcher(self) -> Fetcher:
        names = {f.name for f in fields(HttpOptions)}
        return Fetcher(HttpOptions(**{n: getattr(self.options, n) for n in names}))

    def fetch_article(self, fetcher: Fetcher, url: str) -> SourceDocument | InputError | None:
        """The article at ``url`` read into a document, an error, or None when robots.txt says no."""
        return self.fetch(fetcher, url)[0]

    def fetch(self, fetcher: Fetcher, url: str) -> tuple[SourceDocument | InputError | None, Response | None]:
        """(:meth:`fetch_article`'s result, the response: its validators are kept once the document is stored)."""
        if refusal := fetcher.refusal(url):
            self.count("disallowed")
            log.info("%s: %s not fetched: %s", self.name, url, refusal)
            return None, None
        try:
            resp = fetcher.get(url)
        except FetchError as exc:
            self.count("failed")
            log.warning("%s: %s", self.name, exc)
            return exc, None
        self.count("fetched")
        return self.read(resp.body, url, resp.content_type), resp

    def keep_validators(self, ctx: SourceContext, item: SourceItem, resp: Response | None) -> None:
        """After the pipeline took ``item``: when it stored that very text, remember the page's
        validators, so that a revisit asks "changed since?" (a page that failed to load keeps
        none, and is read in full next time)."""
        if resp is not None and isinstance(item, SourceDocument) and ctx.stored(item.uri) == item.content_hash:
            ctx.state.put(item.uri, self.name, resp.validators, resp.status)

    # -- revisits -------------------------------------------------------------------------
    def due_for_revisit(self, ctx: SourceContext) -> list[str]:
        """Stored articles to re-check this run: all of them (``--revisit``), else those first seen in
        the last ``revisit_days`` days."""
        if self.revisit_all:
            return ctx.documents(self.name, None)
        days = getattr(self.options, "revisit_days", 0)
        if days > 0:
            return ctx.documents(self.name, _utcnow() - dt.timedelta(days=days))
        return []

    def recheck(self, fetcher: Fetcher, ctx: SourceContext, url: str, *, compare: bool = True) -> Iterator[SourceItem]:
        """Re-check a stored article with a conditional GET: 304 → unchanged; 200 → read again, and
        the pipeline stores it if its text changed; 404 or 410 → gone (marked, kept). A page robots.txt
        now disallows, or that fails for another reason, is left as stored. ``compare=False``: the
        stored text did not come from this page (a feed entry's), so a 200 only says it still exists."""
        if refusal := fetcher.refusal(url):
            self.count("disallowed")
            log.info("%s: %s not re-checked: %s", self.name, url, refusal)
            return
        old = ctx.state.get(url) if compare else None
        try:
            resp = fetcher.get(url, old)
        except FetchError as exc:
            if exc.status in (404, 410):
                self.count("gone")
                yield Gone(url, f"HTTP {exc.status}")
                return
            self.count("failed")
            yield exc
            return
        self.count("revisited")
        if resp.not_modified or not compare:
            self.count("unchanged" if resp.not_modified else "still_there")
            yield Unchanged(url)
            return
        item = self.read(resp.body, url, resp.content_type)
        yield item
        self.keep_validators(ctx, item, resp)

    def revisit(self, fetcher: Fetcher, ctx: SourceContext, skip: set[str]) -> Iterator[SourceItem]:
        for url in self.due_for_revisit(ctx):
            if url not in skip:
                yield from self.recheck(fetcher, ctx, url)

    reader = None  # the run's reader within its [limits] (SourceContext.read); None: read_bytes here

    def read(self, body: bytes, url: str, content_type: str = "") -> SourceDocument | InputError:
        """The page's bytes read into a document; any failure (a bad page, a reader's own bug or a
        missing library) is that page's error, counted failed, and the walk goes on."""
        try:
            return (self.reader or read_bytes)(body, url, source=self.name, content_type=content_type)
        except InputError as exc:
            self.count("failed")
            return exc
        except Exception as exc:  # noqa: BLE001 - one page must never end the source's run
            log.exception("%s: %s could not be read", self.name, url)
            self.count("failed")
            return InputError(url, f"{exc.__class__.__name__}: {exc}")


def _regex(pattern: str | None, what: str) -> re.Pattern | None:
    if not pattern:
        return None
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"{what} is not a valid regular expression: {exc}") from None


def _selector(selector: str | None, what: str) -> None:
    if not selector:
        return
    import soupsieve

    try:
        soupsieve.compile(selector)
    except Exception as exc:  # soupsieve raises its own SelectorSyntaxError
        raise ValueError(f"{what} is not a valid CSS selector: {exc}") from None


@register("site")
class SiteSource(WebSource):
    """A news site read from its listing pages."""

    @dataclass(kw_only=True)
    class Options(HttpOptions):
        url: str
        article_pattern: str | None = None
        article_selector: str | None = None
        next_pattern: str | None = None
        next_selector: str | None = None
        page_url: str | None = None
        max_pages: int = 5
        same_host: bool = True  # article links on other hosts are ignored
        revisit_days: int = 0  # re-check, on every run, the articles first seen in the last N days

        def check(self) -> None:
            if urlsplit(self.url).scheme not in ("http", "https"):
                raise ValueError(f"url must be http(s), got {self.url!r}")
            if not (self.article_pattern or self.article_selector):
                raise ValueError("give article_pattern (a regex) or article_selector (CSS) for the article links")
            _regex(self.article_pattern, "article_pattern")
            _regex(self.next_pattern, "next_pattern")
            _selector(self.article_selector, "article_selector")
            _selector(self.next_selector, "next_selector")
            if self.page_url and "{n}" not in self.page_url:
                raise ValueError("page_url must contain {n}, the page number")
            if self.max_pages < 1:
                raise ValueError("max_pages must be at least 1")
            if self.revisit_days < 0:
                raise ValueError("revisit_days must be 0 (off) or more")

    # -- listing pages ----------------------------------------------------------------------
    def parse_listing(self, html: bytes, url: str) -> tuple[list[str], str | None]:
        """Article links (absolute, canonical, in page order, once each) and the next page's link."""
        from bs4 import BeautifulSoup

        o = self.options
        soup = BeautifulSoup(html, "lxml")
        base_tag = soup.find("base", href=True)
        base = urljoin(url, base_tag["href"]) if base_tag else url

        def absolute(el) -> str | None:
            if el is None:
                return None
            if el.name != "a":
                el = el if el.get("href") else el.find("a", href=True)
            href = el.get("href") if el is not None else None
            if not href or href.strip().lower().startswith(("javascript:", "mailto:", "tel:", "#")):
                return None
            u = canonical_url(urljoin(base, href))
            return u if urlsplit(u).scheme in ("http", "https") else None

        if o.article_selector:
            candidates = [absolute(el) for el in soup.select(o.article_selector)]
        else:
            candidates = [absolute(a) for a in soup.find_all("a", href=True)]
        pattern = _regex(o.article_pattern, "article_pattern")
        links: list[str] = []
        for u in candidates:
            if not u or u in links or (pattern and not pattern.search(u)):
                continue
            if o.same_host and host_of(u) != host_of(url):
                continue
            links.append(u)
        return links, self._next_link(soup, absolute, url)

    def _next_link(self, soup, absolute, url: str) -> str | None:
        o = self.options
        if o.next_selector:
            for el in soup.select(o.next_selector):
                if (u := absolute(el)) and u != url:
                    return u
            return None
        if o.next_pattern:
            pattern = _regex(o.next_pattern, "next_pattern")
            for a in soup.find_all("a", href=True):
                if (u := absolute(a)) and u != url and pattern.search(u):
                    return u
            return None
        for el in soup.find_all(["a", "link"], rel=True, href=True):
            if "next" in [r.lower() for r in el.get("rel", [])] and (u := absolute(el)) and u != url:
                return u
        for a in soup.find_all("a", href=True):
            if a.get_text(" ", strip=True).lower() in NEXT_TEXTS and (u := absolute(a)) and u != url:
                return u
        return None

    def page(self, n: int) -> str:
        """URL of listing page ``n`` (1 = ``url``) when pages go by number."""
        return canonical_url(self.options.url if n == 1 else self.options.page_url.format(n=n))

    # -- the walk ---------------------------------------------------------------------------
    def items(self, ctx: SourceContext) -> Iterator[SourceItem]:
        self.reader = ctx.read
        o = self.options
        fetcher = self.fetcher()
        clean = True
        checked: list[tuple[str, Validators, int]] = []  # listing validators, stored after a clean walk
        visited: set[str] = set()
        seen: set[str] = set()
        fetched: set[str] = set()  # read in this walk: no need to re-check them
        url: str | None = canonical_url(o.url)
        n = 1
        while url and n <= o.max_pages and url not in visited:
            visited.add(url)
            if refusal := fetcher.refusal(url):
                clean = False
                self.count("disallowed")
                yield InputError(url, f"source {self.name!r}: listing page not read: {refusal}")
                break
            old = ctx.state.get(url)
            try:
                resp = fetcher.get(url, old)
            except FetchError as exc:
                if o.page_url and n > 1 and exc.status in (404, 410):
                    break  # numbered pages: past the last one
                clean = False
                self.count("failed")
                yield exc
                break
            self.count("pages")
            if resp.not_modified:
                self.count("not_modified")
                log.info("%s: %s not modified since the last complete walk", self.name, url)
                checked.append((url, old or Validators(), 304))
                if not o.page_url:
                    break
                n += 1
                url = self.page(n)
                continue
            links, next_link = self.parse_listing(resp.body, url)
            checked.append((url, resp.validators, resp.status))
            self.count("links", len(links))
            for link in links:
                if link in seen:
                    continue
                seen.add(link)
                if ctx.known(link):
                    self.count("known")
                    continue
                item, resp = self.fetch(fetcher, link)
                if item is None:
                    continue
                if isinstance(item, FetchError) and item.transient:
                    clean = False
                if isinstance(item, SourceDocument):
                    item.meta.setdefault("listing", url)
                fetched.add(link)
                yield item
                self.keep_validators(ctx, item, resp)
            if not links:
                break
            n += 1
            url = self.page(n) if o.page_url else next_link
        yield from self.revisit(fetcher, ctx, fetched)
        self.count("requests", fetcher.requests)
        if clean:
            for u, v, status in checked:
                ctx.state.put(u, self.name, v, status)
        elif checked:
            log.warning("%s: walk incomplete; listing pages will be read again in full next run", self.name)
        log.info("%s: %s", self.name, ", ".join(f"{k} {v}" for k, v in sorted(self.stats.items())))
