"""The learned check on the activity rules (etl/extract/activity_model.py, re-exported by bench/activity_model.py)
and its training script (bench/train_activities.py).

A model is shipped (etl/extract/activity_model.json, trained on all labelled dev material, adding a kind the rules
missed at p >= 0.5, no drops; registered before two held-out tests, bench/results/train_activities_heldout*.json)
for English pages only ("langs": ["en"]): the engine runs it on English pages, other pages keep the rules alone,
and without the file every page does. These tests hold the features (single words and word pairs only), the
inference by dictionary look-ups (the same numbers as the training script's matrix product: through a written file,
and for the shipped file through its fixture), the combination (add at high probability, drop at very low), the
recording of the extractor's own reading (the rules alone), and the wiring: a kind the model adds keeps a span and a
sentence of the text.
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
amr = TA.amr  # etl/extract/activity_model.py, the runtime (the same functions)

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
def test_the_recorded_reading_is_the_extractors(lang, text, monkeypatch):
    """What the training script records (the rules' kinds and every kind's score) is what the extractor emits with
    the rules alone; the shipped model only adds to it."""
    feats, scores, rules = _recorded(lang, text)
    monkeypatch.setattr(amr, "RULES_ALONE", True)
    got = {m.data["kind"] for m in extract(_doc(lang, text), REF).of("activity")}
    assert got == rules and all(scores[k] >= 1 for k in rules)
    assert all(s < 1 for k, s in scores.items() if k not in rules)  # (the scores below 1 are handed out too)
    assert feats and set(scores) <= set(KINDS)
    monkeypatch.setattr(amr, "RULES_ALONE", False)
    assert {m.data["kind"] for m in extract(_doc(lang, text), REF).of("activity")} >= rules
    assert feats == amr.features(text, (0, len(text.splitlines()[0])))  # the runtime's features are the script's


def test_a_written_model_file_reproduces_the_training_scripts_probabilities(tmp_path):
    docs, X, W, data = _tiny()
    path = tmp_path / "activity_model.json"
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    model = am.load_model(path)
    assert model.kinds == list(KINDS)
    for d, row in zip(docs, TA.predict(X, W)):
        got = model.probabilities(d["feats"], d["scores"])
        np.testing.assert_allclose([got[k] for k in KINDS], row, rtol=0, atol=1e-9)


FIXTURE = json.loads((ROOT / "etl" / "extract" / "activity_model.fixture.json").read_text(encoding="utf-8"))


def test_the_shipped_model_loads_for_english_pages_only():
    model = amr.shipped()
    assert model is not None and model.kinds == list(KINDS)
    assert model.langs == ("en",) and model.applies("en") and not model.applies("zh")
    assert amr.active("en") is model and amr.active("zh") is None
    assert all(v == 0.5 for v in model.add_at.values()) and all(v is None for v in model.drop_below.values())
    assert amr.MODEL_PATH.stat().st_size < 1_000_000
    assert all(re.fullmatch(r"[wbtc]:[^ ]+(?: [^ ]+)?|r:[a-z_]+", f) for f in model.weights)


@pytest.mark.parametrize("case", FIXTURE, ids=lambda c: c["text"][:24])
def test_the_runtime_reproduces_the_fixtures_probabilities(case):
    """The training script's matrix product (the fixture, written with the shipped file) against the runtime's
    dictionary look-ups on the extractor's own reading of the paraphrased text."""
    lang, text = case["lang"], case["text"]
    feats, scores, _rules = _recorded(lang, text)
    assert scores == case["rule_scores"]
    got = amr.shipped().probabilities(amr.features(text, (0, len(text.splitlines()[0]))), scores)
    np.testing.assert_allclose([got[k] for k in KINDS], [case["probabilities"][k] for k in KINDS], rtol=0, atol=1e-9)


def _activities(lang: str, text: str) -> dict[str, object]:
    return {m.data["kind"]: m for m in extract(_doc(lang, text), REF).of("activity")}


def test_an_english_page_gets_a_kind_the_model_adds_with_a_span_and_sentence():
    case = next(c for c in FIXTURE if c["lang"] == "en" and not c["rule_scores"])
    text = case["text"]
    p = case["probabilities"]["delegation_visit"]
    assert p >= 0.5
    got = _activities("en", text)
    m = got["delegation_visit"]
    assert m.method == f"model: activity check p={p:.2f}" and m.confidence == pytest.approx(p, abs=1e-3)
    assert 0 <= m.start < m.end <= len(text) and text[m.start:m.end] == m.text
    title = text.splitlines()[0]
    assert m.text == title and m.sentence and m.sentence in text  # no cue of the rules: the title
    # the rules alone report nothing here
    assert set(got) == {k for k, v in case["probabilities"].items() if v >= 0.5}
    # a kind the rules find keeps the rules' own span and method
    en = _activities("en", FIXTURE[0]["text"])
    assert all(m.method.startswith("rule: ") for m in en.values())


