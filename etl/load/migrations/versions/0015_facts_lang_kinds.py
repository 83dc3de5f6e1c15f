"""facts carry their document's language and activity kinds

Why: a count with a language or an activity-kind filter tested every fact against a list
of the documents of that language (or with one of those kinds), built per statement:
two of the four lists behind the slowest dashboard counts at 100,000 documents
(bench/dashboard.py: 150–450 ms on SQLite). Like ``year`` (migration 0005), the document's
``lang`` and the bit set of its activity kinds (``kinds``, bit i for ACTIVITY_KINDS[i]) are
copied into each fact when the ETL stores the document, in the same transaction, and the
covering indexes carry them: the filters become tests on the index row.

Revision ID: 0015
Revises: 0014
"""
import sqlalchemy as sa
from alembic import op


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

INDEXES = {
    "ix_facts_type_unit_cover": (["type", "unit_id", "year", "document_id", "status"],
                                 ["type", "unit_id", "year", "lang", "kinds", "document_id", "status"]),
    "ix_facts_type_partner_cover": (["type", "partner_id", "year", "document_id", "status", "run_id"],
                                    ["type", "partner_id", "year", "lang", "kinds", "document_id", "status", "run_id"]),
}


def upgrade() -> None:
    from etl.load.documents import denormalise

    for name in INDEXES:
        op.drop_index(name, table_name="facts")
    with op.batch_alter_table("facts") as batch:
        batch.add_column(sa.Column("lang", sa.String(length=5), nullable=True))
        batch.add_column(sa.Column("kinds", sa.Integer(), nullable=False, server_default="0"))
    denormalise(op.get_bind())
    for name, (_before, after) in INDEXES.items():
        op.create_index(name, "facts", after, unique=False)
    op.execute("ANALYZE facts")


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="facts")
    with op.batch_alter_table("facts") as batch:
        batch.drop_column("kinds")
        batch.drop_column("lang")
    for name, (before, _after) in INDEXES.items():
        op.create_index(name, "facts", before, unique=False)
