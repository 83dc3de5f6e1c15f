"""Office reports through the pipeline, on SQLite and PostgreSQL: every figure of
tests/corpus/reports/expected/*.json recomputed with SQL from the loaded tables;
idempotent and replacing reloads; bad reports rejected whole; unknown names queued."""
from __future__ import annotations

import csv
import datetime as dt
import json
import shutil

import pytest
from sqlalchemy import and_, event, extract, func, or_, select, text

from etl.db import get_engine, session_factory
from etl.load.models import Agreement, Mobility, Partner, Program, ReportFile, ReviewItem, Unit
from etl.pipeline import Pipeline
from etl.reports import load_report
from etl.resolve.entities import Resolver

from .conftest import CORPUS

REPORTS = CORPUS / "reports"
EXPECTED = REPORTS / "expected"
BAD = CORPUS / "bad"
NOT_FIGURES = {"file", "notes", "reference_date"}


def expected(name: str) -> dict:
    return json.loads((EXPECTED / name).read_text(encoding="utf-8"))


def figures(exp: dict) -> dict:
    return {k: v for k, v in exp.items() if k not in NOT_FIGURES}


def grouped(s, label, value, *where, select_from) -> dict:
    """{label: value} from GROUP BY label (SQL does the aggregation)."""
    q = select(label, value).select_from(select_from).where(*where).group_by(label)
    return {k: v for k, v in s.execute(q).all()}


def report_id(s, name: str) -> int:
    return s.scalar(select(ReportFile.id).where(ReportFile.uri.endswith("/" + name)))


# -- the expected figures --------------------------------------------------------------

def program_figures(s, rid: int) -> dict:
    P = Program
    mine = P.report_id == rid
    active = and_(mine, P.status == "active")
    school = select(Unit.name).where(Unit.id == P.unit_id).scalar_subquery()
    j = P.__table__.join(Partner.__table__, Partner.id == P.partner_id)
    return {
        "rows": s.scalar(select(func.count()).where(mine)),
        "programs_by_status": grouped(s, P.status, func.count(), mine, select_from=P),
        "active_programs": s.scalar(select(func.count()).where(active)),
        "enrolment_active_total": s.scalar(select(func.sum(P.enrolment)).where(active)),
        "enrolment_all_total": s.scalar(select(func.sum(P.enrolment)).where(mine)),
        "rows_with_blank_enrolment": s.scalar(select(func.count()).where(mine, P.enrolment.is_(None))),
        "active_by_level": grouped(s, P.level, func.count(), active, select_from=P),
        "active_by_mode": grouped(s, P.mode, func.count(), active, select_from=P),
        "active_by_school": grouped(s, school, func.count(), active, select_from=P),
        "enrolment_active_by_partner": grouped(s, Partner.name, func.sum(P.enrolment), active, select_from=j),
        "active_partners_by_country": grouped(s, P.country, func.count(P.partner_id.distinct()), active,
                                              select_from=P),
    }


def _school_names_per_agreement(s, rid: int, active_on: dt.date | None) -> dict:
    """Agreements per school, expanding the JSON list of unit ids in SQL; empty list = university-wide."""
    dialect = s.get_bind().dialect.name
    cond = "a.report_id = :rid"
    if active_on is not None:
        cond += " AND a.signed_date <= :d AND (a.expiry_date IS NULL OR a.expiry_date >= :d)"
    if dialect == "sqlite":
        expand = "SELECT u.name AS school, count(*) FROM agreements a, json_each(a.unit_ids) j " \
                 "JOIN units u ON u.id = j.value WHERE " + cond + " GROUP BY u.name"
        empty = "json_array_length(a.unit_ids) = 0"
    else:
        expand = "SELECT u.name AS school, count(*) FROM agreements a " \
                 "CROSS JOIN LATERAL json_array_elements_text(a.unit_ids) j(value) " \
                 "JOIN units u ON u.id = j.value::int WHERE " + cond + " GROUP BY u.name"
        empty = "json_array_length(a.unit_ids) = 0"
    params = {"rid": rid, "d": active_on}
    out = {k: v for k, v in s.execute(text(expand), params).all()}
    wide = s.execute(text(f"SELECT count(*) FROM agreements a WHERE {cond} AND {empty}"), params).scalar_one()
    if wide:
        out["(university-wide)"] = wide
    return out


