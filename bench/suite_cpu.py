"""CPU the test suite costs, per test file, every process counted (Chromium's renderers and kaleido's too).

``make test`` runs on 2 cores that the suite keeps busy (vmstat: 1-3 % idle), so its time is its CPU divided by
two; what a file costs is the CPU of everything it starts. ``time`` and ``getrusage`` miss the browsers'
processes (their parents do not wait for them), so each file runs alone in a new cgroup (v1 ``cpuacct`` or
v2) whose counter takes every descendant. Where no cgroup can be made (not root) it falls back to the
children's rusage and says so.

    .venv/bin/python bench/suite_cpu.py                       # every tests/**/test_*.py, one at a time
    .venv/bin/python bench/suite_cpu.py tests/browser/test_i18n.py tests/test_export_zh.py
    .venv/bin/python bench/suite_cpu.py --out bench/results/suite_cpu.json

Prints CPU seconds and wall seconds per file, largest first, and the total; writes them as JSON with the
commit. Run it on a quiet machine: the wall figures move with load, the CPU figures much less.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
V1 = Path("/sys/fs/cgroup/cpuacct")
V2 = Path("/sys/fs/cgroup")


def new_cgroup(prefix: str = "intl-suite-cpu") -> tuple[Path, str] | None:
    """A new cgroup (v1 ``cpuacct`` or v2) and the name of its CPU counter file, or None where none can be made."""
    name = f"{prefix}-{os.getpid()}-{time.monotonic_ns()}"
    for base, counter in ((V1, "cpuacct.usage"), (V2, "cpu.stat")):
        if (base / counter).exists() or (base / "cgroup.procs").exists():
            try:
                d = base / name
                d.mkdir()
            except OSError:
                continue
            if (d / counter).exists():
                return d, counter
            d.rmdir()
    return None


def cgroup_cpu(d: Path, counter: str) -> float:
    """CPU seconds of every process that was ever in the cgroup."""
    text = (d / counter).read_text()
    if counter == "cpuacct.usage":
        return int(text) / 1e9
    fields = dict(line.split() for line in text.splitlines())
    return int(fields["usage_usec"]) / 1e6


def run(args: list[str], env: dict[str, str]) -> tuple[float, float, int, str]:
    """(cpu seconds, wall seconds, exit code, how the CPU was counted) of ``args``."""
    cg = new_cgroup()
    start = time.monotonic()
    if cg is None:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        rc = subprocess.run(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return cpu, time.monotonic() - start, rc, "rusage (no cgroup: browser processes not counted)"
    d, counter = cg
    try:
        # the child joins the cgroup before it execs, so every process it starts is counted
        rc = subprocess.run(["sh", "-c", f'echo $$ > "{d}/cgroup.procs" && exec "$@"', "sh", *args], cwd=ROOT,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        wall = time.monotonic() - start
        time.sleep(0.5)  # stragglers (a browser closing) finish counting
        cpu = cgroup_cpu(d, counter)
        return cpu, wall, rc, "cgroup"
    finally:
        remove_cgroup(d)


def remove_cgroup(d: Path) -> None:
    """Remove the cgroup once its last process has gone (waits up to 10 s)."""
    for _ in range(20):
        try:
            d.rmdir()
            return
        except OSError:
            time.sleep(0.5)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", help="test files (default: every tests/**/test_*.py)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "suite_cpu.json"))
    ns = ap.parse_args()
    files = ns.files or sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests").rglob("test_*.py"))
    env = dict(os.environ)
    env.setdefault("CI", "true")
    env.setdefault("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    env.setdefault("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    rows = []
    for f in files:
        cpu, wall, rc, how = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f], env)
        rows.append({"file": f, "cpu_s": round(cpu, 2), "wall_s": round(wall, 2), "exit": rc, "counted_by": how})
        print(f"{cpu:8.1f} cpu s {wall:8.1f} wall s  exit {rc}  {f}", flush=True)
    rows.sort(key=lambda r: -r["cpu_s"])
    total = sum(r["cpu_s"] for r in rows)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    print(f"\ntotal {total:.1f} cpu s over {len(rows)} files (commit {commit}); largest:")
    for r in rows[:25]:
        print(f"{r['cpu_s']:8.1f}  {r['file']}")
    if not ns.files or ns.out != ap.get_default("out"):
        Path(ns.out).parent.mkdir(parents=True, exist_ok=True)
        Path(ns.out).write_text(json.dumps({"commit": commit, "total_cpu_s": round(total, 1), "files": rows},
                                           indent=1) + "\n")
        print("written", ns.out)
    return 0 if all(r["exit"] in (0, 5) for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
