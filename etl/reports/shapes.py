"""The report kinds, recognised from their header row, and the parsing of their rows.

A kind is data (etl/reports/kinds/<kind>.toml): the fields it has, the header spellings each
field goes by (etl/reports/headers.py matches them), which fields are required, which one the
report's own "Total" row sums, which are group columns whose blank cells repeat the value above
(a year written once per group), and the canonical values of label fields. Adding a kind is one
more such file (and the table its rows load into).

``parse_tables`` reads every sheet of a workbook (or the one table of a CSV): each sheet whose
first rows hold the header of a known kind is a table (title and date rows above it are
skipped); a sheet without one, and a header cell the kind cannot place, are named in the
notices — never silently dropped. Every data row becomes a dict of typed values. It is pure (no
database) and strict: a value that is not what its column holds, or a table that lacks a
required column, raises ReportError with the file, the sheet, the row and the column, and
nothing of the file is used. Blank cells stay None ("unknown"), never 0.
"""
from __future__ import annotations

import datetime as dt
import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from etl.errors import ReportError
from etl.reports.countries import Countries
from etl.reports.headers import IGNORE, HeaderTable, _bare, header_key
from etl.reports.table import Grid, read_grids

HEADER_SCAN_ROWS = 30
KINDS_DIR = Path(__file__).with_name("kinds")
FIELD_TYPES = ("text", "label", "mode", "int", "year", "date", "country", "school", "partner", "schools", "years")


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # one of FIELD_TYPES
    spellings: tuple[str, ...]
    required: bool = False  # the column must be present
    non_blank: bool = False  # and every data row must fill it
    ffill: bool = False  # a blank cell repeats the value above (group column)
    from_context: bool = False  # a missing year column: the sheet's name or title may give it
    about: str = ""
    values: tuple[tuple[str, tuple[str, ...]], ...] = ()  # canonical value → its spellings
    zh: str = ""  # its name in Chinese (messages)

    @cached_property
    def value_index(self) -> dict[str, str]:
        return {header_key(s): canon for canon, forms in self.values for s in (canon, *forms)}


@dataclass(frozen=True)
class Shape:
    kind: str  # the table it loads into (programs | agreements | mobility …)
    title: str
    fields: tuple[Field, ...]
    total_field: str | None = None  # the count the report's "Total" row sums
    title_zh: str = ""
    any_of: tuple[str, ...] = ()  # a row must fill one of these
    before: tuple[str, ...] = ()  # (a, b): a is not after b on any row

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @cached_property
    def headers(self) -> HeaderTable:
        return HeaderTable.build(self.kind, {f.name: f.spellings for f in self.fields})

    @property
    def required(self) -> list[str]:
        return [f.name for f in self.fields if f.required]


def load_kinds(directory: Path = KINDS_DIR) -> tuple[Shape, ...]:
    """Every ``<kind>.toml`` of ``directory`` (``_common.toml`` holds shared spellings), checked."""
    common = tomllib.loads((directory / "_common.toml").read_text(encoding="utf-8")).get("headers", {})
    shapes = []
    for f in sorted(directory.glob("*.toml")):
        if f.name.startswith("_"):
            continue
        d = tomllib.loads(f.read_text(encoding="utf-8"))
        fields = []
        for fd in d["fields"]:
            if fd["type"] not in FIELD_TYPES:
                raise ValueError(f"{f.name}: field {fd['name']!r} has an unknown type {fd['type']!r}")
            spellings: list[str] = []
            for s in fd.get("headers", []):
                spellings += common[s[1:]] if s.startswith("@") else [s]
            values = tuple((canon, tuple(forms)) for canon, forms in fd.get("values", {}).items())
            fields.append(Field(fd["name"], fd["type"], tuple(spellings), fd.get("required", False),
                                fd.get("non_blank", False), fd.get("ffill", False), fd.get("from_context", False),
                                fd.get("about", ""), values, fd.get("zh", "")))
        shape = Shape(d["kind"], d["title"], tuple(fields), d.get("total"), d.get("title_zh", ""),
                      tuple(d.get("any_of", ())), tuple(d.get("before", ())))
        names = {x.name for x in fields}
        for ref in (shape.total_field, *shape.any_of, *shape.before):
            if ref is not None and ref not in names:
                raise ValueError(f"{f.name}: {ref!r} is not one of its fields")
        shape.headers  # noqa: B018 - builds the header table now: a spelling given to two fields is an error here
        shapes.append(shape)
    return tuple(shapes)


