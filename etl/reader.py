"""The reader process of a run (etl/limits.py): documents read and extracted in a spawned child, one at a time,
under an address-space cap (``RLIMIT_AS``) and a time limit per document; a new child after one that ran out.
"""
from __future__ import annotations

import atexit
import logging
import os
from dataclasses import asdict
from pathlib import Path

from etl.errors import DocumentError, InputError
from etl.limits import MB, Limits, check_text, lower_priority, set_current

log = logging.getLogger("etl")


# -- the child process ------------------------------------------------------------------------------
def _vm_bytes(field: str = "VmSize") -> int | None:
    """This process's address space (``VmPeak``: the most it has had), or None where /proc has no such line."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


_CAP_MARGIN = 16 * MB


def _reached(cap: int | None, peak_at_cap: int | None) -> bool:
    """Whether the child's address space went up to its cap since it was set (``peak_at_cap``: its peak then).
    An allocation refused there is a MemoryError in Python code, but some C code turns it into another
    exception ("SystemError: error return without exception set", seen from openpyxl's merged cells): the
    document ran out of memory all the same."""
    peak = _vm_bytes("VmPeak") if cap and peak_at_cap else None
    return peak is not None and peak > peak_at_cap and peak >= cap - _CAP_MARGIN


def _worker(conn, reference_dir: str, limits: dict) -> None:
    """The child: reads and extracts documents sent to it, one at a time, under an address-space cap."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when the child ends
    lim = Limits(**limits)
    lower_priority(lim)  # background work: the web app's requests come first
    set_current(lim)
    from etl.extract import extract
    from etl.resolve.geo import load_gazetteer
    from etl.resolve.reference import load_reference
    from etl.sources.base import SourceDocument
    from etl.sources.files import read_bytes

    ref = load_reference(Path(reference_dir))
    load_gazetteer()
    extract(SourceDocument(uri="warm-up", text="Warm-up.\n\nA university signed an agreement."), ref)
    cap = peak_at_cap = None
    try:
        import resource

        vm = _vm_bytes()
        if vm:
            resource.setrlimit(resource.RLIMIT_AS, (vm + lim.mb_per_document * MB,
                                                    resource.getrlimit(resource.RLIMIT_AS)[1]))
            cap, peak_at_cap = vm + lim.mb_per_document * MB, _vm_bytes("VmPeak")
    except (ImportError, ValueError, OSError):  # no RLIMIT_AS here: time limit only
        cap = None
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
            if _reached(cap, peak_at_cap):  # out of memory, said otherwise by C code
                try:
                    conn.send(("memory", None))
                finally:
                    os._exit(3)
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

# The environment the child's code reads (the etl package: the registry's cache folder, the settings file, the
# reference folder, the home extractor's debug switch). The dashboard's own INTL_* settings (sign-in, uploads,
# request limits …) never reach the child: a change of them keeps it. tests/test_reader_env.py checks that
# every environment variable named in etl/ is one of these or one the child never reads.
CHILD_ENV = ("INTL_CACHE_DIR", "INTL_CONFIG", "INTL_DEBUG_HOME", "INTL_REFERENCE_DIR", "XDG_CACHE_HOME")


def _stamp(reference_dir: str | Path) -> tuple:
    """What the child read at its start: the reference files (name, size, time) and the settings of
    ``CHILD_ENV``."""
    files = []
    for dirpath, _dirs, names in os.walk(reference_dir):
        for n in names:
            try:
                st = os.stat(os.path.join(dirpath, n))
            except OSError:
                continue
            files.append((os.path.join(dirpath, n), st.st_size, st.st_mtime_ns))
    return tuple(sorted(files)), tuple((k, os.environ.get(k)) for k in CHILD_ENV)


def guard_for(reference_dir: str | Path, limits: Limits) -> Guard:
    """One child per reference folder and limits in a process, reused from run to run while the reference
    data and the settings it read at its start (``CHILD_ENV``) stay as they were (a new one when they changed)."""
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
