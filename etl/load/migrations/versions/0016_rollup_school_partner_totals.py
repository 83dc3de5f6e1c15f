"""rollup of documents per school and partner over all years and languages

Why: the Network page without a year range or language summed the (school, partner, year,
language) rollup for every pair: ~50,000 rows grouped into ~23,000 edges, 100–190 ms at
100,000 documents (bench/dashboard.py). ``rollup_school_partner_totals`` holds the pairs'
totals per set of activity kinds (and over all kinds), one row per edge in the common view.

Revision ID: 0016
Revises: 0015
"""
import sqlalchemy as sa
from alembic import op


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rollup_school_partner_totals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("kinds", sa.Integer(), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_rollup_school_partner_totals", "rollup_school_partner_totals",
                    ["kinds", "unit_id", "partner_id", "documents"], unique=False)
    op.create_index("ix_rollup_school_partner_totals_pair", "rollup_school_partner_totals",
                    ["unit_id", "partner_id", "kinds", "documents"], unique=False)
    op.execute("DELETE FROM rollups")  # the next run builds every rollup, this one included


def downgrade() -> None:
    op.drop_index("ix_rollup_school_partner_totals_pair", table_name="rollup_school_partner_totals")
    op.drop_index("ix_rollup_school_partner_totals", table_name="rollup_school_partner_totals")
    op.drop_table("rollup_school_partner_totals")
