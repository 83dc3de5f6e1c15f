"""Train and judge the partner model (``etl/extract/partner_model.py``) on the ``dev`` pages only.

Every organisation the rules accept as a partner on an English ``dev`` page is a candidate, described by the
model's features (numbers, no text) and labelled positive when it is one of the page's gold partners (the
scorer's normalisation and aliases). A logistic regression (L2, standardised features, numpy) is judged by
**leave-one-university-out cross-validation** (a fold holds out every page of one site): on the same folds,
the rules alone against the rules with the model dropping candidates below the threshold, partners P/R/F1 and
overall F1 (mean of schools, partners, activities) with the set's scorer. The L2 strength (of CS) and the
threshold of each fold are chosen inside its training pages (an inner leave-one-university-out), so no fold sees
its own pages' labels; ``--variants`` adds runs with C fixed, for comparison.

Sets (``--sets``): ``realnews:en|zh`` (``../shared/realnews``, texts in ``/work/cache/realnews`` or
``bench/.cache/realnews``), ``realnews2:en|zh`` (``bench/realnews2``), ``corpus:en|zh`` (``tests/corpus``); only
their ``dev`` pages are trained on. Writes ``bench/results/partner_model_cv.json``; ``--write FILE`` the model
fitted on every dev page; ``--check`` scores the ``check`` pages once (rules alone, and with that model) without
training on them. ``--guard role,short_form,mission --guard-kinds company,government,other`` leaves the candidates
the rules tie precisely to the rules (they train the model but are never judged nor dropped: the shipped model);
``--extra cases,heldout`` adds the English cases of ``tests/cases`` and pages of ``tests/heldout`` as training-only
examples (then those tests no longer judge the model held out).

    python bench/train_partner_model.py [--variants] [--check] [--write FILE] [--train-on all|accepted]
        [--guard G,..] [--guard-kinds K,..] [--extra cases,heldout]

Needs numpy (a dependency of the project); the extractor reads the model in plain Python.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import extract_real  # noqa: E402
from etl.extract import partner_model as pm  # noqa: E402
from etl.extract.engine import extract  # noqa: E402
from etl.resolve.reference import load_reference  # noqa: E402
from etl.sources.files import read_path  # noqa: E402

C = 1.0  # inverse L2 strength, when not chosen by the inner cross-validation
CS = (0.1, 1.0)  # the inverse L2 strengths the inner cross-validation chooses from (ties: the first)
THRESHOLDS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6)
SETS = "realnews:en,realnews2:en,corpus:en,realnews:zh,realnews2:zh,corpus:zh"
TRAIN_ON = "all"  # the candidates a fold learns from: "all" (accepted and set aside by the rules) or "accepted"


def _sets(names: list[str], split: str) -> list[dict]:
    """Each set (``realnews:en``, ``realnews2:zh``, ``corpus:en`` …): its pages (id, group, text path), gold and
    alias map."""
    out = []
    sc, _ = extract_real._scorer(None)
    for name in names:
        base, _, lang = name.partition(":")
        lang = lang or "en"
        if base == "realnews":
            d, texts = extract_real._default("realnews"), Path("/work/cache/realnews")
            alt = ROOT / "bench" / ".cache" / "realnews"
        elif base == "realnews2":
            d, texts = ROOT / "bench" / "realnews2" / lang, Path(f"/work/cache/realnews2/{lang}")
            alt = ROOT / "bench" / ".cache" / "realnews2" / lang
        elif base == "corpus":
            d = ROOT / "tests" / "corpus"
            texts = alt = d / "docs"
        else:
            raise SystemExit(f"unknown set {name}")
        if not texts.exists() and alt.exists():
            texts = alt
        pages = []
        if base == "corpus":
            if split != "dev":
                continue
            for line in (d / "gold.jsonl").read_text(encoding="utf-8").splitlines():
                g = json.loads(line)
                p = texts / g["doc"]
                if g.get("lang") == lang and "/" not in g["doc"] and p.exists():
                    pages.append({"id": g["doc"][:-4], "group": "corpus:" + (g.get("home") or "?"), "path": p})
        else:
            for line in (d / "index.jsonl").read_text(encoding="utf-8").splitlines():
                row = json.loads(line)
                if row.get("split") != split or row["id"].split("-")[1] != lang:
                    continue
                p = texts / f"{row['id']}.txt"
                if not p.exists():
                    print(f"skipped {row['id']}: no text at {p}")
                    continue
                host = urlparse(row["url"]).netloc.lower().removeprefix("www.")
                pages.append({"id": row["id"], "group": host, "path": p})
        gold = sc.load(str(d / "gold.jsonl"))
        canon = sc.alias_map(str(d / "aliases.json") if (d / "aliases.json").exists() else None)
        out.append({"name": name, "lang": lang, "pages": pages, "gold": gold, "canon": canon, "sc": sc})
    return out


def collect(sets: list[dict]) -> tuple[list[dict], dict]:
    """Extract every page with the rules alone: its record and its candidates (features, label)."""
    ref = load_reference(ROOT / "data" / "reference")
    cands, records = [], {}
    try:
        for s in sets:
            sc = s["sc"]
            for page in s["pages"]:
                pm.COLLECT, pm.GUARDS = [], []
                rec = extract(read_path(page["path"]), ref).record()
                doc = f"{page['id']}.txt"
                rec["doc"] = doc
                records[(s["name"], doc)] = rec
                g = s["gold"].get(doc, {})
                gold_names = sc.names(g, "partners", s["canon"])
                for (_, name, x, status), (kind, guards) in zip(pm.COLLECT, pm.GUARDS):
                    n = sc.norm(name)
                    cands.append({"set": s["name"], "lang": s["lang"], "doc": doc, "group": page["group"], "name": name,
                                  "x": x, "y": int(s["canon"].get(n, n) in gold_names), "status": status,
                                  "kind": kind, "guards": guards})
    finally:
        pm.COLLECT = pm.GUARDS = None
    return cands, records


def collect_extra(which: list[str]) -> list[dict]:
    """Training-only candidates from the project's own written tests (variant 1): the English cases of
    ``tests/cases`` (labelled by their expectations: ``partners`` positive, ``partners_absent`` negative, other
    candidates left out) and the English pages of ``tests/heldout`` (its gold, the ``minimal`` set-up). They never
    form a fold and never choose a threshold; once trained on, those tests no longer judge the model held out."""
    from etl.resolve.reference import norm
    from etl.sources.base import SourceDocument
    out: list[dict] = []
    pm.COLLECT, pm.GUARDS = [], []
    try:
        if "cases" in which:
            sys.path.insert(0, str(ROOT / "tests"))
            from test_extract_cases import CASES, _ref
            refs: dict = {}
            for c in CASES:
                if c.get("lang", "en") != "en" or c.get("xfail"):
                    continue
                exp = c["expect"]
                pos = {norm(n) for n in exp.get("partners", [])}
                neg = {norm(n) for n in exp.get("partners_absent", [])}
                if not pos and not neg:
                    continue
                kind = c.get("ref", "default")
                ref = refs.setdefault(kind, _ref(kind))
                pm.COLLECT, pm.GUARDS = [], []
                text = c["text"]
                extract(SourceDocument(uri=f"case:{c['id']}", text=text, lang="en", title=text.splitlines()[0]), ref)
                for (_, name, x, status), (k, guards) in zip(pm.COLLECT, pm.GUARDS):
                    n = norm(name)
                    if n in pos or n in neg:
                        out.append({"set": "extra:cases", "lang": "en", "doc": c["id"], "group": "extra:" + c["id"],
                                    "name": name, "x": x, "y": int(n in pos), "status": status, "kind": k,
                                    "guards": guards})
        if "heldout" in which:
            spec = importlib.util.spec_from_file_location("heldout_score", ROOT / "tests" / "heldout" / "score.py")
            hs = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(hs)
            sc, golds, canon = hs.scorer(), hs.gold(), hs.canon()
            for name, g in sorted(golds.items()):
                if g.get("lang") != "en":
                    continue
                pm.COLLECT, pm.GUARDS = [], []
                extract(read_path(ROOT / "tests" / "heldout" / "docs" / name), hs.reference("minimal", g.get("home_key")))
                gold_names = sc.names(g, "partners", canon)
                for (_, nm, x, status), (k, guards) in zip(pm.COLLECT, pm.GUARDS):
                    n = sc.norm(nm)
                    out.append({"set": "extra:heldout", "lang": "en", "doc": name, "group": "extra:heldout:" + name,
                                "name": nm, "x": x, "y": int(canon.get(n, n) in gold_names), "status": status,
                                "kind": k, "guards": guards})
    finally:
        pm.COLLECT = pm.GUARDS = None
    return out


def fit(X: np.ndarray, y: np.ndarray, c: float | None = None) -> dict:
    """L2 logistic regression by Newton's method on standardised features (the bias column is the intercept)."""
    c = C if c is None else c
    mu = X.mean(axis=0)
    sd = X.std(axis=0)
    mu[0], sd[0] = 0.0, 1.0
    sd[sd < 1e-9] = 1.0
    Z = (X - mu) / sd
    Z[:, 0] = 1.0
    w = np.zeros(X.shape[1])
    reg = np.full(X.shape[1], 1.0 / c)
    reg[0] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(Z @ w)))
        g = Z.T @ (p - y) + reg * w
        H = (Z * (p * (1 - p))[:, None]).T @ Z + np.diag(reg) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(H, g)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return {"features": list(pm.FEATURES), "mean": [0.0] + mu[1:].tolist(), "scale": [1.0] + sd[1:].tolist(),
            "intercept": float(w[0]), "weights": [0.0] + w[1:].tolist()}


