"""documents.source_hash: the hash of the bytes a file was read from

Why: a no-op refresh of 10,000 files spent most of its time decoding, normalising and
hashing text only to learn that nothing had changed (bench/etl.py). The SHA-256 of the
raw bytes is computed at C speed; when it equals the one stored with the document the
file is unchanged without being decoded. Documents loaded before this column existed
keep NULL and take the text-hash path until they change.

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("source_hash", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("source_hash")
