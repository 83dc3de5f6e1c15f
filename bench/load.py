"""Load benchmark: N concurrent signed-in users against gunicorn (the Procfile's web line, 2 workers).

    python bench/load.py [--users 50] [--seconds 120] [--think 5,15] [--ramp 20] [--db URL]

What it does, all on 127.0.0.1 and bounded in users, time and requests:

1. loads the bundled sample into a fresh SQLite database (or the ``--db`` given) and
   creates one viewer account per simulated user (no default password anywhere);
2. starts the Procfile's ``web:`` command (gunicorn, 2 workers) bound to a free
   localhost port, sign-in ON, with its own secret key;
3. the users arrive one after another over ``--ramp`` seconds; each signs in through the
   login form (CSRF token included), then, until the time is up, repeats with a think
   time of ``--think`` seconds (uniform, default 5-15 s: someone reading the charts
   between clicks; ``--think 2,8`` is the harsher stress variant) one of:
   - *page load* (40 %) of a random public page (Overview, Schools, Partners …), as the
     browser does it: the page, ``/_dash-layout``, ``/_dash-dependencies``, the page
     router's callback (the page's content), the filter sync, and every callback listening
     to the filter store whose outputs are on that page;
   - *filter change* (45 %) on the current page: the filter-sync callback with a random
     query string, then that page's listeners with the store value it answered;
   - *export* (15 %): a data download (CSV or XLSX of a registered export, with random
     filters; the JSON lists the URLs used). Figure images and the PPTX/PDF report render
     through a headless browser and are not part of this mix: they are measured by
     bench/export.py. With no export registered, the step is a filter change, and says so;
4. writes ``bench/results/load.json``: requests, errors (any status other than
   200/204 — 302 for the sign-in POST —, any exception), p50/p95/p99/max latency in ms, requests per second, and the
   same per kind of request.

Goal: 0 errors, p95 <= 500 ms. The callbacks discovered from ``/_dash-dependencies`` are
those of the Overview page (the filter store's listeners) and any page added later.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results" / "load.json"
HARD_REQUEST_CAP = 100_000  # requests per client process: a bound whatever the arguments


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def web_command(port: int) -> list[str]:
    """The Procfile's web line, bound to localhost on ``port``."""
    line = next(x for x in (ROOT / "Procfile").read_text().splitlines() if x.startswith("web:"))
    cmd = shlex.split(line.split(":", 1)[1].replace("${PORT:-8050}", str(port)))
    out, skip = [], False
    for i, arg in enumerate(cmd):
        if skip:
            skip = False
            continue
        if arg == "--bind":
            out += ["--bind", f"127.0.0.1:{port}"]
            skip = True
            continue
        if arg.startswith("--bind="):
            out.append(f"--bind=127.0.0.1:{port}")
            continue
        out.append(arg)
    out[0] = str(Path(sys.executable).parent / out[0])
    return out


def prepare(db: str | None, users: int, tmp: Path) -> str:
    from dashboard.users import add_user, get_user
    from etl.config import SAMPLE_DIR, load_settings
    from etl.pipeline import Pipeline

    url = db or f"sqlite:///{tmp / 'intl.db'}"
    Pipeline(load_settings(database_url=url), trigger="bench").run([SAMPLE_DIR / "docs", SAMPLE_DIR / "reports"])
    for i in range(users):
        if get_user(url, f"bench{i:02d}") is None:
            add_user(url, f"bench{i:02d}", f"bench-password-{i:02d}", "viewer", by="bench/load.py")
    return url


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.by_label: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.samples: list[str] = []
        self.count = 0
        self.retries = 0

    def add_retry(self) -> None:
        with self.lock:
            self.retries += 1

    def add(self, kind: str, seconds: float, ok: bool, why: str = "", label: str = "") -> None:
        with self.lock:
            self.count += 1
            self.times[kind].append(seconds)
            if label:
                self.by_label[label].append(seconds)
            if not ok:
                self.errors[kind] += 1
                if len(self.samples) < 20:
                    self.samples.append(f"{kind}: {why}"[:300])


def pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    v = sorted(values)
    k = max(0, min(len(v) - 1, int(round(p / 100 * len(v) + 0.5)) - 1))
    return v[k]


