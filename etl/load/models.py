"""The database schema (SQLAlchemy 2 typed ORM).

Every table the ETL writes and the dashboard reads is declared here; Alembic
migrations in ``migrations/versions`` create and upgrade it. Natural keys carry
unique constraints so that loads are idempotent upserts, and the columns the
dashboard filters on (year, school, partner, country, kind) are indexed.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class HomeInstitution(Base):
    """The university whose international work is tracked (BISTU for our first user)."""

    __tablename__ = "home_institutions"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    zh: Mapped[str | None] = mapped_column(String(200))
    aliases: Mapped[list[str]] = mapped_column(default=list)


class Unit(Base):
    """A school (teaching unit) or office (administrative unit) of the home institution."""

    __tablename__ = "units"
    id: Mapped[int] = mapped_column(primary_key=True)
    home_id: Mapped[int | None] = mapped_column(ForeignKey("home_institutions.id"))
    type: Mapped[str] = mapped_column(String(10), index=True)  # school | office
    name: Mapped[str] = mapped_column(String(300), unique=True)
    zh: Mapped[str | None] = mapped_column(String(200))
    aliases: Mapped[list[str]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(12), default="known")  # known | new


class Partner(Base):
    """An external organisation the home institution works with."""

    __tablename__ = "partners"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    country: Mapped[str | None] = mapped_column(String(2), index=True)
    kind: Mapped[str | None] = mapped_column(String(20), index=True)
    zh: Mapped[str | None] = mapped_column(String(200))
    aliases: Mapped[list[str]] = mapped_column(default=list)
    # known: from the reference registry or accepted by a curator;
    # new: first seen by the extractor, waiting in the review queue.
    status: Mapped[str] = mapped_column(String(12), default="known", index=True)


class Run(Base):
    """One ETL run and its report (counts per stage, failures in ``run_errors``)."""

    __tablename__ = "etl_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(12), default="running")  # running|ok|partial|failed
    trigger: Mapped[str] = mapped_column(String(40), default="cli")
    stats: Mapped[dict[str, Any]] = mapped_column(default=dict)
    errors: Mapped[list[RunError]] = relationship(back_populates="run", cascade="all, delete-orphan")


class RunError(Base):
    __tablename__ = "run_errors"
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("etl_runs.id", ondelete="CASCADE"), index=True)
    file: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    run: Mapped[Run] = relationship(back_populates="errors")


class Document(Base):
    """A news article (or other text) with its extracted dates."""

    __tablename__ = "documents"
    # Covering indexes of the dashboard's document counts (id last: PostgreSQL's index-only scans).
    __table_args__ = (Index("ix_documents_year_status_lang_id", "year", "status", "lang", "id"),
                      Index("ix_documents_status_id", "status", "id"),
                      Index("ix_documents_run", "run_id", "status", "created_at", "year"),
                      # the Sources list's order, newest first (migration 0019)
                      Index("ix_documents_newest", "year", "published", "id", "status", "lang"))
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40), default="folder")
    uri: Mapped[str] = mapped_column(String(1000), unique=True)  # URL or absolute path
    title: Mapped[str | None] = mapped_column(Text)
    lang: Mapped[str | None] = mapped_column(String(5), index=True)
    published: Mapped[dt.date | None] = mapped_column(Date)
    event_date: Mapped[str | None] = mapped_column(String(10))  # YYYY, YYYY-MM or YYYY-MM-DD
    year: Mapped[int | None] = mapped_column(Integer)  # event year, else published year
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # SHA-256 of the bytes a file was read from: equal on the next run means unchanged, without decoding
    source_hash: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="active")  # active | gone
    error: Mapped[str | None] = mapped_column(Text)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("etl_runs.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, onupdate=_now)
    # what the rollups count this document as (etl.load.rollups: year, language, kinds, schools,
    # partners), written with every change in the same transaction; NULL: counted nowhere
    counted: Mapped[str | None] = mapped_column(Text)
    facts: Mapped[list[Fact]] = relationship(back_populates="document", cascade="all, delete-orphan")
    activities: Mapped[list[Activity]] = relationship(
        back_populates="document", cascade="all, delete-orphan"
    )


class Activity(Base):
    """A kind of international activity a document reports (several per document)."""

    __tablename__ = "activities"
    __table_args__ = (
        UniqueConstraint("document_id", "kind"),
        Index("ix_activities_kind_year_doc", "kind", "year", "document_id"),  # covering for per-year counts
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    year: Mapped[int | None] = mapped_column(Integer, index=True)  # copy of documents.year
    sentence: Mapped[str | None] = mapped_column(Text)
    start: Mapped[int | None] = mapped_column(Integer)
    end: Mapped[int | None] = mapped_column(Integer)
    method: Mapped[str | None] = mapped_column(String(80))
    confidence: Mapped[float | None] = mapped_column(Float)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("etl_runs.id"))
    document: Mapped[Document] = relationship(back_populates="activities")


class Fact(Base):
    """One extracted fact with its evidence.

    ``type`` is school | office | partner | person | count. A fact links the
    document to a unit, a partner, a person (name, role, org) or a count (value,
    what). ``key`` is the fact's natural key inside its document, so that a
    curator's decision about it ("reject this fact") survives re-extraction.
    """

    __tablename__ = "facts"
    __table_args__ = (
        UniqueConstraint("document_id", "key"),
        # Covering indexes of the dashboard's counts per school / partner (migrations 0005, 0015).
        Index("ix_facts_type_unit_cover", "type", "unit_id", "year", "lang", "kinds", "document_id", "status"),
        Index("ix_facts_type_partner_cover", "type", "partner_id", "year", "lang", "kinds", "document_id", "status",
              "run_id"),
        # a document's facts, with what the counts read (migration 0018)
        Index("ix_facts_document_cover", "document_id", "type", "status", "unit_id", "partner_id", "year", "lang",
              "kinds"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(400))
    year: Mapped[int | None] = mapped_column(Integer, index=True)  # copy of documents.year
    # copies of the document's language and of its activity kinds (bit set, etl.load.rollups.kinds_mask),
    # written with the facts in one transaction, so that a count filters them on the fact's own row
    lang: Mapped[str | None] = mapped_column(String(5))
    kinds: Mapped[int] = mapped_column(Integer, default=0)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    name: Mapped[str | None] = mapped_column(String(300))  # person name / surface form
    role: Mapped[str | None] = mapped_column(String(300))
    org: Mapped[str | None] = mapped_column(String(300))
    value: Mapped[int | None] = mapped_column(Integer)
    what: Mapped[str | None] = mapped_column(String(30))
    text: Mapped[str | None] = mapped_column(Text)  # the mention as written
    sentence: Mapped[str | None] = mapped_column(Text)
    start: Mapped[int | None] = mapped_column(Integer)
    end: Mapped[int | None] = mapped_column(Integer)
    method: Mapped[str | None] = mapped_column(String(80))
    confidence: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(12), default="ok")  # ok | rejected (by curation)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("etl_runs.id"))
    document: Mapped[Document] = relationship(back_populates="facts")
    unit: Mapped[Unit | None] = relationship()
    partner: Mapped[Partner | None] = relationship()


class Curation(Base):
    """A curator's correction; every run re-applies the active ones, none overwrites them.

    action: merge_partner (name → into), rename_partner (name → to), set_country,
    set_kind, reject_fact (document uri + fact key), alias_school (alias → unit),
    accept_partner, reject_partner.
    """

    __tablename__ = "curations"
    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(30), index=True)
    target: Mapped[str] = mapped_column(String(1000))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    active: Mapped[bool] = mapped_column(default=True)


class ReviewItem(Base):
    """Something the extractor or a report loader was unsure of, waiting for a curator."""

    __tablename__ = "review_items"
    __table_args__ = (UniqueConstraint("kind", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # partner | school | fact
    name: Mapped[str] = mapped_column(String(400))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)  # evidence, document, source file
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class ReportFile(Base):
    """A table of an office report (CSV/XLSX) loaded into programs, agreements or mobility."""

    __tablename__ = "report_files"
    # one row per table of a file: a workbook may hold a table per sheet (migration 0025)
    __table_args__ = (UniqueConstraint("uri", "sheet", name="uq_report_files_uri_sheet"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    uri: Mapped[str] = mapped_column(String(1000), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # programs | agreements | mobility
    content_hash: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer, default=0)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("etl_runs.id"))
    loaded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    sheet: Mapped[str | None] = mapped_column(String(200))  # XLSX sheet the table was read from
    header_row: Mapped[int | None] = mapped_column(Integer)  # 1-based row of the header in the file
    declared_total: Mapped[int | None] = mapped_column(Integer)  # the report's own "Total" row, if any
    status: Mapped[str] = mapped_column(String(12), default="active")  # active | gone (file vanished)


class Program(Base):
    """A joint programme from the office's joint-programs report."""

    __tablename__ = "programs"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report_files.id", ondelete="CASCADE"), index=True)
    row: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(300))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"), index=True)
    school_name: Mapped[str | None] = mapped_column(String(300))  # as written in the report
    partner_name: Mapped[str | None] = mapped_column(String(300))  # as written in the report
    country: Mapped[str | None] = mapped_column(String(2))
    level: Mapped[str | None] = mapped_column(String(30))
    mode: Mapped[str | None] = mapped_column(String(30))
    start_year: Mapped[int | None] = mapped_column(Integer, index=True)
    status: Mapped[str | None] = mapped_column(String(30), index=True)
    enrolment: Mapped[int | None] = mapped_column(Integer)  # None = unknown, never 0


