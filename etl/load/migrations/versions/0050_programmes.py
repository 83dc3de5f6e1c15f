"""programmes and initiatives as records; the Ministry's register as a report kind (issue 16)

Why: news give per-article facts and reports give programme rows, but nothing said "this
programme: launched 2019, 112 students, these seven articles and two report rows". A record per
programme or initiative (programmes) with its partners and schools (programme_partners,
programme_units), its students per year with the source of each figure (programme_students) and
the documents and report rows that speak of it (programme_links, with evidence and confidence).
The register table holds the Ministry's list of approved Sino-foreign cooperative programmes
and institutes, loaded like the other report kinds.

Revision ID: 0050
Revises: 0030
"""
from alembic import op
import sqlalchemy as sa


revision = '0050'
down_revision = '0040'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'programmes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=400), nullable=False),
        sa.Column('name', sa.String(length=500), nullable=False),
        sa.Column('label', sa.String(length=500), nullable=False),
        sa.Column('names', sa.JSON(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('level', sa.String(length=30), nullable=True),
        sa.Column('mode', sa.String(length=30), nullable=True),
        sa.Column('first_year', sa.Integer(), nullable=True),
        sa.Column('last_year', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('status_inferred', sa.Boolean(), nullable=False),
        sa.Column('status_source', sa.Text(), nullable=True),
        sa.Column('students', sa.Integer(), nullable=True),
        sa.Column('students_year', sa.Integer(), nullable=True),
        sa.Column('origin', sa.String(length=12), nullable=False),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('merged_into_id', sa.Integer(), nullable=True),
        sa.Column('run_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['merged_into_id'], ['programmes.id']),
        sa.ForeignKeyConstraint(['run_id'], ['etl_runs.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('key'),
    )
    op.create_index('ix_programmes_first_year', 'programmes', ['first_year'])
    op.create_index('ix_programmes_last_year', 'programmes', ['last_year'])
    op.create_index('ix_programmes_state_kind_status', 'programmes', ['state', 'kind', 'status'])
    op.create_table(
        'programme_partners',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('programme_id', sa.Integer(), nullable=False),
        sa.Column('partner_id', sa.Integer(), nullable=True),
        sa.Column('partner_name', sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['partner_id'], ['partners.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('programme_id', 'partner_name'),
    )
    op.create_index('ix_programme_partners_partner', 'programme_partners', ['partner_id', 'programme_id'])
    op.create_table(
        'programme_units',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('programme_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('programme_id', 'unit_id'),
    )
    op.create_index('ix_programme_units_unit', 'programme_units', ['unit_id', 'programme_id'])
    op.create_table(
        'programme_students',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('programme_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=True),
        sa.Column('students', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=12), nullable=False),
        sa.Column('what', sa.String(length=30), nullable=True),
        sa.Column('document_id', sa.Integer(), nullable=True),
        sa.Column('report_id', sa.Integer(), nullable=True),
        sa.Column('row', sa.Integer(), nullable=True),
        sa.Column('evidence', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['report_id'], ['report_files.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_programme_students_programme', 'programme_students', ['programme_id', 'year', 'source'])
    op.create_table(
        'programme_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('programme_id', sa.Integer(), nullable=False),
        sa.Column('target', sa.String(length=12), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=True),
        sa.Column('report_id', sa.Integer(), nullable=True),
        sa.Column('row', sa.Integer(), nullable=True),
        sa.Column('row_id', sa.Integer(), nullable=True),
        sa.Column('year', sa.Integer(), nullable=True),
        sa.Column('evidence', sa.Text(), nullable=True),
        sa.Column('method', sa.String(length=120), nullable=True),
        sa.Column('confidence', sa.Float(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['report_id'], ['report_files.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_programme_links_programme', 'programme_links', ['programme_id', 'status', 'target'])
    op.create_index('ix_programme_links_document', 'programme_links', ['document_id', 'programme_id'])
    op.create_index('ix_programme_links_report', 'programme_links', ['report_id', 'row'])
    op.create_table(
        'register',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('row', sa.Integer(), nullable=False),
        sa.Column('approval_no', sa.String(length=120), nullable=False),
        sa.Column('programme_name', sa.String(length=500), nullable=False),
        sa.Column('category', sa.String(length=30), nullable=True),
        sa.Column('home_partner', sa.String(length=300), nullable=True),
        sa.Column('unit_id', sa.Integer(), nullable=True),
        sa.Column('school_name', sa.String(length=300), nullable=True),
        sa.Column('partner_id', sa.Integer(), nullable=True),
        sa.Column('partner_name', sa.String(length=300), nullable=True),
        sa.Column('country', sa.String(length=2), nullable=True),
        sa.Column('degree_level', sa.String(length=30), nullable=True),
        sa.Column('programme_mode', sa.String(length=30), nullable=True),
        sa.Column('intake', sa.Integer(), nullable=True),
        sa.Column('enrolment_by_year', sa.JSON(), nullable=True),
        sa.Column('approval_year', sa.Integer(), nullable=True),
        sa.Column('expiry_year', sa.Integer(), nullable=True),
        sa.Column('reg_status', sa.String(length=30), nullable=True),
        sa.ForeignKeyConstraint(['report_id'], ['report_files.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id']),
        sa.ForeignKeyConstraint(['partner_id'], ['partners.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_register_report_id', 'register', ['report_id'])
    op.create_index('ix_register_approval_no', 'register', ['approval_no'])
    op.create_index('ix_register_partner_id', 'register', ['partner_id'])
    # the fingerprint of the data the programme linker last read (the rollups table that held it
    # went in 0040)
    op.create_table(
        'derived_stamps',
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('fingerprint', sa.String(length=400), nullable=False),
        sa.Column('built_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('name'),
    )


def downgrade() -> None:
    op.drop_table('derived_stamps')
    op.drop_table('register')
    op.drop_table('programme_links')
    op.drop_table('programme_students')
    op.drop_table('programme_units')
    op.drop_table('programme_partners')
    op.drop_table('programmes')
