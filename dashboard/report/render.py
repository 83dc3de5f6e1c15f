"""Plotly figures → PNG / SVG / PDF bytes with kaleido v1 and the system Chromium.

One headless Chromium per process, started at the first export and kept: starting it
costs seconds, an export on a warm browser a fraction of one. It runs in a private
asyncio loop on a daemon thread; callers (CLI, Flask request threads, the scheduler)
hand it coroutines with ``run_coroutine_threadsafe`` and wait with a timeout. We do not
use ``kaleido.start_sync_server``: its single pair of queues mixes up answers when two
threads export at once (a web server does), and when Chromium fails to start the error
dies with its thread while the caller waits for ever.

The browser is found in this order: ``INTL_BROWSER_PATH``/``BROWSER_PATH`` (kaleido's
own variable), the ``[export] browser_path`` setting, then ``chromium``, ``chromium-browser``,
``google-chrome`` … on ``PATH``, then a browser fetched by ``kaleido_get_chrome``. When
none is found, :class:`BrowserNotFound` says what to install; nothing else reaches a user
as a traceback: every failure is an :class:`ExportError` with a sentence to show.

Offline by construction: plotly.js comes from the installed plotly package, MathJax is
off (its default is a CDN), and maps read their outlines from the app's own
``assets/topojson`` through a ``file://`` URL.
"""
from __future__ import annotations

import asyncio
import atexit
import logging
import os
import shutil
import threading
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any

log = logging.getLogger("dashboard.export")

TOPOJSON_DIR = Path(__file__).resolve().parents[1] / "assets" / "topojson"
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome",
                 "microsoft-edge")
INSTALL_HINT = ("Install Chromium and a CJK font (Debian/Ubuntu: `apt-get install chromium fonts-wqy-microhei`; "
                "other systems: `kaleido_get_chrome`, or any Chrome), or point BROWSER_PATH at its executable.")
FORMATS = ("png", "svg", "pdf")
START_TIMEOUT = 60.0
RENDER_TIMEOUT = 60.0


class ExportError(RuntimeError):
    """An export that cannot be made; ``str(exc)`` is a sentence for the user."""


class BrowserNotFound(ExportError):
    """No Chromium/Chrome to render figures with."""


class BrowserStopped(ExportError):
    """Chromium died (or its connection broke) while drawing, and again on the browser started after it."""


def topojson_url() -> str:
    """``file://…/assets/topojson/``: where plotly.js in the headless browser finds world outlines."""
    return TOPOJSON_DIR.as_uri() + "/"


def find_browser(configured: str | os.PathLike | None = None) -> str:
    """The Chromium executable to use; :class:`BrowserNotFound` with what to install when none is."""
    for var in ("INTL_BROWSER_PATH", "BROWSER_PATH"):
        value = os.environ.get(var)
        if value:
            if _executable(value):
                return value
            raise BrowserNotFound(f"No browser at {var}={value!r}: figures and reports need Chromium. {INSTALL_HINT}")
    if configured:
        if _executable(configured):
            return str(configured)
        raise BrowserNotFound(f"No browser at [export] browser_path = {str(configured)!r}: figures and reports "
                              f"need Chromium. {INSTALL_HINT}")
    for name in BROWSER_NAMES:
        path = shutil.which(name)
        if path and _executable(path):
            return path
    try:  # a browser downloaded by `kaleido_get_chrome` (choreographer's own folder)
        from choreographer.browsers.chromium import Chromium

        path = Chromium.find_browser(skip_local=False, skip_typical=False)
        if path and _executable(path):
            return str(path)
    except Exception:  # noqa: BLE001 - a best-effort search; "not found" is the answer
        pass
    raise BrowserNotFound(f"No Chromium or Chrome found: figures and reports need one. {INSTALL_HINT}")


def _executable(path: str | os.PathLike) -> bool:
    p = Path(path)
    return p.is_file() and os.access(p, os.X_OK)


