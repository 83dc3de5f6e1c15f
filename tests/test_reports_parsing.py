"""Report parsing without a database: header and shape recognition, the traps of office
spreadsheets (title rows, merged and blank group cells, text years, totals and notes),
strict values, and country names → ISO codes."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from etl.errors import ReportError
from etl.reports import parse_report
from etl.reports.countries import Countries

from .conftest import CORPUS

HEADER = ["Year", "School", "Partner", "Partner Country", "Program Type", "Students"]


def xlsx(path: Path, rows: list[list], merges: tuple[str, ...] = (), sheet: str = "Data") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    for m in merges:
        ws.merge_cells(m)
    wb.save(path)
    return path


def outbound(tmp_path, data, *, total=None, merges=(), name="anything.xlsx"):
    rows = [["Outbound students (title)"], ["Compiled: 2025-01-06"], HEADER, *data]
    if total is not None:
        rows += [["Total", None, None, None, None, total], [], ["Note: figures are headcounts."]]
    return xlsx(tmp_path / name, rows, merges)


@pytest.mark.parametrize("name,kind,rows", [
    ("joint_programs.csv", "programs", 14),
    ("partner_agreements.csv", "agreements", 29),
    ("outbound_students_2019_2024.xlsx", "mobility", 46),
])
def test_corpus_reports_parse(name, kind, rows):
    rep = parse_report(CORPUS / "reports" / name)
    assert rep.shape.kind == kind and len(rep.rows) == rows


def test_outbound_traps(tmp_path):
    rep = parse_report(CORPUS / "reports" / "outbound_students_2019_2024.xlsx")
    assert (rep.sheet, rep.header_row, rep.declared_total, rep.total_row) == ("Outbound 2019-2024", 3, 792, 50)
    by_row = {r["_row"]: r for r in rep.rows}
    assert by_row[15]["year"] == 2019  # inside the merged A4:A15
    assert by_row[17]["year"] == 2020  # blank cell under 2020: forward-filled
    assert by_row[24]["year"] == 2022  # under the text '2022 '
    assert by_row[36]["year"] == 2023  # end of the merged A27:A36
    assert by_row[42]["country"] == "US" and by_row[40]["country"] == "GB" and by_row[47]["country"] == "HK"
    assert max(by_row) == 49  # the totals row and the note are not data
    assert sum(r["students"] for r in rep.rows) == 792


def test_shape_comes_from_the_header_not_the_file_name(tmp_path):
    f = tmp_path / "joint_programs.xlsx"  # a misleading name
    outbound(tmp_path, [[2024, "SEM", "UTS", "Australia", "2+2", 5]], name=f.name)
    assert parse_report(f).shape.kind == "mobility"
    g = tmp_path / "outbound.csv"
    g.write_text((CORPUS / "reports" / "partner_agreements.csv").read_text(encoding="utf-8"), encoding="utf-8")
    assert parse_report(g).shape.kind == "agreements"


def test_merged_and_blank_year_cells_and_subtotals(tmp_path):
    f = outbound(tmp_path, [
        [2021, "SEM", "UTS", "Australia", "2+2", 5],
        [None, "SEM", "NUS", "Singapore", "winter school", 3],
        ["Subtotal 2021", None, None, None, None, 8],
        ["2022年", "SEM", "UTS", "Australia", "2+2", 4],
        [None, "SEM", "UTS", "Australia", "2+2", "1,204"],
    ], total=1216, merges=("A4:A5",))
    rep = parse_report(f)
    assert [(r["year"], r["students"]) for r in rep.rows] == [(2021, 5), (2021, 3), (2022, 4), (2022, 1204)]


def test_blank_count_is_unknown_never_zero(tmp_path):
    f = outbound(tmp_path, [[2021, "SEM", "UTS", "Australia", "2+2", None],
                            [None, "SEM", "NUS", "Singapore", "winter school", "-"],
                            [None, "SEM", "NUS", "Singapore", "winter school", 0]], total=4)
    rep = parse_report(f)
    assert [r["students"] for r in rep.rows] == [None, None, 0]


@pytest.mark.parametrize("value", ["25 (tbc)", "about 25", 25.5, "25.0.1", -3, "≈25"])
def test_text_in_a_count_column_rejects_the_whole_file(tmp_path, value):
    f = outbound(tmp_path, [[2021, "SEM", "UTS", "Australia", "2+2", 5],
                            [None, "Computer School", "DCU", "Ireland", "3+1", value]])
    with pytest.raises(ReportError) as e:
        parse_report(f)
    assert (e.value.row, e.value.column) == (5, "Students")
    assert e.value.file == str(f) and f.name in str(e.value)


def test_bad_corpus_files_name_file_row_and_column():
    with pytest.raises(ReportError) as e:
        parse_report(CORPUS / "bad" / "outbound_students_text_value.xlsx")
    assert (e.value.row, e.value.column) == (24, "Students") and "25 (tbc)" in e.value.reason
    assert "outbound_students_text_value.xlsx" in str(e.value)
    with pytest.raises(ReportError) as e:
        parse_report(CORPUS / "bad" / "joint_programs_missing_partner.csv")
    assert e.value.column == "partner" and e.value.row is None
    assert "joint_programs_missing_partner.csv" in str(e.value) and "missing" in e.value.reason


def test_totals_row_that_disagrees_with_the_rows_is_an_error(tmp_path):
    f = outbound(tmp_path, [[2021, "SEM", "UTS", "Australia", "2+2", 5],
                            [None, "SEM", "NUS", "Singapore", "winter school", 3]], total=9)
    with pytest.raises(ReportError) as e:
        parse_report(f)
    assert e.value.row == 6 and "9" in e.value.reason and "8" in e.value.reason


def test_first_row_without_a_year_is_an_error(tmp_path):
    f = outbound(tmp_path, [[None, "SEM", "UTS", "Australia", "2+2", 5]])
    with pytest.raises(ReportError) as e:
        parse_report(f)
    assert (e.value.row, e.value.column) == (4, "Year")


@pytest.mark.parametrize("value", ["20222", "twenty", "1850", "2022-23"])
def test_bad_year(tmp_path, value):
    f = outbound(tmp_path, [[value, "SEM", "UTS", "Australia", "2+2", 5]])
    with pytest.raises(ReportError) as e:
        parse_report(f)
    assert e.value.column == "Year"


def test_unknown_country_is_an_error_not_a_guess(tmp_path):
    f = outbound(tmp_path, [[2021, "SEM", "UTS", "Narnia", "2+2", 5]])
    with pytest.raises(ReportError) as e:
        parse_report(f)
    assert (e.value.row, e.value.column) == (4, "Partner Country") and "Narnia" in e.value.reason


def test_no_known_header_is_an_error(tmp_path):
    f = tmp_path / "budget.csv"
    f.write_text("item,amount\nflights,1200\n", encoding="utf-8")
    with pytest.raises(ReportError, match="no header row"):
        parse_report(f)


def test_agreements_dates_schools_and_checks(tmp_path):
    f = tmp_path / "a.csv"
    f.write_text(
        "Partner agreements\n"
        "partner;country;agreement_type;signed_date;expiry_date;schools\n"
        "UTS;Australia;MoU;2018/01/10;2026年1月9日;SEM； Computer School |School of Automation\n"
        "KTH;SE;MoU;2016-11-28;;\n", encoding="gb18030")
    rep = parse_report(f)
    a, b = rep.rows
    assert a["signed_date"] == dt.date(2018, 1, 10) and a["expiry_date"] == dt.date(2026, 1, 9)
    assert a["schools"] == ["SEM", "Computer School", "School of Automation"] and a["country"] == "AU"
    assert b["expiry_date"] is None and b["schools"] == [] and rep.header_row == 2
    f.write_text("partner,country,agreement_type,signed_date,expiry_date,schools\n"
                 "KTH,SE,MoU,2016-11-28,2015-01-01,\n", encoding="utf-8")
    with pytest.raises(ReportError, match="before the signing date"):
        parse_report(f)
    f.write_text("partner,country,agreement_type,signed_date,expiry_date,schools\n"
                 "KTH,SE,MoU,28/11/2016,,\n", encoding="utf-8")
    with pytest.raises(ReportError) as e:
        parse_report(f)
    assert (e.value.row, e.value.column) == (2, "signed_date")


def test_two_columns_for_one_field_is_an_error(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text("program_name,school,college,partner,level,mode,status\nX,SEM,SEM,UTS,ug,2+2,active\n",
                 encoding="utf-8")
    with pytest.raises(ReportError, match="two columns"):
        parse_report(f)


@pytest.mark.parametrize("text,code", [
    ("UK", "GB"), ("USA", "US"), ("Korea", "KR"), ("Hong Kong, China", "HK"), ("de", "DE"),
    ("德国", "DE"), ("Ireland", "IE"), ("Czech Republic", "CZ"), ("DEU", "DE"), (" Singapore ", "SG"),
    ("", None), (None, None),
])
def test_country_names(text, code):
    assert Countries.from_dir().code(text) == code


def test_country_aliases_are_an_editable_table(tmp_path):
    (tmp_path / "country_aliases.csv").write_text("alias,code\nBlighty,GB\n", encoding="utf-8")
    assert Countries.from_dir(tmp_path).code("blighty") == "GB"
    with pytest.raises(LookupError):
        Countries.from_dir().code("Blighty")
    with pytest.raises(LookupError):
        Countries.from_dir().code("Narnia")
