"""Uploaded files: names checked, type checked from the content, stored outside any served folder.

An upload is refused when its name is a path (``../``, ``/``, ``\\``, a drive letter),
holds control characters, or when its bytes are not what its suffix says: a PDF must
start with ``%PDF-``, an ``.xlsx`` must be a zip holding ``[Content_Types].xml`` and an
``xl/`` part, a text/CSV/HTML file must decode as UTF-8 or GB18030 and hold no NUL byte.
Accepted files are stored under ``data/uploads`` (``INTL_UPLOAD_DIR``) as
``<date>-<time>-<hash8>-<clean name>``: never overwritten, never inside ``dashboard/assets``,
so nothing uploaded is ever served back. Each stored file then goes through the same ETL
as every other input (``etl.pipeline.Pipeline(settings).run([path])``).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from dashboard.admin.messages import Refusal
from dashboard.labels import add_translations
from etl.config import ROOT
from etl.pipeline import REPORT_SUFFIXES
from etl.sources.files import DOCUMENT_SUFFIXES, DOCX_SUFFIXES, HTML_SUFFIXES, PDF_SUFFIXES

DEFAULT_UPLOAD_DIR = ROOT / "data" / "uploads"
SERVED_DIRS = (ROOT / "dashboard",)
ALLOWED_SUFFIXES = (DOCUMENT_SUFFIXES | REPORT_SUFFIXES) - {""}
_SAFE_CHARS = re.compile(r"[^\w.\-]+", re.UNICODE)


class UploadError(Refusal):
    """An upload refused, with the reason shown to the administrator: ``str(exc)`` in English (the
    audit log), ``exc.text(lang)`` in the interface language."""


add_translations({
    "upload folder {folder} is inside a served folder": "上传文件夹 {folder} 位于网站对外提供的文件夹之内",
    "no file name": "没有文件名",
    "file name too long": "文件名太长",
    "file name holds control characters": "文件名含有控制字符",
    "file name must not be a path": "文件名不能是路径",
    "file name must not hold '..'": "文件名不能包含“..”",
    "type {suffix} not accepted: {types}": "不接受 {suffix} 类型的文件；可接受的类型：{types}",
    "type (none) not accepted: {types}": "不接受没有类型后缀的文件；可接受的类型：{types}",
    "empty file": "空文件",
    "file too large: {size} MB, limit {limit} MB": "文件太大：{size} MB，上限为 {limit} MB",
    "not a PDF (content does not start with %PDF-)": "不是 PDF 文件（内容不以 %PDF- 开头）",
    "not an Excel workbook (not a zip archive)": "不是 Excel 工作簿（不是 zip 压缩包）",
    "workbook expands too much (zip bomb?)": "工作簿解压后过大（可能是 zip 炸弹）",
    "not an Excel workbook (damaged zip)": "不是 Excel 工作簿（zip 压缩包已损坏）",
    "not an Excel workbook (zip without xl/ parts)": "不是 Excel 工作簿（zip 压缩包中没有 xl/ 部分）",
    "binary content in a {suffix} file": "{suffix} 文件中含有二进制内容",
    "not a text file (binary or unknown encoding)": "不是文本文件（二进制内容或未知编码）",
    "not an HTML document": "不是 HTML 文档",
    "not a Word document (not a zip archive)": "不是 Word 文档（不是 zip 压缩包）",
    "not a Word document (damaged zip)": "不是 Word 文档（zip 压缩包已损坏）",
    "not a Word document (zip without word/document.xml)": "不是 Word 文档（zip 压缩包中没有 word/document.xml）",
    "file expands too much (zip bomb?)": "文件解压后过大（可能是 zip 炸弹）",
})


@dataclass
class StoredUpload:
    original: str
    path: Path
    kind: str  # document | report
    size: int
    sha256: str


# One megabyte, as the upload page, its refusals and the request limits (dashboard/hardening.py)
# all count it: 20 MB is 20 x 1,048,576 bytes everywhere (a refusal once said "limit 21 MB").
MB = 1024 * 1024


def mb(n: float) -> str:
    """``n`` bytes as a number of megabytes: ``20``, ``0.5``, ``25.3``."""
    return f"{n / MB:.1f}".removesuffix(".0")


def max_upload_bytes() -> int:
    """The most one upload (one file, or the files dropped together) may hold: ``INTL_UPLOAD_MAX_MB``."""
    try:
        value = float(os.environ.get("INTL_UPLOAD_MAX_MB") or 20)
    except ValueError:  # not a number: the default, rather than no upload at all
        value = 20
    return int((value if value > 0 else 20) * MB)


def max_request_bytes() -> int:
    """The body of an upload's callback: the files arrive base64-encoded in JSON (4/3 of their
    size), plus room for the names and the request around them."""
    return max_upload_bytes() * 4 // 3 + MB


def upload_dir() -> Path:
    d = Path(os.environ.get("INTL_UPLOAD_DIR") or DEFAULT_UPLOAD_DIR).resolve()
    for served in SERVED_DIRS:
        if d == served.resolve() or served.resolve() in d.parents:
            raise UploadError("upload folder {folder} is inside a served folder", folder=str(d))
    return d


def clean_name(name: str) -> str:
    """The file name to keep, or :class:`UploadError` for a path or a strange name."""
    if not isinstance(name, str) or not name.strip():
        raise UploadError("no file name")
    if len(name) > 255:
        raise UploadError("file name too long")
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        raise UploadError("file name holds control characters")
    if "/" in name or "\\" in name or re.match(r"^[A-Za-z]:", name) or name.startswith("~"):
        raise UploadError("file name must not be a path")
    if ".." in name:
        raise UploadError("file name must not hold '..'")
    stem, suffix = os.path.splitext(unicodedata.normalize("NFC", name.strip()))
    suffix = suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        types = ", ".join(sorted(ALLOWED_SUFFIXES))
        if not suffix:
            raise UploadError("type (none) not accepted: {types}", types=types)
        raise UploadError("type {suffix} not accepted: {types}", suffix=suffix, types=types)
    stem = _SAFE_CHARS.sub("_", stem).strip("._") or "upload"
    return stem[:120] + suffix


def _text_ok(data: bytes) -> bool:
    if b"\x00" in data[:65536]:
        return False
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    for enc in ("utf-8", "gb18030"):
        try:
            body.decode(enc)
            return True
        except UnicodeDecodeError:
            continue
    return False


def _zip_names(data: bytes, what: str) -> list[str]:
    """The member names of an Office file (a zip), refusing damaged archives and zip bombs."""
    if not data.startswith(b"PK\x03\x04"):
        raise UploadError(what + " (not a zip archive)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = z.namelist()
            if len(names) > 10000 or sum(i.file_size for i in z.infolist()) > 20 * max_upload_bytes():
                raise UploadError("file expands too much (zip bomb?)")
    except zipfile.BadZipFile:
        raise UploadError(what + " (damaged zip)") from None
    return names


def check_content(name: str, data: bytes) -> str:
    """``document`` or ``report`` when the bytes match the suffix, else :class:`UploadError`."""
    suffix = Path(name).suffix.lower()
    if not data:
        raise UploadError("empty file")
    if len(data) > max_upload_bytes():
        raise UploadError("file too large: {size} MB, limit {limit} MB", size=mb(len(data)),
                          limit=mb(max_upload_bytes()))
    if suffix in PDF_SUFFIXES:
        if not data.startswith(b"%PDF-"):
            raise UploadError("not a PDF (content does not start with %PDF-)")
        return "document"
    if suffix in DOCX_SUFFIXES:
        names = _zip_names(data, "not a Word document")
        if "[Content_Types].xml" not in names or "word/document.xml" not in names:
            raise UploadError("not a Word document (zip without word/document.xml)")
        return "document"
    if suffix in (".xlsx", ".xlsm"):
        if not data.startswith(b"PK\x03\x04"):
            raise UploadError("not an Excel workbook (not a zip archive)")
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = z.namelist()
                if len(names) > 10000 or sum(i.file_size for i in z.infolist()) > 20 * max_upload_bytes():
                    raise UploadError("workbook expands too much (zip bomb?)")
        except zipfile.BadZipFile:
            raise UploadError("not an Excel workbook (damaged zip)") from None
        if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
            raise UploadError("not an Excel workbook (zip without xl/ parts)")
        return "report"
    if data.startswith((b"%PDF-", b"PK\x03\x04", b"\x89PNG", b"\x7fELF", b"MZ", b"\xd0\xcf\x11\xe0")):
        raise UploadError("binary content in a {suffix} file", suffix=suffix)
    if not _text_ok(data):
        raise UploadError("not a text file (binary or unknown encoding)")
    if suffix in HTML_SUFFIXES and b"<" not in data[:4096]:
        raise UploadError("not an HTML document")
    return "report" if suffix in REPORT_SUFFIXES else "document"


def store(name: str, data: bytes, folder: Path | None = None, now: dt.datetime | None = None) -> StoredUpload:
    """Check and write one upload; the stored path is always a new file inside ``folder``."""
    clean = clean_name(name)
    kind = check_content(clean, data)
    folder = Path(folder or upload_dir()).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(data).hexdigest()
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    path = (folder / f"{stamp}-{digest[:8]}-{clean}").resolve()
    if path.parent != folder:  # cannot happen after clean_name; kept as the last line of defence
        raise UploadError("file name must not be a path")
    n = 1
    while True:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
            break
        except FileExistsError:
            n += 1
            path = folder / f"{stamp}-{digest[:8]}-{n}-{clean}"
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return StoredUpload(original=name, path=path, kind=kind, size=len(data), sha256=digest)
