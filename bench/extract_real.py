"""The extractor on real news pages: ``../shared/realnews`` (87 pages of 60 universities, labelled
by readers who never saw the extractor's output), per language, per split and per field.

The pages are third parties' text and are never in the repository: their texts are rebuilt
into a git-ignored folder (default ``bench/.cache/realnews/<id>.txt``, see the set's README).
Pages whose text is missing are skipped with a message (a length other than the index's
``chars`` is a warning, or a skip with ``--strict-length``); with none at all the benchmark
says so and exits without a result.

Scored with the set's scorer (``../shared/tools/score_extraction.py``, else the copy in
``tests/tools``): per language (en, zh) and split (dev, check): overall F1 (mean of schools,
partners and activities), P/R/F1 of partners, schools, offices, activities and people,
partner-country accuracy, event year, event date and published accuracy; documents a
second (CPU time of the extractor alone). Writes ``bench/results/extract_real.json``
(only when every split is scored, unless ``--out`` says where).

    python bench/extract_real.py [--split dev|check|all] [--lang en|zh] [--misses]
        [--texts DIR] [--realnews DIR] [--scorer FILE] [--reference DIR|none] [--out FILE]
    python bench/extract_real.py --set fresh [--fresh DIR] [--lang en|zh] [--misses] [--out FILE]

``--set fresh`` scores a blind set found and labelled apart from realnews (default ``bench/.cache/fresh``:
``<id>.txt`` texts, ``gold.jsonl``, ``aliases.json``, all git-ignored), skipped with a message where it is missing.

``--misses`` lists the missed and spurious items of the ``dev`` split only: ``check`` is scored,
never studied.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from etl.extract import extract  # noqa: E402
from etl.resolve.reference import empty_reference, load_reference  # noqa: E402
from etl.sources.files import read_path  # noqa: E402

# ../shared relative to the repository; in a git worktree one level further up
_SHARED = [ROOT.parent / "shared", ROOT.parent.parent / "shared"]


def _default(sub: str) -> Path:
    env = os.environ.get("INTL_SHARED_DIR")
    for base in ([Path(env)] if env else []) + _SHARED:
        if (base / sub).exists():
            return base / sub
    return _SHARED[0] / sub


def _scorer(path: Path | None):
    cands = [path] if path else [_default("tools/score_extraction.py"), ROOT / "tests" / "tools" / "score_extraction.py"]
    for p in cands:
        if p and p.exists():
            spec = importlib.util.spec_from_file_location("score_extraction", p)
            mod = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(mod)
            return mod, p
    return None, None


def _figures(result: dict) -> dict:
    f = result["fields"]
    d = result["dates"]

    def acc(k):
        v = d.get(k, {})
        return None if v.get("accuracy") is None else round(v["accuracy"], 3)

    out = {"documents": result["documents"], "overall_f1": round(result["overall_f1"], 3)}
    for k in ("partners", "schools", "offices", "activities", "people"):
        out[k] = {"p": round(f[k]["precision"], 3), "r": round(f[k]["recall"], 3), "f1": round(f[k]["f1"], 3),
                  "tp": f[k]["tp"], "fp": f[k]["fp"], "fn": f[k]["fn"]}
    pca = result["partner_country_accuracy"]
    out["partner_country"] = None if pca is None else round(pca, 3)
    out["event_year"] = acc("event_year")
    out["event_date"] = acc("event_date")
    out["published"] = acc("published")
    out["dates_n"] = {k: v["n"] for k, v in d.items()}
    return out


def _line(name: str, r: dict) -> str:
    def f1(k):
        return f"{r[k]['f1']:.3f}"

    def a(k):
        return "  n/a" if r[k] is None else f"{r[k]:.3f}"

    return (f"{name:9s} docs {r['documents']:3d}  overall {r['overall_f1']:.3f}  partners {f1('partners')}  "
            f"schools {f1('schools')}  activities {f1('activities')}  country {a('partner_country')}  "
            f"year {a('event_year')}  date {a('event_date')}  published {a('published')}")


def main(argv: list[str] | None = None) -> dict | None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--texts", type=Path, default=ROOT / "bench" / ".cache" / "realnews")
    ap.add_argument("--realnews", type=Path, default=None, help="folder of index.jsonl, gold.jsonl, aliases.json")
    ap.add_argument("--scorer", type=Path, default=None)
    ap.add_argument("--reference", default=None, help="reference folder, or 'none' for no lists at all")
    ap.add_argument("--split", choices=("dev", "check", "all"), default="all")
    ap.add_argument("--lang", choices=("en", "zh"), default=None)
    ap.add_argument("--misses", action="store_true", help="list misses of the dev split")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--strict-length", action="store_true", help="skip texts whose length differs from the index")
    ap.add_argument("--set", choices=("realnews", "fresh"), default="realnews",
                    help="fresh: a blind set of other pages with its own gold.jsonl and aliases.json in --fresh DIR")
    ap.add_argument("--fresh", type=Path, default=ROOT / "bench" / ".cache" / "fresh")
    a = ap.parse_args(argv)
    if a.set == "fresh":
        return _fresh(a)

    rn = a.realnews or _default("realnews")
    index_path, gold_path, aliases_path = rn / "index.jsonl", rn / "gold.jsonl", rn / "aliases.json"
    if not index_path.exists() or not gold_path.exists():
        print(f"skipped: no labelled set at {rn} (index.jsonl, gold.jsonl); pass --realnews DIR")
        return None
    sc, scorer_path = _scorer(a.scorer)
    if sc is None:
        print("skipped: no scorer (score_extraction.py) found; pass --scorer FILE")
        return None
    index = [json.loads(x) for x in index_path.read_text(encoding="utf-8").splitlines() if x.strip()]
    splits = ("dev", "check") if a.split == "all" else (a.split,)
    langs = (a.lang,) if a.lang else ("en", "zh")
    files, skipped, warnings = [], [], []
    for row in index:
        if row.get("split") not in splits or row["id"].split("-")[1] not in langs:
            continue
        p = a.texts / f"{row['id']}.txt"
        if not p.exists():
            skipped.append(f"{row['id']}: no text at {p}")
            continue
        n = len(p.read_text(encoding="utf-8"))
        if row.get("chars") and n != row["chars"]:
            warnings.append(f"{row['id']}: {n} characters, the index says {row['chars']}")
            if a.strict_length:
                skipped.append(f"{row['id']}: length differs from the index (rebuild it)")
                continue
        files.append((row, p))
    for s in warnings:
        print(f"warning: {s}")
    for s in skipped:
        print(f"skipped {s}")
    if not files:
        print(f"skipped: none of the pages' texts is in {a.texts}; rebuild them as {rn / 'README.md'} says")
        return None

    if a.reference == "none":
        ref = empty_reference()
    else:
        ref = load_reference(Path(a.reference) if a.reference else ROOT / "data" / "reference")
    docs = [(row, read_path(p)) for row, p in files]
    for lang in ("en", "zh"):  # warm up: reference, gazetteer, registry, compiled patterns (per language)
        first = next((d for row, d in docs if row["id"].split("-")[1] == lang), None)
        if first is not None:
            extract(first, ref)
    pred: dict[str, dict] = {}
    cpu = {"en": 0.0, "zh": 0.0}
    for row, doc in docs:
        t = time.process_time()
        rec = extract(doc, ref).record()
        cpu[row["id"].split("-")[1]] += time.process_time() - t
        rec["doc"] = f"{row['id']}.txt"
        pred[rec["doc"]] = rec

    gold_all = sc.load(str(gold_path))
    canon = sc.alias_map(str(aliases_path) if aliases_path.exists() else None)
    result: dict = {"texts": len(files), "skipped": skipped, "warnings": warnings, "splits": {}}
    for split in splits:
        ids = {f"{row['id']}.txt" for row, _ in files if row["split"] == split}
        for lang in langs:
            gold = {k: v for k, v in gold_all.items() if k in ids and v.get("lang") == lang}
            if not gold:
                continue
            r, misses = sc.score(gold, pred, canon)
            fig = _figures(r)
            result["splits"].setdefault(split, {})[lang] = fig
            print(_line(f"{split}/{lang}", fig))
            if a.misses and split == "dev":
                for field, rows in misses.items():
                    for m in rows:
                        print(f"   [{field}] {m}")
    for lang in langs:
        n = sum(1 for row, _ in files if row["id"].split("-")[1] == lang)
        if n and cpu[lang] > 0:
            result.setdefault("docs_per_s", {})[lang] = round(n / cpu[lang], 1)
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["reference"] = a.reference or "data/reference"
    result["scorer"] = str(scorer_path)
    result["note"] = ("real pages of ../shared/realnews; study dev only, score check rarely; docs_per_s is the "
                      "extractor's CPU time alone (time.process_time) on one core")
    print(f"documents a second: {result.get('docs_per_s')}  peak RSS {result['peak_rss_mb']} MB")
    out = a.out or (ROOT / "bench" / "results" / "extract_real.json" if a.split == "all" and not a.lang else None)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"written: {out}")
    return result


def _fresh(a) -> dict | None:
    """Score the fresh set: pages found and labelled apart from ``../shared/realnews`` (never committed: texts,
    ``gold.jsonl`` and ``aliases.json`` live in the git-ignored folder ``--fresh``). Each gold line's ``doc`` is a
    text file of that folder. Prints per-language figures (and misses with ``--misses``); writes a result only
    with ``--out``."""
    d = a.fresh
    gold_path, aliases_path = d / "gold.jsonl", d / "aliases.json"
    if not gold_path.exists():
        print(f"skipped: no fresh set at {d} (gold.jsonl and the pages' texts)")
        return None
    sc, scorer_path = _scorer(a.scorer)
    if sc is None:
        print("skipped: no scorer (score_extraction.py) found; pass --scorer FILE")
        return None
    gold_all = sc.load(str(gold_path))
    langs = (a.lang,) if a.lang else ("en", "zh")
    ref = empty_reference() if a.reference == "none" else \
        load_reference(Path(a.reference) if a.reference else ROOT / "data" / "reference")
    pred: dict[str, dict] = {}
    skipped: list[str] = []
    cpu = {"en": 0.0, "zh": 0.0}
    n = {"en": 0, "zh": 0}
    for key, g in sorted(gold_all.items()):
        p = d / key
        if not p.exists():
            skipped.append(f"{key}: no text at {p}")
            continue
        doc = read_path(p)
        t = time.process_time()
        rec = extract(doc, ref).record()
        lang = g.get("lang", "en")
        if lang in cpu:
            cpu[lang] += time.process_time() - t
            n[lang] += 1
        rec["doc"] = key
        pred[key] = rec
    for s_ in skipped:
        print(f"skipped {s_}")
    if not pred:
        print(f"skipped: none of the fresh set's texts is in {d}")
        return None
    canon = sc.alias_map(str(aliases_path) if aliases_path.exists() else None)
    result: dict = {"set": "fresh", "texts": len(pred), "skipped": skipped, "langs": {}}
    for lang in langs:
        gold = {k: v for k, v in gold_all.items() if k in pred and v.get("lang") == lang}
        if not gold:
            continue
        r, misses = sc.score(gold, pred, canon)
        fig = _figures(r)
        result["langs"][lang] = fig
        print(_line(f"fresh/{lang}", fig))
        if a.misses:
            for field, rows in misses.items():
                for m in rows:
                    print(f"   [{field}] {m}")
    result["docs_per_s"] = {k: round(n[k] / cpu[k], 1) for k in cpu if n[k] and cpu[k] > 0}
    result["scorer"] = str(scorer_path)
    if a.out:
        a.out.parent.mkdir(parents=True, exist_ok=True)
        a.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"written: {a.out}")
    return result


if __name__ == "__main__":
    main()
