"""users: drop oidc_subject, never used (single sign-on would bring its own column with its own design)

Revision ID: 0004_drop_oidc_subject
Revises: 0003_mail_outbox
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_drop_oidc_subject"
down_revision = "0003_mail_outbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Batch mode: SQLite rebuilds the table; PostgreSQL drops the column and its unique constraint.
    with op.batch_alter_table("users") as batch:
        batch.drop_column("oidc_subject")


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("oidc_subject", sa.String(length=255), nullable=True))
        batch.create_unique_constraint("uq_users_oidc_subject", ["oidc_subject"])
