"""facts: a covering index led by the document, in place of the plain document_id index

Why: a dashboard count over school facts restricted to the documents naming a partner of
some countries scanned every school fact and probed the list of those documents (120 ms at
100,000 documents, bench/dashboard.py). With every column the counts read in one index led
by ``document_id``, the database walks the short list instead and seeks each document's facts
(45 ms). The (document_id, key) unique index still serves the ETL's lookups by document.

Revision ID: 0018
Revises: 0017
"""
from alembic import op


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

COLUMNS = ["document_id", "type", "status", "unit_id", "partner_id", "year", "lang", "kinds"]


def upgrade() -> None:
    op.create_index("ix_facts_document_cover", "facts", COLUMNS, unique=False)
    op.drop_index("ix_facts_document_id", table_name="facts")


def downgrade() -> None:
    op.create_index("ix_facts_document_id", "facts", ["document_id"], unique=False)
    op.drop_index("ix_facts_document_cover", table_name="facts")
