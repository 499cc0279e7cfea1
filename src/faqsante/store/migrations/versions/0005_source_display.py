"""sources: display name, address and filter values set by editors

Revision ID: 0005_source_display
Revises: 0004_drop_oidc_subject
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_source_display"
down_revision = "0004_drop_oidc_subject"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.add_column(sa.Column("display_name", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("url", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("facets", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_column("facets")
        batch_op.drop_column("url")
        batch_op.drop_column("display_name")
