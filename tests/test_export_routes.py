"""The dashboard's download routes and Export menu (sign-in off here; tests/test_export_auth.py
keeps it on), on the sample (SQLite): each route's file read back, each failure a status
and a sentence, the menu's links following the URL's filters."""
from __future__ import annotations

import io

import pandas as pd
import pytest

from dashboard import export as E
from dashboard.components.export_menu import FILTER_KEYS, export_menu, page_filters
from dashboard.queries import common as q
from dashboard.queries import overview as qo
from dashboard.queries.common import Filters
from dashboard.report import render

from .test_export_sample import ROOT, components, export_links, need_browser, png_stats, sample_sqlite


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    return sample_sqlite(tmp_path_factory, "export-routes")


@pytest.fixture(scope="module")
def app(url):
    from dashboard.app import create_app

    return create_app(url)


@pytest.fixture
def client(app):
    return app.server.test_client()


def _sid(url, name):
    s = q.schools(url)
    return int(s.loc[s["name"] == name, "id"].iloc[0])


def test_data_routes_send_the_filtered_data_as_attachments(url, client):
    sid = _sid(url, "School of Automation")
    r = client.get(f"/export/data/top_partners.csv?from=2020&school={sid}")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert r.headers["Content-Disposition"] == 'attachment; filename="top_partners_2020-.csv"'
    f = Filters.make(year_from=2020, schools=[sid])
    assert r.data == E.data_bytes("top_partners", url, f, "csv")
    assert list(pd.read_csv(io.BytesIO(r.data), encoding="utf-8-sig")["Documents"]) == \
        list(qo.top_partners(url, f)["documents"])
    r = client.get("/export/data/joint_programs.xlsx?labels=zh&country=AU")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(r.data))
    assert wb.sheetnames == ["说明", "数据"]
    assert wb["数据"].max_row == 1 + len(E.rq.joint_programs(url, Filters.make(countries=["AU"])))
    r = client.get(f"/export/data/top_partners.json?from=2020&school={sid}")  # the chart's JSON twin
    assert r.status_code == 200 and r.mimetype == "application/json"
    assert [row["documents"] for row in r.get_json()["rows"]] == list(qo.top_partners(url, f)["documents"])


def test_figure_and_report_routes(url, client):
    need_browser()
    from pypdf import PdfReader

    r = client.get("/export/figure/top_partners.png?from=2020&scale=1&width=600")
    assert r.status_code == 200 and r.mimetype == "image/png"
    size, var, _ = png_stats(r.data)
    assert size[0] == 600 and var > 100
    r = client.get("/export/figure/partner_countries.svg?labels=zh")
    assert r.status_code == 200 and r.mimetype == "image/svg+xml" and "合作伙伴分布" in r.data.decode()
    r = client.get("/export/report.pdf?from=2021&labels=zh")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert r.headers["Content-Disposition"] == 'attachment; filename="report_zh_2021-.pdf"'
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(r.data)).pages)
    assert "国际合作工作报告" in text and "2021年起" in text


def test_failures_are_statuses_with_a_sentence(url, client, app, monkeypatch, tmp_path):
    cases = [("/export/figure/nope.png", 404, "no export named"),
             ("/export/data/nope.csv", 404, "no export named"),
             ("/export/figure/top_partners.gif", 400, "figure format"),
             ("/export/data/top_partners.parquet", 400, "data format"),
             ("/export/report.docx", 400, "report format"),
             ("/export/figure/top_partners.png?scale=40", 400, "scale must lie"),
             ("/export/figure/top_partners.png?width=wide", 400, "not a number")]
    for path, status, words in cases:
        r = client.get(path)
        assert r.status_code == status and r.mimetype == "text/plain", path
        assert words in r.text and "Traceback" not in r.text, (path, r.text)
    # no Chromium: 503 and what to install (a fresh renderer is looked for)
    monkeypatch.setattr(render, "_RENDERER", None)
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-chromium"))
    r = client.get("/export/figure/top_partners.png")
    assert r.status_code == 503 and "Install Chromium" in r.text
    # a database without tables: 503
    from dashboard.app import create_app

    empty = create_app(f"sqlite:///{tmp_path / 'empty.db'}").server.test_client()
    r = empty.get("/export/data/top_partners.csv")
    assert r.status_code == 503 and "database" in r.text