class User(threading.Thread):
    def __init__(self, n: int, base: str, stats: Stats, stop_at: float, think: tuple[float, float],
                 world: dict, seed: int, ramp: float = 0.0):
        super().__init__(daemon=True)
        self.ramp = ramp
        import requests

        self.n, self.base, self.stats, self.stop_at, self.think, self.world = n, base, stats, stop_at, think, world
        self.rng = random.Random(seed)
        self.http = requests.Session()
        self.deps: list[dict] = []
        self.on_page: set[str] = set()
        self.props: dict[str, dict] = {}
        self.path, self.search = "/", ""

    # -- one request, measured ---------------------------------------------------
    def req(self, kind: str, method: str, path: str, ok_codes: tuple[int, ...] = (200, 204), label: str = "",
            **kw):
        if self.stats.count >= HARD_REQUEST_CAP:
            raise SystemExit
        assert path.startswith("/")  # localhost only: every URL is the server's own
        import requests

        t = time.perf_counter()
        try:
            try:
                r = self.http.request(method, self.base + path, timeout=30, allow_redirects=False, **kw)
            except requests.ConnectionError:
                # The server closed an idle keep-alive connection just as it was reused (the think
                # time outlasts gunicorn's keep-alive): browsers resend then, and so do we, once;
                # the JSON counts these resends.
                self.stats.add_retry()
                r = self.http.request(method, self.base + path, timeout=30, allow_redirects=False, **kw)
            ok = r.status_code in ok_codes
            self.stats.add(kind, time.perf_counter() - t, ok, f"{method} {path} -> {r.status_code}",
                           label or f"{method} {path.split('?')[0]}")
            return r
        except Exception as exc:  # noqa: BLE001 - an exception is an error of the run
            self.stats.add(kind, time.perf_counter() - t, False, f"{method} {path}: {exc.__class__.__name__}")
            return None

    def csrf(self) -> dict[str, str]:
        return {"X-CSRFToken": self.http.cookies.get("_csrf_token", "")}

    def login(self) -> bool:
        r = self.req("login", "GET", "/auth/login")
        if r is None:
            return False
        tok = re.search(r'name="csrf_token" value="([^"]+)"', r.text).group(1)
        r = self.req("login", "POST", "/auth/login", data={"username": f"bench{self.n:02d}",
                                                          "password": f"bench-password-{self.n:02d}",
                                                          "csrf_token": tok, "next": "/"}, ok_codes=(302,))
        return r is not None and r.status_code == 302

    # -- callbacks from /_dash-dependencies ------------------------------------------------
    def body(self, dep: dict, values: dict[tuple[str, str], object]) -> dict:
        out = dep["output"]
        outs = [o.rsplit(".", 1) for o in out.strip(".").split("...")] if out.startswith("..") else [out.rsplit(".", 1)]
        outputs = [{"id": i, "property": p} for i, p in outs]
        def value(i: dict):
            key = (i["id"], i["property"])
            if key in values:
                return values[key]
            return self.props.get(i["id"], {}).get(i["property"]) if isinstance(i["id"], str) else None

        ins = [{"id": i["id"], "property": i["property"], "value": value(i)} for i in dep["inputs"]]
        st = [{"id": s["id"], "property": s["property"], "value": value(s)} for s in dep.get("state", [])]
        return {"output": out, "outputs": outputs if len(outputs) > 1 else outputs[0], "inputs": ins, "state": st,
                "changedPropIds": [f"{i['id']}.{i['property']}" for i in ins if (i["id"], i["property"]) in values]}

    def listeners(self) -> list[dict]:
        """The callbacks a browser fires on this page when the filter store changes: those
        listening to the store whose every output is a component of the current page."""
        out = []
        for d in self.deps:
            if "filters-store.data" in d["output"] or not any(
                    i["id"] == "filters-store" and i["property"] == "data" for i in d["inputs"]):
                continue
            outs = d["output"].strip(".").split("...") if d["output"].startswith("..") else [d["output"]]
            if all(o.rsplit(".", 1)[0] in self.on_page for o in outs):
                out.append(d)
        return out

    def callback(self, kind: str, dep: dict, values: dict) -> dict | None:
        r = self.req(kind, "POST", "/_dash-update-component", json=self.body(dep, values), headers=self.csrf(),
                     label="callback " + dep["output"].strip(".")[:60])
        if r is not None and r.status_code == 200:
            return r.json().get("response")
        return None

    def dep(self, output_part: str) -> dict | None:
        return next((d for d in self.deps if output_part in d["output"]), None)

    # -- the three kinds of action --------------------------------------------------------
    def page_load(self, kind: str = "page") -> None:
        """What a browser does to open a page: the HTML, layout, dependencies, the page router's
        callback (the page's content), then the filter sync and every chart of that page."""
        self.path = self.rng.choice(self.world["pages"])
        self.search = self.random_search() if self.rng.random() < 0.5 else ""
        self.req(kind, "GET", self.path + self.search, headers={"Accept": "text/html"}, label="GET (a page)")
        self.req(kind, "GET", "/_dash-layout")
        r = self.req(kind, "GET", "/_dash-dependencies")
        if r is not None and r.status_code == 200:
            self.deps = [d for d in r.json() if "admin-" not in d.get("output", "")]
        router = self.dep("_pages_content.children")
        self.on_page = set()
        if router:
            resp = self.callback(kind, router, {("_pages_location", "pathname"): self.path,
                                                ("_pages_location", "search"): self.search}) or {}
            self.props = _props(resp.get("_pages_content", {}).get("children"))
            self.on_page = set(self.props)
        self.sync(kind)

    def sync(self, kind: str) -> None:
        sync = self.dep("filters-store.data")
        store: dict = {}
        if sync:
            lo, hi = self.world["years"]
            resp = self.callback(kind, sync, {("url", "search"): self.search, ("filter-years", "min"): lo,
                                              ("filter-years", "max"): hi}) or {}
            store = resp.get("filters-store", {}).get("data") or {}
        for dep in self.listeners():
            self.callback(kind, dep, {("filters-store", "data"): store})

    def random_search(self) -> str:
        w, rng = self.world, self.rng
        q: dict[str, str] = {}
        if rng.random() < 0.6:
            lo = rng.randint(w["years"][0], w["years"][1])
            q["from"], q["to"] = str(lo), str(rng.randint(lo, w["years"][1]))
        if rng.random() < 0.5 and w["schools"]:
            q["school"] = ",".join(map(str, rng.sample(w["schools"], k=rng.randint(1, min(3, len(w["schools"]))))))
        if rng.random() < 0.4:
            q["kind"] = ",".join(rng.sample(w["kinds"], k=rng.randint(1, 2)))
        return "?" + urlencode(q, safe=",") if q else ""

    def filter_change(self) -> None:
        self.search = self.random_search()
        self.sync("filter")

    def export(self) -> None:
        paths = self.world["exports"]
        if not paths:
            return self.filter_change()
        self.req("export", "GET", self.rng.choice(paths) + self.random_search())

    def run(self) -> None:
        try:
            time.sleep(self.ramp)  # users arrive one after another over the ramp-up, not in one burst
            if not self.login():
                return
            self.page_load()
            while time.monotonic() < self.stop_at:
                time.sleep(self.rng.uniform(*self.think))
                if time.monotonic() >= self.stop_at:
                    break
                x = self.rng.random()
                (self.page_load if x < 0.40 else self.filter_change if x < 0.85 else self.export)()
        except SystemExit:
            return


