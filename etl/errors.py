"""Errors that name the file (and row/column) they are about."""
from __future__ import annotations


class InputError(Exception):
    """A bad input: the run reports it with the file name and goes on with the rest."""

    def __init__(self, file: str, reason: str, *, row: int | None = None, column: str | None = None):
        self.file, self.reason, self.row, self.column = str(file), reason, row, column
        where = str(file)
        if row is not None:
            where += f", row {row}"
        if column is not None:
            where += f", column {column!r}"
        super().__init__(f"{where}: {reason}")

    @property
    def message(self) -> str:
        return str(self)


class DocumentError(InputError):
    """A news document that cannot be read (empty, binary, undecodable …)."""


class ReportError(InputError):
    """An office report that cannot be loaded; nothing from it is stored."""


class LockedError(RuntimeError):
    """Another ETL run holds the lock."""
