"""ETL benchmark: full load, no-op refresh and a 1 %-changed refresh of 10,000 varied
articles, on SQLite and on PostgreSQL. Prints the figures and writes
bench/results/etl.json.

    python bench/etl.py [--docs 10000] [--pg URL]

Each backend runs in its own process so that its peak RSS is its own. PostgreSQL only with
``--pg URL``: the bench works in its own schema inside that database (bench/pg_schema.py) and
never creates or drops a database.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SAMPLE = ROOT / "data" / "sample" / "docs"


def generate(folder: Path, n: int, seed: int = 7) -> list[Path]:
    """n articles varied from the sample: years shifted, numbers changed, a distinct closing line."""
    rng = random.Random(seed)
    bases = [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(SAMPLE.glob("*.txt"))]
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        stem, text = bases[i % len(bases)]
        shift = rng.randint(-3, 3)
        text = re.sub(r"\b(20[12]\d)\b", lambda m: str(int(m[1]) + shift), text)
        text = re.sub(r"\b([1-9]\d)\b(?= (students|participants|faculty|teachers|名))",
                      lambda m: str(rng.randint(5, 150)), text)
        p = folder / f"{stem}-{i:05d}.txt"
        p.write_text(f"{text}\n\n(Archive item {i}.)\n", encoding="utf-8")
        paths.append(p)
    return paths


def run_backend(url: str, n: int) -> dict:
    from etl.config import load_settings
    from etl.pipeline import Pipeline

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "news"
        paths = generate(folder, n)
        settings = load_settings(config=Path(tmp) / "none.toml", database_url=url)
        t = time.perf_counter()
        full = Pipeline(settings).run([folder])
        full_s = time.perf_counter() - t
        t = time.perf_counter()
        noop = Pipeline(settings).run([folder])
        noop_s = time.perf_counter() - t
        rng = random.Random(1)
        for p in rng.sample(paths, max(1, n // 100)):
            p.write_text(p.read_text(encoding="utf-8") + "\nUpdated.\n", encoding="utf-8")
        t = time.perf_counter()
        changed = Pipeline(settings).run([folder])
        changed_s = time.perf_counter() - t
    assert noop.documents["unchanged"] == n and changed.documents["changed"] == max(1, n // 100)
    return {
        "documents": n,
        "full_load_s": round(full_s, 2),
        "full_load_docs_per_s": round(full.documents["new"] / full_s, 1),
        "facts_loaded": full.facts["added"],
        "noop_refresh_s": round(noop_s, 3),
        "one_percent_changed_s": round(changed_s, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--backends", default=None, help="sqlite and/or postgresql (default: sqlite, and "
                    "postgresql when --pg is given)")
    ap.add_argument("--pg", default=None, help="a PostgreSQL database to work in (its schema intl_bench_etl)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        print(json.dumps(run_backend(a.child, a.docs)))
        return
    backends = (a.backends or ("sqlite,postgresql" if a.pg else "sqlite")).split(",")
    if "postgresql" in backends and not a.pg:
        raise SystemExit("postgresql needs --pg URL (the database to work in; a schema is made inside it)")
    results = {}
    for backend in backends:
        if backend == "sqlite":
            tmp = tempfile.mkdtemp()
            url = f"sqlite:///{tmp}/bench.db"
        else:
            from bench.pg_schema import schema_url

            url, _existed = schema_url(a.pg, "etl", reset=True)
        out = subprocess.run([sys.executable, __file__, "--docs", str(a.docs), "--child", url],
                             capture_output=True, text=True, check=True)
        results[backend] = json.loads(out.stdout.strip().splitlines()[-1])
        print(backend, json.dumps(results[backend]))
    results["machine"] = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip() or None
    for backend in backends:
        results[backend]["commit"] = commit  # each backend's figures with the code they were measured on
    dest = ROOT / "bench" / "results" / "etl.json"
    dest.parent.mkdir(parents=True, exist_ok=True)
    kept = json.loads(dest.read_text()) if dest.exists() else {}
    kept.update(results)  # a backend not run this time keeps its last figures
    dest.write_text(json.dumps(kept, indent=2) + "\n")
    print(f"written {dest}")


if __name__ == "__main__":
    main()