def _props(tree) -> dict[str, dict]:
    """id → props of every component (with a string id) in a layout as Dash serialises it:
    the values a browser sends for the inputs and states it did not change."""
    out: dict[str, dict] = {}
    stack = [tree]
    while stack:
        x = stack.pop()
        if isinstance(x, list):
            stack.extend(x)
        elif isinstance(x, dict):
            props = x.get("props")
            if isinstance(props, dict):
                if isinstance(props.get("id"), str):
                    out[props["id"]] = props
                stack.extend(v for v in props.values() if isinstance(v, (list, dict)))
    return out


def _crowd_part(ids: list[int], n_users: int, base: str, stop_at_wall: float, think: tuple[float, float],
                world: dict, ramp: float) -> dict:
    """One client process: its share of the users, as threads; returns its measurements."""
    stats = Stats()
    stop_at = time.monotonic() + (stop_at_wall - time.time())
    crowd = [User(i, base, stats, stop_at, think, world, seed=1000 + i, ramp=ramp * i / n_users) for i in ids]
    for u in crowd:
        u.start()
    for u in crowd:
        u.join(timeout=max(1.0, stop_at - time.monotonic()) + 60)
    return {"times": dict(stats.times), "errors": dict(stats.errors), "samples": stats.samples,
            "retries": stats.retries,
            "by_label": dict(stats.by_label)}


