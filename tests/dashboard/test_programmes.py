"""The programme records on the dashboard (issue 16): the records list under the shared filters, per
kind, the Overview's KPIs, a record's page, the register cross-checks, the figures, the school's and
the partner's lists, and the exports — on the records of ``fixture_programmes`` (SQLite and
PostgreSQL for the queries)."""
from __future__ import annotations

import io
import json

import openpyxl
import pandas as pd
import pytest

from dashboard import export as E
from dashboard import ids
from dashboard.figures import programmes as fg
from dashboard.queries import overview as qo
from dashboard.queries import programmes as qg
from dashboard.queries.common import Filters
from tests.conftest import from_template
from tests.dashboard import fixture_programmes as fx


@pytest.fixture
def pw(db_url) -> fx.ProgrammeWorld:
    return from_template(db_url, "programmes", fx.build)


@pytest.fixture
def pws(sqlite_url) -> fx.ProgrammeWorld:
    return from_template(sqlite_url, "programmes", fx.build)


def _text(component) -> str:
    """Every string of a Dash component tree (children, hrefs, titles)."""
    out = []

    def walk(c):
        if c is None:
            return
        if isinstance(c, (str, int, float)):
            out.append(str(c))
            return
        if isinstance(c, (list, tuple)):
            for x in c:
                walk(x)
            return
        for attr in ("href", "title"):
            v = getattr(c, attr, None)
            if isinstance(v, str):
                out.append(v)
        walk(getattr(c, "children", None))

    walk(component)
    return " ".join(out)


def _filter_sets(pw: fx.ProgrammeWorld) -> list[Filters]:
    s = pw.world.school_ids
    return [
        Filters(),
        Filters.make(year_from=2019, year_to=2020),
        Filters.make(year_from=2024),
        Filters.make(year_to=2017),
        Filters.make(schools=[s["School of Automation"]]),
        Filters.make(schools=[s["School of Computer Science"], s["School of Applied Sciences"]]),
        Filters.make(countries=["DE"]),
        Filters.make(countries=["US"]),
        Filters.make(partner_kinds=["company"]),
        Filters.make(countries=["GB"], partner_kinds=["university"], year_from=2022),
        Filters.make(activity_kinds=["visit"], language="zh"),          # say nothing of a record
        Filters.make(countries=["CN"]),
    ]


def test_records_follow_the_shared_filters(pw):
    for f in _filter_sets(pw):
        df = qg.records(pw.url, f)
        assert set(df["programme_id"]) == fx.expected_ids(pw, f), f
        assert list(df.columns) == qg.RECORD_COLUMNS
    df = qg.records(pw.url, Filters()).set_index("programme_id")
    assert pw.ids["p5"] not in df.index                                        # merged: never listed
    p3 = df.loc[pw.ids["p3"]]
    assert p3["partners"] == "Epsilon University; Delta Tech" and p3["countries"] == "GB, US"
    assert p3["schools"] == "School of Applied Sciences; School of Foreign Languages"
    assert (p3["documents"], p3["report_rows"], p3["register"]) == (3, 0, 0)
    assert p3["status_inferred"] and p3["status_basis"] == "inferred"
    p1 = df.loc[pw.ids["p1"]]
    assert (p1["documents"], p1["report_rows"], p1["register"], p1["students"]) == (2, 1, 1, 120)
    assert not p1["status_inferred"] and p1["status_basis"] == "stated"
    assert pd.isna(df.loc[pw.ids["p4"], "students"])                          # unknown, not 0
    # a school's and a partner's records
    auto = pw.world.school_ids["School of Automation"]
    assert set(qg.records(pw.url, Filters(), auto)["programme_id"]) == {pw.ids["p1"], pw.ids["p4"]}
    eps = next(pid for pid, v in pw.world.partners.items() if v[0] == "Epsilon University")
    assert set(qg.records(pw.url, Filters(), None, eps)["programme_id"]) == {pw.ids["p3"], pw.ids["p7"]}
    assert qg.counts_for(pw.url, Filters.make(year_to=2020), partner_id=eps) == 1


