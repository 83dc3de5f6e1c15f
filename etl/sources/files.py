"""Read a file on disk into a SourceDocument: plain text, HTML or PDF.

Text is decoded as UTF-8, else as GB18030 when that decodes cleanly (the usual
encoding of older Chinese pages); anything else, empty files and binary files
are refused with a DocumentError that names the file.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from etl.errors import DocumentError
from etl.sources.base import SourceDocument

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
PDF_SUFFIXES = {".pdf"}
DOCUMENT_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES


def decode_text(data: bytes, file: str) -> str:
    """Bytes → str, refusing binary data and garbled encodings."""
    if not data.strip():
        raise DocumentError(file, "empty document")
    if b"\x00" in data[:8192] or data[:8].startswith(b"\x89PNG"):
        raise DocumentError(file, "not a text document (binary content)")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise DocumentError(file, "not a text document: neither UTF-8 nor GB18030") from None
    if re.search(r"[\u4e00-\u9fff]", text):
        return text
    raise DocumentError(file, "unknown text encoding (not UTF-8)")


def detect_lang(text: str) -> str:
    cjk = len(re.findall(r"[\u4e00-\u9fff]", text[:4000]))
    return "zh" if cjk > 20 else "en"


def _first_line(text: str) -> str | None:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return None


def read_html(data: bytes, uri: str, source: str = "folder") -> SourceDocument:
    """Main text of a news page (navigation, related links and footers dropped) and its metadata."""
    import trafilatura

    html = decode_text(data, uri)
    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True)
    meta = trafilatura.extract_metadata(html)
    if not text or not text.strip():
        raise DocumentError(uri, "no article text found in the HTML page")
    title = meta.title if meta and meta.title else None
    published = None
    if meta and meta.date:
        try:
            published = dt.date.fromisoformat(meta.date[:10])
        except ValueError:
            published = None
    body = f"{title}\n\n{text}" if title and not text.startswith(title) else text
    page = {"format": "html"}
    for key in ("sitename", "hostname", "url", "author"):
        val = getattr(meta, key, None) if meta else None
        if val:
            page[key] = val  # the site's name helps to tell whose news it is (the home institution)
    return SourceDocument(uri=uri, text=body, source=source, title=title, lang=detect_lang(body),
                          published=published, meta=page)


def read_pdf(data: bytes, uri: str, source: str = "folder") -> SourceDocument:
    import io

    import pdfplumber

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    except Exception as exc:  # pdfplumber raises several types for broken files
        raise DocumentError(uri, f"not a readable PDF ({exc.__class__.__name__})") from None
    if not text.strip():
        raise DocumentError(uri, "empty document (PDF without text)")
    return SourceDocument(uri=uri, text=text, source=source, title=_first_line(text),
                          lang=detect_lang(text), meta={"format": "pdf"})


def read_bytes(data: bytes, uri: str, *, source: str = "folder", content_type: str = "") -> SourceDocument:
    """Read document bytes whose name (or content type) tells their format."""
    suffix = Path(uri.split("?")[0]).suffix.lower()
    if suffix in PDF_SUFFIXES or "pdf" in content_type or data[:5] == b"%PDF-":
        return read_pdf(data, uri, source)
    if suffix in HTML_SUFFIXES or "html" in content_type:
        return read_html(data, uri, source)
    text = decode_text(data, uri)
    if re.match(r"\s*<(!doctype html|html)", text[:200], re.I):
        return read_html(data, uri, source)
    return SourceDocument(uri=uri, text=text, source=source, title=_first_line(text),
                          lang=detect_lang(text), meta={"format": "text"})


def read_path(path: str | Path, source: str = "folder") -> SourceDocument:
    p = Path(path)
    if not p.is_absolute():
        p = p.resolve()
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise DocumentError(str(p), f"cannot read file ({exc.strerror})") from None
    return read_bytes(data, str(p), source=source)
