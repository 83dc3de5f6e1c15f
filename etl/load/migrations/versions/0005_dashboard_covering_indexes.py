"""covering indexes for the dashboard's grouped counts

Why: at 100,000 documents and 1,000,000 facts and activities (bench/dashboard.py) the
Overview's counts read the table row of every fact they touched (a sentence of text each)
and joined ``documents`` row by row: 1–7 s per callback on SQLite. The dashboard now
counts on the evidence rows' own columns (``dashboard.queries.evidence_conditions``), and
these indexes hold every column those counts read, so SQLite answers from the index alone:

- ``facts (type, partner_id, year, document_id, status, run_id)`` and ``facts (type,
  unit_id, year, document_id, status)`` replace ``(type, partner_id)`` and ``(type,
  unit_id)`` (same leading columns, so every query that used those uses these; ``run_id``
  finds each partner's first run for "what changed since the last refresh");
- ``activities (kind, year, document_id)`` replaces ``(kind, year)``;
- ``documents (year, status, lang)`` replaces ``(year)``;
- ``documents (run_id, status, created_at, year)``: the documents a run brought (there
  was no index on ``run_id``: the Overview's "since the last refresh" read every row).

The statistics of the query planner are refreshed (``ANALYZE``) at the end so the new
indexes are chosen at once; the ETL refreshes them after every run.

Revision ID: 0005
Revises: 0004
"""
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

NEW = [
    ("ix_facts_type_partner_cover", "facts", ["type", "partner_id", "year", "document_id", "status", "run_id"]),
    ("ix_facts_type_unit_cover", "facts", ["type", "unit_id", "year", "document_id", "status"]),
    ("ix_activities_kind_year_doc", "activities", ["kind", "year", "document_id"]),
    ("ix_documents_year_status_lang", "documents", ["year", "status", "lang"]),
    ("ix_documents_run", "documents", ["run_id", "status", "created_at", "year"]),
]
OLD = [
    ("ix_facts_type_partner", "facts", ["type", "partner_id"]),
    ("ix_facts_type_unit", "facts", ["type", "unit_id"]),
    ("ix_activities_kind_year", "activities", ["kind", "year"]),
    ("ix_documents_year", "documents", ["year"]),
]


def _analyze() -> None:
    op.execute("ANALYZE")


def upgrade() -> None:
    for name, table, cols in NEW:
        op.create_index(name, table, cols, unique=False)
    for name, table, _cols in OLD:
        op.drop_index(name, table_name=table)
    _analyze()


def downgrade() -> None:
    for name, table, cols in OLD:
        op.create_index(name, table, cols, unique=False)
    for name, table, _cols in NEW:
        op.drop_index(name, table_name=table)
