"""The partner candidates' features (etl/extract/partner_model.py) and the training script's model
(bench/train_partner_model.py): the engine's training hook changes no output, the features are numbers in a fixed
order and the same on every run, the plain-Python inference is the training script's. The texts are written for
these tests (no page's text)."""
from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import numpy as np
import pytest

from etl.extract import extract
from etl.extract import partner_model as pm
from etl.resolve.reference import load_reference
from etl.sources.base import SourceDocument

ROOT = Path(__file__).resolve().parents[1]

# a home university's news: a signing partner, a visiting delegation's university, the home's own foundation,
# a professor's employer and a funder
TEXT = """Northbrook University Signs Agreement with Lakeside Institute of Technology
Northbrook University and the Lakeside Institute of Technology signed a memorandum of understanding on 4 March 2025
to launch a joint master's programme in water engineering.
A delegation from the University of Valmora, led by its vice-president, visited Northbrook University the same week.
The Northbrook University Education Foundation will fund ten scholarships.
Professor Ana Ruiz of the University of Corvel gave a talk at the School of Civil Engineering.
Home | News | Contact
"""


def _doc() -> SourceDocument:
    return SourceDocument(uri="case:partner-model", text=TEXT, lang="en", title=TEXT.splitlines()[0])


def _collect(ref) -> tuple[dict, list]:
    pm.COLLECT = []
    try:
        rec = extract(_doc(), ref).record()
        return rec, list(pm.COLLECT)
    finally:
        pm.COLLECT = None


@pytest.fixture(scope="module")
def ref():
    return load_reference(ROOT / "data" / "reference")


MEASURED = ROOT / "bench" / "results" / "partner_model.json"


@pytest.fixture
def measured(monkeypatch):
    """The extractor with the model the training script fitted on every dev page (bench/results/partner_model.json,
    not shipped: see README) in place of etl/extract/partner_model.json."""
    monkeypatch.setattr(pm, "MODEL_PATH", MEASURED)
    pm.shipped.cache_clear()
    yield pm.shipped()
    pm.shipped.cache_clear()