RELOAD_EVERY = 50   # a tab reloads its page after this many figures (see _kaleido_class)


def _kaleido_class():
    """Kaleido, reusing a tab for the next figure without reloading its page.

    Kaleido reloads a tab's page (plotly.js and all) after every figure, to start the next
    one clean. That reload costs the browser five times what drawing a figure does (parsing
    and compiling 4.8 MB of plotly.js: about 0.3 s of CPU, against 0.05 s for a figure), and
    the figure needs none of it: kaleido draws with ``Plotly.toImage`` on the figure's
    JSON, which plots into a detached div of its own and purges it; the page's only other
    state, the ``<img>`` and ``@page`` style a PDF is printed from, every PDF sets afresh.
    So a tab whose figure came back goes straight back to the pool; a tab whose figure
    failed or timed out (its page may be stuck in a plot) is reloaded before it is used
    again, in the background, and every tab is reloaded after :data:`RELOAD_EVERY` figures,
    so whatever plotly.js may keep between plots stays bounded. A figure drawn on a used
    tab is the figure drawn on a fresh one, byte for byte (tests/test_export_figures.py).

    A tab is known clean only through the wrapper :meth:`_get_kaleido_tab` puts on its
    ``_calc_fig``: should a later kaleido stop calling either method, every tab is reloaded
    after each figure, as kaleido does.
    """
    import kaleido

    class ReusingKaleido(kaleido.Kaleido):
        _pending: set

        async def _get_kaleido_tab(self):
            tab = await super()._get_kaleido_tab()
            if "_intl_uses" not in tab.__dict__:
                tab._intl_uses = 0
                original = tab._calc_fig

                async def calc_fig(*args, **kwargs):
                    tab._intl_clean = False
                    out = await original(*args, **kwargs)
                    tab._intl_clean = True
                    return out

                tab._calc_fig = calc_fig
            tab._intl_clean = False   # set again only when this figure comes back
            return tab

        async def _return_kaleido_tab(self, tab) -> None:
            uses = tab.__dict__.get("_intl_uses", 0) + 1
            if tab.__dict__.get("_intl_clean") and uses < RELOAD_EVERY and not self.__dict__.get("_closing"):
                tab._intl_uses = uses
                tab._intl_clean = False
                await self.tabs_ready.put(tab)
                return
            tab.__dict__["_intl_uses"] = 0
            # the reload runs in the background; the tab rejoins the pool when it is done
            pending = self.__dict__.setdefault("_pending", set())
            task = asyncio.get_running_loop().create_task(self._reload_and_return(tab))
            pending.add(task)
            task.add_done_callback(pending.discard)

        async def _reload_and_return(self, tab) -> None:
            try:
                await super()._return_kaleido_tab(tab)
            except asyncio.CancelledError:  # closing: nothing to return the tab to
                raise
            except Exception:  # noqa: BLE001 - a failed reload must not shrink the pool for good
                log.debug("tab reload failed; the tab goes back as it is", exc_info=True)
                if not self.__dict__.get("_closing"):
                    await self.tabs_ready.put(tab)

        async def close(self) -> None:
            self._closing = True
            tasks = list(self.__dict__.get("_pending", ()))
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)  # retrieved: no "never retrieved" noise
            await super().close()

    return ReusingKaleido


def _with_bundled_font(browser: Any) -> None:
    """Start ``browser`` (a kaleido/choreographer Browser) with the bundled CJK font added to
    its fontconfig (:func:`dashboard.report.fonts.browser_env`): Chinese draws even on a
    server without CJK fonts. Choreographer copies ``os.environ`` at launch; its hook is
    wrapped here, so this process's own environment is never changed."""
    from dashboard.report import fonts

    impl = getattr(browser, "_browser_impl", None)
    if impl is None or not hasattr(impl, "get_env"):  # a choreographer without the hook: system fonts only
        log.warning("exports: cannot add the bundled CJK font to Chromium (choreographer changed)")
        return
    original = impl.get_env
    impl.get_env = lambda: fonts.browser_env(original())


