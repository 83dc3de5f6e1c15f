"""One ETL run: read every document and report, extract, resolve, load, log.

Each document (and each report) is loaded in its own transaction, so a crash or a
bad file costs that file only: the database stays as it was before it. The run
object returned (and printed by ``intl etl run --json``) is::

    {"run_id", "status", "documents": {"seen", "new", "changed", "unchanged",
     "duplicate", "failed", "gone"}, "facts": {"added", "removed"},
     "reports": {"seen", "loaded", "unchanged", "duplicate", "failed", "gone"},
     "errors": [{"file", "reason"}], "notices": [{"file", "notice"}]}
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import event, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from etl.config import Settings
from etl.db import session_factory, upgrade
from etl.errors import InputError, StorageError, storage_failure
from etl.limits import Limits, check_text, set_current
from etl.load.documents import store_document
from etl.load.lock import RunLock
from etl.load.models import Document, ReportFile, Run, RunError, _now
from etl.reader import Guard, guard_for
from etl.resolve.entities import Resolver, sync_reference
from etl.resolve.reference import load_reference
from etl.sources.base import Gone, ReportPath, SourceDocument, Unchanged
from etl.sources.files import DOCUMENT_SUFFIXES, read_if_changed


def extract(doc: SourceDocument, ref):
    """``etl.extract.extract``, imported at the first call: a run whose reader process extracts (``[limits]
    isolate``, the default) never needs the extractor here, and its import (the rule modules compile their
    patterns) is most of this process's start-up."""
    from etl.extract.engine import extract as engine_extract

    return engine_extract(doc, ref)


log = logging.getLogger("etl")
REPORT_SUFFIXES = {".csv", ".xlsx", ".xlsm"}


def _set_status(s: Session, uris: list[str], status: str) -> None:
    """Mark the documents at ``uris`` active or gone; the rollups follow at commit."""
    from etl.load import rollups

    ids = list(s.scalars(select(Document.id).where(Document.uri.in_(uris))))
    if ids:
        s.execute(update(Document).where(Document.id.in_(ids)).values(status=status))
        rollups.touch(s, ids)


@dataclass
class RunInfo:
    run_id: int | None = None
    status: str = "running"
    documents: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("seen", "new", "changed", "unchanged", "duplicate", "failed", "gone"), 0))
    facts: dict[str, int] = field(default_factory=lambda: {"added": 0, "removed": 0})
    reports: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("seen", "loaded", "unchanged", "duplicate", "failed", "gone"), 0))
    errors: list[dict[str, Any]] = field(default_factory=list)
    notices: list[dict[str, str]] = field(default_factory=list)
    sources: dict[str, dict[str, int]] = field(default_factory=dict)  # configured source → its counts
    programmes: dict[str, int] = field(default_factory=dict)  # the programme linker's counts (etl/programmes)
    seconds: float = 0.0
    recorded: bool = False  # the run's record was written with its outcome

    def to_dict(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "status": self.status, "documents": self.documents,
                "facts": self.facts, "reports": self.reports, "errors": self.errors,
                "notices": self.notices, "sources": self.sources, "programmes": self.programmes,
                "seconds": round(self.seconds, 3)}

    def fail(self, file: str, reason: str, **where) -> None:
        self.errors.append({"file": file, "reason": reason, **{k: v for k, v in where.items() if v is not None}})


