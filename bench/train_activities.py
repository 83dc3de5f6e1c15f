"""Train the learned check on the activity rules (bench/activity_model.py) and measure it
honestly: leave-one-university-out cross-validation on the ``dev`` pages, rules alone against
rules + model on exactly the same folds.

Training data (labels of the ``dev`` splits only; ``check`` is never read here):

- ``../shared/realnews`` (split dev, English and Chinese; texts in ``--texts``, default
  ``bench/.cache/realnews``),
- ``bench/realnews2/en`` and ``bench/realnews2/zh`` (split dev; texts in ``--texts2``/<lang>,
  default ``bench/.cache/realnews2``),
- the written corpus ``tests/corpus`` (docs + gold.jsonl, the project's own text): always in
  the training side of a fold, never scored as a held-out page.

The paraphrased cases of tests/cases are not used: their labels are partial (the kinds a case is
about, not every kind of its text).

Method: each piece is read by the extractor (the rules alone); its features (activity_model.features:
words, word pairs, Chinese character pairs, the title's again, the rules' nine scores) and the rules'
kinds are kept. One L2-regularised logistic regression per kind, solved by Newton's method in the
dual (representer) form over the pieces' Gram matrix (numpy only: with ~200 pieces and ~10^5
features that is the small side); weights below ``PRUNE`` are dropped, in the folds as in the shipped
file. Combination (activity_model.combine): add a kind the rules missed at p ≥ add_at, drop a rule's
kind at p < drop_below; each kind's two thresholds are chosen by grouped 5-fold cross-validation
inside the training side of the fold (the shipped ones inside all of dev), and a kind keeps the
rules alone unless the inner folds show a gain.

Outer folds: one per university (the page's site: en.bisu.edu.cn and www.bisu.edu.cn are one).

    python bench/train_activities.py [--write] [--no-cv] [--lam L] [--rule-scale S] [--texts DIR] [--texts2 DIR]
        [--out FILE] [--sets old|all] [--texts3 DIR] [--texts4 DIR] [--add-at T] [--prune P] [--langs en]
    python bench/train_activities.py --heldout [--sets old|all] [--texts5 DIR] [--out FILE]

``--sets all`` trains on all labelled dev material: the sets above plus ``bench/realnews3`` and
``bench/realnews4`` (en and zh, every page ``dev``; texts in ``--texts3``/``--texts4``/<lang>, default
``bench/.cache/realnews3`` and ``…4``). ``--sets old`` (the default, except with ``--heldout``) is the
first measurement's material.

``--heldout`` (a fair test on pages the rules were not written on): trains once on all dev material,
then scores rules alone and rules + model, with the repo's scorer (through ``bench/extract_real.py``),
on ``bench/realnews5`` en and zh (blind: aggregate figures only, its misses are never read) and on
the ``check`` split of ``../shared/realnews`` (en, zh) and ``bench/realnews2/en`` (never trained on).
The decision rule was fixed a priori, before any of these pages was read: add a kind the rules missed
where the model's probability is ≥ 0.5 (primary), 0.4 or 0.6 (reported beside it), never drop; the
per-kind thresholds of inner cross-validation and the model alone at 0.5 are reported too. Writes
``bench/results/train_activities_heldout.json``.

``--write FILE`` writes the model (trained on all dev pages and the corpus) to FILE and
the fixture FILE.fixture.json beside it (probabilities of the training script's own matrix
product on paraphrased texts, which the runtime's dictionary look-ups must reproduce).
The shipped model (etl/extract/activity_model.py, English pages) was written by
``--sets all --no-cv --add-at 0.5 --prune 0.02 --write etl/extract/activity_model.json`` (``--langs``,
default ``en``: the page languages the engine runs it on). The extractor's reading recorded here is
the rules' alone (the shipped model is switched off while recording).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "bench"))  # after the root: bench/etl.py must not shadow the etl package

import activity_model as am  # noqa: E402  (bench/activity_model.py)
from etl.extract import activity_model as amr  # noqa: E402  (the runtime: its training hook)
from etl.extract import engine  # noqa: E402
from etl.extract import extract  # noqa: E402
from etl.extract.activities import KINDS  # noqa: E402
from etl.resolve.reference import load_reference  # noqa: E402
from etl.sources.base import SourceDocument  # noqa: E402
from etl.sources.files import read_path  # noqa: E402

LAMBDA = 1.0  # L2 penalty (sum of log losses + LAMBDA/2 |w|^2)
RULE_SCALE = 2.0  # the rules' scores enter at twice their value (less shrunk than a word)
BIAS_SCALE = 3.0  # a constant feature of this value (the bias, lightly shrunk)
PRUNE = 0.01  # weights below this (in absolute value) are dropped
ADD_GRID = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
DROP_GRID = (0.02, 0.05, 0.1, 0.2, 0.3)
SHARED = [ROOT.parent / "shared", ROOT.parent.parent / "shared"]


def _set_params(lam: float, rule_scale: float, prune: float = PRUNE) -> None:
    global LAMBDA, RULE_SCALE, PRUNE
    LAMBDA, RULE_SCALE, PRUNE = lam, rule_scale, prune


def _shared(sub: str) -> Path:
    env = os.environ.get("INTL_SHARED_DIR")
    for base in ([Path(env)] if env else []) + SHARED:
        if (base / sub).exists():
            return base / sub
    return SHARED[0] / sub


def university(url: str) -> str:
    """The site's university: the label before edu.cn / ac.uk / … (en.bisu.edu.cn → bisu)."""
    host = (urlparse(url).hostname or url).lower()
    labels = [x for x in host.split(".") if x]
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in ("edu", "ac", "com", "org", "gov", "net"):
        return labels[-3]
    return labels[-2] if len(labels) >= 2 else host


