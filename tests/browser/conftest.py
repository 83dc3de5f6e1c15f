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
    """One headless Chromium per test process (each test has a browser context of its own: no cookie,
    storage or cache is shared between tests)."""
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
        page.on("request", lambda r: self.requests.append(r.url))

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


@pytest.fixture
def page(chromium) -> Iterator[RecordingPage]:
    context = chromium.new_context(viewport={"width": 1440, "height": 900}, device_scale_factor=1)
    p = context.new_page()
    # 60 s: a wait that needs more on a busy 2-core machine (two workers, a browser each) is a wait,
    # not a failure; a page that never settles still fails, one minute later.
    p.set_default_timeout(60_000)
    yield RecordingPage(p)
    context.close()


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
  // three animation frames in a row with nothing left to do: React has committed, plotly has drawn
  window.__intlCalm = ok ? (window.__intlCalm || 0) + 1 : 0;
  return window.__intlCalm >= 3;
}"""


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
    p.wait_for_function(_SETTLED, arg=since, polling="raf")
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
