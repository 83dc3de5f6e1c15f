"""The ``feed`` source: an RSS or Atom feed (feedparser); new entries only.

Each entry not stored yet becomes a document. When the entry carries the article's full text
(``content:encoded``, Atom ``<content>``, or a long ``<description>``) that text is used and
nothing else is fetched; otherwise its link is fetched and read like a ``site`` article
(robots.txt, rate limit, retries). The entry's published (or updated) date is kept as the
document's date: a feed's dates are structured data, more reliable than a page's metadata.

Options: ``url``; ``content`` = ``"auto"`` (entry text when it has at least ``min_chars``
characters, else the link), ``"entry"`` (always the entry text) or ``"link"`` (always fetch);
``max_entries`` (0 = all); and the politeness options of every web source.
The feed itself is read with a conditional GET; its validators are stored only when every
entry was handled without a transient failure.

Revisits (``--revisit``, or ``revisit_days``): the feed is read in full; a stored entry still
listed is read again as a new one would be (its entry text, or its page with a conditional GET)
and stored as ``changed`` when its text differs; a stored article the feed no longer lists is
re-checked at its link: gone (404/410) is marked, a page read before is compared.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from etl.errors import InputError
from etl.sources.base import SourceDocument, normalise_text
from etl.extract.text import detect_lang
from etl.sources.http import FetchError, HttpOptions, canonical_url
from etl.sources.registry import SourceContext, SourceItem, register
from etl.sources.site import WebSource

log = logging.getLogger("etl.sources.feed")

_BLOCK_END = re.compile(r"(?i)<(?:br\s*/?|/p|/div|/li|/h[1-6]|/tr|/blockquote|/section|/article)\b[^>]*>")


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment, one line per block (paragraph, list item, heading …)."""
    import lxml.html

    if not fragment or not fragment.strip():
        return ""
    if "<" not in fragment:
        return normalise_text(fragment)
    try:
        root = lxml.html.fragment_fromstring(_BLOCK_END.sub("\n", fragment), create_parent="div")
    except Exception:  # lxml refuses some broken fragments; their text is still wanted
        return normalise_text(re.sub(r"<[^>]+>", " ", fragment))
    return normalise_text(root.text_content())


def entry_date(entry) -> dt.date | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        t = entry.get(key)
        if t:
            try:
                return dt.date(t.tm_year, t.tm_mon, t.tm_mday)
            except ValueError:
                continue
    return None


