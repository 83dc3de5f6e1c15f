"""Filters → DataFrames for the *Programs & mobility* page (office reports, no Dash imports).

Builds on :mod:`dashboard.report.queries` (the exports use it too, so a chart, its CSV and
the leadership report agree): the same scope rules for schools, countries, partner kinds
and years, the same joint-programme list, the same "expiring within N months" list. What
is added here is what only the page shows:

- joint programmes grouped by level, mode and status, with the enrolment of the rows
  whose enrolment is known (a blank is *unknown*: never summed as 0, counted apart);
- outbound students grouped by year, school, country or programme type, again with the
  number of report rows whose count is unknown;
- every agreement on a timeline (signed → expiry, open-ended when the report gives no
  expiry) with its state on a given day: expired, expiring within 6 or 12 months, in
  force, open-ended, or not yet in force.

``today`` is an argument everywhere it matters (default ``dt.date.today()``), so tests fix it.
"""
from __future__ import annotations

import datetime as dt
from pathlib import PurePath
from typing import Any

import pandas as pd
from sqlalchemy import case, func, or_, select

from dashboard.queries.common import RF, P, U, Filters, _frame
from etl.db import connect
from dashboard.report.queries import (
    AG,
    MB,
    PG,
    STATUS_ORDER,
    _mobility_cond,
    _partner_cond,
    _program_cond,
    _program_from,
    add_months,
    agreements_expiring,
    joint_programs,
    students_abroad,
)

# Agreement states on a day, in the order a legend lists them.
AGREEMENT_STATES = ("expiring_6", "expiring_12", "in_force", "open_ended", "not_started", "expired")
PROGRAM_DIMENSIONS = ("level", "mode", "status")
STUDENT_DIMENSIONS = ("year", "school", "country", "program_type")


def nones(df: pd.DataFrame) -> pd.DataFrame:
    """Missing values of text columns as ``None`` (pandas makes them NaN, which is truthy), so
    ``row.zh or row.name`` and ``if row.status`` mean what they say."""
    for c in df.columns:
        if pd.api.types.is_string_dtype(df[c].dtype) or df[c].dtype == object:
            df[c] = df[c].astype(object).where(df[c].notna(), None)
    return df


# ---------------------------------------------------------------------------
# Joint programmes
# ---------------------------------------------------------------------------
def programs_list(url: str, f: Filters) -> pd.DataFrame:
    """:func:`report.queries.joint_programs` (the export's list) with missing texts as None."""
    return nones(joint_programs(url, f))


def programs_grouped(url: str, f: Filters) -> pd.DataFrame:
    """Joint programmes in scope per level, mode and status.

    ``level, mode, status, programs, enrolment, enrolment_known, enrolment_unknown``:
    ``enrolment`` sums the programmes whose enrolment the report states (a 0 stated is a 0),
    ``enrolment_unknown`` counts those it left blank, so a total never hides them. Blank
    level/mode/status read ``unknown``.
    """
    level = func.coalesce(PG.c.level, "unknown")
    mode = func.coalesce(PG.c.mode, "unknown")
    status = func.coalesce(PG.c.status, "unknown")
    known = func.count(PG.c.enrolment)
    stmt = (select(level, mode, status, func.count(), func.coalesce(func.sum(PG.c.enrolment), 0), known,
                   func.count() - known)
            .select_from(_program_from()).where(*_program_cond(f))
            .group_by(level, mode, status).order_by(level, mode, status))
    df = _frame(url, stmt, ["level", "mode", "status", "programs", "enrolment", "enrolment_known",
                            "enrolment_unknown"])
    return df.astype({c: "int64" for c in ("programs", "enrolment", "enrolment_known", "enrolment_unknown")})


def programs_by(df: pd.DataFrame, dim: str) -> pd.DataFrame:
    """Roll :func:`programs_grouped` up to one dimension × status (plain pandas on a few rows)."""
    if dim not in ("level", "mode"):
        raise ValueError(f"unknown programme dimension {dim!r}")
    cols = ["programs", "enrolment", "enrolment_known", "enrolment_unknown"]
    if df.empty:
        return pd.DataFrame(columns=[dim, "status", *cols])
    return df.groupby([dim, "status"], as_index=False)[cols].sum()


