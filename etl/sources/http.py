"""Polite HTTP for the web sources: robots.txt, a per-host delay, timeouts, retries, conditional GET.

Everything a crawler owes the site it reads lives here, so that the ``site`` and ``feed``
sources (and any new web source) behave the same:

- **robots.txt** is read once per host and per walk (``urllib.robotparser``); a disallowed
  URL is never requested. As RFC 9309 says, a robots.txt that answers 401/403 or 5xx (or
  cannot be reached) disallows the whole host for this walk; any other 4xx allows it.
- **Rate limit**: at least ``delay`` seconds between the end of one request to a host and
  the start of the next (``Crawl-delay`` from robots.txt raises it). The clock is shared
  by every fetcher in the process, so two sources on the same host do not add up.
- **Timeouts** on connect and read, a cap on the body size.
- **Retries** with exponential backoff on connection errors, timeouts, 429 and 5xx; each
  attempt goes through the rate limit and honours ``Retry-After`` (capped). Done by hand
  rather than with urllib3's ``Retry`` because its first retry is immediate and bypasses
  the per-host delay.
- **Conditional GET**: ``If-None-Match`` / ``If-Modified-Since`` from the validators kept
  in the ``source_state`` table (see :class:`DbStateStore`).
"""
from __future__ import annotations

import contextlib
import email.utils
import logging
import threading
import time
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urldefrag, urlsplit

import requests

from etl.errors import InputError

log = logging.getLogger("etl.sources.http")

DEFAULT_USER_AGENT = "intl-dashboard/0.1 (BISTU international-office analytics)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class FetchError(InputError):
    """A URL that could not be fetched. ``transient`` errors (network, 5xx, 429 after every
    retry) mean "try again next run"; the others (404, 410 …) are the page's own fault."""

    def __init__(self, url: str, reason: str, *, status: int | None = None, transient: bool = False):
        super().__init__(url, reason)
        self.status, self.transient = status, transient


@dataclass
class HttpOptions:
    """The politeness settings every web source accepts (see intl.example.toml)."""

    delay: float = 1.0  # seconds between requests to one host
    timeout: float = 15.0  # seconds, for connect and for each read
    retries: int = 3  # further attempts after the first on transient errors
    backoff: float = 1.0  # first retry waits this long, then 2×, 4× …
    max_retry_after: float = 120.0  # a Retry-After longer than this is cut to it
    max_bytes: int = 20_000_000  # larger bodies are refused
    user_agent: str = DEFAULT_USER_AGENT


def canonical_url(url: str) -> str:
    """The form a URL is stored and compared in: no fragment, scheme and host lower-case."""
    url = urldefrag(url.strip())[0]
    parts = urlsplit(url)
    return parts._replace(scheme=parts.scheme.lower(), netloc=parts.netloc.lower()).geturl()


def host_of(url: str) -> str:
    return urlsplit(url).netloc.lower()


# -- the per-host clock, shared by every fetcher in the process ------------------------------
class HostThrottle:
    """Waits so that requests to one host are at least ``delay`` seconds apart (end → start)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        self._last: dict[str, float] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self.clock, self.sleep = clock, sleep

    def _lock(self, host: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(host, threading.Lock())

    @contextlib.contextmanager
    def request(self, host: str, delay: float):
        """Around one request: waits for the host's turn, and stamps the end of the request."""
        with self._lock(host):
            last = self._last.get(host)
            if last is not None:
                wait = last + delay - self.clock()
                if wait > 0:
                    self.sleep(wait)
            try:
                yield
            finally:
                self._last[host] = self.clock()


THROTTLE = HostThrottle()


# -- validators for conditional GET -----------------------------------------------------------
@dataclass
class Validators:
    etag: str | None = None
    last_modified: str | None = None


class StateStore(Protocol):
    def get(self, url: str) -> Validators | None: ...

    def put(self, url: str, source: str, validators: Validators, status: int) -> None: ...


class MemoryStateStore:
    """Validators in a dict: for runs without a database (and for tests of the fetcher)."""

    def __init__(self):
        self.rows: dict[str, tuple[str, Validators, int]] = {}

    def get(self, url: str) -> Validators | None:
        row = self.rows.get(url)
        return row[1] if row else None

    def put(self, url: str, source: str, validators: Validators, status: int) -> None:
        self.rows[url] = (source, validators, status)


class DbStateStore:
    """Validators in the ``source_state`` table, one row per URL, each write its own transaction."""

    def __init__(self, sessions):
        self.sessions = sessions

    def get(self, url: str) -> Validators | None:
        from etl.load.models import SourceState

        with self.sessions() as s:
            row = s.get(SourceState, url)
            if row is None:
                return None
            return Validators(row.etag, row.last_modified)

    def put(self, url: str, source: str, validators: Validators, status: int) -> None:
        from etl.load.models import SourceState, _now

        with self.sessions.begin() as s:
            row = s.get(SourceState, url)
            if row is None:
                row = SourceState(url=url)
                s.add(row)
            row.source = source[:80]
            row.etag = (validators.etag or None) and validators.etag[:300]
            row.last_modified = (validators.last_modified or None) and validators.last_modified[:100]
            row.status = status
            row.fetched_at = _now()


