"""The learned check on the activity rules (bench/activity_model.py) and its training script
(bench/train_activities.py).

No model file is shipped (the check did not beat the rules in leave-one-university-out
cross-validation, bench/results/train_activities.json), so the extractor runs the rules alone;
these tests hold the pieces a shipped model would run on: the features (single words and word
pairs only), the inference by dictionary look-ups (the same numbers as the training script's
matrix product, deterministic, through a written file), the combination (add at high probability,
drop at very low), and the recording of the extractor's own reading.
"""
from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import numpy as np
import pytest

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
am = TA.am  # bench/activity_model.py, as the training script imports it

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


def _recorded(lang: str, text: str) -> tuple[set, dict, set]:
    return TA.recorded(_doc(lang, text), REF)


def test_features_are_single_words_and_pairs():
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


def _tiny():
    """A model trained by the training script's own functions on the paraphrased texts."""
    docs = []
    for lang, text in TEXTS:
        feats, scores, rules = _recorded(lang, text)
        docs.append({"feats": feats, "scores": scores, "rules": rules, "gold": set(rules) | (
            {"summer_school"} if "bootcamp" in text else set())})
    vocab = TA.vocabulary(docs)
    X = TA.matrix(docs, vocab)
    Y = TA.labels(docs)
    W = TA.train(X, Y)
    data = TA.export(W, vocab, {k: None for k in KINDS}, {k: None for k in KINDS}, {})
    return docs, X, W, data


def test_inference_matches_the_training_scripts_matrix_product():
    docs, X, W, data = _tiny()
    P = TA.predict(X, W)
    model = am.ActivityModel(data)
    for d, row in zip(docs, P):
        got = model.probabilities(d["feats"], d["scores"])
        assert list(got) == list(KINDS)
        np.testing.assert_allclose([got[k] for k in KINDS], row, rtol=0, atol=1e-9)
    # trained again: the same weights (deterministic)
    _, _, W2, data2 = _tiny()
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


@pytest.mark.parametrize("lang,text", TEXTS)
def test_the_recorded_reading_is_the_extractors(lang, text):
    """What the training script records (the rules' kinds and every kind's score) is what the extractor emits."""
    feats, scores, rules = _recorded(lang, text)
    got = {m.data["kind"] for m in extract(_doc(lang, text), REF).of("activity")}
    assert got == rules and all(scores[k] >= 1 for k in rules)
    assert all(s < 1 for k, s in scores.items() if k not in rules)  # (the scores below 1 are handed out too)
    assert feats and set(scores) <= set(KINDS)


def test_a_written_model_file_reproduces_the_training_scripts_probabilities(tmp_path):
    docs, X, W, data = _tiny()
    path = tmp_path / "activity_model.json"
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    model = am.load_model(path)
    assert model.kinds == list(KINDS)
    for d, row in zip(docs, TA.predict(X, W)):
        got = model.probabilities(d["feats"], d["scores"])
        np.testing.assert_allclose([got[k] for k in KINDS], row, rtol=0, atol=1e-9)


def test_no_model_is_shipped_and_the_extractor_does_not_read_one():
    """The check did not beat the rules (bench/results/train_activities.json): the product runs the rules alone."""
    import etl.extract.engine as engine_mod

    assert not (ROOT / "data" / "reference" / "activity_model.json").exists()
    assert "activity_model" not in Path(engine_mod.__file__).read_text(encoding="utf-8")
    result = json.loads((ROOT / "bench" / "results" / "train_activities.json").read_text(encoding="utf-8"))
    assert result["beats_rules"] is False
