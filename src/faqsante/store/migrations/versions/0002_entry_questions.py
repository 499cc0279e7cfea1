"""entry_questions: the questions each entry answers (source, editor, import, learned) and the unanswered ones

Revision ID: 0002_entry_questions
Revises: 0001
Create Date: 2026-11-29 13:00:00
"""

import sqlalchemy as sa
from alembic import op

from faqsante.store.questions import question_key

revision = "0002_entry_questions"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "entry_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.String(length=32), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("author", sa.String(length=120), nullable=True),
        sa.Column("asked_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=120), nullable=True),
        sa.ForeignKeyConstraint(["entry_id"], ["entries.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("entry_id", "key"),
    )
    with op.batch_alter_table("entry_questions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entry_questions_entry_id"), ["entry_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_entry_questions_key"), ["key"], unique=False)
        batch_op.create_index(batch_op.f("ix_entry_questions_state"), ["state"], unique=False)
    # Every entry's main question, as its source or an editor gave it, becomes its first accepted question.
    entries = sa.table(
        "entries",
        sa.column("id"),
        sa.column("question"),
        sa.column("locked_fields", sa.JSON),
        sa.column("created_at"),
        sa.column("updated_at"),
    )
    rows = op.get_bind().execute(sa.select(entries).where(entries.c.question.is_not(None))).mappings().all()
    questions = sa.table(
        "entry_questions",
        *(
            sa.column(name)
            for name in ("entry_id", "text", "key", "origin", "state", "asked_count", "created_at", "updated_at")
        ),
    )
    backfill = [
        {
            "entry_id": row["id"],
            "text": row["question"],
            "key": question_key(row["question"]),
            "origin": "editor" if "question" in (row["locked_fields"] or []) else "source",
            "state": "accepted",
            "asked_count": 1,
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
        }
        for row in rows
        if row["question"].strip()
    ]
    if backfill:
        op.bulk_insert(questions, backfill)


def downgrade() -> None:
    with op.batch_alter_table("entry_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entry_questions_state"))
        batch_op.drop_index(batch_op.f("ix_entry_questions_key"))
        batch_op.drop_index(batch_op.f("ix_entry_questions_entry_id"))
    op.drop_table("entry_questions")
