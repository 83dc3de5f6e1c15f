"""The Ministry's register of Sino-foreign cooperative programmes (中外合作办学项目/机构名单) as a fourth
report kind: CSV and XLSX with Chinese headers and a column per year, loaded, linked to the
programme records, and the two cross-check lists (issue 16)."""
from __future__ import annotations

import openpyxl
import pytest
from sqlalchemy import func, select

from etl.config import load_settings
from etl.db import session_factory
from etl.errors import ReportError
from etl.load.models import Programme, ProgrammeLink, ProgrammeStudents, RegisterEntry
from etl.pipeline import Pipeline
from etl.programmes.queries import (
    kpis,
    list_programmes,
    missing_from_register,
    programme_detail,
    register_without_evidence,
)
from etl.reports.shapes import parse_tables

from .conftest import CORPUS, ROOT, SAMPLE

REGISTER = SAMPLE / "reports" / "moe_register_beijing.csv"


def test_the_register_csv_is_recognised_with_its_year_columns():
    parsed = parse_tables(REGISTER)
    assert [t.shape.kind for t in parsed.tables] == ["register"] and parsed.notices == []
    rows = parsed.tables[0].rows
    assert [r["approval_no"] for r in rows] == ["MOE11GB2A20201013N", "MOE11GB1A20241101N", "MOE11GB1A20160876N"]
    first = rows[0]
    assert (first["degree_level"], first["intake"], first["approval_year"], first["expiry_year"]) == (
        "master", 30, 2020, 2027)
    assert first["enrolment_by_year"] == {"2020": 28, "2021": 30, "2022": 29, "2023": 30, "2024": 27}
    assert rows[1]["enrolment_by_year"] == {"2024": 60}  # blank years stay unknown, never 0
    assert (rows[1]["programme_mode"], rows[2]["reg_status"], rows[2]["category"]) == ("4+0", "closed", "programme")