def _train_script():
    spec = importlib.util.spec_from_file_location("train_partner_model", ROOT / "bench" / "train_partner_model.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_hook_gives_the_rules_output_and_features_are_numbers_in_order(ref, measured):
    """With the hook the engine extracts with the rules alone: the same record but for the partners the model
    doubts, which are back among the partners."""
    ex = extract(_doc(), ref)
    plain = ex.record()
    rec, cands = _collect(ref)
    doubted = {x["name"] for x in ex.excluded if x["status"] == "doubtful"}
    assert {k: v for k, v in rec.items() if k != "partners"} == {k: v for k, v in plain.items() if k != "partners"}
    assert [p for p in rec["partners"] if p["name"] not in doubted] == plain["partners"]
    names = {p["name"] for p in rec["partners"]}
    accepted = [c for c in cands if c[3] == "partner"]
    assert {c[1] for c in accepted} == names
    assert any(c[3] != "partner" for c in cands)  # (the home and its foundation are candidates set aside)
    for _, _, x, _ in cands:
        assert len(x) == len(pm.FEATURES)
        assert all(isinstance(v, float) and math.isfinite(v) for v in x)
    _, again = _collect(ref)
    assert again == cands


def test_features_describe_the_candidate(ref):
    _, cands = _collect(ref)
    f = {n: dict(zip(pm.FEATURES, x)) for _, n, x, st in cands if st == "partner"}
    signer = next(v for n, v in f.items() if "Lakeside" in n)
    assert signer["title"] == 1.0 and signer["cue_signed"] == 1.0 and signer["home_sentence"] == 1.0
    assert signer["kind_university"] == 1.0  # ("Institute of Technology" names a university)
    guest = next(v for n, v in f.items() if "Valmora" in n)
    assert guest["cue_delegation"] == 1.0 and guest["cue_from"] == 1.0 and guest["title"] == 0.0
    employer = next(v for n, v in f.items() if "Corvel" in n)  # (a professor's employer: named in a person's role)
    assert employer["person_role"] == 1.0 and employer["cue_professor"] == 1.0
    assert signer["person_role"] == 0.0 and guest["person_role"] == 0.0
    body = next(v for n, v in f.items() if "Foundation" in n)  # (the home's foundation, its name cut to generic words)
    assert body["generic"] == 1.0 and signer["generic"] < 1.0 and body["kind_ngo"] == 1.0


def test_inference_matches_the_training_script():
    t = _train_script()
    rng = np.random.default_rng(7)
    X = rng.random((60, len(pm.FEATURES)))
    X[:, 0] = 1.0
    y = (X[:, 5] + 0.3 * X[:, 9] + 0.2 * rng.random(60) > 0.8).astype(float)
    model = t.fit(X, y)
    assert model["features"] == list(pm.FEATURES)
    # the same numbers by numpy: standardised features, intercept, sigmoid
    mu, sd = np.array(model["mean"]), np.array(model["scale"])
    z = model["intercept"] + ((X - mu) / sd) @ np.array(model["weights"])
    expected = 1.0 / (1.0 + np.exp(-z))
    got = np.array([pm.probability(list(map(float, x)), model) for x in X])
    assert np.allclose(got, expected, atol=1e-12)
    assert np.array_equal(t.predict(model, X), got)
    # fitting is deterministic
    assert t.fit(X, y) == model
    # and the model separates what it was fitted on better than chance
    assert ((got >= 0.5) == (y == 1)).mean() > 0.8


def test_a_written_model_loads_and_a_stale_one_is_refused(tmp_path):
    t = _train_script()
    X = np.vstack([np.ones(len(pm.FEATURES)), np.zeros(len(pm.FEATURES)), np.full(len(pm.FEATURES), 0.5)])
    X[:, 0] = 1.0
    model = t.fit(X, np.array([1.0, 0.0, 1.0]))
    p = tmp_path / "m.json"
    p.write_text(json.dumps(model), encoding="utf-8")
    assert pm.load(p) == json.loads(p.read_text(encoding="utf-8"))
    stale = dict(model, features=model["features"][:-1])
    p.write_text(json.dumps(stale), encoding="utf-8")
    with pytest.raises(ValueError, match="retrain"):
        pm.load(p)


def test_a_doubted_partner_gets_no_fact_but_an_unknown_name_still_reaches_the_review_queue(sqlite_url):
    """The loader (etl/load/documents.py): a partner the model drops ("review": True in Extraction.excluded) is no
    fact of the document; its name, unknown to the resolver, is queued as a new partner as the rules would have
    queued it; a name the resolver knows adds nothing."""
    from sqlalchemy import func, select

    from etl.db import session_factory
    from etl.extract import Extraction, Mention
    from etl.load.documents import store_document
    from etl.load.models import Fact, Partner, ReviewItem, Run
    from etl.resolve.entities import Resolver

    from .conftest import migrated

    migrated(sqlite_url)
    ex = Extraction(doc="n.txt", lang="en", mentions=[
        Mention("partner", "partner:university of valmora", {"name": "University of Valmora", "country": None,
                                                            "kind": "university"}, "University of Valmora")])
    ex.excluded = [{"name": "Education Foundation", "status": "doubtful", "country": None, "kind": "ngo",
                    "reason": "the partner model gives 0.05 (threshold 0.2)", "review": True},
                   {"name": "Northbrook University", "status": "home", "reason": "the home institution"}]
    with session_factory(sqlite_url)() as s:
        run = Run()
        s.add(run)
        s.flush()
        resolver = Resolver(s, ROOT / "data" / "reference")
        store_document(s, None, SourceDocument(uri="/news/n.txt", text="text"), ex, resolver, run.id)
        facts = {f.name for f in s.scalars(select(Fact).where(Fact.type == "partner"))}
        queued = {r.name for r in s.scalars(select(ReviewItem).where(ReviewItem.kind == "partner"))}
        new = {p.name for p in s.scalars(select(Partner).where(Partner.status == "new"))}
        assert facts == {"University of Valmora"}
        assert queued == {"University of Valmora", "Education Foundation"} == new
        # the same doubted name on a second page: queued once, no fact
        store_document(s, None, SourceDocument(uri="/news/m.txt", text="text 2"), ex, resolver, run.id)
        assert s.scalar(select(func.count()).select_from(ReviewItem).where(
            ReviewItem.name == "Education Foundation")) == 1
        assert "Education Foundation" not in {f.name for f in s.scalars(select(Fact).where(Fact.type == "partner"))}


def test_no_model_is_shipped_the_rules_decide(ref):
    """The model did not keep the paraphrased cases and held-out news whole (README): the extractor ships none,
    and every partner of the rules is one."""
    assert not pm.MODEL_PATH.exists() and pm.shipped() is None
    ex = extract(_doc(), ref)
    assert not [x for x in ex.excluded if x["status"] == "doubtful"]
    assert {p["name"] for p in ex.record()["partners"]} >= {"Education Foundation", "University of Corvel"}


def test_the_measured_model_loads_and_drops_what_it_was_made_for(ref, measured):
    """The measured model is this module's and English only; on the written page it
    keeps the signing partner and the visiting delegation's university and drops the home's own foundation (its
    name read as generic words) and a professor's employer, which the rules took for partners; the dropped names
    are in ``excluded`` for the review queue. The engine's decisions are the training script's, and the same on
    every run."""
    model = measured
    assert model is not None and model["langs"] == ["en"] and model["features"] == list(pm.FEATURES)
    assert 0.0 < model["threshold"] < 1.0
    ex = extract(_doc(), ref)
    kept = {p["name"] for p in ex.record()["partners"]}
    assert kept == {"Lakeside Institute of Technology", "University of Valmora"}
    doubted = {x["name"]: x for x in ex.excluded if x["status"] == "doubtful"}
    assert set(doubted) == {"Education Foundation", "University of Corvel"}
    assert all(x["review"] and "partner model" in x["reason"] for x in doubted.values())
    # the training script's probabilities on the same candidates (the rules' partners, collected by the hook)
    _, cands = _collect(ref)
    acc = [(n, x) for _, n, x, st in cands if st == "partner"]
    probs = _train_script().predict(model, np.array([x for _, x in acc]))
    assert {n for (n, _), p in zip(acc, probs) if p < model["threshold"]} == set(doubted)
    assert extract(_doc(), ref).excluded == ex.excluded


def test_chinese_pages_are_left_to_the_rules(ref, measured):
    """The model checks English pages only: a 中文 page's partners are the rules' (no candidate is doubted)."""
    text = "我校与拉克赛德理工大学签署合作协议\n2025年3月4日，我校与拉克赛德理工大学签署合作备忘录。\n"
    ex = extract(SourceDocument(uri="case:pm-zh", text=text, lang="zh", title=text.splitlines()[0]), ref)
    assert not [x for x in ex.excluded if x["status"] == "doubtful"]
    pm.COLLECT = []
    try:
        assert extract(SourceDocument(uri="case:pm-zh", text=text, lang="zh", title=text.splitlines()[0]),
                       ref).record() == ex.record()
    finally:
        pm.COLLECT = None
