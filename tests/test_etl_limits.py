"""Per-document budgets (issue 17, ``[limits]``, etl/limits.py): a file within the upload limit can no longer
hold the ETL for hours or take gigabytes. Each one fails with its reason and the run goes on.

The slow files and the bombs are generated here (each once per module). Every run that could hang on the old
code is bounded by a timeout (no timed asserts: what is asserted is the outcome and its reason): ``intl etl run``
invoked in this process on a thread the test waits for at most that long, the documents read and extracted in
the run's reader process as always (``intl extract`` likewise); ``test_stored_documents_are_counted`` runs the
command in a child process of its own on SQLite, from the command line to its JSON on standard output.
"""
from __future__ import annotations

import io
import json
import subprocess
import sys
import threading
import zipfile
import zlib
from functools import lru_cache
from pathlib import Path

import pytest
from sqlalchemy import func, select

from etl.db import session_factory
from etl.errors import DocumentError
from etl.limits import Limits, bound_attributes, check_pdf
from etl.load.models import Document
from etl.reader import Guard
from etl.sources.base import SourceDocument

from .conftest import SAMPLE, migrated

ROOT = Path(__file__).resolve().parents[1]


def run_cli(tmp_path: Path, db_url: str, paths: list[Path], limits: str, timeout: float = 300,
            child: bool = False) -> dict:
    """``intl etl run --json`` under the given ``[limits]`` table: invoked in this process (``child``: in a child
    process), bounded by ``timeout`` seconds either way. In this process the command's start-up (its imports, the
    reference data) is the test worker's, loaded once; the run still reads and extracts in its reader process."""
    migrated(db_url)  # (what the run does first; on SQLite a copy of the migrated file)
    cfg = tmp_path / "intl.toml"
    cfg.write_text(f'[database]\nurl = "{db_url}"\n\n[limits]\n{limits}\n', encoding="utf-8")
    args = ["etl", "run", *map(str, paths), "--config", str(cfg), "--json"]
    if child:
        r = subprocess.run([sys.executable, "-m", "etl.cli", *args], cwd=ROOT, capture_output=True, text=True,
                           timeout=timeout)
        assert r.returncode == 0, r.stderr[-3000:]
        return json.loads(r.stdout.strip().splitlines()[-1])
    return json.loads(invoke(args, timeout).strip().splitlines()[-1])


def invoke(args: list[str], timeout: float) -> str:
    """Standard output of the ``intl`` command ``args`` invoked in this process, on a thread waited for at most
    ``timeout`` seconds; it must exit 0."""
    from typer.testing import CliRunner

    from etl.cli import app

    done: dict = {}
    t = threading.Thread(target=lambda: done.update(r=CliRunner().invoke(app, args)), daemon=True,
                         name="intl-cli")
    t.start()
    t.join(timeout)
    assert not t.is_alive(), f"intl {' '.join(args[:2])} still running after {timeout:g} s"
    r = done["r"]
    assert r.exit_code == 0, (r.exception, r.stderr[-3000:])
    return r.stdout


def reasons(out: dict) -> dict[str, str]:
    return {Path(e["file"]).name: e["reason"] for e in out["errors"]}


@lru_cache(maxsize=None)
def long_text(chars: int) -> str:
    docs = [p.read_text(encoding="utf-8") for p in sorted((SAMPLE / "docs").glob("en-*.txt"))]
    out, n, i = [], 0, 0
    while n < chars:
        out.append(docs[i % len(docs)])
        n += len(out[-1]) + 2
        i += 1
    return "\n\n".join(out)


