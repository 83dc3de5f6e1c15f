"""Chromium's CPU per page load, reload, in-app navigation and idle second, as the browser tests drive it.

The browser tests (tests/browser) share one headless Chromium per test process (see tests/browser/conftest.py);
what each test pays is what Chromium's processes (browser, GPU, renderer, utilities) spend on what the test
asks. This loads the bundled sample into a temporary SQLite database, serves it with the tests' LiveServer,
launches Chromium with the tests' flags and measures, repeated ``--repeat`` times (medians printed):

    first   a new browser context's first page load of /partners (``navigate`` from about:blank)
    reload  the same page loaded again in the same tab (page.goto + conftest's settle)
    nav     in-app navigation (conftest's ``navigate``: pushState + Dash's router), /partners <-> /
            (``--nav PATH``, repeatable: from /partners to each PATH in turn and back, each step counted as
            ``nav:PATH``, besides)
    idle    five seconds on a settled page, nothing asked
    wait_raf, wait_50ms   five seconds of waiting for a condition on that page, polled every animation frame
            (Playwright's default) or every 50 ms

Chromium's processes are moved into a cgroup of their own right after launch (its children are counted as they
start, and after they exit); where no cgroup can be made the per-process /proc/<pid>/stat figures are summed
(processes that exit within a step are then missed). Per process type (browser, gpu-process, renderer,
utility) the /proc figures are printed too, and the Python process (the app's server threads, Playwright's
client) separately.

With ``--pages`` it measures each of the pages named instead (a comma-separated list of paths; ``{school}``,
``{partner}``, ``{programme}`` and ``{doc}`` stand for the sample's showcase school, partner and programme of
tests/browser/take_screenshots.py and the document with the most facts): per page, a first load, a reload and an
in-app navigation to it from ``--second`` (from the next page listed for ``--second`` itself), and how many Dash components its layout holds once settled (the
renderer's layout, callback outputs included) and how many DOM elements (``--steps`` picks the steps; ``filter``, not
by default: two changes of the years filter on the page, as the filter bar makes them, each step's Chromium CPU and
the callback requests it sent).

    .venv/bin/python bench/browser_cpu.py [--repeat 3] [--arg=--some-chromium-flag ...] [--out FILE]
    .venv/bin/python bench/browser_cpu.py --pages '/,/schools/{school},/partners/{partner}' [--repeat 2]

With ``--probe`` (default steps), plotly's work per step is counted too (tests/browser/plotly_probe.py): plotly asked to
draw (react), charts drawn (draws) and resizes carried out, summed over the page's charts.

    .venv/bin/python bench/browser_cpu.py [--repeat 3] [--nav PATH ...] [--probe] [--out FILE]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.suite_cpu import cgroup_cpu, new_cgroup, remove_cgroup  # noqa: E402 - the project's root, above

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, user+system CPU seconds) of ``pid``."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            st = _stat(int(d))
            if st:
                children.setdefault(st[0], []).append(int(d))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        for c in children.get(pid, []):
            out.append(c)
            todo.append(c)
    return out


def _kind(pid: int) -> str:
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").split()
    except OSError:
        return "gone"
    if not args:
        return "other"
    if args[0].endswith(b"node"):
        return "driver"  # Playwright's driver (not in the chromium total)
    if b"chrom" not in args[0]:
        return "other"
    for a in args:
        if a.startswith(b"--type="):
            kind = a[7:].decode()
            if kind == "utility":
                for b in args:
                    if b.startswith(b"--utility-sub-type="):
                        return "utility:" + b.decode().split("=", 1)[1].rsplit(".", 1)[-1]
            return kind
    return "browser"


class Chromium:
    """CPU counters of the Chromium processes Playwright started from this process."""

    def __init__(self):
        self.cgroup: Path | None = None
        self.counter = ""
        me = os.getpid()
        self.pids = [p for p in _descendants(me) if _kind(p) not in ("other", "gone", "driver")]
        cg = new_cgroup("intl-browser-cpu")
        if cg is not None:
            d, self.counter = cg
            try:
                for pid in self.pids:
                    (d / "cgroup.procs").write_text(str(pid))
                self.cgroup = d
            except OSError:
                remove_cgroup(d)

    def total(self) -> float:
        if self.cgroup is not None:
            return cgroup_cpu(self.cgroup, self.counter)
        return sum(v for k, v in self.by_kind().items() if k != "driver")

    def by_kind(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for pid in _descendants(os.getpid()):
            kind = _kind(pid)
            if kind in ("other", "gone"):
                continue
            st = _stat(pid)
            if st:
                out[kind] = out.get(kind, 0.0) + st[1]
        return out

    def close(self) -> None:
        if self.cgroup is not None:
            remove_cgroup(self.cgroup)


def _self_cpu() -> float:
    t = os.times()
    return t.user + t.system


class Meter:
    def __init__(self, chromium: Chromium):
        self.c = chromium
        self.rows: dict[str, list[dict]] = {}
        self.probe = None   # the tab, where plotly_probe.py counts plotly's work
        self._last: dict | None = None

    def _plotly(self) -> None:
        """plotly's work since the last step began, summed over the charts, into that step's row (read
        after the pause that lets the step's late redraws happen)."""
        from tests.browser.plotly_probe import counts, reset

        if self.probe is None:
            return
        try:
            tally = counts(self.probe)
            reset(self.probe)
        except Exception:  # noqa: BLE001 - a tab closed since: nothing to read
            return
        total = {"charts": len([k for k in tally if k != "?"])}
        for c in tally.values():
            for k in ("react", "draws", "resize"):
                total[k] = total.get(k, 0) + c.get(k, 0)
        if self._last is not None:
            self._last["plotly"] = total
            print(f"  {'':8s} plotly {total}", flush=True)

    def measure(self, name: str, step) -> None:
        time.sleep(0.3)  # what the last step left running ends first
        self._plotly()
        k0, t0, py0, w0 = self.c.by_kind(), self.c.total(), _self_cpu(), time.monotonic()
        step()
        k1, t1, py1, w1 = self.c.by_kind(), self.c.total(), _self_cpu(), time.monotonic()
        kinds = {k: round(v - k0.get(k, 0.0), 2) for k, v in k1.items() if v - k0.get(k, 0.0) > 0.005}
        row = {"chromium_s": round(t1 - t0, 3), "python_s": round(py1 - py0, 3), "wall_s": round(w1 - w0, 3),
               "by_kind": kinds}
        self.rows.setdefault(name, []).append(row)
        self._last = row
        print(f"  {name:8s} chromium {row['chromium_s']:6.2f} s  python {row['python_s']:5.2f} s  "
              f"wall {row['wall_s']:5.2f} s  {kinds}", flush=True)

    def summary(self) -> dict[str, dict]:
        out = {}
        for name, rows in self.rows.items():
            out[name] = {k: round(statistics.median(r[k] for r in rows), 3) for k in ("chromium_s", "python_s",
                                                                                      "wall_s")}
            out[name]["n"] = len(rows)
        return out


# Dash components in the renderer's layout (the page's layout with every callback's output in place): each
# object with a type, a namespace and props, found through all its props (children and component-valued ones)
COUNT = """() => {
  let n = 0;
  const walk = (c) => {
    if (Array.isArray(c)) { c.forEach(walk); return; }
    if (c && typeof c === 'object' && typeof c.type === 'string' && typeof c.namespace === 'string' && c.props) {
      n += 1;
      Object.values(c.props).forEach(walk);
    }
  };
  const layout = window.store.getState().layout;   // {components: the tree} in Dash 4
  walk(layout && layout.components && !layout.type ? layout.components : layout);
  return {components: n, dom: document.getElementsByTagName('*').length};
}"""


# A filter change as the filter bar makes one: the years slider set (Dash's set_props, as a drag does), every
# chart marked stale like conftest's navigate; the callbacks completed so far, for conftest's _SETTLED
FILTER = """([id, value]) => {
  document.querySelectorAll('.js-plotly-plot').forEach(gd => { if (gd.layout) gd.layout.__intlStale = true; });
  const since = window.store.getState().callbacks.completed;
  window.__intlCalm = 0;
  window.dash_clientside.set_props(id, {value});
  return since;
}"""


def showcase(url: str) -> dict[str, int]:
    """The ids ``--pages`` paths may name: the screenshots' school, partner and programme, and the document
    with the most facts (ties: the lowest id)."""
    from sqlalchemy import text

    from etl.db import get_engine
    from tests.browser.take_screenshots import showcase_programme, subjects

    school, partner = subjects(url)
    with get_engine(url).connect() as conn:
        doc = conn.execute(text("SELECT document_id FROM facts GROUP BY document_id "
                                "ORDER BY COUNT(*) DESC, document_id LIMIT 1")).scalar()
    return {"school": school, "partner": partner, "programme": showcase_programme(url), "doc": int(doc)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--arg", action="append", default=[], help="an extra Chromium flag (repeatable)")
    ap.add_argument("--only-args", action="store_true", help="use only the --arg flags, not conftest's")
    ap.add_argument("--idle", type=float, default=5.0)
    ap.add_argument("--first", default="/partners")
    ap.add_argument("--second", default="/")
    ap.add_argument("--poll", default="", help="conftest.POLL for the run: raf or milliseconds")
    ap.add_argument("--viewport", default="", help="WxH for the run's tab (default conftest.VIEWPORT)")
    ap.add_argument("--executable", default="", help="the Chromium binary (default conftest.CHROMIUM)")
    ap.add_argument("--motion", action="store_true", help="the tab does not ask for reduced motion")
    ap.add_argument("--nav", action="append", default=[], help="also navigate /partners -> PATH -> /partners")
    ap.add_argument("--probe", action="store_true", help="count plotly's draws per step (plotly_probe.py)")
    ap.add_argument("--pages", default="", help="measure each of these paths (comma-separated, see above)")
    ap.add_argument("--steps", default="first,reload,nav", help="with --pages: which steps to measure")
    ap.add_argument("--out", default="")
    ns = ap.parse_args()

    from playwright.sync_api import sync_playwright

    from tests.browser import conftest as bc
    from tests.browser.plotly_probe import PROBE
    from tests.browser.test_hostile_input import settle

    if ns.poll:
        bc.POLL = ns.poll if ns.poll == "raf" else int(ns.poll)
    if ns.viewport:
        w, h = ns.viewport.split("x")
        bc.VIEWPORT = {"width": int(w), "height": int(h)}
    if ns.executable:
        bc.CHROMIUM = ns.executable
    if ns.motion:
        bc.REDUCED_MOTION = "no-preference"
    os.environ["INTL_AUTH"] = "off"  # as every browser test module not marked ``auth`` runs
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    args = (ns.arg if ns.only_args else list(bc.CHROMIUM_ARGS) + ns.arg)
    tmp = Path(tempfile.mkdtemp(prefix="intl-browser-cpu-"))
    url = f"sqlite:///{tmp / 'intl.db'}"
    bc.load_sample(url)
    print("chromium flags:", " ".join(args), flush=True)
    with bc.LiveServer(url) as srv, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=bc.CHROMIUM, args=args)
        chromium = Chromium()
        print("counted by", "cgroup" if chromium.cgroup else "/proc (exited processes missed)", flush=True)
        m = Meter(chromium)
        base = srv.base
        try:
            if ns.pages:
                counts = pages(ns, m, browser, base, bc, settle, url)
            for i in range(0 if ns.pages else ns.repeat):
                print(f"round {i + 1}", flush=True)
                tab = bc._Tab(browser)
                p = tab.open()
                p.set_default_timeout(60_000)
                if ns.probe:
                    p.add_init_script(PROBE)
                    m.probe, m._last = p, None
                m.measure("first", lambda: bc.navigate(p, base, ns.first))
                m.measure("reload", lambda: (p.goto(base + ns.first), settle(p)))
                m.measure("nav", lambda: bc.navigate(p, base, ns.second))
                m.measure("nav", lambda: bc.navigate(p, base, ns.first))
                for path in ns.nav:
                    m.measure(f"nav:{path}", lambda: bc.navigate(p, base, path))
                    m.measure("nav", lambda: bc.navigate(p, base, ns.first))
                m.measure("idle", lambda: time.sleep(ns.idle))
                m.probe = None
                # a wait for a condition that takes ``idle`` seconds to come true, polled every frame and
                # every 50 ms (Playwright's wait_for_function polls every animation frame by default)
                wait = f"(t) => performance.now() > t + {ns.idle * 1000}"
                m.measure("wait_raf", lambda: p.wait_for_function(wait, arg=p.evaluate("performance.now()"),
                                                                  polling="raf"))
                m.measure("wait_50ms", lambda: p.wait_for_function(wait, arg=p.evaluate("performance.now()"),
                                                                   polling=50))
                tab.close()
        finally:
            browser.close()
            chromium.close()
    summary = m.summary()
    print("\nmedians (CPU seconds):")
    for name, s in summary.items():
        print(f"  {name:8s} chromium {s['chromium_s']:6.2f}  python {s['python_s']:5.2f}  wall {s['wall_s']:5.2f}"
              f"  (n={s['n']})")
    if ns.pages:
        print("\nonce settled:")
        for page, c in counts.items():
            summary[page] = c
            print(f"  {page}: {c['components']} Dash components, {c['dom']} DOM elements")
    if ns.out:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True).stdout.strip()
        Path(ns.out).parent.mkdir(parents=True, exist_ok=True)
        Path(ns.out).write_text(json.dumps({"commit": commit, "flags": args, "summary": summary, "rows": m.rows},
                                           indent=1) + "\n")
        print("written", ns.out)
    return 0


