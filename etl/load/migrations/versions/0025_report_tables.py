"""report_files: one row per report table, so a workbook's sheets each load (a sheet per year …)

Why: a workbook with a sheet per year (or per school, or per report kind) was refused whole,
because ``report_files.uri`` was unique: one file, one table. Now each table a file holds is a
row of its own (the file's path, its sheet, kind, header row and declared total); the rows of a
file share its content hash, are replaced together when the file changes and marked gone
together when it vanishes. Unique: (uri, sheet); uri keeps an index of its own for the lookups.

Revision ID: 0025
Revises: 0019
"""
from alembic import op


revision = '0025'
down_revision = '0019'
branch_labels = None
depends_on = None

# the unique constraint on uri was created without a name (0001): SQLite's batch mode finds it by
# this naming convention; PostgreSQL named it <table>_<column>_key
_SQLITE_NAMES = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("report_files", naming_convention=_SQLITE_NAMES) as b:
            b.drop_constraint("uq_report_files_uri", type_="unique")
            b.create_unique_constraint("uq_report_files_uri_sheet", ["uri", "sheet"])
            b.create_index("ix_report_files_uri", ["uri"])
    else:
        op.drop_constraint("report_files_uri_key", "report_files", type_="unique")
        op.create_unique_constraint("uq_report_files_uri_sheet", "report_files", ["uri", "sheet"])
        op.create_index("ix_report_files_uri", "report_files", ["uri"])


def downgrade() -> None:
    # a file that holds several tables keeps its first one
    op.execute("DELETE FROM report_files WHERE id NOT IN (SELECT min(id) FROM report_files GROUP BY uri)")
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("report_files") as b:
            b.drop_index("ix_report_files_uri")
            b.drop_constraint("uq_report_files_uri_sheet", type_="unique")
            b.create_unique_constraint("uq_report_files_uri", ["uri"])
    else:
        op.drop_index("ix_report_files_uri", table_name="report_files")
        op.drop_constraint("uq_report_files_uri_sheet", "report_files", type_="unique")
        op.create_unique_constraint("report_files_uri_key", "report_files", ["uri"])
