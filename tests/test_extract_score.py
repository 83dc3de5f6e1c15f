"""The extractor on the labelled corpus (tests/corpus), scored with the corpus' own scorer
(a copy in tests/tools) against the thresholds of the extraction issue.

Also scored: the same corpus without the partner registry (names, countries and kinds by
pattern and gazetteer only, as for another university's news), counts (value and what),
and people's organisations.
"""
from __future__ import annotations

import importlib.util
import json
from collections import Counter
from pathlib import Path

import pytest

from etl.extract import extract
from etl.resolve.reference import Reference, load_reference
from etl.sources.files import read_path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"


def _scorer():
    spec = importlib.util.spec_from_file_location("score_extraction", ROOT / "tests" / "tools" / "score_extraction.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


SC = _scorer()
FILES = sorted((CORPUS / "docs").glob("*.txt")) + [CORPUS / "bad" / "article.html"]


def _predict(ref: Reference) -> dict[str, dict]:
    out = {}
    for f in FILES:
        rec = extract(read_path(f), ref).record()
        rec["doc"] = f.name
        out[f.name] = rec
    return out


@pytest.fixture(scope="module")
def gold():
    return SC.load(str(CORPUS / "gold.jsonl"))


@pytest.fixture(scope="module")
def canon():
    return SC.alias_map(str(CORPUS / "aliases.json"))


@pytest.fixture(scope="module")
def pred():
    return _predict(load_reference(ROOT / "data" / "reference"))


@pytest.fixture(scope="module")
def pred_no_registry():
    full = load_reference(ROOT / "data" / "reference")
    ref = Reference(full.home_name, full.home_zh, full.home_aliases, full.units, [], full.non_partners)
    return _predict(ref)


def _result(gold, pred, canon, lang):
    g = {k: v for k, v in gold.items() if v.get("lang") == lang}
    result, misses = SC.score(g, pred, canon)
    return result, misses


def test_every_gold_document_is_predicted(gold, pred):
    assert set(gold) <= set(pred)


def test_english_thresholds(gold, pred, canon):
    r, misses = _result(gold, pred, canon, "en")
    f = r["fields"]
    detail = json.dumps({k: v for k, v in misses.items()}, ensure_ascii=False, indent=1)
    assert r["overall_f1"] >= 0.95, detail
    assert f["partners"]["f1"] >= 0.93, detail
    assert f["schools"]["f1"] >= 0.95, detail
    assert f["activities"]["f1"] >= 0.90, detail
    assert f["offices"]["f1"] >= 0.90, detail
    assert f["people"]["f1"] >= 0.90, detail
    assert r["partner_country_accuracy"] >= 0.97
    assert r["dates"]["event_year"]["accuracy"] >= 0.97
    assert r["dates"]["event_date"]["accuracy"] >= 0.90
    assert r["dates"]["published"]["accuracy"] >= 0.98


def test_english_written_corpus_holds_its_level(gold, pred, canon):
    # (the level reached on the written corpus, 0.997 before the eighth real-page round and 1.000 after issue 12's
    # activity fixes: a rule for real pages must not cost the written pieces)
    r, misses = _result(gold, pred, canon, "en")
    detail = json.dumps({k: v for k, v in misses.items()}, ensure_ascii=False, indent=1)
    assert r["overall_f1"] >= 0.997, detail
    assert r["fields"]["activities"]["f1"] >= 0.99, detail


def test_chinese_written_corpus_holds_its_level(gold, pred, canon):
    # (1.000 on the written 中文 pieces, the configured university's own news: a change for other universities' real
    # pages once took its units to the names as written, 0.889, and the floor of 0.85 below did not see it)
    r, misses = _result(gold, pred, canon, "zh")
    detail = json.dumps({k: v for k, v in misses.items()}, ensure_ascii=False, indent=1)
    assert r["overall_f1"] >= 0.99, detail
    assert r["fields"]["schools"]["f1"] >= 0.95 and r["fields"]["offices"]["f1"] >= 0.95, detail


def test_chinese_thresholds(gold, pred, canon):
    r, misses = _result(gold, pred, canon, "zh")
    assert r["overall_f1"] >= 0.85, json.dumps(misses, ensure_ascii=False)
    assert r["fields"]["people"]["f1"] >= 0.85
    assert r["dates"]["event_date"]["accuracy"] >= 0.90


def test_html_page_scored_against_its_gold_line(gold, pred, canon):
    r, misses = SC.score({"article.html": gold["article.html"]}, pred, canon)
    assert r["overall_f1"] >= 0.95, misses
    rec = pred["article.html"]
    names = {p["name"] for p in rec["partners"]}
    assert "Coventry University" not in names  # only in the meta keywords
    assert not {"Universiti Teknologi Malaysia", "The Hong Kong Polytechnic University"} & names  # related news
    assert all(c["value"] != 1024 for c in rec["counts"])  # the views counter


def test_partners_without_the_registry(gold, pred_no_registry, canon):
    """Names, countries and kinds by pattern and gazetteer only (another university's news)."""
    for lang, bar, country_bar in (("en", 0.93, 0.90), ("zh", 0.85, 0.85)):
        r, misses = _result(gold, pred_no_registry, canon, lang)
        assert r["fields"]["partners"]["f1"] >= bar, misses.get("partners")
        assert r["partner_country_accuracy"] >= country_bar


def _count_prf(gold, pred, lang):
    tp = fp = fn = 0
    for doc, g in gold.items():
        if g.get("lang") != lang:
            continue
        gs = Counter((c["what"], c["value"]) for c in g.get("counts") or [])
        ps = Counter((c["what"], c["value"]) for c in pred.get(doc, {}).get("counts") or [])
        tp += sum((gs & ps).values())
        fp += sum((ps - gs).values())
        fn += sum((gs - ps).values())
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def test_counts_value_and_what(gold, pred):
    for lang in ("en", "zh"):
        p, r, f = _count_prf(gold, pred, lang)
        assert f >= 0.85, (lang, p, r)


def test_people_orgs_and_roles(gold, pred, canon):
    """A person's org is 'home' or the partner (alias-matched); most people have a role."""
    right = total = with_role = 0
    for doc, g in gold.items():
        p = {x["name"]: x for x in pred.get(doc, {}).get("people") or []}
        for person in g.get("people") or []:
            got = p.get(person["name"])
            if not got:
                continue
            total += 1
            with_role += bool(got.get("role"))
            want = person["org"] if person["org"] == "home" else canon.get(SC.norm(person["org"]), SC.norm(person["org"]))
            have = got["org"] if got["org"] == "home" else canon.get(SC.norm(got["org"] or ""), SC.norm(got["org"] or ""))
            right += want == have
    assert total > 100
    assert right / total >= 0.9
    assert with_role / total >= 0.9