class Renderer:
    """A started Kaleido (headless Chromium with up to ``tabs`` tabs) on its own event-loop thread.

    It opens with one tab and opens the others when they are needed: when more exports are
    under way at once (web requests, each ``render_many`` call one) than there are tabs. A
    tab costs Chromium a renderer process and plotly.js loaded into it, about 2 s of CPU; a
    process that exports one figure at a time (a CLI export, a scheduled report, most web
    workers) never pays for the second. One call's figures (a report's charts) share the tabs
    there are: with tabs reused as they are (:func:`_kaleido_class`), a figure takes a
    fraction of a second, so a report's eight draw in a couple of seconds on one.
    """

    def __init__(self, browser_path: str, tabs: int = 2, timeout: float = RENDER_TIMEOUT):
        self.browser_path = browser_path
        self.tabs = tabs
        self.timeout = timeout
        self.pid = os.getpid()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="kaleido", daemon=True)
        self._kaleido: Any = None
        self._callers = 0               # render_many calls under way (counted on the loop's thread)
        self._opening: Any = None       # the task opening another tab, while it runs

    @property
    def open_tabs(self) -> int:
        """The tabs open now (kaleido's count; ``tabs`` where a kaleido does not say)."""
        return int(getattr(self._kaleido, "_total_tabs", self.tabs) or self.tabs)

    def _more_tabs_if_waiting(self) -> None:
        """On the loop: open one more tab when more calls are under way than there are tabs."""
        k = self._kaleido
        if (self._opening is not None or self._callers <= self.open_tabs or self.open_tabs >= self.tabs
                or not hasattr(k, "_create_kaleido_tab") or k.__dict__.get("_closing")):
            return

        async def open_tab() -> None:
            try:
                await k._create_kaleido_tab()  # noqa: SLF001 - kaleido's own way to add a tab to its pool
                log.info("kaleido: tab %d opened (%d exports under way)", self.open_tabs, self._callers)
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the tabs there are go on serving
                log.warning("kaleido: could not open another tab", exc_info=True)
            finally:
                self._opening = None

        self._opening = self._loop.create_task(open_tab())
        k.__dict__.setdefault("_pending", set()).add(self._opening)   # cancelled by close()
        self._opening.add_done_callback(k.__dict__["_pending"].discard)

    def start(self) -> Renderer:
        self._thread.start()
        cls = _kaleido_class()
        first = 1 if hasattr(cls, "_create_kaleido_tab") else self.tabs   # the others when needed

        async def open_() -> Any:
            k = cls(n=first, mathjax=False, path=self.browser_path, timeout=self.timeout)
            _with_bundled_font(k)
            await k.open()
            return k

        try:
            self._kaleido = self._wait(open_(), START_TIMEOUT, "starting Chromium")
        except ExportError:
            self._stop_loop()
            raise
        log.info("kaleido started: %s, %d tab(s) of up to %d", self.browser_path, self.open_tabs, self.tabs)
        return self

    def _wait(self, coro, timeout: float, what: str):
        fut = asyncio.run_coroutine_threadsafe(coro, self._loop)
        try:
            return fut.result(timeout)
        except FutureTimeout:
            fut.cancel()
            raise ExportError(f"{what} took longer than {timeout:.0f} s; try again, or check that "
                              f"{self.browser_path} starts (`{self.browser_path} --headless --version`).") from None
        except ExportError:
            raise
        except Exception as exc:  # noqa: BLE001 - Chromium and plotly.js errors come in many types
            name = exc.__class__.__name__
            if name == "ChromeNotFoundError":
                raise BrowserNotFound(f"Chromium at {self.browser_path} could not be used. {INSTALL_HINT}") from None
            raise ExportError(f"{what} failed ({name}: {str(exc)[:300]})") from exc

    def render(self, fig: Any, fmt: str, *, width: int, height: int, scale: float = 1, geo: bool = False) -> bytes:
        """One figure as ``fmt`` bytes at ``width`` × ``height`` CSS pixels times ``scale``."""
        return self.render_many([(fig, fmt, width, height, scale, geo)])[0]

    def render_many(self, jobs: list[tuple[Any, str, int, int, float, bool]]) -> list[bytes]:
        """Several figures at once (the open tabs work in parallel); results in the order given."""
        if fmt_bad := [j[1] for j in jobs if j[1] not in FORMATS]:
            raise ExportError(f"unknown figure format {fmt_bad[0]!r} (use {', '.join(FORMATS)})")
        k = self._kaleido
        if k is None or not self._loop.is_running():   # closed by another thread: see _discard
            raise ExportError("the figure renderer was closed")
        topo = topojson_url()

        async def all_() -> list[bytes]:
            self._callers += 1
            try:
                self._more_tabs_if_waiting()
                return list(await asyncio.gather(*(
                    k.calc_fig(fig, opts={"format": fmt, "width": int(w), "height": int(h), "scale": scale},
                               topojson=topo if geo else None)
                    for fig, fmt, w, h, scale, geo in jobs)))
            finally:
                self._callers -= 1

        return self._wait(all_(), self.timeout * max(1, len(jobs) / self.open_tabs), "rendering the figure")

    def close(self) -> None:
        if self._kaleido is not None and self._loop.is_running():
            try:
                asyncio.run_coroutine_threadsafe(self._kaleido.close(), self._loop).result(10)
            except Exception:  # noqa: BLE001 - at exit, a browser that will not close is killed with us
                log.debug("kaleido close failed", exc_info=True)
        self._kaleido = None
        if self._loop.is_running():
            # figures still under way on this browser (other threads' calls) end now, cancelled,
            # rather than wait out their timeout on a stopped loop: their callers start a new browser
            try:
                asyncio.run_coroutine_threadsafe(_cancel_the_rest(), self._loop).result(10)
            except Exception:  # noqa: BLE001 - the loop stops all the same
                log.debug("cancelling the renderer's tasks failed", exc_info=True)
        self._stop_loop()

    def _stop_loop(self) -> None:
        if self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(5)


