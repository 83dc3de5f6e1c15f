"""The organisation registry's start-up, memory and lookup speed (etl/resolve/registry.py).

Each start-up case runs in a fresh Python process (so the figures are not helped by an earlier load):
- cold: an empty cache folder, so the index is built from data/reference/registry.tsv.gz and written;
- warm: the cache file from the cold run, memory-mapped (what every later process does);
- in memory: no writable cache folder, so the index is built and kept in the process.
In the warm process, lookups are timed per 1,000: names drawn from the registry (fixed seed, a different
name each time so no cache helps), names it does not have, acronyms and Chinese names.
RSS is the process' resident memory (psutil) just before and after ``load_registry()``, and after the lookups.
Then the extractor with the registry loaded (CPU time, English documents a second, peak RSS of that process):
with the shipped partners.csv, and without it, so that the registry gives the partners' countries.

    python bench/registry.py        # prints the figures and writes bench/results/registry.json
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_CHILD = r"""
import json, random, resource, sys, time
sys.path.insert(0, {root!r})
import psutil
proc = psutil.Process()
import etl.resolve.reference, etl.resolve.geo  # imported before the measure: the extractor has them already
rss0 = proc.memory_info().rss
t = time.perf_counter()
from etl.resolve.registry import load_registry
reg = load_registry()
load_s = time.perf_counter() - t
rss1 = proc.memory_info().rss
out = {{"load_seconds": round(load_s, 4), "rss_before_mb": round(rss0 / 2**20, 1),
        "rss_after_mb": round(rss1 / 2**20, 1),
        "rss_added_mb": round((rss1 - rss0) / 2**20, 1), "stats": reg.stats()}}
if {lookups}:
    from etl.resolve.reference import norm
    rng = random.Random(12)
    forms = {{"name": [], "acronyms": [], "zh": []}}
    for i in sorted(rng.sample(range(len(reg)), 6000)):
        rec = reg.record(i)
        forms["name"].append(rec.name)
        forms["acronyms"] += list(rec.acronyms[:1])
        forms["zh"] += list(rec.zh[:1])
    reg._record.cache_clear()
    names = forms["name"][:1000]
    misses = [f"Nowhere Institute of Things {{i}}" for i in range(1000)]
    def per_1000(fn, xs):
        xs = xs[:1000]
        t = time.perf_counter()
        hits = sum(1 for x in xs if fn(x))
        return round((time.perf_counter() - t) * 1000 / len(xs) * 1000, 2), hits, len(xs)
    lk = {{}}
    for label, fn, xs in (("by_name_hits", reg.by_name, names), ("by_name_misses", reg.by_name, misses),
                          ("by_acronym", reg.by_acronym, forms["acronyms"]), ("by_zh", reg.by_zh, forms["zh"]),
                          ("has_norm_hits", reg.has_norm, [norm(x) for x in forms["name"][1000:2000]]),
                          ("has_norm_misses", reg.has_norm, [norm(x) for x in misses]),
                          ("country", reg.country, forms["name"][2000:3000])):
        ms, hits, n = per_1000(fn, xs)
        lk[label] = {{"ms_per_1000": ms, "hits": hits, "of": n}}
    out["lookups"] = lk
    t = time.perf_counter()
    n_names = sum(1 for _ in reg.iter_names())
    out["iter_names"] = {{"names": n_names, "seconds": round(time.perf_counter() - t, 3)}}
    out["zh_names"] = sum(1 for _ in reg.iter_names(("zh",)))
    out["acronyms"] = sum(1 for _ in reg.iter_names(("acronyms",)))
    out["rss_after_lookups_mb"] = round(proc.memory_info().rss / 2**20, 1)
