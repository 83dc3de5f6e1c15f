"""report_files.status: a report whose file vanished from a scanned folder is marked gone

Why: documents gone from their source were marked (and left out of every count), but an
office report deleted from its folder went on counting its programmes, agreements and
students. Now it is marked ``gone`` (its rows kept, nothing deleted), the dashboard leaves
its rows out, and it counts again if the file comes back.

Revision ID: 0014
Revises: 0013
"""
import sqlalchemy as sa
from alembic import op


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("report_files") as batch:
        batch.add_column(sa.Column("status", sa.String(length=12), nullable=False, server_default="active"))


def downgrade() -> None:
    with op.batch_alter_table("report_files") as batch:
        batch.drop_column("status")
