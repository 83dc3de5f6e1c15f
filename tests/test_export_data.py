"""Report queries and data exports (CSV, XLSX) on the sample, on SQLite and PostgreSQL.

The report queries are checked against the same figures recomputed in pandas from the raw
tables, for several filter sets; the CSV and XLSX files are read back and compared cell by
cell with the query they come from. No browser is needed here.
"""
from __future__ import annotations

import datetime as dt
import io
import json

import pandas as pd
import pytest

from dashboard import export as E
from dashboard.queries import common as q
from dashboard.queries import overview as qo
from dashboard.queries.common import Filters
from dashboard.report import queries as rq

from .test_export_sample import load_sample, raw

TODAY = dt.date(2026, 1, 15)


def _school_id(url: str, name: str) -> int:
    s = q.schools(url)
    return int(s.loc[s["name"] == name, "id"].iloc[0])


def _filter_sets(url: str) -> list[Filters]:
    em = _school_id(url, "School of Economics and Management")
    auto = _school_id(url, "School of Automation")
    return [
        Filters(),
        Filters.make(year_from=2020, year_to=2023),
        Filters.make(schools=[em]),
        Filters.make(schools=[auto], year_to=2022),
        Filters.make(countries=["AU", "DE", "GB"]),
        Filters.make(partner_kinds=["university"], year_from=2021),
        Filters.make(countries=["ZZ"]),   # no partner there: every report query is empty
    ]


def _with_partner(df: pd.DataFrame, partners: pd.DataFrame) -> pd.DataFrame:
    p = partners.rename(columns={"id": "partner_id", "country": "p_country", "kind": "p_kind", "name": "p_name"})
    out = df.merge(p[["partner_id", "p_country", "p_kind", "p_name"]], on="partner_id", how="left")
    out["eff_country"] = out["country"].where(out["country"].notna(), out["p_country"])
    return out


def _partner_ok(df: pd.DataFrame, f: Filters) -> pd.Series:
    ok = pd.Series(True, index=df.index)
    if f.countries:
        ok &= df["eff_country"].isin(f.countries)
    if f.partner_kinds:
        ok &= df["p_kind"].isin(f.partner_kinds)
    return ok


def test_report_queries_match_pandas_on_the_raw_tables(db_url):
    load_sample(db_url)
    partners = raw(db_url, "partners")
    programs = _with_partner(raw(db_url, "programs"), partners)
    mobility = _with_partner(raw(db_url, "mobility"), partners)
    agreements = _with_partner(raw(db_url, "agreements"), partners)
    agreements["expiry_date"] = pd.to_datetime(agreements["expiry_date"]).dt.date
    for col in ("unit_ids", "school_names"):  # JSON lists: text on SQLite, decoded on PostgreSQL
        agreements[col] = agreements[col].map(lambda v: json.loads(v) if isinstance(v, str) else (v or []))
    until = rq.add_months(TODAY, 12)
    seen_empty = seen_full = False
    for f in _filter_sets(db_url):
        # joint programmes
        ok = _partner_ok(programs, f)
        if f.schools:
            ok &= programs["unit_id"].isin(f.schools)
        if f.year_to is not None:
            ok &= programs["start_year"].isna() | (programs["start_year"] <= f.year_to)
        exp = programs[ok]
        got = rq.joint_programs(db_url, f)
        assert sorted(got["program_id"]) == sorted(exp["id"]), f
        assert got["enrolment"].sum() == exp["enrolment"].sum(), f
        assert rq.program_counts(db_url, f) == exp["status"].fillna("unknown").value_counts().to_dict(), f
        assert rq.programs_started(db_url, f) == {int(k): int(v) for k, v in
                                                  exp["start_year"].dropna().astype(int).value_counts().items()}, f
        # outbound students
        ok = _partner_ok(mobility, f)
        if f.schools:
            ok &= mobility["unit_id"].isin(f.schools)
        if f.year_from is not None:
            ok &= mobility["year"] >= f.year_from
        if f.year_to is not None:
            ok &= mobility["year"] <= f.year_to
        m = mobility[ok]
        per_year = {int(y): int(v) for y, v in m.groupby("year")["students"].sum().items()}
        assert rq.students_per_year(db_url, f) == per_year, f
        by_type = rq.students_abroad(db_url, f)
        assert int(by_type["students"].sum()) == int(m["students"].sum()), f
        assert int(by_type["records"].sum()) == len(m), f
        # agreements expiring within a year of TODAY (university-wide ones count for every school)
        ok = _partner_ok(agreements, f) & agreements["expiry_date"].notna()
        ok &= agreements["expiry_date"].map(lambda d: pd.notna(d) and TODAY <= d <= until)
        if f.schools:
            ok &= agreements.apply(lambda r: not r["unit_ids"] and not r["school_names"]
                                   or bool(set(r["unit_ids"] or []) & set(f.schools)), axis=1)
        exp_ids = sorted(agreements.loc[ok, "id"])
        got_a = rq.agreements_expiring(db_url, f, today=TODAY)
        assert sorted(got_a["agreement_id"]) == exp_ids, f
        assert list(got_a["expiry"]) == sorted(got_a["expiry"]), "soonest first"
        assert all(got_a["days_left"] == [(d - TODAY).days for d in got_a["expiry"]])
        seen_empty |= got.empty and got_a.empty and not per_year
        seen_full |= len(got) >= 5 and len(per_year) >= 3 and len(got_a) >= 2
    assert seen_empty and seen_full, "the filter sets cover an empty and a full selection"


