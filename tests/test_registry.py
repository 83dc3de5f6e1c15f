"""The organisation registry (etl/resolve/registry.py) and the script that derives its table from a ROR
dump (etl/resolve/registry_build.py).

The shipped table (data/reference/registry.tsv.gz) is checked for what the extractor relies on: names,
acronyms and Chinese names found, namesakes kept apart, former names leading to the current
organisation, the office's partners.csv first. The build is checked on a small dump written here in
ROR's two schemas (the organisations are made up)."""
from __future__ import annotations

import gzip
import hashlib
import json
import zipfile
from pathlib import Path

import pycountry
import pytest

from etl.resolve import registry_build as rb
from etl.resolve.geo import load_world_universities
from etl.resolve.reference import norm
from etl.resolve.registry import REGISTRY_FILE, Registry, RegistryError, load_registry, registry_table

ROOT = Path(__file__).resolve().parents[1]
KINDS = {"university", "institute", "company", "government", "ngo", "other"}


@pytest.fixture(scope="module")
def reg() -> Registry:
    return load_registry(ROOT / "data" / "reference")


# -- the shipped table ------------------------------------------------------------------------------
def test_shipped_table_loads_whole_and_well_formed(reg):
    table = ROOT / "data" / "reference" / REGISTRY_FILE
    assert registry_table() == table.resolve()
    assert table.stat().st_size < 10 * 2**20
    lines = gzip.decompress(table.read_bytes()).decode("utf-8").splitlines()
    assert lines[0].split("\t") == rb.COLUMNS
    assert len(reg) == len(lines) - 1 >= 100_000
    ids, bad = set(), []
    for rec in reg.records():
        ids.add(rec.id)
        # XK: Kosovo, as GeoNames (and so ROR) writes it; ISO 3166 has no code for it yet
        if rec.kind not in KINDS or not rec.name or \
                (rec.country and rec.country != "XK" and pycountry.countries.get(alpha_2=rec.country) is None):
            bad.append(rec)
    assert not bad[:5]
    assert len(ids) == len(reg)  # one row per organisation
    s = reg.stats()
    assert s["records"] == len(reg) and s["index_keys"] > len(reg)


def test_names_found_with_their_country_and_kind(reg):
    for name, country in [("University of Salford", "GB"), ("Edge Hill University", "GB"),
                          ("Ss. Cyril and Methodius University in Skopje", "MK"), ("Kanto Gakuin University", "JP"),
                          ("Central Queensland University", "AU"), ("Kazakh-British Technical University", "KZ")]:
        hits = reg.by_name(name)
        assert hits and {h.country for h in hits if h.source != "partners"} == {country}, (name, hits)
        assert reg.country(name) == country
        assert hits[-1].kind == "university"
    # without accents, as English news writes them, and case and punctuation aside
    assert [h.country for h in reg.by_name("Universitat Politecnica de Catalunya")] == ["ES"]
    assert [h.name for h in reg.by_name("the university of salford")] == ["University of Salford"]
    assert reg.by_name("Nowhere Institute of Imaginary Studies") == []
    assert reg.has_norm(norm("Edge Hill University")) and not reg.has_norm(norm("Edge Hill Universe"))


def test_acronyms_are_case_sensitive_and_every_holder_comes_back(reg):
    mit = reg.by_acronym("MIT")
    assert "Massachusetts Institute of Technology" in {r.name for r in mit}
    assert len({r.country for r in mit}) >= 3  # Melbourne, Manukau, Massachusetts …: the text must decide
    assert "University College London" in {r.name for r in reg.by_acronym("UCL")}
    assert reg.by_acronym("ucl") == []
    assert [r.name for r in reg.by_acronym("BISTU")] == ["Beijing Information Science & Technology University"]


def test_chinese_names_exact_simplified_and_traditional(reg):
    for zh in ("实践女子大学", "實踐女子大學"):  # from the Japanese label 実践女子大学
        assert [(r.name, r.country) for r in reg.by_zh(zh)] == [("Jissen Women's University", "JP")]
    assert [r.name for r in reg.by_zh("清华大学")] == ["Tsinghua University"]
    assert reg.country("北京信息科技大学") == "CN"
    # a longer name is another university: Central Queensland is not Queensland
    assert all("Queensland" not in r.name or "Central" in r.name for r in reg.by_zh("中央昆士兰大学"))
    assert reg.by_zh("实践女子") == []