def program_totals(df: pd.DataFrame) -> dict[str, int]:
    """Headline numbers from :func:`programs_grouped`: all and active programmes, and the
    known enrolment of the active ones with how many of them have none stated."""
    active = df[df["status"] == "active"] if not df.empty else df
    return {
        "programs": int(df["programs"].sum()) if not df.empty else 0,
        "active": int(active["programs"].sum()) if not df.empty else 0,
        "active_enrolment": int(active["enrolment"].sum()) if not df.empty else 0,
        "active_enrolment_unknown": int(active["enrolment_unknown"].sum()) if not df.empty else 0,
    }


# ---------------------------------------------------------------------------
# Outbound students
# ---------------------------------------------------------------------------
def students_by(url: str, f: Filters, by: str) -> pd.DataFrame:
    """Outbound students in scope per ``by`` (year | school | country | program_type).

    Columns: the key (``year``; ``unit_id, school, zh``; ``country``; ``program_type``),
    then ``students`` (sum of the known counts), ``records`` (report rows) and ``unknown``
    (rows whose count is blank — unknown, not 0). A school the resolver does not know yet
    keeps the name the report wrote (``unit_id`` None); a row without any country reads None.
    Largest first, except years, which are in order.
    """
    if by not in STUDENT_DIMENSIONS:
        raise ValueError(f"unknown dimension {by!r}")
    students = func.coalesce(func.sum(MB.c.students), 0)
    unknown = func.sum(case((MB.c.students.is_(None), 1), else_=0))
    source = MB.outerjoin(P, P.c.id == MB.c.partner_id)
    if by == "year":
        keys, names = [MB.c.year], ["year"]
    elif by == "school":
        source = source.outerjoin(U, U.c.id == MB.c.unit_id)
        keys, names = [MB.c.unit_id, func.coalesce(U.c.name, MB.c.school_name), U.c.zh], ["unit_id", "school", "zh"]
    elif by == "country":
        keys, names = [func.coalesce(MB.c.country, P.c.country)], ["country"]
    else:
        keys, names = [func.coalesce(MB.c.program_type, "other")], ["program_type"]
    order = [MB.c.year] if by == "year" else [students.desc(), *keys]
    stmt = (select(*keys, students, func.count(), unknown).select_from(source)
            .where(*_mobility_cond(f)).group_by(*keys).order_by(*order))
    df = nones(_frame(url, stmt, [*names, "students", "records", "unknown"]))
    if df.empty:
        return df
    df = df.astype({"students": "int64", "records": "int64", "unknown": "int64"})
    if by == "year":
        df["year"] = df["year"].astype("int64")
    if by == "school":
        df["unit_id"] = df["unit_id"].astype("Int64")
    return df


def mobility_rows(url: str, f: Filters, limit: int = 50) -> tuple[int, pd.DataFrame]:
    """The report rows behind the student figures in scope: ``(total, first rows)``.

    ``report, row, year, school, school_zh, partner, country, program_type, students, partner_zh`` — the file and
    its row number, so a reader can find the line in the office's spreadsheet. Latest year
    first, then most students; ``students`` is None where the report left it blank.
    """
    source = (MB.outerjoin(P, P.c.id == MB.c.partner_id).outerjoin(U, U.c.id == MB.c.unit_id)
              .join(RF, RF.c.id == MB.c.report_id))
    cond = _mobility_cond(f)
    stmt = (select(RF.c.uri, MB.c.row, MB.c.year, func.coalesce(U.c.name, MB.c.school_name), U.c.zh,
                   func.coalesce(P.c.name, MB.c.partner_name), func.coalesce(MB.c.country, P.c.country),
                   MB.c.program_type, MB.c.students, _sheet_of_many(), P.c.zh)
            .select_from(source).where(*cond)
            .order_by(MB.c.year.desc(), case((MB.c.students.is_(None), 1), else_=0), MB.c.students.desc(),
                      MB.c.row).limit(max(1, int(limit))))
    count = select(func.count()).select_from(MB.outerjoin(P, P.c.id == MB.c.partner_id)).where(*cond)
    with connect(url) as conn:
        total = int(conn.execute(count).scalar_one())
    df = nones(_frame(url, stmt, ["report", "row", "year", "school", "school_zh", "partner", "country",
                                  "program_type", "students", "sheet", "partner_zh"]))
    if not df.empty:
        df["report"] = [_report_name(u, sh) for u, sh in zip(df["report"], df["sheet"])]
        df["students"] = df["students"].astype("Int64")
    return total, df.drop(columns=["sheet"])


