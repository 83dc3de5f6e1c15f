"""Records the SQL an engine runs (and SQLite's plans of it), for tests about how counts are answered."""
from __future__ import annotations

from sqlalchemy import event

from etl.db import get_engine


class Statements:
    """The SQL (and parameters) an engine runs inside a ``with`` block."""

    def __init__(self, url: str):
        self.engine = get_engine(url)
        self.seen: list[tuple[str, object]] = []

    def _record(self, conn, cursor, statement, parameters, context, executemany):  # noqa: ARG002
        self.seen.append((statement, parameters))

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._record)

    def plans(self) -> list[str]:
        """SQLite's query plan of every SELECT seen, one line per statement."""
        out = []
        with self.engine.connect() as conn:
            for sql, params in self.seen:
                if sql.lstrip().upper().startswith("SELECT"):
                    rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params).all()
                    out.append(" | ".join(r[3] for r in rows))
        return out

    def sql(self) -> str:
        return "\n".join(s for s, _ in self.seen)
