"""Workbooks through the pipeline, on SQLite and PostgreSQL: a sheet per year loads every sheet
(a table row each in report_files), a sheet without a table and a column no field takes are named
in the run's notices, the run history (Admin · Run history, ``intl etl status``) shows them, a
source's column map places a header, and the file is replaced or skipped as a whole. The
workbook is written here (invented figures)."""
from __future__ import annotations

import datetime as dt
import json
import shutil

import openpyxl
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from etl.config import load_settings
from etl.db import session_factory
from etl.load.models import Mobility, ReportFile, Run
from etl.pipeline import Pipeline

from .test_admin_i18n import text_of

YEARS = {
    "2022": [("Computer School", "Dublin City University", "Ireland", "3+1", 7),
             ("SEM", "University of Technology Sydney", "Australia", "2+2", 11)],
    "2023": [("Computer School", "Dublin City University", "IE", "3+1", 9),
             ("School of Automation", "Coventry University", "UK", "Summer school", 14)],
    "2024": [("SEM", "Kookmin University", "Korea", "Semester exchange", 5),
             ("Computer School", "Dublin City University", "Ireland", "3+1", 12),
             ("SEM", "University of Technology Sydney", "Australia", "2+2", None)],
}
HEADERS = {  # each year's sheet under another spelling, as offices change their templates
    "2022": ["Year", "School", "Partner", "Country", "Programme type", "Students"],
    "2023": ["年份", "学院", "合作院校", "国家（地区）", "项目类型", "人数（人）", "备注"],
    "2024": ["Academic year", "College/Faculty", "Host university", "Country/Region", "Type of exchange",
             "No. of students", "Remarks"],
}


def workbook(path, *, notes_sheet=True, headers=HEADERS):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    if notes_sheet:
        ws = wb.create_sheet("Read me")
        ws.append(["How to fill in this workbook"])
        ws.append(["One sheet per year; counts are headcounts."])
    for year, rows in YEARS.items():
        ws = wb.create_sheet(year)
        ws.append([f"Outbound students {year}"])
        ws.append(headers[year])
        for r in rows:
            extra = ["checked"] if len(headers[year]) > 6 else []
            ws.append([int(year), *r, *extra])
        ws.append(["Total", None, None, None, None, sum(r[4] or 0 for r in rows)])
    wb.save(path)
    return path


def test_a_sheet_per_year_loads_every_sheet_and_names_the_rest(settings, tmp_path):
    f = workbook(tmp_path / "outbound by year.xlsx")
    info = Pipeline(settings).run([f])
    assert info.reports == {"seen": 1, "loaded": 1, "unchanged": 0, "duplicate": 0, "failed": 0, "gone": 0}, info.errors
    with session_factory(settings.database_url)() as s:
        tables = s.scalars(select(ReportFile).order_by(ReportFile.id)).all()
        assert [(t.sheet, t.kind, t.header_row, t.rows, t.declared_total) for t in tables] == [
            ("2022", "mobility", 2, 2, 18), ("2023", "mobility", 2, 2, 23), ("2024", "mobility", 2, 3, 17)]
        assert {t.uri for t in tables} == {str(f.resolve())} and len({t.content_hash for t in tables}) == 1
        by_year = dict(s.execute(select(Mobility.year, func.sum(Mobility.students)).group_by(Mobility.year)).all())
        assert by_year == {2022: 18, 2023: 23, 2024: 17}
        assert s.scalar(select(func.count()).select_from(Mobility)) == 7
        assert s.scalar(select(func.count()).where(Mobility.students.is_(None))) == 1
        countries = sorted(set(s.scalars(select(Mobility.country))))
        assert countries == ["AU", "GB", "IE", "KR"]
    from dashboard.queries.common import Filters
    from dashboard.report.queries import data_info

    di = data_info(settings.database_url, Filters())
    assert (di.reports, di.report_rows) == (1, 7)  # one file, its three tables' rows
    from dashboard.queries.programs import mobility_rows, report_files

    assert sorted(report_files(settings.database_url)["file"]) == [
        "outbound by year.xlsx › 2022", "outbound by year.xlsx › 2023", "outbound by year.xlsx › 2024"]
    _, rows = mobility_rows(settings.database_url, Filters())
    assert rows.iloc[0]["report"] == "outbound by year.xlsx › 2024" and "sheet" not in rows.columns
    notices = [n["notice"] for n in info.notices]
    assert sum("sheet 'Read me' holds no report table" in n for n in notices) == 1
    assert any(n.startswith("sheet '2023': column '备注'") and "not loaded" in n for n in notices)
    assert any(n.startswith("sheet '2024': column 'Remarks'") for n in notices)
    assert all(n_["file"] == str(f.resolve()) or n_["file"] == str(f) for n_ in info.notices)

    # the same bytes again: nothing written; changed bytes: every sheet replaced together
    again = Pipeline(settings).run([f])
    assert again.reports["unchanged"] == 1 and again.notices == []
    YEARS["2024"].append(("School of Automation", "Coventry University", "UK", "Summer school", 4))
    try:
        workbook(f)
        third = Pipeline(settings).run([f])
    finally:
        YEARS["2024"].pop()
    assert third.reports["loaded"] == 1
    with session_factory(settings.database_url)() as s:
        assert s.scalar(select(func.count()).select_from(ReportFile)) == 3
        assert s.scalar(select(func.sum(Mobility.students))) == 18 + 23 + 17 + 4
        assert set(s.scalars(select(ReportFile.run_id))) == {third.run_id}

    # a copy under another name is skipped whole; the file gone from its folder marks every sheet
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(f, folder / "copy.xlsx")
    dup = Pipeline(settings).run([folder])
    assert dup.reports["duplicate"] == 1
    f.unlink()
    shutil.move(str(folder / "copy.xlsx"), folder / "moved.xlsx")
    moved = Pipeline(settings).run([folder])
    with session_factory(settings.database_url)() as s:
        assert set(s.scalars(select(ReportFile.uri))) == {str((folder / "moved.xlsx").resolve())}
        assert s.scalar(select(func.count()).select_from(Mobility)) == 8
    (folder / "moved.xlsx").unlink()
    gone = Pipeline(settings).run([folder])
    assert moved.reports["unchanged"] == 1 and gone.reports["gone"] == 3
    with session_factory(settings.database_url)() as s:
        assert set(s.scalars(select(ReportFile.status))) == {"gone"}


