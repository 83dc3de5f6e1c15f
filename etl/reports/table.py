"""Read a CSV or XLSX report into plain grids of cell values, with the file's own row numbers.

No interpretation happens here beyond what the file format hides: merged cells are
filled with the value of their top-left cell (an office spreadsheet merges a year over
its group of rows), and CSV text is decoded as UTF-8 or, failing that, GB18030 (the
encoding of CSV files saved by Chinese Excel). Row numbers are 1-based and are the
ones a person sees in Excel or in a text editor, so that an error can point at them.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from etl.errors import ReportError


@dataclass
class Grid:
    """One sheet (or the whole CSV): rows of cell values, each with its row number."""

    sheet: str | None
    rows: list[tuple[int, list[Any]]]


def read_grids(path: Path, data: bytes) -> list[Grid]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return [_csv_grid(path, data)]
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_grids(path, data)
    raise ReportError(str(path), f"unsupported report type {suffix!r} (CSV or XLSX expected)")


def _decode(path: Path, data: bytes) -> str:
    if not data.strip():
        raise ReportError(str(path), "empty report")
    if b"\x00" in data[:8192]:
        raise ReportError(str(path), "not a CSV text file (binary content)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ReportError(str(path), "CSV text is neither UTF-8 nor GB18030") from None


def _delimiter(text: str) -> str:
    """',', ';' or tab: the one that splits most of the first lines into the same number of fields.

    (csv.Sniffer is misled by a title line above the header, which office exports often have.)
    """
    from collections import Counter

    head = "\n".join(text.splitlines()[:50])
    best, best_score = ",", 0
    for d in (",", ";", "\t"):
        try:
            widths = Counter(len(r) for r in csv.reader(io.StringIO(head), delimiter=d) if len(r) > 1)
        except csv.Error:
            continue
        score = max(widths.values(), default=0)
        if score > best_score:
            best, best_score = d, score
    return best


def _csv_grid(path: Path, data: bytes) -> Grid:
    text = _decode(path, data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows: list[tuple[int, list[Any]]] = []
    line = 0
    try:
        for record in reader:
            rows.append((line + 1, list(record)))
            line = reader.line_num
    except csv.Error as exc:
        raise ReportError(str(path), f"malformed CSV: {exc}", row=line + 1) from None
    return Grid(None, rows)


def _xlsx_grids(path: Path, data: bytes) -> list[Grid]:
    import zipfile

    import openpyxl

    from etl.limits import check_zip, current

    lim = current()
    check_zip(data, str(path), lim, what="workbook", error=ReportError)  # its parts, measured as they inflate
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ReportError(str(path), f"not a readable XLSX workbook ({exc.__class__.__name__})") from None
    grids = []
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        if ws.max_row * ws.max_column > lim.max_sheet_cells:  # one cell at XFD1048576 spans 17 billion
            wb.close()
            raise ReportError(str(path), f"sheet {ws.title!r} spans {ws.max_row:,} rows × {ws.max_column:,} columns "
                                         f"(more than {lim.max_sheet_cells:,} cells, [limits] max_sheet_cells)")
        cells = [[c.value for c in row] for row in ws.iter_rows()]
        width = max((len(r) for r in cells), default=0)
        for rng in ws.merged_cells.ranges:
            value = ws.cell(rng.min_row, rng.min_col).value
            # (within the cells read: a merged range may claim the whole sheet)
            for r in range(rng.min_row, min(rng.max_row, len(cells)) + 1):
                for c in range(rng.min_col, min(rng.max_col, width) + 1):
                    if r - 1 < len(cells) and c - 1 < len(cells[r - 1]):
                        cells[r - 1][c - 1] = value
        grids.append(Grid(ws.title, [(i, row) for i, row in enumerate(cells, start=1)]))
    wb.close()
    return grids