def test_per_kind_and_the_overview_kpis_agree_with_the_records(pw):
    for f in _filter_sets(pw):
        recs = qg.records(pw.url, f)
        kinds = qg.by_kind(pw.url, f)
        assert (int(kinds["programmes"].sum()) if not kinds.empty else 0) == len(recs), f
        if not recs.empty:
            pd.testing.assert_frame_equal(kinds, qg.kind_table(recs), check_dtype=False)
        active = recs[recs["status"] == "active"]
        k = qo.programme_kpis(pw.url, f)
        assert k == {"active_joint_programmes": int((active["kind"] == "joint_programme").sum()),
                     "joint_programmes": int((recs["kind"] == "joint_programme").sum()),
                     "active_programmes": len(active),
                     "students_in_programmes": int(active["students"].fillna(0).sum()),
                     "students_in_joint_programmes": int(
                         active.loc[active["kind"] == "joint_programme", "students"].fillna(0).sum()),
                     "students_unknown": int(active["students"].isna().sum())}, f
    assert qo.programme_kpis(pw.url, Filters()) == {"active_joint_programmes": 2, "joint_programmes": 3,
                                                    "active_programmes": 3, "students_in_programmes": 190,
                                                    "students_in_joint_programmes": 160, "students_unknown": 0}


def test_a_record_s_detail_and_the_register_cross_checks(pw):
    d = qg.detail(pw.url, pw.ids["p1"])
    targets = [lk["target"] for lk in d["timeline"]]
    assert sorted(targets) == ["document", "document", "programs", "register"]
    assert {lk["document_id"] for lk in d["timeline"] if lk["target"] == "document"} == set(pw.docs["p1"])
    per_year = qg.students_frame(d).set_index("year", drop=False)
    assert (per_year.loc[2022, "students"], per_year.loc[2022, "source"]) == (100, "report")
    assert (per_year.loc[2023, "students"], per_year.loc[2023, "source"], per_year.loc[2023, "figures"]) == (
        110, "register", 2)                                                      # register before news
    assert [e["approval_no"] for e in d["register"]] == ["MOE-P1"]
    assert qg.detail(pw.url, pw.ids["p5"])["id"] == pw.ids["p1"]              # merged → the record it went into
    assert qg.detail(pw.url, 10**6) is None
    assert qg.records_of_rows(pw.url, "programs") == {1: pw.ids["p1"]}          # a report row → its record
    assert qg.records_of_rows(pw.url, "mobility") == {}
    assert list(qg.register_without_evidence(pw.url)["approval_no"]) == ["MOE-P7"]
    assert list(qg.missing_from_register(pw.url)["programme_id"]) == [pw.ids["p4"]]


def test_figures_draw_the_query_numbers_in_both_languages(pws):
    kinds = qg.by_kind(pws.url, Filters())
    fig = fg.by_kind(kinds)
    assert sum(sum(tr.x) for tr in fig.data) == len(qg.records(pws.url, Filters()))
    specs = [cd[-1] for tr in fig.data for cd in tr.customdata]
    assert {"kind": "exchange", "status": "closed"} in specs
    zh = fg.by_kind(kinds, "zh")
    assert zh.layout.title.text == "合作项目与交流活动（按类型）" and "中外合作办学项目/机构" in list(zh.data[0].y)
    assert fg.by_kind(kinds.iloc[0:0]).layout.meta == {"empty": True}
    sf = qg.students_frame(qg.detail(pws.url, pws.ids["p1"]))
    st = fg.students_per_year(sf)
    bars = {tr.name: dict(zip(tr.x, tr.y)) for tr in st.data}
    assert bars == {"Office report": {2022: 100}, "Ministry register": {2023: 110}}
    assert {tr.name for tr in fg.students_per_year(sf, "zh").data} == {"国际处报表", "教育部名单"}