def _gold(path: Path) -> dict[str, dict]:
    return {json.loads(x)["doc"]: json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()}


def dev_sets(texts: Path, texts2: Path, which: str = "old", texts3: Path | None = None,
             texts4: Path | None = None) -> list[tuple[Path, Path, str | None]]:
    """The labelled folders trained on (their ``dev`` split): ``old`` realnews and realnews2 (en, zh), as first
    measured; ``all`` adds bench/realnews3 and bench/realnews4 (en, zh; every page of both is ``dev``)."""
    sets = [(_shared("realnews"), texts, None), (ROOT / "bench" / "realnews2" / "en", texts2 / "en", "en"),
            (ROOT / "bench" / "realnews2" / "zh", texts2 / "zh", "zh")]
    if which == "all":
        texts3 = texts3 or ROOT / "bench" / ".cache" / "realnews3"
        texts4 = texts4 or ROOT / "bench" / ".cache" / "realnews4"
        for n, tdir in ((3, texts3), (4, texts4)):
            for lang in ("en", "zh"):
                sets.append((ROOT / "bench" / f"realnews{n}" / lang, tdir / lang, lang))
    return sets


def load_docs(texts: Path, texts2: Path, which: str = "old", texts3: Path | None = None,
              texts4: Path | None = None) -> list[dict]:
    """The dev pages (of ``dev_sets``) and the written corpus: text source, labels, group."""
    docs = []
    sets = dev_sets(texts, texts2, which, texts3, texts4)
    missing = []
    for folder, tdir, lang in sets:
        gold = _gold(folder / "gold.jsonl")
        for line in (folder / "index.jsonl").read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            if row.get("split") != "dev":
                continue
            p = tdir / f"{row['id']}.txt"
            g = gold.get(f"{row['id']}.txt")
            if g is None:
                continue
            if not p.exists():
                missing.append(str(p))
                continue
            docs.append({"id": row["id"], "path": p, "lang": lang or row["id"].split("-")[1], "gold": set(g["activities"]),
                         "group": university(row["url"]), "real": True})
    corpus = ROOT / "tests" / "corpus"
    gold = _gold(corpus / "gold.jsonl")
    for name, g in sorted(gold.items()):
        p = corpus / "docs" / name
        if p.exists():
            docs.append({"id": name, "path": p, "lang": g["lang"], "gold": set(g["activities"]), "group": "corpus",
                         "real": False})
    if missing:
        print(f"warning: {len(missing)} dev texts missing (first {missing[0]})")
    return docs


def read_features(docs: list[dict]) -> None:
    """Run the extractor (model off) on each piece: its features, the rules' scores and kinds."""
    ref = load_reference(ROOT / "data" / "reference")
    for d in docs:
        d["feats"], d["scores"], d["rules"] = recorded(read_path(d["path"]), ref)


def recorded(doc: SourceDocument, ref) -> tuple[set[str], dict[str, float], set[str]]:
    """The extractor's reading of one piece: its features, the rules' score of every kind, the rules' kinds."""
    return recorded_with_record(doc, ref)[:3]


def recorded_with_record(doc: SourceDocument, ref) -> tuple[set[str], dict[str, float], set[str], dict]:
    """The extractor's reading of one piece: its features, the rules' score of every kind, the rules' kinds,
    and the extractor's record (what the scorer reads).

    The extractor calls ``find_activities`` once per piece with the text and the title's span; a wrapper
    around it (in this script only) asks for every kind's score and keeps what the rules found. The shipped
    model (etl/extract/activity_model.py) is switched off meanwhile: the record is the rules' alone.
    """
    seen: list = []
    original = engine.find_activities

    def spy(text, sentences, title, *args, **kw):
        scores: dict[str, float] = {}
        hits = original(text, sentences, title, *args, **dict(kw, scores_out=scores))
        seen.append((am.features(text, title), scores, {h.kind for h in hits}))
        return hits

    engine.find_activities = spy
    was, amr.RULES_ALONE = amr.RULES_ALONE, True  # (the shipped model off: the rules' reading, trained on)
    try:
        rec = extract(doc, ref).record()
    finally:
        engine.find_activities = original
        amr.RULES_ALONE = was
    assert len(seen) == 1, doc.uri
    return seen[0] + (rec,)


def vocabulary(docs: list[dict]) -> dict[str, int]:
    """Each feature's column: the pieces' features in order of first sight, then the rules' nine scores."""
    vocab: dict[str, int] = {}
    for d in docs:
        for f in sorted(d["feats"]):
            vocab.setdefault(f, len(vocab))
    for k in KINDS:
        vocab.setdefault(f"r:{k}", len(vocab))
    return vocab


def labels(docs: list[dict]) -> np.ndarray:
    """One row per piece, one column per kind: 1 where its gold has the kind."""
    return np.array([[1.0 if k in d["gold"] else 0.0 for k in KINDS] for d in docs])


