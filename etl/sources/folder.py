"""Sources on disk: ``folder`` (documents and reports) and ``report`` (office reports only).

Both read a file or a folder (recursively, hidden files skipped) given by ``path``, relative
to the TOML file, optionally narrowed by a ``glob`` pattern. A folder scanned in full is a
"root": documents stored from it whose file has vanished are marked gone after the run.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from etl.errors import InputError
from etl.pipeline import expand_paths, is_report
from etl.sources.base import ReportPath
from etl.sources.files import DOCUMENT_SUFFIXES, read_if_changed
from etl.sources.registry import Source, SourceContext, SourceItem, base_dir, register

log = logging.getLogger("etl.sources.folder")


def _files(root: Path, glob: str) -> Iterator[Path]:
    if root.is_file() or glob in ("", "**/*", "**"):
        yield from expand_paths([root])
        return
    for f in sorted(root.glob(glob)):
        if f.is_file() and not any(part.startswith(".") for part in f.relative_to(root).parts):
            yield f.resolve()


def _column_map(table: dict) -> dict[str, str]:
    from etl.reports.headers import column_map
    from etl.reports.shapes import kind_fields

    return column_map(table, kind_fields())


class _DiskSource(Source):
    def report(self, f: Path) -> ReportPath:
        """A report file with this source's column map (``columns = {"My header" = "mode"}``)."""
        if not hasattr(self, "_columns"):
            self._columns = _column_map(self.options.columns)
        return ReportPath(f, self._columns)

    @property
    def path(self) -> Path:
        return (base_dir(self.settings) / self.options.path).resolve()

    @property
    def roots(self) -> list[Path]:
        return [self.path] if self.path.is_dir() else []

    def _walk(self) -> Iterator[Path] | InputError:
        if not self.path.exists():
            return InputError(str(self.path), f"source {self.name!r}: no such file or folder")
        return _files(self.path, self.options.glob)


@register("folder")
class FolderSource(_DiskSource):
    """Text, HTML and PDF documents under ``path``; office reports found there go to the report loader."""

    @dataclass
    class Options:
        path: str
        glob: str = "**/*"
        reports: bool = True  # also load the csv/xlsx reports found in the folder
        columns: dict = field(default_factory=dict)  # report header → field, for headers the tables do not know

        def check(self) -> None:
            _column_map(self.columns)

    def items(self, ctx: SourceContext) -> Iterator[SourceItem]:
        files = self._walk()
        if isinstance(files, InputError):
            yield files
            return
        for f in files:
            if is_report(f):
                if self.options.reports:
                    self.count("reports")
                    yield self.report(f)
                continue
            if f.suffix.lower() not in DOCUMENT_SUFFIXES:
                self.count("failed")
                yield InputError(str(f), f"unsupported file type {f.suffix!r}")
                continue
            self.count("documents")
            try:
                item = read_if_changed(f, ctx.source_hash, source=self.name, read=ctx.read)
            except InputError as exc:
                self.count("failed")
                item = exc
            except Exception as exc:  # noqa: BLE001 - one file must never end the source's run
                log.exception("%s: %s could not be read", self.name, f)
                self.count("failed")
                item = InputError(str(f), f"{exc.__class__.__name__}: {exc}")
            yield item


@register("report")
class ReportSource(_DiskSource):
    """Office reports (csv, xlsx) in a folder or one file; other files are left alone."""

    @dataclass
    class Options:
        path: str
        glob: str = "**/*"
        columns: dict = field(default_factory=dict)  # report header → field, for headers the tables do not know

        def check(self) -> None:
            _column_map(self.columns)

    def items(self, ctx: SourceContext) -> Iterator[SourceItem]:
        files = self._walk()
        if isinstance(files, InputError):
            yield files
            return
        for f in files:
            if is_report(f):
                self.count("reports")
                yield self.report(f)
            elif self.path.is_file():
                yield InputError(str(f), f"not an office report ({f.suffix or 'no suffix'}; expected .csv or .xlsx)")
            else:
                log.debug("%s: skipped %s (not a report)", self.name, f)
