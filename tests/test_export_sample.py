"""The sample data as the export tests use it, and helpers they share.

``load_sample(url)`` loads data/sample (news documents and the three office reports)
through the real pipeline; ``raw(url, table)`` reads a table whole, so a test can
recompute an aggregate in pandas and compare it with the SQL of the query functions.
The test here checks what the other export tests rely on, so that a change of the
sample fails loudly here rather than as a vague assertion elsewhere.
"""
from __future__ import annotations

import io
import os

import pandas as pd
import pytest
from sqlalchemy import text

from .conftest import IN_CI, ROOT, sample_database


def load_sample(url: str):
    """The sample in the new database at ``url`` (loaded once per worker by the pipeline, then copied)."""
    info = sample_database(url)
    assert info.status == "ok", info.errors
    return info


def sample_sqlite(tmp_path_factory, name: str) -> str:
    """A new SQLite file holding the sample (a module's own copy): its URL."""
    url = f"sqlite:///{tmp_path_factory.mktemp(name) / 'intl.db'}"
    load_sample(url)
    return url


def components(component):
    """Every component of a layout, depth first, in order (the component itself first)."""
    yield component
    kids = getattr(component, "children", None)
    for k in kids if isinstance(kids, (list, tuple)) else [kids]:
        if k is not None and not isinstance(k, (str, int, float)):
            yield from components(k)


def export_links(component) -> list[dict]:
    """Every export link of a layout, in order, as the page gets it: ``{"path", "href", "params", "title",
    "text", "download"}`` (``params``: its own ``data-params``), read from the HTML of the Export menus
    (one ``dcc.Markdown`` each, see dashboard/components/export_menu.py)."""
    from html.parser import HTMLParser

    out: list[dict] = []

    class Links(HTMLParser):
        def handle_starttag(self, name, attrs):
            a = dict(attrs)
            if name == "a" and "export-link" in (a.get("class") or "").split():
                out.append({"path": a["href"].split("?")[0], "href": a["href"], "params": a.get("data-params", ""),
                            "title": a.get("title"), "text": "", "download": "download" in a})

        def handle_data(self, data):
            if out and self.lasttag == "a":
                out[-1]["text"] += data

    for c in components(component):
        text = getattr(c, "children", None) if type(c).__name__ == "Markdown" else None
        if isinstance(text, str) and "export-link" in text:
            parser = Links()
            parser.feed(text)
            parser.close()
    return out


def raw(url: str, table: str) -> pd.DataFrame:
    from etl.db import get_engine

    with get_engine(url).connect() as conn:
        return pd.read_sql(text(f"SELECT * FROM {table}"), conn)


def need_browser() -> str:
    """The Chromium path; the test is skipped where there is none (a failure under CI=true)."""
    from dashboard.report.render import BrowserNotFound, find_browser

    try:
        return find_browser()
    except BrowserNotFound as exc:
        if IN_CI:
            pytest.fail(f"{exc} (CI=true: export tests must run)")
        pytest.skip(str(exc))


def png_stats(data: bytes) -> tuple[tuple[int, int], float, float]:
    """(size, pixel variance of the grey image, share of pixels that are not near-white)."""
    from PIL import Image, ImageStat

    im = Image.open(io.BytesIO(data)).convert("L")
    var = ImageStat.Stat(im).var[0]
    hist = im.histogram()
    inked = sum(hist[:240]) / max(1, sum(hist))
    return im.size, var, inked


def test_the_sample_has_what_the_export_tests_rely_on(sqlite_url):
    load_sample(sqlite_url)
    docs, programs, mobility, agreements = (raw(sqlite_url, t) for t in ("documents", "programs", "mobility",
                                                                         "agreements"))
    assert len(docs) >= 40 and docs["year"].nunique() >= 5
    assert (docs["lang"] == "zh").any() and (docs["lang"] == "en").any()
    assert len(programs) >= 5 and programs["enrolment"].notna().sum() >= 3
    assert mobility["year"].nunique() >= 3 and mobility["students"].sum() > 0
    assert agreements["expiry_date"].notna().sum() >= 10
    partners = raw(sqlite_url, "partners")
    assert partners["zh"].notna().any(), "Chinese partner names exercise the CJK paths"
    assert os.path.isdir(ROOT / "dashboard" / "assets" / "topojson")