SHAPES: tuple[Shape, ...] = load_kinds()


def field_names_zh() -> dict[str, str]:
    """field → its Chinese name (the first kind that names it)."""
    out: dict[str, str] = {}
    for s in SHAPES:
        for f in s.fields:
            out.setdefault(f.name, f.zh or f.name)
    return out


def kind_fields() -> dict[str, set[str]]:
    """kind → its field names (what a ``columns`` map may name)."""
    return {s.kind: {f.name for f in s.fields} for s in SHAPES}


TOTAL_RE = re.compile(r"^(grand\s+)?total\b|^sum\b|^(合计|总计|总数|共计|总和)", re.I)
SUBTOTAL_RE = re.compile(r"^sub-?\s*total\b|^小计", re.I)
NOTE_RE = re.compile(r"^(notes?|source|remarks?|n\.?b\.?)\b|^[*※]|^(注|备注|说明|数据来源)", re.I)
UNKNOWN_MARKS = {"-", "–", "—", "n/a", "na", "/", "不详", "未知"}
SCHOOL_SEPARATORS = re.compile(r"[;；|、\n]")


@dataclass
class ParsedReport:
    """One report table read and checked, ready to load."""

    file: str
    shape: Shape
    sheet: str | None
    header_row: int
    columns: dict[str, str]  # field → header text as written
    rows: list[dict[str, Any]] = field(default_factory=list)  # each with "_row": the file's row number
    declared_total: int | None = None
    total_row: int | None = None
    context: dict[str, Any] = field(default_factory=dict)  # field → value taken from the sheet name or title


@dataclass
class ParsedFile:
    """Every table of a report file, and what the run should be told about the file."""

    file: str
    tables: list[ParsedReport]
    notices: list[str] = field(default_factory=list)


# -- header -----------------------------------------------------------------

def _match(shape: Shape, cells: list[Any], cmap: Mapping[str, str] | None) -> dict[str, int]:
    found: dict[str, int] = {}
    years = {f.name for f in shape.fields if f.kind == "years"}
    for i, c in enumerate(cells):
        name, _ = shape.headers.field_of(c, cmap)
        if name in years:  # a count per year needs the year in its header
            name = None
        if name is None and years:
            hit = year_column(shape, c)
            name = hit[0] if hit else None
        if name and name != IGNORE and name not in found:
            found[name] = i
    return found


_YEAR_IN_HEADER = re.compile(r"((?:19|20)\d\d)\s*(?:年度|学年|年|级|届)?")


def year_column(shape: Shape, cell: Any) -> tuple[str, int] | None:
    """(field, year) of a header cell of a ``years`` field: a spelling of it with a year in it
    ("2021年招生人数", "招生人数（2022）", "2023 enrolment")."""
    if cell is None or isinstance(cell, bool):
        return None
    text = unicodedata.normalize("NFKC", str(cell))
    m = _YEAR_IN_HEADER.search(text)
    if not m:
        return None
    rest = header_key(_bare(text[:m.start()] + " " + text[m.end():]))
    if not rest:
        return None
    for f in shape.fields:
        if f.kind == "years" and rest in {header_key(_bare(sp)) for sp in f.spellings}:
            return f.name, int(m.group(1))
    return None


def _signature(shape: Shape) -> set[str]:
    """Fields of ``shape`` that no other shape has: they tell the shapes apart."""
    others = {f.name for s in SHAPES if s is not shape for f in s.fields}
    return {f.name for f in shape.fields} - others


def _where(sheet: str | None) -> str:
    return f"sheet {sheet!r}: " if sheet is not None else ""