def predict(model: dict, X: np.ndarray) -> np.ndarray:
    return np.array([pm.probability(list(map(float, x)), model) for x in X])


def _drop(records: dict, cands: list[dict], probs: dict[int, float], thr: float) -> dict:
    """The records with the candidates under ``thr`` taken out of the partners."""
    gone: dict[tuple, set[str]] = {}
    for i, c in enumerate(cands):
        if i in probs and probs[i] < thr:
            gone.setdefault((c["set"], c["doc"]), set()).add(c["name"])
    out = {}
    for k, rec in records.items():
        if k in gone:
            rec = {**rec, "partners": [p for p in rec["partners"] if p["name"] not in gone[k]]}
        out[k] = rec
    return out


def _prf(t) -> tuple[float, float, float]:
    p = t[0] / (t[0] + t[1]) if t[0] + t[1] else 1.0
    r = t[0] / (t[0] + t[2]) if t[0] + t[2] else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _score(sets: list[dict], records: dict) -> dict:
    """Partners P/R/F1 and overall F1 per set and over each language's pages (``all:en``, ``all:zh``: micro over
    pages, each set scored with its own aliases)."""
    res = {}
    tot: dict[str, dict[str, np.ndarray]] = {}
    for s in sets:
        keys = [k for k in records if k[0] == s["name"]]
        if not keys:
            continue
        gold = {k[1]: s["gold"][k[1]] for k in keys if k[1] in s["gold"]}
        pred = {k[1]: records[k] for k in keys}
        r, _ = s["sc"].score(gold, pred, s["canon"])
        f = r["fields"]["partners"]
        res[s["name"]] = {"documents": r["documents"], "overall_f1": round(r["overall_f1"], 4),
                          "partners": {"p": round(f["precision"], 4), "r": round(f["recall"], 4),
                                       "f1": round(f["f1"], 4), "tp": f["tp"], "fp": f["fp"], "fn": f["fn"]}}
        t = tot.setdefault(s["lang"], {k: np.zeros(3) for k in ("schools", "partners", "activities")})
        for fld in t:
            ff = r["fields"][fld]
            t[fld] += (ff["tp"], ff["fp"], ff["fn"])
    for lang, t in tot.items():
        p, r, f1 = _prf(t["partners"])
        res[f"all:{lang}"] = {"partners": {"p": round(p, 4), "r": round(r, 4), "f1": round(f1, 4),
                                           "tp": int(t["partners"][0]), "fp": int(t["partners"][1]),
                                           "fn": int(t["partners"][2])},
                              "overall_f1": round(sum(_prf(t[k])[2] for k in t) / 3, 4)}
    return res


