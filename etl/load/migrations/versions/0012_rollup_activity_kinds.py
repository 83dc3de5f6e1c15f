"""rollups carry the documents' activity kinds; documents and schools get rollups of their own

Why: with an activity-kind filter every partner, country and network count and every KPI
was counted live (bench/dashboard.py: 300–750 ms on SQLite at 100,000 documents), because
the rollups had no kind dimension. A document's activity kinds are few, so the rollups
now keep them as a bit set (``kinds``, bit i for ``ACTIVITY_KINDS[i]``): a kind filter is
``kinds >= 0 AND kinds & mask <> 0`` on the rollup rows, still exact since each document
has one set; the rows over all sets (``kinds = -1``) serve the views without a kind filter,
and ``kinds`` leads the indexes so that each reader seeks to its own rows.
``rollup_docs`` (year, language, kinds) and ``rollup_school_docs`` (school, year, language,
kinds) let the KPIs be read from rollups too.

The rollups are rebuilt by the next ETL run (their stamps carry a layout version);
until then the dashboard counts live.

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

# table: (index, its columns before, its columns after)
INDEXES = {
    "rollup_partner_docs": ("ix_rollup_partner_docs_year", ["year", "lang", "partner_id", "documents"],
                            ["kinds", "year", "lang", "partner_id", "documents"]),
    "rollup_country_docs": ("ix_rollup_country_docs_year", ["year", "lang", "country", "documents"],
                            ["kinds", "year", "lang", "country", "documents"]),
    "rollup_school_partner_docs": ("ix_rollup_school_partner_docs", ["unit_id", "partner_id", "year", "lang", "documents"],
                                   ["unit_id", "partner_id", "year", "lang", "kinds", "documents"]),
}


def upgrade() -> None:
    for table, (index, _before, after) in INDEXES.items():
        op.execute(f"DELETE FROM {table}")  # rebuilt by the next run, with the kinds
        op.drop_index(index, table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("kinds", sa.Integer(), nullable=False, server_default="-1"))
        op.create_index(index, table, after, unique=False)
    op.create_index("ix_rollup_school_partner_docs_kinds", "rollup_school_partner_docs",
                    ["kinds", "unit_id", "partner_id", "year", "lang", "documents"], unique=False)
    op.execute("DELETE FROM rollups")
    op.create_table(
        "rollup_docs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("lang", sa.String(length=5), nullable=True),
        sa.Column("kinds", sa.Integer(), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_rollup_docs_year", "rollup_docs", ["kinds", "year", "lang", "documents"], unique=False)
    op.create_table(
        "rollup_school_docs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("lang", sa.String(length=5), nullable=True),
        sa.Column("kinds", sa.Integer(), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_rollup_school_docs_year", "rollup_school_docs",
                    ["kinds", "year", "lang", "unit_id", "documents"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_rollup_school_docs_year", table_name="rollup_school_docs")
    op.drop_table("rollup_school_docs")
    op.drop_index("ix_rollup_docs_year", table_name="rollup_docs")
    op.drop_table("rollup_docs")
    op.execute("DELETE FROM rollups")
    op.drop_index("ix_rollup_school_partner_docs_kinds", table_name="rollup_school_partner_docs")
    for table, (index, before, _after) in INDEXES.items():
        op.execute(f"DELETE FROM {table}")
        op.drop_index(index, table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("kinds")
        op.create_index(index, table, before, unique=False)
