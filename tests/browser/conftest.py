"""Browser fixtures: the app on a free localhost port, and headless Chromium through Playwright.

The browser is the system's ``/usr/bin/chromium`` (never a downloaded build). Where it or
Playwright is missing, the tests skip with the reason; under ``CI=true`` they fail instead.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-default-apps", "--disable-sync",
                 "--metrics-recording-only", "--no-default-browser-check"]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def _unavailable(why: str):
    if IN_CI:
        pytest.fail(why + " (CI=true: browser tests must run)")
    pytest.skip(why)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load_sample(url: str) -> None:
    """The bundled sample, loaded through the real ETL pipeline (once per worker, then copied)."""
    from tests.conftest import sample_database

    sample_database(url)


# Pictures of the pages as the tests leave them, for a person to look at (tests/browser/screenshots/, not
# tracked; the README's come from take_screenshots.py): taken when INTL_TEST_SCREENSHOTS=1. No test reads
# them, and a full-page one costs Chromium about 0.6 s of CPU (the page laid out at its full height, its
# charts redrawn, and back), so a plain test run does without.
def snapshot(p, name: str, full_page: bool = True) -> None:
    """Save a screenshot of ``p`` as tests/browser/screenshots/``name`` when INTL_TEST_SCREENSHOTS=1."""
    if os.environ.get("INTL_TEST_SCREENSHOTS", "").lower() not in ("1", "true", "yes"):
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    p.screenshot(path=str(SCREENSHOTS / name), full_page=full_page)


class LiveServer:
    """``create_app(url)`` served by werkzeug in a daemon thread."""

    def __init__(self, database_url: str):
        from werkzeug.serving import make_server

        from dashboard.app import create_app

        self.database_url = database_url
        self.app = create_app(database_url)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self._srv = make_server("127.0.0.1", self.port, self.app.server, threaded=True)
        self._thread = threading.Thread(target=self._srv.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._srv.shutdown()
        self._thread.join(timeout=10)


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'intl.db'}"
    load_sample(url)
    return url


@pytest.fixture(scope="module")
def live_server(sample_db) -> Iterator[LiveServer]:
    with LiveServer(sample_db) as srv:
        yield srv


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium per test process."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        _unavailable(f"no Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install playwright; never `playwright install`)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class RecordingPage:
    """A page that records every URL it requests."""

    def __init__(self, page):
        self.page = page
        self.requests: list[str] = []
        page.on("request", self._record)

    def _record(self, request) -> None:
        self.requests.append(request.url)

    def external_requests(self) -> list[str]:
        """Requested URLs whose host is not this machine (data: and blob: URLs are local)."""
        out = []
        for u in self.requests:
            parts = urlsplit(u)
            if parts.scheme in ("data", "blob", "about"):
                continue
            if parts.hostname not in LOCAL_HOSTS:
                out.append(u)
        return out


# -- one tab per test process, emptied between tests ---------------------------------------------------
# A new browser context (and its first page) costs Chromium 7-10 s of CPU at the first page load of the
# app: a new renderer process parses and compiles plotly.js, Dash and AG Grid from nothing. The same tab
# loading the app again costs 2-4 s (measured on the sample's /partners, 2-core VM). So the tests share
# one context and one tab, and each starts from a state no test can tell from a new context's: the tab
# on about:blank, no cookie, no local or session storage, IndexedDB or cache storage of any origin it
# visited, no listener or init script of an earlier test, the default timeout. What stays is the HTTP
# cache and the compiled scripts (the app's assets, fingerprinted, are the same files) and the tab's
# back/forward history (a test goes back only over pages it opened itself). After a failed test, or one
# that changed the tab in a way not undone here (an init script, a route, the viewport, extra headers),
# the next test gets a new context.
VIEWPORT = {"width": 1440, "height": 900}
# The tab asks for reduced motion, as a user can: the app then animates nothing (no spinner turning while a
# callback runs, no fade; assets/app.css), so Chromium draws no frame a test does not need. With the waits
# below polled every 50 ms, bench/browser_cpu.py measured Chromium's CPU (busy 2-core machine, medians of two
# runs of two rounds, before -> after): first page load 5.8 -> 4.8 s, reload 3.1 -> 2.6 s, in-app navigation
# 1.85 -> 1.6 s.
REDUCED_MOTION = "reduce"
# changes to the tab that outlive a navigation and that the reset below does not undo
_STICKY = ("add_init_script", "route", "route_from_har", "expose_function", "expose_binding",
           "set_viewport_size", "set_extra_http_headers", "emulate_media", "set_default_navigation_timeout")


class _Tab:
    def __init__(self, browser):
        self.browser = browser
        self.context = None
        self.page = None
        self.dirty = True

    def open(self):
        if self.dirty or self.page is None or self.page.is_closed():
            self.close()
            self.context = self.browser.new_context(viewport=VIEWPORT, device_scale_factor=1,
                                                    reduced_motion=REDUCED_MOTION)
            self.page = self.context.new_page()
            self.dirty = False
        return self.page

    def close(self) -> None:
        if self.context is not None:
            try:
                self.context.close()
            except Exception:  # noqa: BLE001 - a crashed browser: the next open() starts again
                pass
        self.context = self.page = None


@pytest.fixture(scope="session")
def _tab(chromium) -> Iterator[_Tab]:
    tab = _Tab(chromium)
    yield tab
    tab.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        item._browser_failed = True


def _wipe_origins(p, origins: set[str]) -> None:
    """No storage of ``origins`` left for the next test: local storage, IndexedDB, cache storage,
    service workers (cookies are cleared for the whole context; the HTTP cache is kept). The tab's
    session storage is per origin: the page shown at the test's end clears its own before it goes
    (a test drives one live server, one origin)."""
    cdp = p.context.new_cdp_session(p)
    try:
        for origin in origins:
            cdp.send("Storage.clearDataForOrigin", {
                "origin": origin,
                "storageTypes": "local_storage,indexeddb,cache_storage,service_workers,websql,file_systems"})
    finally:
        cdp.detach()


@pytest.fixture
def page(request, _tab) -> Iterator[RecordingPage]:
    """A tab of its own for the test, as a new browser context would give it (see _Tab above)."""
    p = _tab.open()
    # 60 s: a wait that needs more on a busy 2-core machine (two workers, a browser each) is a wait,
    # not a failure; a page that never settles still fails, one minute later.
    p.set_default_timeout(60_000)
    listeners: list[tuple[str, object]] = []
    patched = {}

    def on(event, handler):
        listeners.append((event, handler))
        return type(p).on(p, event, handler)

    def sticky(name):
        def call(*args, **kwargs):
            _tab.dirty = True
            return getattr(type(p), name)(p, *args, **kwargs)
        return call

    def wait_for_function(expression, *, arg=None, timeout=None, polling=None):
        return type(p).wait_for_function(p, expression, arg=arg, timeout=timeout,
                                         polling=POLL if polling is None else polling)

    rec = RecordingPage(p)
    patched["on"] = on
    patched["wait_for_function"] = wait_for_function
    patched.update({name: sticky(name) for name in _STICKY})
    for name, f in patched.items():
        setattr(p, name, f)
    try:
        yield rec
    finally:
        for name in patched:
            try:
                delattr(p, name)
            except AttributeError:
                pass
        if getattr(request.node, "_browser_failed", False):
            _tab.dirty = True
        if not _tab.dirty and not p.is_closed():
            try:
                p.remove_listener("request", rec._record)
                for event, handler in listeners:
                    p.remove_listener(event, handler)
                if p.url.startswith(("http://", "https://")):
                    p.evaluate("() => { try { sessionStorage.clear(); localStorage.clear(); } catch (e) {} }")
                p.goto("about:blank")
                origins = {f"{u.scheme}://{u.netloc}" for u in map(urlsplit, rec.requests)
                           if u.scheme in ("http", "https")}
                _wipe_origins(p, origins)
                _tab.context.clear_cookies()
            except Exception:  # noqa: BLE001 - a tab that cannot be emptied is replaced
                _tab.dirty = True
        if _tab.dirty:
            _tab.close()


# -- moving between pages as the app's own links do ------------------------------------------------------
# A page load costs Chromium about twice the CPU of the same page reached by a link of the app (dcc.Link:
# ``history.pushState`` and Dash's router callback): the scripts (plotly.js, Dash, AG Grid) are parsed
# and run again. Tests that walk many pages or filter sets load the first one and follow "links" after.
_NAVIGATE = """(href) => {
  // every chart drawn so far is marked: the wait below is over when each one shows its new figure
  document.querySelectorAll('.js-plotly-plot').forEach(gd => { if (gd.layout) gd.layout.__intlStale = true; });
  const since = window.store.getState().callbacks.completed;
  window.__intlCalm = 0;
  window.history.pushState({}, '', href);
  window.dispatchEvent(new CustomEvent('_dashprivate_pushstate'));
  return since;
}"""
_SETTLED = """(since) => {
  const s = window.store && window.store.getState();
  const c = s && s.callbacks;
  const ok = !!c && c.completed > since && !s.isLoading
    && ['requested', 'prioritized', 'blocked', 'executing', 'watched', 'executed', 'stored']
         .every(k => (c[k] || []).length === 0)
    && !document.querySelector('[data-dash-is-loading="true"]')
    && !!document.querySelector('#_pages_content > *')
    && Array.from(document.querySelectorAll('.js-plotly-plot')).every(gd => !(gd.layout && gd.layout.__intlStale));
  // three checks in a row (50 ms apart) with nothing left to do: React has committed, plotly has drawn
  window.__intlCalm = ok ? (window.__intlCalm || 0) + 1 : 0;
  return window.__intlCalm >= 3;
}"""


# How often a wait re-checks its condition: every 50 ms, not every animation frame (Playwright's default for
# wait_for_function): a rAF poll makes Chromium produce a frame 60 times a second for as long as the wait
# lasts, which on a busy machine is seconds (bench/browser_cpu.py, five runs: 5 s of waiting cost 0.36-0.57 s
# of Chromium's CPU polled by frame, 0.05-0.35 s every 50 ms). The page fixture makes it the default of its tab's
# wait_for_function.
POLL: int | str = 50


def navigate(p, base: str, path: str) -> None:
    """Show ``path`` (with its query) of the app at ``base`` and wait until it has settled: every
    callback done, nothing loading, every chart drawn with its new figure. Where the page already
    shows the app, as its links do (no page load); otherwise by loading it."""
    from tests.browser.test_hostile_input import settle

    if not (p.url.startswith(base) and p.evaluate("() => !!(window.store && window.store.getState)")):
        p.goto(base + path)
        settle(p)
        return
    since = p.evaluate(_NAVIGATE, path)
    p.wait_for_function(_SETTLED, arg=since, polling=POLL)
    assert p.url == base + path, (p.url, path)


def pick_option(p, dropdown: str, typed: str, option: str | re.Pattern, attempts: int = 3) -> None:
    """Choose an option of a dcc.Dropdown as a user would: open it, type, click the option.

    On a busy machine the first click can land before the dropdown is ready; then the menu
    never opens and the option never shows. Each attempt clears what was typed and tries
    again, so a slow start costs time, not a failure.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    pattern = option if isinstance(option, re.Pattern) else re.compile(re.escape(option))
    for attempt in range(attempts):
        p.click(f"#{dropdown}")
        p.keyboard.press("Control+A")
        p.keyboard.press("Backspace")
        p.keyboard.type(typed)
        target = p.get_by_role("option", name=pattern).first
        try:
            target.wait_for(state="visible", timeout=15_000)
        except PlaywrightTimeout:
            p.keyboard.press("Escape")
            if attempt == attempts - 1:
                raise
            continue
        target.click()
        return