def find_header(grid: Grid, cmap: Mapping[str, str] | None = None, file: str = ""
                ) -> tuple[int, Shape, dict[str, int]] | None:
    """(index in grid.rows, shape, field → column) of the best header in the first rows.

    A header fits a kind with 3 of its fields, 2 of which no other kind has. When one row fits
    two kinds equally well the kind is not guessed: ReportError names both."""
    best = None
    for idx, (rownum, cells) in enumerate(grid.rows[:HEADER_SCAN_ROWS]):
        fits = []
        for shape in SHAPES:
            found = _match(shape, cells, cmap)
            sig = len(_signature(shape) & set(found))
            if len(found) >= 3 and sig >= 2:
                fits.append(((len(found) / len(shape.fields), len(found)), shape, found))
        fits.sort(key=lambda x: x[0], reverse=True)
        if len(fits) > 1 and fits[0][0] == fits[1][0]:
            raise ReportError(file, f"{_where(grid.sheet)}the header row {rownum} fits both the {fits[0][1].title} "
                                    f"and the {fits[1][1].title} report; name its columns in the source's "
                                    f"columns setting", row=rownum)
        if fits and (best is None or fits[0][0] > best[0]):
            best = (fits[0][0], idx, fits[0][1], fits[0][2])
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


_COUNT_UNIT = re.compile(r"\s*(?:人次|人|名|persons?|people|students?)\s*$", re.I)


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
        s = _COUNT_UNIT.sub("", unicodedata.normalize("NFKC", str(v)).strip())  # "12人", "12 students"
        if re.fullmatch(r"\d{1,3}(,\d{3})+", s):
            s = s.replace(",", "")
        if not re.fullmatch(r"\d+", s):
            raise CellError(f"not a whole number: {str(v)!r}")
        n = int(s)
    if n < 0:
        raise CellError(f"negative count: {n}")
    return n


_DATE_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")


def _year(v: Any) -> int | None:
    if _blank(v):
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, (dt.date, dt.datetime)):
        y = v.year
    elif isinstance(v, int) and not isinstance(v, bool):
        y = v
    elif isinstance(v, str) and re.fullmatch(r"\s*\d{4}\s*年?度?\s*", unicodedata.normalize("NFKC", v)):
        y = int(re.sub(r"\D", "", v))
    elif isinstance(v, str) and (m := _DATE_RE.fullmatch(unicodedata.normalize("NFKC", v).strip())):
        y = int(m.group(1))
    else:
        raise CellError(f"not a year: {v!r}")
    if not 1900 <= y <= 2100:
        raise CellError(f"year out of range: {y}")
    return y


def _date(v: Any) -> dt.date | None:
    if _blank(v):
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    m = _DATE_RE.fullmatch(unicodedata.normalize("NFKC", str(v)).strip()) if isinstance(v, str) else None
    if not m:
        raise CellError(f"not a date (YYYY-MM-DD expected): {v!r}")
    try:
        return dt.date(*map(int, m.groups()))
    except ValueError:
        raise CellError(f"not a valid date: {v!r}") from None


_MODE = re.compile(r"(?<!\d)(\d)\s*\+\s*(\d)(?!\d)")


def _mode(v: Any) -> str | None:
    """Years at home + years abroad: the "d+d" a cell holds ('3＋1 双学位' → '3+1'), else the text."""
    s = _text(v)
    if not s:
        return None
    s = unicodedata.normalize("NFKC", s)
    found = {f"{a}+{b}" for a, b in _MODE.findall(s)}
    return found.pop() if len(found) == 1 else re.sub(r"\s*\+\s*", "+", s)


def _label(v: Any, f: Field | None = None) -> str | None:
    """Case folded; a spelling from the field's table of values becomes its canonical value."""
    s = _text(v)
    if not s:
        return None
    if f is not None and f.values:
        idx = f.value_index
        for key in (header_key(s), header_key(_bare(s))):
            if key in idx:
                return idx[key]
    return s.casefold()


def _schools(v: Any) -> list[str]:
    s = _text(v) if not isinstance(v, str) else v
    if not s:
        return []
    return [re.sub(r"\s+", " ", p).strip() for p in SCHOOL_SEPARATORS.split(s) if p.strip()]


def parse_value(kind: str, v: Any, countries: Countries, f: Field | None = None) -> Any:
    if kind in ("text", "school", "partner"):
        return _text(v)
    if kind == "label":
        return _label(v, f)
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


def _listing(cells: list[Any], n: int = 8) -> str:
    shown = [repr(str(c).strip()) for c in cells if not _blank(c)]
    return ", ".join(shown[:n]) + (f" … ({len(shown)} cells)" if len(shown) > n else "")


