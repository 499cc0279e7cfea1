"""editor sessions: a server-side row per signed-in browser, revocable, with a server-side expiry

Revision ID: 0006_editor_sessions
Revises: 0005_source_display
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_editor_sessions"
down_revision = "0005_source_display"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "editor_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("user_agent", sa.String(length=200), nullable=True),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("editor_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_editor_sessions_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_editor_sessions_expires_at"), ["expires_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("editor_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_editor_sessions_expires_at"))
        batch_op.drop_index(batch_op.f("ix_editor_sessions_user_id"))
    op.drop_table("editor_sessions")
