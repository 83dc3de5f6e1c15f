"""The tables of snippets in tests/cases/extract_cases*.json: one per general rule of the
extractor, with the facts a reader would record. Known misses are marked "xfail" in the
table and run as xfail(strict=True), so a fix shows up as a failure to update the table.

``ref`` selects the reference data: "default" (data/reference), "no_registry" (home and
units but no partner registry: names by pattern) or "none" (nothing configured).

``activity_model_adds`` ({kind: note}) marks a case where the shipped activity model
(etl/extract/activity_model.py, English pages) adds kinds wrongly by the case's own labels: the
case is checked with the rules alone, and the model must add exactly those kinds (so that a
retrain that mends or widens the error shows up here).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from etl.extract import activity_model, extract
from etl.resolve.reference import Reference, empty_reference, load_reference, norm
from etl.sources.base import SourceDocument

ROOT = Path(__file__).resolve().parents[1]
# every table of cases (extract_cases.json, extract_cases_real_en.json …): ids must be unique across them
CASES = [c for f in sorted((ROOT / "tests" / "cases").glob("extract_cases*.json"))
         for c in json.loads(f.read_text(encoding="utf-8"))]


def _ref(kind: str) -> Reference:
    full = load_reference(ROOT / "data" / "reference")
    if kind == "none":
        return empty_reference()
    if kind == "no_registry":
        return Reference(full.home_name, full.home_zh, full.home_aliases, full.units, [], full.non_partners)
    return full


def _params():
    for c in CASES:
        marks = [pytest.mark.xfail(reason=c["xfail"], strict=True)] if c.get("xfail") else []
        yield pytest.param(c, id=c["id"], marks=marks)


def test_case_ids_are_unique():
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


@pytest.mark.parametrize("case", list(_params()))
def test_case(case, monkeypatch):
    text = case["text"]
    lang = case.get("lang", "en")
    doc = SourceDocument(uri=f"case:{case['id']}", text=text, lang=lang, title=text.splitlines()[0])
    model_adds = case.get("activity_model_adds")
    if model_adds:
        with_model = extract(doc, _ref(case.get("ref", "default"))).record()
        monkeypatch.setattr(activity_model, "RULES_ALONE", True)
    ex = extract(doc, _ref(case.get("ref", "default")))
    rec = ex.record()
    if model_adds:
        assert set(with_model["activities"]) == set(rec["activities"]) | set(model_adds), with_model["activities"]
        assert not set(model_adds) & set(rec["activities"])
    exp = case["expect"]
    partners = {norm(p["name"]): p for p in rec["partners"]}
    for key in ("published", "event_date", "home"):
        if key in exp:
            assert rec[key] == exp[key], (key, rec[key])
    for name in exp.get("partners", []):
        assert norm(name) in partners, (name, list(partners))
    for name in exp.get("partners_absent", []):
        assert norm(name) not in partners, name
    for name, code in exp.get("countries", {}).items():
        assert norm(name) in partners and partners[norm(name)]["country"] == code, (name, partners.get(norm(name)))
    for field in ("schools", "offices", "activities"):
        got = {norm(x) for x in rec[field]}
        for x in exp.get(field, []):
            assert norm(x) in got, (field, x, got)
        for x in exp.get(field + "_absent", []):
            assert norm(x) not in got, (field, x)
    people = {p["name"]: p for p in rec["people"]}
    for name in exp.get("people_absent", []):
        assert name not in people, (name, list(people))
    for p in exp.get("people", []):
        assert p["name"] in people, (p["name"], list(people))
        got = people[p["name"]]
        if "org" in p:
            assert norm(got["org"]) == norm(p["org"]), got
        if "role" in p:
            assert got["role"] == p["role"], got
    counts = [(c["what"], c["value"]) for c in rec["counts"]]
    for what, value in exp.get("counts", []):
        assert (what, value) in counts, (what, value, counts)
    for value in exp.get("counts_absent", []):
        assert all(v != value for _, v in counts), (value, counts)
    # every fact keeps its evidence
    for m in ex.mentions:
        assert m.method and m.start is not None and m.end is not None and 0 < m.confidence <= 1
        assert text[m.start:m.end], m
