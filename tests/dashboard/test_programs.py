"""Programs & mobility: queries on SQLite and PostgreSQL, figures, and the callbacks as plain functions.

Two kinds of data: the office's three report files of the corpus, loaded through the real
pipeline and checked against the figures the international office wrote down by hand
(``tests/corpus/reports/expected/*.json``); and a small set of rows built in code with
dates placed around a fixed "today", for the agreement states and the school rule.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy.orm import Session

from dashboard import ids
from dashboard.figures import common as figures
from dashboard.figures import programs as fp
from dashboard.pages import programs as page
from dashboard.queries import programs as qp
from dashboard.queries.common import Filters
from etl.db import get_engine, upgrade
from etl.load.models import Agreement, Mobility, Partner, Program, ReportFile, Unit
from tests.conftest import from_template

ROOT = Path(__file__).resolve().parents[2]
REPORTS = ROOT / "tests" / "corpus" / "reports"
EXPECTED = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in (REPORTS / "expected").glob("*.json")}
TODAY = dt.date(2025, 6, 30)   # the reference date of partner_agreements.json


def _text(component) -> str:
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return " ".join(_text(c) for c in component)
    return _text(getattr(component, "children", None))


def _days(values) -> list[str]:
    """Dates as ISO strings, ``"None"`` for an open end (pandas would make a missing value NaN)."""
    return [v.isoformat() if v is not None and v == v else "None" for v in values]


def load_reports(url: str) -> None:
    from etl.config import load_settings
    from etl.pipeline import Pipeline

    settings = load_settings(config=ROOT / "tests" / "no-such-config.toml", database_url=url)
    Pipeline(settings, trigger="test").run([REPORTS / "joint_programs.csv", REPORTS / "partner_agreements.csv",
                                            REPORTS / "outbound_students_2019_2024.xlsx"])


@pytest.fixture
def reports(db_url):
    from_template(db_url, "program-reports", load_reports)
    return db_url


# ---------------------------------------------------------------------------
# The office's own figures
# ---------------------------------------------------------------------------
def test_programmes_by_level_mode_status_match_the_office_figures(reports):
    exp = EXPECTED["joint_programs"]
    g = qp.programs_grouped(reports, Filters())
    assert g.groupby("status")["programs"].sum().to_dict() == exp["programs_by_status"]
    active = g[g["status"] == "active"]
    assert active.groupby("level")["programs"].sum().to_dict() == exp["active_by_level"]
    assert active.groupby("mode")["programs"].sum().to_dict() == exp["active_by_mode"]
    # Blank enrolments are unknown: counted apart, never summed as 0.
    assert int(g["enrolment_unknown"].sum()) == exp["rows_with_blank_enrolment"]
    assert int(g["enrolment"].sum()) == exp["enrolment_all_total"]
    tot = qp.program_totals(g)
    assert tot["active"] == exp["active_programs"] and tot["active_enrolment"] == exp["enrolment_active_total"]
    by_level = qp.programs_by(g, "level")
    assert int(by_level["programs"].sum()) == exp["rows"]


def test_students_abroad_by_year_school_and_country_match_the_office_figures(reports):
    exp = EXPECTED["outbound_students_2019_2024"]
    f = Filters()
    by_year = qp.students_by(reports, f, "year")
    assert {str(y): int(n) for y, n in zip(by_year["year"], by_year["students"])} == exp["by_year"]
    assert list(by_year["year"]) == sorted(by_year["year"])
    by_school = qp.students_by(reports, f, "school")
    assert dict(zip(by_school["school"], by_school["students"])) == exp["by_school"]
    assert list(by_school["students"]) == sorted(by_school["students"], reverse=True)
    by_country = qp.students_by(reports, f, "country")
    assert dict(zip(by_country["country"], by_country["students"])) == exp["by_country"]
    assert int(by_year["records"].sum()) == exp["data_rows"]
    # A year range and a school narrow the same rows.
    s = int(by_school[by_school["school"] == "School of Computer Science"]["unit_id"].iloc[0])
    one = qp.students_by(reports, Filters.make(schools=[s], year_from=2023), "year")
    assert set(one["year"]) <= {2023, 2024}
    total, rows = qp.mobility_rows(reports, Filters.make(schools=[s], year_from=2023))
    assert total == int(one["records"].sum()) and len(rows) == min(total, 50)
    assert set(rows["school"]) == {"School of Computer Science"}
    assert rows["report"].iloc[0] == "outbound_students_2019_2024.xlsx"


def test_agreements_on_the_reference_date_match_the_office_figures(reports):
    exp = EXPECTED["partner_agreements"]
    today = dt.date.fromisoformat(exp["reference_date"])
    df = qp.agreements(reports, Filters(), today)
    assert len(df) == exp["rows"]
    c = qp.agreement_counts(df)
    assert c["expired"] == exp["expired_on_reference_date"]
    assert c["open_ended"] == exp["rows_without_expiry"]
    assert c["in_force"] + c["expiring_6"] + c["expiring_12"] + c["open_ended"] == exp["active_on_reference_date"]
    valid = qp.agreements_valid(reports, Filters(), today)
    assert valid.groupby("type").size().to_dict() == exp["active_by_type"]
    # A school sees its own agreements and the university-wide ones.
    wide = int(valid["university_wide"].sum())
    assert wide == exp["active_agreements_by_school"]["(university-wide)"]
    units = pd.read_sql("select id, name from units where type = 'school'", get_engine(reports))
    for name, n in exp["active_agreements_by_school"].items():
        if name.startswith("("):
            continue
        uid = int(units[units["name"] == name]["id"].iloc[0])
        mine = qp.agreements_valid(reports, Filters.make(schools=[uid]), today)
        assert len(mine) == n + wide, name


# ---------------------------------------------------------------------------
# Rows built in code around a fixed today
# ---------------------------------------------------------------------------
def build_small(url: str) -> dict:
    """Two schools, three partners, agreements in every state on ``TODAY``, a few programmes and
    mobility rows (one with a blank count). Returns the ids."""
    upgrade(url)
    with Session(get_engine(url)) as s, s.begin():
        a = Unit(type="school", name="School of Alpha", zh="阿尔法学院", aliases=[])
        b = Unit(type="school", name="School of Beta", zh=None, aliases=[])
        p1 = Partner(name="North University", country="DE", kind="university", aliases=[])
        p2 = Partner(name="South Institute", country="JP", kind="institute", aliases=[])
        p3 = Partner(name="East Company", country="US", kind="company", aliases=[])
        s.add_all([a, b, p1, p2, p3])
        s.flush()
        rp = ReportFile(uri="/reports/programs.csv", kind="programs", content_hash="1" * 64, rows=3)
        ra = ReportFile(uri="/reports/agreements.csv", kind="agreements", content_hash="2" * 64, rows=7)
        rm = ReportFile(uri="C:\\office\\mobility.xlsx", kind="mobility", content_hash="3" * 64, rows=3)
        s.add_all([rp, ra, rm])
        s.flush()
        s.add_all([
            Program(report_id=rp.id, row=2, name="Alpha 2+2", unit_id=a.id, partner_id=p1.id, country="DE",
                    level="undergraduate", mode="2+2", start_year=2019, status="active", enrolment=40),
            Program(report_id=rp.id, row=3, name="Alpha Master", unit_id=a.id, partner_id=p2.id, country="JP",
                    level="master", mode="1+1", start_year=2024, status="active", enrolment=None),
            Program(report_id=rp.id, row=4, name="Beta 3+1", unit_id=b.id, partner_id=p3.id, country=None,
                    level="undergraduate", mode="3+1", start_year=2026, status="pending approval", enrolment=0),
        ])
        d = dt.date
        ag = dict(report_id=ra.id, type="MoU")
        s.add_all([
            Agreement(row=2, partner_id=p1.id, country="DE", signed_date=d(2015, 1, 1), expiry_date=d(2020, 1, 1),
                      unit_ids=[a.id], school_names=["School of Alpha"], **ag),                    # expired
            Agreement(row=3, partner_id=p1.id, country="DE", signed_date=d(2020, 5, 1), expiry_date=d(2025, 8, 31),
                      unit_ids=[a.id], school_names=["School of Alpha"], **ag),                    # ≤ 6 months
            Agreement(row=4, partner_id=p2.id, country="JP", signed_date=d(2021, 1, 1), expiry_date=d(2025, 12, 30),
                      unit_ids=[b.id], school_names=["School of Beta"], **ag),                     # exactly 6 months
            Agreement(row=5, partner_id=p2.id, country="JP", signed_date=d(2021, 1, 1), expiry_date=d(2026, 6, 30),
                      unit_ids=[], school_names=[], **ag),                                        # 12 months, univ-wide
            Agreement(row=6, partner_id=p3.id, country="US", signed_date=d(2022, 1, 1), expiry_date=d(2026, 7, 1),
                      unit_ids=[b.id], school_names=["School of Beta"], **ag),                     # in force
            Agreement(row=7, partner_id=p3.id, country="US", signed_date=d(2023, 3, 3), expiry_date=None,
                      unit_ids=[a.id, b.id], school_names=["School of Alpha", "School of Beta"], **ag),  # open-ended
            Agreement(row=8, partner_id=None, partner_name="Future Academy", country="FR",
                      signed_date=d(2025, 9, 1), expiry_date=d(2030, 9, 1), unit_ids=[],
                      school_names=["School of Gamma"],
                      **ag),                                                                      # not started
        ])
        s.add_all([
            Mobility(report_id=rm.id, row=4, year=2023, unit_id=a.id, partner_id=p1.id, country="DE",
                     program_type="exchange", students=10, school_name="School of Alpha"),
            Mobility(report_id=rm.id, row=5, year=2024, unit_id=a.id, partner_id=p2.id, country=None,
                     program_type="summer school", students=None, school_name="School of Alpha"),
            Mobility(report_id=rm.id, row=6, year=2024, unit_id=None, partner_id=None, country="GB",
                     program_type=None, students=7, school_name="School of Gamma"),
        ])
        return {"a": a.id, "b": b.id, "p1": p1.id, "p2": p2.id, "p3": p3.id}


@pytest.fixture
def small(db_url):
    return db_url, from_template(db_url, "programs-small", build_small)


@pytest.fixture
def small_sqlite(sqlite_url):
    """For what only renders query results (figures, callbacks): SQLite is enough."""
    return sqlite_url, from_template(sqlite_url, "programs-small", build_small)


def test_agreement_states_flags_and_school_rule(small):
    url, k = small
    df = qp.agreements(url, Filters(), TODAY)
    state = {f"{p}/{e}": st for p, e, st in zip(df["partner"], _days(df["expiry"]), df["state"])}
    assert state == {
        "North University/2020-01-01": "expired", "North University/2025-08-31": "expiring_6",
        "South Institute/2025-12-30": "expiring_6", "South Institute/2026-06-30": "expiring_12",
        "East Company/2026-07-01": "in_force", "East Company/None": "open_ended",
        "Future Academy/2030-09-01": "not_started",
    }
    # Open-ended agreements come last; the unresolved partner keeps the report's name.
    assert df["expiry"].iloc[-1] is None
    exp = qp.expiring(url, Filters(), TODAY)
    assert dict(zip(_days(exp["expiry"]), exp["within"])) == {
        "2025-08-31": 6, "2025-12-30": 6, "2026-06-30": 12}
    assert list(exp["days_left"]) == [62, 183, 365]
    # School Alpha: its own agreements and the university-wide one, not Beta's.
    alpha = qp.agreements(url, Filters.make(schools=[k["a"]]), TODAY)
    assert set(_days(alpha["expiry"])) == {"2020-01-01", "2025-08-31", "2026-06-30", "None"}
    assert [w for e, w in zip(_days(alpha["expiry"]), alpha["university_wide"]) if e == "2026-06-30"] == [True]
    # An agreement naming only a school still in review (no id) is not university-wide.
    assert not bool(df[df["partner"] == "Future Academy"]["university_wide"].iloc[0])
    # Years: valid at some time in the range; countries and partner kinds through the partner.
    assert set(qp.agreements(url, Filters.make(year_from=2021, year_to=2021), TODAY)["partner"]) == {
        "North University", "South Institute"}
    assert set(_days(qp.agreements(url, Filters.make(countries=["US"]), TODAY)["expiry"])) == {"2026-07-01",
                                                                                                    "None"}
    assert set(qp.agreements(url, Filters.make(partner_kinds=["institute"]), TODAY)["partner"]) == {"South Institute"}
    # Today moves: a year later the first two expiring ones have expired.
    later = qp.agreement_counts(qp.agreements(url, Filters(), dt.date(2026, 6, 30)))
    assert later["expired"] == 3 and later["expiring_6"] == 2


def test_agreement_state_boundaries():
    today = dt.date(2024, 1, 31)
    assert qp.agreement_state(dt.date(2020, 1, 1), today, today) == "expiring_6"       # valid through its last day
    assert qp.agreement_state(dt.date(2020, 1, 1), dt.date(2024, 1, 30), today) == "expired"
    assert qp.agreement_state(dt.date(2020, 1, 1), dt.date(2024, 7, 31), today) == "expiring_6"
    assert qp.agreement_state(dt.date(2020, 1, 1), dt.date(2024, 8, 1), today) == "expiring_12"
    assert qp.agreement_state(dt.date(2020, 1, 1), dt.date(2025, 1, 31), today) == "expiring_12"
    assert qp.agreement_state(dt.date(2020, 1, 1), dt.date(2025, 2, 1), today) == "in_force"
    assert qp.agreement_state(None, None, today) == "open_ended"
    assert qp.agreement_state(dt.date(2024, 2, 1), None, today) == "not_started"


def test_blank_enrolment_and_blank_counts_are_unknown(small):
    url, k = small
    g = qp.programs_grouped(url, Filters())
    master = g[g["level"] == "master"].iloc[0]
    assert master["enrolment"] == 0 and master["enrolment_known"] == 0 and master["enrolment_unknown"] == 1
    tot = qp.program_totals(g)
    assert tot == {"programs": 3, "active": 2, "active_enrolment": 40, "active_enrolment_unknown": 1}
    # A stated 0 is a 0, not unknown.
    beta = g[g["mode"] == "3+1"].iloc[0]
    assert beta["enrolment_known"] == 1 and beta["enrolment_unknown"] == 0
    table = page.programs_table(url, {}, None)
    assert "unknown" in _text(table) and "Alpha Master" in _text(table)
    kpis = _text(page.kpi_row(url, {}, today=TODAY))
    assert "1 without a stated enrolment" in kpis and "40" in kpis
    by_year = qp.students_by(url, Filters(), "year")
    assert by_year.set_index("year")["unknown"].to_dict() == {2023: 0, 2024: 1}
    assert by_year.set_index("year")["students"].to_dict() == {2023: 10, 2024: 7}
    # A school the reference list does not know keeps the report's name.
    by_school = qp.students_by(url, Filters(), "school")
    gamma = by_school[by_school["school"] == "School of Gamma"]
    assert len(gamma) == 1 and pd.isna(gamma["unit_id"].iloc[0])
    # The country of a row without one comes from its partner.
    assert qp.students_by(url, Filters(), "country").set_index("country")["records"].to_dict() == {
        "DE": 1, "JP": 1, "GB": 1}
    total, rows = qp.mobility_rows(url, Filters())
    assert total == 3 and set(rows["report"]) == {"mobility.xlsx"}
    assert "unknown" in _text(page.mobility_table(url, {}))
    # A programme starting after the range is left out; one started before it is kept.
    assert set(qp.joint_programs(url, Filters.make(year_to=2023))["program"]) == {"Alpha 2+2"}


def test_figures_have_titles_and_carry_the_clicked_element(small_sqlite):
    url, k = small_sqlite
    g = qp.programs_grouped(url, Filters())
    fig = fp.programs_by(qp.programs_by(g, "level"), "level")
    assert fig.layout.title.text == fp.LEVEL_TITLE
    assert sum(sum(tr.x) for tr in fig.data) == 3
    assert {tr.name for tr in fig.data} == {"Active", "Pending approval"}
    assert list(fig.layout.yaxis.categoryarray) == ["Master's", "Undergraduate"]  # study order, top first
    zh = fp.programs_by(qp.programs_by(g, "mode"), "mode", "zh")
    assert zh.layout.title.text.startswith("合作办学项目")
    school = fp.students_by_school(qp.students_by(url, Filters(), "school"))
    specs = [cd[-1] for cd in school.data[0].customdata]
    assert {"school": k["a"]} in specs and {} in specs      # the unknown school cannot be filtered on
    timeline = fp.agreements_timeline(qp.agreements(url, Filters(), TODAY), TODAY)
    assert timeline.layout.title.text == fp.TIMELINE_TITLE
    bars = sum(len(tr.y) for tr in timeline.data)
    assert bars == 7
    open_ended = [tr for tr in timeline.data if tr.name == fp.STATE_LABELS["open_ended"]]
    assert open_ended and open_ended[0].marker.pattern.shape == "/"
    # Rows: the soonest expiry first, the expired last.
    order = list(timeline.layout.yaxis.categoryarray)[::-1]
    assert timeline.layout.yaxis.ticktext[0].startswith("North University") and len(order) == 7
    empty = fp.agreements_timeline(qp.agreements(url, Filters.make(countries=["ZZ"]), TODAY), TODAY)
    assert figures.is_empty(empty)


def test_callbacks_narrow_rows_then_filter(small_sqlite):
    url, k = small_sqlite
    click = {"points": [{"customdata": [k["a"], "School of Alpha", 2, 1, {"school": k["a"]}]}]}
    pick = page.rows_pick(click)
    assert pick == {"school": k["a"]}
    head, filter_style, clear_style = page.rows_head(url, {}, pick)
    assert "School of Alpha" in _text(head) and filter_style == {} and clear_style == {}
    rows = _text(page.mobility_table(url, {}, pick=pick))
    assert "Gamma" not in rows and "2 rows" in rows
    from dashboard.components.drilldown import apply_cross_filter

    new = apply_cross_filter("?ui=zh&from=2020", pick)
    assert Filters.from_search(new) == Filters.make(year_from=2020, schools=[k["a"]]) and "ui=zh" in new
    # Already filtered to it: no filter button.
    _h, filter_style, _c = page.rows_head(url, {"schools": [k["a"]]}, pick)
    assert filter_style == {"display": "none"}
    assert page.rows_pick({"points": [{"customdata": ["x", {"school": "<script>"}]}]}) is None
    assert page.pick_from_click("level", {"points": [{"customdata": ["Active", 1, 0, "master"]}]}) == {
        "level": "master"}
    narrowed = _text(page.programs_table(url, {}, {"level": "master"}))
    assert "Alpha Master" in narrowed and "Alpha 2+2" not in narrowed
    chip, style = page.table_head({"level": "master"})
    assert "Master's" in _text(chip) and style == {}
    assert page.table_head(None)[1] == {"display": "none"}
    expiring = _text(page.expiring_panel(url, {}, today=TODAY))
    assert expiring.index("North University") < expiring.index("South Institute")
    assert "≤ 6" in expiring and "≤ 12" in expiring and "University-wide" in expiring
    assert "62" in expiring


def test_empty_states_say_how_to_load(sqlite_url, tmp_path):
    bare = f"sqlite:///{tmp_path / 'bare.db'}"
    fig = page.timeline_figure(bare, {})
    assert figures.is_empty(fig) and "intl init" in fig.layout.annotations[0].text
    upgrade(sqlite_url)
    fig = page.students_school_figure(sqlite_url, {})
    assert figures.is_empty(fig) and "intl etl run" in fig.layout.annotations[0].text
    assert "No joint programme" in _text(page.programs_table(sqlite_url, {}))
    assert len(page.kpi_row(sqlite_url, {}, today=TODAY)) == 5
    build_small(sqlite_url)
    fig = page.programs_figure(sqlite_url, {"countries": ["ZZ"]}, "level")
    assert figures.is_empty(fig) and "filter" in fig.layout.annotations[0].text.lower()


def test_page_layout_and_ids(small_sqlite):
    url, _ = small_sqlite
    from dashboard.app import create_app

    app = create_app(url)
    with app.server.test_request_context():
        layout = page.layout()
    text = str(layout)
    for graph in (ids.PR_BY_LEVEL, ids.PR_BY_MODE, ids.PR_STUDENTS_YEAR, ids.PR_STUDENTS_SCHOOL,
                  ids.PR_STUDENTS_COUNTRY, ids.PR_TIMELINE):
        assert graph in text
    with app.server.test_request_context():
        zh = page.layout(ui="zh")
    assert "项目与交流" in str(zh)


def test_expiring_cards_and_report_rows_speak_chinese(reports):
    """Under 中文 the "即将到期" cards name agreement types, countries and schools in Chinese, and the
    report-rows table names partners by their Chinese names where the database knows them."""
    from dashboard.labels import AGREEMENT_TYPES_ZH
    from dashboard.pages.programs import expiring_panel, mobility_table

    today = dt.date.fromisoformat(EXPECTED["partner_agreements"]["reference_date"])
    df = qp.expiring(reports, Filters(), today)
    assert not df.empty
    zh = _text(expiring_panel(reports, Filters(), "zh", today))
    en = _text(expiring_panel(reports, Filters(), "en", today))
    for kind in set(df["type"]):
        assert kind in en
        if " ".join(kind.lower().split()) in AGREEMENT_TYPES_ZH:
            assert kind not in zh, kind
    assert "天后到期" in zh and "days left" not in zh
    for z in df["schools_zh"].dropna():
        for name in str(z).split("、"):
            assert name in zh
    rows = qp.mobility_rows(reports, Filters(), 25)[1]
    table = _text(mobility_table(reports, Filters(), "zh"))
    known = [z for z in rows["partner_zh"].dropna() if z]
    assert known and all(z in table for z in known)
