"""Programme records in a real browser, on the bundled sample (issue 16), in English and 中文: the
records list of the Programs page (count, search, a click on the kinds chart narrowing it, sorting),
a record's page opened from the list (timeline with its articles, students per year with their
sources, the register panel), an article opened from the timeline, the register cross-check, the
Overview's two KPIs and a school's list of records linking to the record. Nothing is requested
from another host."""
from __future__ import annotations

import re

import pytest

from dashboard import ids
from dashboard.figures.programmes import kind_label
from dashboard.queries import programmes as qg
from dashboard.queries import programs as qp
from dashboard.queries.common import Filters
from tests.browser.conftest import navigate, snapshot
from tests.browser.test_programs import settle

pytestmark = pytest.mark.browser

GRID_ROWS = f"() => document.querySelectorAll('#{ids.PG_GRID} .ag-center-cols-container .ag-row').length"


FIRST_BAR = """(id) => {
  const bar = document.querySelector('#' + id + ' .trace.bars .point path');
  bar.scrollIntoView({block: 'center'});
  const r = bar.getBoundingClientRect();
  return [r.left + r.width / 2, r.top + r.height / 2];
}"""


def count_is(p, text: str, timeout: float | None = None) -> None:
    p.wait_for_function(f"(t) => document.getElementById('{ids.PG_COUNT}')?.innerText === t", arg=text,
                        timeout=timeout)


def _showcase(url: str):
    """The joint programme with the most linked sources, at least one of them an article."""
    df = qg.records(url, Filters())
    df = df[(df["kind"] == "joint_programme") & (df["documents"] > 0)]
    return df.assign(_n=df["documents"] + df["report_rows"]).sort_values(["_n", "programme_id"],
                                                                         ascending=[False, True]).iloc[0]


def test_records_list_pick_search_and_a_programme_s_page(live_server, page):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    url = live_server.database_url
    recs = qg.records(url, Filters())
    n_all = len(recs)
    kinds = qg.by_kind(url, Filters())
    assert n_all > 20 and not kinds.empty
    top = _showcase(url)
    d = qg.detail(url, int(top["programme_id"]))
    doc_ids = [lk["document_id"] for lk in d["timeline"] if lk["target"] == "document" and lk["status"] != "rejected"]
    assert doc_ids

    p = page.page
    p.goto(live_server.base + "/programs")
    count_is(p, f"{n_all} records")
    p.wait_for_selector(f"#{ids.PG_KINDS} .bars path")
    # the register cross-check lists the register's entry without evidence, with a link to its record
    for r in qg.register_without_evidence(url).itertuples():
        assert r.approval_no in p.inner_text(f"#{ids.PG_REGISTER}")
    # every row of the office's joint-programmes table opens its record
    rows = qp.programs_list(url, Filters())
    record_of = qg.records_of_rows(url, "programs")
    assert set(rows["program_id"]) <= set(record_of)        # one record per row of the report
    p.wait_for_selector(f"#{ids.PR_TABLE} tbody tr")
    hrefs = p.eval_on_selector_all(f"#{ids.PR_TABLE} tbody a", "els => els.map(e => e.getAttribute('href'))")
    assert sorted(h.split("?")[0] for h in hrefs) == sorted(f"/programs/{record_of[int(i)]}" for i in rows["program_id"])
    # a click on the first bar (the first kind, its first status) narrows the list to its records
    first = kinds.iloc[0]
    settle(p)
    want = f"{int(first['programmes'])} records" if int(first["programmes"]) != 1 else "1 record"
    label = kind_label(first["kind"])
    for attempt in range(4):
        # on a busy machine a click can land while plotly still lays the chart out, or the layout shifts between
        # reading the bar's position and the click, so the click picks a neighbouring bar: undo such a pick, retry
        p.mouse.click(*p.evaluate(FIRST_BAR, ids.PG_KINDS))
        try:
            p.wait_for_function(f"(t) => (document.getElementById('{ids.PG_PICK_HEAD}')?.innerText || '').includes(t)",
                                arg=label, timeout=8_000)
            count_is(p, want, timeout=8_000)
            break
        except PlaywrightTimeout:
            if attempt == 3:
                raise
            if p.is_visible(f"#{ids.PG_PICK_CLEAR}"):
                p.click(f"#{ids.PG_PICK_CLEAR}")
                count_is(p, f"{n_all} records")
            settle(p)
    assert label in p.inner_text(f"#{ids.PG_PICK_HEAD}")
    p.click(f"#{ids.PG_PICK_CLEAR}")
    count_is(p, f"{n_all} records")
    # the search box finds a record by its label
    p.fill(f"#{ids.PG_SEARCH}", top["label"])
    p.wait_for_function(f"() => ({GRID_ROWS})() >= 1 && ({GRID_ROWS})() < 5")
    link = p.locator(f"#{ids.PG_GRID} .ag-row a", has_text=top["label"]).first
    settle(p)
    snapshot(p, "programmes-list.png")
    link.click()

    # the record's page
    p.wait_for_url(re.compile(rf"/programs/{int(top['programme_id'])}"))
    p.wait_for_selector(f"#{ids.PGD_HEAD}")
    assert p.inner_text(f"#{ids.PGD_HEAD}") == top["label"]
    timeline = p.inner_text(f"#{ids.PGD_TIMELINE}")
    assert "article" in timeline and "report row" in timeline
    hrefs = p.eval_on_selector_all(f"#{ids.PGD_TIMELINE} a", "els => els.map(e => e.getAttribute('href'))")
    assert {f"/sources/doc/{i}" for i in doc_ids} <= {h.split("?")[0] for h in hrefs}
    assert p.locator(f"#{ids.PGD_REGISTER}").count() == 1
    years = [y for y in d["students_per_year"] if y["year"] is not None]
    if years:
        p.wait_for_selector(f"#{ids.PGD_STUDENTS} .bars path")
        assert "Office report" in p.inner_text("body") or "News" in p.inner_text("body")
    snapshot(p, "programme.png")
    # an article of its timeline opens the article's view; back returns to the record
    p.locator(f"#{ids.PGD_TIMELINE} a[href^='/sources/doc/{doc_ids[0]}']").first.click()
    p.wait_for_selector(f"#{ids.DOC_HEAD}")
    p.go_back()
    p.wait_for_selector(f"#{ids.PGD_HEAD}")
    assert page.external_requests() == []