def matrix(docs: list[dict], vocab: dict[str, int]) -> np.ndarray:
    """Dense design matrix: binary features, the rules' scores, and the constant (last column)."""
    X = np.zeros((len(docs), len(vocab) + 1), dtype=np.float64)
    for i, d in enumerate(docs):
        for f in d["feats"]:
            j = vocab.get(f)
            if j is not None:
                X[i, j] = 1.0
        for f, x in am.rule_features(d["scores"]).items():
            X[i, vocab[f]] = x * RULE_SCALE
    X[:, -1] = BIAS_SCALE
    return X


def fit_dual(K: np.ndarray, Y: np.ndarray, lam: float | None = None, steps: int = 20) -> np.ndarray:
    """Newton's method for L2 logistic regression in the representer form z = K a (one column per kind)."""
    lam = LAMBDA if lam is None else lam
    n, k = Y.shape
    A = np.zeros((n, k))
    eye = np.eye(n)
    for c in range(k):
        a = np.zeros(n)
        y = Y[:, c]
        for _ in range(steps):
            z = K @ a
            p = 1.0 / (1.0 + np.exp(-np.clip(z, -60, 60)))
            g = p - y + lam * a
            if np.max(np.abs(g)) < 1e-6:
                break
            W = p * (1 - p)
            step = np.linalg.solve(W[:, None] * K + lam * eye, -g)
            a = a + step
        A[:, c] = a
    return A


def train(X: np.ndarray, Y: np.ndarray, K: np.ndarray | None = None) -> np.ndarray:
    """Primal weights (features × kinds) of the pruned model, the constant's weight included (last row)."""
    K = X @ X.T if K is None else K
    A = fit_dual(K, Y)
    W = X.T @ A
    W[np.abs(W) < PRUNE] = 0.0
    W[-1] = X.T[-1] @ A  # (the bias is never pruned)
    # (rounded as the model file stores them: the folds score the numbers that ship)
    W[:-1] = np.round(W[:-1], 4)
    W[-1] = np.round(W[-1] * BIAS_SCALE, 4) / BIAS_SCALE
    return W


def predict(X: np.ndarray, W: np.ndarray) -> np.ndarray:
    z = X @ W
    return 1.0 / (1.0 + np.exp(-np.clip(z, -60, 60)))


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def counts(pred: list[set[str]], gold: list[set[str]]) -> tuple[int, int, int]:
    tp = sum(len(p & g) for p, g in zip(pred, gold))
    fp = sum(len(p - g) for p, g in zip(pred, gold))
    fn = sum(len(g - p) for p, g in zip(pred, gold))
    return tp, fp, fn


def choose_thresholds(probs: np.ndarray, rules: list[set[str]], gold: list[set[str]]) -> tuple[dict, dict]:
    """Per kind, the add and drop thresholds that most raise micro F1 over the rules on these (out-of-fold)
    probabilities; None (the rules alone) unless a setting gains."""
    add_at: dict[str, float | None] = {k: None for k in KINDS}
    drop_below: dict[str, float | None] = {k: None for k in KINDS}
    for ci, k in enumerate(KINDS):
        base = counts(rules, gold)
        best = (_f1(*base), None, None)
        for hi in (None,) + ADD_GRID:
            for lo in (None,) + DROP_GRID:
                if hi is None and lo is None:
                    continue
                a, d = dict(add_at), dict(drop_below)
                a[k], d[k] = hi, lo
                pred = [am.combine(r, dict(zip(KINDS, pr)), a, d) for r, pr in zip(rules, probs)]
                f = _f1(*counts(pred, gold))
                if f > best[0] + 1e-9:
                    best = (f, hi, lo)
        add_at[k], drop_below[k] = best[1], best[2]
        # (kinds are chosen one after the other, each on top of the settings already chosen)
        rules = [am.combine(r, dict(zip(KINDS, pr)), {k: add_at[k]}, {k: drop_below[k]}) | (r - {k})
                 for r, pr in zip(rules, probs)]
    return add_at, drop_below


def _folds(groups: list[str], n: int) -> list[set[str]]:
    """Groups dealt into n folds, largest first, to the fold with fewest pieces (deterministic)."""
    sizes: dict[str, int] = {}
    for g in groups:
        sizes[g] = sizes.get(g, 0) + 1
    folds: list[set[str]] = [set() for _ in range(n)]
    load = [0] * n
    for g in sorted(sizes, key=lambda g: (-sizes[g], g)):
        i = min(range(n), key=lambda i: (load[i], i))
        folds[i].add(g)
        load[i] += sizes[g]
    return [f for f in folds if f]


def fit_with_thresholds(idx: list[int], docs: list[dict], X: np.ndarray, Y: np.ndarray, K: np.ndarray,
                        inner: int = 5) -> tuple[np.ndarray, dict, dict]:
    """Train on pieces ``idx`` and choose the thresholds by grouped inner folds over its real pages."""
    real = [i for i in idx if docs[i]["real"]]
    oof = np.zeros((len(docs), len(KINDS)))
    for fold in _folds([docs[i]["group"] for i in real], inner):
        tr = [i for i in idx if docs[i]["group"] not in fold]
        te = [i for i in real if docs[i]["group"] in fold]
        W = train(X[tr], Y[tr], K[np.ix_(tr, tr)])
        oof[te] = predict(X[te], W)
    add_at, drop_below = choose_thresholds(oof[real], [docs[i]["rules"] for i in real], [docs[i]["gold"] for i in real])
    W = train(X[idx], Y[idx], K[np.ix_(idx, idx)])
    return W, add_at, drop_below