def agreement_figures(s, rid: int, reference_date: dt.date) -> dict:
    A = Agreement
    mine = A.report_id == rid
    active = and_(mine, A.signed_date <= reference_date,
                  or_(A.expiry_date.is_(None), A.expiry_date >= reference_date))
    year = extract("year", A.signed_date)
    return {
        "rows": s.scalar(select(func.count()).where(mine)),
        "distinct_partners": s.scalar(select(func.count(A.partner_id.distinct())).where(mine)),
        "by_type": grouped(s, A.type, func.count(), mine, select_from=A),
        "signed_by_year": {str(int(k)): v for k, v in grouped(s, year, func.count(), mine, select_from=A).items()},
        "by_country": grouped(s, A.country, func.count(), mine, select_from=A),
        "active_on_reference_date": s.scalar(select(func.count()).where(active)),
        "expired_on_reference_date": s.scalar(select(func.count()).where(mine, A.expiry_date < reference_date)),
        "rows_without_expiry": s.scalar(select(func.count()).where(mine, A.expiry_date.is_(None))),
        "active_by_type": grouped(s, A.type, func.count(), active, select_from=A),
        "agreements_by_school": _school_names_per_agreement(s, rid, None),
        "active_agreements_by_school": _school_names_per_agreement(s, rid, reference_date),
    }


def mobility_figures(s, rid: int) -> dict:
    M = Mobility
    mine = M.report_id == rid
    rf = s.get(ReportFile, rid)
    ju = M.__table__.join(Unit.__table__, Unit.id == M.unit_id)
    jp = M.__table__.join(Partner.__table__, Partner.id == M.partner_id)
    return {
        "sheet": rf.sheet,
        "header_row": rf.header_row,
        "data_rows": s.scalar(select(func.count()).where(mine)),
        "total_students": s.scalar(select(func.sum(M.students)).where(mine)),
        "total_row_value": rf.declared_total,
        "by_year": {str(k): v for k, v in grouped(s, M.year, func.sum(M.students), mine, select_from=M).items()},
        "by_school": grouped(s, Unit.name, func.sum(M.students), mine, select_from=ju),
        "by_partner": grouped(s, Partner.name, func.sum(M.students), mine, select_from=jp),
        "by_country": grouped(s, M.country, func.sum(M.students), mine, select_from=M),
        "by_program_type": grouped(s, M.program_type, func.sum(M.students), mine, select_from=M),
        "distinct_schools": s.scalar(select(func.count(M.unit_id.distinct())).where(mine)),
        "distinct_partners": s.scalar(select(func.count(M.partner_id.distinct())).where(mine)),
    }


CASES = [
    ("joint_programs.csv", "joint_programs.json", "programs"),
    ("partner_agreements.csv", "partner_agreements.json", "agreements"),
    ("outbound_students_2019_2024.xlsx", "outbound_students_2019_2024.json", "mobility"),
]


def compute(s, name: str, kind: str, exp: dict) -> dict:
    rid = report_id(s, name)
    assert rid is not None, f"{name} not loaded"
    if kind == "programs":
        return program_figures(s, rid)
    if kind == "agreements":
        return agreement_figures(s, rid, dt.date.fromisoformat(exp["reference_date"]))
    return mobility_figures(s, rid)


@pytest.mark.parametrize("report,exp_name,kind", CASES, ids=[c[2] for c in CASES])
def test_report_reproduces_expected_figures(settings, report, exp_name, kind):
    exp = expected(exp_name)
    assert exp["file"] == report
    info = Pipeline(settings).run([REPORTS / report])
    assert info.reports == {"seen": 1, "loaded": 1, "unchanged": 0, "duplicate": 0, "failed": 0, "gone": 0}, info.errors
    with session_factory(settings.database_url)() as s:
        rf = s.scalar(select(ReportFile))
        assert rf.kind == kind and rf.run_id == info.run_id
        got = compute(s, report, kind, exp)
        assert set(got) == set(figures(exp)), "every figure of the expected JSON is recomputed"
        assert got == figures(exp)
        # nothing from these reports waits for review: every name is known
        assert s.scalar(select(func.count()).select_from(ReviewItem)) == 0


