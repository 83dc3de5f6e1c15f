"""Office reports (CSV/XLSX): joint programs, partner agreements, outbound students."""
from __future__ import annotations

from pathlib import Path

from etl.errors import ReportError


def load_report(session, path: Path, resolver, run_id: int) -> str:
    raise ReportError(str(path), "report loaders are not installed yet")