@register("feed")
class FeedSource(WebSource):
    """An RSS/Atom feed of news."""

    @dataclass(kw_only=True)
    class Options(HttpOptions):
        url: str
        content: str = "auto"  # auto | entry | link
        min_chars: int = 400
        max_entries: int = 0
        revisit_days: int = 0  # re-check, on every run, the articles first seen in the last N days

        def check(self) -> None:
            if urlsplit(self.url).scheme not in ("http", "https"):
                raise ValueError(f"url must be http(s), got {self.url!r}")
            if self.content not in ("auto", "entry", "link"):
                raise ValueError(f"content must be auto, entry or link, got {self.content!r}")
            if self.revisit_days < 0:
                raise ValueError("revisit_days must be 0 (off) or more")

    def items(self, ctx: SourceContext) -> Iterator[SourceItem]:
        import feedparser

        self.reader = ctx.read
        o = self.options
        url = canonical_url(o.url)
        fetcher = self.fetcher()
        if refusal := fetcher.refusal(url):
            self.count("disallowed")
            yield InputError(url, f"source {self.name!r}: feed not read: {refusal}")
            return
        due = set(self.due_for_revisit(ctx))
        # a revisit reads the whole feed (no conditional GET): every entry still listed is compared
        old = None if due else ctx.state.get(url)
        try:
            resp = fetcher.get(url, old)
        except FetchError as exc:
            self.count("failed")
            yield exc
            return
        handled: set[str] = set()
        if resp.not_modified:
            self.count("not_modified")
            log.info("%s: feed not modified", self.name)
            ctx.state.put(url, self.name, old, 304)
            yield from self._revisit_rest(fetcher, ctx, due, handled)
            return
        parsed = feedparser.parse(resp.body, response_headers={"content-location": url,
                                                               "content-type": resp.content_type})
        if parsed.bozo and not parsed.entries:
            yield InputError(url, f"not a readable RSS/Atom feed ({parsed.get('bozo_exception')})")
            return
        entries = parsed.entries[: o.max_entries] if o.max_entries else parsed.entries
        self.count("entries", len(entries))
        clean = True
        for entry in entries:
            try:
                gen = self._entry(entry, url, fetcher, ctx, due, handled)
                for item, page in gen:
                    if isinstance(item, FetchError) and item.transient:
                        clean = False
                    yield item
                    self.keep_validators(ctx, item, page)
            except Exception as exc:  # noqa: BLE001 - one entry must never end the source's run
                log.exception("%s: an entry of %s could not be read", self.name, url)
                self.count("failed")
                yield InputError(entry.get("link") or url, f"{exc.__class__.__name__}: {exc}")
        yield from self._revisit_rest(fetcher, ctx, due, handled)
        self.count("requests", fetcher.requests)
        if clean:
            ctx.state.put(url, self.name, resp.validators, resp.status)
        log.info("%s: %s", self.name, ", ".join(f"{k} {v}" for k, v in sorted(self.stats.items())))

    def _revisit_rest(self, fetcher, ctx: SourceContext, due: set[str], handled: set[str]) -> Iterator[SourceItem]:
        """Articles due for a revisit that the feed no longer lists: their pages are re-checked. One
        read from its page (validators kept) is compared; one whose text came from its feed entry can
        only be found gone (404/410) or still there."""
        for link in sorted(due - handled):
            yield from self.recheck(fetcher, ctx, link, compare=ctx.state.get(link) is not None)

    def _entry(self, entry, feed_url: str, fetcher, ctx: SourceContext, due: set[str], handled: set[str]):
        """(item, response of its page or None) for one feed entry: nothing for a stored one, unless it
        is due for a revisit."""
        o = self.options
        title = normalise_text(entry.get("title", "")) or None
        raw_link = entry.get("link") or entry.get("id")
        if not raw_link:
            yield InputError(feed_url, f"feed entry {title!r} has no link"), None
            return
        link = canonical_url(urljoin(feed_url, raw_link))
        revisit = link in due
        if ctx.known(link) and not revisit:
            self.count("known")
            return
        handled.add(link)
        published = entry_date(entry)
        texts = [html_to_text(c.get("value", "")) for c in entry.get("content", [])]
        texts.append(html_to_text(entry.get("summary", "")))
        text = max(texts, key=len)
        fetchable = urlsplit(link).scheme in ("http", "https")
        use_entry = o.content == "entry" or not fetchable or (o.content == "auto" and len(text) >= o.min_chars)
        if use_entry:
            if not text:
                yield InputError(link, "feed entry without text"), None
                return
            body = f"{title}\n\n{text}" if title and not text.startswith(title) else text
            self.count("revisited" if revisit else "from_entry")
            yield SourceDocument(uri=link, text=body, source=self.name, title=title, lang=detect_lang(body),
                                 published=published, meta={"format": "feed", "feed": feed_url,
                                                            "published_from": "feed"} if published else
                                 {"format": "feed", "feed": feed_url}), None
            return
        if revisit:
            for item in self.recheck(fetcher, ctx, link):
                self._from_feed(item, published, title, feed_url)
                yield item, None
            return
        item, page = self.fetch(fetcher, link)
        if item is None:
            return
        self._from_feed(item, published, title, feed_url)
        yield item, page

    @staticmethod
    def _from_feed(item, published, title, feed_url: str) -> None:
        if isinstance(item, SourceDocument):
            if published:
                item.published = published
                item.meta["published_from"] = "feed"
            item.title = item.title or title
            item.meta["feed"] = feed_url
