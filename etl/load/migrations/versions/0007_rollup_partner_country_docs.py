"""rollups of documents per partner and per partner country, year and language

Why: the Overview's top partners and partner countries count distinct documents over
every partner mention (~155,000 at 100,000 documents): 100–180 ms of SQLite CPU for the
unfiltered view. Like ``rollup_school_kinds`` (0006) they are rebuilt by the ETL after
every run and read only while their stamp in ``rollups`` matches the data.

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'rollup_partner_docs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('partner_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=True),
        sa.Column('lang', sa.String(length=5), nullable=True),
        sa.Column('documents', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_rollup_partner_docs_year', 'rollup_partner_docs',
                    ['year', 'lang', 'partner_id', 'documents'], unique=False)
    op.create_table(
        'rollup_country_docs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('country', sa.String(length=2), nullable=False),
        sa.Column('year', sa.Integer(), nullable=True),
        sa.Column('lang', sa.String(length=5), nullable=True),
        sa.Column('documents', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_rollup_country_docs_year', 'rollup_country_docs',
                    ['year', 'lang', 'country', 'documents'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_rollup_country_docs_year', table_name='rollup_country_docs')
    op.drop_table('rollup_country_docs')
    op.drop_index('ix_rollup_partner_docs_year', table_name='rollup_partner_docs')
    op.drop_table('rollup_partner_docs')
