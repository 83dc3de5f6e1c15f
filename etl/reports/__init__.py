"""Office reports (CSV/XLSX): joint programs, partner agreements, outbound students.

``parse_report`` reads and checks a file without a database (shapes.py);
``load_report`` stores it in programs / agreements / mobility (load.py), which the
pipeline calls inside one transaction per file.
"""
from __future__ import annotations

from etl.reports.load import load_report
from etl.reports.shapes import SHAPES, ParsedReport, parse_report

__all__ = ["SHAPES", "ParsedReport", "load_report", "parse_report"]
