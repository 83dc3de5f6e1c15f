"""The Export menus of one school's page (/schools/<id>) and one partner's (/partners/<id>):
each chart card's figure and data come from the query its chart draws, for that school or
partner (``?school=<id>`` / ``?partner=<id>`` in the routes), in English and Chinese.

- data routes (CSV, XLSX, JSON) hold the rows of the query the page's chart is drawn from;
- the page's figure and the export's figure draw the same numbers;
- figure routes (SVG, PNG, PDF) are titled with the school's or partner's name, and from the
  中文 interface carry no English label;
- a missing, bad or unknown id is a 400 or 404 with a sentence;
- every card of both pages has its Export menu, its links carry the id and the page's filters.
"""
from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from dashboard import export as E
from dashboard import ids
from dashboard.components.export_menu import page_filters
from dashboard.queries import common as q
from dashboard.queries import partners as qp
from dashboard.queries import schools as qs
from dashboard.queries.common import Filters

from .test_export_sample import components, export_links, load_sample, need_browser, png_stats, sample_sqlite

SCHOOL = "School of Automation"
PARTNER = "Lodz University of Technology"   # news, several schools and students sent in the sample
SCHOOL_EXPORTS = ["school_trend", "school_kinds", "school_partners", "school_mobility"]
PARTNER_EXPORTS = ["partner_timeline", "partner_schools", "partner_mobility"]


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    return sample_sqlite(tmp_path_factory, "export-subjects")


@pytest.fixture(scope="module")
def client(url):
    from dashboard.app import create_app

    return create_app(url).server.test_client()


def school_id(url: str) -> int:
    s = q.schools(url)
    return int(s.loc[s["name"] == SCHOOL, "id"].iloc[0])


def partner_id(url: str) -> int:
    t = qp.partners_table(url, Filters())
    return int(t.loc[t["partner"] == PARTNER, "partner_id"].iloc[0])


def the_query(url: str, name: str, f: Filters, sid: int | None = None, pid: int | None = None) -> pd.DataFrame:
    """The query function each chart of the pages is drawn from (dashboard/pages/school.py, partner.py)."""
    if name.startswith("school_"):
        return {"school_trend": qs.school_trend, "school_kinds": qs.school_kinds,
                "school_partners": qs.school_partners, "school_mobility": qs.school_mobility}[name](url, f, sid)
    info = qp.partner_info(url, pid)
    return {"partner_timeline": qp.partner_timeline_data, "partner_schools": qp.partner_schools,
            "partner_mobility": qp.partner_mobility}[name](url, f, info)


def test_the_subject_charts_are_registered_apart(url):
    assert E.subject_names("school") == SCHOOL_EXPORTS and E.subject_names("partner") == PARTNER_EXPORTS
    assert not set(E.subject_names()) & set(E.names())   # names(): what needs filters only (CLI, loops)
    with pytest.raises(E.ExportError, match="give school=<id>"):
        E.data_bytes("school_trend", url, Filters(), "csv")


def test_data_routes_hold_the_rows_of_the_charts_query(url, client):
    sid, pid = school_id(url), partner_id(url)
    for name in SCHOOL_EXPORTS + PARTNER_EXPORTS:
        arg = f"school={sid}" if name.startswith("school_") else f"partner={pid}"
        subject_id = sid if name.startswith("school_") else pid
        df = the_query(url, name, Filters.make(year_from=2019, schools=[sid] if name.startswith("school_") else []),
                       sid, pid)
        assert not df.empty, name   # the sample gives every chart something to draw
        r = client.get(f"/export/data/{name}.csv?from=2019&{arg}")
        assert r.status_code == 200 and r.mimetype == "text/csv", (name, r.text[:200])
        assert r.headers["Content-Disposition"] == f'attachment; filename="{name}_{subject_id}_2019-.csv"'
        csv = pd.read_csv(io.BytesIO(r.data), encoding="utf-8-sig")
        assert len(csv) == len(df), name
        if "document_id" in df.columns:   # a partner's timeline drawn document by document: its documents
            assert list(csv["Title"]) == list(df["title"]) and list(csv["Date"]) == [d.isoformat() for d in df["date"]]
        else:
            count = next(c for c in ("activities", "documents", "students") if c in df.columns)
            header = {"activities": "Activities", "documents": "Documents", "students": "Students"}[count]
            assert list(csv[header]) == [int(v) for v in df[count]], name
        doc = json.loads(client.get(f"/export/data/{name}.json?from=2019&{arg}").data)
        assert doc["name"] == name and len(doc["rows"]) == len(df) and doc[name.split("_")[0]] == subject_id
        assert doc["columns"] == [str(c) for c in df.columns]
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(client.get(f"/export/data/{name}.xlsx?from=2019&{arg}&labels=zh").data))
        assert wb.sheetnames == ["说明", "数据"] and wb["数据"].max_row == len(df) + 1, name
        assert wb["说明"]["A1"].value.startswith(
            (qs.school_info(url, sid) if name.startswith("school_") else qp.partner_info(url, pid))["zh"] + "："), name


