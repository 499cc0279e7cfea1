"""editors' notices: an e-mail address and a notification preference per account, and what is yet to be mailed

``users.email`` and ``users.notify`` (None: none, "immediate", "daily") are set by the account's owner or an
admin; ``users.notified_at`` and ``users.digest_at`` are when the last immediate mail and the last digest were
queued. ``editor_notices`` holds what each subscribed account has not been told yet (issue #20.4). Backups made
before this revision restore with the new columns empty (no one subscribed).

Revision ID: 0015_editor_notices
Revises: 0014_learned_asks
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_editor_notices"
down_revision = "0014_learned_asks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column("notify", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("notified_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("digest_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "editor_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=True),
        sa.Column("suggestion_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["question_id"], ["submitted_questions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["suggestion_id"], ["entry_questions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_editor_notices_user_id", "editor_notices", ["user_id"])


def downgrade() -> None:
    op.drop_table("editor_notices")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("digest_at")
        batch_op.drop_column("notified_at")
        batch_op.drop_column("notify")
        batch_op.drop_column("email")
