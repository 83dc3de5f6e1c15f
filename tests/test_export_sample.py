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
    """The ids of every export link (``EXPORT_LINK``) in a layout, in order."""
    from dashboard.components.export_menu import EXPORT_LINK

    return [c.id for c in components(component)
            if isinstance(getattr(c, "id", None), dict) and c.id.get("type") == EXPORT_LINK]


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