def test_programs_page_records_list_pick_and_register_check(pws):
    from dashboard.pages import programs as page

    rows = page.record_grid_rows(pws.url, Filters(), None, "en", "?from=2016")
    assert {r["programme_id"] for r in rows} == fx.expected_ids(pws, Filters())
    by_id = {r["programme_id"]: r for r in rows}
    assert by_id[pws.ids["p2"]]["status_name"] == "Closed (inferred)"
    assert by_id[pws.ids["p1"]]["status_name"] == "Active"
    assert by_id[pws.ids["p1"]]["href"] == f"/programs/{pws.ids['p1']}?from=2016"
    assert by_id[pws.ids["p6"]]["years"] == "–" and by_id[pws.ids["p3"]]["years"] == "2021–2023"
    zh = {r["programme_id"]: r for r in page.record_grid_rows(pws.url, Filters(), None, "zh")}
    assert zh[pws.ids["p2"]]["status_name"] == "已结束（推断）" and zh[pws.ids["p1"]]["partners"] != ""
    # a click on a bar of the kinds chart narrows the list to that kind and status
    fig = page.records_figure(pws.url, Filters(), "en")
    click = {"points": [{"customdata": fig.data[0].customdata[0]}]}
    pick = page.record_pick(click)
    assert pick == {"kind": "joint_programme", "status": "active"}
    narrowed = page.record_grid_rows(pws.url, Filters(), pick)
    assert {r["programme_id"] for r in narrowed} == {pws.ids["p1"], pws.ids["p7"]}
    head, style = page.record_pick_head(pick, "en")
    assert "Joint programme or institute · Active" in _text(head) and style == {}
    assert page.record_pick_head(None)[1] == {"display": "none"}
    assert page.record_pick({"points": [{"customdata": ["x", "<script>"]}]}) is None
    check = _text(page.register_check(pws.url, "en", "?ui=zh"))
    assert "MOE-P7" in check and f"/programs/{pws.ids['p7']}?ui=zh" in check
    assert "Beta double master" in check and "Alpha Automation 2+2" not in check
    assert page.record_count(1) == "1 record" and page.record_count(3, "zh") == "3 条记录"


def test_programme_page_timeline_students_and_register(pws):
    from dashboard.pages import programme

    v = _text(programme.view(pws.url, str(pws.ids["p1"]), "en", "?ui=en"))
    assert "Alpha Automation 2+2" in v
    for doc_id in pws.docs["p1"]:
        assert f"/sources/doc/{doc_id}?ui=en" in v                        # its articles open their view
    assert "joint_programs.csv" in v and "MOE-P1" in v and "2022: 55, 2023: 58" in v
    assert "Ministry register" in v and "Office report" in v                 # the source of each figure
    assert "/partners/" in v and "/schools/" in v
    zh = _text(programme.view(pws.url, pws.ids["p3"], "zh"))
    assert "运行中（推断）" in zh and "暑期/冬季学校" in zh
    assert "No such programme." in _text(programme.view(pws.url, "12abc", "en"))
    assert "没有这个项目。" in _text(programme.view(pws.url, 10**6, "zh"))
    nore = _text(programme.view(pws.url, pws.ids["p6"], "en"))
    assert "Only joint programmes and institutes are in the Ministry's register." in nore


def test_school_partner_and_overview_link_to_the_records(pws):
    from dashboard.pages import overview, partner, school
    from dashboard.queries import partners as qpa

    auto = pws.world.school_ids["School of Automation"]
    s = _text(school.programmes_panel(pws.url, Filters.make(schools=[pws.world.school_ids["School of Computer Science"]]),
                                      auto, "en", "?school=1"))
    assert f"/programs/{pws.ids['p1']}?school=1" in s and f"/programs/{pws.ids['p4']}" in s
    eps = next(pid for pid, v in pws.world.partners.items() if v[0] == "Epsilon University")
    p = _text(partner.programmes_panel(pws.url, Filters.make(countries=["DE"]), qpa.partner_info(pws.url, eps), "zh"))
    assert f"/programs/{pws.ids['p3']}" in p and f"/programs/{pws.ids['p7']}" in p and "合作项目与交流活动" in p
    cards = overview.programme_kpi_cards(pws.url, {}, "en")
    text = _text(cards)
    assert "Active joint programmes 2" in text and "Students in programmes 190" in text
    assert f"/programs#{ids.PG_SECTION}" in text
    zh = _text(overview.programme_kpi_cards(pws.url, Filters.make(countries=["GB"]).to_dict(), "zh"))
    assert "运行中的合作办学项目 1" in zh and "?country=GB&ui=zh" in zh


