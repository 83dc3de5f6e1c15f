"""A small learned check on the activity rules (issue 12): one logistic regression per kind, English pages.

The rules of ``activities.py`` decide which of the nine kinds a piece reports. This model reads the same piece
as a bag of features and gives each kind a probability; the two are combined (``combine``): a kind the rules
missed is added where the model is sure of it (probability ≥ ``add_at``), a kind the rules found is dropped where
the model finds it very unlikely (probability < ``drop_below``). Kinds whose thresholds are ``null`` are left to
the rules.

Features of a piece (``features``), all binary except the rules' own scores:

- lower-cased English words (``w:word``) and word pairs (``b:word word``), Chinese character pairs (``c:字字``),
  and the title's words and character pairs again (``t:…``): single words and pairs, never sentences;
- the rules' score of each of the nine kinds, capped at 2 and halved (``r:kind``).

The weights are trained by ``bench/train_activities.py`` (L2-regularised logistic regression in numpy) on the
labelled ``dev`` pages and the written corpus; inference here is plain Python, a dictionary look-up per feature,
the same numbers as the training script's matrix product (its fixture, ``activity_model.fixture.json``, holds
them for paraphrased texts).

**The shipped model** (``activity_model.json`` beside this module): trained on all labelled ``dev`` material
(realnews, realnews2, realnews3, realnews4, English and 中文, and the written corpus), it adds a kind the rules
missed at p ≥ 0.5 and drops none, as registered before two held-out tests (README, "learned check on the
activity kinds"). It helped English pages on both blind sets and 中文 ones on one of them only, so its
``"langs"`` lists English alone: the engine runs it on English pages and leaves the others to the rules (a model
file without ``"langs"`` would apply to every language). Where no file lies here, the extractor runs the rules
alone. A kind the model adds keeps a sentence and span of the text: the strongest cue of that kind the rules saw
below their threshold, else the title, else the lead's first sentence; its method says ``model: activity check
p=…`` and its confidence is the probability. ``RULES_ALONE`` is the training script's hook (it then extracts with
the rules alone).
"""
from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from pathlib import Path

from etl.extract.activities import KINDS

MODEL_PATH = Path(__file__).with_name("activity_model.json")

# the training hook (bench/train_activities.py): when True, the engine runs the rules alone
RULES_ALONE = False

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
        # the same weights as one row of every kind's weight per feature, for the sums of ``logits``
        self._dense: dict[str, tuple[float, ...]] = {}
        for f, row in self.weights.items():
            dense = [0.0] * len(self.kinds)
            for i, v in row:
                dense[i] += v
            self._dense[f] = tuple(dense)
        self.add_at: dict[str, float | None] = dict(data["add_at"])
        self.drop_below: dict[str, float | None] = dict(data["drop_below"])
        # the languages the model is run on (None: every language)
        self.langs: tuple[str, ...] | None = tuple(data["langs"]) if data.get("langs") is not None else None
        self.meta = data.get("meta", {})

    def applies(self, lang: str | None) -> bool:
        return self.langs is None or lang in self.langs

    def logits(self, feats: set[str], scores: dict[str, float]) -> list[float]:
        # (the features the model weighs, by a set intersection; their rows of weights summed kind by kind)
        dense = self._dense
        rows = [dense[f] for f in dense.keys() & feats]
        z = [b + s for b, s in zip(self.bias, map(sum, zip(*rows)))] if rows else list(self.bias)
        for f, x in rule_features(scores).items():
            row = self.weights.get(f)
            if row and x:
                for i, v in row:
                    z[i] += v * x
        return z

    def probabilities(self, feats: set[str], scores: dict[str, float]) -> dict[str, float]:
        return {k: 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))
                for k, z in zip(self.kinds, self.logits(feats, scores))}

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


@lru_cache(maxsize=1)
def shipped() -> ActivityModel | None:
    """The model the extractor uses (``activity_model.json`` beside this module), or None where there is none."""
    return load_model(MODEL_PATH) if MODEL_PATH.exists() else None


def active(lang: str | None) -> ActivityModel | None:
    """The shipped model where it runs on pages of ``lang`` (and the training hook is off), else None."""
    if RULES_ALONE:
        return None
    m = shipped()
    return m if m is not None and m.applies(lang) else None


def check(model: ActivityModel, text: str, title: tuple[int, int] | None, rule_kinds: set[str],
          scores: dict[str, float], cues: dict[str, tuple[int, int, str]], sentences: list[tuple[int, int]],
          lead: tuple[int, int] | None = None) -> tuple[set[str], list[tuple[str, float, int, int, str | None]]]:
    """The model's verdict on a piece the rules read: the rules' kinds it keeps, and the kinds it adds, each as
    (kind, probability, start, end, the rules' cue there or None). A kind added is placed on the strongest cue of
    that kind the rules saw below their threshold (``cues``: find_activities' ``cues_out``), else on the title,
    else on the lead's first sentence (the text's first sentence without a lead)."""
    probs = model.probabilities(features(text, title), scores)
    kinds = combine(rule_kinds, probs, model.add_at, model.drop_below)
    added = []
    for k in KINDS:
        if k not in kinds or k in rule_kinds:
            continue
        cue = cues.get(k)
        if cue is not None and cue[0] < cue[1]:
            s, e, rule = cue
        else:
            s, e, rule = *_fallback_span(text, title, sentences, lead), None
        added.append((k, probs[k], s, e, rule))
    return kinds & rule_kinds, added


def _fallback_span(text: str, title: tuple[int, int] | None, sentences: list[tuple[int, int]],
                   lead: tuple[int, int] | None) -> tuple[int, int]:
    """The title's span (stripped), else the lead's first sentence, else the text's first sentence."""
    cands = [title] if title is not None else []
    if lead is not None:
        cands += [(s, e) for s, e in sentences if lead[0] <= s < lead[1]][:1]
    cands += sentences[:1] + [(0, len(text))]
    for s, e in cands:
        seg = text[s:e]
        if seg.strip():
            s += len(seg) - len(seg.lstrip())
            e -= len(seg) - len(seg.rstrip())
            return s, e
    return 0, len(text)


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