def test_menu_links_follow_the_url_filters(app):
    # a page made for a query: every link has its filters (normalised: sorted, junk dropped), then its own
    with page_filters({"school": "4,3", "from": "2020", "junk": "1"}):
        links = {x["path"] + "|" + x["text"]: x["href"] for x in export_links(export_menu("top_partners"))}
    assert links["/export/figure/top_partners.png|PNG"] == "/export/figure/top_partners.png?from=2020&school=3,4"
    assert links["/export/report.pdf|PDF"] == "/export/report.pdf?from=2020&school=3,4"
    assert links["/export/report.pdf|中文 PDF"] == "/export/report.pdf?from=2020&school=3,4&labels=zh"
    with page_filters({"school": "4,3", "from": "2020", "junk": "1"}):
        zh = [x for x in export_links(export_menu("top_partners", lang="zh", fixed={"school": "9"}))]
    assert zh[0]["href"] == "/export/figure/top_partners.png?from=2020&school=9&labels=zh"
    # what links.js adds to the URL's filters: the page's school, and 中文 files but for the English report
    assert {x["params"] for x in zh if x["path"].startswith("/export/report") and "中文" not in x["text"]} == {"school=9"}
    assert {x["params"] for x in zh if not x["path"].startswith("/export/report") or "中文" in x["text"]} == {
        "school=9&labels=zh"}
    # no filters: the bare path, the 中文 report's language kept
    bare = {x["path"] + "|" + x["text"]: x["href"] for x in export_links(export_menu("top_partners"))}
    assert bare["/export/figure/top_partners.png|PNG"] == "/export/figure/top_partners.png"
    assert bare["/export/report.pdf|PDF"] == "/export/report.pdf"
    assert bare["/export/report.pdf|中文 PDF"] == "/export/report.pdf?labels=zh"

    one = export_links(export_menu("top_partners"))
    assert all(x["download"] and x["title"] for x in one) and [x["text"] for x in one][:6] == [
        "PNG", "SVG", "PDF", "CSV", "Excel", "JSON"]
    assert [i["path"] for i in one][:5] == [f"/export/figure/top_partners.{x}" for x in ("png", "svg", "pdf")] + \
        [f"/export/data/top_partners.{x}" for x in ("csv", "xlsx")]
    assert {i["path"] for i in one} >= {"/export/report.pptx", "/export/report.pdf"}
    # the Overview page carries a menu for its charts; made by Dash's router for a query (the layout
    # registered by create_app), every link has the query's filters
    import dash
    from urllib.parse import parse_qs, urlsplit

    overview = next(v["layout"] for v in dash.page_registry.values() if v["path"] == "/")
    with app.server.test_request_context("/"):
        page = overview(**{"from": "2022", "country": "PL,GB", "ui": "zh"})
    links = export_links(page)
    paths = {i["path"] for i in links}
    for name in ("activities_by_year", "activities_by_school", "top_partners", "partner_countries"):
        assert f"/export/figure/{name}.png" in paths and f"/export/data/{name}.xlsx" in paths
    assert "/export/report.pptx" in paths
    for x in links:
        query = parse_qs(urlsplit(x["href"]).query)
        assert query["from"] == ["2022"] and query["country"] == ["GB,PL"] and "ui" not in query, x
        assert query.get("labels") == ["zh"] or x["path"].startswith("/export/report"), x
    # every link of the menu answers (the data ones without a browser)
    c = app.server.test_client()
    for href in sorted(x["href"] for x in links if x["path"].startswith("/export/data/")):
        assert c.get(href).status_code == 200, href


def test_a_menu_is_two_components_and_the_script_copies_the_filters_keys(app):
    """A menu of five charts and the report (34 links) is the dropdown and one Markdown: no Dash component
    per row or link, and no callback (the links follow the URL in assets/links.js, which copies the same
    filter keys as Filters)."""
    import re

    menu = export_menu(["activities_by_year", "top_partners", "top_countries", "partner_countries",
                        "activities_by_school"])
    assert len(export_links(menu)) == 5 * 6 + 4
    assert [type(c).__name__ for c in components(menu)] == ["DropdownMenu", "Markdown"]
    assert not [k for k in app.callback_map if "export" in k.lower()]
    script = (ROOT / "dashboard" / "assets" / "links.js").read_text(encoding="utf-8")
    keys = re.search(r"var FILTER_KEYS = \[([^\]]*)\]", script).group(1)
    assert tuple(re.findall(r'"(\w+)"', keys)) == FILTER_KEYS == tuple(Filters.KEYS.values())