def _figures(pred: list[set[str]], gold: list[set[str]]) -> dict:
    tp, fp, fn = counts(pred, gold)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"p": round(p, 3), "r": round(r, 3), "f1": round(_f1(tp, fp, fn), 3), "tp": tp, "fp": fp, "fn": fn}


def cross_validate(docs: list[dict], X: np.ndarray, Y: np.ndarray, K: np.ndarray) -> dict:
    real = [i for i, d in enumerate(docs) if d["real"]]
    groups = sorted({docs[i]["group"] for i in real})
    model_pred: dict[int, set[str]] = {}
    changes, rule_errors, negatives, positives = [], [], [], []
    model_alone: dict[int, set[str]] = {}
    fixed: dict[float, dict[int, set[str]]] = {}
    for g in groups:
        te = [i for i in real if docs[i]["group"] == g]
        tr = [i for i in range(len(docs)) if docs[i]["group"] != g]
        W, add_at, drop_below = fit_with_thresholds(tr, docs, X, Y, K)
        P = predict(X[te], W)
        for i, pr in zip(te, P):
            model_alone[i] = {k for k, v in zip(KINDS, pr) if v >= 0.5}
            for t in ADD_VARIANTS:  # (the held-out test's a-priori rules: add at p >= t, no drops)
                fixed.setdefault(t, {})[i] = docs[i]["rules"] | {k for k, v in zip(KINDS, pr) if v >= t}
            for k, v in zip(KINDS, pr):
                if (k in docs[i]["gold"]) != (k in docs[i]["rules"]):
                    rule_errors.append({"doc": docs[i]["id"], "kind": k, "rules": "missed" if k in docs[i]["gold"] else "false",
                                        "p": round(float(v), 3)})
                elif k not in docs[i]["gold"]:
                    negatives.append(float(v))
                else:
                    positives.append(float(v))
            model_pred[i] = am.combine(docs[i]["rules"], dict(zip(KINDS, pr)), add_at, drop_below)
            for k in model_pred[i] ^ docs[i]["rules"]:
                changes.append({"doc": docs[i]["id"], "kind": k, "model": "added" if k in model_pred[i] else "dropped",
                                "right": (k in docs[i]["gold"]) == (k in model_pred[i])})
    out: dict = {"groups": len(groups), "pages": len(real), "by_lang": {}, "changes": changes,
                 # the model's held-out probability of each error of the rules, and how its probabilities of the
                 # kinds the rules and the labels agree on are spread (where an add or drop threshold would cut)
                 "rule_errors": rule_errors,
                 "agreed_absent_p": {q: round(float(np.quantile(negatives, q)), 3) for q in (0.5, 0.9, 0.99, 1.0)} if negatives else {},
                 "agreed_present_p": {q: round(float(np.quantile(positives, q)), 3) for q in (0.0, 0.01, 0.1, 0.5)} if positives else {}}
    for lang in ("en", "zh", "all"):
        ids = [i for i in real if lang == "all" or docs[i]["lang"] == lang]
        if not ids:
            continue
        gold = [docs[i]["gold"] for i in ids]
        out["by_lang"][lang] = {"pages": len(ids), "rules": _figures([docs[i]["rules"] for i in ids], gold),
                                "rules_model": _figures([model_pred[i] for i in ids], gold),
                                "model_alone_at_0.5": _figures([model_alone[i] for i in ids], gold),
                                **{f"rules_add@{t}": _figures([fixed[t][i] for i in ids], gold) for t in ADD_VARIANTS}}
    return out


# --- held-out evaluation (--heldout) -------------------------------------------------------------------------
#
# The decision rule is fixed a priori, before any held-out page is read: a kind the rules missed is added where
# the model's probability is at least T; nothing is dropped (no a-priori reason to trust the model's "absent"
# over the rules' "present"). T = 0.5 is the primary variant (the one a decision to ship is taken on); 0.4 and 0.6
# are reported beside it, not chosen on the held-out sets. Also reported: the per-kind thresholds chosen by grouped
# inner cross-validation on the dev pages (the first try's method), and the model alone at 0.5.
# "Beats the rules" (primary variant): activities F1 higher than the rules' on realnews5 in one language at least
# and not lower in the other, AND higher on the check pages pooled (realnews en + zh, realnews2 en).
ADD_VARIANTS = (0.5, 0.4, 0.6)
PRIMARY = 0.5


# A second test (--heldout6), registered after the first one's result and before any run on realnews6: the first
# test's additions were right on English pages (7 of 8) and wrong on 中文 ones (2 of 2), so the hypothesis is an
# English-only model. The same training (all dev material of the first test, nothing more), the same primary rule
# (add at p >= 0.5, no drops), applied to English pages only; "beats the rules" when realnews6/en's activities F1
# and overall F1 are both higher than the rules'. realnews6/zh is scored beside it with the model applied to
# 中文 too (the first test's 中文 verdict, checked on a second set). realnews6 is blind: aggregates only.
def heldout6_sets(texts6: Path) -> list[dict]:
    """The second test's held-out sets: realnews6 en and zh (blind; every page)."""
    return [{"name": f"realnews6/{lang}", "folder": ROOT / "bench" / "realnews6" / lang, "texts": texts6 / lang,
             "split": None, "lang": lang, "blind": True} for lang in ("en", "zh")]


