"""entry drafts: changes saved by an editor, published as a separate step

Revision ID: 0009_entry_drafts
Revises: 0008_canonical_facet_values
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_entry_drafts"
down_revision = "0008_canonical_facet_values"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "entry_drafts",
        sa.Column("entry_id", sa.String(length=32), nullable=False),
        sa.Column("question", sa.Text(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("section", sa.String(length=255), nullable=True),
        sa.Column("base_revision", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=120), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["entries.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("entry_id"),
    )


def downgrade() -> None:
    op.drop_table("entry_drafts")