def _choose(X, y, groups, target) -> tuple[float, float]:
    """(C, threshold) with the best F1 of the target candidates (accepted by the rules, of a language the model
    checks) kept, over an inner leave-one-group-out (ties: the first C of CS, the lowest threshold)."""
    best = (CS[0], THRESHOLDS[0], -1.0)
    for c in CS:
        t, f = _choose_threshold(X, y, groups, target, c)
        if f > best[2] + 1e-12:
            best = (c, t, f)
    return best[0], best[1]


def _choose_threshold(X, y, groups, target, c: float | None = None) -> tuple[float, float]:
    """The threshold with the best F1 of the target candidates kept over an inner leave-one-group-out with
    C ``c`` (ties: the lowest), and that F1."""
    probs = np.ones(len(y))
    for g in sorted(set(groups[target])):
        te = (groups == g) & target
        tr = groups != g
        if y[tr].min() == y[tr].max():
            continue
        probs[te] = predict(fit(X[tr], y[tr], c), X[te])
    best, best_f = THRESHOLDS[0], -1.0
    for t in THRESHOLDS:
        keep = (probs >= t) & target
        tp = int((keep & (y == 1)).sum())
        fp = int((keep & (y == 0)).sum())
        fn = int(((~keep) & target & (y == 1)).sum())
        f = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        if f > best_f + 1e-12:
            best, best_f = t, f
    return best, best_f


