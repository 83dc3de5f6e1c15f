"""Report headers as data (etl/reports/kinds/*.toml), without a database: the same table written
in English and in 中文 under spellings the dev reports never use reads the same; a column no field
takes is named in the notices, never dropped silently; a source's column map places or ignores
columns; a missing required column names the columns seen and needed; a table of another kind is
named, not guessed. The fixtures are written here (invented programmes and partners)."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import openpyxl
import pytest

from etl.errors import ReportError
from etl.reports.headers import HeaderTable, column_map, header_key
from etl.reports.shapes import SHAPES, kind_fields, load_kinds, parse_report, parse_tables

from .conftest import ROOT


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8") -> Path:
    import csv

    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows(rows)
    return path


PROGRAMS_EN = [
    ["Joint programmes, autumn 2025"],
    ["Programme title", "College / Faculty", "Partner institution(s)", "Country (region)", "Level of study",
     "Mode of delivery", "Year of first intake", "Current status", "No. of students"],
    ["Data Science 2+2", "Computer School", "University of Technology Sydney", "Australia", "Bachelor's",
     "2 + 2", "2021", "Running", "38"],
    ["Doctoral Training in Photonics", "School of Automation", "Dublin City University", "Ireland", "Ph.D.",
     "2+2 (joint supervision)", 2024, "In operation", "3 人"],
    ["Finance MSc 1+1", "SEM", "Kookmin University", "Korea", "Master (taught)", "1+1", 2026, "Awaiting approval", ""],
    ["Total", None, None, None, None, None, None, None, 41],
]
PROGRAMS_ZH = [
    ["2025年合作办学项目一览表"],
    ["项目名称", "学院/学部/所属学院", "合作院校", "国家（地区）", "办学层次", "培养模式", "首次招生年份", "项目状态",
     "在校生人数（人）"],
    ["Data Science 2+2", "Computer School", "University of Technology Sydney", "澳大利亚", "本科", "2＋2", "2021年",
     "运行中", 38],
    ["Doctoral Training in Photonics", "School of Automation", "Dublin City University", "爱尔兰", "博士",
     "2+2双导师", 2024, "在办", 3],
    ["Finance MSc 1+1", "SEM", "Kookmin University", "韩国", "硕士", "1+1", 2026, "待审批", None],
    ["合计", None, None, None, None, None, None, None, 41],
]


def _strip_row(rows):
    return [{k: v for k, v in r.items() if k != "_row"} for r in rows]


def test_programs_in_english_and_chinese_under_other_spellings_read_alike(tmp_path):
    en = parse_report(write_csv(tmp_path / "en.csv", PROGRAMS_EN))
    zh = parse_report(write_csv(tmp_path / "zh.csv", PROGRAMS_ZH, encoding="gb18030"))
    assert en.shape.kind == zh.shape.kind == "programs"
    assert _strip_row(en.rows) == _strip_row(zh.rows)
    a, b, c = en.rows
    assert (a["level"], b["level"], c["level"]) == ("undergraduate", "phd", "master")
    assert (a["mode"], b["mode"], c["mode"]) == ("2+2", "2+2", "1+1")
    assert (a["status"], b["status"], c["status"]) == ("active", "active", "pending approval")
    assert (a["enrolment"], b["enrolment"], c["enrolment"]) == (38, 3, None)
    assert (a["country"], b["country"], c["country"]) == ("AU", "IE", "KR")
    assert (a["start_year"], a["school"], a["partner"]) == (2021, "Computer School", "University of Technology Sydney")
    assert en.declared_total == zh.declared_total == 41
    assert en.columns["mode"] == "Mode of delivery" and zh.columns["school"] == "学院/学部/所属学院"


@pytest.mark.parametrize("header,field", [
    ("Delivery mode", "mode"), ("Mode of delivery", "mode"), ("Teaching mode", "mode"), ("办学模式", "mode"),
    ("培养模式", "mode"), ("学院", "school"), ("学部", "school"), ("所属学院", "school"), ("学院/学部", "school"),
    ("合作院校", "partner"), ("Partner institution(s)", "partner"), ("PARTNER  INSTITUTIONS", "partner"),
    ("No. of students", "enrolment"), ("人数（人）", "enrolment"), ("Students (persons)", "enrolment"),
    ("Country/Region", "country"), ("国家/地区", "country"), ("Programme*", "name"), ("项目名称\n(中英文)", "name"),
    ("Status of the programme", "status"), ("Remarks", None), ("备注", None), ("Contact person", None),
])
def test_programs_header_spellings(header, field):
    programs = next(s for s in SHAPES if s.kind == "programs")
    assert programs.headers.field_of(header)[0] == field


@pytest.mark.parametrize("header,kind,field", [
    ("Type of agreement", "agreements", "type"), ("Date signed", "agreements", "signed_date"),
    ("签订时间", "agreements", "signed_date"), ("有效期至", "agreements", "expiry_date"),
    ("Valid until (YYYY-MM-DD)", "agreements", "expiry_date"), ("涉及学院", "agreements", "schools"),
    ("学院/学部/所属学院", "agreements", "schools"), ("Host university", "mobility", "partner"),
    ("派出人数（人）", "mobility", "students"), ("Number of students", "mobility", "students"),
    ("Type of exchange", "mobility", "program_type"), ("派出年度", "mobility", "year"),
])
def test_other_kinds_header_spellings(header, kind, field):
    shape = next(s for s in SHAPES if s.kind == kind)
    assert shape.headers.field_of(header)[0] == field


def test_agreements_with_chinese_headers_keep_their_schools(tmp_path):
    f = write_csv(tmp_path / "协议.csv", [
        ["合作院校", "国别", "协议类型", "签订日期", "有效期至", "学院/学部/所属学院"],
        ["Tampere University", "芬兰", "学生交流协议", "2023/5/12", "2028年5月11日", "School of Automation、SEM"],
        ["Deakin University", "AU", "MoU", "2024-01-09", "", ""],
    ])
    rep = parse_report(f)
    assert rep.shape.kind == "agreements"
    a, b = rep.rows
    assert a["schools"] == ["School of Automation", "SEM"] and a["country"] == "FI"
    assert (a["signed_date"], a["expiry_date"]) == (dt.date(2023, 5, 12), dt.date(2028, 5, 11))
    assert b["schools"] == [] and b["expiry_date"] is None


def test_a_column_no_field_takes_is_named_in_the_notices(tmp_path):
    rows = [r[:] for r in PROGRAMS_EN]
    rows[1] = rows[1] + ["Remarks", "Contact person"]
    parsed = parse_tables(write_csv(tmp_path / "p.csv", rows))
    assert len(parsed.tables) == 1 and len(parsed.tables[0].rows) == 3
    named = [n for n in parsed.notices if "not a field" in n]
    assert len(named) == 2
    assert "'Remarks'" in named[0] and "'Contact person'" in named[1] and "joint programs" in named[0]
    assert "header row 2" in named[0]


def test_a_column_map_places_a_header_and_ignores_another(tmp_path):
    rows = [["Course", "Host faculty", "Overseas counterpart", "Pathway (years in China + years abroad)", "Remarks"],
            ["Robotics", "School of Automation", "Coventry University", "3+1", "new"]]
    f = write_csv(tmp_path / "p.csv", rows)
    with pytest.raises(ReportError, match="no header row"):  # without the map only 'Course' is a spelling
        parse_tables(f)
    cmap = column_map({"Host faculty": "school", "Pathway (years in China + years abroad)": "programs.mode",
                       "Overseas counterpart": "partner", "REMARKS": "ignore"}, kind_fields())
    parsed = parse_tables(f, columns=cmap)
    rep = parsed.tables[0]
    assert rep.shape.kind == "programs" and parsed.notices == []
    assert (rep.rows[0]["school"], rep.rows[0]["mode"], rep.rows[0]["partner"]) == (
        "School of Automation", "3+1", "Coventry University")


@pytest.mark.parametrize("table,message", [
    ({"Header": "nonsense"}, "names no field"),
    ({"Header": "mobility.mode"}, "names no field"),
    ({"Header": 3}, "must name a field"),
    ({"": "mode"}, "empty header"),
])
def test_a_bad_column_map_is_refused(table, message):
    with pytest.raises(ValueError, match=message):
        column_map(table, kind_fields())


def test_a_missing_required_column_names_the_columns_seen_and_needed(tmp_path):
    f = write_csv(tmp_path / "p.csv", [
        ["Programme title", "College", "Level", "Mode of delivery", "Status", "Enrolment"],
        ["Data Science 2+2", "Computer School", "undergraduate", "2+2", "active", 38]])
    with pytest.raises(ReportError) as e:
        parse_tables(f)
    assert e.value.column == "partner" and e.value.file == str(f)
    reason = e.value.reason
    assert "missing required column 'partner'" in reason
    assert "'Programme title', 'College', 'Level', 'Mode of delivery', 'Status', 'Enrolment'" in reason
    assert "the joint programs report needs name, school, partner" in reason


def test_a_table_of_no_known_kind_is_named_not_guessed(tmp_path):
    f = write_csv(tmp_path / "budget.csv", [["Item", "Amount (CNY)", "Approved by"], ["Flights", 1200, "Dean"]])
    with pytest.raises(ReportError) as e:
        parse_tables(f)
    assert "no header row of a known report" in e.value.reason and "'Item', 'Amount (CNY)', 'Approved by'" in e.value.reason


def test_a_header_that_fits_two_kinds_equally_is_refused(tmp_path, monkeypatch):
    """Two kinds whose signature fields a header fills alike: the loader names both, it does not pick."""
    kinds = tmp_path / "kinds"
    kinds.mkdir()
    (kinds / "_common.toml").write_text("[headers]\nx = []\n", encoding="utf-8")
    for k in ("alpha", "beta"):
        (kinds / f"{k}.toml").write_text(
            f'kind = "{k}"\ntitle = "{k}"\n'
            + "".join(f'[[fields]]\nname = "{k}{i}"\ntype = "text"\nheaders = ["col {i}"]\n' for i in range(3)),
            encoding="utf-8")
    from etl.reports import shapes

    monkeypatch.setattr(shapes, "SHAPES", load_kinds(kinds))
    f = write_csv(tmp_path / "t.csv", [["col 0", "col 1", "col 2"], ["a", "b", "c"]])
    with pytest.raises(ReportError, match="fits both the alpha and the beta report"):
        parse_tables(f)


def test_the_kinds_data_is_checked_when_loaded(tmp_path):
    kinds = tmp_path / "kinds"
    kinds.mkdir()
    (kinds / "_common.toml").write_text("[headers]\n", encoding="utf-8")
    (kinds / "k.toml").write_text('kind = "k"\ntitle = "k"\n[[fields]]\nname = "a"\ntype = "text"\nheaders = ["x"]\n'
                                  '[[fields]]\nname = "b"\ntype = "text"\nheaders = ["X"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="spelling of both 'a' and 'b'"):
        load_kinds(kinds)
    (kinds / "k.toml").write_text('kind = "k"\ntitle = "k"\n[[fields]]\nname = "a"\ntype = "money"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="unknown type 'money'"):
        load_kinds(kinds)


def test_every_field_is_described_and_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for shape in SHAPES:
        assert shape.title_zh, shape.kind
        for f in shape.fields:
            assert f.about, f"{shape.kind}.{f.name} has no description"
            assert re.search(rf"`{f.name}`", readme), f"README does not document {shape.kind}.{f.name}"


def test_header_key_reads_widths_plurals_and_punctuation_alike():
    assert header_key("ＰＡＲＴＮＥＲ　ＩＮＳＴＩＴＵＴＩＯＮＳ") == header_key("partner_institution") == "partner institution"
    assert header_key("Countries") == header_key("country")
    assert header_key("Master’s") == header_key("masters") == header_key("master")
    assert header_key(None) == ""
    t = HeaderTable.build("k", {"a": ["delivery mode"], "b": ["mode"]})
    assert t.field_of("Mode of delivery")[0] == "a" and t.field_of("MODE")[0] == "b"


def test_a_workbook_sheet_without_a_year_column_takes_the_sheets_year(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2024年"
    for r in (["学生出国（境）情况"], ["学院", "接收院校", "国家", "交流类型", "人数（人）"],
              ["SEM", "Kookmin University", "韩国", "Summer school", "6人"]):
        ws.append(r)
    wb.save(tmp_path / "w.xlsx")
    parsed = parse_tables(tmp_path / "w.xlsx")
    rep = parsed.tables[0]
    assert rep.rows[0]["year"] == 2024 and rep.rows[0]["students"] == 6
    assert any("year 2024 taken from the sheet's name '2024年'" in n for n in parsed.notices)