_LONE_YEAR = re.compile(r"(?<![\d\-/.年])((?:19|20)\d\d)(?![\d\-/.月])")


def _context_year(grid: Grid, hidx: int) -> tuple[int, str] | None:
    """A year the sheet gives for all its rows: its whole name ("2023", "2023年", "FY2023"), else the
    one year that stands alone in the title rows above the header (not part of a date)."""
    name = unicodedata.normalize("NFKC", grid.sheet or "").strip()
    m = re.fullmatch(r"(?:FY|AY|CY)?\s*((?:19|20)\d\d)\s*(?:年度?|年)?", name, re.I)
    if m:
        return int(m.group(1)), f"the sheet's name {grid.sheet!r}"
    years = set()
    for _, cells in grid.rows[:hidx]:
        for c in cells:
            if isinstance(c, str):
                years |= set(_LONE_YEAR.findall(unicodedata.normalize("NFKC", c)))
    if len(years) == 1:
        return int(years.pop()), "the title above the header"
    return None


def parse_tables(path: str | Path, data: bytes | None = None, countries: Countries | None = None,
                 columns: Mapping[str, str] | None = None) -> ParsedFile:
    """Read, recognise and check every table of one report file; raises ReportError (file, sheet,
    row, column) on bad input. ``columns``: a checked column map (:func:`headers.column_map`)."""
    path = Path(path)
    file = str(path)
    data = path.read_bytes() if data is None else data
    countries = countries or Countries.from_dir()
    grids = read_grids(path, data)
    out = ParsedFile(file, [])
    empty: list[str] = []
    for g in grids:
        h = find_header(g, columns, file)
        if h is None:
            first = next((cells for _, cells in g.rows if any(not _blank(c) for c in cells)), None)
            empty.append(f"{_where(g.sheet)}" + (f"first row {_listing(first)}" if first else "empty"))
            if g.sheet is not None:
                out.notices.append(f"sheet {g.sheet!r} holds no report table "
                                   + (f"(its first row: {_listing(first)})" if first else "(empty)") + ": not loaded")
            continue
        out.tables.append(_parse_grid(file, g, h, countries, columns, out.notices))
    if not out.tables:
        names = ", ".join(s.title for s in SHAPES)
        raise ReportError(file, f"no header row of a known report ({names}) in the first "
                                f"{HEADER_SCAN_ROWS} rows of any sheet; seen: {'; '.join(empty)}")
    return out


def parse_report(path: str | Path, data: bytes | None = None, countries: Countries | None = None,
                 columns: Mapping[str, str] | None = None) -> ParsedReport:
    """The one table of a report file (:func:`parse_tables` for a workbook of several)."""
    parsed = parse_tables(path, data, countries, columns)
    if len(parsed.tables) > 1:
        raise ValueError(f"{path} holds {len(parsed.tables)} report tables: use parse_tables")
    return parsed.tables[0]