GUARD: tuple = ()  # the guards (pm.GUARD_NAMES) the model leaves to the rules (variant 2)
GUARD_KINDS: tuple = ()  # the kinds the model leaves to the rules (variant 2)


def _judged(c: dict) -> bool:
    """Whether the model judges candidate ``c`` (no guard of GUARD, no kind of GUARD_KINDS; pm.guarded's rule)."""
    return c.get("kind") not in GUARD_KINDS and not any(g in GUARD for g in c.get("guards", ()))


def _arrays(cands, train_on: str, apply: set[str]):
    X = np.array([c["x"] for c in cands], dtype=float)
    y = np.array([c["y"] for c in cands], dtype=float)
    groups = np.array([c["group"] for c in cands])
    accepted = np.array([c["status"] == "partner" for c in cands])
    # the candidates the model judges: accepted by the rules, unguarded, of a dev page (extra ones only train)
    target = accepted & np.array([c["lang"] in apply and _judged(c) and not c["set"].startswith("extra:")
                                  for c in cands])
    usable = accepted if train_on == "accepted" else np.ones(len(y), dtype=bool)
    return X, y, groups, accepted, target, usable


def cross_validate(sets, cands, records, train_on: str = TRAIN_ON, apply: set[str] = frozenset({"en"}),
                   select_c: bool = True) -> dict:
    """Each fold holds out one site: fit on the other sites' candidates (the rules' accepted ones, or all with
    ``train_on`` "all"), drop the held-out site's accepted candidates (of the languages in ``apply``) under the
    threshold chosen inside the training pages (and C among CS there too, with ``select_c``; else the global C)."""
    X, y, groups, accepted, target, usable = _arrays(cands, train_on, apply)
    probs: dict[int, float] = {}
    thr_of: dict[int, float] = {}
    chosen, chosen_c = [], []
    for g in sorted(set(groups[target])):
        te = (groups == g) & target
        tr = (groups != g) & usable
        if select_c:
            c, thr = _choose(X[tr], y[tr], groups[tr], target[tr])
        else:
            c = C
            thr = _choose_threshold(X[tr], y[tr], groups[tr], target[tr], c)[0]
        model = fit(X[tr], y[tr], c)
        chosen.append(thr)
        chosen_c.append(c)
        for i, p in zip(np.flatnonzero(te), predict(model, X[te])):
            probs[int(i)] = float(p)
            thr_of[int(i)] = thr
    # drop each candidate by its own fold's threshold
    gone = {i: 0.0 for i in probs if probs[i] < thr_of[i]}
    with_model = _drop(records, cands, gone, 0.5)
    fixed = {str(t): {k: v for k, v in _score(sets, _drop(records, cands, probs, t)).items() if k.startswith("all")}
             for t in THRESHOLDS}
    return {"train_on": train_on, "apply": sorted(apply), "rules": _score(sets, records),
            "rules_model": _score(sets, with_model),
            "fixed_thresholds": fixed, "thresholds_chosen": {str(t): chosen.count(t) for t in THRESHOLDS},
            "c_chosen": {str(c): chosen_c.count(c) for c in sorted(set(chosen_c))},
            "folds": len(chosen), "candidates": int(usable.sum()), "positives": int(y[usable].sum()),
            "accepted": int(accepted.sum()), "accepted_positive": int(y[accepted].sum()),
            "set_aside": int((~accepted).sum()), "set_aside_positive": int(y[~accepted].sum()),
            "checked": int(target.sum()), "checked_negative": int((target & (y == 0)).sum()),
            "dropped": [{"set": cands[i]["set"], "doc": cands[i]["doc"], "label": int(cands[i]["y"]),
                         "p": round(probs[i], 3)} for i in sorted(gone)]}


def _final(cands, train_on: str, apply: set[str]) -> dict:
    """The model fitted on every dev candidate, its threshold chosen by leave-one-university-out."""
    X, y, groups, _, target, use = _arrays(cands, train_on, apply)
    X, y, groups, target = X[use], y[use], groups[use], target[use]
    c, thr = _choose(X, y, groups, target)
    model = fit(X, y, c)
    model["threshold"] = thr
    model["langs"] = sorted(apply)
    if GUARD:
        model["guard"] = list(GUARD)
    if GUARD_KINDS:
        model["guard_kinds"] = list(GUARD_KINDS)
    model["trained_on"] = {"candidates": len(y), "positives": int(y.sum()), "split": "dev", "C": c,
                           "train_on": train_on}
    return model