def _xlsx(path, header, rows, title="教育部中外合作办学项目名单（北京市）"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目名单"
    ws.append([title])
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


HEADER = ["序号", "批准书编号", "机构/项目名称", "外方合作办学者", "办学层次和类别", "每期招生人数",
          "招生人数（2022）", "招生人数（2023年）", "2024年度招生人数", "批准时间", "有效期至"]


def test_the_register_xlsx_with_a_title_row_and_years_in_brackets(tmp_path):
    f = _xlsx(tmp_path / "register.xlsx", HEADER, [
        [1, "MOE11DE1A20230001N", "北京信息科技大学与德国达姆施塔特应用技术大学合作举办自动化专业本科教育项目",
         "达姆施塔特应用技术大学", "本科学历教育", 50, None, "45人", 48, "2023-05-20", "2029年12月31日"]])
    parsed = parse_tables(f)
    t = parsed.tables[0]
    assert t.shape.kind == "register" and t.header_row == 2
    assert t.rows[0]["enrolment_by_year"] == {"2023": 45, "2024": 48}
    assert (t.rows[0]["approval_year"], t.rows[0]["expiry_year"]) == (2023, 2029)
    assert any("序号" in n for n in parsed.notices)  # a column it does not load is named, not dropped silently


def test_a_bad_count_in_a_year_column_names_its_row_and_column(tmp_path):
    f = _xlsx(tmp_path / "bad.xlsx", HEADER, [
        [1, "MOE11DE1A20230001N", "某项目", "达姆施塔特应用技术大学", "本科", 50, "很多", None, None, 2023, 2029]])
    with pytest.raises(ReportError) as exc:
        parse_tables(f)
    assert exc.value.row == 3 and "招生人数（2022）" in str(exc.value.column)


def test_the_register_loads_links_to_the_records_and_cross_checks(db_url):
    settings = load_settings(config=ROOT / "tests" / "no-such-config.toml", database_url=db_url)
    inputs = [CORPUS / "docs", CORPUS / "reports" / "joint_programs.csv", REGISTER]
    info = Pipeline(settings).run(inputs)
    assert info.status == "ok", info.errors
    with session_factory(db_url)() as s:
        assert s.scalar(select(func.count()).select_from(RegisterEntry)) == 3

        def record_of(approval_no: str) -> Programme:
            e = s.scalar(select(RegisterEntry).where(RegisterEntry.approval_no == approval_no))
            link = s.scalar(select(ProgrammeLink).where(ProgrammeLink.target == "register",
                                                        ProgrammeLink.row_id == e.id))
            return s.get(Programme, link.programme_id)

        coventry = record_of("MOE11GB2A20201013N")
        assert coventry.label == "MSc Mechanical Engineering (Sino-foreign cooperative)"  # the report's row
        assert coventry.status == "active" and not coventry.status_inferred  # the report says it
        figures = {(st.year, st.source): st.students for st in s.scalars(
            select(ProgrammeStudents).where(ProgrammeStudents.programme_id == coventry.id))}
        assert figures[(2020, "register")] == 28 and figures[(2024, "register")] == 27
        assert figures[(None, "report")] == 84
        detail = programme_detail(s, coventry.id)
        assert [r["approval_no"] for r in detail["register"]] == ["MOE11GB2A20201013N"]
        assert {x["target"] for x in detail["timeline"]} >= {"document", "programs", "register"}
        by_year = {y["year"]: (y["students"], y["source"]) for y in detail["students_per_year"]}
        assert by_year[2022] == (29, "register") and by_year[None] == (84, "report")

        strath = record_of("MOE11GB1A20241101N")
        assert strath.label == "Electrical Engineering and Automation (Sino-foreign cooperative)"
        cardiff = record_of("MOE11GB1A20160876N")  # no joint programme of Cardiff anywhere else: a record of its own
        assert (cardiff.origin, cardiff.kind, cardiff.status, cardiff.status_inferred) == (
            "register", "joint_programme", "closed", False)

        lonely = register_without_evidence(s)
        assert [r["approval_no"] for r in lonely] == ["MOE11GB1A20160876N"]
        assert lonely[0]["programme_id"] == cardiff.id

        missing = {r["label"] for r in missing_from_register(s)}
        assert {"Computer Science and Technology 3+1", "Accounting 2+2"} <= missing  # a suspended one stays listed
        assert coventry.label not in missing and strath.label not in missing
        assert "International Economics and Trade 2+2" not in missing  # closed: only when asked
        assert "International Economics and Trade 2+2" in {r["label"] for r in missing_from_register(
            s, include_closed=True)}

        listed = {r["id"]: r for r in list_programmes(s, kind="joint_programme")}
        assert listed[coventry.id]["register"] == 1 and listed[coventry.id]["documents"] >= 3
        assert listed[coventry.id]["partners"][0]["name"] == "Coventry University"
        k = kpis(s)
        active = list_programmes(s, kind="joint_programme", status="active")
        assert k["active_joint_programmes"] == len(active) == 9  # as the report says (expected/joint_programs.json)
        assert k["students_in_joint_programmes"] == 543  # the report's active enrolment total
        assert k["students_in_programmes"] >= k["students_in_joint_programmes"]


def test_the_list_filters_by_school_partner_country_kind_and_years(db_url):
    from etl.load.models import Partner, Unit

    settings = load_settings(config=ROOT / "tests" / "no-such-config.toml", database_url=db_url)
    assert Pipeline(settings).run([CORPUS / "reports" / "joint_programs.csv"]).status == "ok"
    with session_factory(db_url)() as s:
        every = list_programmes(s)
        assert len(every) == 14 and all(r["kind"] == "joint_programme" for r in every)
        sem = s.scalar(select(Unit.id).where(Unit.name == "School of Economics and Management"))
        assert {r["label"] for r in list_programmes(s, unit_id=sem)} == {
            "Accounting 2+2", "Financial Management and Marketing 2+2", "Information Systems 2+2",
            "International Economics and Trade 2+2"}
        coventry = s.scalar(select(Partner.id).where(Partner.name == "Coventry University"))
        assert len(list_programmes(s, partner_id=[coventry])) == 2
        assert {r["label"] for r in list_programmes(s, country="AU", status="active")} == {
            "Financial Management and Marketing 2+2", "Information Systems 2+2"}
        since_2025 = {r["label"] for r in list_programmes(s, year_from=2025)}
        assert since_2025 == {"Joint PhD in Intelligent Systems", "Computer Engineering Double Master",
                              "Robotics Engineering 3+1"}
        assert [r["label"] for r in list_programmes(s, year=2017, kind=["joint_programme"])] == sorted(
            ["Communication Engineering 3+1", "Accounting 2+2"])
