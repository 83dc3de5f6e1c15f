"""The leadership report, read back: python-pptx for the deck, pypdf and pdftoppm for the PDF.

Built once per format on the sample (SQLite) with branding from a TOML file (name, Chinese
name, logo, colours). The key figures on the slides and pages must be the numbers the
query functions return; the charts must be pictures; the expiring agreements must be the
query's rows; Chinese must be text in the PDF (an embedded CJK font), not boxes.
"""
from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import pytest

from dashboard import export as E
from dashboard.queries import overview as q
from dashboard.queries.common import Filters
from dashboard.report import labels as L
from dashboard.report import queries as rq
from dashboard.report.build import build_report, build_reports
from dashboard.report.content import REPORT_CHARTS, report_content

from .test_export_sample import load_sample, need_browser, png_stats

F = Filters.make(year_from=2019)
PRIMARY = "#0B5A3C"


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    need_browser()
    from PIL import Image

    from etl.config import load_settings

    d = tmp_path_factory.mktemp("export-report")
    url = f"sqlite:///{d / 'intl.db'}"
    load_sample(url)
    (d / "brand").mkdir()
    Image.new("RGB", (240, 120), (200, 30, 40)).save(d / "brand" / "logo.png")
    (d / "intl.toml").write_text(
        '[branding]\ntitle = "Test Dashboard"\nname = "Test University of Technology"\nname_zh = "测试科技大学"\n'
        f'logo = "brand/logo.png"\ncolors = {{ primary = "{PRIMARY}", accent = "#E69F00" }}\n', encoding="utf-8")
    settings = load_settings(config=d / "intl.toml", database_url=url)
    return url, settings


@pytest.fixture(scope="module")
def reports_zh(env):
    """The Chinese deck and PDF, made together from one content (what the scheduled report does)."""
    from dashboard.report import content

    url, settings = env
    made = []
    with pytest.MonkeyPatch.context() as mp:
        original = content.report_content
        mp.setattr(content, "report_content", lambda *a, **kw: made.append(a) or original(*a, **kw))
        reports = build_reports(url, F, ["pptx", "pdf"], lang="zh", settings=settings)
    return {**reports, "contents made": len(made)}


def test_both_formats_are_made_from_one_content(reports_zh):
    assert reports_zh["contents made"] == 1, "the queries run and the charts are drawn once for both files"
    assert reports_zh["pptx"][:2] == b"PK" and reports_zh["pdf"][:5] == b"%PDF-"


@pytest.fixture(scope="module")
def pptx_zh(reports_zh):
    return reports_zh["pptx"]


@pytest.fixture(scope="module")
def pdf_en(env):
    url, settings = env
    return build_report(url, F, "pdf", lang="en", settings=settings)


@pytest.fixture(scope="module")
def pdf_zh(reports_zh):
    return reports_zh["pdf"]


def expected_key_figures(url: str, f: Filters) -> dict[str, tuple[str, int, str, int | None]]:
    """key → (period, value, previous period, previous value), straight from the query functions:
    the period's totals and the same filters over the years just before it."""
    from dataclasses import replace

    from dashboard.queries.periods import periods

    ps = periods(url, f)
    lo, hi = ps.current
    n = hi - lo + 1
    prev = (lo - n, lo - 1)
    text = (lambda a, b: str(a) if a == b else f"{a}–{b}")
    from dashboard.queries.domestic import home_country

    def kpis(g):
        """The KPIs, "countries" without the home country (a domestic partner is not an international one)."""
        k = dict(q.kpis(url, g))
        if home_country() in set(q.countries(url, g)["country"]):
            k["countries"] -= 1
        return k

    cur_k = kpis(f)
    prev_k = kpis(replace(f, year_from=prev[0], year_to=prev[1]))
    out = {k: (text(lo, hi), cur_k[k], text(*prev), prev_k[k]) for k in ("documents", "partners", "countries", "schools")}
    every = replace(f, year_from=None, year_to=None)
    spy = rq.students_per_year(url, every)
    out["students"] = (text(lo, hi), sum(v for y, v in spy.items() if lo <= y <= hi), text(*prev),
                       sum(v for y, v in spy.items() if prev[0] <= y <= prev[1]))
    started = rq.programs_started(url, every)
    out["programs"] = (text(lo, hi), sum(v for y, v in started.items() if lo <= y <= hi), text(*prev),
                       sum(v for y, v in started.items() if prev[0] <= y <= prev[1]))
    return out


def _slide_texts(slide) -> str:
    return "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)


