"""rollups of documents per partner kind, and per school and partner country

Why: the Partners page's chart of partner kinds counted distinct documents over every
partner mention for each view (130–400 ms of SQLite at 100,000 documents,
bench/dashboard.py), and the maps counted documents per country live as soon as a school
was chosen (120–190 ms). ``rollup_partner_kind_docs`` holds them per (partner kind, year,
language, set of activity kinds), ``rollup_school_country_docs`` per (school, country, …),
like ``rollup_country_docs`` per country.

Revision ID: 0013
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rollup_partner_kind_docs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pkind", sa.String(length=30), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("lang", sa.String(length=5), nullable=True),
        sa.Column("kinds", sa.Integer(), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_rollup_partner_kind_docs", "rollup_partner_kind_docs",
                    ["kinds", "year", "lang", "pkind", "documents"], unique=False)
    op.create_table(
        "rollup_school_country_docs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("lang", sa.String(length=5), nullable=True),
        sa.Column("kinds", sa.Integer(), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_rollup_school_country_docs", "rollup_school_country_docs",
                    ["kinds", "unit_id", "year", "lang", "country", "documents"], unique=False)
    op.create_index("ix_rollup_school_country_docs_country", "rollup_school_country_docs",
                    ["country", "kinds", "unit_id", "year", "lang", "documents"], unique=False)
    # one country's rows per set of kinds: its activities per kind (dashboard.queries._per_kind)
    op.create_index("ix_rollup_country_docs_country", "rollup_country_docs",
                    ["country", "kinds", "year", "lang", "documents"], unique=False)
    op.execute("DELETE FROM rollups")  # the next run builds every rollup, these included


def downgrade() -> None:
    op.drop_index("ix_rollup_country_docs_country", table_name="rollup_country_docs")
    op.drop_index("ix_rollup_school_country_docs_country", table_name="rollup_school_country_docs")
    op.drop_index("ix_rollup_school_country_docs", table_name="rollup_school_country_docs")
    op.drop_table("rollup_school_country_docs")
    op.drop_index("ix_rollup_partner_kind_docs", table_name="rollup_partner_kind_docs")
    op.drop_table("rollup_partner_kind_docs")