@lru_cache(maxsize=None)
def flate_pdf(inflated: int) -> bytes:
    """A one-page PDF whose content stream inflates to ``inflated`` bytes (spaces: compressed a thousandfold)."""
    z = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    parts = [z.compress(chunk) for _ in range(inflated >> 20)]
    stream = b"".join(parts) + z.compress(b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET") + z.flush()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for i, o in enumerate(objs, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + o + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))
    return out.getvalue()


def many_attributes_html(n: int) -> bytes:
    attrs = " ".join(f'data-a{i}="v{i}"' for i in range(n))
    body = long_text(3000).replace("\n\n", "</p><p>")
    return (f"<html><head><title>Exchange agreement</title></head><body><div {attrs}>x</div>"
            f"<article><p>{body}</p></article></body></html>").encode()


# -- the budgets in a run -----------------------------------------------------------------------------
def test_a_text_too_long_fails_with_its_reason_and_the_run_goes_on(db_url, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "huge.txt").write_text(long_text(60_000), encoding="utf-8")
    (folder / "en-0001.txt").write_bytes((SAMPLE / "docs" / "en-0001.txt").read_bytes())
    out = run_cli(tmp_path, db_url, [folder], "max_text_chars = 50000")
    assert out["status"] == "partial" and out["documents"]["new"] == 1 and out["documents"]["failed"] == 1
    assert "text too long" in reasons(out)["huge.txt"] and "max_text_chars" in reasons(out)["huge.txt"]


def test_a_document_over_its_time_is_stopped_and_the_run_goes_on(sqlite_url, tmp_path):
    """(On SQLite only: the time is the reader's, whatever the database; a failure stored on both databases is
    test_a_text_too_long_fails_with_its_reason_and_the_run_goes_on.)"""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-slow.txt").write_text(long_text(3_000_000), encoding="utf-8")  # many seconds of extraction
    (folder / "en-0001.txt").write_bytes((SAMPLE / "docs" / "en-0001.txt").read_bytes())
    out = run_cli(tmp_path, sqlite_url, [folder], "seconds_per_document = 1\nmax_text_chars = 10000000")
    assert out["documents"]["new"] == 1 and out["documents"]["failed"] == 1  # the next one, in a new reader
    assert "took longer than 1 s" in reasons(out)["a-slow.txt"]


def big_docx(text_mb: int) -> bytes:
    """A Word document whose body part inflates to ``text_mb`` MB (a few hundred KB zipped)."""
    buf = io.BytesIO()
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
                   'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
                   '</Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(f'<?xml version="1.0"?><w:document xmlns:w="{w}"><w:body><w:p><w:r><w:t>'.encode())
            block = b" " * (1 << 20)
            for _ in range(text_mb):
                f.write(block)
            f.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return buf.getvalue()


def test_a_document_over_its_memory_fails_and_the_run_goes_on(sqlite_url, tmp_path):
    """The decompression check is raised out of the way: the Word reader itself inflates its 160 MB part (read
    whole, as one string) in a reader allowed 80 MB more than it started with: it runs out at 80 MB whatever
    the part's size past that (300 MB and 150 MB before: the same work in the reader, twice the compressing
    here); the next document is read in a new reader under the same cap."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-bomb.docx").write_bytes(big_docx(160))
    (folder / "en-0001.txt").write_bytes((SAMPLE / "docs" / "en-0001.txt").read_bytes())
    out = run_cli(tmp_path, sqlite_url, [folder], "mb_per_document = 80\nmax_decompressed_mb = 100000")
    assert out["documents"]["new"] == 1 and out["documents"]["failed"] == 1
    why = reasons(out)["a-bomb.docx"]
    assert "80 MB" in why and "mb_per_document" in why, why


def test_a_pdf_flate_bomb_fails_before_it_is_inflated(sqlite_url, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bomb.pdf").write_bytes(flate_pdf(100 << 20))  # 100 KB on disk, twice the limit inflated
    (folder / "en-0001.txt").write_bytes((SAMPLE / "docs" / "en-0001.txt").read_bytes())
    out = run_cli(tmp_path, sqlite_url, [folder], "max_decompressed_mb = 50")
    assert out["documents"]["new"] == 1
    assert "expands past 50 MB" in reasons(out)["bomb.pdf"]


def test_a_pdf_within_the_limit_is_read():
    data = flate_pdf(1 << 20)
    check_pdf(data, "small.pdf", Limits(max_decompressed_mb=2))
    with pytest.raises(DocumentError, match="expands past 0.5 MB"):
        check_pdf(data, "small.pdf", Limits(max_decompressed_mb=0.5))


@lru_cache(maxsize=None)
def _xlsx_with_big_sheet(xml_mb: int, merge: str | None = None) -> bytes:
    """A workbook whose one sheet's XML is ``xml_mb`` MB of rows (a few hundred KB zipped); ``merge``: a merged
    range the sheet declares."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                   'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
                   '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
                   'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
                   'relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                   'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                   '</Relationships>')
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                    b'2006/main"><sheetData>')
            row = b"".join(b'<c t="inlineStr"><is><t>x</t></is></c>' for _ in range(100))
            block = b"".join(b"<row>" + row + b"</row>" for _ in range(200))
            for _ in range((xml_mb << 20) // len(block) + 1 if xml_mb else 0):
                f.write(block)
            f.write(b"</sheetData>")
            if merge:
                f.write(b'<mergeCells count="1"><mergeCell ref="%s"/></mergeCells>' % merge.encode())
            f.write(b"</worksheet>")
    return buf.getvalue()


def test_an_xlsx_that_expands_past_the_limit_fails_and_the_run_goes_on(sqlite_url, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bomb.xlsx").write_bytes(_xlsx_with_big_sheet(40))
    (folder / "en-0001.txt").write_bytes((SAMPLE / "docs" / "en-0001.txt").read_bytes())
    out = run_cli(tmp_path, sqlite_url, [folder], "max_decompressed_mb = 20")
    assert out["documents"]["new"] == 1 and out["reports"]["failed"] == 1
    assert "expands past 20 MB" in reasons(out)["bomb.xlsx"]


def test_a_merged_range_over_a_whole_sheet_fails_in_the_reader_and_the_run_goes_on(sqlite_url, tmp_path):
    """The spreadsheet library makes one object per cell of a merged range: A1:XFD1048576 is 17 billion. The
    workbook is tried in the reader process first, where it runs out of its time or memory, not the run's (150 MB
    of cell objects: any amount far below the billions of cells proves the same, and fills sooner than 300)."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "merged.xlsx").write_bytes(_xlsx_with_big_sheet(0, merge="A1:XFD1048576"))
    (folder / "en-0001.txt").write_bytes((SAMPLE / "docs" / "en-0001.txt").read_bytes())
    out = run_cli(tmp_path, sqlite_url, [folder], "seconds_per_document = 20\nmb_per_document = 150")
    assert out["documents"]["new"] == 1 and out["reports"]["failed"] == 1
    assert "[limits]" in reasons(out)["merged.xlsx"], reasons(out)


def test_a_sheet_that_spans_the_whole_grid_fails_with_its_reason(sqlite_url, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Partners"
    ws["A1"], ws["B1"] = "partner", "country"
    ws["XFD1048576"] = "far away"  # 17 billion cells to walk through
    folder = tmp_path / "in"
    folder.mkdir()
    wb.save(folder / "partners.xlsx")
    out = run_cli(tmp_path, sqlite_url, [folder], "max_sheet_cells = 1000000", timeout=300)
    assert out["reports"]["failed"] == 1
    assert "spans 1,048,576 rows" in reasons(out)["partners.xlsx"]


def test_html_with_many_attributes_on_one_element_reads_in_bounded_time(tmp_path):
    page = tmp_path / "attrs.html"
    page.write_bytes(many_attributes_html(120_000))  # 2.3 MB; the parser checked each attribute against all
    out = invoke(["extract", "--format", "jsonl", str(page)], timeout=120)  # (in this process: no start-up)
    rec = json.loads(out.strip().splitlines()[-1])
    assert rec["doc"] == "attrs.html" and rec["partners"]  # the article after the element was read


def test_bound_attributes_keeps_ordinary_tags_and_cuts_the_excess():
    html = '<p class="a" id="b">x</p>' + "<div " + " ".join(f'a{i}="{i}"' for i in range(1000)) + ">y</div>"
    out = bound_attributes(html)
    assert out.startswith('<p class="a" id="b">x</p><div a0="0"')
    assert ' a255="255"' in out and " a256=" not in out and out.endswith(">y</div>")
    assert bound_attributes('<a href="/x" title="t">z</a>') == '<a href="/x" title="t">z</a>'


# -- the reader process ---------------------------------------------------------------------------------
def test_an_unexpected_exception_in_the_reader_fails_that_document_only(tmp_path):
    g = Guard(ROOT / "data" / "reference", Limits(seconds_per_document=60))
    try:
        with pytest.raises(DocumentError, match="TypeError"):
            g.extract(SourceDocument(uri="/bad.txt", text=12345))  # not a text: the extractor raises
        ok = g.extract(SourceDocument(uri="/ok.txt", text=(SAMPLE / "docs" / "en-0001.txt").read_text("utf-8")))
        assert ok.mentions
    finally:
        g.close()


def test_limits_table_is_checked():
    assert Limits.from_table({"max_text_chars": 10, "isolate": False}) == Limits(max_text_chars=10, isolate=False)
    with pytest.raises(ValueError, match="unknown setting"):
        Limits.from_table({"max_txt": 1})
    with pytest.raises(ValueError, match="positive number"):
        Limits.from_table({"seconds_per_document": 0})


def test_stored_documents_are_counted(db_url, tmp_path):
    """On SQLite from the command line in a child process of its own (its JSON on standard output); on
    PostgreSQL invoked in this process (the count is the database's, the command line is the same)."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("en-0001.txt", "en-0002.txt"):
        (folder / name).write_bytes((SAMPLE / "docs" / name).read_bytes())
    out = run_cli(tmp_path, db_url, [folder], "seconds_per_document = 60", child=db_url.startswith("sqlite"))
    with session_factory(db_url)() as s:
        assert s.scalar(select(func.count()).select_from(Document)) == out["documents"]["new"] == 2


def test_the_reader_counts_a_failure_at_its_memory_cap_as_out_of_memory():
    """Where C code turns a refused allocation into another exception (openpyxl's merged cells: SystemError),
    the reader still says the document ran out of memory: its address space went up to the cap after the cap
    was set. Not when the peak is far below the cap, or was reached before the cap was set."""
    from etl.limits import MB
    from etl.reader import _reached, _vm_bytes

    peak = _vm_bytes("VmPeak")
    assert peak
    assert _reached(peak + MB, peak - MB)  # up to within the margin of the cap, after it was set
    assert not _reached(peak + 200 * MB, peak - MB)  # far below it
    assert not _reached(peak + MB, peak)  # no higher than when the cap was set
    assert not _reached(None, None)  # no cap (no RLIMIT_AS here)
