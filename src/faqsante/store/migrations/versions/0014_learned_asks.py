"""learned asks: who counted toward a learned suggestion today, so that one address counts once a day (#19.7)

Revision ID: 0014_learned_asks
Revises: 0013_review_and_page_names
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_learned_asks"
down_revision = "0013_review_and_page_names"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "learned_asks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("asker", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["question_id"], ["entry_questions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("question_id", "asker", "day"),
    )
    op.create_index("ix_learned_asks_question_id", "learned_asks", ["question_id"])
    op.create_index("ix_learned_asks_day", "learned_asks", ["day"])


def downgrade() -> None:
    op.drop_table("learned_asks")