def run_crowd(users: int, base: str, seconds: float, think: tuple[float, float], world: dict, ramp: float,
              procs: int) -> Stats:
    """The users spread over ``procs`` client processes, so that the client's own GIL does not
    become the bottleneck that the figures then blame on the server."""
    from concurrent.futures import ProcessPoolExecutor

    stop_at_wall = time.time() + seconds
    parts = [list(range(users))[k::procs] for k in range(procs)]
    stats = Stats()
    with ProcessPoolExecutor(max_workers=procs) as pool:
        futures = [pool.submit(_crowd_part, p, users, base, stop_at_wall, think, world, ramp) for p in parts if p]
        for f in futures:
            part = f.result()
            for k, v in part["times"].items():
                stats.times[k].extend(v)
            stats.retries += part["retries"]
            for k, v in part["by_label"].items():
                stats.by_label[k].extend(v)
            for k, v in part["errors"].items():
                stats.errors[k] += v
            stats.samples.extend(part["samples"][: max(0, 20 - len(stats.samples))])
    return stats


def world_of(url: str) -> dict:
    """What random filters may choose from, and the export routes the app registers."""
    from dashboard.queries import common as q
    from etl.load.models import ACTIVITY_KINDS

    os.environ.setdefault("INTL_AUTH", "on")
    schools = [int(x) for x in q.schools(url)["id"]]
    years = q.year_bounds(url) or (2015, 2025)
    from dashboard.app import create_app

    app = create_app(url)
    rules = {r.rule for r in app.server.url_map.iter_rules()}
    exports = sorted(r for r in rules if ("export" in r or "download" in r) and "<" not in r)
    if "/export/data/<name>.<fmt>" in rules:  # the data downloads (CSV, XLSX) of every registered export
        from dashboard import export as E

        exports += [f"/export/data/{n}.{fmt}" for n in E.names() for fmt in E.DATA_FORMATS]
    import dash

    pages = sorted(v["path"] for v in dash.page_registry.values()
                   if not v["path"].startswith("/admin") and not v.get("path_template"))
    return {"schools": schools, "years": list(years), "kinds": list(ACTIVITY_KINDS), "exports": exports,
            "pages": pages or ["/"]}


def server_cpu(pid: int) -> float:
    """CPU seconds used so far by gunicorn and its workers: the server's own cost, which other
    work on the machine does not inflate the way it inflates latencies."""
    import psutil

    total = 0.0
    try:
        master = psutil.Process(pid)
        for p in [master, *master.children(recursive=True)]:
            try:
                t = p.cpu_times()
                total += t.user + t.system
            except psutil.NoSuchProcess:
                continue
    except psutil.NoSuchProcess:
        pass
    return total