def test_all_reports_in_one_run_and_no_double_counting(settings):
    info = Pipeline(settings).run([REPORTS / r for r, _, _ in CASES])
    assert info.reports["loaded"] == 3 and not info.errors
    with session_factory(settings.database_url)() as s:
        for report, exp_name, kind in CASES:
            exp = expected(exp_name)
            assert compute(s, report, kind, exp) == figures(exp)
        # reports link to the same partner rows as each other (and as news facts)
        dcu = s.scalar(select(Partner.id).where(Partner.name == "Dublin City University"))
        assert s.scalar(select(func.count()).where(Program.partner_id == dcu)) == 1
        assert s.scalar(select(func.count()).where(Agreement.partner_id == dcu)) == 1
        assert s.scalar(select(func.count()).where(Mobility.partner_id == dcu)) == 4
        assert s.scalar(select(func.count()).select_from(Partner).where(Partner.status != "known")) == 0


def _statements(url: str):
    seen: list[str] = []

    def hook(conn, cursor, statement, params, context, executemany):
        seen.append(statement.lstrip().split(None, 1)[0].upper())
    return seen, hook


def test_same_file_again_is_unchanged_and_writes_nothing(settings):
    Pipeline(settings).run([REPORTS / r for r, _, _ in CASES])
    url = settings.database_url
    with session_factory(url)() as s:
        before = {m.__tablename__: s.execute(select(m.id).order_by(m.id)).scalars().all()
                  for m in (Program, Agreement, Mobility)}
        loaded_at = s.scalars(select(ReportFile.loaded_at).order_by(ReportFile.id)).all()
    again = Pipeline(settings).run([REPORTS / r for r, _, _ in CASES])
    assert again.reports == {"seen": 3, "loaded": 0, "unchanged": 3, "duplicate": 0, "failed": 0, "gone": 0}
    # and directly: loading an unchanged report issues no INSERT, UPDATE or DELETE
    engine = get_engine(url)
    seen, hook = _statements(url)
    event.listen(engine, "before_cursor_execute", hook)
    try:
        with session_factory(url).begin() as s:
            r = Resolver(s)
            outcomes = [load_report(s, REPORTS / name, r, None) for name, _, _ in CASES]
    finally:
        event.remove(engine, "before_cursor_execute", hook)
    assert outcomes == ["unchanged"] * 3
    assert seen and not {"INSERT", "UPDATE", "DELETE"} & set(seen)
    with session_factory(url)() as s:
        assert {m.__tablename__: s.execute(select(m.id).order_by(m.id)).scalars().all()
                for m in (Program, Agreement, Mobility)} == before
        assert s.scalars(select(ReportFile.loaded_at).order_by(ReportFile.id)).all() == loaded_at


def _rewrite_csv(path, change):
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    rows = change(rows)
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)


def test_changed_file_replaces_its_rows(settings, tmp_path):
    f = tmp_path / "programs-2025.csv"  # the shape comes from the header, not the file name
    shutil.copy(REPORTS / "joint_programs.csv", f)
    first = Pipeline(settings).run([f])
    assert first.reports["loaded"] == 1

    def change(rows):
        header = rows[0]
        i_enr, i_name = header.index("enrolment"), header.index("program_name")
        for r in rows[1:]:
            if r[i_name] == "Accounting 2+2":
                r[i_enr] = "12"
        return [r for r in rows if not r[i_name].startswith("Robotics")]
    _rewrite_csv(f, change)
    second = Pipeline(settings).run([f])
    assert second.reports == {"seen": 1, "loaded": 1, "unchanged": 0, "duplicate": 0, "failed": 0, "gone": 0}
    with session_factory(settings.database_url)() as s:
        assert s.scalar(select(func.count()).select_from(ReportFile)) == 1
        rf = s.scalar(select(ReportFile))
        assert rf.rows == 13 and rf.run_id == second.run_id
        assert s.scalar(select(func.count()).select_from(Program)) == 13
        assert s.scalar(select(func.sum(Program.enrolment))) == 552 - 9 + 12
        assert s.scalar(select(func.count()).where(Program.name.startswith("Robotics"))) == 0


