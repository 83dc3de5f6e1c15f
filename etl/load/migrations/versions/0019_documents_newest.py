"""documents: an index in the Sources list's order (year, publication date, id)

Why: the Sources list shows the documents in scope newest first (year, then publication
date, then id), 20 at a time. No index had that order, so every document in scope was sorted
for each page (70 ms at 100,000 documents with a few filters, bench/dashboard.py). With it
the list walks the documents in order and stops after the page; ``status`` and ``lang`` make
the walk's own tests index-only.

Revision ID: 0019
Revises: 0018
"""
from alembic import op


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_documents_newest", "documents", ["year", "published", "id", "status", "lang"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_documents_newest", table_name="documents")