def _parse_grid(file: str, grid: Grid, header: tuple[int, Shape, dict[str, int]], countries: Countries,
                cmap: Mapping[str, str] | None, notices: list[str]) -> ParsedReport:
    hidx, shape, cols = header
    header_rownum, header_cells = grid.rows[hidx]
    where = _where(grid.sheet)
    context: dict[str, Any] = {}
    missing = [n for n in shape.required if n not in cols]
    for name in list(missing):
        f = shape.field(name)
        if f.from_context and f.kind == "year" and (got := _context_year(grid, hidx)):
            context[name] = got[0]
            missing.remove(name)
            notices.append(f"{where}{name} {got[0]} taken from {got[1]} (the table has no {name} column)")
    if missing:
        seen = _listing(header_cells, 40) or "none"
        raise ReportError(file, f"{where}missing required column {missing[0]!r} for a {shape.title} report "
                                f"(header row {header_rownum}); columns seen: {seen}; the {shape.title} report "
                                f"needs {', '.join(shape.required)}", column=missing[0])
    seen_at: dict[str, str] = {}
    years_fields = {f.name for f in shape.fields if f.kind == "years"}
    year_cols: dict[str, list[tuple[int, int]]] = {n: [] for n in years_fields}  # field → [(column, year)]
    for i, cell in enumerate(header_cells):
        name, _how = shape.headers.field_of(cell, cmap)
        if name in years_fields:
            name = None
        if years_fields and name is None and (hit := year_column(shape, cell)):
            year_cols[hit[0]].append((i, hit[1]))
            continue
        if name == IGNORE:
            continue
        if name is None:
            if not _blank(cell):
                notices.append(f"{where}column {str(cell).strip()!r} (header row {header_rownum}) is not a field "
                               f"of the {shape.title} report: not loaded; name its field in the source's columns "
                               f"setting, or \"ignore\"")
            continue
        if name in seen_at and cols[name] != i:
            raise ReportError(file, f"{where}two columns hold {name!r}: {seen_at[name]!r} and {str(cell).strip()!r}",
                              row=header_rownum)
        seen_at.setdefault(name, str(cell).strip())
    out = ParsedReport(file, shape, grid.sheet, header_rownum,
                       {name: str(header_cells[i]).strip() for name, i in cols.items() if name not in years_fields},
                       context=context)
    for name, found in year_cols.items():
        if found:
            out.columns[name] = ", ".join(str(header_cells[i]).strip() for i, _ in found)
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
                    raise ReportError(file, where + str(exc), row=rownum,
                                      column=out.columns[shape.total_field]) from None
            break  # what follows the totals row (notes, signatures) is not data
        if _is_note(cells):
            continue
        rec: dict[str, Any] = {"_row": rownum}
        for f in shape.fields:
            if f.kind == "years":  # {year: count} from its columns; blank cells stay out (unknown, never 0)
                per_year: dict[str, int] = {}
                for col, year in year_cols.get(f.name, []):
                    raw = cells[col] if col < len(cells) else None
                    try:
                        value = _int(raw)
                    except CellError as exc:
                        raise ReportError(file, where + str(exc), row=rownum,
                                          column=str(header_cells[col]).strip()) from None
                    if value is not None:
                        per_year[str(year)] = value
                rec[f.name] = per_year or None
                continue
            if f.name not in cols:
                rec[f.name] = context.get(f.name, [] if f.kind == "schools" else None)
                continue
            col = cols[f.name]
            raw = cells[col] if col < len(cells) else None
            try:
                value = parse_value(f.kind, raw, countries, f)
            except CellError as exc:
                raise ReportError(file, where + str(exc), row=rownum, column=out.columns[f.name]) from None
            if value is None and f.ffill:
                value = last.get(f.name)
            if value is None and f.non_blank:
                raise ReportError(file, f"{where}blank {f.name}", row=rownum, column=out.columns[f.name])
            if f.ffill:
                last[f.name] = value
            rec[f.name] = value
        _check_row(file, shape, rec, out.columns, where)
        out.rows.append(rec)
    _check_total(file, out, where)
    return out


def _check_row(file: str, shape: Shape, rec: dict[str, Any], columns: dict[str, str], where: str = "") -> None:
    if shape.before:
        a, b = shape.before
        s, e = rec.get(a), rec.get(b)
        if s and e and e < s:
            raise ReportError(file, f"{where}expiry date {e} is before the signing date {s}"
                              if (a, b) == ("signed_date", "expiry_date") else f"{where}{b} {e} is before {a} {s}",
                              row=rec["_row"], column=columns.get(b, b))
    if shape.any_of and not any(rec.get(n) for n in shape.any_of):
        raise ReportError(file, f"{where}row names neither a school nor a partner"
                          if set(shape.any_of) == {"school", "partner"} else
                          f"{where}row fills none of {', '.join(shape.any_of)}", row=rec["_row"])


def _check_total(file: str, rep: ParsedReport, where: str = "") -> None:
    """The report's own total must agree with its rows: a disagreement means a row was misread."""
    if rep.declared_total is None or not rep.shape.total_field:
        return
    values = [r[rep.shape.total_field] for r in rep.rows]
    known = sum(v for v in values if v is not None)
    blanks = any(v is None for v in values)
    if known != rep.declared_total and not (blanks and known < rep.declared_total):
        raise ReportError(file, f"{where}the totals row says {rep.declared_total} but the rows add up to {known}",
                          row=rep.total_row, column=rep.columns[rep.shape.total_field])
