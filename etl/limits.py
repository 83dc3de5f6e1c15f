"""Per-document budgets (``[limits]`` in intl.toml): no single file holds a run for hours or takes gigabytes.

Every document is read and extracted in a child process of its own (etl/reader.py; spawned, not forked: it holds no
socket or database connection of its parent), one document at a time, whose address space is capped
(``RLIMIT_AS``: what it had after loading the reference data plus ``mb_per_document``) and which is
killed when one document takes longer than ``seconds_per_document``. The document then fails with its
reason and the run goes on with a fresh child. A new or changed XLSX report is read there once first (its
rows are then read by the run). Before that, a text longer than ``max_text_chars``
fails, and compressed content is measured as it is decompressed (never trusting what a file says of
itself): PDF streams and the parts of an XLSX workbook past ``max_decompressed_mb`` fail the file.

======================  =========  ======================================================
setting                 default    what
======================  =========  ======================================================
max_text_chars          2000000    longest text extracted (characters)
seconds_per_document    120        reading and extraction of one document
mb_per_document         2048       memory one document may take on top of the reader's own
max_decompressed_mb     200        PDF streams / XLSX parts, decompressed, per file
max_sheet_cells         5000000    cells of one worksheet (rows × columns it spans)
isolate                 true       read and extract in a child process (false: in-process,
                                   with the size checks but without time and memory limits)
nice                    10         CPU priority of the ETL (0-19, as nice(1): higher yields the
                                   CPU to the web app sooner; 0 leaves it as it was): the reader
                                   process, and the process of ``intl etl run`` and
                                   ``intl etl schedule`` themselves
======================  =========  ======================================================
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, fields
from typing import Any

from etl.errors import DocumentError

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_text_chars: int = 2_000_000
    seconds_per_document: float = 120
    mb_per_document: int = 2048
    max_decompressed_mb: float = 200
    max_sheet_cells: int = 5_000_000
    isolate: bool = True
    nice: int = 10

    @classmethod
    def from_table(cls, table: dict[str, Any] | None) -> "Limits":
        """The ``[limits]`` table of intl.toml, checked (ValueError names the bad key)."""
        table = dict(table or {})
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(table) - set(known))
        if unknown:
            raise ValueError(f"[limits]: unknown setting(s) {', '.join(unknown)} (known: {', '.join(known)})")
        out = {}
        for k, v in table.items():
            if k == "isolate":
                if not isinstance(v, bool):
                    raise ValueError("[limits] isolate must be true or false")
                out[k] = v
                continue
            if k == "nice":
                if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 19:
                    raise ValueError(f"[limits] nice must be a whole number from 0 to 19 (got {v!r})")
                out[k] = v
                continue
            if isinstance(v, bool) or not isinstance(v, (int, float)) or v <= 0:
                raise ValueError(f"[limits] {k} must be a positive number (got {v!r})")
            out[k] = int(v) if k in ("max_text_chars", "mb_per_document", "max_sheet_cells") else float(v)
        return cls(**out)


def lower_priority(limits: Limits) -> int:
    """Lower this process's CPU priority to ``limits.nice`` (never raise it) and return the
    niceness it runs at. The reader process calls it first thing (etl/reader.py).

    Reading and extracting documents is a run's CPU-heavy part, and background work: on a small
    server it shares the cores with the web app, whose callbacks then wait behind it
    (bench/dashboard.py's ``during_run`` state). Niced, the reader takes the CPU the web app
    leaves, and is as fast as before on an idle machine. The run's own process (loading, linking the
    programme records over the whole corpus, the planner's statistics: seconds of CPU per run at
    100,000 documents) is niced by the command-line entry points only, ``intl etl run`` and
    ``intl etl schedule`` (etl/cli.py): a web worker or a test calling the pipeline in-process is
    never niced, since a process's niceness cannot be lowered back. Readers never wait for the
    run's write lock (SQLite's WAL, PostgreSQL's MVCC); a curator's decision during a run waits for
    the run's current transaction either way. With ``isolate = false`` documents are read in the
    run's process, at its priority."""
    import os

    if not hasattr(os, "nice"):
        return 0
    now = os.nice(0)
    if limits.nice > now:
        try:
            now = os.nice(limits.nice - now)
        except OSError:  # not permitted here: run as it is
            pass
    return now


