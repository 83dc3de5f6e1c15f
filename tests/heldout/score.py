"""Score the extractor on the held-out articles (tests/heldout) in four set-ups.

    .venv/bin/python tests/heldout/score.py [--mode default|nohome|empty|minimal|all] [--misses] [--json OUT]

The articles are other universities' news, so the set-ups are how the extractor meets them:
- ``default``: the project's own reference folder (data/reference, whose home is BISTU) — the
  extractor has to see that the news is another university's;
- ``nohome``: the partner registry and non-partner list, but no home institution;
- ``empty``: no reference data at all (an empty folder);
- ``minimal``: the registry plus a short home list written for each university
  (tests/heldout/reference/<key>/home_units.json, chosen by the gold line's ``home_key``).

Scored with the corpus scorer (tests/tools/score_extraction.py) and tests/heldout/aliases.json;
counts are scored as (what, value) pairs per document, and the home institution as exact name.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HELD = ROOT / "tests" / "heldout"
sys.path.insert(0, str(ROOT))

from etl.extract import extract  # noqa: E402
from etl.resolve.reference import Reference, _load, load_reference  # noqa: E402
from etl.sources.files import read_path  # noqa: E402

MODES = ("default", "nohome", "empty", "minimal")


def scorer():
    spec = importlib.util.spec_from_file_location("score_extraction", ROOT / "tests" / "tools" / "score_extraction.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


SC = scorer()


def gold(base: Path = HELD) -> dict[str, dict]:
    return SC.load(str(base / "gold.jsonl"))


def canon(base: Path = HELD) -> dict[str, str]:
    return SC.alias_map(str(base / "aliases.json"))


def reference(mode: str, home_key: str | None = None, base: Path = HELD) -> Reference:
    full = load_reference(ROOT / "data" / "reference")
    if mode == "default":
        return full
    if mode == "empty":
        return Reference()
    if mode == "nohome":
        return Reference(None, None, [], [], full.partners, full.non_partners)
    own = _load(str((base / "reference" / home_key).resolve()))
    return Reference(own.home_name, own.home_zh, own.home_aliases, own.units, full.partners, full.non_partners)


def predict(mode: str, golds: dict[str, dict] | None = None, base: Path = HELD) -> dict[str, dict]:
    golds = golds or gold(base)
    out = {}
    for name, g in sorted(golds.items()):
        rec = extract(read_path(base / "docs" / name), reference(mode, g.get("home_key"), base)).record()
        rec["doc"] = name
        out[name] = rec
    return out


def count_score(golds: dict[str, dict], preds: dict[str, dict]) -> dict:
    tp = fp = fn = 0
    for doc, g in golds.items():
        gs = Counter((c["what"], int(c["value"])) for c in g.get("counts") or [])
        ps = Counter((c["what"], int(c["value"])) for c in preds.get(doc, {}).get("counts") or [])
        tp += sum((gs & ps).values())
        fp += sum((ps - gs).values())
        fn += sum((gs - ps).values())
    p, r, f = SC.prf(tp, fp, fn)
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "fp": fp, "fn": fn}


def home_accuracy(golds, preds) -> float:
    ok = sum(SC.norm(preds.get(d, {}).get("home") or "") == SC.norm(g["home"]) for d, g in golds.items())
    return ok / len(golds) if golds else 1.0


def unit_names_zh(golds: dict[str, dict], preds: dict[str, dict], base: Path = HELD) -> dict[str, dict]:
    """Chinese news of a university whose list is not configured names its units as written (外国语学院); the gold
    lines give each unit's English name. A unit's Chinese name in the university's own list
    (reference/<home_key>/home_units.json) is the same unit: predictions are scored under the English name."""
    out = {}
    for doc, p in preds.items():
        g = golds.get(doc) or {}
        key = g.get("home_key")
        path = base / "reference" / str(key) / "home_units.json" if key else None
        if g.get("lang") != "zh" or path is None or not path.exists():
            out[doc] = p
            continue
        units = json.loads(path.read_text(encoding="utf-8"))
        zh = {}
        for u in units.get("schools", []) + units.get("offices", []):
            for form in [u.get("zh"), *u.get("aliases", [])]:
                if form and any("\u4e00" <= c <= "\u9fff" for c in form):
                    zh[form] = u["name"]
        p = dict(p)
        for field in ("schools", "offices"):
            p[field] = [zh.get(n, n) for n in p.get(field) or []]
        out[doc] = p
    return out


def score(mode: str, preds: dict[str, dict] | None = None, base: Path = HELD) -> dict:
    """{lang: scorer result + counts + home accuracy} for lang in en, zh, all."""
    golds, cm = gold(base), canon(base)
    preds = unit_names_zh(golds, preds or predict(mode, golds, base), base)
    out = {}
    for lang in ("en", "zh", "all"):
        g = {k: v for k, v in golds.items() if lang == "all" or v["lang"] == lang}
        res, misses = SC.score(g, preds, cm)
        res["counts"] = count_score(g, preds)
        res["home_accuracy"] = home_accuracy(g, preds)
        res["misses"] = dict(misses)
        out[lang] = res
    return out


def table(results: dict[str, dict]) -> str:
    rows = ["mode     lang  overall schools offices partners activities people counts country published event event_yr home"]
    for mode, by_lang in results.items():
        for lang, r in by_lang.items():
            f = r["fields"]
            d = r["dates"]
            rows.append(f"{mode:8s} {lang:4s}  {r['overall_f1']:.3f}   {f['schools']['f1']:.3f}   {f['offices']['f1']:.3f}   "
                        f"{f['partners']['f1']:.3f}    {f['activities']['f1']:.3f}     {f['people']['f1']:.3f}  "
                        f"{r['counts']['f1']:.3f}  {(r['partner_country_accuracy'] or 0):.3f}   "
                        f"{d['published']['accuracy']:.3f}     {d['event_date']['accuracy']:.3f} {d['event_year']['accuracy']:.3f}"
                        f"    {r['home_accuracy']:.3f}")
    return "\n".join(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mode", default="all", choices=(*MODES, "all"))
    ap.add_argument("--misses", action="store_true")
    ap.add_argument("--lang", default=None)
    ap.add_argument("--json", help="write the results (without misses) to this file")
    ap.add_argument("--set", default="main", choices=("main", "fresh"),
                    help="main: the 33 articles the rules were fixed against; fresh: 12 articles written after")
    a = ap.parse_args()
    base = HELD if a.set == "main" else HELD / "fresh"
    modes = MODES if a.mode == "all" else (a.mode,)
    results = {m: score(m, base=base) for m in modes}
    print(table(results))
    if a.misses:
        for m, by_lang in results.items():
            for field, rows in by_lang["all"]["misses"].items():
                for r in rows:
                    if a.lang is None or f"{a.lang}-" in r:
                        print(f"[{m}] [{field}] {r}")
    if a.json:
        slim = {m: {lang: {k: v for k, v in r.items() if k != "misses"} for lang, r in bl.items()} for m, bl in results.items()}
        Path(a.json).write_text(json.dumps(slim, indent=1))


if __name__ == "__main__":
    main()