def test_one_bad_sheet_rejects_the_whole_workbook(settings, tmp_path):
    bad = dict(HEADERS, **{"2023": ["年份", "学院", "国家", "项目类型", "人数"]})  # 2023 lost its partner column
    f = tmp_path / "w.xlsx"
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for year, rows in YEARS.items():
        ws = wb.create_sheet(year)
        ws.append(bad[year])
        for r in rows:
            ws.append([int(year), *(r if year != "2023" else (r[0], r[2], r[3], r[4]))])
    wb.save(f)
    info = Pipeline(settings).run([f])
    assert info.reports["failed"] == 1 and info.reports["loaded"] == 0
    err = info.errors[0]
    assert err["column"] == "partner" and err["reason"].startswith("sheet '2023': missing required column 'partner'")
    assert "'年份', '学院', '国家', '项目类型', '人数'" in err["reason"]
    with session_factory(settings.database_url)() as s:
        assert s.scalar(select(func.count()).select_from(Mobility)) == 0
        assert s.scalar(select(func.count()).select_from(ReportFile)) == 0


def test_a_report_sources_column_map_and_the_run_history(db_url, tmp_path):
    """``columns`` of a report source places a header the tables do not know; what is still not placed
    is a notice in the run's stats, on the admin's Run history page and in ``intl etl status``."""
    from dashboard.pages.admin_runs import runs_view
    from etl.cli import app

    folder = tmp_path / "reports"
    folder.mkdir()
    headers = dict(HEADERS, **{"2022": ["Year", "School", "Receiving partner organisation (full name)", "Country",
                                        "Programme type", "Students", "Funding"]})
    workbook(folder / "outbound.xlsx", headers=headers, notes_sheet=False)
    cfg = tmp_path / "intl.toml"
    cfg.write_text(f'[database]\nurl = "{db_url}"\n\n[[sources]]\nname = "office"\nkind = "report"\npath = "reports"\n'
                   'columns = { "Receiving partner organisation (full name)" = "mobility.partner", "Funding" = "ignore" }\n',
                   encoding="utf-8")
    settings = load_settings(cfg)
    info = Pipeline(settings).run_sources()
    assert info.reports["loaded"] == 1, info.errors
    with session_factory(db_url)() as s:
        assert s.scalar(select(func.count()).select_from(Mobility).where(Mobility.partner_name.is_not(None))) == 7
        stored = s.scalar(select(Run.stats).where(Run.id == info.run_id))["notices"]
    texts = [n["notice"] for n in stored]
    assert not any("Funding" in t or "Receiving" in t for t in texts)  # placed or ignored by the map
    assert any("'备注'" in t for t in texts) and any("'Remarks'" in t for t in texts)
    page = text_of(runs_view(db_url))
    assert "Remarks" in page and "备注" in page and "not a field of the outbound students report" in page
    zh = text_of(runs_view(db_url, "zh"))
    assert "工作表“2024”：列“Remarks”" in zh and "不是学生出国（境）报表的字段" in zh
    out = CliRunner().invoke(app, ["etl", "status", "--config", str(cfg)])
    assert out.exit_code == 0, out.output
    assert "reports loaded 1 unchanged 0 duplicate 0 gone 0 failed 0" in out.output
    assert "notice:" in out.output and "'Remarks'" in out.output
    js = json.loads(CliRunner().invoke(app, ["etl", "status", "--json", "--config", str(cfg)]).output)
    assert js[0]["reports"]["loaded"] == 1 and js[0]["notices"]