# -- checks that need no child process --------------------------------------------------------------
def check_text(doc, limits: Limits) -> None:
    n = len(doc.text or "")
    if n > limits.max_text_chars:
        raise DocumentError(doc.uri, f"text too long to extract: {n:,} characters (limit {limits.max_text_chars:,}, "
                                     "[limits] max_text_chars)")


_STREAM = re.compile(rb"stream\r?\n")


def check_pdf(data: bytes, file: str, limits: Limits) -> None:
    """Decompress every Flate stream of a PDF as far as the limit, keeping nothing: a stream (or all
    together) that expands past ``max_decompressed_mb`` fails the file before the PDF reader sees it."""
    cap = int(limits.max_decompressed_mb * MB)
    total = 0
    for m in _STREAM.finditer(data):
        start = m.end()
        end = data.find(b"endstream", start)
        if end == -1:
            end = len(data)
        d = zlib.decompressobj()
        pos = start
        try:
            while pos < end:
                chunk = data[pos:min(end, pos + 65536)]
                pos += len(chunk)
                total += len(d.decompress(chunk, 4 * MB))  # (4 MB at a time: nothing large is ever held)
                while d.unconsumed_tail and total <= cap:
                    total += len(d.decompress(d.unconsumed_tail, 4 * MB))
                if total > cap:
                    raise DocumentError(file, f"PDF expands past {limits.max_decompressed_mb:g} MB when decompressed "
                                              "(a decompression bomb?) ([limits] max_decompressed_mb)")
                if d.eof:
                    break
        except zlib.error:
            continue  # not a Flate stream (or a broken one): the PDF reader decides


def check_zip(data: bytes, file: str, limits: Limits, what: str = "workbook", error: type = DocumentError) -> None:
    """Decompress every member of a zip (XLSX, DOCX) as far as the limit, keeping nothing; the sizes the
    archive declares are not trusted."""
    import io
    import zipfile

    cap = int(limits.max_decompressed_mb * MB)
    total = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            if len(infos) > 10000:
                raise error(file, f"{what} holds {len(infos):,} parts (a zip bomb?)")
            for info in infos:
                with z.open(info) as f:
                    while True:
                        chunk = f.read(min(MB, cap - total + 1))
                        if not chunk:
                            break
                        total += len(chunk)
                        if total > cap:
                            raise error(file, f"{what} expands past {limits.max_decompressed_mb:g} MB when "
                                                      "decompressed (a zip bomb?) ([limits] max_decompressed_mb)")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, zlib.error, RuntimeError) as exc:
        raise error(file, f"not a readable {what} ({exc.__class__.__name__})") from None


# an element with this many attributes is no page's: libxml2 checks each new attribute against all the
# element's others, so 100,000 of them on one element took over a minute to parse
MAX_ATTRIBUTES = 256
_START_TAG = re.compile(r"<[A-Za-z][^<>]{4000,}>")
_ATTRIBUTE = re.compile(r"""\s+[^\s"'=<>/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>]+))?""")


def bound_attributes(html: str) -> str:
    """The page with every element's attributes past the first ``MAX_ATTRIBUTES`` dropped (linear time)."""

    def cut(m: re.Match) -> str:
        tag = m.group(0)
        name = re.match(r"<[A-Za-z][^\s/>]*", tag)
        pos, kept = name.end(), []
        for i, a in enumerate(_ATTRIBUTE.finditer(tag, pos, len(tag) - 1)):
            if i >= MAX_ATTRIBUTES:
                break
            kept.append(a.group(0))
        if len(kept) < MAX_ATTRIBUTES:
            return tag
        return name.group(0) + "".join(kept) + ">"

    return _START_TAG.sub(cut, html)


_CURRENT: list[Limits] = [Limits()]


def current() -> Limits:
    """The limits of the run in progress in this process (the defaults outside a run)."""
    return _CURRENT[0]


def set_current(limits: Limits) -> None:
    _CURRENT[0] = limits
