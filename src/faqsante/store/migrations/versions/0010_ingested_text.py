"""entries keep the text their source gave them (issue #11.3)

Re-ingest matches an entry by the text it was imported with, not by what an editor made of it: an
answer an editor rewrote must still be found when its source changes « 4 heures » into « 4 h ».

Existing rows: a field no editor locked still holds the source's text; for a locked one, the source's
text is the field as the last import revision before the first editor's revision left it.
Source names need no change: they were file names, which is what a file directly in the ingested
folder is still called (``000_579ae92fbe6641e0.txt``); only files in sub-folders get a longer name.

Revision ID: 0010_ingested_text
Revises: 0009_entry_drafts
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_ingested_text"
down_revision = "0009_entry_drafts"
branch_labels = None
depends_on = None

IMPORT_AUTHOR = "import"  # faqsante.ingest.merge.INGEST_AUTHOR when this migration was written


def upgrade() -> None:
    with op.batch_alter_table("entries") as batch_op:
        batch_op.add_column(sa.Column("ingested_question", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("ingested_answer", sa.Text(), nullable=True))

    entries = sa.table(
        "entries",
        sa.column("id", sa.String),
        sa.column("question", sa.Text),
        sa.column("answer", sa.Text),
        sa.column("ingested_hash", sa.String),
        sa.column("locked_fields", sa.JSON),
        sa.column("ingested_question", sa.Text),
        sa.column("ingested_answer", sa.Text),
    )
    revisions = sa.table(
        "entry_revisions",
        sa.column("entry_id", sa.String),
        sa.column("number", sa.Integer),
        sa.column("author", sa.String),
        sa.column("question", sa.Text),
        sa.column("answer", sa.Text),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(entries.c.id, entries.c.question, entries.c.answer, entries.c.locked_fields).where(
            entries.c.ingested_hash.is_not(None)
        )
    ).all()
    for entry_id, question, answer, locked in rows:
        locked = set(locked or [])
        if locked & {"question", "answer"}:
            history = connection.execute(
                sa.select(revisions.c.author, revisions.c.question, revisions.c.answer)
                .where(revisions.c.entry_id == entry_id)
                .order_by(revisions.c.number)
            ).all()
            imported = None
            for author, old_question, old_answer in history:
                if author != IMPORT_AUTHOR:
                    break
                imported = (old_question, old_answer)
            if imported is not None:
                question = imported[0] if "question" in locked else question
                answer = imported[1] if "answer" in locked else answer
        connection.execute(
            entries.update().where(entries.c.id == entry_id).values(ingested_question=question, ingested_answer=answer)
        )


def downgrade() -> None:
    with op.batch_alter_table("entries") as batch_op:
        batch_op.drop_column("ingested_answer")
        batch_op.drop_column("ingested_question")
