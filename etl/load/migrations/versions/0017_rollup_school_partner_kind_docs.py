"""rollup of documents per school and partner kind; the partner rollup indexed by partner

Why: with one school chosen the Partners page's chart of partner kinds counted distinct
documents over the partner mentions of that school's documents live (150–300 ms at 100,000
documents, bench/dashboard.py). ``rollup_school_partner_kind_docs`` holds them per (school,
partner kind, year, language, set of activity kinds).

Revision ID: 0017
Revises: 0016
"""
import sqlalchemy as sa
from alembic import op


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rollup_school_partner_kind_docs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("pkind", sa.String(length=30), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("lang", sa.String(length=5), nullable=True),
        sa.Column("kinds", sa.Integer(), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_rollup_school_partner_kind_docs", "rollup_school_partner_kind_docs",
                    ["kinds", "unit_id", "year", "lang", "pkind", "documents"], unique=False)
    # one partner's rows (its page): led by the partner
    op.create_index("ix_rollup_partner_docs_partner", "rollup_partner_docs",
                    ["partner_id", "kinds", "year", "lang", "documents"], unique=False)
    op.execute("DELETE FROM rollups")  # the next run builds every rollup, this one included


def downgrade() -> None:
    op.drop_index("ix_rollup_partner_docs_partner", table_name="rollup_partner_docs")
    op.drop_index("ix_rollup_school_partner_kind_docs", table_name="rollup_school_partner_kind_docs")
    op.drop_table("rollup_school_partner_kind_docs")
