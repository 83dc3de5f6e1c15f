"""rollup of documents per activity kind, year and language

Why: the Overview's activities per year and kind scan every activity (~180,000 at
100,000 documents) and test each against the list of documents gone at the source:
45–80 ms of SQLite CPU before the chart is drawn. ``rollup_kind_docs`` holds the count per
(kind, year, language); like the other rollups (0006, 0007) it is rebuilt by the ETL
after every run and read only while its stamp matches the data.

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'rollup_kind_docs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('year', sa.Integer(), nullable=True),
        sa.Column('lang', sa.String(length=5), nullable=True),
        sa.Column('documents', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_rollup_kind_docs_year', 'rollup_kind_docs', ['year', 'lang', 'kind', 'documents'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_rollup_kind_docs_year', table_name='rollup_kind_docs')
    op.drop_table('rollup_kind_docs')