def test_data_info_states_the_time_of_the_data_and_the_sources(db_url):
    info_run = load_sample(db_url)
    runs = raw(db_url, "etl_runs")
    f = Filters.make(year_from=2021)
    info = rq.data_info(db_url, f)
    assert info.run_id == info_run.run_id
    assert pd.Timestamp(info.finished_at) == pd.Timestamp(runs["finished_at"].max())
    assert info.documents == qo.kpis(db_url, f)["documents"] < info.documents_total
    assert info.documents_total == len(raw(db_url, "documents"))
    assert info.reports == 4 and info.report_rows == sum(len(raw(db_url, t)) for t in  # the sample's 4 reports
                                                         ("programs", "agreements", "mobility", "register"))


def test_csv_and_xlsx_read_back_equal_the_query(db_url):
    from openpyxl import load_workbook

    load_sample(db_url)
    em = _school_id(db_url, "School of Economics and Management")
    f = Filters.make(year_from=2019, year_to=2024, schools=[em])
    info = rq.data_info(db_url, f)

    # CSV: UTF-8 with BOM, readable headers, the query's numbers
    df = qo.top_partners(db_url, f)
    assert not df.empty
    csv = pd.read_csv(io.BytesIO(E.data_bytes("top_partners", db_url, f, "csv")), encoding="utf-8-sig")
    assert list(csv.columns) == ["Partner", "Partner (Chinese)", "Country", "Partner kind", "Documents"]
    assert list(csv["Partner"]) == list(df["partner"]) and list(csv["Documents"]) == list(df["documents"])
    assert set(csv["Partner (Chinese)"].dropna()) == set(df["zh"].dropna()), "Chinese names intact"

    # XLSX in Chinese: the About sheet first, then formatted data
    programs = rq.joint_programs(db_url, f)
    wb = load_workbook(io.BytesIO(E.data_bytes("joint_programs", db_url, f, "xlsx", lang="zh")))
    assert wb.sheetnames == ["说明", "数据"]
    about = {r[0].value: r[1].value for r in wb["说明"].iter_rows(min_row=3) if r[0].value}
    assert about["标题"] == "合作办学项目在读学生"
    assert "2019–2024" in about["筛选条件"]
    assert isinstance(about["数据截至"], dt.datetime)
    assert about["数据截至"] == info.finished_at.replace(microsecond=0)
    assert about["来源文档数（筛选后）"] == info.documents == qo.kpis(db_url, f)["documents"]
    assert about["已载入的国际处报表"] == 4  # the sample's joint programmes, agreements, outbound students, register
    filters_rows = [r[1].value for r in wb["说明"].iter_rows(min_row=3) if r[1].value and "学院" in str(r[1].value)]
    assert any("经济管理学院" in v for v in filters_rows), "the school filter is named in Chinese"
    ws = wb["数据"]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["项目名称", "学院（英文）", "学院"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(programs)
    col = header.index("在读学生数")
    assert [r[col] for r in rows] == [None if pd.isna(v) else int(v) for v in programs["enrolment"]]
    assert ws.cell(row=2, column=col + 1).number_format == "#,##0"
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    partner_zh = header.index("合作方")
    assert any(r[partner_zh] and any("\u4e00" <= ch <= "\u9fff" for ch in r[partner_zh]) for r in rows)


def test_every_export_gives_csv_and_xlsx_without_a_browser(sqlite_url):
    from openpyxl import load_workbook

    load_sample(sqlite_url)
    f = Filters.make(year_from=2020)
    for name in E.names():
        df = E.get(name).query(sqlite_url, f)
        table, cols = E.readable(name, df)
        csv = pd.read_csv(io.BytesIO(E.data_bytes(name, sqlite_url, f, "csv")), encoding="utf-8-sig")
        assert len(csv) == len(df) and list(csv.columns) == [c.strip() for c in table.columns], name
        wb = load_workbook(io.BytesIO(E.data_bytes(name, sqlite_url, f, "xlsx")))
        assert wb.sheetnames == ["About", "Data"] and wb["Data"].max_row == len(df) + 1, name
    with pytest.raises(E.ExportError, match="data format"):
        E.data_bytes("top_partners", sqlite_url, f, "parquet")
    with pytest.raises(E.UnknownExport, match="no export named"):
        E.data_bytes("nope", sqlite_url, f, "csv")


def test_text_that_looks_like_a_formula_stays_text(sqlite_url):
    """A crawled name such as ``=HYPERLINK(…)`` must not become a live formula in Excel."""
    from openpyxl import load_workbook
    from sqlalchemy import text as sql

    from etl.db import get_engine

    load_sample(sqlite_url)
    top = qo.top_partners(sqlite_url, Filters())
    evil = '=HYPERLINK("http://evil.example/","click")'
    with get_engine(sqlite_url).begin() as conn:
        conn.execute(sql("UPDATE partners SET name = :n, zh = :z WHERE id = :i"),
                     {"n": evil, "z": "+cmd|' /C calc'!A0", "i": int(top["partner_id"].iloc[0])})
    csv = pd.read_csv(io.BytesIO(E.data_bytes("top_partners", sqlite_url, Filters(), "csv")), encoding="utf-8-sig")
    assert csv["Partner"].iloc[0] == "'" + evil and csv["Partner (Chinese)"].iloc[0].startswith("'+")
    ws = load_workbook(io.BytesIO(E.data_bytes("top_partners", sqlite_url, Filters(), "xlsx")))["Data"]
    assert ws["A2"].value == evil and ws["A2"].data_type == "s"
    assert ws["E2"].data_type == "n", "numbers stay numbers"


def test_report_exports_state_only_the_filters_they_apply(sqlite_url):
    from openpyxl import load_workbook

    load_sample(sqlite_url)
    f = Filters.make(year_from=2020, activity_kinds=["conference"], language="zh", countries=["DE"])
    def filters_cells(name):
        ws = load_workbook(io.BytesIO(E.data_bytes(name, sqlite_url, f, "xlsx")))["About"]
        return " ".join(str(r[1].value) for r in ws.iter_rows(min_row=3) if r[1].value is not None
                        and (r[0].value in ("Filters", None)))
    news = filters_cells("top_partners")
    assert "Conference" in news and "中文" in news and "Germany" in news and "2020" in news
    students = filters_cells("students_abroad")
    assert "Germany" in students and "2020" in students
    assert "Conference" not in students and "中文" not in students, "activity kind and language do not apply"
    expiring = filters_cells("agreements_expiring")
    assert "Germany" in expiring and "2020" not in expiring, "expiring agreements are counted from today"


def test_json_twin_of_every_chart_is_its_query(db_url):
    """Every chart's JSON twin carries the query's own rows, the filters and the sources."""
    load_sample(db_url)
    em = _school_id(db_url, "School of Economics and Management")
    f = Filters.make(year_from=2019, year_to=2024, schools=[em])
    info = rq.data_info(db_url, f)
    for name in E.names():
        df = E.get(name).query(db_url, f)
        doc = json.loads(E.data_bytes(name, db_url, f, "json"))
        assert doc["name"] == name and doc["columns"] == [str(c) for c in df.columns], name
        assert len(doc["rows"]) == len(df), name
        assert doc["source_documents"] == info.documents
        assert doc["filters"] == E.get(name).applied(f).to_query()
    top = qo.top_partners(db_url, f)
    rows = json.loads(E.data_bytes("top_partners", db_url, f, "json"))["rows"]
    assert [r["partner"] for r in rows] == list(top["partner"])
    assert [r["documents"] for r in rows] == [int(v) for v in top["documents"]]
