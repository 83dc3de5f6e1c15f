"""A school's page and a partner's page in headless Chromium, in English and 中文: every chart
card has its Export menu, and a figure and a CSV downloaded from a card's menu arrive with the
server's file name, titled with the school or partner, holding the rows of the chart's query."""
from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from dashboard import ids
from dashboard.queries import common as q
from dashboard.queries import partners as qp
from dashboard.queries import schools as qs
from dashboard.queries.common import Filters
from tests.browser.conftest import navigate

pytestmark = pytest.mark.browser
SCHOOL = "School of Automation"
PARTNER = "Lodz University of Technology"


def _download(p, menu: str, href_part: str, timeout: int = 60_000):
    """Open the card's Export menu and download one of its formats; (file name, bytes)."""
    p.click(f"#{menu} .export-toggle")
    link = p.locator(f"#{menu} a.export-link[href*='{href_part}']")
    link.wait_for(state="visible")
    with p.expect_download(timeout=timeout) as dl:
        link.click()
    with open(dl.value.path(), "rb") as fh:
        data = fh.read()
    if p.locator(f"#{menu} .dropdown-menu.show").count():
        p.keyboard.press("Escape")
    return dl.value.suggested_filename, data


def _is_figure(data: bytes, fmt: str, zh_title: str) -> None:
    """A PNG of a real chart (English), or an SVG whose text holds the chart's Chinese title (中文)."""
    if fmt == "png":
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    else:
        text = " ".join(el.text or "" for el in ET.fromstring(data).iter())
        assert zh_title in text


def _cards_have_menus(p) -> list[str]:
    """The graph ids of the page's chart cards, after checking each card has an Export menu."""
    cards = p.evaluate("""() => Array.from(document.querySelectorAll('.chart-card')).map(c => ({
        graph: (c.querySelector('.dash-graph') || {}).id,
        menu: !!c.querySelector('.card-export .export-menu')}))""")
    assert cards and all(c["menu"] for c in cards), cards
    return [c["graph"] for c in cards]


def test_a_figure_and_a_csv_from_the_cards_of_a_school_and_a_partner_page(live_server, page):
    url = live_server.database_url
    schools = q.schools(url)
    sid = int(schools.loc[schools["name"] == SCHOOL, "id"].iloc[0])
    partners = qp.partners_table(url, Filters())
    pid = int(partners.loc[partners["partner"] == PARTNER, "partner_id"].iloc[0])
    school, partner = qs.school_info(url, sid), qp.partner_info(url, pid)
    p = page.page
    p.set_default_timeout(60_000)   # a machine shared by other jobs: charts can keep the browser busy past 20 s

    # English then 中文, one after the other: the first page loaded, the others reached as the app's
    # links do (the language is a URL parameter: each page and its cards are made again in it)
    for lang in ("en", "zh"):
        ui = "&ui=zh" if lang == "zh" else ""
        # A school's page: its four cards, each with a menu; the partners chart as PNG (EN) or SVG (中文), and as CSV
        navigate(p, live_server.base, f"/schools/{sid}?from=2019{ui}")
        p.wait_for_selector(f"#{ids.SCD_PARTNERS} .bars")
        assert sorted(_cards_have_menus(p)) == sorted([ids.SCD_TREND, ids.SCD_KINDS, ids.SCD_PARTNERS, ids.SCD_MOBILITY])
        menu = f"export-menu-card-{ids.SCD_PARTNERS}"
        fmt = "png" if lang == "en" else "svg"
        name, data = _download(p, menu, f"school_partners.{fmt}")
        assert name == f"school_partners_{sid}_2019-.{fmt}"
        _is_figure(data, fmt, f"{school['zh']}：与该学院同时提及的合作伙伴")
        name, data = _download(p, menu, "school_partners.csv")
        assert name == f"school_partners_{sid}_2019-.csv"
        csv = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
        expected = qs.school_partners(url, Filters.make(year_from=2019), sid)
        assert list(csv.iloc[:, -1]) == list(expected["documents"]) and len(csv) > 0
        assert csv.columns[-1] == ("文档数" if lang == "zh" else "Documents")
        assert p.locator("#export-status .alert-danger").count() == 0

        # A partner's page: its three cards; the schools chart's figure and the timeline's CSV
        navigate(p, live_server.base, f"/partners/{pid}?from=2019{ui}")
        p.wait_for_selector(f"#{ids.PAD_SCHOOLS} .bars")
        assert sorted(_cards_have_menus(p)) == sorted([ids.PAD_TIMELINE, ids.PAD_SCHOOLS, ids.PAD_MOBILITY])
        name, data = _download(p, f"export-menu-card-{ids.PAD_SCHOOLS}", f"partner_schools.{fmt}")
        assert name == f"partner_schools_{pid}_2019-.{fmt}"
        _is_figure(data, fmt, f"{partner['zh']}：与该伙伴合作的学院")
        name, data = _download(p, f"export-menu-card-{ids.PAD_TIMELINE}", "partner_timeline.csv")
        assert name == f"partner_timeline_{pid}_2019-.csv"
        csv = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
        docs = qp.partner_timeline_data(url, Filters.make(year_from=2019), partner)
        assert list(csv.iloc[:, 1]) == list(docs["title"]) and len(csv) > 0
        assert p.locator("#export-status .alert-danger").count() == 0
    assert page.external_requests() == []