def _base_name(uri: str) -> str:
    """The file name of a report's path or URL (the office knows its files by name)."""
    return PurePath(str(uri).replace("\\", "/").split("?")[0]).name or str(uri)


def _sheet_of_many():
    """The table's sheet when its file holds more than one table (a workbook with a sheet per year), else NULL."""
    other = RF.alias("rf_other")
    many = select(func.count()).select_from(other).where(other.c.uri == RF.c.uri).scalar_subquery()
    return case((many > 1, RF.c.sheet), else_=None)


def _report_name(uri: str, sheet: Any) -> str:
    name = _base_name(uri)
    return f"{name} › {sheet}" if isinstance(sheet, str) and sheet else name


def report_files(url: str) -> pd.DataFrame:
    """The office report tables loaded (not gone from their folder), newest first: ``kind, file, rows,
    loaded_at`` (file = base name, and the sheet when the file holds several tables)."""
    stmt = (select(RF.c.kind, RF.c.uri, RF.c.rows, RF.c.loaded_at, _sheet_of_many()).where(RF.c.status != "gone")
            .order_by(RF.c.loaded_at.desc(), RF.c.id.desc()))
    df = _frame(url, stmt, ["kind", "file", "rows", "loaded_at", "sheet"])
    if not df.empty:
        df["file"] = [_report_name(u, sh) for u, sh in zip(df["file"], df["sheet"])]
    return df.drop(columns=["sheet"])


# ---------------------------------------------------------------------------
# Agreements
# ---------------------------------------------------------------------------
def agreement_state(signed: dt.date | None, expiry: dt.date | None, today: dt.date) -> str:
    """The state of an agreement on ``today`` (one of :data:`AGREEMENT_STATES`).

    Expiring within 6 months wins over within 12; an agreement expiring today still counts
    as expiring (it is valid through its expiry day).
    """
    if signed is not None and signed > today:
        return "not_started"
    if expiry is None:
        return "open_ended"
    if expiry < today:
        return "expired"
    if expiry <= add_months(today, 6):
        return "expiring_6"
    if expiry <= add_months(today, 12):
        return "expiring_12"
    return "in_force"


def _school_match(chosen: set[int], unit_ids, names) -> bool:
    """An agreement is in a school selection when it names one of the schools, or names none
    at all (university-wide); the same rule as :func:`report.queries.agreements_expiring`."""
    unit_ids, names = list(unit_ids or []), list(names or [])
    if not chosen or (not unit_ids and not names):
        return True
    return bool(chosen & {int(u) for u in unit_ids})


