"""entries: a review date and an owner; sources: the page title and address their dump gives (issue #17.4)

``entries.review_at`` and ``entries.owner`` are set by editors (``/admin``, ``faqsante entries review``);
``sources.page_title`` and ``sources.page_url`` are read from the dump at each import, so that a source no
editor named still shows visitors a readable name. Backups made before this revision restore with them empty.

Revision ID: 0013_review_and_page_names
Revises: 0012_support_contacts
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_review_and_page_names"
down_revision = "0012_support_contacts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("review_at", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("owner", sa.String(length=120), nullable=True))
        batch_op.create_index("ix_entries_review_at", ["review_at"])
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.add_column(sa.Column("page_title", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("page_url", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_column("page_url")
        batch_op.drop_column("page_title")
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_index("ix_entries_review_at")
        batch_op.drop_column("owner")
        batch_op.drop_column("review_at")