def test_exports_of_the_records_list(pws):
    f = Filters.make(year_from=2019)
    recs = qg.records(pws.url, f)
    csv = pd.read_csv(io.BytesIO(E.data_bytes("programme_records", pws.url, f, "csv")), encoding="utf-8-sig")
    assert list(csv["Record"]) == list(recs["programme_id"]) and "Status is" in csv.columns
    assert set(csv["Programme kind"]) <= set(fg.KIND_LABELS.values())
    js = json.loads(E.data_bytes("programme_records", pws.url, f, "json"))
    assert [r["programme_id"] for r in js["rows"]] == list(recs["programme_id"]) and js["filters"] == {"from": "2019"}
    assert js["rows"][0]["partner_ids"] is not None
    wb = openpyxl.load_workbook(io.BytesIO(E.data_bytes("programme_records", pws.url, f, "xlsx", lang="zh")))
    sheet = wb.worksheets[-1]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert "项目名称" in header and "状态依据" in header and sheet.max_row == len(recs) + 1
    fig = E.chart("programme_records", pws.url, f, "zh")
    assert fig.layout.title.text == "项目记录" and sum(sum(tr.x) for tr in fig.data) == len(recs)
    kinds = pd.read_csv(io.BytesIO(E.data_bytes("programmes_by_kind", pws.url, f, "csv")), encoding="utf-8-sig")
    assert int(kinds["Programmes"].sum()) == len(recs)


def test_empty_states_say_why(sqlite_url, tmp_path):
    """No schema yet, and a schema with no record: the chart says what to do, the lists say so."""
    from dashboard.figures import common as figures
    from dashboard.labels import t
    from dashboard.pages import programs as page
    from etl.db import upgrade

    bare = f"sqlite:///{tmp_path / 'bare.db'}"
    fig = page.records_figure(bare, {}, "zh")
    assert fig.layout.meta == {"empty": True} and "intl init" in fig.layout.annotations[0].text
    assert page.record_grid_rows(bare, {}) == []
    assert "Nothing to report." in _text(page.register_check(bare, "en"))
    upgrade(sqlite_url)
    fig = page.records_figure(sqlite_url, Filters.make(countries=["DE"]).to_dict(), "en")
    assert fig.layout.annotations[0].text == t(figures.FILTER_HINT, "en")
    assert qg.records(sqlite_url, Filters()).empty and qg.by_kind(sqlite_url, Filters()).empty
    assert qg.kpis(sqlite_url, Filters())["active_joint_programmes"] == 0


def test_where_a_status_was_read_is_said_in_chinese_too():
    """The linker keeps where a record's status comes from as fields (Programme.status_from); the pages
    and exports word them in English and in Chinese, file names, rows, numbers and dates kept."""
    from dashboard.figures.programmes import status_source_text as said
    from dashboard.figures.programs import status_label

    row = {"kind": "report", "file": "joint_programs.csv", "sheet": None, "row": 4, "said": "active"}
    agreement = {"kind": "report", "file": "partner_agreements.csv", "sheet": None, "row": 21,
                 "agreement_type": "Student Exchange Agreement", "until": "2028-05-10"}
    cases = [
        (row, "joint_programs.csv row 4: active", "joint_programs.csv 第 4 行：" + status_label("active", "zh")),
        (agreement, "partner_agreements.csv row 21: Student Exchange Agreement valid until 2028-05-10",
         "partner_agreements.csv 第 21 行：学生交流协议，有效期至 2028-05-10"),
        ({"kind": "years", "year": 2024}, "last spoken of in 2024", "最近一次见于 2024 年"),
        ({"kind": "register", "approval_no": "MOE11GB2A20201234N", "until": 2027},
         "register MOE11GB2A20201234N: approved until 2027", "教育部名单 MOE11GB2A20201234N：批准有效期至 2027 年"),
    ]
    for fields, en, zh in cases:
        assert said(fields, "en") == en
        got = said(fields, "zh")
        assert got.split("：")[0] == zh.split("：")[0] and "row" not in got and "valid until" not in got, got
    assert said(row, "zh") == cases[0][2] and said(cases[3][0], "zh") == cases[3][2]
    assert "Student Exchange Agreement" not in said(agreement, "zh")
    assert said({**agreement, "until": None, "open_ended": True, "before": 2026}, "en") == \
        "partner_agreements.csv row 21: Student Exchange Agreement, open-ended (before 2026)"
    assert said({**agreement, "until": None, "open_ended": True, "before": 2026}, "zh").endswith("（早于 2026 年）")
    assert said({**row, "sheet": "2024"}, "en") == "joint_programs.csv [2024] row 4: active"
    assert said(None, "zh") == "" and said("something else", "zh") == "something else"
    assert said(said({"kind": "years", "year": 2024}, "zh"), "zh") == "最近一次见于 2024 年"  # a worded text stays