class Agreement(Base):
    """A partner agreement (MoU, exchange, joint programme …) with its validity."""

    __tablename__ = "agreements"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report_files.id", ondelete="CASCADE"), index=True)
    row: Mapped[int] = mapped_column(Integer)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"), index=True)
    country: Mapped[str | None] = mapped_column(String(2))
    type: Mapped[str] = mapped_column(String(80))
    signed_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    expiry_date: Mapped[dt.date | None] = mapped_column(Date, index=True)  # None = open-ended
    unit_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # resolved schools
    partner_name: Mapped[str | None] = mapped_column(String(300))  # as written in the report
    # the schools as written; empty = university-wide (unit_ids may lack a name still in review)
    school_names: Mapped[list[str] | None] = mapped_column(JSON, default=list)


class Mobility(Base):
    """Outbound students per year, school, partner and programme type."""

    __tablename__ = "mobility"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report_files.id", ondelete="CASCADE"), index=True)
    row: Mapped[int] = mapped_column(Integer)
    year: Mapped[int] = mapped_column(Integer, index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"), index=True)
    country: Mapped[str | None] = mapped_column(String(2), index=True)
    program_type: Mapped[str | None] = mapped_column(String(80))
    students: Mapped[int | None] = mapped_column(Integer)  # None = unknown, never 0
    school_name: Mapped[str | None] = mapped_column(String(300))  # as written in the report
    partner_name: Mapped[str | None] = mapped_column(String(300))  # as written in the report


class Lock(Base):
    """A named lock row; the ETL holds ``etl`` for the length of a run (works on SQLite and PostgreSQL)."""

    __tablename__ = "locks"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    heartbeat_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


ACTIVITY_KINDS = (
    "joint_program",
    "study_abroad",
    "summer_school",
    "international_students",
    "faculty_exchange",
    "research_collaboration",
    "agreement",
    "delegation_visit",
    "conference",
)


class RollupSchoolKind(Base):
    """Documents per (school, activity kind, year, language), pre-counted for the dashboard.

    Kept exact by every write, in its own transaction (``etl.load.rollups.refresh_rollups``).
    """

    __tablename__ = "rollup_school_kinds"
    __table_args__ = (Index("ix_rollup_school_kinds_year", "year", "lang", "unit_id", "kind", "documents"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30))
    year: Mapped[int | None] = mapped_column(Integer)
    lang: Mapped[str | None] = mapped_column(String(5))
    documents: Mapped[int] = mapped_column(Integer)


class RollupKindDocs(Base):
    """Documents (= activities, one per kind and document) per (activity kind, year, language),
    not gone at the source."""

    __tablename__ = "rollup_kind_docs"
    __table_args__ = (Index("ix_rollup_kind_docs_year", "year", "lang", "kind", "documents"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    year: Mapped[int | None] = mapped_column(Integer)
    lang: Mapped[str | None] = mapped_column(String(5))
    documents: Mapped[int] = mapped_column(Integer)


class RollupPartnerDocs(Base):
    """Documents per (partner, year, language): not gone, with a surviving fact naming the partner."""

    __tablename__ = "rollup_partner_docs"
    __table_args__ = (Index("ix_rollup_partner_docs_year", "kinds", "year", "lang", "partner_id", "documents"),
                      Index("ix_rollup_partner_docs_partner", "partner_id", "kinds", "year", "lang", "documents"),
                      Index("ix_rollup_partner_docs_kinds_partner", "kinds", "partner_id", "year", "lang", "documents"))
    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(Integer)
    year: Mapped[int | None] = mapped_column(Integer)
    lang: Mapped[str | None] = mapped_column(String(5))
    kinds: Mapped[int] = mapped_column(Integer, default=-1)  # the documents' activity kinds (bit set; -1: all)
    documents: Mapped[int] = mapped_column(Integer)


class RollupCountryDocs(Base):
    """Documents per (partner country, year, language): not gone, naming a partner of that
    country (not rejected) in a surviving fact."""

    __tablename__ = "rollup_country_docs"
    __table_args__ = (Index("ix_rollup_country_docs_year", "kinds", "year", "lang", "country", "documents"),
                      Index("ix_rollup_country_docs_country", "country", "kinds", "year", "lang", "documents"))
    id: Mapped[int] = mapped_column(primary_key=True)
    country: Mapped[str] = mapped_column(String(2))
    year: Mapped[int | None] = mapped_column(Integer)
    lang: Mapped[str | None] = mapped_column(String(5))
    kinds: Mapped[int] = mapped_column(Integer, default=0)
    documents: Mapped[int] = mapped_column(Integer)


class RollupSchoolPartnerDocs(Base):
    """Documents per (school, partner, year, language): not gone, with surviving facts naming both
    (the Network page's edges)."""

    __tablename__ = "rollup_school_partner_docs"
    __table_args__ = (Index("ix_rollup_school_partner_docs", "unit_id", "partner_id", "year", "lang", "kinds",
                            "documents"),
                      Index("ix_rollup_school_partner_docs_kinds", "kinds", "unit_id", "partner_id", "year", "lang",
                            "documents"))
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(Integer)
    partner_id: Mapped[int] = mapped_column(Integer)
    year: Mapped[int | None] = mapped_column(Integer)
    lang: Mapped[str | None] = mapped_column(String(5))
    kinds: Mapped[int] = mapped_column(Integer, default=0)
    documents: Mapped[int] = mapped_column(Integer)


class RollupPartnerKindDocs(Base):
    """Documents per (partner kind, year, language, activity kinds): not gone, naming a partner
    of that kind ('unknown' when not known) that is not rejected, in a surviving fact."""

    __tablename__ = "rollup_partner_kind_docs"
    __table_args__ = (Index("ix_rollup_partner_kind_docs", "kinds", "year", "lang", "pkind", "documents"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    pkind: Mapped[str] = mapped_column(String(30))
    year: Mapped[int | None] = mapped_column(Integer)
    lang: Mapped[str | None] = mapped_column(String(5))
    kinds: Mapped[int] = mapped_column(Integer, default=-1)
    documents: Mapped[int] = mapped_column(Integer)


class RollupSchoolCountryDocs(Base):
    """Documents per (school, partner country, year, language, activity kinds): not gone, with
    surviving facts naming the school and a partner of that country (not rejected)."""

    __tablename__ = "rollup_school_country_docs"
    __table_args__ = (Index("ix_rollup_school_country_docs", "kinds", "unit_id", "year", "lang", "country",
                            "documents"),
                      Index("ix_rollup_school_country_docs_country", "country", "kinds", "unit_id", "year", "lang",
                            "documents"))
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(Integer)
    country: Mapped[str] = mapped_column(String(2))
    year: Mapped[int | None] = mapped_column(Integer)
    lang: Mapped[str | None] = mapped_column(String(5))
    kinds: Mapped[int] = mapped_column(Integer, default=-1)
    documents: Mapped[int] = mapped_column(Integer)


class RollupSchoolPartnerKindDocs(Base):
    """Documents per (school, partner kind, year, language, activity kinds): not gone, with
    surviving facts naming the school and a partner of that kind (not rejected)."""

    __tablename__ = "rollup_school_partner_kind_docs"
    __table_args__ = (Index("ix_rollup_school_partner_kind_docs", "kinds", "unit_id", "year", "lang", "pkind",
                            "documents"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(Integer)
    pkind: Mapped[str] = mapped_column(String(30))
    year: Mapped[int | None] = mapped_column(Integer)
    lang: Mapped[str | None] = mapped_column(String(5))
    kinds: Mapped[int] = mapped_column(Integer, default=-1)
    documents: Mapped[int] = mapped_column(Integer)


class RollupSchoolPartnerTotals(Base):
    """Documents per (school, partner, activity kinds) over all years and languages: the
    Network page's edges when no year range or language is chosen."""

    __tablename__ = "rollup_school_partner_totals"
    __table_args__ = (Index("ix_rollup_school_partner_totals", "kinds", "unit_id", "partner_id", "documents"),
                      # with a kind filter: the pairs in order, each pair's sets of kinds together
                      Index("ix_rollup_school_partner_totals_pair", "unit_id", "partner_id", "kinds", "documents"))
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(Integer)
    partner_id: Mapped[int] = mapped_column(Integer)
    kinds: Mapped[int] = mapped_column(Integer, default=-1)
    documents: Mapped[int] = mapped_column(Integer)


class RollupDocs(Base):
    """Documents per (year, language, activity kinds): not gone at the source."""

    __tablename__ = "rollup_docs"
    __table_args__ = (Index("ix_rollup_docs_year", "kinds", "year", "lang", "documents"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int | None] = mapped_column(Integer)
    lang: Mapped[str | None] = mapped_column(String(5))
    kinds: Mapped[int] = mapped_column(Integer, default=0)
    documents: Mapped[int] = mapped_column(Integer)


class RollupSchoolDocs(Base):
    """Documents per (school, year, language, activity kinds): not gone, with a surviving fact
    naming the school."""

    __tablename__ = "rollup_school_docs"
    __table_args__ = (Index("ix_rollup_school_docs_year", "kinds", "year", "lang", "unit_id", "documents"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(Integer)
    year: Mapped[int | None] = mapped_column(Integer)
    lang: Mapped[str | None] = mapped_column(String(5))
    kinds: Mapped[int] = mapped_column(Integer, default=0)
    documents: Mapped[int] = mapped_column(Integer)


class SourceState(Base):
    """What a web source last saw of a URL: validators for conditional GET, and when."""

    __tablename__ = "source_state"
    url: Mapped[str] = mapped_column(String(1000), primary_key=True)
    source: Mapped[str] = mapped_column(String(80), index=True)
    etag: Mapped[str | None] = mapped_column(String(300))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[int | None] = mapped_column(Integer)
    fetched_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class User(Base):
    """A person who may sign in to the dashboard: ``admin`` (upload, run, review, manage) or ``viewer``.

    ``password_hash`` is an Argon2id hash (dashboard/auth.py); there is no default user and
    no default password. ``session_epoch`` is part of every session cookie, so raising it
    (new password, new role, removal) ends the user's open sessions at their next request.
    """

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(10), default="viewer")  # admin | viewer
    active: Mapped[bool] = mapped_column(default=True)
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class UserSession(Base):
    """A signed-in session, checked on every request (dashboard/auth.py): the cookie carries a
    random token, this table its SHA-256. Signing out deletes the row, so a copy of the old
    cookie no longer opens anything; a new password, a new role or removal deletes every row of
    the user. A row past ``expires_at`` is dead (and deleted at a later sign-in)."""

    __tablename__ = "user_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 hex of the cookie's token
    user_id: Mapped[int] = mapped_column(Integer, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    ip: Mapped[str | None] = mapped_column(String(64))


class AuditEntry(Base):
    """Who changed what, when: sign-ins, user changes, uploads, ETL runs, review decisions.

    Failed sign-ins (``login.failed`` with the client's address) are also what the sign-in
    limits count when Redis is not configured: index ``(action, ip, at)``."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_action_ip_at", "action", "ip", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, index=True)
    user: Mapped[str | None] = mapped_column(String(120), index=True)  # None: the system or an anonymous client
    action: Mapped[str] = mapped_column(String(60), index=True)
    target: Mapped[str | None] = mapped_column(String(1000))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    ip: Mapped[str | None] = mapped_column(String(64))


# -- programmes and initiatives (issue 16) ------------------------------------------------

class DerivedStamp(Base):
    """A fingerprint of the data a derived table was last built from (the programme linker's: a run
    whose input did not change skips it)."""

    __tablename__ = "derived_stamps"
    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(400))
    built_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


PROGRAMME_KINDS = (
    "joint_programme",   # joint degree programme or joint institute (中外合作办学项目/机构)
    "exchange",          # exchange / study-abroad programme
    "summer_school",     # summer or winter school, short programme
    "visiting_scholar",  # visiting-scholar programme
    "research_centre",   # joint research centre or lab
)
# "suspended" is kept apart from "closed": the office's reports say it, and such a programme
# still has students. "unknown": nothing says, and nothing recent enough to infer from.
PROGRAMME_STATUSES = ("active", "suspended", "pending", "closed", "unknown")


class Programme(Base):
    """A programme or initiative: one row per joint programme, exchange, summer school …

    Built by etl/programmes (the linker) from report rows, news documents and the Ministry's
    register, at the end of every ETL run; ``key`` is its natural key, stable through runs, which
    curations (merge, split, rename) name. ``state``: ok | merged (into ``merged_into_id``; its
    links moved there) | gone (no evidence left: kept, so a curation naming it stays valid).
    """

    __tablename__ = "programmes"
    __table_args__ = (Index("ix_programmes_state_kind_status", "state", "kind", "status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(400), unique=True)
    name: Mapped[str] = mapped_column(String(500))  # as the sources give it (report row, register, news)
    label: Mapped[str] = mapped_column(String(500))  # the canonical label (a curator's rename wins)
    names: Mapped[list[str]] = mapped_column(JSON, default=list)  # every name the sources gave it
    kind: Mapped[str] = mapped_column(String(30))  # one of PROGRAMME_KINDS
    level: Mapped[str | None] = mapped_column(String(30))  # undergraduate | master | phd
    mode: Mapped[str | None] = mapped_column(String(30))  # 2+2, 3+1, 4+0 …
    first_year: Mapped[int | None] = mapped_column(Integer, index=True)
    last_year: Mapped[int | None] = mapped_column(Integer, index=True)  # the last year a source speaks of it
    status: Mapped[str] = mapped_column(String(20), default="unknown")  # one of PROGRAMME_STATUSES
    status_inferred: Mapped[bool] = mapped_column(default=True)  # False: a report or the register says it
    # where the status was read or what it was inferred from, as fields (etl/programmes/link.py,
    # ``status_from``): {"kind": "report" | "register" | "years", "file", "sheet", "row", "said",
    # "agreement_type", "until", "open_ended", "approval_no", "year", "before"}; the pages word it
    status_from: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    students: Mapped[int | None] = mapped_column(Integer)  # the latest figure (None = unknown, never 0)
    students_year: Mapped[int | None] = mapped_column(Integer)
    origin: Mapped[str] = mapped_column(String(12))  # report | register | news | split (what created it)
    state: Mapped[str] = mapped_column(String(12), default="ok")
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("programmes.id"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("etl_runs.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    partners: Mapped[list[ProgrammePartner]] = relationship(cascade="all, delete-orphan",
                                                            order_by="ProgrammePartner.id")
    units: Mapped[list[ProgrammeUnit]] = relationship(cascade="all, delete-orphan", order_by="ProgrammeUnit.id")


class ProgrammeMention(Base):
    """What a document's text says of programmes (etl/programmes/cues.py ``mentions``), kept so that
    a re-link re-reads only the documents whose input changed: ``digest`` hashes everything the
    finding depends on (text hash, language, the partner and school forms and counts its facts
    give); ``mentions`` is the list found (empty: the text names no programme)."""

    __tablename__ = "programme_mentions"
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64))
    mentions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    built_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class ProgrammePartner(Base):
    """A partner of a programme (link table); ``partner_name`` as the sources write it."""

    __tablename__ = "programme_partners"
    __table_args__ = (UniqueConstraint("programme_id", "partner_name"),
                      Index("ix_programme_partners_partner", "partner_id", "programme_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))  # None: a name still in review
    partner_name: Mapped[str] = mapped_column(String(300))


class ProgrammeUnit(Base):
    """A home school (or office) of a programme (link table)."""

    __tablename__ = "programme_units"
    __table_args__ = (UniqueConstraint("programme_id", "unit_id"),
                      Index("ix_programme_units_unit", "unit_id", "programme_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))


class ProgrammeStudents(Base):
    """Students of a programme in a year, with where the figure comes from.

    source: report (the joint-programs report's enrolment, or a mobility row) | register (the
    Ministry's enrolment per year) | news (a count an article states). For one year the dashboard
    takes the first source of that order; every figure is kept with its evidence.
    """

    __tablename__ = "programme_students"
    __table_args__ = (Index("ix_programme_students_programme", "programme_id", "year", "source"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    year: Mapped[int | None] = mapped_column(Integer)
    students: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(12))  # report | register | news
    what: Mapped[str | None] = mapped_column(String(30))  # enrolment | intake | outbound | participants
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    report_id: Mapped[int | None] = mapped_column(ForeignKey("report_files.id", ondelete="CASCADE"))
    row: Mapped[int | None] = mapped_column(Integer)  # the report's row number
    evidence: Mapped[str | None] = mapped_column(Text)


class ProgrammeLink(Base):
    """A source that speaks of a programme: a news document (its facts) or a report row.

    target: document | programs | agreements | mobility | register (the report table). A document
    link names ``document_id``; a report-row link names ``report_id``, ``row`` (the file's row
    number) and ``row_id`` (the id in the report table). ``evidence``: the sentence or the row as
    read; ``method``: what matched (partner+kind+mode, name …); status: linked | review (ambiguous:
    a review item waits) | rejected (by a curator: kept so that the run does not link it again).
    """

    __tablename__ = "programme_links"
    __table_args__ = (Index("ix_programme_links_programme", "programme_id", "status", "target"),
                      Index("ix_programme_links_document", "document_id", "programme_id"),
                      Index("ix_programme_links_report", "report_id", "row"))
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    target: Mapped[str] = mapped_column(String(12))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    report_id: Mapped[int | None] = mapped_column(ForeignKey("report_files.id", ondelete="CASCADE"))
    row: Mapped[int | None] = mapped_column(Integer)
    row_id: Mapped[int | None] = mapped_column(Integer)
    year: Mapped[int | None] = mapped_column(Integer)  # the document's year / the row's year
    evidence: Mapped[str | None] = mapped_column(Text)
    method: Mapped[str | None] = mapped_column(String(120))
    confidence: Mapped[float] = mapped_column(Float, default=1.0)
    status: Mapped[str] = mapped_column(String(12), default="linked")


class RegisterEntry(Base):
    """An entry of the Ministry's register of approved Sino-foreign cooperative programmes and
    institutes (中外合作办学项目/机构), loaded like the other reports (report kind ``register``)."""

    __tablename__ = "register"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report_files.id", ondelete="CASCADE"), index=True)
    row: Mapped[int] = mapped_column(Integer)
    approval_no: Mapped[str] = mapped_column(String(120), index=True)  # 批准书编号 / 审批编号
    programme_name: Mapped[str] = mapped_column(String(500))  # 项目名称 / 机构名称
    category: Mapped[str | None] = mapped_column(String(30))  # programme | institute
    home_partner: Mapped[str | None] = mapped_column(String(300))  # 中方合作办学者
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    school_name: Mapped[str | None] = mapped_column(String(300))  # 承办学院, as written
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"), index=True)
    partner_name: Mapped[str | None] = mapped_column(String(300))  # 外方合作办学者, as written
    country: Mapped[str | None] = mapped_column(String(2))
    degree_level: Mapped[str | None] = mapped_column(String(30))  # undergraduate | master | phd
    programme_mode: Mapped[str | None] = mapped_column(String(30))
    intake: Mapped[int | None] = mapped_column(Integer)  # 每期招生人数
    enrolment_by_year: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # "2023" → students (年度招生人数)
    approval_year: Mapped[int | None] = mapped_column(Integer)
    expiry_year: Mapped[int | None] = mapped_column(Integer)  # 有效期至
    reg_status: Mapped[str | None] = mapped_column(String(30))