def test_deck_has_title_key_figures_charts_agreements_and_method(env, pptx_zh):
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    url, _ = env
    prs = Presentation(io.BytesIO(pptx_zh))
    slides = list(prs.slides)
    expiring = rq.agreements_expiring(url, F)
    n_table_slides = max(1, -(-len(expiring) // 11))
    assert len(slides) == 2 + len(REPORT_CHARTS) + n_table_slides + 1

    title = _slide_texts(slides[0])
    assert "国际合作工作报告" in title and "测试科技大学" in title and "2019–2025" in title
    logo = [s for s in slides[0].shapes if s.name == "logo"]
    assert logo and logo[0].shape_type == MSO_SHAPE_TYPE.PICTURE
    band = [s for s in slides[0].shapes if s.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE][0]
    assert str(band.fill.fore_color.rgb) == PRIMARY.lstrip("#"), "brand colour from the settings"

    # key figures: the numbers the queries return
    exp = expected_key_figures(url, F)
    shapes = {s.name: s for s in slides[1].shapes}
    for key, (period, value, prev_period, previous) in exp.items():
        assert shapes[f"kf-value:{key}"].text_frame.text == f"{value:,}", key
        change = shapes[f"kf-change:{key}"].text_frame.text
        if value != previous:
            assert f"{abs(value - previous):,}" in change and change.endswith(f"较 {prev_period}"), (key, change)
    note = shapes["kf-note"].text_frame.text
    assert "2019–2025" in note and "2012–2018" in note, note   # labelled: what is compared with what

    # one picture per chart, at 2× of 1200 × 600
    pictures = {s.name: s for sl in slides for s in sl.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE
                and s.name.startswith("chart:")}
    assert sorted(pictures) == sorted(f"chart:{n}" for n in REPORT_CHARTS)
    for pic in pictures.values():
        assert pic.image.size == (2400, 1200)
        size, var, inked = png_stats(pic.image.blob)
        assert var > 200 and inked > 0.02, pic.name
    # every slide's heading is its real title placeholder (outline view, screen readers)
    for sl in slides:
        assert sl.shapes.title is not None and sl.shapes.title.is_placeholder and sl.shapes.title.text_frame.text.strip()
    assert slides[0].shapes.title.text_frame.text == "国际合作工作报告"
    chart_titles = [sl.shapes.title.text_frame.text for sl in slides[2:2 + len(REPORT_CHARTS)]]
    assert chart_titles == [E.get(n).title_in("zh") for n in REPORT_CHARTS]

    # agreements expiring: the query's rows, Chinese partner names where known
    tables = [s.table for sl in slides for s in sl.shapes if s.has_table]
    rows = [[c.text for c in r.cells] for t in tables for r in list(t.rows)[1:]]
    assert len(rows) == len(expiring) > 0
    for row, a in zip(rows, expiring.itertuples()):
        assert row[0] == (a.partner_zh or a.partner) and row[3] == a.expiry.isoformat()
        assert row[4] == f"{a.days_left:,}"

    method = _slide_texts(slides[-1])
    info = rq.data_info(url, F)
    assert f"{info.documents:,}" in method and f"{info.documents_total:,}" in method and "数据截至" in method
    # every run names an East-Asian typeface, so PowerPoint shows Chinese with a CJK font
    rpr = shapes["kf-value:documents"].text_frame.paragraphs[0].runs[0]._r.rPr  # noqa: SLF001
    assert rpr.find("{http://schemas.openxmlformats.org/drawingml/2006/main}ea") is not None


def test_pdf_in_english_reads_back_with_the_query_numbers_and_renders(env, pdf_en, tmp_path):
    from pypdf import PdfReader

    url, _ = env
    reader = PdfReader(io.BytesIO(pdf_en))
    expiring = rq.agreements_expiring(url, F)
    assert len(reader.pages) == 2 + len(REPORT_CHARTS) + 1 + 1
    first = reader.pages[0].extract_text()
    assert "International cooperation report" in first and "Test University of Technology" in first
    assert "Period: 2019–2025" in first and "Years: from 2019" in first
    kf = reader.pages[1].extract_text()
    for key, (period, value, prev_period, previous) in expected_key_figures(url, F).items():
        label = L.text(f"kf_{key}", "en")
        assert f"{label} · {period}\n{value:,}\n" in kf, (key, kf)   # label and period, then the number
        if value != previous:
            arrow = "▲" if value > previous else "▼"
            assert f"{arrow} {abs(value - previous):,}" in kf and f"vs {prev_period}" in kf, key
    for i, name in enumerate(REPORT_CHARTS, start=2):
        page = reader.pages[i]
        assert E.get(name).title in page.extract_text()
        assert len(page.images) == 1
    table = reader.pages[2 + len(REPORT_CHARTS)].extract_text()
    for a in expiring.itertuples():
        assert a.expiry.isoformat() in table
    assert "Method and sources" in reader.pages[-1].extract_text()
    assert reader.metadata.title.startswith("International cooperation report")

    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) not installed")
    out = tmp_path / "page"
    src = tmp_path / "report.pdf"
    src.write_bytes(pdf_en)
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "3", "-l", "3", str(src), str(out)], check=True,
                   timeout=60)
    png = next(tmp_path.glob("page*.png")).read_bytes()
    size, var, inked = png_stats(png)
    assert size[0] > size[1], "landscape"
    assert var > 300 and inked > 0.05, "the chart page is not blank"