def test_namesakes_come_back_as_several_candidates(reg):
    hits = reg.by_name("Saint Mary's University")
    countries = {h.country for h in hits}
    assert {"CA", "PH"} <= countries and len(hits) >= 3
    assert [h.id for h in reg.by_name("St. Mary's University")] == [h.id for h in hits]  # St = Saint
    assert reg.country("Saint Mary's University") is None  # the text has to say which
    assert load_world_universities().get(norm("Saint Mary's University")) is None


def test_former_names_lead_to_the_current_organisation(reg):
    for old, current, country in [("University of South Australia", "Adelaide University", "AU"),
                                  ("Okanagan University College", "University of British Columbia", "CA"),
                                  ("North China Coal Medical University",
                                   "North China University of Science and Technology", "CN")]:
        hits = {h.name: h for h in reg.by_name(old) if h.source != "partners"}
        assert hits[current].country == country and old in hits[current].former, old
        assert old not in {h.name for h in hits.values()}  # the retired record itself is not a row
    # a college split in two leads to both
    assert {h.name for h in reg.by_name("Okanagan University College")} == {"University of British Columbia",
                                                                            "Okanagan College"}


def test_partners_csv_comes_first(tmp_path, reg):
    (tmp_path / "partners.csv").write_text(
        "name,country,kind,zh,aliases\n"
        "Saint Mary's University,GB,university,圣玛丽大学,St Mary's Twickenham|SMUT\n"
        "Edge Hill University,,university,,\n", encoding="utf-8")
    local = load_registry(tmp_path)
    assert local.path == registry_table(tmp_path) == registry_table()  # the shipped table, with this folder's partners
    hits = local.by_name("Saint Mary's University")
    assert hits[0].source == "partners" and hits[0].country == "GB"
    assert {h.country for h in hits[1:]} >= {"CA", "PH"}  # the registry's namesakes stay available, after it
    assert local.country("Saint Mary's University") == "GB"
    assert local.country("St Mary's Twickenham") == "GB"
    assert [h.source for h in local.by_zh("圣玛丽大学")] == ["partners"]
    assert local.by_acronym("SMUT")[0].source == "partners"
    # a partner without a country leaves the registry's answer standing
    assert local.by_name("Edge Hill University")[0].source == "partners"
    assert local.country("Edge Hill University") == "GB"
    world = load_world_universities(tmp_path)
    assert world.get(norm("Saint Mary's University")) == "GB"
    assert world.kind(norm("Saint Mary's University")) == "university"
    # the shipped folder's own partners.csv: a partner's Chinese name answers with the partner
    assert reg.by_zh("哈萨克斯坦国立大学")[0].name == "Al-Farabi Kazakh National University"


def reg_has(name: str) -> bool:
    return bool(load_registry().by_name(name))


def test_world_universities_drop_in(tmp_path):
    world = load_world_universities()
    assert world.get(norm("Edge Hill University")) == "GB"
    assert world.kind(norm("Edge Hill University")) == "university"
    assert world.get(norm("实践女子大学")) == "JP"
    assert world.get(norm("Nowhere Institute of Imaginary Studies")) is None
    assert norm("Edge Hill University") in world and world[norm("Edge Hill University")] == "GB"
    # a name of generic words is some organisation's alias in the registry, but no one's name in a text
    for generic in ("Institute of Education", "University Hospital", "Center for International Studies"):
        assert reg_has(generic) and world.get(norm(generic)) is None and world.kind(norm(generic)) is None
    # a name only world_universities.csv has still answers from it
    (tmp_path / "world_universities.csv").write_text("name,country\nImaginary Polytechnic of Atlantis,GR\n",
                                                     encoding="utf-8")
    local = load_world_universities(tmp_path)
    assert local.get(norm("Imaginary Polytechnic of Atlantis")) == "GR"
    assert local.kind(norm("Imaginary Polytechnic of Atlantis")) == "university"