def test_changed_file_that_is_bad_keeps_the_previous_rows(settings, tmp_path):
    f = tmp_path / "outbound.xlsx"
    shutil.copy(REPORTS / "outbound_students_2019_2024.xlsx", f)
    Pipeline(settings).run([f])
    shutil.copy(BAD / "outbound_students_text_value.xlsx", f)
    info = Pipeline(settings).run([f])
    assert info.reports["failed"] == 1
    with session_factory(settings.database_url)() as s:
        assert s.scalar(select(func.count()).select_from(Mobility)) == 46
        assert s.scalar(select(func.sum(Mobility.students))) == 792
        assert s.scalar(select(ReportFile.run_id)) != info.run_id


def test_bad_reports_rejected_whole_in_a_batch_with_good_ones(settings):
    bad = [BAD / "joint_programs_missing_partner.csv", BAD / "outbound_students_text_value.xlsx"]
    info = Pipeline(settings).run([*bad, *(REPORTS / r for r, _, _ in CASES)])
    assert info.status == "partial"
    assert info.reports == {"seen": 5, "loaded": 3, "unchanged": 0, "duplicate": 0, "failed": 2, "gone": 0}
    errs = {e["file"].rsplit("/", 1)[-1]: e for e in info.errors}
    missing = errs["joint_programs_missing_partner.csv"]
    assert missing["column"] == "partner" and "partner" in missing["reason"] and "missing" in missing["reason"]
    text_value = errs["outbound_students_text_value.xlsx"]
    assert text_value["row"] == 24 and text_value["column"] == "Students"
    assert "25 (tbc)" in text_value["reason"]
    with session_factory(settings.database_url)() as s:
        uris = s.scalars(select(ReportFile.uri)).all()
        assert not any("bad" in u.split("/")[-2] for u in uris) and len(uris) == 3
        # the good outbound report alone: 46 rows, 792 students, never 792 + 767 or 767 + 25
        assert s.scalar(select(func.count()).select_from(Mobility)) == 46
        assert s.scalar(select(func.sum(Mobility.students))) == 792
        assert s.scalar(select(func.count()).select_from(Program)) == 14
        from etl.load.models import RunError
        stored = s.scalars(select(RunError.reason).where(RunError.run_id == info.run_id)).all()
        assert any("row 24" in r and "Students" in r for r in stored)


def test_unknown_names_are_queued_and_rows_kept(settings, tmp_path):
    f = tmp_path / "programs.csv"
    f.write_text(
        "Joint programmes 2025 (draft)\n"
        ",,,,\n"
        "program_name,school,partner,country,level,mode,start_year,status,enrolment\n"
        "Basket Weaving 2+2,School of Quantum Basket Weaving,Unseen University,UK,undergraduate,2 + 2,2025 ,active,\n"
        "Robotics 3+1,自动化学院,Hochschule Darmstadt,Germany,undergraduate,3+1,2024,Active,7\n",
        encoding="utf-8")
    info = Pipeline(settings).run([f])
    assert info.reports["loaded"] == 1, info.errors
    with session_factory(settings.database_url)() as s:
        rows = {p.name: p for p in s.scalars(select(Program))}
        bw = rows["Basket Weaving 2+2"]
        assert bw.unit_id is None and bw.school_name == "School of Quantum Basket Weaving"
        unseen = s.get(Partner, bw.partner_id)
        assert unseen.name == "Unseen University" and unseen.status == "new" and unseen.country == "GB"
        assert bw.country == "GB" and bw.enrolment is None and bw.mode == "2+2" and bw.start_year == 2025
        assert bw.row == 4  # the file's own line number, below a title and a blank row
        rob = rows["Robotics 3+1"]
        assert s.get(Unit, rob.unit_id).name == "School of Automation"
        assert s.get(Partner, rob.partner_id).name == "Darmstadt University of Applied Sciences"
        assert rob.status == "active" and rob.enrolment == 7
        queued = {(r.kind, r.name): r.detail for r in s.scalars(select(ReviewItem))}
        assert set(queued) == {("school", "School of Quantum Basket Weaving"), ("partner", "Unseen University")}
        assert queued[("school", "School of Quantum Basket Weaving")]["row"] == 4
        assert queued[("partner", "Unseen University")]["report"] == str(f.resolve())
        assert s.scalar(select(ReportFile.header_row)) == 3