def verdict6(out: dict) -> dict:
    """The second test's rule (see heldout6_sets' comment)."""
    v = f"add@{PRIMARY}"
    res: dict = {}
    for lang in ("en", "zh"):
        s = out["sets"].get(f"realnews6/{lang}")
        if s:
            r, m = s["variants"]["rules"], s["variants"][v]
            res[f"realnews6_{lang}_activities_gain"] = round(m["activities"]["f1"] - r["activities"]["f1"], 3)
            res[f"realnews6_{lang}_overall_gain"] = round(m["overall_f1"] - r["overall_f1"], 3)
    res["english_only_beats_rules"] = (res.get("realnews6_en_activities_gain", 0) > 0 and
                                       res.get("realnews6_en_overall_gain", 0) > 0)
    return res


def heldout_sets(texts: Path, texts2: Path, texts5: Path) -> list[dict]:
    """The held-out sets: realnews5 (blind; every page), the ``check`` split of realnews and realnews2/en."""
    rn = _shared("realnews")
    return [
        {"name": "realnews5/en", "folder": ROOT / "bench" / "realnews5" / "en", "texts": texts5 / "en", "split": None,
         "lang": "en", "blind": True},
        {"name": "realnews5/zh", "folder": ROOT / "bench" / "realnews5" / "zh", "texts": texts5 / "zh", "split": None,
         "lang": "zh", "blind": True},
        {"name": "realnews-check/en", "folder": rn, "texts": texts, "split": "check", "lang": "en", "blind": False},
        {"name": "realnews-check/zh", "folder": rn, "texts": texts, "split": "check", "lang": "zh", "blind": False},
        {"name": "realnews2-check/en", "folder": ROOT / "bench" / "realnews2" / "en", "texts": texts2 / "en",
         "split": "check", "lang": "en", "blind": False},
    ]