# -- the fetcher ----------------------------------------------------------------------------
@dataclass
class Response:
    url: str
    status: int
    body: bytes = b""
    content_type: str = ""
    validators: Validators = field(default_factory=Validators)
    retry_after: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class Fetcher:
    """GET with robots.txt, rate limit, timeouts, retries and conditional GET.

    One fetcher per source per walk: its robots.txt cache lives as long as the walk.
    ``requests`` counts every request sent (attempts included), for the source's report.
    """

    def __init__(self, options: HttpOptions | None = None, *, session: requests.Session | None = None,
                 throttle: HostThrottle = THROTTLE):
        self.options = options or HttpOptions()
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = self.options.user_agent
        self.throttle = throttle
        self._robots: dict[str, urllib.robotparser.RobotFileParser | str] = {}
        self._delays: dict[str, float] = {}
        self.requests = 0

    # robots.txt
    def allowed(self, url: str) -> bool:
        """True when robots.txt lets our user agent fetch ``url``."""
        return self.refusal(url) is None

    def refusal(self, url: str) -> str | None:
        """Why ``url`` may not be fetched (robots.txt says no, or could not be read), else None."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            self._robots[origin] = self._read_robots(origin)
        rp = self._robots[origin]
        if isinstance(rp, str):
            return rp
        return None if rp.can_fetch(self.options.user_agent, url) else "disallowed by robots.txt"

    def _read_robots(self, origin: str) -> urllib.robotparser.RobotFileParser | str:
        rp = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
        try:
            resp = self._send(origin + "/robots.txt", {})
        except FetchError as exc:
            log.warning("robots.txt of %s unavailable (%s): not crawling this host now", origin, exc.reason)
            return f"robots.txt unavailable ({exc.reason}): host not crawled this time"
        if resp.status in (401, 403) or resp.status >= 500:
            log.warning("robots.txt of %s answered %s: not crawling this host now", origin, resp.status)
            return f"robots.txt answered HTTP {resp.status}: host not crawled this time"
        if resp.status >= 400:
            rp.allow_all = True
        else:
            rp.parse(resp.body.decode("utf-8", "replace").splitlines())
        delay = rp.crawl_delay(self.options.user_agent)
        if delay:
            self._delays[host_of(origin)] = float(delay)
        return rp

    def delay_for(self, url: str) -> float:
        return max(self.options.delay, self._delays.get(host_of(url), 0.0))

    # GET
    def get(self, url: str, validators: Validators | None = None) -> Response:
        """GET ``url`` (conditionally when validators are given); 200 or 304, else FetchError."""
        headers = {}
        if validators and validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators and validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        resp = self._send(url, headers)
        if resp.status == 304 or 200 <= resp.status < 300:
            return resp
        tries = f" (after {self.options.retries + 1} attempts)" if resp.status in RETRY_STATUSES else ""
        raise FetchError(url, f"HTTP {resp.status}{tries}", status=resp.status,
                         transient=resp.status in RETRY_STATUSES)

    def _send(self, url: str, headers: dict[str, str]) -> Response:
        opts = self.options
        attempt = 0
        while True:
            wait = None
            try:
                with self.throttle.request(host_of(url), self.delay_for(url)):
                    self.requests += 1
                    resp = self._one(url, headers)
                if resp.status not in RETRY_STATUSES:
                    return resp
                reason, wait = f"HTTP {resp.status}", _retry_after(resp, opts.max_retry_after)
                if attempt >= opts.retries:
                    return resp
            except requests.RequestException as exc:
                reason = _describe(exc)
                if attempt >= opts.retries:
                    raise FetchError(url, f"{reason} (after {attempt + 1} attempts)", transient=True) from None
            pause = max(wait or 0.0, opts.backoff * (2 ** attempt))
            attempt += 1
            log.info("retry %d/%d of %s in %.2fs: %s", attempt, opts.retries, url, pause, reason)
            time.sleep(pause)

    def _one(self, url: str, headers: dict[str, str]) -> Response:
        opts = self.options
        with self.session.get(url, headers=headers, timeout=opts.timeout, stream=True,
                              allow_redirects=True) as r:
            body = b""
            if r.status_code != 304:
                chunks, size = [], 0
                for chunk in r.iter_content(65536):
                    size += len(chunk)
                    if size > opts.max_bytes:
                        raise FetchError(url, f"response larger than {opts.max_bytes} bytes")
                    chunks.append(chunk)
                body = b"".join(chunks)
            return Response(url=url, status=r.status_code, body=body,
                            content_type=r.headers.get("Content-Type", ""),
                            validators=Validators(r.headers.get("ETag"), r.headers.get("Last-Modified")),
                            retry_after=r.headers.get("Retry-After"))


def _retry_after(resp: Response, cap: float) -> float | None:
    value = resp.retry_after
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = email.utils.parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError):
            return None
    return min(max(seconds, 0.0), cap)


def _describe(exc: requests.RequestException) -> str:
    if isinstance(exc, requests.Timeout):
        return "timed out"
    if isinstance(exc, requests.ConnectionError):
        return "connection failed"
    return exc.__class__.__name__
