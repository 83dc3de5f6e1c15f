"""rollups kept exact by every write: documents.counted; the freshness stamps go

Why: the rollups were rebuilt at the end of each ETL run and read only while a stamp of the
data matched; after one curator's decision, an upload or during a run every count took the
slow live path until the next run (seconds at 100,000 documents). Every write now moves the
rollup rows of the documents it touched in its own transaction (etl/load/rollups.py), from
``documents.counted`` (what each document is counted as) to what it is now. The ``rollups``
table of stamps means nothing any more and is dropped. The upgrade counts every document once
(a full rebuild).

Revision ID: 0040
Revises: 0030
"""
from alembic import op
import sqlalchemy as sa


revision = '0040'
down_revision = '0030'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('documents') as batch:
        batch.add_column(sa.Column('counted', sa.Text(), nullable=True))
    op.drop_table('rollups')
    from etl.load import rollups

    rollups.rebuild(op.get_bind())


def downgrade() -> None:
    op.create_table(
        'rollups',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('fingerprint', sa.String(length=400), nullable=False),
        sa.Column('built_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('name'),
    )
    with op.batch_alter_table('documents') as batch:
        batch.drop_column('counted')