def test_a_chinese_page_is_left_to_the_rules(monkeypatch):
    zh = [c for c in FIXTURE if c["lang"] == "zh"]
    assert zh
    for case in zh + [{"lang": lang, "text": text} for lang, text in TEXTS if lang == "zh"]:
        got = _activities("zh", case["text"])
        monkeypatch.setattr(amr, "RULES_ALONE", True)
        alone = _activities("zh", case["text"])
        monkeypatch.setattr(amr, "RULES_ALONE", False)
        assert {k: (m.start, m.end, m.method, m.confidence) for k, m in got.items()} == \
            {k: (m.start, m.end, m.method, m.confidence) for k, m in alone.items()}
        assert all(m.method.startswith("rule: ") for m in got.values())
    # even where a model sure of a kind would add it were it run on 中文 pages
    data = {"kinds": list(KINDS), "bias": [-5.0] * len(KINDS), "weights": {},
            "add_at": {k: 0.5 for k in KINDS}, "drop_below": {k: None for k in KINDS}, "langs": ["en"]}
    data["bias"][KINDS.index("conference")] = 3.0
    text = zh[0]["text"]
    monkeypatch.setattr(amr, "shipped", lambda: amr.ActivityModel(data))
    assert "conference" not in _activities("zh", text)
    monkeypatch.setattr(amr, "shipped", lambda: amr.ActivityModel(dict(data, langs=None)))  # (every language)
    assert _activities("zh", text)["conference"].method.startswith("model: activity check")


def test_without_a_model_file_the_rules_run_alone(monkeypatch, tmp_path):
    text = next(c for c in FIXTURE if c["lang"] == "en" and not c["rule_scores"])["text"]
    monkeypatch.setattr(amr, "MODEL_PATH", tmp_path / "activity_model.json")
    amr.shipped.cache_clear()
    try:
        assert amr.shipped() is None and amr.active("en") is None
        assert _activities("en", text) == {}
    finally:
        monkeypatch.undo()
        amr.shipped.cache_clear()
    assert amr.shipped() is not None


def test_a_kind_added_is_placed_on_the_rules_strongest_cue_else_the_title():
    """check(): a model sure of one kind (its bias) adds it where the rules did not report it."""
    data = {"kinds": list(KINDS), "bias": [-5.0] * len(KINDS), "weights": {},
            "add_at": {k: 0.5 for k in KINDS}, "drop_below": {k: None for k in KINDS}, "langs": ["en"]}
    data["bias"][KINDS.index("study_abroad")] = 2.0
    model = amr.ActivityModel(data)
    text = "A title here\n\nFirst sentence of the lead. A weak cue of going abroad sits here."
    sents = [(0, 12), (14, 40), (41, len(text))]
    cue = (text.index("going abroad"), text.index("going abroad") + len("going abroad"), "a weak rule")
    kept, added = amr.check(model, text, (0, 12), set(), {"study_abroad": 0.5}, {"study_abroad": cue}, sents,
                            (14, len(text)))
    assert kept == set() and [(k, s, e, r) for k, _p, s, e, r in added] == [("study_abroad", *cue)]
    kept, added = amr.check(model, text, (0, 12), {"agreement"}, {}, {}, sents, (14, len(text)))
    assert kept == {"agreement"} and [(k, s, e, r) for k, _p, s, e, r in added] == [("study_abroad", 0, 12, None)]
    # no title: the lead's first sentence
    _, added = amr.check(model, text, None, set(), {}, {}, sents, (14, len(text)))
    assert [(s, e) for _k, _p, s, e, _r in added] == [(14, 40)]
    # a kind the rules report is kept (no drops), and nothing is added twice
    _, added = amr.check(model, text, (0, 12), {"study_abroad"}, {"study_abroad": 1.0}, {"study_abroad": cue}, sents)
    assert added == []


def test_the_engine_passes_the_rules_cues_to_the_model(monkeypatch):
    """With a model sure of a kind the rules scored below their threshold, the kind is cited at the rules' cue."""
    text = ("Returning students share their year overseas\n\nSix students who took part in exchange programmes last "
            "year talked about their courses and daily life at universities in Germany and Japan.")
    data = {"kinds": list(KINDS), "bias": [-5.0] * len(KINDS), "weights": {},
            "add_at": {k: 0.5 for k in KINDS}, "drop_below": {k: None for k in KINDS}, "langs": ["en"]}
    data["bias"][KINDS.index("study_abroad")] = 1.0
    monkeypatch.setattr(amr, "shipped", lambda: amr.ActivityModel(data))
    m = _activities("en", text)["study_abroad"]
    assert m.method.startswith("model: activity check p=0.73; cue: ") and m.text == "exchange programmes"
    assert text[m.start:m.end] == m.text and m.sentence.startswith("Six students")