def test_copy_of_a_loaded_report_is_not_counted_twice_and_a_move_is_followed(settings, tmp_path):
    a = tmp_path / "a" / "agreements.csv"
    a.parent.mkdir()
    shutil.copy(REPORTS / "partner_agreements.csv", a)
    Pipeline(settings).run([a])
    copy = tmp_path / "b" / "agreements (1).csv"
    copy.parent.mkdir()
    shutil.copy(a, copy)
    info = Pipeline(settings).run([copy])
    assert info.reports["duplicate"] == 1 and info.reports["loaded"] == 0
    assert info.notices == [{"file": str(copy.resolve()), "notice": "duplicate of agreements.csv"}]
    with session_factory(settings.database_url)() as s:
        assert s.scalar(select(func.count()).select_from(Agreement)) == 29
    a.unlink()
    moved = tmp_path / "b" / "agreements.csv"
    copy.rename(moved)
    Pipeline(settings).run([moved])
    with session_factory(settings.database_url)() as s:
        assert s.scalars(select(ReportFile.uri)).all() == [str(moved.resolve())]
        assert s.scalar(select(func.count()).select_from(Agreement)) == 29


def test_a_report_gone_from_its_folder_is_marked_and_left_out_until_it_comes_back(settings, tmp_path):
    """Deleting a report from a scanned folder marks it gone (its rows kept, not deleted): the
    dashboard's programme, agreement and student counts leave it out; when the file comes
    back it counts again, without being loaded twice."""
    from dashboard.queries import partners as qp
    from dashboard.queries.common import Filters
    from dashboard.queries.programs import report_files
    from dashboard.report import queries as rq

    folder = tmp_path / "reports"
    folder.mkdir()
    for name in ("joint_programs.csv", "partner_agreements.csv", "outbound_students_2019_2024.xlsx"):
        shutil.copy(REPORTS / name, folder / name)
    url = settings.database_url
    Pipeline(settings).run([folder])
    before = (rq.program_counts(url, Filters()), len(report_files(url)),
              int(qp.partners_table(url, Filters())["agreements"].sum()),
              int(rq.students_abroad(url, Filters())["records"].sum()))
    assert sum(before[0].values()) > 0 and before[1] == 3 and before[2] > 0 and before[3] > 0
    kept = tmp_path / "kept.csv"
    shutil.move(str(folder / "partner_agreements.csv"), kept)
    (folder / "joint_programs.csv").unlink()
    info = Pipeline(settings).run([folder])
    assert info.reports["gone"] == 2 and info.reports["unchanged"] == 1
    with session_factory(url)() as s:
        status = dict(s.execute(select(ReportFile.uri, ReportFile.status)).all())
        assert sorted(status.values()) == ["active", "gone", "gone"]
        assert s.scalar(select(func.count()).select_from(Agreement)) == 29  # marked, not deleted
    assert rq.program_counts(url, Filters()) == {}
    assert len(report_files(url)) == 1 and rq.data_info(url, Filters()).reports == 1
    assert int(qp.partners_table(url, Filters())["agreements"].sum()) == 0
    assert int(rq.students_abroad(url, Filters())["records"].sum()) == before[3]
    shutil.move(str(kept), folder / "partner_agreements.csv")
    shutil.copy(REPORTS / "joint_programs.csv", folder / "joint_programs.csv")
    again = Pipeline(settings).run([folder])
    assert again.reports["gone"] == 0 and again.reports["loaded"] == 0 and again.reports["unchanged"] == 3
    after = (rq.program_counts(url, Filters()), len(report_files(url)),
             int(qp.partners_table(url, Filters())["agreements"].sum()),
             int(rq.students_abroad(url, Filters())["records"].sum()))
    assert after == before