def main(argv=None) -> dict:
    global C, GUARD, GUARD_KINDS
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", default=SETS)
    ap.add_argument("--apply", default="en", help="languages whose pages the model checks (comma-separated)")
    ap.add_argument("--train-on", choices=("all", "accepted"), default=TRAIN_ON)
    ap.add_argument("--variants", action="store_true",
                    help="also cross-validate fixed choices (accepted/all, C 1 and 0.1: not chosen inside the folds)")
    ap.add_argument("--write", type=Path, default=None, help="write the model fitted on every dev page here")
    ap.add_argument("--check", action="store_true",
                    help="score the check pages once: rules alone, and with the model fitted on every dev page")
    ap.add_argument("--guard", default="", help="guards (of %s) whose candidates the model never drops" %
                    ",".join(pm.GUARD_NAMES))
    ap.add_argument("--guard-kinds", default="", help="kinds the model never drops (company,government …)")
    ap.add_argument("--extra", default="", help="train also on cases,heldout (the tests' own labelled text)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "partner_model_cv.json")
    a = ap.parse_args(argv)
    names = a.sets.split(",")
    apply = set(a.apply.split(","))
    GUARD = tuple(g for g in a.guard.split(",") if g)
    GUARD_KINDS = tuple(k for k in a.guard_kinds.split(",") if k)
    sets = _sets(names, "dev")
    cands, records = collect(sets)
    extra = [w for w in a.extra.split(",") if w]
    if extra:
        cands += collect_extra(extra)
    res: dict = {"sets": names, "pages": {s["name"]: len(s["pages"]) for s in sets}, "CS": list(CS),
                 "thresholds": list(THRESHOLDS),
                 "features": list(pm.FEATURES),
                 "note": "leave-one-university-out CV on dev pages only (a fold = one site's pages); the same "
                         "folds for rules alone and rules + model; each fold's C (of CS) and threshold chosen by an "
                         "inner leave-one-university-out on its training pages; 'cv_variants' fix C instead; the model checks only the candidates "
                         "the rules accept, on pages of the languages in 'apply'"}
    res["guard"], res["guard_kinds"], res["extra"] = list(GUARD), list(GUARD_KINDS), extra
    res["cv"] = cross_validate(sets, cands, records, a.train_on, apply)
    for k in ("rules", "rules_model"):
        for lang in sorted(apply):
            print(f"CV {lang} {k:12s}", json.dumps(res["cv"][k].get(f"all:{lang}")))
    print("fixed thresholds", json.dumps({t: {k: (x["partners"]["f1"], x["overall_f1"]) for k, x in v.items()}
                                          for t, v in res["cv"]["fixed_thresholds"].items()}))
    print({k: res["cv"][k] for k in ("candidates", "positives", "accepted", "accepted_positive", "set_aside",
                                     "set_aside_positive", "checked", "checked_negative")})
    print("thresholds chosen", res["cv"]["thresholds_chosen"], "C chosen", res["cv"]["c_chosen"])
    if a.variants:
        res["cv_variants"] = []
        c0 = C
        for train_on, c in (("all", 1.0), ("all", 0.1), ("accepted", 1.0), ("accepted", 0.1)):
            C = c
            r = cross_validate(sets, cands, records, train_on, apply, select_c=False)
            v = {"train_on": train_on, "C": c, **{f"rules_model {k}": r["rules_model"][k] for k in r["rules_model"]
                                                  if k.startswith("all:")},
                 "thresholds_chosen": r["thresholds_chosen"]}
            res["cv_variants"].append(v)
            print("variant", train_on, c, json.dumps({k: x for k, x in v.items() if k.startswith("rules_model")}))
        C = c0
    model = _final(cands, a.train_on, apply) if a.write or a.check else None
    if a.write:
        a.write.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
        print(f"written: {a.write} (threshold {model['threshold']})")
    if a.check:
        csets = _sets([n for n in names if not n.startswith("corpus")], "check")
        ccands, crecs = collect(csets)
        probs = {i: pm.probability(c["x"], model) for i, c in enumerate(ccands)
                 if c["status"] == "partner" and c["lang"] in model["langs"] and _judged(c)}
        res["check"] = {"model_threshold": model["threshold"], "rules": _score(csets, crecs),
                        "rules_model": _score(csets, _drop(crecs, ccands, probs, model["threshold"]))}
        for k in ("rules", "rules_model"):
            print(f"check {k:12s}", json.dumps({n: v for n, v in res["check"][k].items()}))
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    print(f"written: {a.out}")
    return res


if __name__ == "__main__":
    main()
