"""Chinese reference data and the traditional-character view: data/reference/zh_orgs.csv is well formed
(every row with its source, countries and kinds valid, a shared Chinese name never naming two organisations
without its country written), agrees with the organisation registry where it cites ROR, and is what the
extractor reads; traditional text is read through a simplified view of the same length."""
from __future__ import annotations

import csv
from pathlib import Path

import pycountry
import pytest

from etl.extract.zh_orgs import find_zh_orgs, load_zh_names, lookup, zh_short_forms
from etl.extract.zh_text import is_traditional, simplified, written
from etl.resolve.geo import load_gazetteer
from etl.resolve.reference import norm

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "data" / "reference" / "zh_orgs.csv"
KINDS = {"university", "institute", "company", "government", "ngo", "other"}


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    with TABLE.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_table_columns_and_values(rows):
    assert len(rows) >= 900
    assert set(rows[0]) == {"zh", "name", "country", "kind", "aliases", "qualified", "source"}
    for r in rows:
        where = f"zh_orgs.csv row {r['zh']}"
        assert r["zh"] and r["name"], where
        assert pycountry.countries.get(alpha_2=r["country"]) is not None, where
        assert r["kind"] in KINDS, where
        assert r["qualified"] in ("", "1"), where
        assert r["source"] == "project" or r["source"].startswith("ROR "), where
        for a in filter(None, r["aliases"].split("|")):
            assert any("\u4e00" <= c <= "\u9fff" for c in a), (where, a)


def test_a_shared_name_needs_its_country(rows):
    """A Chinese form that names two organisations is qualified (needs its country) on all but at most one."""
    by_form: dict[str, set[tuple[str, str, bool]]] = {}
    for r in rows:
        for f in [r["zh"], *filter(None, r["aliases"].split("|"))]:
            by_form.setdefault(f, set()).add((r["name"], r["country"], r["qualified"] == "1"))
    for form, entries in by_form.items():
        if len({(n, c) for n, c, _ in entries}) > 1:
            assert sum(1 for _, _, q in entries if not q) <= 1, (form, entries)


def test_rows_citing_ror_agree_with_the_registry(rows):
    from etl.resolve.registry import load_registry

    reg = load_registry()
    cited = [r for r in rows if r["source"].startswith("ROR ")]
    assert len(cited) >= 800
    disagree = []
    for r in cited:
        recs = [x for x in reg.by_name(r["name"]) if x.source != "partners"]
        rid = r["source"].split(" ", 1)[1]
        if not any(x.id == rid and x.country == r["country"] for x in recs):
            disagree.append((r["zh"], r["name"], rid))
    assert not disagree, disagree[:10]


def test_lookup_with_and_without_country():
    assert lookup("拉夫堡大学").name == "Loughborough University"
    assert lookup("西北大学", "US").name == "Northwestern University"
    # without its country the shared name is not the American university
    west = lookup("西北大学")
    assert west is None or west.country == "CN"
    assert lookup("世界海事大学").country == "SE"
    assert len(load_zh_names().by_form) > 5000  # the tables and the registry's Chinese names


def test_longest_match_and_modifiers():
    gaz = load_gazetteer()
    text = "澳大利亚中央昆士兰大学、美国北肯塔基大学和英国剑桥大学圣约翰学院的代表来访。"
    names = [(text[s:e], k.name if k else None) for s, e, _, k, _ in find_zh_orgs(text, gaz)]
    assert ("中央昆士兰大学", "Central Queensland University") in names
    assert ("剑桥大学圣约翰学院", "St John's College, University of Cambridge") in names
    assert not any(n == "University of Kentucky" for _, n in names)  # 北肯塔基大学 is left to the pattern finder


def test_campus_of_a_known_university():
    gaz = load_gazetteer()
    text = "与美国得克萨斯大学泰勒分校签署协议"
    hits = find_zh_orgs(text, gaz)
    assert [(text[s:e], k, c) for s, e, _, k, c in hits] == [("得克萨斯大学泰勒分校", None, "US")]


def test_short_forms_need_one_fitting_university():
    class O:
        def __init__(self, name, zh):
            self.name, self.aliases, self.known = name, {zh}, None

    um, hku = O("University of Macau", "澳门大学"), O("University of Hong Kong", "香港大学")
    forms = zh_short_forms("澳大与港大的学生，最大的一次交流", [um, hku])
    assert forms.get("澳大") is um and forms.get("港大") is hku and "最大" not in forms


def test_simplified_view_keeps_every_offset():
    text = "國際事務處與澳門大學簽署協議，歡迎交換生。"
    view = simplified(text)
    assert len(view) == len(text) and view == "国际事务处与澳门大学签署协议，欢迎交换生。"
    assert is_traditional(text) and not is_traditional(view)
    assert written(text, view, "国际事务处") == "國際事務處"