def test_the_extractor_takes_a_partner_country_from_the_registry():
    from etl.extract import extract
    from etl.resolve.reference import load_reference
    from etl.sources.base import SourceDocument

    ref = load_reference(ROOT / "data" / "reference")
    en = SourceDocument(uri="mem://reg-en", lang="en", title="Agreement signed",
                        text="Agreement signed\n\nOn 3 May 2024 BISTU signed a memorandum of understanding with "
                             "Kanto Gakuin University on student exchange.")
    zh = SourceDocument(uri="mem://reg-zh", lang="zh", title="我校与实践女子大学签署合作协议",
                        text="我校与实践女子大学签署合作协议\n\n2024年5月3日，我校与实践女子大学签署学生交流合作协议。")
    for doc, name in ((en, "Kanto Gakuin University"), (zh, "Jissen Women's University")):
        partners = {p["name"]: p for p in extract(doc, ref).record()["partners"]}
        assert partners[name]["country"] == "JP", partners


# -- the cache -------------------------------------------------------------------------------------
def test_cache_file_reused_and_no_cache_folder_works(tmp_path, monkeypatch):
    table = tmp_path / "t" / REGISTRY_FILE
    table.parent.mkdir()
    rb.write_rows([rb.Row("0x1", "Alpha University", "NZ", "university", ["AU1"], ["阿尔法大学"])], table)
    monkeypatch.setenv("INTL_CACHE_DIR", str(tmp_path / "cache"))
    first = Registry(table)
    assert first.cache_path is not None and first.cache_path.exists()
    again = Registry(table)
    assert again.cache_path == first.cache_path
    assert [r.id for r in again.by_name("Alpha University")] == ["0x1"]
    # a cache file cut short (a full disk) is built again, not trusted
    whole = first.cache_path.read_bytes()
    first.cache_path.write_bytes(whole[: len(whole) // 2])
    mended = Registry(table)
    assert [r.id for r in mended.by_name("Alpha University")] == ["0x1"]
    assert mended.cache_path.read_bytes() == whole
    (tmp_path / "blocked").write_text("")
    monkeypatch.setenv("INTL_CACHE_DIR", str(tmp_path / "blocked" / "cache"))  # under a file: not writable
    mem = Registry(table)
    assert mem.cache_path is None
    assert [r.id for r in mem.by_zh("阿尔法大学")] == [r.id for r in mem.by_acronym("AU1")] == ["0x1"]
    # a changed table gets a cache of its own
    monkeypatch.setenv("INTL_CACHE_DIR", str(tmp_path / "cache"))
    rb.write_rows([rb.Row("0x2", "Beta University", "NZ", "university")], table)
    third = Registry(table)
    assert third.cache_path != first.cache_path and [r.id for r in third.by_name("Beta University")] == ["0x2"]
    assert third.by_name("Alpha University") == []


def test_bad_table_is_refused_with_file_and_line(tmp_path, monkeypatch):
    monkeypatch.setenv("INTL_CACHE_DIR", str(tmp_path / "cache"))
    bad = tmp_path / REGISTRY_FILE
    bad.write_bytes(b"not gzip")
    with pytest.raises(RegistryError, match=REGISTRY_FILE):
        Registry(bad)
    bad.write_bytes(gzip.compress(b"id\tname\n0x1\tAlpha\n"))
    with pytest.raises(RegistryError, match="line 1"):
        Registry(bad)
    bad.write_bytes(gzip.compress(("\t".join(rb.COLUMNS) + "\n0x1\tAlpha\tNZ\n").encode()))
    with pytest.raises(RegistryError, match="line 2"):
        Registry(bad)


# -- the build, on a dump written here ----------------------------------------------------------------
def _v2(rid, names, country, types, status="active", rels=()):
    return {"id": f"https://ror.org/{rid}", "status": status, "types": list(types),
            "names": [{"value": v, "lang": lang, "types": list(t)} for v, lang, t in names],
            "locations": [{"geonames_id": 1, "geonames_details": {"country_code": country, "name": "X"}}],
            "relationships": [{"type": t, "id": f"https://ror.org/{i}", "label": lab} for t, i, lab in rels]}


def _dump(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "ror-records"
    v1, v2 = root / "v1.0", root / "v2.0"
    v1.mkdir(parents=True)
    v2.mkdir()
    records_v1 = [
        {"id": "https://ror.org/0aaaaaa01", "name": "Example University of Technology", "status": "active",
         "types": ["Education"], "country": {"country_code": "NZ", "country_name": "New Zealand"},
         "labels": [{"label": "Université Exemple", "iso639": "fr"}], "aliases": ["EUT Auckland"],
         "acronyms": ["EUT"], "relationships": []},
        {"id": "https://ror.org/0bbbbbb02", "name": "Old Example College", "status": "active",
         "types": ["Education"], "country": {"country_code": "NZ"}, "labels": [{"label": "旧例学院", "iso639": "zh"}],
         "aliases": [], "acronyms": ["OEC"], "relationships": []},
    ]
    for r in records_v1:
        (v1 / (r["id"][-9:] + ".json")).write_text(json.dumps(r), encoding="utf-8")
    records_v2 = [
        # the college has since merged into the university: its names become former names
        _v2("0bbbbbb02", [("Old Example College", "en", ["ror_display", "label"]), ("旧例学院", "zh", ["label"]),
                          ("OEC", None, ["acronym"])], "NZ", ["education"], "inactive",
            [("successor", "0aaaaaa01", "Example University of Technology")]),
        _v2("0cccccc03", [("Sample Women's University", "en", ["ror_display", "label"]), ("見本女子大学", "ja", ["label"]),
                          ("みほんじょしだいがく", "ja", ["alias"]), ("SWU", None, ["acronym"])], "JP", ["education"]),
        _v2("0dddddd04", [("Example Institute of Sciences", "en", ["ror_display", "label"]),
                          ("範例科學研究院", "zh", ["label"])], "TW", ["government", "facility"]),
        _v2("0eeeeee05", [("Withdrawn Duplicate Institute", "en", ["ror_display"])], "NZ", ["facility"], "withdrawn"),
        _v2("0ffffff06", [("Sample Widgets Ltd", "en", ["ror_display"])], "GB", ["company", "funder"], "active",
            [("related", "0gggggg07", "Sample Research Trust")]),
        _v2("0hhhhhh08", [("Saint Example University", "en", ["ror_display"])], "CA", ["education"]),
    ]
    for r in records_v2:
        (v2 / (r["id"][-9:] + ".json")).write_text(json.dumps(r, ensure_ascii=False), encoding="utf-8")
    names = tmp_path / "names"
    names.mkdir()
    (names / "xx.json").write_text(json.dumps([
        {"name": "Example University of Technology", "country_code": "NZ", "types": ["Education"]},  # has a record
        {"name": "Old Example College", "country_code": "NZ", "types": ["Education"]},  # a retired record's name
        {"name": "Withdrawn Duplicate Institute", "country_code": "NZ", "types": ["Facility"]},  # withdrawn: not back
        {"name": "Sample Research Trust", "country_code": "GB", "types": ["Nonprofit"]},  # id from a relationship
        {"name": "St. Example University", "country_code": "PH", "types": ["Education"]},  # a namesake elsewhere
        {"name": "Saint Example University", "country_code": "CA", "types": ["Education"]},  # has a record
        {"name": "No Country Lab", "country_code": "", "types": ["Facility"]},
        {"name": "Sample Optics (Japan)", "country_code": "JP", "types": ["Company"]},  # a branch, by its country
    ]), encoding="utf-8")
    return root, names


def test_build_from_a_fixture_dump(tmp_path, monkeypatch):
    root, names = _dump(tmp_path)
    rows, stats = rb.build_rows([root], [names])
    assert stats["chinese_conversion"] is True
    ph = "ror2021:ph:" + hashlib.sha1("PH|St. Example University".encode()).hexdigest()[:10]
    jp = "ror2021:jp:" + hashlib.sha1("JP|Sample Optics (Japan)".encode()).hexdigest()[:10]
    assert [r.line().split("\t") for r in rows] == [
        ["0hhhhhh08", "Saint Example University", "CA", "university", "", "", "", "", "ror"],
        ["0gggggg07", "Sample Research Trust", "GB", "ngo", "", "", "", "", "ror-2021"],
        ["0ffffff06", "Sample Widgets Ltd", "GB", "company", "", "", "", "", "ror"],
        [jp, "Sample Optics (Japan)", "JP", "company", "", "", "Sample Optics", "", "ror-2021"],
        ["0cccccc03", "Sample Women's University", "JP", "university", "SWU", "见本女子大学|見本女子大學",
         "見本女子大学|みほんじょしだいがく", "", "ror"],
        ["0aaaaaa01", "Example University of Technology", "NZ", "university", "EUT|OEC", "旧例学院|舊例學院",
         "Université Exemple|EUT Auckland", "Old Example College", "ror"],
        [ph, "St. Example University", "PH", "university", "", "", "", "", "ror-2021"],
        ["0dddddd04", "Example Institute of Sciences", "TW", "institute", "", "範例科學研究院|范例科学研究院", "", "",
         "ror"],
    ]
    assert stats["records"] == 7 and stats["inactive_mapped"] == 1 and stats["inactive_without_successor"] == 1
    assert stats["names_list_added"] == 3 and stats["names_list_id_from_relationship"] == 1
    # written, loaded and looked up
    out = tmp_path / REGISTRY_FILE
    assert rb.main([str(root), "--names-list", str(names), "-o", str(out)]) == 0
    monkeypatch.setenv("INTL_CACHE_DIR", str(tmp_path / "cache"))
    reg = Registry(out)
    assert len(reg) == 8
    assert [r.id for r in reg.by_name("Old Example College")] == ["0aaaaaa01"]  # former name → current record
    assert [r.id for r in reg.by_acronym("OEC")] == ["0aaaaaa01"]
    assert [r.id for r in reg.by_name("Universite Exemple")] == ["0aaaaaa01"]
    assert [r.id for r in reg.by_zh("见本女子大学")] == ["0cccccc03"]
    assert [r.id for r in reg.by_zh("范例科学研究院")] == ["0dddddd04"]
    assert [r.country for r in reg.by_name("St Example University")] == ["CA", "PH"]
    assert reg.country("Saint Example University") is None
    assert reg.by_name("Withdrawn Duplicate Institute") == []
    assert sorted({f for _, f, _ in reg.iter_names()}) == ["acronyms", "aliases", "former", "name", "zh"]
    assert sum(1 for _ in reg.iter_names(("name",))) == 8
    assert [r.country for r in reg.by_name("Sample Optics")] == ["JP"]


def test_build_from_a_zip_dump_prefers_schema_v2(tmp_path):
    z = tmp_path / "v9.9-2030-01-01-ror-data.zip"
    v2 = [_v2("0aaaaaa01", [("Example University of Technology", "en", ["ror_display"])], "NZ", ["education"])]
    v1 = [{"id": "https://ror.org/0zzzzzz99", "name": "Only In Version One", "status": "active", "types": [],
           "country": {"country_code": "NZ"}}]
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("v9.9-2030-01-01-ror-data.json", json.dumps(v1))
        zf.writestr("v9.9-2030-01-01-ror-data_schema_v2.json", json.dumps(v2))
    rows, _ = rb.build_rows([z])
    assert [(r.id, r.name) for r in rows] == [("0aaaaaa01", "Example University of Technology")]


def test_build_refuses_a_bad_dump_naming_the_file(tmp_path, capsys):
    bad = tmp_path / "dump.json"
    bad.write_text('[{"id": "https://ror.org/0x"}]', encoding="utf-8")
    with pytest.raises(rb.DumpError, match=r"dump\.json record 1"):
        rb.build_rows([bad])
    bad.write_text("{not json", encoding="utf-8")
    assert rb.main([str(bad), "-o", str(tmp_path / "out.tsv.gz")]) == 2
    assert "dump.json" in capsys.readouterr().err
    assert not (tmp_path / "out.tsv.gz").exists()  # nothing partial written