def test_records_in_chinese_overview_kpis_and_a_school_s_records(live_server, page):
    url = live_server.database_url
    recs = qg.records(url, Filters())
    k = qg.kpis(url, Filters())
    inferred = recs[recs["status_inferred"] & (recs["status"] == "active")]
    assert not inferred.empty

    p = page.page
    p.goto(live_server.base + "/?ui=zh")
    p.wait_for_selector(f"#{ids.OV_KPI_JOINT} .kpi-value")
    assert p.inner_text(f"#{ids.OV_KPI_JOINT} .kpi-value") == f"{k['active_joint_programmes']:,}"
    assert p.inner_text(f"#{ids.OV_KPI_PROG_STUDENTS} .kpi-value") == f"{k['students_in_programmes']:,}"
    assert "运行中的合作办学项目" in p.inner_text(f"#{ids.OV_KPI_JOINT}")

    # the other pages reached as the app's own links do (in-app, ui=zh in the URL): each page load fewer
    # saves Chromium parsing and running plotly.js, Dash and AG Grid again
    navigate(p, live_server.base, "/programs?ui=zh")
    count_is(p, f"{len(recs)} 条记录")
    assert "项目记录" in p.inner_text("body") and "与教育部名单核对" in p.inner_text("body")
    p.fill(f"#{ids.PG_SEARCH}", inferred.iloc[0]["label"])
    p.wait_for_function(f"() => ({GRID_ROWS})() >= 1")
    assert "运行中（推断）" in p.inner_text(f"#{ids.PG_GRID}")
    header = p.inner_text(f"#{ids.PG_GRID} .ag-header")
    assert "项目" in header and "状态" in header and "Programme" not in header
    settle(p)
    snapshot(p, "programmes-list-zh.png")

    top = _showcase(url)
    navigate(p, live_server.base, f"/programs/{int(top['programme_id'])}?ui=zh")
    p.wait_for_selector(f"#{ids.PGD_HEAD}")
    body = p.inner_text("body")
    assert "来源时间线" in body and "教育部中外合作办学名单" in body and "各年度学生人数" in body
    assert "Timeline of its sources" not in body
    snapshot(p, "programme-zh.png")

    school = int(recs[recs["school_ids"].map(len) > 0].iloc[0]["school_ids"][0])
    navigate(p, live_server.base, f"/schools/{school}?ui=zh")
    p.wait_for_selector(f"#{ids.SCD_PROGRAMMES} a")
    assert "合作项目与交流活动" in p.inner_text(f"#{ids.SCD_PROGRAMMES}")
    p.locator(f"#{ids.SCD_PROGRAMMES} a").first.click()
    p.wait_for_url(re.compile(r"/programs/\d+\?.*ui=zh"))
    p.wait_for_selector(f"#{ids.PGD_HEAD}")
    assert page.external_requests() == []