def wait_up(base: str, proc: subprocess.Popen, limit: float = 60) -> None:
    import requests

    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited with {proc.returncode}")
        try:
            if requests.get(base + "/auth/login", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn did not start")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=120)
    ap.add_argument("--think", default="5,15", help="think time between actions, min,max seconds")
    ap.add_argument("--ramp", type=float, default=20, help="seconds over which the users arrive")
    ap.add_argument("--procs", type=int, default=5, help="client processes the users are spread over")
    ap.add_argument("--gunicorn-args", default="", help="extra gunicorn arguments (experiments: '--threads 4')")
    ap.add_argument("--db", default=None, help="database URL (default: a fresh SQLite with the sample)")
    ap.add_argument("--out", default=str(RESULTS))
    a = ap.parse_args()
    # a SIGTERM (timeout, Ctrl-C in a wrapper) must still stop the server started below
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    users = max(1, min(a.users, 200))
    seconds = max(5.0, min(a.seconds, 600.0))
    think = tuple(float(x) for x in a.think.split(","))

    with tempfile.TemporaryDirectory(prefix="intl-load-") as tmpd:
        tmp = Path(tmpd)
        load_before = list(os.getloadavg())  # other work on the machine skews the figures: recorded
        t0 = time.perf_counter()
        url = prepare(a.db, users, tmp)
        world = world_of(url)
        print(f"prepared in {time.perf_counter() - t0:.1f}s: {users} users, {len(world['schools'])} schools, "
              f"pages {world['pages']}, {len(world['exports'])} export URLs", flush=True)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "DATABASE_URL": url, "INTL_AUTH": "on", "INTL_SECRET_KEY": os.urandom(24).hex(),
               "INTL_UPLOAD_DIR": str(tmp / "uploads")}
        env.pop("INTL_ADMIN_USER", None)
        env.pop("INTL_ADMIN_PASSWORD", None)
        cmd = web_command(port) + shlex.split(a.gunicorn_args)
        log = (tmp / "gunicorn.log").open("w")
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_up(base, proc)
            cpu_before = server_cpu(proc.pid)
            started = time.perf_counter()
            stats = run_crowd(users, base, seconds, think, world, a.ramp, a.procs)
            elapsed = time.perf_counter() - started
            cpu_used = server_cpu(proc.pid) - cpu_before
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
            log.close()
        server_log = (tmp / "gunicorn.log").read_text()[-4000:]

    all_times = [t for v in stats.times.values() for t in v]
    ms = lambda x: round(1000 * x, 1)  # noqa: E731
    result = {
        "users": users, "seconds": round(elapsed, 1), "think_s": list(think),
        "ramp_s": a.ramp, "client_processes": a.procs, "nice": os.getpriority(os.PRIO_PROCESS, 0), "load_average_before": load_before, "load_average_after": list(os.getloadavg()),
        "server": " ".join(["gunicorn", *cmd[1:]]), "database": "sqlite (sample)" if not a.db else "given",
        "requests": len(all_times), "errors": sum(stats.errors.values()),
        "connection_resends": stats.retries,
        "p50_ms": ms(pct(all_times, 50)), "p95_ms": ms(pct(all_times, 95)), "p99_ms": ms(pct(all_times, 99)),
        "max_ms": ms(max(all_times) if all_times else 0), "rps": round(len(all_times) / elapsed, 1),
        "server_cpu_s": round(cpu_used, 1),
        "server_cpu_ms_per_request": round(1000 * cpu_used / max(1, len(all_times)), 2),
        "by_kind": {k: {"requests": len(v), "errors": stats.errors.get(k, 0), "p50_ms": ms(pct(v, 50)),
                        "p95_ms": ms(pct(v, 95)), "mean_ms": ms(statistics.fmean(v) if v else 0)}
                    for k, v in sorted(stats.times.items())},
        "slowest": [{"request": k, "count": len(v), "p50_ms": ms(pct(v, 50)), "p95_ms": ms(pct(v, 95))}
                    for k, v in sorted(stats.by_label.items(), key=lambda kv: -pct(kv[1], 95))[:10]],
        "pages": world["pages"], "exports": world["exports"] or "none registered by the app yet: export actions ran filter changes",
        "error_samples": stats.samples,
        "goal": {"errors": 0, "p95_ms": 500},
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
    }
    result["goal_met"] = result["errors"] == 0 and result["p95_ms"] <= 500
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps({k: result[k] for k in ("users", "seconds", "requests", "errors", "p50_ms", "p95_ms",
                                             "p99_ms", "rps", "server_cpu_ms_per_request", "goal_met")}))
    for k, v in result["by_kind"].items():
        print(f"  {k:7s} {v['requests']:6d} requests, {v['errors']} errors, p50 {v['p50_ms']} ms, p95 {v['p95_ms']} ms")
    print("slowest requests (p95):", *(f"{x['p95_ms']:8.1f} ms  {x['request']}" for x in result["slowest"]),
          sep="\n  ")
    if stats.samples:
        print("errors, first ones:", *stats.samples, sep="\n  ")
        print("server log tail:\n" + server_log[-1500:])


if __name__ == "__main__":
    main()
