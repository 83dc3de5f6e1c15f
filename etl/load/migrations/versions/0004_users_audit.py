"""users and audit log

Why: the dashboard holds internal data; sign-in needs a users table (Argon2 hashes,
roles admin/viewer, a session epoch that ends open sessions), and every change an
administrator makes (users, uploads, ETL runs, review decisions) is written to
``audit_log`` with who, when and from where.

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'users',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('password_hash', sa.String(length=300), nullable=False),
        sa.Column('role', sa.String(length=10), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('session_epoch', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('last_login_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('name'),
    )
    op.create_table(
        'audit_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('user', sa.String(length=120), nullable=True),
        sa.Column('action', sa.String(length=60), nullable=False),
        sa.Column('target', sa.String(length=1000), nullable=True),
        sa.Column('detail', sa.JSON(), nullable=False),
        sa.Column('ip', sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('audit_log', schema=None) as b:
        b.create_index(b.f('ix_audit_log_at'), ['at'], unique=False)
        b.create_index(b.f('ix_audit_log_user'), ['user'], unique=False)
        b.create_index(b.f('ix_audit_log_action'), ['action'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as b:
        b.drop_index(b.f('ix_audit_log_action'))
        b.drop_index(b.f('ix_audit_log_user'))
        b.drop_index(b.f('ix_audit_log_at'))
    op.drop_table('audit_log')
    op.drop_table('users')