out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
print(json.dumps(out))
"""


# The extractor with the registry: bench/extract.py's documents (the corpus with numbers varied), English
# only, once with the reference folder as shipped and once without partners.csv, so that every partner's
# country not in the text comes from the registry (as for another university's news).
_EXTRACT = r"""
import importlib.util, json, re, resource, sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from etl.extract import extract
from etl.resolve.geo import load_world_universities
from etl.resolve.reference import Reference, load_reference
from etl.sources.base import SourceDocument
from etl.sources.files import read_path
spec = importlib.util.spec_from_file_location("bench_extract", Path({root!r}) / "bench" / "extract.py")
be = importlib.util.module_from_spec(spec); spec.loader.exec_module(be)
root = Path({root!r})
base = [read_path(p) for p in sorted((root / "tests" / "corpus" / "docs").glob("*.txt"))]
base = [d for d in base if d.lang == "en"]
docs, i = [], 0
while len(docs) < {n}:
    docs += [SourceDocument(uri=f"{{d.uri}}#{{i}}", text=be._vary(d.text, i), lang=d.lang, title=d.title,
                            published=d.published) for d in base]
    i += 1
docs = docs[:{n}]
full = load_reference(root / "data" / "reference")
nopart = Reference(full.home_name, full.home_zh, full.home_aliases, full.units, [], full.non_partners)
load_world_universities()  # the registry, as the first document needing it would load it
out = {{}}
for label, ref in (("with_partners_csv", full), ("without_partners_csv", nopart)):
    extract(docs[0], ref)
    t = time.process_time()
    via = partners = 0
    for d in docs:
        for m in extract(d, ref).mentions:
            if m.type == "partner":
                partners += 1
                via += "organisation registry" in m.method
    dt = time.process_time() - t
    out[label] = {{"english_docs": len(docs), "english_docs_per_s": round(len(docs) / dt, 1),
                   "partners": partners, "partner_countries_from_registry": via}}
out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
print(json.dumps(out))
"""


def _extract(cache_dir: str, n: int = 2000) -> dict:
    env = dict(os.environ, INTL_CACHE_DIR=cache_dir)
    res = subprocess.run([sys.executable, "-c", _EXTRACT.format(root=str(ROOT), n=n)], env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def _run(cache_dir: str, lookups: bool) -> dict:
    env = dict(os.environ, INTL_CACHE_DIR=cache_dir)
    code = _CHILD.format(root=str(ROOT), lookups=lookups)
    res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> dict:
    from etl.resolve.registry import REGISTRY_FILE

    table = ROOT / "data" / "reference" / REGISTRY_FILE
    with tempfile.TemporaryDirectory() as tmp:
        cache = str(Path(tmp) / "cache")
        cold = _run(cache, lookups=False)
        warm = _run(cache, lookups=True)
        cache_bytes = sum(p.stat().st_size for p in Path(cache).glob("*.bin"))
        extractor = _extract(cache)
        blocker = Path(tmp) / "not-a-folder"
        blocker.write_text("")  # a cache "folder" that is a file: nothing can be written
        in_memory = _run(str(blocker / "cache"), lookups=False)
    result = {
        "table": str(table.relative_to(ROOT)),
        "table_bytes": table.stat().st_size,
        "cache_file_bytes": cache_bytes,
        "records": warm["stats"]["records"],
        "names": warm["iter_names"]["names"],
        "zh_names": warm["zh_names"],
        "acronyms": warm["acronyms"],
        "index_keys": warm["stats"]["index_keys"],
        "cold": {k: cold[k] for k in ("load_seconds", "rss_before_mb", "rss_after_mb", "rss_added_mb", "peak_rss_mb")},
        "warm": {k: warm[k] for k in ("load_seconds", "rss_before_mb", "rss_after_mb", "rss_added_mb",
                                      "rss_after_lookups_mb", "peak_rss_mb")},
        "in_memory": {k: in_memory[k] for k in ("load_seconds", "rss_before_mb", "rss_after_mb", "rss_added_mb",
                                                "peak_rss_mb")},
        "lookups_warm": warm["lookups"],
        "iter_names_seconds": warm["iter_names"]["seconds"],
        "extractor_with_registry": extractor,
        "python": sys.version.split()[0],
        "note": "each case in a fresh process; wall-clock times on a shared 2-core VM (they vary up to 2x between "
                "runs); cold = index built from the .tsv.gz and written to the cache folder, warm = cache file "
                "memory-mapped, in_memory = no writable cache folder; extractor_with_registry: CPU time of one process",
    }
    out = ROOT / "bench" / "results" / "registry.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
