"""Per-document budgets (``[limits]`` in intl.toml): no single file holds a run for hours or takes gigabytes.

Every document is read and extracted in a child process of its own (spawned, not forked: it holds no
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
======================  =========  ======================================================
"""
from __future__ import annotations

import atexit
import logging
import os
import re
import zlib
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from etl.errors import DocumentError, InputError

log = logging.getLogger("etl")
MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_text_chars: int = 2_000_000
    seconds_per_document: float = 120
    mb_per_document: int = 2048
    max_decompressed_mb: float = 200
    max_sheet_cells: int = 5_000_000
    isolate: bool = True

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
            if isinstance(v, bool) or not isinstance(v, (int, float)) or v <= 0:
                raise ValueError(f"[limits] {k} must be a positive number (got {v!r})")
            out[k] = int(v) if k in ("max_text_chars", "mb_per_document", "max_sheet_cells") else float(v)
        return cls(**out)


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


# -- the child process ------------------------------------------------------------------------------
def _vm_bytes() -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _worker(conn, reference_dir: str, limits: dict) -> None:
    """The child: reads and extracts documents sent to it, one at a time, under an address-space cap."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when the child ends
    lim = Limits(**limits)
    set_current(lim)
    from etl.extract import extract
    from etl.resolve.geo import load_gazetteer
    from etl.resolve.reference import load_reference
    from etl.sources.base import SourceDocument
    from etl.sources.files import read_bytes

    ref = load_reference(Path(reference_dir))
    load_gazetteer()
    extract(SourceDocument(uri="warm-up", text="Warm-up.\n\nA university signed an agreement."), ref)
    try:
        import resource

        vm = _vm_bytes()
        if vm:
            cap = vm + lim.mb_per_document * MB
            resource.setrlimit(resource.RLIMIT_AS, (cap, resource.getrlimit(resource.RLIMIT_AS)[1]))
    except (ImportError, ValueError, OSError):  # no RLIMIT_AS here: time limit only
        pass
    conn.send(("ready", None))
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        op, args = msg
        try:
            if op == "read":
                data, uri, source, content_type = args
                val = read_bytes(data, uri, source=source, content_type=content_type, limits=lim)
                check_text(val, lim)
            elif op == "workbook":  # a trial read of a report's workbook; the parent reads it once it passed
                from etl.reports.table import read_grids

                read_grids(Path(args[0]), args[1])
                val = None
            else:
                check_text(args[0], lim)
                val = extract(args[0], ref)
            conn.send(("ok", val))
        except InputError as exc:
            conn.send(("input", (exc.file, exc.reason, exc.row, exc.column)))
        except MemoryError:
            try:
                conn.send(("memory", None))
            finally:
                os._exit(3)
        except Exception as exc:  # noqa: BLE001 - the parent counts the document failed with this reason
            conn.send(("error", f"{exc.__class__.__name__}: {exc}"[:500]))


class Guard:
    """Reads and extracts documents in a child process under :class:`Limits` (one child, reused; a new one
    after a document that ran out of time or memory)."""

    def __init__(self, reference_dir: str | Path, limits: Limits):
        self.reference_dir, self.limits = str(reference_dir), limits
        self._proc = None
        self._conn = None

    def _start(self) -> None:
        import multiprocessing as mp

        ctx = mp.get_context("spawn")
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_worker, args=(child, self.reference_dir, asdict(self.limits)), daemon=True,
                           name="intl-reader")
        proc.start()
        child.close()
        if not parent.poll(300) or parent.recv()[0] != "ready":
            proc.kill()
            proc.join(10)
            raise RuntimeError("the document reader process did not start")
        self._proc, self._conn = proc, parent

    def _stop(self, kill: bool) -> int | None:
        proc, conn, self._proc, self._conn = self._proc, self._conn, None, None
        if proc is None:
            return None
        if kill:
            proc.kill()
        else:
            try:
                conn.send(None)
            except (OSError, BrokenPipeError):
                pass
        proc.join(10)
        if proc.is_alive():
            proc.kill()
            proc.join(10)
        conn.close()
        return proc.exitcode

    def close(self) -> None:
        self._stop(kill=False)

    def ensure(self) -> None:
        """A live child (started now if need be); raises when none can be started."""
        if self._proc is None or not self._proc.is_alive():
            self._stop(kill=True)
            self._start()

    def _call(self, op: str, uri: str, args: tuple):
        self.ensure()
        lim = self.limits
        try:
            self._conn.send((op, args))
        except (OSError, BrokenPipeError, ValueError):
            self._stop(kill=True)
            raise DocumentError(uri, "could not be handed to the reader process") from None
        if not self._conn.poll(lim.seconds_per_document):
            self._stop(kill=True)
            raise DocumentError(uri, f"took longer than {lim.seconds_per_document:g} s to read and extract "
                                     "([limits] seconds_per_document)")
        try:
            kind, val = self._conn.recv()
        except (EOFError, OSError):
            code = self._stop(kill=True)
            raise DocumentError(uri, f"the reader process ended while reading it (exit {code}): over the "
                                     f"{lim.mb_per_document} MB memory limit? ([limits] mb_per_document)") from None
        if kind == "ok":
            return val
        if kind == "input":
            file, reason, row, column = val
            raise DocumentError(file, reason, row=row, column=column)
        if kind == "memory":
            self._stop(kill=True)
            raise DocumentError(uri, f"needs more than {lim.mb_per_document} MB of memory ([limits] mb_per_document)")
        raise DocumentError(uri, val)  # an unexpected exception while reading: that document fails

    def read(self, data: bytes, uri: str, *, source: str = "folder", content_type: str = ""):
        return self._call("read", uri, (data, uri, source, content_type))

    def extract(self, doc):
        return self._call("extract", doc.uri, (doc,))

    def try_workbook(self, path: str | Path, data: bytes) -> None:
        """Read a report's workbook once in the child (within the time and memory limits), or raise why not."""
        self._call("workbook", str(path), (str(path), data))


_GUARDS: dict[tuple, Guard] = {}


def _stamp(reference_dir: str | Path) -> tuple:
    """What the child read at its start: the reference files (name, size, time) and the INTL_* settings."""
    files = []
    for dirpath, _dirs, names in os.walk(reference_dir):
        for n in names:
            try:
                st = os.stat(os.path.join(dirpath, n))
            except OSError:
                continue
            files.append((os.path.join(dirpath, n), st.st_size, st.st_mtime_ns))
    return tuple(sorted(files)), tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("INTL_")))


def guard_for(reference_dir: str | Path, limits: Limits) -> Guard:
    """One child per reference folder and limits in a process, reused from run to run while the reference
    data and the INTL_* settings it started with stay as they were (a new one when they changed)."""
    key = (str(reference_dir), limits, _stamp(reference_dir))
    g = _GUARDS.get(key)
    if g is None:
        for k in [k for k in _GUARDS if k[0] == key[0]]:
            _GUARDS.pop(k).close()
        g = _GUARDS[key] = Guard(reference_dir, limits)
    return g


@atexit.register
def _close_all() -> None:
    for g in list(_GUARDS.values()):
        try:
            g.close()
        except Exception:  # noqa: BLE001
            pass
    _GUARDS.clear()
