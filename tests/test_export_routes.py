"""The dashboard's download routes and Export menu (sign-in off here; tests/test_export_auth.py
keeps it on), on the sample (SQLite): each route's file read back, each failure a status
and a sentence, the menu's links following the URL's filters."""
from __future__ import annotations

import io

import pandas as pd
import pytest

from dashboard import export as E
from dashboard.components.export_menu import EXPORT_LINK, export_hrefs, export_menu
from dashboard.queries import common as q
from dashboard.queries import overview as qo
from dashboard.queries.common import Filters
from dashboard.report import render

from .test_export_sample import export_links, need_browser, png_stats, sample_sqlite


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
    ids = [{"type": EXPORT_LINK, "menu": "m", "path": "/export/figure/top_partners.png", "labels": "en"},
           {"type": EXPORT_LINK, "menu": "m", "path": "/export/report.pdf", "labels": "zh"}]
    assert export_hrefs("?school=4,3&from=2020&junk=1", ids) == [
        "/export/figure/top_partners.png?from=2020&school=3,4",
        "/export/report.pdf?from=2020&school=3,4&labels=zh"]
    assert export_hrefs("", ids) == ["/export/figure/top_partners.png", "/export/report.pdf?labels=zh"]

    one = export_links(export_menu("top_partners"))
    assert [i["path"] for i in one][:5] == [f"/export/figure/top_partners.{x}" for x in ("png", "svg", "pdf")] + \
        [f"/export/data/top_partners.{x}" for x in ("csv", "xlsx")]
    assert {i["path"] for i in one} >= {"/export/report.pptx", "/export/report.pdf"}
    # the Overview page carries a menu for its charts
    from dashboard.pages import overview

    with app.server.test_request_context("/"):
        page = overview.layout()
    paths = {i["path"] for i in export_links(page)}
    for name in ("activities_by_year", "activities_by_school", "top_partners", "partner_countries"):
        assert f"/export/figure/{name}.png" in paths and f"/export/data/{name}.xlsx" in paths
    assert "/export/report.pptx" in paths
    # every link of the menu answers (the data ones without a browser)
    c = app.server.test_client()
    for p in sorted(x for x in paths if x.startswith("/export/data/")):
        assert c.get(p + "?from=2022").status_code == 200, p
