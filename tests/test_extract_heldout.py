"""The extractor on held-out news of other universities (tests/heldout): 33 hand-labelled
articles (18 English, 15 Chinese; plain text and HTML pages with navigation and footers) from
22 universities in China, the UK, the US and Japan, labelled by the corpus conventions and scored
with the corpus scorer (tests/tools/score_extraction.py) against tests/heldout/aliases.json.

Set-ups (see tests/heldout/score.py):
- ``default``: the project's reference folder, whose home is BISTU — how the extractor meets
  another university's news in production; it must see that the news is not BISTU's;
- ``nohome``: the partner registry but no home institution;
- ``minimal``: a short home list written for each university (tests/heldout/reference/<key>).

A second set (tests/heldout/fresh: 12 articles, 12 more universities) was written after the first
round of fixes and scored once before any further change (its first_score.json).

The thresholds sit a little under the scores reached (tests/heldout/README.md has the figures).
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from etl.sources.files import read_path

ROOT = Path(__file__).resolve().parents[1]
HELD = ROOT / "tests" / "heldout"


def _score_module():
    spec = importlib.util.spec_from_file_location("heldout_score", HELD / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


HS = _score_module()


@pytest.fixture(scope="module")
def gold():
    return HS.gold()


@pytest.fixture(scope="module", params=["default", "nohome", "minimal"])
def scored(request, gold):
    preds = HS.predict(request.param, gold)
    return request.param, preds, HS.score(request.param, preds)


# (mode, lang) → minimum overall F1, partners F1, activities F1, schools F1, offices F1, home accuracy
THRESHOLDS = {
    ("default", "en"): dict(overall=0.95, partners=0.93, activities=0.95, schools=0.95, offices=0.95, home=0.9),
    ("default", "zh"): dict(overall=0.95, partners=0.95, activities=0.95, schools=0.9, offices=0.9, home=0.9),
    ("nohome", "en"): dict(overall=0.95, partners=0.93, activities=0.95, schools=0.95, offices=0.95, home=0.9),
    ("nohome", "zh"): dict(overall=0.95, partners=0.95, activities=0.95, schools=0.9, offices=0.9, home=0.9),
    ("minimal", "en"): dict(overall=0.97, partners=0.97, activities=0.95, schools=0.97, offices=0.97, home=1.0),
    ("minimal", "zh"): dict(overall=0.95, partners=0.95, activities=0.95, schools=0.95, offices=0.97, home=1.0),
}


def test_every_heldout_document_is_predicted(gold, scored):
    _, preds, _ = scored
    assert set(gold) == set(preds)
    assert len(gold) >= 30 and sum(g["lang"] == "zh" for g in gold.values()) >= 12


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_heldout_thresholds(scored, lang):
    mode, _, result = scored
    r = result[lang]
    t = THRESHOLDS[(mode, lang)]
    f = r["fields"]
    misses = {k: v for k, v in r["misses"].items() if k in ("schools", "offices", "partners", "activities")}
    assert r["overall_f1"] >= t["overall"], (mode, lang, r["overall_f1"], misses)
    assert f["partners"]["f1"] >= t["partners"], (mode, lang, f["partners"], misses.get("partners"))
    assert f["activities"]["f1"] >= t["activities"], (mode, lang, f["activities"], misses.get("activities"))
    assert f["schools"]["f1"] >= t["schools"], (mode, lang, f["schools"], misses.get("schools"))
    assert f["offices"]["f1"] >= t["offices"], (mode, lang, f["offices"], misses.get("offices"))
    assert r["home_accuracy"] >= t["home"], (mode, lang, r["home_accuracy"])
    assert f["people"]["f1"] >= 0.93, (mode, lang, f["people"])
    assert r["counts"]["f1"] >= 0.9, (mode, lang, r["counts"])
    assert r["partner_country_accuracy"] >= 0.93, (mode, lang, r["partner_country_accuracy"])
    for key in ("published", "event_date", "event_year"):
        assert r["dates"][key]["accuracy"] >= 0.95, (mode, lang, key, r["dates"][key])


# the second set (tests/heldout/fresh), written after the first round of fixes: (mode, lang) → minimum overall F1
FRESH = {("default", "en"): 0.93, ("default", "zh"): 0.75, ("minimal", "en"): 0.95, ("minimal", "zh"): 0.9}


@pytest.mark.parametrize("mode,lang", sorted(FRESH))
def test_fresh_heldout_thresholds(mode, lang):
    base = HELD / "fresh"
    r = HS.score(mode, base=base)[lang]
    assert r["overall_f1"] >= FRESH[(mode, lang)], (mode, lang, r["overall_f1"], r["misses"])
    assert r["fields"]["partners"]["f1"] >= 0.9, (mode, lang, r["misses"].get("partners"))
    assert r["home_accuracy"] >= 0.9, (mode, lang, r["home_accuracy"])
    for key in ("published", "event_date"):
        assert r["dates"][key]["accuracy"] >= 0.9, (mode, lang, key)


def test_heldout_gold_is_well_formed(gold):
    """Every gold line follows SCHEMA.md: closed lists, ISO countries, dates, a home reference list."""
    import pycountry

    kinds = {"joint_program", "study_abroad", "summer_school", "international_students", "faculty_exchange",
             "research_collaboration", "agreement", "delegation_visit", "conference"}
    fresh = HS.gold(HELD / "fresh")
    for doc, g in {**gold, **fresh}.items():
        base = HELD / "fresh" if doc in fresh else HELD
        assert (base / "docs" / doc).exists(), doc
        assert set(g["activities"]) <= kinds, doc
        for p in g["partners"]:
            assert pycountry.countries.get(alpha_2=p["country"]) is not None, (doc, p)
            assert p["kind"] in {"university", "institute", "company", "government", "ngo", "other"}, (doc, p)
        assert (base / "reference" / g["home_key"] / "home_units.json").exists(), doc
        for c in g["counts"]:
            assert c["what"] in {"students", "faculty", "participants", "programs", "projects", "agreements",
                                 "partners", "countries"}, (doc, c)


def test_html_pages_keep_date_line_and_site_and_drop_neighbour_links():
    """A news page's date line (which trafilatura leaves out with the page furniture) is kept under the
    title, the site's name comes from the <title>, and links to the previous and next pieces are dropped."""
    doc = read_path(HELD / "docs" / "zh-h05.html")
    assert "时间：2023年5月22日" in doc.text
    assert doc.meta.get("site") == "西安交通大学新闻网"
    assert "下一篇" not in doc.text and "剑桥大学" not in doc.text
    en = read_path(HELD / "docs" / "en-h02.html")
    assert en.meta.get("site") == "Harbin Institute of Technology"
    assert "Date: 2023-10-18" in en.text
    assert "School of Materials Science and Engineering" not in en.text  # navigation


def test_gbk_page_is_read():
    doc = read_path(HELD / "docs" / "zh-h14.txt")
    assert doc.lang == "zh" and "北京理工大学" in doc.text
