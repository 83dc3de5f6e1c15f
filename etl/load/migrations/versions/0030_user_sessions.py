"""user sessions checked on the server; failed sign-ins counted per address

Why: a session lived in the signed cookie alone, so signing out could not end it: a copy of
the cookie kept answering for up to 12 hours. Each sign-in now stores the SHA-256 of a random
token that the cookie carries; every request looks it up, signing out (or a new password,
role or removal) deletes it. The sign-in limits were counted in each web worker's memory; without
Redis they now count the ``login.failed`` lines of the audit log per address (and per user
name and address), which every worker shares: the index serves that count.

Revision ID: 0030
Revises: 0025
"""
from alembic import op
import sqlalchemy as sa


revision = '0030'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'user_sessions',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('ip', sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_user_sessions_user_id', 'user_sessions', ['user_id'], unique=False)
    op.create_index('ix_user_sessions_expires_at', 'user_sessions', ['expires_at'], unique=False)
    op.create_index('ix_audit_log_action_ip_at', 'audit_log', ['action', 'ip', 'at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_audit_log_action_ip_at', table_name='audit_log')
    op.drop_index('ix_user_sessions_expires_at', table_name='user_sessions')
    op.drop_index('ix_user_sessions_user_id', table_name='user_sessions')
    op.drop_table('user_sessions')