def test_pdf_in_chinese_embeds_a_cjk_font_and_extracts_chinese(env, pdf_zh):
    from pypdf import PdfReader

    url, _ = env
    reader = PdfReader(io.BytesIO(pdf_zh))
    text = "\n".join(p.extract_text() for p in reader.pages)
    for words in ("国际合作工作报告", "测试科技大学", "主要指标", "出国（境）学生", "未来12个月内到期的合作协议",
                  "方法与数据来源"):
        assert words in text, words
    zh_partner = next(a.partner_zh for a in rq.agreements_expiring(url, F).itertuples() if a.partner_zh)
    assert zh_partner in text
    fonts = reader.pages[1]["/Resources"]["/Font"]
    descriptors = [f.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
                   for f in fonts.values()]
    assert any("/FontFile2" in d for d in descriptors), "the CJK font is embedded (subset)"
    assert "\ufffd" not in text and "□" not in text


def test_report_content_equals_the_queries(env):
    url, settings = env
    f = Filters.make(year_from=2020, year_to=2024, countries=["DE", "GB", "AU", "KR"])
    c = report_content(url, f, lang="en", settings=settings, charts=(), today=dt.date(2026, 1, 15))
    exp = expected_key_figures(url, f)
    got = {k.key: (k.period, k.value, k.previous_period, k.previous) for k in c.key_figures}
    assert got == exp
    # … and the dashboard's cards show the same numbers for the same filters, with the same comparison
    from dashboard.pages.overview import kpi_cards

    cards = {c_.children.id: c_.children for c_ in kpi_cards(url, f, "en")}
    for card_id, key in (("ov-kpi-documents", "documents"), ("ov-kpi-partners", "partners"),
                         ("ov-kpi-countries", "countries"), ("ov-kpi-schools", "schools")):
        text = str(cards[card_id].to_plotly_json())   # the card's figures are the HTML of its one dcc.Markdown
        assert f'class="kpi-value">{exp[key][1]:,}<' in text and f"vs {exp[key][2]}" in text, (key, text[:400])
    assert c.period == "2020–2024"
    assert len(c.expiring) == len(rq.agreements_expiring(url, f, today=dt.date(2026, 1, 15)))
    assert c.info == rq.data_info(url, f)
    assert "Germany" in c.filters_text


def test_bad_settings_and_formats_are_sentences(env, tmp_path):
    from etl.config import load_settings

    url, _ = env
    with pytest.raises(E.ExportError, match="report format"):
        build_report(url, F, "docx")
    with pytest.raises(E.ExportError, match="report format 'docx'"):
        build_reports(url, F, ["pdf", "docx"])
    with pytest.raises(E.ExportError, match="report format"):
        build_reports(url, F, [])
    (tmp_path / "a.toml").write_text('[branding]\nlogo = "nope.png"\n', encoding="utf-8")
    with pytest.raises(E.ExportError, match="logo"):
        build_report(url, F, "pptx", settings=load_settings(config=tmp_path / "a.toml", database_url=url))
    (tmp_path / "b.toml").write_text('[export]\nbrowser = "/usr/bin/x"\n', encoding="utf-8")
    with pytest.raises(E.ExportError, match="unknown option"):
        build_report(url, F, "pdf", settings=load_settings(config=tmp_path / "b.toml", database_url=url))
    (tmp_path / "c.toml").write_text('[branding]\ncolors = { primary = "blue" }\n', encoding="utf-8")
    with pytest.raises(E.ExportError, match="#RRGGBB"):
        build_report(url, F, "pdf", settings=load_settings(config=tmp_path / "c.toml", database_url=url))


def test_pdf_falls_back_to_the_bundled_cjk_font(env, monkeypatch):
    """On a host without a system CJK font, the web font the dashboard ships is used."""
    from pypdf import PdfReader

    from dashboard.report import pdf_writer

    url, settings = env
    monkeypatch.setattr(pdf_writer, "FONT_CANDIDATES", ())
    font = pdf_writer.cjk_font()
    assert font.suffix == ".ttf" and font.is_file()
    content = report_content(url, F, lang="zh", settings=settings, charts=())
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_writer.write_pdf(content))).pages)
    assert "国际合作工作报告" in text and "主要指标" in text
    with pytest.raises(E.ExportError, match="cjk_font"):
        pdf_writer.cjk_font("/nonexistent/font.ttc")


def test_a_report_on_an_empty_database_says_so(tmp_path):
    """Before the first run: every page is there, numbers are dashes, the charts say how to load."""
    need_browser()
    from pypdf import PdfReader

    from etl.db import upgrade

    url = f"sqlite:///{tmp_path / 'empty.db'}"
    upgrade(url)
    reader = PdfReader(io.BytesIO(build_report(url, Filters(), "pdf", lang="zh")))
    assert len(reader.pages) == 2 + len(REPORT_CHARTS) + 1 + 1
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "无数据" in text and "尚无完成的数据更新" in text and "未来12个月内没有到期的合作协议" in text
    assert "全部年份" in reader.pages[0].extract_text()
