"""Exports from the 中文 interface are in Chinese: every registered chart as SVG and PDF, its data
file, and the leadership report (PDF and PPTX) carry no English word of the label tables.

The English side of every table is collected (dashboard/labels.py: the translations every module
registered, activity and partner kinds, regions, document languages, programme and agreement
types; the report's own words; the English names of the partner countries on record). The
files' text is read back (SVG text elements, pdftotext / pypdf, python-pptx, the CSV); the names
of schools, partners and programmes the data holds only in English are taken out first (a name
is data, not a label); what remains must not contain any English label as a phrase.
"""
from __future__ import annotations

import functools
import html
import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from dashboard import export as E
from dashboard import labels
from dashboard.labels import AGREEMENT_TYPES_ZH, KIND_LABELS, PARTNER_KIND_LABELS, PROGRAM_TYPES_ZH, short_school
from dashboard.queries.common import Filters, partner_countries
from dashboard.regions import REGIONS
from dashboard.report import labels as RL

from .test_export_sample import need_browser, sample_sqlite

pytestmark = pytest.mark.slow
FILTER_SETS = [
    Filters(),
    Filters.make(year_from=2021, year_to=2024, countries=["GB", "PL", "AU", "DE"], partner_kinds=["university"],
                 activity_kinds=["agreement", "summer_school"], language="en"),
    Filters.make(year_from=2023, year_to=2023),   # one year: the narrow bars
]
NAME_COLUMNS = ("partner", "school", "program", "schools", "partners", "name", "label")  # label: a programme record's name as its sources give it


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    need_browser()
    return sample_sqlite(tmp_path_factory, "export-zh")


# Both below are pure functions of the module's sample database, which no test writes: each is worked out once
# (the PDF test checks the figures of FILTER_SETS[1], whose names the SVG test has already read back).
@functools.lru_cache(maxsize=None)
def english_labels(url: str) -> list[str]:
    """Every English label the tables hold (a Chinese one differs), longest first."""
    out: set[str] = set()
    for key, zh in labels.translations().items():
        en = key.split("\x04")[-1]
        if zh != en:
            out.add(en)
    out |= {en for en, _ in KIND_LABELS.values()} | set(PARTNER_KIND_LABELS.values())
    out |= {en for en, _ in REGIONS.values()} | {"English"}
    out |= {labels.program_type_name(k) for k in PROGRAM_TYPES_ZH} | {k.title() for k in AGREEMENT_TYPES_ZH}
    out |= {en for en, zh in RL.TEXT.values() if en != zh}
    out |= {labels.country_name(c) for c in partner_countries(url)}
    words = set()
    for en in out:
        # the words of a template, around its {placeholders}; markup and codes left out
        for part in re.split(r"\{[^}]*\}|<[^>]+>|\s[·|]\s", en):
            part = part.strip(" :：.,;()（）·-–\n")
            if len(part) >= 4 and re.search(r"[A-Za-z]{3,}", part) and not re.fullmatch(r"[a-z_]+", part):
                words.add(part)
    return sorted(words, key=len, reverse=True)


@functools.lru_cache(maxsize=None)
def data_names(url: str, name: str, f: Filters) -> list[str]:
    """The names a chart may show as written (schools, partners, programmes without a Chinese name)."""
    df = E.get(name).query(url, f)
    names: set[str] = set()
    for col in df.columns:
        if col in NAME_COLUMNS or col.endswith("_zh") or col == "zh" or col == "mode":
            for v in df[col].dropna().astype(str):
                for one in re.split(r"; |、", v):
                    names |= {one, short_school(one)}
    return sorted((n for n in names if n.strip()), key=len, reverse=True)


def leftovers(text: str, names: list[str], words: list[str]) -> list[str]:
    """The English labels in ``text`` once the data's names (and their shortened forms) are out."""
    text = html.unescape(text)
    for n in names:
        text = text.replace(n, " ")
    # a name shortened with an ellipsis: drop "…"-ended runs that begin a known name
    text = re.sub(r"([^\n·|]{3,}?)…", lambda m: " " if any(n.startswith(m.group(1).strip()) for n in names)
                  else m.group(0), text)
    found = []
    for w in words:
        if re.search(r"(?<![A-Za-z])" + re.escape(w) + r"(?![A-Za-z])", text):
            found.append(w)
            text = text.replace(w, " ")
    return found


def svg_text(svg: bytes) -> str:
    root = ET.fromstring(svg)
    return "\n".join("".join(el.itertext()) for el in root.iter() if el.tag.endswith("}text") or el.tag == "text")


@pytest.mark.parametrize("f", FILTER_SETS, ids=["all", "filtered", "one-year"])
def test_every_chart_exported_from_the_chinese_interface_is_chinese(url, f):
    words = english_labels(url)
    assert {"Documents", "Germany", "Summer school", "Delegation visit", "University"} <= set(words)
    problems = {}
    for name in E.names():
        svg = E.figure_bytes(name, url, f, "svg", lang="zh")
        text = svg_text(svg)
        assert re.search(r"[\u4e00-\u9fff]", text), name
        left = leftovers(text, data_names(url, name, f), words)
        if left:
            problems[name] = left
    assert not problems, problems


def test_the_chinese_pdf_figures_and_data_files_are_chinese_too(url):
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) not installed")
    words = english_labels(url)
    f = FILTER_SETS[1]
    problems = {}
    for name in E.names():
        pdf = E.figure_bytes(name, url, f, "pdf", lang="zh")
        text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, timeout=60).stdout
        left = leftovers(text.decode("utf-8"), data_names(url, name, f), words)
        csv = E.data_bytes(name, url, f, "csv", lang="zh").decode("utf-8-sig")
        # the data sheet keeps the English name columns by design ("合作方（英文）"): names out, the rest checked
        left_csv = leftovers(csv, data_names(url, name, f), words)
        if left or left_csv:
            problems[name] = (left, left_csv)
    assert not problems, problems


def test_the_chinese_report_is_chinese(url):
    from pptx import Presentation
    from pypdf import PdfReader

    from dashboard.report.build import build_reports
    from dashboard.report.content import REPORT_CHARTS

    words = english_labels(url)
    f = Filters.make(year_from=2020)
    names = sorted({n for c in (*REPORT_CHARTS, "agreements_expiring") for n in data_names(url, c, f)},
                   key=len, reverse=True)
    reports = build_reports(url, f, ["pdf", "pptx"], lang="zh")   # one content, both files
    pdf = PdfReader(io.BytesIO(reports["pdf"]))
    pdf_text = "\n".join(p.extract_text() for p in pdf.pages)
    deck = Presentation(io.BytesIO(reports["pptx"]))
    deck_text = "\n".join(s.text_frame.text for sl in deck.slides for s in sl.shapes if s.has_text_frame)
    deck_text += "\n" + "\n".join(c.text for sl in deck.slides for s in sl.shapes if s.has_table
                                  for r in s.table.rows for c in r.cells)
    # the report names its own files' formats and the ETL's words in the method note as written
    allowed = ["PDF", "PowerPoint", "ETL"]
    assert leftovers(pdf_text, names + allowed, words) == []
    assert leftovers(deck_text, names + allowed, words) == []
    assert "国际合作工作报告" in pdf_text and "主要指标" in deck_text
