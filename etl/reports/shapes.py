"""The three report shapes, recognised from their header row, and the parsing of their rows.

A shape is data: the fields it has, the header spellings each field goes by, which
fields are required, which one the report's own "Total" row sums, and which are
group columns whose blank cells repeat the value above (a year written once per
group). ``parse_report`` finds the header (title and date rows above it are skipped),
picks the shape whose fields it matches best, and turns every data row into a dict
of typed values. It is pure (no database) and strict: a value that is not what its
column holds raises ReportError with the file, the row and the column, and nothing of
the file is used. Blank cells stay None ("unknown"), never 0.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from etl.errors import ReportError
from etl.reports.countries import Countries
from etl.reports.table import Grid, read_grids

HEADER_SCAN_ROWS = 30


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # text | label | mode | int | year | date | country | schools
    spellings: tuple[str, ...]
    required: bool = False  # the column must be present
    non_blank: bool = False  # and every data row must fill it
    ffill: bool = False  # a blank cell repeats the value above (group column)


@dataclass(frozen=True)
class Shape:
    kind: str  # programs | agreements | mobility (the table it loads into)
    title: str
    fields: tuple[Field, ...]
    total_field: str | None = None  # the count the report's "Total" row sums

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


_SCHOOL = ("school", "schools", "college", "unit", "faculty", "department", "学院", "单位")
_PARTNER = ("partner", "partner_university", "partner_institution", "partner_name", "institution",
            "合作院校", "合作单位", "合作方", "合作大学")
_COUNTRY = ("country", "partner_country", "country_region", "国家", "国别", "国家_地区", "国家和地区")

SHAPES: tuple[Shape, ...] = (
    Shape("programs", "joint programs", (
        Field("name", "text", ("program_name", "programme_name", "program", "programme", "项目名称", "项目"),
              required=True, non_blank=True),
        Field("school", "text", _SCHOOL, required=True),
        Field("partner", "text", _PARTNER, required=True),
        Field("country", "country", _COUNTRY),
        Field("level", "label", ("level", "degree_level", "degree", "层次", "培养层次")),
        Field("mode", "mode", ("mode", "model", "format", "模式", "培养模式")),
        Field("start_year", "year", ("start_year", "year_started", "first_intake", "since", "开始年份", "起始年份")),
        Field("status", "label", ("status", "state", "状态")),
        Field("enrolment", "int", ("enrolment", "enrollment", "enrolled", "students_enrolled", "在读人数", "在校生")),
    ), total_field="enrolment"),
    Shape("agreements", "partner agreements", (
        Field("partner", "text", _PARTNER, required=True, non_blank=True),
        Field("country", "country", _COUNTRY),
        Field("type", "text", ("agreement_type", "type_of_agreement", "agreement", "协议类型", "协议名称"),
              required=True, non_blank=True),
        Field("signed_date", "date", ("signed_date", "date_signed", "signed", "signed_on", "签署日期", "签订日期"),
              required=True),
        Field("expiry_date", "date", ("expiry_date", "expiry", "expires", "expiration_date", "valid_until",
                                      "end_date", "到期日期", "有效期至")),
        Field("schools", "schools", _SCHOOL),
    )),
    Shape("mobility", "outbound students", (
        Field("year", "year", ("year", "academic_year", "年份", "年度"), required=True, non_blank=True, ffill=True),
        Field("school", "text", _SCHOOL, required=True),
        Field("partner", "text", _PARTNER, required=True),
        Field("country", "country", _COUNTRY),
        Field("program_type", "label", ("program_type", "programme_type", "type_of_program", "program",
                                        "programme", "项目类型")),
        Field("students", "int", ("students", "number_of_students", "no_of_students", "headcount", "count",
                                  "人数", "学生人数")),
    ), total_field="students"),
)

TOTAL_RE = re.compile(r"^(grand\s+)?total\b|^(合计|总计)", re.I)
SUBTOTAL_RE = re.compile(r"^sub-?\s*total\b|^小计", re.I)
NOTE_RE = re.compile(r"^(notes?|source|remarks?|n\.?b\.?)\b|^[*※]|^(注|备注|说明|数据来源)", re.I)
UNKNOWN_MARKS = {"-", "–", "—", "n/a", "na", "/"}
SCHOOL_SEPARATORS = re.compile(r"[;；|、\n]")


def header_key(value: Any) -> str:
    return re.sub(r"[\W_]+", "_", str(value).casefold()).strip("_") if value is not None else ""


@dataclass
class ParsedReport:
    """A report read and checked, ready to load."""

    file: str
    shape: Shape
    sheet: str | None
    header_row: int
    columns: dict[str, str]  # field → header text as written
    rows: list[dict[str, Any]] = field(default_factory=list)  # each with "_row": the file's row number
    declared_total: int | None = None
    total_row: int | None = None


# -- header -----------------------------------------------------------------

def _match(shape: Shape, cells: list[Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    keys = [header_key(c) for c in cells]
    for f in shape.fields:
        for i, k in enumerate(keys):
            if k and k in f.spellings and i not in found.values():
                found.setdefault(f.name, i)
    return found


def _signature(shape: Shape) -> set[str]:
    """Fields of ``shape`` that no other shape has: they tell the shapes apart."""
    others = {f.name for s in SHAPES if s is not shape for f in s.fields}
    return {f.name for f in shape.fields} - others


def find_header(grid: Grid) -> tuple[int, Shape, dict[str, int]] | None:
    """(index in grid.rows, shape, field → column) of the best header in the first rows."""
    best = None
    for idx, (_, cells) in enumerate(grid.rows[:HEADER_SCAN_ROWS]):
        for shape in SHAPES:
            found = _match(shape, cells)
            sig = len(_signature(shape) & set(found))
            if len(found) >= 3 and sig >= 2:
                score = (len(found) / len(shape.fields), len(found))
                if best is None or score > best[0]:
                    best = (score, idx, shape, found)
    return None if best is None else best[1:]


# -- cell values --------------------------------------------------------------

class CellError(ValueError):
    pass


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _text(v: Any) -> str | None:
    if _blank(v):
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return re.sub(r"\s+", " ", str(v)).strip()


def _int(v: Any) -> int | None:
    if _blank(v) or (isinstance(v, str) and v.strip().casefold() in UNKNOWN_MARKS):
        return None
    if isinstance(v, bool) or isinstance(v, (dt.date, dt.datetime)):
        raise CellError(f"not a whole number: {v!r}")
    if isinstance(v, int):
        n = v
    elif isinstance(v, float):
        if not v.is_integer():
            raise CellError(f"not a whole number: {v!r}")
        n = int(v)
    else:
        s = str(v).strip()
        if re.fullmatch(r"\d{1,3}(,\d{3})+", s):
            s = s.replace(",", "")
        if not re.fullmatch(r"\d+", s):
            raise CellError(f"not a whole number: {str(v)!r}")
        n = int(s)
    if n < 0:
        raise CellError(f"negative count: {n}")
    return n


def _year(v: Any) -> int | None:
    if _blank(v):
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, int) and not isinstance(v, bool):
        y = v
    elif isinstance(v, str) and re.fullmatch(r"\s*\d{4}\s*年?\s*", v):
        y = int(re.sub(r"\D", "", v))
    else:
        raise CellError(f"not a year: {v!r}")
    if not 1900 <= y <= 2100:
        raise CellError(f"year out of range: {y}")
    return y


_DATE_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]00:00(?::00)?)?")


def _date(v: Any) -> dt.date | None:
    if _blank(v):
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    m = _DATE_RE.fullmatch(str(v).strip()) if isinstance(v, str) else None
    if not m:
        raise CellError(f"not a date (YYYY-MM-DD expected): {v!r}")
    try:
        return dt.date(*map(int, m.groups()))
    except ValueError:
        raise CellError(f"not a valid date: {v!r}") from None


def _mode(v: Any) -> str | None:
    s = _text(v)
    return re.sub(r"\s*\+\s*", "+", s) if s else None


def _label(v: Any) -> str | None:
    s = _text(v)
    return s.casefold() if s else None


def _schools(v: Any) -> list[str]:
    s = _text(v) if not isinstance(v, str) else v
    if not s:
        return []
    return [re.sub(r"\s+", " ", p).strip() for p in SCHOOL_SEPARATORS.split(s) if p.strip()]


def parse_value(kind: str, v: Any, countries: Countries) -> Any:
    if kind == "text":
        return _text(v)
    if kind == "label":
        return _label(v)
    if kind == "mode":
        return _mode(v)
    if kind == "int":
        return _int(v)
    if kind == "year":
        return _year(v)
    if kind == "date":
        return _date(v)
    if kind == "schools":
        return _schools(v)
    if kind == "country":
        try:
            return countries.code(_text(v))
        except LookupError as exc:
            raise CellError(f"{exc} (add it to country_aliases.csv in the reference folder)") from None
    raise AssertionError(kind)


# -- rows -----------------------------------------------------------------------

def _row_label(cells: list[Any]) -> str | None:
    """The first non-blank cell's text, which says whether a row is a total or a note."""
    for c in cells:
        if not _blank(c):
            return str(c).strip()
    return None


