"""rollup of documents per school, activity kind, year and language

Why: the Overview's "activities by school" joins every school mention to every activity
of its document; at 100,000 documents that is 250–450 ms of SQLite CPU however it is
indexed (bench/dashboard.py). ``rollup_school_kinds`` pre-counts it; ``rollups`` stamps
each rebuild with a fingerprint of the data, and the dashboard reads the rollup only
while the stamp matches (etl/load/rollups.py explains how it stays exact).

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'rollup_school_kinds',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('year', sa.Integer(), nullable=True),
        sa.Column('lang', sa.String(length=5), nullable=True),
        sa.Column('documents', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_rollup_school_kinds_year', 'rollup_school_kinds',
                    ['year', 'lang', 'unit_id', 'kind', 'documents'], unique=False)
    op.create_table(
        'rollups',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('fingerprint', sa.String(length=400), nullable=False),
        sa.Column('built_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('name'),
    )


def downgrade() -> None:
    op.drop_table('rollups')
    op.drop_index('ix_rollup_school_kinds_year', table_name='rollup_school_kinds')
    op.drop_table('rollup_school_kinds')