def pages(ns, m: Meter, browser, base: str, bc, settle, url: str) -> dict[str, dict]:
    """``--pages``: each page's first load, reload and in-app navigation to it from ``--second``, repeated;
    the components and DOM elements each holds once settled."""
    ids = showcase(url)
    print("ids:", ids, flush=True)
    steps = set(ns.steps.split(","))
    counts: dict[str, dict] = {}
    for i in range(ns.repeat):
        print(f"round {i + 1}", flush=True)
        for page in ns.pages.split(","):
            path = page.format(**ids)
            tab = bc._Tab(browser)
            p = tab.open()
            p.set_default_timeout(60_000)
            if "first" in steps:
                m.measure(f"{page} first", lambda: bc.navigate(p, base, path))
            else:
                bc.navigate(p, base, path)
            if "reload" in steps:
                m.measure(f"{page} reload", lambda: (p.goto(base + path), settle(p)))
            counts[page] = p.evaluate(COUNT)
            print(f"  {page}: {counts[page]}", flush=True)
            if "nav" in steps:   # from --second, or from the next page when this one is --second
                names = ns.pages.split(",")
                other = ns.second if path != ns.second else names[(names.index(page) + 1) % len(names)].format(**ids)
                bc.navigate(p, base, other)
                m.measure(f"{page} nav", lambda: bc.navigate(p, base, path))
            if "filter" in steps:   # two filter changes on the page, each with the requests it made
                from dashboard import ids as dash_ids

                for years in ([2020, 2024], [2021, 2023]):
                    sent: list[str] = []

                    def seen(r, sent=sent):
                        if "_dash-update-component" in r.url:
                            sent.append(r.url)
                    p.on("request", seen)
                    m.measure(f"{page} filter", lambda: p.wait_for_function(
                        bc._SETTLED, arg=p.evaluate(FILTER, [dash_ids.FILTER_YEARS, years]), polling=bc.POLL))
                    p.remove_listener("request", seen)
                    counts[page]["callbacks_per_filter"] = len(sent)
                    print(f"  {page} filter {years}: {len(sent)} callback requests", flush=True)
            tab.close()
    return counts


if __name__ == "__main__":
    sys.exit(main())
