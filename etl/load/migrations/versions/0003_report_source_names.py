"""report rows keep the names as written; report files keep where their table was

Why: a school or partner name a report uses that the resolver does not know is
queued for review and the row is kept with a NULL link; the name as written is
what a later curation (alias, accept, merge) uses to re-link the row without
re-reading the file. ``report_files`` records the sheet, the header row and the
figure of the report's own totals row, so that a loaded report can be checked
against the file. ``mobility.students`` becomes nullable: a blank count means
"unknown", never 0.

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('report_files', schema=None) as b:
        b.add_column(sa.Column('sheet', sa.String(length=200), nullable=True))
        b.add_column(sa.Column('header_row', sa.Integer(), nullable=True))
        b.add_column(sa.Column('declared_total', sa.Integer(), nullable=True))
    with op.batch_alter_table('programs', schema=None) as b:
        b.add_column(sa.Column('school_name', sa.String(length=300), nullable=True))
        b.add_column(sa.Column('partner_name', sa.String(length=300), nullable=True))
    with op.batch_alter_table('agreements', schema=None) as b:
        b.add_column(sa.Column('partner_name', sa.String(length=300), nullable=True))
        b.add_column(sa.Column('school_names', sa.JSON(), nullable=True))
    with op.batch_alter_table('mobility', schema=None) as b:
        b.add_column(sa.Column('school_name', sa.String(length=300), nullable=True))
        b.add_column(sa.Column('partner_name', sa.String(length=300), nullable=True))
        b.alter_column('students', existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table('mobility', schema=None) as b:
        b.alter_column('students', existing_type=sa.Integer(), nullable=False)
        b.drop_column('partner_name')
        b.drop_column('school_name')
    with op.batch_alter_table('agreements', schema=None) as b:
        b.drop_column('school_names')
        b.drop_column('partner_name')
    with op.batch_alter_table('programs', schema=None) as b:
        b.drop_column('partner_name')
        b.drop_column('school_name')
    with op.batch_alter_table('report_files', schema=None) as b:
        b.drop_column('declared_total')
        b.drop_column('header_row')
        b.drop_column('sheet')
