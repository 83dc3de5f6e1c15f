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


def test_the_shipped_model_is_loaded_and_used(ref):
    """The extractor ships the guarded model (bench/train_partner_model.py --guard role,short_form,mission
    --guard-kinds company,government,other; README): it loads it, and on the written page drops the home's own
    foundation (the rules' false partner) into the review queue and keeps the professor's employer, whose
    probability is under the threshold but whom the rules tie to a person's role. Its decisions are those of the
    training script's probabilities and guards."""
    model = pm.shipped()
    assert pm.MODEL_PATH.exists() and model == pm.load(pm.MODEL_PATH)
    assert model["langs"] == ["en"] and model["guard"] == list(pm.GUARD_NAMES)
    assert model["guard_kinds"] == ["company", "government", "other"]
    ex = extract(_doc(), ref)
    kept = {p["name"] for p in ex.record()["partners"]}
    doubted = {x["name"]: x for x in ex.excluded if x["status"] == "doubtful"}
    assert kept == {"Lakeside Institute of Technology", "University of Valmora", "University of Corvel"}
    assert set(doubted) == {"Education Foundation"} and doubted["Education Foundation"]["review"]
    pm.COLLECT, pm.GUARDS = [], []
    try:
        extract(_doc(), ref)
        acc = [(n, x, k, g) for (_, n, x, st), (k, g) in zip(pm.COLLECT, pm.GUARDS) if st == "partner"]
    finally:
        pm.COLLECT = pm.GUARDS = None
    probs = _train_script().predict(model, np.array([x for _, x, _, _ in acc]))
    under = {n for (n, _, _, _), p in zip(acc, probs) if p < model["threshold"]}
    assert "University of Corvel" in under  # (kept by its guard alone)
    assert {n for n, _, k, g in acc if n in under and k not in model["guard_kinds"] and not g} == set(doubted)


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


# a page whose partners the rules tie precisely: a dean's college (a person's affiliation, "of" after the role), a
# foundation the page gives a short form, a country's embassy, a company; and one the model may judge
GUARDED_TEXT = """Kestrel University Hosts Forum on Vocational Education
A forum on vocational education opened at Kestrel University on 12 May 2025.
Guests included Mira Sol, dean of the School of Mechanics of Harlow Polytechnic University.
On the same day the Orrin Learning Foundation (the Foundation) signed an agreement to fund twenty scholarships.
Officials of the Embassy of Norway in China attended, and students visited Tarnby Robotics Company.
A delegation of the Vellin Institute of Science also came.
"""


def _guarded_doc() -> SourceDocument:
    return SourceDocument(uri="case:partner-guards", text=GUARDED_TEXT, lang="en",
                          title=GUARDED_TEXT.splitlines()[0])


def test_guards_name_what_the_rules_tie_precisely(ref):
    """pm.guards: a person's affiliation ('dean of the School of … of X University'), a short form the page defines
    ('(the Foundation)'), an embassy; nothing for a candidate named plainly; none on a 中文 page."""
    pm.COLLECT, pm.GUARDS = [], []
    try:
        extract(_guarded_doc(), ref)
        got = {n: (k, g) for (_, n, _, st), (k, g) in zip(pm.COLLECT, pm.GUARDS) if st == "partner"}
    finally:
        pm.COLLECT = pm.GUARDS = None
    assert got["Harlow Polytechnic University"] == ("university", ["role"])
    assert got["Orrin Learning Foundation"] == ("ngo", ["short_form"])
    assert got["Embassy of Norway in China"][1] == ["mission"]
    assert got["Vellin Institute of Science"] == ("institute", [])
    assert got["Tarnby Robotics Company"] == ("company", [])


def test_a_guarded_model_never_drops_guarded_candidates(ref, tmp_path, monkeypatch):
    """A model with "guard" and "guard_kinds" (the shipped one's) drops only the candidates it may judge: with a
    threshold no probability reaches, every unguarded candidate of a judged kind goes to the review queue and every
    guarded one stays a partner; without the guard lists the same model drops them all."""
    model = dict(pm.load(MEASURED), threshold=1.01)
    p = tmp_path / "m.json"
    p.write_text(json.dumps(dict(model, guard=list(pm.GUARD_NAMES), guard_kinds=["company", "government", "other"])),
                 encoding="utf-8")
    monkeypatch.setattr(pm, "MODEL_PATH", p)
    pm.shipped.cache_clear()
    try:
        ex = extract(_guarded_doc(), ref)
        kept = {x["name"] for x in ex.record()["partners"]}
        doubted = {x["name"] for x in ex.excluded if x["status"] == "doubtful"}
        assert kept == {"Harlow Polytechnic University", "Orrin Learning Foundation", "Embassy of Norway in China",
                        "Tarnby Robotics Company"}
        assert doubted == {"Vellin Institute of Science"}
        p.write_text(json.dumps(model), encoding="utf-8")
        pm.shipped.cache_clear()
        ex = extract(_guarded_doc(), ref)
        assert not ex.record()["partners"]
        assert {x["name"] for x in ex.excluded if x["status"] == "doubtful"} == kept | doubted
    finally:
        pm.shipped.cache_clear()
