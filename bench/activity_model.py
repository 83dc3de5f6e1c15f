"""A small learned check on the activity rules, tried and not shipped: one logistic regression per kind.

It did not beat the rules in leave-one-university-out cross-validation on the labelled real pages
(``bench/results/train_activities.json``), so the extractor runs the rules alone and this module lives
with its training script (``bench/train_activities.py``), ready for the next try with more labels.
A second test trained on all dev material and scored on pages nobody studied (``--heldout``,
``bench/results/train_activities_heldout.json``) helped English pages and hurt Chinese ones: still not shipped.

The rules of ``activities.py`` decide which of the nine kinds a piece reports. This model reads
the same piece as a bag of features and gives each kind a probability; the two are combined
(``combine``): a kind the rules missed is added where the model is very sure of it
(probability ≥ ``add_at``), a kind the rules found is dropped where the model finds it very
unlikely (probability < ``drop_below``). Kinds whose thresholds are ``null`` are left to the rules.

Features of a piece (``features``), all binary except the rules' own scores:

- lower-cased English words (``w:word``) and word pairs (``b:word word``), Chinese character
  pairs (``c:字字``), and the title's words and character pairs again (``t:…``): single words and
  pairs, never sentences;
- the rules' score of each of the nine kinds, capped at 2 and halved (``r:kind``).

The weights (a JSON file written by ``--write``) are trained by ``bench/train_activities.py``
on the labelled pages of the ``dev`` splits and the written corpus only, with L2-regularised
logistic regression in numpy; the thresholds are chosen by cross-validation. The script prints
and writes the leave-one-university-out figures (rules alone and rules + model on the same folds)
to ``bench/results/train_activities.json``. Inference here is plain Python: a dictionary look-up
per feature, the same numbers as the training script's matrix product.
"""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

from etl.extract.activities import KINDS


_WORD = re.compile(r"[a-z][a-z0-9]*(?:['’-][a-z0-9]+)*")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")



def _grams(s: str, prefix_w: str, prefix_b: str | None, prefix_c: str, out: set[str]) -> None:
    low = s.lower()
    toks = _WORD.findall(low)
    out.update([prefix_w + t for t in toks])
    if prefix_b is not None and len(toks) > 1:
        out.update([f"{prefix_b}{a} {b}" for a, b in zip(toks, toks[1:])])
    for run in _CJK_RUN.findall(s):
        out.update([prefix_c + run[i:i + 2] for i in range(len(run) - 1)])


def features(text: str, title: tuple[int, int] | None) -> set[str]:
    """The piece's binary features (words, word pairs, Chinese character pairs; the title's again)."""
    out: set[str] = set()
    _grams(text, "w:", "b:", "c:", out)
    if title is not None:
        _grams(text[title[0]:title[1]], "t:", None, "t:", out)
    return out


def rule_features(scores: dict[str, float]) -> dict[str, float]:
    return {f"r:{k}": min(2.0, scores.get(k, 0.0)) / 2.0 for k in KINDS}


class ActivityModel:
    def __init__(self, data: dict):
        self.kinds: list[str] = list(data["kinds"])
        self.bias: list[float] = [float(b) for b in data["bias"]]
        # feature → [(kind index, weight)]
        self.weights: dict[str, list[tuple[int, float]]] = {
            f: [(int(i), float(w)) for i, w in row] for f, row in data["weights"].items()}
        self.add_at: dict[str, float | None] = dict(data["add_at"])
        self.drop_below: dict[str, float | None] = dict(data["drop_below"])
        self.meta = data.get("meta", {})

    def logits(self, feats: set[str], scores: dict[str, float]) -> list[float]:
        z = list(self.bias)
        w = self.weights
        for f in feats:
            row = w.get(f)
            if row:
                for i, v in row:
                    z[i] += v
        for f, x in rule_features(scores).items():
            row = w.get(f)
            if row and x:
                for i, v in row:
                    z[i] += v * x
        return z

    def probabilities(self, feats: set[str], scores: dict[str, float]) -> dict[str, float]:
        return {k: 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z)))) for k, z in zip(self.kinds, self.logits(feats, scores))}

    def evidence(self, kind: str, feats: set[str]) -> str | None:
        """The piece's feature that speaks most for ``kind`` (to point at where the model read it)."""
        i = self.kinds.index(kind)
        best, best_w = None, 0.0
        for f in feats:
            for j, v in self.weights.get(f, ()):
                if j == i and v > best_w:
                    best, best_w = f, v
        return best


def combine(rule_kinds: set[str], probs: dict[str, float], add_at: dict[str, float | None],
            drop_below: dict[str, float | None]) -> set[str]:
    """The kinds reported: the rules' kinds, plus those the model is sure of, less those it finds very unlikely."""
    out = set()
    for k in KINDS:
        p = probs.get(k)
        if k in rule_kinds:
            lo = drop_below.get(k)
            if p is None or lo is None or p >= lo:
                out.add(k)
        else:
            hi = add_at.get(k)
            if p is not None and hi is not None and p >= hi:
                out.add(k)
    return out


def load_model(path: str | Path) -> ActivityModel:
    return ActivityModel(json.loads(Path(path).read_text(encoding="utf-8")))


def find_span(text: str, feature: str) -> tuple[int, int] | None:
    """Where a feature (a word, a pair, a character pair) is first written in ``text``."""
    body = feature.split(":", 1)[1]
    if not body:
        return None
    if re.fullmatch(r"[\u4e00-\u9fff]+", body):
        i = text.find(body)
        return None if i < 0 else (i, i + len(body))
    words = body.split(" ")
    m = re.search(r"(?<![a-z0-9])" + r"\W+".join(re.escape(w) for w in words) + r"(?![a-z0-9])", text, re.I)
    return None if m is None else (m.start(), m.end())