async def _cancel_the_rest() -> None:
    """On a renderer's loop: cancel every other task and wait (a little) until they are done."""
    tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.wait(tasks, timeout=5)


_RENDERER: Renderer | None = None
_LOCK = threading.Lock()


def renderer(browser_path: str | None = None, tabs: int = 2) -> Renderer:
    """The process's renderer, started on first use (again after a fork: a child needs its own browser)."""
    global _RENDERER
    with _LOCK:
        if _RENDERER is not None and _RENDERER.pid == os.getpid():
            return _RENDERER
        _RENDERER = Renderer(find_browser(browser_path), tabs=tabs).start()
        return _RENDERER


def is_running() -> bool:
    return _RENDERER is not None and _RENDERER.pid == os.getpid()


def shutdown() -> None:
    """Close the process's browser (at exit; tests use it to start afresh)."""
    global _RENDERER
    with _LOCK:
        if _RENDERER is not None and _RENDERER.pid == os.getpid():
            _RENDERER.close()
        _RENDERER = None


def render(fig: Any, fmt: str, *, width: int, height: int, scale: float = 1, geo: bool = False,
           browser_path: str | None = None) -> bytes:
    """One figure with the process's renderer (see :func:`render_many`)."""
    return render_many([(fig, fmt, width, height, scale, geo)], browser_path=browser_path)[0]