def read_heldout(hs: dict, ref) -> list[dict]:
    """Each page of a held-out set read by the extractor (rules alone): features, scores, rules' kinds, record."""
    pages = []
    for line in (hs["folder"] / "index.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if hs["split"] is not None and row.get("split") != hs["split"]:
            continue
        if row["id"].split("-")[1] != hs["lang"]:
            continue
        p = hs["texts"] / f"{row['id']}.txt"
        if not p.exists():
            print(f"warning: {hs['name']}: a text is missing ({p.name})")
            continue
        feats, scores, rules, rec = recorded_with_record(read_path(p), ref)
        rec["doc"] = f"{row['id']}.txt"
        assert set(rec["activities"]) == rules, rec["doc"]
        pages.append({"doc": rec["doc"], "feats": feats, "scores": scores, "rules": rules, "record": rec})
    return pages


def score_heldout(hs: dict, pages: list[dict], kinds_of: list[set[str]]) -> dict:
    """The repo's scorer (via bench/extract_real.py) on the records, their activities replaced by ``kinds_of``:
    aggregate figures only (overall F1 and activities P/R/F1 with counts)."""
    import extract_real as er  # bench/extract_real.py
    sc, _ = er._scorer(None)
    gold_all = sc.load(str(hs["folder"] / "gold.jsonl"))
    aliases = hs["folder"] / "aliases.json"
    canon = sc.alias_map(str(aliases) if aliases.exists() else None)
    pred = {}
    for pg, kinds in zip(pages, kinds_of):
        rec = dict(pg["record"])
        rec["activities"] = sorted(kinds)
        pred[pg["doc"]] = rec
    gold = {k: v for k, v in gold_all.items() if k in pred and v.get("lang") == hs["lang"]}
    r, _misses = sc.score(gold, pred, canon)  # (the misses are never read: realnews5 is blind)
    fig = er._figures(r)
    return {"documents": fig["documents"], "overall_f1": fig["overall_f1"], "activities": fig["activities"]}


def evaluate_heldout(docs: list[dict], X: np.ndarray, Y: np.ndarray, K: np.ndarray, vocab: dict[str, int],
                     sets: list[dict], judge=None) -> dict:
    """Train on every piece of ``docs`` (all dev material), then score rules alone and rules + model on each
    held-out set with the decision rules fixed above."""
    ref = load_reference(ROOT / "data" / "reference")
    W_cv, add_cv, drop_cv = fit_with_thresholds(list(range(len(docs))), docs, X, Y, K)
    W = W_cv  # (the same training: fit_with_thresholds trains on all pieces after choosing the thresholds)
    variants: dict[str, tuple[dict, dict]] = {"rules": ({k: None for k in KINDS}, {k: None for k in KINDS})}
    for t in ADD_VARIANTS:
        variants[f"add@{t}"] = ({k: t for k in KINDS}, {k: None for k in KINDS})
    variants["cv_thresholds"] = (add_cv, drop_cv)
    out: dict = {"sets": {}, "cv_thresholds": {"add_at": add_cv, "drop_below": drop_cv}}
    pooled: dict[str, list[int]] = {}
    for hs in sets:
        pages = read_heldout(hs, ref)
        if not pages:
            print(f"skipped {hs['name']}: no texts")
            continue
        P = predict(matrix(pages, vocab), W)
        res: dict = {"blind": hs["blind"], "pages": len(pages), "variants": {}}
        for name, (add_at, drop_below) in variants.items():
            kinds_of = [am.combine(pg["rules"], dict(zip(KINDS, pr)), add_at, drop_below) for pg, pr in zip(pages, P)]
            fig = score_heldout(hs, pages, kinds_of)
            fig["kinds_added"] = sum(len(k - pg["rules"]) for k, pg in zip(kinds_of, pages))
            fig["kinds_dropped"] = sum(len(pg["rules"] - k) for k, pg in zip(kinds_of, pages))
            res["variants"][name] = fig
        base = res["variants"]["rules"]["activities"]
        for name, fig in res["variants"].items():
            # (an aggregate: where nothing was dropped, how many of the kinds the model added the labels hold)
            if "kinds_added" in fig:
                fig["added_right"] = fig["activities"]["tp"] - base["tp"] if not fig["kinds_dropped"] else None
            if not hs["blind"]:
                c = pooled.setdefault(name, [0, 0, 0])
                for i, f in enumerate(("tp", "fp", "fn")):
                    c[i] += fig["activities"][f]
        alone = [{k for k, v in zip(KINDS, pr) if v >= 0.5} for pr in P]
        res["variants"]["model_alone@0.5"] = score_heldout(hs, pages, alone)
        out["sets"][hs["name"]] = res
        for name, fig in res["variants"].items():
            a_ = fig["activities"]
            print(f"{hs['name']:19s} {name:16s} overall {fig['overall_f1']:.3f}  activities p {a_['p']:.3f} "
                  f"r {a_['r']:.3f} F1 {a_['f1']:.3f}" + (f"  (+{fig['kinds_added']} / -{fig['kinds_dropped']})"
                                                          if "kinds_added" in fig else ""))
    out["check_pooled"] = {name: _figures_counts(*c) for name, c in pooled.items()}
    for name, fig in out["check_pooled"].items():
        print(f"check pooled        {name:16s} activities p {fig['p']:.3f} r {fig['r']:.3f} F1 {fig['f1']:.3f}")
    # the model's additions over every held-out page, by language (aggregates; a-priori variants only)
    adds: dict = {}
    for sname, r in out["sets"].items():
        lang = sname.rsplit("/", 1)[1]
        for name, fig in r["variants"].items():
            if fig.get("added_right") is None:
                continue
            c = adds.setdefault(name, {}).setdefault(lang, {"added": 0, "right": 0, "wrong": 0})
            c["added"] += fig["kinds_added"]
            c["right"] += fig["added_right"]
            c["wrong"] += fig["kinds_added"] - fig["added_right"]
    out["additions_all_heldout"] = adds
    for name, by in adds.items():
        print(f"additions (all held-out pages) {name:14s} " + "  ".join(
            f"{lang}: {c['added']} added, {c['right']} right, {c['wrong']} wrong" for lang, c in by.items()))
    out["verdict"] = (judge or verdict)(out)
    print(f"verdict ({'the registered test' if judge else f'primary add@{PRIMARY}'}): {out['verdict']}")
    return out


def _figures_counts(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"p": round(p, 3), "r": round(r, 3), "f1": round(_f1(tp, fp, fn), 3), "tp": tp, "fp": fp, "fn": fn}


def verdict(out: dict) -> dict:
    """The a-priori test of the primary variant (see the comment above ADD_VARIANTS)."""
    v = f"add@{PRIMARY}"
    res = {}
    d5 = []
    for lang in ("en", "zh"):
        s = out["sets"].get(f"realnews5/{lang}")
        if s:
            d5.append(round(s["variants"][v]["activities"]["f1"] - s["variants"]["rules"]["activities"]["f1"], 3))
    res["realnews5_f1_gain"] = d5
    res["realnews5_beats"] = bool(d5) and max(d5) > 0 and min(d5) >= 0
    cp = out.get("check_pooled", {})
    res["check_f1_gain"] = round(cp[v]["f1"] - cp["rules"]["f1"], 3) if v in cp else None
    res["check_beats"] = res["check_f1_gain"] is not None and res["check_f1_gain"] > 0
    res["beats_rules"] = res["realnews5_beats"] and res["check_beats"]
    return res


def export(W: np.ndarray, vocab: dict[str, int], add_at: dict, drop_below: dict, meta: dict,
           langs: list[str] | None = None) -> dict:
    """The model file's content; ``langs``, where given, the page languages the engine runs it on."""
    inv = {j: f for f, j in vocab.items()}
    weights = {}
    for j in range(len(vocab)):
        row = [[c, round(float(W[j, c]), 4)] for c in range(len(KINDS)) if W[j, c] != 0.0]
        row = [r for r in row if r[1] != 0.0]
        if row:
            f = inv[j]
            if f.startswith("r:"):
                row = [[c, round(w * RULE_SCALE, 4)] for c, w in row if round(w * RULE_SCALE, 4) != 0.0]
                if not row:
                    continue
            weights[f] = row
    bias = [round(float(W[-1, c] * BIAS_SCALE), 4) for c in range(len(KINDS))]
    return {"kinds": list(KINDS), "bias": bias, "weights": dict(sorted(weights.items())), "add_at": add_at,
            "drop_below": drop_below, **({"langs": list(langs)} if langs is not None else {}), "meta": meta}


FIXTURE_TEXTS = [
    ("en", "Delegation from a Polish university visits the campus\n\nA delegation led by the rector of a technical "
           "university in Poland visited the campus on 3 May and met the vice president. The two sides signed a "
           "memorandum of understanding on student exchange and joint research."),
    ("en", "Summer school on robotics opens\n\nThirty students from partner universities in Europe arrived for a "
           "two-week summer school on robotics. They attend lectures and visit laboratories."),
    ("zh", "我校与英国某大学签署合作协议\n\n近日，英国某大学副校长一行来访我校，双方签署了学生交换协议，并就联合培养研究生进行了交流。"),
    # (a visit the rules miss, no cue of theirs: the shipped model adds it, on the title)
    ("en", "Guests from a Dutch university tour the campus\n\nThe vice rector of a Dutch university and three "
           "colleagues toured the campus on Monday, paid a visit to the library and held talks with the vice president "
           "on cooperation in teaching."),
]


def fixture(model: am.ActivityModel, W: np.ndarray, vocab: dict[str, int]) -> list[dict]:
    """Paraphrased texts with the probabilities of the training side's matrix product."""
    ref = load_reference(ROOT / "data" / "reference")
    out = []
    for lang, text in FIXTURE_TEXTS:
        feats, scores, rules = recorded(SourceDocument(uri="fixture", text=text, lang=lang,
                                                       title=text.splitlines()[0]), ref)
        x = matrix([{"feats": feats, "scores": scores}], vocab)
        p = predict(x, W)[0]
        out.append({"lang": lang, "text": text, "rule_scores": scores, "probabilities": dict(zip(KINDS, [float(v) for v in p]))})
    return out


def _trained_on(which: str) -> str:
    return ("dev pages of realnews and realnews2 (en, zh) and the written corpus tests/corpus" if which == "old" else
            "dev pages of realnews, realnews2, realnews3 and realnews4 (en, zh) and the written corpus tests/corpus")


def _heldout_main(a, which: str, docs: list[dict], X: np.ndarray, Y: np.ndarray, K: np.ndarray,
                  vocab: dict[str, int], t0: float) -> dict:
    sets = heldout6_sets(a.texts6) if a.heldout6 else heldout_sets(a.texts, a.texts2, a.texts5)
    res = evaluate_heldout(docs, X, Y, K, vocab, sets, judge=verdict6 if a.heldout6 else None)
    n_en = sum(1 for d in docs if d["real"] and d["lang"] == "en")
    n_zh = sum(1 for d in docs if d["real"] and d["lang"] == "zh")
    result = {"trained_on": _trained_on(which), "pieces": len(docs), "dev_pages": {"en": n_en, "zh": n_zh},
              "corpus_pieces": sum(1 for d in docs if not d["real"]), "features": len(vocab),
              "params": {"lambda": LAMBDA, "prune": PRUNE, "rule_scale": RULE_SCALE},
              "decision_rule": {"primary": f"add@{PRIMARY}", "variants": [f"add@{t}" for t in ADD_VARIANTS],
                                "drops": "none", "fixed": "a priori, before any held-out page was read"},
              **res,
              "note": ("the second test (--heldout6): realnews6 is blind, aggregate figures only; the verdict is "
                       "verdict6's (English only) " if a.heldout6 else "") +
                      "realnews5 is blind: aggregate figures only (its misses are never read); the check splits of "
                      "realnews and realnews2 were scored in earlier sessions but never trained on; figures by the "
                      "repo's scorer through bench/extract_real.py (records of the extractor, activities replaced)",
              "cpu_s": round(time.process_time() - t0, 1)}
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {a.out}")
    return result


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--texts", type=Path, default=ROOT / "bench" / ".cache" / "realnews")
    ap.add_argument("--texts2", type=Path, default=ROOT / "bench" / ".cache" / "realnews2")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "train_activities.json")
    ap.add_argument("--write", type=Path, metavar="FILE", help="write the model to FILE and the test fixture")
    ap.add_argument("--no-cv", action="store_true", help="skip the outer folds (only train, choose thresholds, write)")
    ap.add_argument("--lam", type=float, default=LAMBDA, help="L2 penalty (a variant: the folds are scored again)")
    ap.add_argument("--rule-scale", type=float, default=RULE_SCALE, help="0: words only, without the rules' scores")
    ap.add_argument("--prune", type=float, default=PRUNE,
                    help="drop weights below this (absolute value) after training, in every fold and in the file")
    ap.add_argument("--sets", choices=("old", "all"), default=None,
                    help="dev material trained on: old = realnews + realnews2 dev (the default, as first measured); "
                         "all = also realnews3 and realnews4 (en, zh); --heldout defaults to all")
    ap.add_argument("--texts3", type=Path, default=ROOT / "bench" / ".cache" / "realnews3")
    ap.add_argument("--texts4", type=Path, default=ROOT / "bench" / ".cache" / "realnews4")
    ap.add_argument("--texts5", type=Path, default=ROOT / "bench" / ".cache" / "realnews5")
    ap.add_argument("--heldout", action="store_true",
                    help="train on all dev material and score rules alone vs rules + model (fixed thresholds) on "
                         "realnews5 (blind, aggregates only) and the check splits; writes "
                         "bench/results/train_activities_heldout.json unless --out says where")
    ap.add_argument("--heldout6", action="store_true",
                    help="the second test: as --heldout, on realnews6 en and zh (blind, aggregates only); writes "
                         "bench/results/train_activities_heldout6.json unless --out says where")
    ap.add_argument("--texts6", type=Path, default=ROOT / "bench" / ".cache" / "realnews6")
    ap.add_argument("--add-at", type=float, default=None,
                    help="with --write: ship this one add threshold for every kind and no drops (instead of the "
                         "thresholds chosen by inner cross-validation)")
    ap.add_argument("--langs", default="en",
                    help="with --write: the page languages the engine runs the model on, comma-separated (default en: "
                         "the held-out tests found it helped English pages, not 中文 ones); 'all' for every language")
    a = ap.parse_args(argv)
    a.heldout = a.heldout or a.heldout6
    which = a.sets or ("all" if a.heldout else "old")
    if a.heldout and a.out == ap.get_default("out"):
        a.out = ROOT / "bench" / "results" / ("train_activities_heldout6.json" if a.heldout6 else
                                              "train_activities_heldout.json")
    _set_params(a.lam, a.rule_scale, a.prune)
    t0 = time.process_time()
    docs = load_docs(a.texts, a.texts2, which, a.texts3, a.texts4)
    read_features(docs)
    vocab = vocabulary(docs)
    X = matrix(docs, vocab)
    Y = labels(docs)
    K = X @ X.T
    print(f"{len(docs)} pieces ({sum(d['real'] for d in docs)} dev pages, {sum(not d['real'] for d in docs)} corpus), "
          f"{len(vocab)} features")
    if a.heldout:
        return _heldout_main(a, which, docs, X, Y, K, vocab, t0)
    cv = None if a.no_cv else cross_validate(docs, X, Y, K)
    if cv is not None:
        for lang, r in cv["by_lang"].items():
            a_, b_ = r["rules"], r["rules_model"]
            print(f"CV {lang:3s} pages {r['pages']:3d}  rules p {a_['p']:.3f} r {a_['r']:.3f} F1 {a_['f1']:.3f} "
                  f"(fp {a_['fp']}, fn {a_['fn']})  rules+model p {b_['p']:.3f} r {b_['r']:.3f} F1 {b_['f1']:.3f} "
                  f"(fp {b_['fp']}, fn {b_['fn']})  model alone F1 {r['model_alone_at_0.5']['f1']:.3f}  " +
                  "  ".join(f"add@{t} F1 {r[f'rules_add@{t}']['f1']:.3f}" for t in ADD_VARIANTS))
        for e in cv["rule_errors"]:
            print(f"   rules {e['rules']:6s} {e['kind']:22s} {e['doc']:14s} held-out p {e['p']:.3f}")
        print(f"   held-out p where rules and labels agree: absent {cv['agreed_absent_p']}  present {cv['agreed_present_p']}")
        right = sum(c["right"] for c in cv["changes"])
        print(f"model's changes in the folds: {len(cv['changes'])} ({right} right, {len(cv['changes']) - right} wrong)")
    W, add_at, drop_below = fit_with_thresholds(list(range(len(docs))), docs, X, Y, K)
    method = "L2 logistic regression per kind (numpy, Newton in representer form); thresholds by grouped CV"
    if a.add_at is not None:
        add_at, drop_below = {k: a.add_at for k in KINDS}, {k: None for k in KINDS}
        method = (f"L2 logistic regression per kind (numpy, Newton in representer form); add a kind the rules "
                  f"missed at p >= {a.add_at} (fixed a priori), no drops")
    print(f"shipped thresholds: add_at {add_at}  drop_below {drop_below}")
    meta = {"trained_on": _trained_on(which), "pieces": len(docs), "lambda": LAMBDA, "prune": PRUNE,
            "rule_scale": RULE_SCALE, "method": method}
    model_json = export(W, vocab, add_at, drop_below, meta,
                        None if a.langs == "all" else [x.strip() for x in a.langs.split(",") if x.strip()])
    result = {"cv": cv, "shipped": {"add_at": add_at, "drop_below": drop_below,
                                     "weights": sum(len(v) for v in model_json["weights"].values()),
                                     "features": len(model_json["weights"])},
              "params": {k: meta[k] for k in ("lambda", "prune", "rule_scale")},
              "beats_rules": None if cv is None else cv["by_lang"]["all"]["rules_model"]["f1"] > cv["by_lang"]["all"]["rules"]["f1"],
              "note": "leave-one-university-out on the dev pages; rules and rules+model on the same folds; "
                      "check split never read", "cpu_s": round(time.process_time() - t0, 1)}
    if a.write:
        path = a.write
        path.write_text(json.dumps(model_json, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
        model = am.ActivityModel(model_json)
        fx = fixture(model, W, vocab)
        path.with_suffix(".fixture.json").write_text(
            json.dumps(fx, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {path} ({path.stat().st_size} bytes) and the fixture")
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {a.out}")
    return result


if __name__ == "__main__":
    main()
