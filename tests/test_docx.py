"""Word (.docx) documents: read through the same ETL as text, HTML and PDF (etl/sources/files.py),
accepted by the administration's uploads when they are Word files, refused when they are not."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from etl.db import get_engine
from etl.errors import DocumentError
from etl.load.models import Document, Fact
from etl.pipeline import Pipeline
from etl.sources.files import read_bytes

ARTICLE = ("BISTU signs exchange agreement with Lodz University of Technology",
           "On 12 May 2024 the School of Automation of Beijing Information Science and Technology University "
           "signed a student exchange agreement with Lodz University of Technology (Poland). Ten students "
           "will spend a semester in Lodz from September.")


def make_docx(title: str, paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    import docx

    d = docx.Document()
    d.core_properties.title = title
    d.add_heading(title, level=1)
    for p in paragraphs:
        d.add_paragraph(p)
    if table:
        t = d.add_table(rows=len(table), cols=len(table[0]))
        for i, row in enumerate(table):
            for j, v in enumerate(row):
                t.cell(i, j).text = v
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_a_word_document_reads_as_text_with_its_title_and_tables():
    data = make_docx(ARTICLE[0], [ARTICLE[1]], table=[["Partner", "Country"], ["Lodz University of Technology", "PL"]])
    doc = read_bytes(data, "notes/visit.docx")
    assert doc.title == ARTICLE[0]
    assert "Lodz University of Technology" in doc.text and "Partner | Country" in doc.text
    assert doc.lang == "en" and doc.meta["format"] == "docx"


def test_a_broken_or_empty_word_file_is_a_clear_error_naming_it():
    with pytest.raises(DocumentError, match="bad.docx.*not a readable Word document"):
        read_bytes(b"PK\x03\x04 not really a zip", "bad.docx")
    with pytest.raises(DocumentError, match="empty.docx.*without text"):
        read_bytes(make_docx("", []), "empty.docx")


def test_the_etl_loads_a_word_document_like_any_other(settings, tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "exchange.docx").write_bytes(make_docx(ARTICLE[0], [ARTICLE[1]]))
    (folder / "broken.docx").write_bytes(b"PK\x03\x04garbage")
    info = Pipeline(settings, trigger="test").run([folder])
    assert info.documents["new"] == 1 and info.documents["failed"] == 1
    assert any("broken.docx" in e["file"] for e in info.errors)
    with get_engine(settings.database_url).connect() as conn:
        title = conn.execute(select(Document.title)).scalar_one()
        partners = conn.execute(select(func.count()).select_from(Fact).where(Fact.type == "partner")).scalar_one()
    assert title == ARTICLE[0] and partners >= 1
    again = Pipeline(settings, trigger="test").run([folder])
    assert again.documents["new"] == 0 and again.documents["unchanged"] == 1


def test_uploads_accept_word_files_and_refuse_impostors():
    from dashboard.admin.uploads import UploadError, check_content

    assert check_content("visit.docx", make_docx(ARTICLE[0], [ARTICLE[1]])) == "document"
    with pytest.raises(UploadError, match="not a Word document"):
        check_content("visit.docx", b"%PDF-1.4 a pdf in disguise")
    buf = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(UploadError, match="word/document.xml"):
        check_content("book.docx", buf.getvalue())
