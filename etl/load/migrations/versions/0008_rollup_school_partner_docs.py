"""rollup of documents per school, partner, year and language

Why: the Network page's edges count the documents naming both a school and a partner: a
self-join of every surviving school mention to every partner mention of its document
(~230,000 pairs at 100,000 documents), 0.5–1 s of SQLite CPU for the unfiltered view.
Like the other rollups (0006, 0007) it is rebuilt by the ETL after every run and read only
while its stamp in ``rollups`` matches the data.

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'rollup_school_partner_docs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('partner_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=True),
        sa.Column('lang', sa.String(length=5), nullable=True),
        sa.Column('documents', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_rollup_school_partner_docs', 'rollup_school_partner_docs',
                    ['unit_id', 'partner_id', 'year', 'lang', 'documents'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_rollup_school_partner_docs', table_name='rollup_school_partner_docs')
    op.drop_table('rollup_school_partner_docs')
