"""The learned check on the activity rules (etl/extract/activity_model.py) and its training script
(bench/train_activities.py).

No model file is shipped (the check did not beat the rules in leave-one-university-out
cross-validation, bench/results/train_activities.json), so the extractor runs the rules alone;
these tests hold the pieces a shipped model would run on: the features (single words and word
pairs only), the inference by dictionary look-ups (the same numbers as the training script's
matrix product, deterministic), the combination (add at high probability, drop at very low), and
the extractor applying a model where one is loaded.
"""
from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import numpy as np
import pytest

from etl.extract import activity_model as am
from etl.extract import extract
from etl.extract.activities import KINDS
from etl.resolve.reference import load_reference
from etl.sources.base import SourceDocument

ROOT = Path(__file__).resolve().parents[1]
REF = load_reference(ROOT / "data" / "reference")


def _train_module():
    spec = importlib.util.spec_from_file_location("train_activities", ROOT / "bench" / "train_activities.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


TA = _train_module()

# paraphrased texts (our own words)
TEXTS = [
    ("en", "Rector of a Latvian University Visits\n\nThe rector of Riga Technical University visited the campus on "
           "2 June 2023 and met the president. The two universities signed an agreement on student exchange."),
    ("en", "Robotics Bootcamp for Students\n\nTwenty of our students spent ten days at a robotics bootcamp in Tallinn "
           "in August 2023, hosted by a partner university."),
    ("en", "Guest Lecture on Hydrology\n\nProf. Maria Lind of Uppsala University gave a guest lecture on river "
           "hydrology to graduate students on 5 May 2023."),
    ("zh", "我校与芬兰某大学签署合作协议\n\n近日，芬兰某大学副校长一行来访我校，双方签署了学生交换协议。"),
    ("zh", "我校学生赴德国参加暑期学校\n\n今年七月，我校十名学生赴德国参加为期两周的暑期学校。"),
]


def _doc(lang: str, text: str) -> SourceDocument:
    return SourceDocument(uri="case:activity-model", text=text, lang=lang, title=text.splitlines()[0])


def _recorded(lang: str, text: str, monkeypatch) -> tuple[set, dict, set]:
    rec: list = []
    monkeypatch.setattr(am, "RECORDER", rec)
    monkeypatch.setattr(am, "DISABLED", True)
    extract(_doc(lang, text), REF)
    assert len(rec) == 1
    return rec[0]


def test_features_are_single_words_and_pairs(monkeypatch):
    lang, text = TEXTS[0]
    feats = am.features(text, (0, len(text.splitlines()[0])))
    assert feats == am.features(text, (0, len(text.splitlines()[0])))  # deterministic
    assert {"w:rector", "b:student exchange", "t:latvian"} <= feats
    for f in feats:
        prefix, body = f.split(":", 1)
        assert prefix in ("w", "b", "t", "c"), f
        assert len(body.split(" ")) == (2 if prefix == "b" else 1), f  # never more than a word pair
    zh = am.features(TEXTS[3][1], None)
    assert "c:签署" in zh and all(len(f) == 4 for f in zh if f.startswith("c:"))  # character pairs


def _tiny(monkeypatch):
    """A model trained by the training script's own functions on the paraphrased texts."""
    docs = []
    for lang, text in TEXTS:
        feats, scores, rules = _recorded(lang, text, monkeypatch)
        docs.append({"feats": feats, "scores": scores, "rules": rules, "gold": set(rules) | (
            {"summer_school"} if "bootcamp" in text else set())})
    vocab: dict[str, int] = {}
    for d in docs:
        for f in sorted(d["feats"]):
            vocab.setdefault(f, len(vocab))
    for k in KINDS:
        vocab.setdefault(f"r:{k}", len(vocab))
    X = TA.matrix(docs, vocab)
    Y = np.array([[1.0 if k in d["gold"] else 0.0 for k in KINDS] for d in docs])
    W = TA.train(X, Y)
    data = TA.export(W, vocab, {k: None for k in KINDS}, {k: None for k in KINDS}, {})
    return docs, X, W, data


def test_inference_matches_the_training_scripts_matrix_product(monkeypatch):
    docs, X, W, data = _tiny(monkeypatch)
    P = TA.predict(X, W)
    model = am.ActivityModel(data)
    for d, row in zip(docs, P):
        got = model.probabilities(d["feats"], d["scores"])
        assert list(got) == list(KINDS)
        np.testing.assert_allclose([got[k] for k in KINDS], row, rtol=0, atol=1e-9)
    # trained again: the same weights (deterministic)
    _, _, W2, data2 = _tiny(monkeypatch)
    assert np.array_equal(W, W2) and data == data2
    # the file stores features as single words, pairs and the rules' scores only
    assert all(re.fullmatch(r"[wbtc]:[^ ]+(?: [^ ]+)?|r:[a-z_]+", f) for f in data["weights"])


def test_newton_solver_reaches_the_optimum():
    rng = np.random.default_rng(0)
    X = (rng.random((30, 12)) < 0.3).astype(float)
    X[:, -1] = TA.BIAS_SCALE
    Y = (X[:, :2].sum(axis=1, keepdims=True) > 0).astype(float)
    K = X @ X.T
    A = TA.fit_dual(K, Y, lam=1.0)
    p = 1 / (1 + np.exp(-(K @ A)))
    grad = X.T @ (p - Y) + X.T @ A  # the primal gradient at w = X^T a (λ = 1)
    assert np.max(np.abs(grad)) < 1e-5


def test_combine_adds_only_when_sure_and_drops_only_when_very_unlikely():
    probs = {k: 0.5 for k in KINDS} | {"summer_school": 0.97, "agreement": 0.01, "conference": 0.85}
    add = {k: None for k in KINDS} | {"summer_school": 0.9, "conference": 0.9}
    drop = {k: None for k in KINDS} | {"agreement": 0.05, "delegation_visit": 0.05}
    got = am.combine({"agreement", "delegation_visit"}, probs, add, drop)
    assert got == {"summer_school", "delegation_visit"}
    # thresholds of None leave the rules alone
    assert am.combine({"agreement"}, probs, {k: None for k in KINDS}, {k: None for k in KINDS}) == {"agreement"}


def test_thresholds_stay_with_the_rules_without_a_gain():
    rules = [{"agreement"}, {"conference"}]
    gold = [{"agreement"}, {"conference"}]
    probs = np.full((2, len(KINDS)), 0.99)  # a model sure of every kind: any threshold only adds false kinds
    add, drop = TA.choose_thresholds(probs, rules, gold)
    assert all(v is None for v in add.values()) and all(v is None for v in drop.values())


def _hand_model() -> am.ActivityModel:
    """A hand-written model: trusts the rules' kinds, is sure of a summer school where it reads 'bootcamp', and finds
    an agreement very unlikely where it reads 'hypothetically'."""
    i = {k: n for n, k in enumerate(KINDS)}
    weights = {f"r:{k}": [[i[k], 30.0]] for k in KINDS}
    weights["w:bootcamp"] = [[i["summer_school"], 25.0]]
    weights["w:hypothetically"] = [[i["agreement"], -40.0]]
    return am.ActivityModel({"kinds": list(KINDS), "bias": [-10.0] * len(KINDS), "weights": weights,
                             "add_at": {k: (0.9 if k == "summer_school" else None) for k in KINDS},
                             "drop_below": {k: (0.05 if k == "agreement" else None) for k in KINDS}})


def test_extractor_adds_a_kind_the_model_is_sure_of_with_its_evidence(monkeypatch):
    lang, text = TEXTS[1]
    monkeypatch.setattr(am, "load_model", lambda: None)
    before = {m.data["kind"] for m in extract(_doc(lang, text), REF).of("activity")}
    assert "summer_school" not in before  # (the rules have no cue for a bootcamp)
    monkeypatch.setattr(am, "load_model", _hand_model)
    ex = extract(_doc(lang, text), REF)
    acts = {m.data["kind"]: m for m in ex.of("activity")}
    assert set(acts) == before | {"summer_school"}
    m = acts["summer_school"]
    assert m.method.startswith("model: p ") and text[m.start:m.end].lower() == "bootcamp"


def test_extractor_drops_a_rules_kind_the_model_finds_very_unlikely(monkeypatch):
    text = ("Talks with a Latvian University\n\nThe rector of Riga Technical University visited the campus on 2 June "
            "2023. Hypothetically, the two universities signed an agreement on student exchange, the rector joked.")
    monkeypatch.setattr(am, "load_model", lambda: None)
    before = {m.data["kind"] for m in extract(_doc("en", text), REF).of("activity")}
    assert "agreement" in before
    monkeypatch.setattr(am, "load_model", _hand_model)
    after = {m.data["kind"] for m in extract(_doc("en", text), REF).of("activity")}
    assert after == before - {"agreement"}


@pytest.mark.parametrize("lang,text", TEXTS)
def test_no_model_file_means_the_rules_alone(lang, text, monkeypatch):
    monkeypatch.setattr(am, "load_model", lambda: None)
    feats, scores, rules = _recorded(lang, text, monkeypatch)
    monkeypatch.setattr(am, "RECORDER", None)
    monkeypatch.setattr(am, "DISABLED", False)
    got = {m.data["kind"] for m in extract(_doc(lang, text), REF).of("activity")}
    assert got == rules and all(scores[k] >= 1 for k in rules)
    assert all(s < 1 for k, s in scores.items() if k not in rules)  # (the scores below 1 are handed out too)


def test_the_model_file_where_one_is_written(monkeypatch):
    """No file is shipped: the extractor loads none. Where `bench/train_activities.py --write` wrote one, it loads
    and reproduces the training script's probabilities on its fixture (tests/cases/activity_model_fixture.json)."""
    am.load_model.cache_clear()
    model = am.load_model()
    if not am.MODEL_PATH.exists():
        assert model is None
        return
    assert model is not None and model.kinds == list(KINDS)
    fixture = json.loads((ROOT / "tests" / "cases" / "activity_model_fixture.json").read_text(encoding="utf-8"))
    assert fixture
    for case in fixture:
        feats, scores, _ = _recorded(case["lang"], case["text"], monkeypatch)
        got = model.probabilities(feats, scores)
        np.testing.assert_allclose([got[k] for k in KINDS], [case["probabilities"][k] for k in KINDS], rtol=0, atol=1e-9)