def test_the_data_files_speak_chinese_from_the_chinese_interface(url, client):
    sid, pid = school_id(url), partner_id(url)
    csv = client.get(f"/export/data/school_partners.csv?school={sid}&labels=zh").data.decode("utf-8-sig")
    assert csv.splitlines()[0] == "合作方（英文）,合作方,国家/地区,合作方类型,文档数"
    csv = client.get(f"/export/data/partner_timeline.csv?partner={pid}&labels=zh").data.decode("utf-8-sig")
    head, first = csv.splitlines()[:2]
    assert head == "日期,标题,报道的活动,语言,年份"
    assert "英文" in first or "中文" in first    # the document's language, in words


def test_the_pages_charts_and_the_exports_draw_the_same_numbers(db_url):
    """The page's callback bodies and the export's figure, one query each, on both databases."""
    from dashboard.pages import partner as partner_page
    from dashboard.pages import school as school_page

    load_sample(db_url)
    sid, pid = school_id(db_url), partner_id(db_url)
    f = Filters.make(year_from=2019)
    info = qp.partner_info(db_url, pid)
    view = school_page.school_view(db_url, f, sid)
    for key, name in (("trend", "school_trend"), ("kinds", "school_kinds"), ("partners", "school_partners"),
                      ("mobility", "school_mobility")):
        page_fig, file_fig = view[key], E.chart(name, db_url, f, subject=qs.school_info(db_url, sid))
        assert [(list(t.x), list(t.y)) for t in page_fig.data] == [(list(t.x), list(t.y)) for t in file_fig.data], key
        assert page_fig.data, key
    view = partner_page.partner_view(db_url, f, info)
    for key, name in (("timeline", "partner_timeline"), ("schools", "partner_schools"),
                      ("mobility", "partner_mobility")):
        page_fig, file_fig = view[key], E.chart(name, db_url, f, subject=info)
        assert [(list(t.x), list(t.y)) for t in page_fig.data] == [(list(t.x), list(t.y)) for t in file_fig.data], key
        assert page_fig.data, key


def test_a_busy_partners_timeline_file_counts_per_year_and_kind(url, monkeypatch):
    """Over TIMELINE_MAX documents the chart draws years, and the data file follows it."""
    pid = partner_id(url)
    info = qp.partner_info(url, pid)
    monkeypatch.setattr(qp, "TIMELINE_MAX", 2)
    df = qp.partner_timeline_data(url, Filters(), info)
    assert list(df.columns) == ["year", "kind", "activities"]
    csv = pd.read_csv(io.BytesIO(E.data_bytes("partner_timeline", url, Filters(), "csv", subject=info)),
                      encoding="utf-8-sig")
    assert list(csv.columns) == ["Year", "Activity kind", "Activities"] and list(csv["Activities"]) == list(
        df["activities"])
    fig = E.chart("partner_timeline", url, Filters(), subject=info)
    assert {t.type for t in fig.data} == {"bar"} and sum(sum(t.y) for t in fig.data) == int(df["activities"].sum())


def test_figure_routes_name_the_school_or_partner(url, client):
    need_browser()
    from pypdf import PdfReader

    sid, pid = school_id(url), partner_id(url)
    school, partner = qs.school_info(url, sid), qp.partner_info(url, pid)
    for name in SCHOOL_EXPORTS + PARTNER_EXPORTS:
        arg = f"school={sid}" if name.startswith("school_") else f"partner={pid}"
        who = school if name.startswith("school_") else partner
        r = client.get(f"/export/figure/{name}.svg?{arg}")
        assert r.status_code == 200 and r.mimetype == "image/svg+xml", (name, r.text[:200])
        text = " ".join(el.text or "" for el in ET.fromstring(r.data).iter())
        assert f"{who['name']}: {E.get(name).title}" in text, name
        r = client.get(f"/export/figure/{name}.svg?{arg}&labels=zh")
        text = " ".join(el.text or "" for el in ET.fromstring(r.data).iter())
        assert f"{who['zh']}：{E.get(name).title_in('zh')}" in text, name
    r = client.get(f"/export/figure/school_partners.png?school={sid}&scale=1&width=800")
    assert r.status_code == 200 and r.mimetype == "image/png"
    assert r.headers["Content-Disposition"] == f'attachment; filename="school_partners_{sid}.png"'
    size, var, inked = png_stats(r.data)
    assert size[0] == 800 and var > 100 and inked > 0.01
    r = client.get(f"/export/figure/partner_timeline.pdf?partner={pid}&from=2019")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    pdf_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(r.data)).pages)
    assert PARTNER in pdf_text and "2019" in pdf_text


