"""The Export menu of one programme record's page (/programs/<id>): its students per year and its
sources, as figures and data (``?programme=<id>`` in the routes), in English and Chinese; the
files hold the rows the page shows; a missing or unknown id is a sentence."""
from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from sqlalchemy import select

from dashboard import export as E
from dashboard.components.export_menu import page_filters
from dashboard.queries import programmes as qg
from dashboard.queries.common import Filters
from etl.db import session_factory
from etl.load.models import Programme

from .test_export_sample import export_links, need_browser, sample_sqlite

EXPORTS = ["programme_students", "programme_sources"]


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    return sample_sqlite(tmp_path_factory, "export-programme")


@pytest.fixture(scope="module")
def client(url):
    from dashboard.app import create_app

    return create_app(url).server.test_client()


def busiest(url: str) -> int:
    """The record with the most sources that also has figures of students."""
    with session_factory(url)() as s:
        ids = s.scalars(select(Programme.id).where(Programme.state == "ok").order_by(Programme.id)).all()
    def rank(i: int) -> tuple[bool, int]:
        d = qg.detail(url, i)
        return not qg.students_frame(d).empty, len(qg.sources_frame(d))

    return max(ids, key=rank)


def test_the_programme_charts_are_registered_as_a_subject(url):
    assert E.subject_names("programme") == EXPORTS
    assert not set(E.subject_names()) & set(E.names())
    with pytest.raises(E.ExportError, match="give programme=<id>"):
        E.data_bytes("programme_students", url, Filters(), "csv")


def test_data_files_hold_what_the_page_shows(url, client):
    pid = busiest(url)
    d = qg.detail(url, pid)
    students, sources = qg.students_frame(d), qg.sources_frame(d)
    assert not students.empty and not sources.empty
    r = client.get(f"/export/data/programme_students.csv?programme={pid}")
    assert r.status_code == 200 and r.mimetype == "text/csv", r.text[:200]
    assert r.headers["Content-Disposition"] == f'attachment; filename="programme_students_{pid}.csv"'
    csv = pd.read_csv(io.BytesIO(r.data), encoding="utf-8-sig")
    assert list(csv["Students"]) == [int(v) for v in students["students"]]
    csv = pd.read_csv(io.BytesIO(client.get(f"/export/data/programme_sources.csv?programme={pid}").data),
                      encoding="utf-8-sig")
    assert len(csv) == len(sources) == len([x for x in d["timeline"] if x["status"] != "rejected"])
    assert set(csv["Kind of source"]) <= {"News", "Joint-programs report", "Agreements report",
                                          "Outbound-students report", "Ministry register"}
    doc = json.loads(client.get(f"/export/data/programme_sources.json?programme={pid}").data)
    assert doc["name"] == "programme_sources" and doc["programme"] == pid and len(doc["rows"]) == len(sources)
    # the filters do not narrow a record: the same rows under any
    again = client.get(f"/export/data/programme_sources.json?programme={pid}&from=2030&country=ZZ").data
    assert len(json.loads(again)["rows"]) == len(sources)
    zh = client.get(f"/export/data/programme_sources.csv?programme={pid}&labels=zh").data.decode("utf-8-sig")
    head = zh.splitlines()[0]
    assert head.startswith("年份,来源类型,新闻或报表") and "Kind" not in head
    assert "News" not in zh.split("\n", 1)[1].split(",")[1]
    zh = client.get(f"/export/data/programme_students.csv?programme={pid}&labels=zh").data.decode("utf-8-sig")
    assert zh.splitlines()[0] == "年份,学生数,人数来源,来源给出的人数条数"


def test_the_charts_draw_the_pages_numbers(url):
    pid = busiest(url)
    info = qg.programme_info(url, pid)
    d = info["detail"]
    page = __import__("dashboard.figures.programmes", fromlist=["x"]).students_per_year(qg.students_frame(d))
    file = E.chart("programme_students", url, Filters(), subject=info)
    assert [(list(t.x), list(t.y)) for t in page.data] == [(list(t.x), list(t.y)) for t in file.data] != []
    fig = E.chart("programme_sources", url, Filters(), subject=info)
    counted = qg.sources_frame(d)["year"].notna().sum()
    assert sum(sum(t.y) for t in fig.data) == counted > 0


def test_the_page_has_its_export_menu_with_the_record_s_id(url):
    from dashboard.pages import programme as page

    pid = busiest(url)
    for lang in ("en", "zh"):
        with page_filters({"from": "2020"}):
            found = export_links(page.view(url, pid, lang))
        paths = {x["path"] for x in found}
        assert {f"/export/data/{n}.csv" for n in EXPORTS} <= paths
        assert {f"/export/figure/{n}.svg" for n in EXPORTS} <= paths
        hrefs = [x["href"] for x in found]
        assert hrefs and all("from=2020" in h for h in hrefs)
        assert all(f"programme={pid}" in h for h in hrefs)
        assert all(("labels=zh" in h) == (lang == "zh") for h in hrefs)


def test_a_missing_or_unknown_record_is_a_sentence(client):
    for path, status, words in [("/export/data/programme_students.csv", 400, "give programme=<id>"),
                                ("/export/data/programme_sources.csv?programme=abc", 400, "is not an id"),
                                ("/export/figure/programme_sources.png?programme=999999", 404,
                                 "no programme with id 999999")]:
        r = client.get(path)
        assert r.status_code == status and r.mimetype == "text/plain", (path, r.status_code, r.text)
        assert words in r.text and "Traceback" not in r.text


def test_figure_files_name_the_record(url, client):
    need_browser()
    import xml.etree.ElementTree as ET

    pid = busiest(url)
    label = qg.detail(url, pid)["label"]
    for name in EXPORTS:
        r = client.get(f"/export/figure/{name}.svg?programme={pid}")
        assert r.status_code == 200 and r.mimetype == "image/svg+xml", (name, r.text[:200])
        text = " ".join(el.text or "" for el in ET.fromstring(r.data).iter())
        assert f"{label}: {E.get(name).title}" in text


def test_the_command_line_exports_a_record_s_data(url, tmp_path):
    from typer.testing import CliRunner

    from dashboard.cli import app

    pid = busiest(url)
    out = tmp_path / "sources.csv"
    r = CliRunner().invoke(app, ["export", "data", "programme_sources", "-o", str(out), "--db", url,
                                 "--programme", str(pid)])
    assert r.exit_code == 0, r.output
    assert len(pd.read_csv(out, encoding="utf-8-sig")) == len(qg.sources_frame(qg.detail(url, pid)))
    r = CliRunner().invoke(app, ["export", "data", "programme_sources", "-o", str(out), "--db", url])
    assert r.exit_code != 0 and "--programme" in r.output
    r = CliRunner().invoke(app, ["export", "list"])
    assert "programme_students" in r.output and "(one --programme)" in r.output