def render_many(jobs: list[tuple[Any, str, int, int, float, bool]], browser_path: str | None = None) -> list[bytes]:
    """Figures ``(fig, format, width, height, scale, geo)`` with the process's renderer.

    A failure that says the browser died or its connection broke (:func:`_browser_failed`: a
    crash, the OOM killer, a Chromium still on its way out that ``poll()`` sees running) replaces
    the renderer once and draws the figures again on the new one; a second such failure is a
    :class:`BrowserStopped` with a sentence to show. Other failures (a malformed figure, a
    timeout on a live browser) are raised as they are."""
    r = renderer(browser_path)
    try:
        return r.render_many(jobs)
    except BrowserNotFound:
        raise
    except ExportError as exc:
        if not _browser_failed(r, exc):
            raise
        log.warning("Chromium stopped or lost its connection (%s); starting a new one", exc)
    _discard(r)
    try:
        r = renderer(browser_path)
    except BrowserNotFound:
        raise
    except ExportError as exc:
        raise BrowserStopped(f"Chromium stopped while drawing the figure and could not be started again: {exc}") \
            from exc
    try:
        return r.render_many(jobs)
    except BrowserNotFound:
        raise
    except ExportError as exc:
        if not _browser_failed(r, exc):
            raise
        _discard(r)   # the next export starts a browser of its own
        # the cause goes to the log; the sentence names no internals (a dying browser's error may be a
        # CancelledError or a ChannelClosedError, depending on how far it got)
        log.warning("Chromium stopped again after a restart (%s)", exc)
        raise BrowserStopped(
            f"Chromium stopped while drawing the figure, and again after a restart. Try again; if it "
            f"keeps stopping, check that {r.browser_path} runs (`{r.browser_path} --headless --version`) and "
            f"that the machine has memory to spare.") from exc


def _discard(r: Renderer) -> None:
    """Close ``r`` and forget it, if it is still the process's renderer: of two threads whose figures
    failed on one dead browser, the second must not close the browser the first has just started."""
    global _RENDERER
    with _LOCK:
        if _RENDERER is not r:
            return
        _RENDERER = None
    r.close()


def _alive(r: Renderer) -> bool:
    """Whether the renderer's Chromium process still runs (choreographer keeps its ``Popen``)."""
    proc = getattr(r._kaleido, "subprocess", None)  # noqa: SLF001
    if proc is None:
        return r._kaleido is not None  # noqa: SLF001 - cannot tell: assume so
    return proc.poll() is None


def _connection_closed(r: Renderer) -> bool:
    """Whether the pipe to ``r``'s Chromium is closed (choreographer closes it when the browser goes),
    or the renderer itself is."""
    k = r._kaleido  # noqa: SLF001
    if k is None or not r._loop.is_running():  # noqa: SLF001
        return True
    lock = getattr(getattr(k, "_channel", None), "shutdown_lock", None)
    return bool(lock is not None and lock.locked())


def _broken_types() -> tuple[type[BaseException], ...]:
    """Errors that mean the browser or the connection to it is gone, not that a figure failed."""
    import concurrent.futures

    types: list[type[BaseException]] = [ConnectionError, EOFError, asyncio.CancelledError,
                                        concurrent.futures.CancelledError]
    try:   # the browser closed, failed, or its pipe closed (choreographer's own errors)
        from choreographer.errors import BrowserClosedError, BrowserFailedError, ChannelClosedError

        types += [BrowserClosedError, BrowserFailedError, ChannelClosedError]
    except ImportError:  # a choreographer without them: the other signs still tell
        pass
    return tuple(types)


def _figure_types() -> tuple[type[BaseException], ...]:
    """Errors a live page gives about the figure it was asked to draw (a malformed figure, a JS error)."""
    try:
        from choreographer.errors import DevtoolsProtocolError
        from kaleido.errors import JavascriptError, KaleidoError

        return (JavascriptError, KaleidoError, DevtoolsProtocolError)
    except ImportError:
        return ()


DEATH_GRACE = 2.0   # seconds an unexplained failure waits to see whether the browser is on its way out


