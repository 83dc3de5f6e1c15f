"""Filters → DataFrames for the office reports (joint programmes, outbound students,
agreements) and the facts every export states (time of the data, number of sources).

Same contract as :mod:`dashboard.queries.common`: a database URL and a :class:`Filters` in, a
small frame out, grouped and counted in SQL; no Dash imports. A chart, its CSV/XLSX and
the leadership report all call these functions, so their numbers agree by construction.

How the dashboard's filters apply to the reports (the reports are tables, not news, so
the document-only filters — activity kind and document language — do not apply):

- **schools**: programmes and mobility rows of those schools; agreements of those schools
  *and* university-wide agreements (no school named), which bind every school;
- **countries**: the row's country as the report gives it, else its partner's country;
- **partner kinds**: the row's partner is of one of those kinds (rows whose partner is
  not resolved yet drop out, since their kind is unknown);
- **years**: mobility by its year; programmes by their start year — a programme that
  started after the range is left out, one started before it is kept (it may still
  run: the report's status says whether it does); agreements expiring soon are counted
  from today, whatever the range.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import case, func, or_, select

from dashboard.queries.common import D, P, RF, U, Filters, _frame, document_conditions
from etl.db import connect
from etl.load.models import Agreement, Mobility, Program, Run

PG = Program.__table__
MB = Mobility.__table__
AG = Agreement.__table__
R = Run.__table__

# Order in which programme statuses are listed (others after, alphabetically).
STATUS_ORDER = ("active", "pending approval", "pending", "suspended", "closed")


def live_report(table):
    """A report table's rows whose report is still present (not gone from its folder)."""
    return table.c.report_id.not_in(select(RF.c.id).where(RF.c.status == "gone"))


def _partner_cond(table, f: Filters) -> list:
    """Country and partner-kind conditions on a report table outer-joined to ``partners``, and
    its rows' report still present (every reading of the report tables goes through here:
    the rows of a report whose file vanished from its folder no longer count)."""
    cond = [live_report(table)]
    if f.countries:
        cond.append(func.coalesce(table.c.country, P.c.country).in_(f.countries))
    if f.partner_kinds:
        cond.append(P.c.kind.in_(f.partner_kinds))
    return cond


# ---------------------------------------------------------------------------
# Joint programmes
# ---------------------------------------------------------------------------
def _program_cond(f: Filters) -> list:
    cond = _partner_cond(PG, f)
    if f.schools:
        cond.append(PG.c.unit_id.in_(f.schools))
    if f.year_to is not None:
        cond.append(or_(PG.c.start_year.is_(None), PG.c.start_year <= f.year_to))
    return cond


def _program_from():
    return PG.outerjoin(P, P.c.id == PG.c.partner_id).outerjoin(U, U.c.id == PG.c.unit_id)


def joint_programs(url: str, f: Filters) -> pd.DataFrame:
    """One row per joint programme in scope, most students first.

    ``program_id, program, school, school_zh, partner, partner_zh, country, level, mode,
    start_year, status, enrolment``. School and partner are the resolved names, else the
    names as the report wrote them; ``enrolment`` is None when the report left it blank.
    """
    stmt = (select(PG.c.id, PG.c.name,
                   func.coalesce(U.c.name, PG.c.school_name), U.c.zh,
                   func.coalesce(P.c.name, PG.c.partner_name), P.c.zh,
                   func.coalesce(PG.c.country, P.c.country),
                   PG.c.level, PG.c.mode, PG.c.start_year, PG.c.status, PG.c.enrolment)
            .select_from(_program_from()).where(*_program_cond(f))
            .order_by(case((PG.c.enrolment.is_(None), 1), else_=0), PG.c.enrolment.desc(), PG.c.name))
    df = _frame(url, stmt, ["program_id", "program", "school", "school_zh", "partner", "partner_zh", "country",
                            "level", "mode", "start_year", "status", "enrolment"])
    for col in ("start_year", "enrolment"):
        df[col] = df[col].astype("Int64")
    return df


