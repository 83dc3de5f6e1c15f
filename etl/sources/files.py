"""Read a file on disk into a SourceDocument: plain text, HTML, PDF or Word (.docx).

Text is decoded as UTF-8, else as GB18030 when that decodes cleanly (the usual
encoding of older Chinese pages); anything else, empty files and binary files
are refused with a DocumentError that names the file.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

from etl.errors import DocumentError
from etl.limits import Limits, bound_attributes, check_pdf, check_zip, current
from etl.extract.text import detect_lang
from etl.sources.base import SourceDocument, Unchanged
from etl.sources.page_dates import PageDate, page_date

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
PDF_SUFFIXES = {".pdf"}
DOCX_SUFFIXES = {".docx"}
DOCUMENT_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES | DOCX_SUFFIXES


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


def _first_line(text: str) -> str | None:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return None


# lines of a news page that are not the article: links to the neighbouring pieces, sharing and printing
_PAGE_FURNITURE = re.compile(
    r"^\s*(?:上一篇|下一篇|上一条|下一条|上一页|下一页|相关新闻|相关阅读|相关链接|推荐阅读|热点新闻|分享到|【?打印|【?关闭|"
    r"Previous(?:\s+(?:article|post|news))?\s*[:：]|Next(?:\s+(?:article|post|news))?\s*[:：]|Related\s+(?:news|articles|stories)\b|"
    r"Share\s+(?:this|on)\b)", re.I)
# the line of a news page that gives its date ("发布时间：2023-05-22 来源：…", "Date: 2023-10-18 | Source: …")
_DATE_LINE = re.compile(
    r"^\s*(?:[\[【(（]?\s*)?(?:发布时间|发布日期|发表时间|发稿时间|更新时间|时间|日期|Posted(?:\s+on)?|Published(?:\s+on)?|"
    r"Release\s+(?:Time|Date)|Date|Time|Updated)\s*[:：]?\s*(?:\d{4}\s*[-/.年]\s*\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8}\s+\d{4}|"
    r"[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}/\d{1,2}/\d{4})", re.I)
_TITLE_SEPARATORS = re.compile(r"\s*(?:\s[-|–—_]\s|[|｜_–—]|-(?=[^-]{0,80}(?:大学|学院|网|University|College|Institute|"
                               r"Technology|Polytechnic)[^-]{0,20}$))\s*")


def _page_parts(html: str, title: str | None, uri: str = "") -> tuple[str | None, str | None, PageDate | None]:
    """(site name, the page's date line, its publication date) from the raw page: og:site_name or the
    part of the <title> that is not the article's title ("… - Harbin Institute of Technology",
    "…-西安交通大学新闻网"), the first short line that starts with a date label, and the date the page
    gives itself (etl/sources/page_dates.py: metadata, byline, dateline; never its footer)."""
    try:
        import lxml.html

        tree = lxml.html.fromstring(html)
    except Exception:  # noqa: BLE001 - a page lxml cannot parse still has trafilatura's text
        return None, None, None
    published = page_date(tree, uri)
    site = None
    og = tree.xpath('//meta[@property="og:site_name"]/@content | //meta[@name="application-name"]/@content')
    if og and og[0].strip():
        site = og[0].strip()
    raw_title = (tree.findtext(".//title") or "").strip()
    if not site and raw_title:
        parts = [x.strip() for x in _TITLE_SEPARATORS.split(raw_title) if x and x.strip()]
        if len(parts) > 1:
            t = (title or "").strip()
            rest = [x for x in parts if x != t and x not in t]
            if rest:
                site = rest[-1]
    for bad in tree.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    date_line = None
    for el in tree.iter("p", "div", "span", "li", "td", "h2", "h3", "h4", "h5", "h6", "time", "em", "small"):
        txt = re.sub(r"[ \t\u3000\xa0]+", " ", el.text_content() or "").strip()
        if 6 <= len(txt) <= 160 and "\n" not in txt and _DATE_LINE.match(txt):
            date_line = txt
            break
    if published is not None and published.method == "byline" and (date_line is None or published.text != date_line):
        date_line = published.text  # "By Fri, 08 Mar 2024 GMT": the line the date was read from
    return site, date_line, published


def read_html(data: bytes, uri: str, source: str = "folder") -> SourceDocument:
    """Main text of a news page (navigation, related links and footers dropped) and its metadata.

    The page's date line ("发布时间：…", "Date: …"), which trafilatura often leaves out with the page
    furniture, is kept as a header line under the title, and the page's site name goes into
    ``meta["site"]``: both tell the extractor when the piece was published and whose news it is."""
    import trafilatura

    html = bound_attributes(decode_text(data, uri))  # (an element with 100,000 attributes: parsed in minutes)
    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True)
    meta = trafilatura.extract_metadata(html)
    if not text or not text.strip():
        raise DocumentError(uri, "no article text found in the HTML page")
    title = meta.title if meta and meta.title else None
    # not trafilatura's date: its guesses read a footer's "Copyright © 2008-2025" as the article's year
    site, date_line, dated = _page_parts(html, title, uri)
    published = dated.date if dated else None
    lines = [ln for ln in text.splitlines() if not _PAGE_FURNITURE.match(ln)]
    text = "\n".join(lines)
    if date_line and date_line not in text:
        body = f"{title}\n\n{date_line}\n\n{text}" if title and not text.startswith(title) else \
            (text.replace(title, f"{title}\n\n{date_line}\n", 1) if title else f"{date_line}\n\n{text}")
    else:
        body = f"{title}\n\n{text}" if title and not text.startswith(title) else text
    page = {"format": "html"}
    for key in ("sitename", "hostname", "url", "author"):
        val = getattr(meta, key, None) if meta else None
        if val:
            page[key] = val  # the site's name helps to tell whose news it is (the home institution)
    if site:
        page["site"] = site
    if published is not None:
        page["published_from"] = dated.method  # how far to trust it (etl/extract/engine.py)
    return SourceDocument(uri=uri, text=body, source=source, title=title, lang=detect_lang(body),
                          published=published, meta=page)


def read_pdf(data: bytes, uri: str, source: str = "folder", limits: Limits | None = None) -> SourceDocument:
    import io

    import pdfplumber

    check_pdf(data, uri, limits or current())  # a flate bomb fails before the reader inflates it

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    except MemoryError:
        raise  # over the reader's memory limit (etl/limits.py): not a broken file
    except Exception as exc:  # pdfplumber raises several types for broken files
        raise DocumentError(uri, f"not a readable PDF ({exc.__class__.__name__})") from None
    if not text.strip():
        raise DocumentError(uri, "empty document (PDF without text)")
    return SourceDocument(uri=uri, text=text, source=source, title=_first_line(text),
                          lang=detect_lang(text), meta={"format": "pdf"})


def read_docx(data: bytes, uri: str, source: str = "folder", limits: Limits | None = None) -> SourceDocument:
    """A Word document: its paragraphs and table cells in order (python-docx), the title from
    the document's properties or its first line, the date from its properties' creation time
    only when the text gives none (the extractor reads dates from the text)."""
    import io
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    check_zip(data, uri, limits or current(), what="Word document")
    try:
        d = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DocumentError(uri, f"not a readable Word document ({exc.__class__.__name__})") from None
    except MemoryError:
        raise  # over the reader's memory limit (etl/limits.py): not a broken file
    except Exception as exc:  # noqa: BLE001 - lxml and zip errors come in several types
        raise DocumentError(uri, f"not a readable Word document ({exc.__class__.__name__})") from None
    lines: list[str] = []
    body = d.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = "".join(t.text or "" for t in child.iter() if t.tag.endswith("}t"))
            lines.append(text)
        elif tag == "tbl":
            for row in child.iter():
                if row.tag.endswith("}tr"):
                    cells = []
                    for cell in row.iterchildren():
                        if cell.tag.endswith("}tc"):
                            cells.append("".join(t.text or "" for t in cell.iter() if t.tag.endswith("}t")).strip())
                    lines.append(" | ".join(c for c in cells if c))
    text = "\n".join(lines).strip()
    if not text:
        raise DocumentError(uri, "empty document (Word file without text)")
    props = d.core_properties
    title = (props.title or "").strip() or _first_line(text)
    return SourceDocument(uri=uri, text=text, source=source, title=title, lang=detect_lang(text),
                          meta={"format": "docx"})


def read_bytes(data: bytes, uri: str, *, source: str = "folder", content_type: str = "",
               limits: Limits | None = None) -> SourceDocument:
    """Read document bytes whose name (or content type) tells their format. ``limits``: the
    decompression limits (etl/limits.py; default: those of the run in progress, else the defaults)."""
    suffix = Path(uri.split("?")[0]).suffix.lower()
    if suffix in PDF_SUFFIXES or "pdf" in content_type or data[:5] == b"%PDF-":
        return read_pdf(data, uri, source, limits)
    if suffix in DOCX_SUFFIXES or "wordprocessingml" in content_type:
        return read_docx(data, uri, source, limits)
    if suffix in HTML_SUFFIXES or "html" in content_type:
        return read_html(data, uri, source)
    text = decode_text(data, uri)
    if re.match(r"\s*<(!doctype html|html)", text[:200], re.I):
        return read_html(data, uri, source)
    return SourceDocument(uri=uri, text=text, source=source, title=_first_line(text),
                          lang=detect_lang(text), meta={"format": "text"})


def _read_file(path: str | Path) -> tuple[str, bytes]:
    """(the file's absolute path as its URI, its bytes), or a DocumentError naming it."""
    p = Path(path)
    if not p.is_absolute():
        p = p.resolve()
    try:
        return str(p), p.read_bytes()
    except OSError as exc:
        raise DocumentError(str(p), f"cannot read file ({exc.strerror})") from None


def read_path(path: str | Path, source: str = "folder") -> SourceDocument:
    uri, data = _read_file(path)
    return read_bytes(data, uri, source=source)


def read_if_changed(path: Path, stored_hash: Callable[[str], str | None],
                    source: str = "folder", read: Callable[..., SourceDocument] | None = None
                    ) -> SourceDocument | Unchanged:
    """:func:`read_path`, unless the file's bytes hash (SHA-256, at C speed) as those its
    stored document was read from (``stored_hash(uri)``): then :class:`Unchanged`, and the
    text is neither decoded nor normalised. A no-op refresh of many files costs their reads."""
    uri, data = _read_file(path)
    raw = hashlib.sha256(data).hexdigest()
    if stored_hash(uri) == raw:
        return Unchanged(uri)
    doc = (read or read_bytes)(data, uri, source=source)
    doc.source_hash = raw
    return doc