def _browser_failed(r: Renderer, exc: BaseException) -> bool:
    """Whether ``exc`` (a failed ``r.render_many``) looks like the browser died or its connection
    broke, rather than a figure that failed on a live browser.

    ``poll()`` alone misses a browser still dying: SIGKILL closes its pipe before the kernel has
    made it a zombie, and the render fails (a closed channel, answers cancelled when choreographer
    cleans up) while ``poll()`` still sees it run. So: an error of the page about the figure is the
    figure's, unless the process is gone; an error saying the connection broke is the browser's; any
    other error (a lost session, a timeout) is the browser's if its pipe is closed, or it has exited,
    or it exits within :data:`DEATH_GRACE` seconds."""
    chain: list[BaseException] = []
    e: BaseException | None = exc
    while e is not None and e not in chain:
        chain.append(e)
        e = e.__cause__ or e.__context__
    if any(isinstance(e, _figure_types()) for e in chain):
        return not _alive(r)
    if any(isinstance(e, _broken_types()) for e in chain) or _connection_closed(r) or not _alive(r):
        return True
    proc = getattr(r._kaleido, "subprocess", None)  # noqa: SLF001
    if proc is None:
        return False
    try:
        proc.wait(DEATH_GRACE)
    except Exception:  # noqa: BLE001 - still running (TimeoutExpired): the failure was not its death
        return False
    return True


atexit.register(shutdown)


CHECK_TEXTS = {
    "ok_browser": "Chromium for figure and report exports: {path}",
    "no_browser": "No Chromium for figure and report exports: install Chromium and a CJK font (Debian/Ubuntu: "
                  "apt-get install chromium fonts-wqy-microhei), or set BROWSER_PATH. ({reason})",
    "ok_fonts": "Chinese in exports: system fonts {fonts}, and the bundled {bundled}",
    "no_system_fonts": "No system CJK font: exports draw Chinese with the bundled {bundled} (the GB 2312 "
                       "characters); for every character install {package} (apt-get install {package})",
    "no_font": "Chinese in exports: {reason}",
}


def export_check(browser_path: str | None = None, lang: str = "en") -> list[tuple[str, str]]:
    """What exports need, checked without starting anything: ``[(level, sentence)]`` with level
    ``"ok"``, ``"warning"`` (exports work, something is missing) or ``"error"`` (figure and
    report exports fail), the sentences in ``lang``. The app logs it at start-up and the
    administration shows it."""
    from dashboard.labels import t
    from dashboard.report import fonts

    items: list[tuple[str, str, dict]] = []
    try:
        items.append(("ok", "ok_browser", {"path": find_browser(browser_path)}))
    except BrowserNotFound as exc:
        items.append(("error", "no_browser", {"reason": str(exc).split(":")[0]}))
    try:
        fonts.bundled_ttf()
        bundled = True
    except fonts.FontError as exc:
        bundled = False
        items.append(("error", "no_font", {"reason": str(exc)}))
    system = fonts.system_cjk_fonts()
    if system:
        items.append(("ok", "ok_fonts", {"fonts": ", ".join(system[:3]), "bundled": fonts.BUNDLED_FAMILY}))
    elif bundled:
        items.append(("warning", "no_system_fonts", {"bundled": fonts.BUNDLED_FAMILY, "package": fonts.FONT_PACKAGES}))
    return [(level, t(CHECK_TEXTS[key], lang).format(**params)) for level, key, params in items]


def _check_translations() -> None:
    from dashboard.labels import add_translations

    add_translations({
        CHECK_TEXTS["ok_browser"]: "图表和报告导出使用的 Chromium：{path}",
        CHECK_TEXTS["no_browser"]: "没有可用于图表和报告导出的 Chromium：请安装 Chromium 和中文字体（Debian/Ubuntu："
                                   "apt-get install chromium fonts-wqy-microhei），或设置 BROWSER_PATH。（{reason}）",
        CHECK_TEXTS["ok_fonts"]: "导出中的中文：系统字体 {fonts}，以及内置的 {bundled}",
        CHECK_TEXTS["no_system_fonts"]: "系统没有中文字体：导出使用内置的 {bundled}（GB 2312 字符）绘制中文；"
                                        "如需全部字符，请安装 {package}（apt-get install {package}）",
        CHECK_TEXTS["no_font"]: "导出中的中文：{reason}",
    })


_check_translations()
