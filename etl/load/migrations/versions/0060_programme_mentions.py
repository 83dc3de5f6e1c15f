"""programme mentions kept per document; a record's status source as fields (issue 16, incremental)

Why: the programme linker re-read every news text on every run that changed anything (finding a
document's programme mentions is the expensive part of a re-link: 10,000 articles, tens of
seconds, even when one article changed). programme_mentions keeps what each document's text
says of programmes, with a digest of everything that finding depends on (the text's hash, its
language, the partner and school forms and counts its facts give), so a run re-reads only the
documents whose digest changed. And where a record's status was read was an English sentence
that the dashboard parsed back to translate it: programmes.status_from holds its fields (kind
report | register | years, file, sheet, row, approval number, what the source says, agreement
type, valid-until date or year, the reference year) and the pages say it in each language.

Revision ID: 0060
Revises: 0050
"""
from alembic import op
import sqlalchemy as sa


revision = '0060'
down_revision = '0050'
branch_labels = None
depends_on = None


def _sqlite_without_drop_column() -> bool:
    """SQLite before 3.35 drops a column only by copying the table (a batch), and dropping the old
    table then deletes every programme's links, partners, schools and students (ON DELETE CASCADE,
    foreign keys on): there the unused column stays."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return False
    import sqlite3

    return sqlite3.sqlite_version_info < (3, 35)


def upgrade() -> None:
    op.create_table(
        'programme_mentions',
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('mentions', sa.JSON(), nullable=False),
        sa.Column('built_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('document_id'),
    )
    # plain ALTER TABLE (no batch: the table is not copied, its children stay)
    op.add_column('programmes', sa.Column('status_from', sa.JSON(), nullable=True))
    if not _sqlite_without_drop_column():
        op.drop_column('programmes', 'status_source')
    # the records are rewritten with the new field on the next run (the linker's version changed)


def downgrade() -> None:
    bind = op.get_bind()
    have = {c["name"] for c in sa.inspect(bind).get_columns('programmes')}
    if 'status_source' not in have:
        op.add_column('programmes', sa.Column('status_source', sa.Text(), nullable=True))
    if not _sqlite_without_drop_column():
        op.drop_column('programmes', 'status_from')
    op.drop_table('programme_mentions')
