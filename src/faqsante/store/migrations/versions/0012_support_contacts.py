"""support contacts: who visitors can call, per filter value, per source or for everything

Revision ID: 0012_support_contacts
Revises: 0011_embeddings_by_identity
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_support_contacts"
down_revision = "0011_embeddings_by_identity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "support_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("hours", sa.String(length=255), nullable=True),
        sa.Column("facet", sa.String(length=40), nullable=True),
        sa.Column("value", sa.String(length=120), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("support_contacts")