def _is_note(cells: list[Any]) -> bool:
    filled = {str(c).strip() for c in cells if not _blank(c)}
    return len(filled) == 1 and bool(NOTE_RE.match(next(iter(filled))))


def parse_report(path: str | Path, data: bytes | None = None, countries: Countries | None = None) -> ParsedReport:
    """Read, recognise and check one report; raises ReportError (file, row, column) on bad input."""
    path = Path(path)
    file = str(path)
    data = path.read_bytes() if data is None else data
    countries = countries or Countries.from_dir()
    grids = read_grids(path, data)
    found = [(g, h) for g in grids if (h := find_header(g)) is not None]
    if not found:
        names = ", ".join(s.title for s in SHAPES)
        raise ReportError(file, f"no header row of a known report ({names}) in the first "
                                f"{HEADER_SCAN_ROWS} rows of any sheet")
    if len(found) > 1:
        sheets = ", ".join(repr(g.sheet) for g, _ in found)
        raise ReportError(file, f"more than one sheet holds a report table ({sheets}); keep one table per file")
    grid, (hidx, shape, cols) = found[0]
    header_rownum, header_cells = grid.rows[hidx]
    for f in shape.fields:
        if f.required and f.name not in cols:
            raise ReportError(file, f"missing required column {f.name!r} for a {shape.title} report "
                                    f"(header row {header_rownum})", column=f.name)
    seen: dict[str, str] = {}
    for i, cell in enumerate(header_cells):
        k = header_key(cell)
        for f in shape.fields:
            if k in f.spellings:
                if f.name in seen and cols[f.name] != i:
                    raise ReportError(file, f"two columns hold {f.name!r}: {seen[f.name]!r} and {cell!r}",
                                      row=header_rownum)
                seen.setdefault(f.name, str(cell).strip())
    out = ParsedReport(file, shape, grid.sheet, header_rownum,
                       {name: str(header_cells[i]).strip() for name, i in cols.items()})
    last: dict[str, Any] = {}
    for rownum, cells in grid.rows[hidx + 1:]:
        if all(_blank(c) for c in cells):
            continue
        label = _row_label(cells) or ""
        if SUBTOTAL_RE.match(label):
            continue
        if TOTAL_RE.match(label):
            out.total_row = rownum
            if shape.total_field and shape.total_field in cols:
                col = cols[shape.total_field]
                try:
                    out.declared_total = _int(cells[col] if col < len(cells) else None)
                except CellError as exc:
                    raise ReportError(file, str(exc), row=rownum, column=out.columns[shape.total_field]) from None
            break  # what follows the totals row (notes, signatures) is not data
        if _is_note(cells):
            continue
        rec: dict[str, Any] = {"_row": rownum}
        for f in shape.fields:
            if f.name not in cols:
                rec[f.name] = [] if f.kind == "schools" else None
                continue
            col = cols[f.name]
            raw = cells[col] if col < len(cells) else None
            try:
                value = parse_value(f.kind, raw, countries)
            except CellError as exc:
                raise ReportError(file, str(exc), row=rownum, column=out.columns[f.name]) from None
            if value is None and f.ffill:
                value = last.get(f.name)
            if value is None and f.non_blank:
                raise ReportError(file, f"blank {f.name}", row=rownum, column=out.columns[f.name])
            if f.ffill:
                last[f.name] = value
            rec[f.name] = value
        _check_row(file, shape, rec, out.columns)
        out.rows.append(rec)
    _check_total(file, out)
    return out


def _check_row(file: str, shape: Shape, rec: dict[str, Any], columns: dict[str, str]) -> None:
    if shape.kind == "agreements":
        s, e = rec.get("signed_date"), rec.get("expiry_date")
        if s and e and e < s:
            raise ReportError(file, f"expiry date {e} is before the signing date {s}", row=rec["_row"],
                              column=columns["expiry_date"])
    if shape.kind in ("programs", "mobility") and not (rec.get("school") or rec.get("partner")):
        raise ReportError(file, "row names neither a school nor a partner", row=rec["_row"])


def _check_total(file: str, rep: ParsedReport) -> None:
    """The report's own total must agree with its rows: a disagreement means a row was misread."""
    if rep.declared_total is None or not rep.shape.total_field:
        return
    values = [r[rep.shape.total_field] for r in rep.rows]
    known = sum(v for v in values if v is not None)
    blanks = any(v is None for v in values)
    if known != rep.declared_total and not (blanks and known < rep.declared_total):
        raise ReportError(file, f"the totals row says {rep.declared_total} but the rows add up to {known}",
                          row=rep.total_row, column=rep.columns[rep.shape.total_field])