def test_a_bad_column_map_is_an_error_of_the_settings(db_url, tmp_path):
    from etl.sources.registry import SourceConfigError, build_sources

    cfg = tmp_path / "intl.toml"
    cfg.write_text(f'[database]\nurl = "{db_url}"\n\n[[sources]]\nname = "office"\nkind = "report"\npath = "r"\n'
                   'columns = { "Mode of study" = "modes" }\n', encoding="utf-8")
    with pytest.raises(SourceConfigError, match="'Mode of study' = 'modes' names no field"):
        build_sources(load_settings(cfg))
    cfg.write_text(f'[database]\nurl = "{db_url}"\n\n[reports]\ncolumns = {{ "X" = "nope" }}\n', encoding="utf-8")
    with pytest.raises(SourceConfigError, match=r"\[reports\] columns"):
        Pipeline(load_settings(cfg))


def test_the_dev_reports_as_one_workbook_with_a_sheet_per_kind_under_other_headers(settings, tmp_path):
    """The three dev reports put in one workbook, a sheet per kind, their headers in 中文 or in other
    English words and their levels and statuses in Chinese, still give every expected figure."""
    import csv

    from .test_reports import (EXPECTED, REPORTS, agreement_figures, expected, figures, mobility_figures,
                               program_figures)

    zh_programs = {"program_name": "项目名称", "school": "所属学院", "partner": "合作院校", "country": "国家（地区）",
                   "level": "办学层次", "mode": "培养模式", "start_year": "首次招生年份", "status": "项目状态",
                   "enrolment": "在校生人数（人）"}
    levels = {"undergraduate": "本科", "master": "硕士", "phd": "博士"}
    statuses = {"active": "在办", "closed": "已停办", "suspended": "暂停招生", "pending approval": "待审批"}
    zh_agreements = {"partner": "外方合作院校", "country": "国别", "agreement_type": "协议类型",
                     "signed_date": "签订日期", "expiry_date": "有效期至", "schools": "学院/学部"}
    en_mobility = ["Academic year", "College / Faculty", "Host institution", "Country/Region", "Type of exchange",
                   "No. of students"]
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    with (REPORTS / "joint_programs.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    ws = wb.create_sheet("合作办学项目")
    head = rows[0]
    ws.append([zh_programs[h] for h in head])
    for r in rows[1:]:
        r = dict(zip(head, r))
        r["level"], r["status"] = levels[r["level"]], statuses[r["status"]]
        r["mode"] = r["mode"].replace("+", "＋")
        ws.append([r[h] for h in head])
    with (REPORTS / "partner_agreements.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    ws = wb.create_sheet("合作协议")
    ws.append([zh_agreements[h] for h in rows[0]])
    for r in rows[1:]:
        ws.append([c.replace(";", "、") for c in r])
    src = openpyxl.load_workbook(REPORTS / "outbound_students_2019_2024.xlsx").worksheets[0]
    ws = wb.create_sheet(src.title)
    for i, r in enumerate(src.iter_rows(values_only=True), start=1):
        ws.append(en_mobility if i == 3 else list(r))
    f = tmp_path / "office 2025.xlsx"
    wb.save(f)

    info = Pipeline(settings).run([f])
    assert info.reports["loaded"] == 1 and not info.errors, info.errors
    assert info.notices == []  # every column placed, every sheet a table
    with session_factory(settings.database_url)() as s:
        rid = dict(s.execute(select(ReportFile.kind, ReportFile.id)).all())
        assert set(rid) == {"programs", "agreements", "mobility"}
        got = {"programs": program_figures(s, rid["programs"]),
               "agreements": agreement_figures(s, rid["agreements"],
                                               dt.date.fromisoformat(expected("partner_agreements.json")["reference_date"])),
               "mobility": mobility_figures(s, rid["mobility"])}
    assert EXPECTED.is_dir()
    assert got["programs"] == figures(expected("joint_programs.json"))
    assert got["agreements"] == figures(expected("partner_agreements.json"))
    assert got["mobility"] == figures(expected("outbound_students_2019_2024.json"))
