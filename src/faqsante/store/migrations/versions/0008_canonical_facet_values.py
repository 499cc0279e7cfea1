"""entry_facets.value holds value keys: what sources wrote (« INS ») canonicalised to the taxonomy's key (« ins »)

Values written since are canonicalised by the import; this rewrites the rows stored before. A value the
taxonomy does not know stays as written. When an entry already carries the key, the row that wins is the
decision that weighs most: an editor's, then the source's, then the tagger's.

Revision ID: 0008_canonical_facet_values
Revises: 0007_query_log_query
Create Date: 2026-11-29 14:20:00
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

from faqsante.facets.taxonomy import load_taxonomy

revision = "0008_canonical_facet_values"
down_revision = "0007_query_log_query"
branch_labels = None
depends_on = None

WEIGHT = {"editor": 2, "source": 1, "auto": 0}
facets = sa.table(
    "entry_facets",
    sa.column("entry_id", sa.String),
    sa.column("facet", sa.String),
    sa.column("value", sa.String),
    sa.column("confidence", sa.Float),
    sa.column("origin", sa.String),
)


def upgrade() -> None:
    connection = op.get_bind()
    taxonomy = load_taxonomy()
    rows = connection.execute(sa.select(facets)).mappings().all()
    kept: dict[tuple[str, str, str], dict[str, Any]] = {(r["entry_id"], r["facet"], r["value"]): dict(r) for r in rows}
    for row in rows:
        key = taxonomy.canonical(row["facet"], row["value"])
        if key is None or key == row["value"]:
            continue
        raw = facets.c.entry_id == row["entry_id"], facets.c.facet == row["facet"], facets.c.value == row["value"]
        target = (row["entry_id"], row["facet"], key)
        existing = kept.get(target)
        if existing is None:
            connection.execute(sa.update(facets).where(*raw).values(value=key))
            kept[target] = {**row, "value": key}
            continue
        connection.execute(sa.delete(facets).where(*raw))
        if WEIGHT.get(row["origin"], 0) > WEIGHT.get(existing["origin"], 0):
            connection.execute(
                sa.update(facets)
                .where(facets.c.entry_id == target[0], facets.c.facet == target[1], facets.c.value == key)
                .values(confidence=row["confidence"], origin=row["origin"])
            )
            kept[target] = {**row, "value": key}


def downgrade() -> None:
    pass  # the keys are valid spellings of themselves: nothing to undo