def test_chinese_figures_carry_no_english_label(url):
    need_browser()
    from .test_export_zh import NAME_COLUMNS, english_labels, leftovers, svg_text

    words = english_labels(url)
    sid, pid = school_id(url), partner_id(url)
    problems = {}
    for f in (Filters(), Filters.make(year_from=2021, year_to=2024, activity_kinds=["agreement", "visit"])):
        for name in SCHOOL_EXPORTS + PARTNER_EXPORTS:
            subject = qs.school_info(url, sid) if name.startswith("school_") else qp.partner_info(url, pid)
            text = svg_text(E.figure_bytes(name, url, f, "svg", lang="zh", subject=subject))
            df = E.get(name).run(url, f, subject)
            names = {subject["name"]}
            for col in df.columns:
                if col in NAME_COLUMNS or col in ("zh", "title"):
                    names |= {str(v) for v in df[col].dropna()}
            left = leftovers(text, sorted(names, key=len, reverse=True), words)
            if left:
                problems[(name, f)] = left
    assert not problems, problems


def test_a_missing_bad_or_unknown_id_is_a_sentence(client):
    cases = [("/export/data/school_trend.csv", 400, "give school=<id>"),
             ("/export/figure/partner_schools.png", 400, "give partner=<id>"),
             ("/export/data/partner_schools.csv?partner=abc", 400, "is not an id"),
             ("/export/data/partner_schools.csv?partner=999999", 404, "no partner with id 999999"),
             ("/export/data/school_kinds.json?school=999999", 404, "no school with id 999999"),
             ("/export/data/school_kinds.json?school=99999999999999999999", 404, "no school with id")]
    for path, status, words in cases:
        r = client.get(path)
        assert r.status_code == status and r.mimetype == "text/plain", (path, r.status_code, r.text)
        assert words in r.text and "Traceback" not in r.text, (path, r.text)


def _cards(component) -> dict[str, object]:
    """Each chart card of a layout by its graph's id."""
    return {[k for k in c.children if k is not None][-1].children.id: c for c in components(component)
            if "chart-card" in (getattr(c, "className", "") or "").split()}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_card_of_both_pages_has_its_export_menu(url, client, monkeypatch, lang):
    from dashboard.pages import partner as partner_page
    from dashboard.pages import school as school_page

    monkeypatch.setattr(school_page, "database_url", lambda: url)
    monkeypatch.setattr(partner_page, "database_url", lambda: url)
    sid, pid = school_id(url), partner_id(url)
    query = {"from": "2020", "country": "PL"}      # the pages made for this query, as Dash's router does
    with page_filters(query):
        pages = ((school_page.layout(str(sid), ui=lang, **query),
                  [ids.SCD_TREND, ids.SCD_KINDS, ids.SCD_PARTNERS, ids.SCD_MOBILITY], "school", sid),
                 (partner_page.layout(str(pid), ui=lang, **query),
                  [ids.PAD_TIMELINE, ids.PAD_SCHOOLS, ids.PAD_MOBILITY], "partner", pid))
    for layout, graphs, key, the_id in pages:
        cards = _cards(layout)
        assert sorted(cards) == sorted(graphs)
        for graph in graphs:
            links = export_links(cards[graph])
            name = (school_page.EXPORTS | partner_page.EXPORTS)[graph]
            assert sorted(lid["path"].rsplit("/", 1)[-1] for lid in links) == sorted(
                f"{name}.{fmt}" for fmt in ("png", "svg", "pdf", "csv", "xlsx", "json")), graph
            for lid in links:
                href = lid["href"]
                assert f"{key}={the_id}" in href and "from=2020" in href and "country=PL" in href, href
                assert ("labels=zh" in href) == (lang == "zh"), href
                # what links.js keeps after the URL's filters: the page's subject and the files' language
                assert lid["params"] == f"{key}={the_id}" + ("&labels=zh" if lang == "zh" else ""), lid
                if lid["path"].endswith((".csv", ".json", ".xlsx")):   # the link answers with the card's file
                    r = client.get(href)
                    assert r.status_code == 200 and r.headers["Content-Disposition"].startswith(
                        f'attachment; filename="{name}_{the_id}_2020-.'), (href, r.text[:200])
