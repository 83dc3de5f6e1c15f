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
    with op.batch_alter_table('programmes') as b:
        b.add_column(sa.Column('status_from', sa.JSON(), nullable=True))
        b.drop_column('status_source')
    # the records are rewritten with the new field on the next run (the linker's version changed)


def downgrade() -> None:
    with op.batch_alter_table('programmes') as b:
        b.add_column(sa.Column('status_source', sa.Text(), nullable=True))
        b.drop_column('status_from')
    op.drop_table('programme_mentions')