def agreements(url: str, f: Filters, today: dt.date | None = None) -> pd.DataFrame:
    """Every agreement in scope with its validity and its state on ``today``, soonest expiry first
    (open-ended ones last).

    ``agreement_id, partner_id, partner, partner_zh, country, type, signed, expiry, state,
    days_left, schools, university_wide``. The year range keeps the agreements *valid at some
    point of it* (signed before the range ends, not expired before it starts; an undated end
    is open). Schools are a JSON list per agreement, so the school filter is applied in Python
    to the rows the SQL already narrowed; an office report holds hundreds of agreements, not
    millions.
    """
    today = today or dt.date.today()
    cond = list(_partner_cond(AG, f))
    if f.year_to is not None:
        cond.append(or_(AG.c.signed_date.is_(None), AG.c.signed_date < dt.date(f.year_to + 1, 1, 1)))
    if f.year_from is not None:
        cond.append(or_(AG.c.expiry_date.is_(None), AG.c.expiry_date >= dt.date(f.year_from, 1, 1)))
    stmt = (select(AG.c.id, AG.c.partner_id, func.coalesce(P.c.name, AG.c.partner_name), P.c.zh,
                   func.coalesce(AG.c.country, P.c.country), AG.c.type, AG.c.signed_date, AG.c.expiry_date,
                   AG.c.unit_ids, AG.c.school_names)
            .select_from(AG.outerjoin(P, P.c.id == AG.c.partner_id)).where(*cond)
            .order_by(case((AG.c.expiry_date.is_(None), 1), else_=0), AG.c.expiry_date, AG.c.id))
    raw = nones(_frame(url, stmt, ["agreement_id", "partner_id", "partner", "partner_zh", "country", "type", "signed",
                             "expiry", "unit_ids", "school_names"]))
    chosen = set(f.schools)
    rows = []
    for r in raw.itertuples(index=False):
        if not _school_match(chosen, r.unit_ids, r.school_names):
            continue
        signed = _date(r.signed)
        expiry = _date(r.expiry)
        names = list(r.school_names or [])
        rows.append((r.agreement_id, r.partner_id, r.partner, r.partner_zh, r.country, r.type, signed, expiry,
                     agreement_state(signed, expiry, today), (expiry - today).days if expiry else None,
                     "; ".join(names), not names and not list(r.unit_ids or [])))
    df = pd.DataFrame(rows, columns=["agreement_id", "partner_id", "partner", "partner_zh", "country", "type",
                                     "signed", "expiry", "state", "days_left", "schools", "university_wide"])
    df = nones(df)
    df["days_left"] = df["days_left"].astype("Int64")
    df["partner_id"] = df["partner_id"].astype("Int64")
    return df


def _date(value) -> dt.date | None:
    """A DATE column value as a ``date`` (drivers give ``date``; pandas may give ``Timestamp``/NaT)."""
    if value is None or (not isinstance(value, dt.date) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def agreement_counts(df: pd.DataFrame) -> dict[str, int]:
    """Agreements of :func:`agreements` per state, every state present (0 when none)."""
    counts = df["state"].value_counts().to_dict() if not df.empty else {}
    return {s: int(counts.get(s, 0)) for s in AGREEMENT_STATES}


def agreements_valid(url: str, f: Filters, today: dt.date | None = None) -> pd.DataFrame:
    """Agreements in force on ``today`` (dated, expiring or open-ended): for KPIs and the export."""
    df = agreements(url, f, today)
    return df[df["state"].isin(("in_force", "expiring_6", "expiring_12", "open_ended"))].reset_index(drop=True)


def expiring(url: str, f: Filters, today: dt.date | None = None) -> pd.DataFrame:
    """Agreements expiring within 12 months of ``today`` with a ``within`` column (6 or 12 months).

    The list is :func:`report.queries.agreements_expiring` (the export's), so the page and the
    export flag the same agreements; expiring ignores the year range: it is counted from today.
    """
    today = today or dt.date.today()
    df = nones(agreements_expiring(url, f, today=today, months=12))
    if df.empty:
        return df.assign(within=pd.Series(dtype="int64"))
    six = add_months(today, 6)
    return df.assign(within=[6 if _date(e) <= six else 12 for e in df["expiry"]])


__all__ = ["nones", "programs_list", "mobility_rows", "report_files", "programs_grouped", "programs_by",
           "program_totals", "students_by", "agreements", "agreement_state",
           "agreement_counts", "agreements_valid", "expiring", "joint_programs", "students_abroad",
           "AGREEMENT_STATES", "PROGRAM_DIMENSIONS", "STUDENT_DIMENSIONS", "STATUS_ORDER"]
