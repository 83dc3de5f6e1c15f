"""Office reports (CSV/XLSX): joint programs, partner agreements, outbound students.

``parse_tables`` reads and checks every table of a file without a database (shapes.py; the
kinds and their header spellings are data, kinds/*.toml, matched by headers.py), ``parse_report``
the one table of a single-table file; ``load_report`` stores a file's tables in programs /
agreements / mobility (load.py), which the pipeline calls inside one transaction per file.
"""
from __future__ import annotations

from etl.reports.load import load_report
from etl.reports.shapes import SHAPES, ParsedFile, ParsedReport, parse_report, parse_tables

__all__ = ["SHAPES", "ParsedFile", "ParsedReport", "load_report", "parse_report", "parse_tables"]
