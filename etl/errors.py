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


class StorageError(RuntimeError):
    """The database cannot be written (disk full, read-only): the run stops at once, with one sentence.
    ``info``: the run as far as it went (its counts are of what was stored)."""

    def __init__(self, why: str, info=None):
        self.why, self.info = why, info
        super().__init__(why)


def storage_failure(exc: BaseException) -> str | None:
    """Why ``exc`` means that nothing more can be written ("the disk is full", "the database is read-only"),
    or None for any other error (one file's problem: the run goes on)."""
    import errno

    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, StorageError):
            return e.why
        if isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT):
            return "the disk is full"
        if isinstance(e, OSError) and e.errno == errno.EROFS:
            return "the file system is read-only"
        msg = str(e).lower()
        state = str(getattr(e, "sqlstate", "") or "")
        if "database or disk is full" in msg or "no space left" in msg or "could not extend file" in msg or \
                state == "53100":
            return "the disk is full"
        if "readonly database" in msg or "read-only transaction" in msg or state == "25006":
            return "the database is read-only"
        todo += [getattr(e, "orig", None), e.__cause__, e.__context__]
    return None