def expand_paths(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files under the given paths (folders recursively, hidden files skipped), sorted."""
    for p in map(Path, paths):
        if p.is_dir():
            root = p.resolve()  # resolved once; the files below it are then absolute already
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    if not name.startswith("."):
                        yield Path(dirpath, name)
        else:
            yield p.resolve()


def report_columns(settings: Settings) -> dict[str, str]:
    """The ``[reports] columns`` map (header → report field) of intl.toml, checked: it applies to the
    reports given by path (a source's own ``columns`` to those it reads). Raises SourceConfigError."""
    from etl.reports.headers import column_map
    from etl.reports.shapes import kind_fields
    from etl.sources.registry import SourceConfigError

    table = (settings.raw.get("reports") or {}).get("columns")
    try:
        return column_map(table, kind_fields(), "[reports] columns")
    except ValueError as exc:
        raise SourceConfigError(str(exc)) from None


def is_report(path: Path) -> bool:
    return path.suffix.lower() in REPORT_SUFFIXES


class Pipeline:
    def __init__(self, settings: Settings, *, trigger: str = "cli", wait: float = 0,
                 progress: Callable[[int, int, str], None] | None = None):
        self.settings = settings
        self.trigger = trigger
        self.wait = wait
        self.progress = progress
        self.sessions: sessionmaker[Session] = session_factory(settings.database_url)
        self.ref = load_reference(settings.reference_dir)
        self.report_columns = report_columns(settings)  # [reports] columns: for reports given by path
        try:
            self.limits = Limits.from_table(settings.limits)  # [limits]: per-document budgets (etl/limits.py)
        except ValueError as exc:
            from etl.sources.registry import SourceConfigError

            raise SourceConfigError(str(exc)) from None
        self._guard: Guard | None = None

    # -- reading and extraction within the [limits] ---------------------------------------------------
    def _isolated(self) -> bool:
        """Is the reader process there? (Where no child can be started, documents are read in-process.)"""
        if self._guard is None:
            return False
        try:
            self._guard.ensure()
            return True
        except Exception as exc:  # noqa: BLE001 - e.g. inside a daemonic worker process
            log.warning("no reader process (%s: %s): documents are read without time and memory limits",
                        exc.__class__.__name__, exc)
            self._guard = None
            return False

    def _read(self, data: bytes, uri: str, *, source: str = "folder", content_type: str = "") -> SourceDocument:
        if self._isolated():
            return self._guard.read(data, uri, source=source, content_type=content_type)
        from etl.sources import files

        doc = files.read_bytes(data, uri, source=source, content_type=content_type, limits=self.limits)
        check_text(doc, self.limits)
        return doc

    def _extract(self, doc: SourceDocument):
        if self._isolated():
            return self._guard.extract(doc)
        check_text(doc, self.limits)
        return extract(doc, self.ref)

    # -- the run ----------------------------------------------------------
    def run(self, paths: Iterable[str | Path] = (), *, documents: Iterable[SourceDocument | InputError] = (),
            mark_gone: bool = True, sources: Iterable[Any] = (), quarantine: bool = False) -> RunInfo:
        """One run. ``quarantine``: a file given (or found under a folder given) that fails is moved aside into
        ``.quarantine/`` beside it, with ``<name>.reason.txt`` saying why, so that the next run over the same
        folder (the dashboard's "re-load the uploaded files") does not read it again."""
        upgrade(self.settings.database_url)
        sources = list(sources)
        info = RunInfo()
        started = time.perf_counter()
        set_current(self.limits)
        self._guard = guard_for(self.settings.reference_dir, self.limits) if self.limits.isolate else None
        lock = RunLock(self.sessions, wait=self.wait)
        lock.acquire()
        try:
            self._reactivated = 0
            self.analysed = []
            with self.sessions.begin() as s:
                # we hold the lock, so a run still marked running was killed mid-way
                s.execute(update(Run).where(Run.status == "running").values(status="aborted"))
                run = Run(trigger=self.trigger)
                s.add(run)
                s.flush()
                info.run_id = run.id
                writes: list[bool] = []

                def note_writes(session, _ctx, _instances):
                    writes.append(bool(session.new or session.deleted
                                       or any(session.is_modified(o) for o in session.dirty)))

                event.listen(s, "before_flush", note_writes)
                sync_reference(s, self.ref)
                s.flush()
                event.remove(s, "before_flush", note_writes)
                self._reference_changed = any(writes)
            self._load_index()
            files = list(expand_paths(paths))
            docs = [f for f in files if not is_report(f)]
            reports = [f for f in files if is_report(f)]
            total = len(docs) + len(reports)
            done = 0
            for item in self._documents(docs, documents):
                self._one_document(item, info)
                done += 1
                if self.progress:
                    self.progress(done, total, getattr(item, "uri", None) or getattr(item, "file", ""))
            for f in reports:
                self._one_report(f, info)
                done += 1
                if self.progress:
                    self.progress(done, total, str(f))
            for source in sources:
                done = self._one_source(source, info, lock, done)
            if quarantine:
                self._quarantine(files, info)
            if mark_gone:
                self._mark_gone([*paths, *(root for src in sources for root in src.roots)], info)
            self._programmes(info)
            info.status = "ok" if not info.errors else "partial"
        except BaseException as exc:
            info.status = "failed"
            why = storage_failure(exc)
            if why is not None:  # nothing more can be written: one sentence, not a traceback per file
                info.fail("(run)", f"stopped: {why}")
                self._storage_failed = True
                raise StorageError(why, info) from exc
            info.fail("(run)", f"{exc.__class__.__name__}: {exc}")
            raise
        finally:
            info.seconds = time.perf_counter() - started
            self._finish(info)
            if not self._storage_failed:
                self._after_load(info)
            lock.release()
        return info

    _storage_failed = False

    def _quarantine(self, files: list[Path], info: RunInfo) -> None:
        given = {str(f) for f in files}
        why: dict[str, list[str]] = {}
        for e in info.errors:
            if e["file"] in given:
                where = "".join(f", {k} {e[k]}" for k in ("row", "column") if k in e)
                why.setdefault(e["file"], []).append(e["reason"] + where)
        for file, reasons in why.items():
            src = Path(file)
            if not src.is_file():
                continue
            qdir = src.parent / ".quarantine"
            try:
                qdir.mkdir(exist_ok=True)
                dest, n = qdir / src.name, 1
                while dest.exists():
                    n += 1
                    dest = qdir / f"{src.stem}-{n}{src.suffix}"
                os.replace(src, dest)
                dest.with_name(dest.name + ".reason.txt").write_text(
                    f"{src}\nfailed in run {info.run_id} at {_now():%Y-%m-%d %H:%M:%S} UTC:\n" +
                    "".join(f"- {r}\n" for r in reasons), encoding="utf-8")
            except OSError as exc:
                log.warning("could not quarantine %s: %s", src, exc)
                continue
            info.notices.append({"file": file, "notice": f"moved to {dest} (failed; not read again)"})
            log.info("quarantined %s → %s", src, dest)

    def _documents(self, files: list[Path], extra: Iterable[SourceDocument | InputError]):
        """Files → documents to load, errors, or :class:`Unchanged` when their raw bytes hash
        as stored (SHA-256 at C speed: a no-op refresh neither decodes nor normalises text)."""
        for f in files:
            if f.suffix.lower() not in DOCUMENT_SUFFIXES:
                yield InputError(str(f), f"unsupported file type {f.suffix!r}")
                continue
            try:
                yield read_if_changed(f, self._source_hash, read=self._read)
            except InputError as exc:
                yield exc
            except Exception as exc:  # noqa: BLE001 - a reader's own failure is that file's, the run goes on
                if storage_failure(exc):
                    raise
                log.warning("failed: %s: %s: %s", f, exc.__class__.__name__, exc)
                yield InputError(str(f), f"{exc.__class__.__name__}: {exc}")
        yield from extra

    def _source_hash(self, uri: str) -> str | None:
        known = self._by_uri.get(uri)
        return known[2] if known is not None else None

    def _unchanged(self, uri: str, info: RunInfo) -> None:
        """A stored document seen again as it was: no query, no write (unless it was gone)."""
        known = self._by_uri[uri]
        if known[1] != "active":
            self._reactivated += 1
            with self.sessions.begin() as s:
                _set_status(s, [uri], "active")
            self._by_uri[uri] = (known[0], "active", known[2])
        info.documents["unchanged"] += 1

    def _one_document(self, item: SourceDocument | InputError, info: RunInfo) -> None:
        if isinstance(item, Gone):  # not a document read: a stored one marked
            self._gone(item, info)
            return
        info.documents["seen"] += 1
        if isinstance(item, InputError):
            info.documents["failed"] += 1
            info.fail(item.file, item.reason, row=item.row, column=item.column)
            log.warning("failed: %s", item)
            return
        if isinstance(item, Unchanged):
            self._unchanged(item.uri, info)
            return
        src = item
        h = src.content_hash
        known = self._by_uri.get(src.uri)
        if known is not None and known[0] == h:  # unchanged: decided in memory, no query, no write
            self._unchanged(src.uri, info)
            return
        twin = self._by_hash.get(h)
        if twin is not None and twin != src.uri:
            info.documents["duplicate"] += 1
            info.notices.append({"file": src.uri, "notice": f"duplicate of {twin.rsplit('/', 1)[-1]}"})
            log.info("skipped %s: duplicate of %s", src.uri, twin)
            return
        try:
            with self.sessions.begin() as s:
                self._fast_commit(s)
                row = s.scalar(select(Document).where(Document.uri == src.uri)) if known else None
                ex = self._extract(src)
                resolver = self._resolver(s)
                _, added, removed = store_document(s, row, src, ex, resolver, info.run_id)
            # counted once committed: a run that stops on a full disk tells what it stored
            info.documents["changed" if row is not None else "new"] += 1
            info.facts["added"] += added
            info.facts["removed"] += removed
            if known is not None:
                self._by_hash.pop(known[0], None)
            self._by_uri[src.uri] = (h, "active", src.source_hash)
            self._by_hash[h] = src.uri
        except InputError as exc:
            info.documents["failed"] += 1
            info.fail(exc.file, exc.reason, row=exc.row, column=exc.column)
            self._resolver_cache = None
        except Exception as exc:  # one document must not stop the batch
            if storage_failure(exc):
                raise  # … unless nothing more can be written (disk full, read-only): the run stops
            log.exception("failed: %s", src.uri)
            info.documents["failed"] += 1
            info.fail(src.uri, f"{exc.__class__.__name__}: {exc}")
            self._resolver_cache = None

    _resolver_cache: Resolver | None = None
    _by_uri: dict[str, tuple[str, str, str | None]] = {}  # uri -> (content hash, status, source hash)
    _by_hash: dict[str, str] = {}

    def _fast_commit(self, s: Session) -> None:
        """On PostgreSQL, a document's transaction does not wait for its WAL flush.

        A server crash can then lose the last few documents committed (never half of one:
        the database stays consistent), and the next run loads them again because the
        load is idempotent. Curators' decisions are not written here and keep full durability.
        """
        if s.bind.dialect.name == "postgresql":
            s.execute(text("SET LOCAL synchronous_commit TO OFF"))

    def _load_index(self) -> None:
        """uri → (hash, status, source hash) and hash → uri of every stored document, read once
        per run. Only one run writes at a time (the lock), so the index stays true during the run."""
        with self.sessions() as s:
            rows = s.execute(select(Document.uri, Document.content_hash, Document.status,
                                    Document.source_hash)).all()
        self._by_uri = {u: (h, st, raw) for u, h, st, raw in rows}
        self._by_hash = {h: u for u, h, _st, _raw in rows}

    def _resolver(self, s: Session) -> Resolver:
        # The resolver caches names → ids for the run; it is rebuilt after a rollback
        # because rows it created then no longer exist.
        r = self._resolver_cache
        if r is None:
            r = self._resolver_cache = Resolver(s, self.settings.reference_dir)
        r.session = s
        return r

    def _one_report(self, item: Path | ReportPath, info: RunInfo) -> None:
        from etl.reports import load_report

        path, columns = (item.path, item.columns) if isinstance(item, ReportPath) else (item, self.report_columns)
        info.reports["seen"] += 1
        notes: list[str] = []
        try:
            if path.suffix.lower() in (".xlsx", ".xlsm") and self._guard is not None:
                # a new or changed workbook is first read in the reader process, within the [limits]: one that
                # would take the run's time or memory (a merged range over a whole sheet) fails there
                data = path.read_bytes()
                digest = hashlib.sha256(data).hexdigest()
                with self.sessions() as s:
                    known = s.scalars(select(ReportFile.content_hash).where(ReportFile.uri == str(path.resolve())))
                    unchanged = [h == digest for h in known]
                if not (unchanged and all(unchanged)) and self._isolated():
                    self._guard.try_workbook(path, data)
            with self.sessions.begin() as s:
                outcome = load_report(s, path, self._resolver(s), info.run_id, columns=columns, notices=notes)
            info.notices += [{"file": str(path), "notice": n} for n in notes]  # sheets and columns not loaded
            if outcome.startswith("duplicate"):
                info.reports["duplicate"] += 1
                info.notices.append({"file": str(path), "notice": outcome})
            else:
                info.reports["loaded" if outcome != "unchanged" else "unchanged"] += 1
        except InputError as exc:
            info.reports["failed"] += 1
            info.fail(exc.file, exc.reason, row=exc.row, column=exc.column)
            self._resolver_cache = None
        except Exception as exc:
            if storage_failure(exc):
                raise
            log.exception("failed: %s", path)
            info.reports["failed"] += 1
            info.fail(str(path), f"{exc.__class__.__name__}: {exc}")
            self._resolver_cache = None

    def _mark_gone(self, paths: Iterable[str | Path], info: RunInfo) -> None:
        """Documents and office reports under a scanned folder whose file no longer exists are
        marked gone (kept, not deleted; the dashboard leaves them out)."""
        dirs = [Path(p).resolve() for p in paths if Path(p).is_dir()]
        if not dirs:
            return
        with self.sessions.begin() as s:
            for d in dirs:
                prefix = str(d).rstrip("/") + "/"
                uris = s.scalars(select(Document.uri).where(Document.uri.startswith(prefix),
                                                            Document.status == "active")).all()
                gone = [u for u in uris if not os.path.exists(u)]
                for i in range(0, len(gone), 500):
                    _set_status(s, gone[i:i + 500], "gone")
                info.documents["gone"] += len(gone)
                reports = s.scalars(select(ReportFile.uri).where(ReportFile.uri.startswith(prefix),
                                                                 ReportFile.status == "active")).all()
                vanished = [u for u in reports if not os.path.exists(u)]
                if vanished:
                    s.execute(update(ReportFile).where(ReportFile.uri.in_(vanished)).values(status="gone"))
                    log.info("reports gone: %s", ", ".join(vanished))
                info.reports["gone"] += len(vanished)

    # -- configured sources (etl/sources/registry.py) ------------------------
    def run_sources(self, names: Iterable[str] | None = None, *, revisit: bool = False, **kw) -> RunInfo:
        """One run over the configured ``[[sources]]`` (all, or those named). ``revisit``: the web
        sources re-check every article they stored (``intl etl run --revisit``)."""
        from etl.sources.registry import build_sources

        sources = build_sources(self.settings, names)
        for src in sources:
            src.revisit_all = revisit
        return self.run(sources=sources, **kw)

    def _stored_documents(self, source: str, since: dt.datetime | None = None) -> list[str]:
        """URIs of the documents a source stored (first seen since ``since``), oldest first."""
        with self.sessions() as s:
            q = select(Document.uri).where(Document.source == source)
            if since is not None:
                q = q.where(Document.created_at >= since)
            return list(s.scalars(q.order_by(Document.id)))

    def _gone(self, item: Gone, info: RunInfo) -> None:
        """A stored web page that answered 404/410: marked gone (kept; the dashboard leaves it out)."""
        known = self._by_uri.get(item.uri)
        if known is None or known[1] == "gone":
            return
        with self.sessions.begin() as s:
            _set_status(s, [item.uri], "gone")
        self._by_uri[item.uri] = (known[0], "gone", known[2])
        info.documents["gone"] += 1
        log.info("gone: %s (%s)", item.uri, item.reason)

    def _known(self, uri: str) -> bool:
        """Is a document with this URI stored? (web sources fetch only the others)"""
        return uri in self._by_uri

    def _one_source(self, source: Any, info: RunInfo, lock: RunLock, done: int) -> int:
        """Feed a source's items (documents, errors, report paths) through the per-item loaders.
        A source that breaks down is logged as an error of the run; the other sources go on."""
        from etl.sources.http import DbStateStore
        from etl.sources.registry import SourceContext

        ctx = SourceContext(known=self._known, state=DbStateStore(self.sessions), source_hash=self._source_hash,
                            stored=lambda uri: (self._by_uri.get(uri) or (None,))[0],
                            documents=self._stored_documents,
                            read=self._read if self._guard is not None else None)  # (None: the source's own)
        try:
            for item in source.items(ctx):
                if isinstance(item, (Path, ReportPath)):
                    self._one_report(item, info)
                else:
                    self._one_document(item, info)
                done += 1
                if self.progress:
                    self.progress(done, 0, str(getattr(item, "uri", None) or getattr(item, "file", item)))
        except Exception as exc:
            if storage_failure(exc):
                raise
            log.exception("source %s stopped", source.name)
            info.fail(f"source {source.name}", f"{exc.__class__.__name__}: {exc}")
        info.sources[source.name] = dict(source.stats)
        return done

    def _programmes(self, info: RunInfo) -> None:
        """Programme records from everything loaded (etl/programmes/link.py), in one transaction: only
        the difference is written, so a run over unchanged data changes no record."""
        from etl.programmes.link import link_programmes

        try:
            with self.sessions.begin() as s:
                info.programmes = link_programmes(s, info.run_id)
        except Exception as exc:  # the documents and reports stay loaded; the records wait for the next run
            log.exception("programme linking failed")
            info.fail("(programmes)", f"{exc.__class__.__name__}: {exc}")

    _reference_changed = True
    _reactivated = 0

    def _changed_data(self, info: RunInfo) -> bool:
        """Did this run change anything the dashboard counts (documents, facts, partners, units)?"""
        d = info.documents
        return bool(self._reference_changed or self._reactivated or d["new"] or d["changed"] or d["gone"]
                    or info.facts["added"] or info.facts["removed"] or info.status == "failed")

    def _after_load(self, info: RunInfo) -> None:
        """The query planner's statistics, after a run that changed data, of the tables where they
        are stale (the rollups are exact already: every document's transaction moved them,
        etl/load/rollups.py). A run that adds a few documents to a large database leaves them as
        they are: refreshing them all reads every index (seconds at a million facts on SQLite) and
        makes every dashboard connection reload them, while the dashboard is being used."""
        from etl.load import rollups

        if not self._changed_data(info):
            return  # a no-op refresh costs no statistics pass
        d = info.documents
        try:
            with self.sessions.begin() as s:
                self.analysed = rollups.refresh_statistics(
                    s.connection(), touched_documents=d["new"] + d["changed"] + d["gone"] + self._reactivated)
        except Exception:  # slower plans until the next run, never wrong counts
            log.exception("could not update the planner's statistics")

    analysed: list[str] = []  # the tables whose statistics the last run refreshed

    def _finish(self, info: RunInfo) -> None:
        try:
            with self.sessions.begin() as s:
                s.execute(update(Run).where(Run.id == info.run_id).values(
                    finished_at=_now(), status=info.status,
                    stats={k: v for k, v in info.to_dict().items() if k not in ("errors", "run_id")}))
                for e in info.errors:
                    where = "".join(f", {k} {e[k]}" for k in ("row", "column") if k in e)
                    s.add(RunError(run_id=info.run_id, file=e["file"], reason=e["reason"] + where))
            info.recorded = info.run_id is not None
        except Exception as exc:  # the run log must never hide the run's own error
            if self._storage_failed or storage_failure(exc):
                log.error("could not store the run log: %s", storage_failure(exc) or exc.__class__.__name__)
            else:
                log.exception("could not store the run log")

