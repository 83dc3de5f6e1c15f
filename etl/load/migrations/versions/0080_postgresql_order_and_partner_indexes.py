"""PostgreSQL only: the Sources list's order as an index, and partner-led indexes of the school–partner rollups (issue 14)

Why: the Sources list (and the drill-downs' document lists) read the documents newest first,
``ORDER BY year DESC NULLS LAST, published DESC NULLS LAST, id DESC``. SQLite reads
``ix_documents_newest`` (migration 0019) backwards for that order, since it sorts NULL first
ascending. PostgreSQL sorts NULL *last* ascending, so a backward scan gives ``NULLS FIRST``: it
could not use the index for the order, sorted every document in scope for each page, and with a
school, country or kind filter built the full lists of their documents first (100,000 documents:
75 ms for the unfiltered first page, 130–150 ms for one school or one country). With the order
spelt out in the index PostgreSQL walks the documents newest first and stops after the page
(6–15 ms). ``status`` and ``lang`` are carried (``INCLUDE``) so the walk's own tests stay
index-only. SQLite needs nothing (and has no ``NULLS LAST`` in an index).

The school–partner rollups (``rollup_school_partner_docs`` and its totals) had indexes led by
the kinds or the school only: with partners chosen by country or kind (the Network page's edges,
``partner_id = ANY(ARRAY(…))``) PostgreSQL scanned every row of the grain (a parallel sequential
scan of 300,000 rows for two countries and a year range: 150 ms; 85 ms for one country over all
years), where an index led by ``partner_id`` reads only the chosen partners' rows (15 ms). SQLite
already meets its goals on these pages and plans them differently, so it is left as it is.

Revision ID: 0080
Revises: 0070
"""
from alembic import op


revision = '0080'
down_revision = '0070'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE INDEX IF NOT EXISTS ix_documents_newest_desc ON documents "
               "(year DESC NULLS LAST, published DESC NULLS LAST, id DESC) INCLUDE (status, lang)")
    op.execute("CREATE INDEX IF NOT EXISTS ix_rollup_school_partner_docs_partner ON rollup_school_partner_docs "
               "(partner_id, kinds, year, lang, unit_id, documents)")
    op.execute("CREATE INDEX IF NOT EXISTS ix_rollup_school_partner_totals_partner ON rollup_school_partner_totals "
               "(partner_id, kinds, unit_id, documents)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_rollup_school_partner_totals_partner")
    op.execute("DROP INDEX IF EXISTS ix_rollup_school_partner_docs_partner")
    op.execute("DROP INDEX IF EXISTS ix_documents_newest_desc")