def program_counts(url: str, f: Filters) -> dict[str, int]:
    """Programmes in scope per status (``{"active": 9, "closed": 2, …}``)."""
    # Grouped on the bare column (PostgreSQL will not match two bound "unknown" parameters
    # of SELECT and GROUP BY); a blank status is named in Python.
    stmt = (select(PG.c.status, func.count()).select_from(_program_from()).where(*_program_cond(f))
            .group_by(PG.c.status))
    out: dict[str, int] = {}
    with connect(url) as conn:
        for k, n in conn.execute(stmt):
            out[k or "unknown"] = out.get(k or "unknown", 0) + int(n)
    return out


def programs_started(url: str, f: Filters) -> dict[int, int]:
    """Programmes in scope per start year (``{2018: 2, 2019: 3, …}``)."""
    stmt = (select(PG.c.start_year, func.count()).select_from(_program_from())
            .where(*_program_cond(f), PG.c.start_year.is_not(None))
            .group_by(PG.c.start_year).order_by(PG.c.start_year))
    with connect(url) as conn:
        return {int(y): int(n) for y, n in conn.execute(stmt)}


# ---------------------------------------------------------------------------
# Outbound students
# ---------------------------------------------------------------------------
def _mobility_cond(f: Filters) -> list:
    cond = _partner_cond(MB, f)
    if f.schools:
        cond.append(MB.c.unit_id.in_(f.schools))
    if f.year_from is not None:
        cond.append(MB.c.year >= f.year_from)
    if f.year_to is not None:
        cond.append(MB.c.year <= f.year_to)
    return cond


def students_abroad(url: str, f: Filters) -> pd.DataFrame:
    """Outbound students per year and programme type: ``year, program_type, students, records``.

    ``students`` sums the rows whose count is known (a blank count is unknown, not 0);
    ``records`` is the number of report rows, so a reader can see how much is unknown.
    """
    stmt = (select(MB.c.year, MB.c.program_type, func.coalesce(func.sum(MB.c.students), 0), func.count())
            .select_from(MB.outerjoin(P, P.c.id == MB.c.partner_id))
            .where(*_mobility_cond(f))
            .group_by(MB.c.year, MB.c.program_type))
    df = _frame(url, stmt, ["year", "program_type", "students", "records"])
    if df.empty:
        return df
    df["program_type"] = df["program_type"].fillna("other")  # a blank type (after GROUP BY: see program_counts)
    df = df.groupby(["year", "program_type"], as_index=False)[["students", "records"]].sum()
    return df.astype({"year": "int64", "students": "int64", "records": "int64"}).sort_values(
        ["year", "program_type"], ignore_index=True)


def students_per_year(url: str, f: Filters) -> dict[int, int]:
    """Outbound students per year in scope (``{2023: 141, 2024: 214}``)."""
    stmt = (select(MB.c.year, func.coalesce(func.sum(MB.c.students), 0))
            .select_from(MB.outerjoin(P, P.c.id == MB.c.partner_id))
            .where(*_mobility_cond(f)).group_by(MB.c.year).order_by(MB.c.year))
    with connect(url) as conn:
        return {int(y): int(n) for y, n in conn.execute(stmt)}


