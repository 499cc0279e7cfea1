"""query_log.query indexed: a helpful vote looks up the search that led to it (active learning)

Revision ID: 0007_query_log_query
Revises: 0006_editor_sessions
Create Date: 2026-11-29 13:45:00
"""

from alembic import op

revision = "0007_query_log_query"
down_revision = "0006_editor_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("query_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_query_log_query"), ["query"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("query_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_query_log_query"))