# ---------------------------------------------------------------------------
# Agreements
# ---------------------------------------------------------------------------
def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months (the 31st becomes the month's last day)."""
    m = day.month - 1 + months
    year, month = day.year + m // 12, m % 12 + 1
    import calendar

    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def agreements_expiring(url: str, f: Filters, today: dt.date | None = None, months: int = 12) -> pd.DataFrame:
    """Agreements whose expiry date falls from ``today`` to ``months`` later, soonest first.

    ``agreement_id, partner, partner_zh, country, type, signed, expiry, days_left, schools,
    schools_zh``; ``schools`` lists the schools as the report names them, empty for a
    university-wide agreement; ``schools_zh`` their Chinese names where resolved. The school filter is applied here in Python: schools are a JSON list per
    agreement, and the rows that reach this step (a year of expiries) are few.
    """
    today = today or dt.date.today()
    until = add_months(today, months)
    stmt = (select(AG.c.id, func.coalesce(P.c.name, AG.c.partner_name), P.c.zh,
                   func.coalesce(AG.c.country, P.c.country), AG.c.type, AG.c.signed_date, AG.c.expiry_date,
                   AG.c.unit_ids, AG.c.school_names)
            .select_from(AG.outerjoin(P, P.c.id == AG.c.partner_id))
            .where(AG.c.expiry_date >= today, AG.c.expiry_date <= until, *_partner_cond(AG, f))
            .order_by(AG.c.expiry_date, AG.c.id))
    with connect(url) as conn:
        rows = conn.execute(stmt).all()
        units_zh = {int(i): z for i, z in conn.execute(select(U.c.id, U.c.zh).where(U.c.zh.is_not(None)))}
    out = []
    chosen = set(f.schools)
    for aid, partner, zh, country, kind, signed, expiry, unit_ids, names in rows:
        unit_ids, names = [int(u) for u in unit_ids or []], list(names or [])
        university_wide = not names and not unit_ids
        if chosen and not university_wide and not chosen & set(unit_ids):
            continue
        # Chinese names of the resolved schools; a school still in review keeps its written name.
        zh_names = [units_zh[u] for u in unit_ids if u in units_zh]
        schools_zh = "、".join(zh_names) if zh_names and len(zh_names) >= len(names) else "; ".join(names)
        out.append((aid, partner, zh, country, kind, signed, expiry, (expiry - today).days, "; ".join(names),
                    schools_zh))
    df = pd.DataFrame(out, columns=["agreement_id", "partner", "partner_zh", "country", "type", "signed",
                                    "expiry", "days_left", "schools", "schools_zh"])
    return df.astype({"days_left": "int64"}) if not df.empty else df


# ---------------------------------------------------------------------------
# What every export states: time of the data, number of sources
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class DataInfo:
    """Where the numbers of an export come from."""

    run_id: int | None               # the latest finished ETL run
    finished_at: dt.datetime | None  # … and when it finished: the time of the data
    documents: int                   # documents in scope of the filters
    documents_total: int             # documents counted at all (not removed at their source)
    reports: int                     # office report files loaded
    report_rows: int                 # rows of those files

    def to_dict(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "finished_at": self.finished_at, "documents": self.documents,
                "documents_total": self.documents_total, "reports": self.reports, "report_rows": self.report_rows}


def data_info(url: str, f: Filters) -> DataInfo:
    """The latest finished run, and how many documents (in scope, in all) and reports there are."""
    in_scope = select(func.count()).select_from(D).where(*document_conditions(f)).scalar_subquery()
    total = select(func.count()).select_from(D).where(D.c.status != "gone").scalar_subquery()
    # files, not tables: a workbook with a sheet per year is one report (report_files has a row per table)
    reports = (select(func.count(RF.c.uri.distinct()), func.coalesce(func.sum(RF.c.rows), 0)).select_from(RF)
               .where(RF.c.status != "gone"))
    last = (select(R.c.id, R.c.finished_at).where(R.c.finished_at.is_not(None))
            .order_by(R.c.finished_at.desc(), R.c.id.desc()).limit(1))
    with connect(url) as conn:
        docs, docs_total = conn.execute(select(in_scope, total)).one()
        n_reports, n_rows = conn.execute(reports).one()
        run = conn.execute(last).first()
    return DataInfo(run_id=run[0] if run else None, finished_at=run[1] if run else None,
                    documents=int(docs or 0), documents_total=int(docs_total or 0),
                    reports=int(n_reports or 0), report_rows=int(n_rows or 0))


def latest_year(values: dict[int, int], upper: int | None) -> int | None:
    """The latest year with data, not after ``upper`` (for "this year against the year before")."""
    years = [y for y in values if upper is None or y <= upper]
    return max(years) if years else None


__all__ = ["joint_programs", "program_counts", "programs_started", "students_abroad", "students_per_year",
           "agreements_expiring", "add_months", "data_info", "DataInfo", "latest_year", "STATUS_ORDER"]
