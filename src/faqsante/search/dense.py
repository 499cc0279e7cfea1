"""Dense retrieval: one passage vector per entry, cached in the ``embeddings`` table by text hash.

Vectors are derived data keyed by (entry, embedder identity: model and library version): an entry is
embedded again only when the text it is embedded from changes, so a re-ingest of an unchanged dump costs
no model call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from faqsante.search.corpus import Document
from faqsante.search.embedders import Embedder
from faqsante.search.encoding import Batch, encode_texts, text_hash
from faqsante.search.index_files import IndexFiles, digest
from faqsante.store import Database
from faqsante.store.models import Embedding, Entry, embedding_model

__all__ = ["DenseIndex", "passage_text", "question_vectors", "sync_embeddings", "text_hash"]


def passage_text(doc: Document) -> str:
    """What the model reads for an entry: its heading, question and answer."""
    return doc.text


def sync_embeddings(
    store: Database | Session,
    documents: list[Document],
    embedder: Embedder,
    progress: Callable[[int, int], None] | None = None,
    *,
    cache_dir: Path | None = None,
) -> tuple[np.ndarray, int]:
    """Vectors of all documents in their order, computing only the missing or stale ones, once per text.

    ``store`` is a ``Database`` for search: each batch is committed on its own, so an interrupted indexing
    keeps what it computed. It is a ``Session`` for tagging, which runs inside the transaction of a content
    change: it sees the new texts there, and its new vectors are committed (or not) with the change.
    With a ``cache_dir``: when the database is up to date, the whole matrix is read from one file
    there (50,000 vectors in milliseconds rather than seconds of row reads); missing vectors come
    first from the machine-wide ``VectorCache`` (another database may have embedded the same text),
    then from the model.
    Returns the (documents × dim) matrix and how many texts the model embedded.
    """
    wanted = {doc.id: text_hash(passage_text(doc)) for doc in documents}
    files = IndexFiles(cache_dir) if cache_dir is not None else None
    kind, key = f"vectors-{embedder.identity}", digest(f"{doc.id}:{wanted[doc.id]}" for doc in documents)
    if files is not None and _all_stored(store, embedder, wanted):
        saved = files.load_array(kind, key)
        if saved is not None and saved.shape == (len(documents), embedder.dim):
            return saved, 0
    vectors: dict[str, np.ndarray] = {}  # text hash -> vector: entries with the same text share one
    has_row: set[str] = set()
    with _unit(store) as session:
        for entry_id, hash_, dim, blob in session.execute(
            select(Embedding.entry_id, Embedding.text_hash, Embedding.dim, Embedding.vector).where(
                Embedding.model == embedding_model(embedder.identity)
            )
        ):
            if wanted.get(entry_id) == hash_ and dim == embedder.dim:
                vectors[hash_] = np.frombuffer(blob, dtype=np.float32)
                has_row.add(entry_id)
    owners: dict[str, list[str]] = {}  # text hash -> the entries without a row for it
    texts: dict[str, str] = {}  # text hash -> the text, for those no row holds
    for doc in documents:
        if doc.id not in has_row:
            owners.setdefault(wanted[doc.id], []).append(doc.id)
            if wanted[doc.id] not in vectors:
                texts[wanted[doc.id]] = passage_text(doc)

    def keep(batch: Batch) -> None:  # found or just encoded: stored at once, so an interruption keeps it
        vectors.update(batch)
        _store(store, embedder, [(entry, hash_, vector) for hash_, vector in batch for entry in owners[hash_]])

    shared = [(hash_, vectors[hash_]) for hash_ in owners if hash_ in vectors]  # another entry's row has it
    for start in range(0, len(shared), 500):
        keep(shared[start : start + 500])
    _, embedded = encode_texts(list(texts.values()), embedder, "passage", cache_dir, on_batch=keep, progress=progress)
    matrix = np.zeros((len(documents), embedder.dim), dtype=np.float32)
    for row, doc in enumerate(documents):
        matrix[row] = vectors[wanted[doc.id]]
    if files is not None:
        files.save_array(kind, key, matrix)
    return matrix, embedded


@contextmanager
def _unit(store: Database | Session) -> Iterator[Session]:
    """The caller's session as it is, or a transaction of our own on the database."""
    if isinstance(store, Session):
        yield store
    else:
        with store.session() as session:
            yield session


def _all_stored(store: Database | Session, embedder: Embedder, wanted: dict[str, str]) -> bool:
    """Does the database hold a vector for every document? A count, not a row-by-row check, to start fast.

    Stale rows can only hide behind a matching count when another database built the file for the new
    texts: the file's vectors are then right, and this database's rows are fixed by the next full sync.
    """
    with _unit(store) as session:
        count = session.scalar(
            select(func.count())
            .select_from(Embedding)
            .where(
                Embedding.model == embedding_model(embedder.identity),
                Embedding.entry_id.in_(select(Entry.id).where(Entry.status == "published")),
            )
        )
    return count == len(wanted)


def _store(store: Database | Session, embedder: Embedder, rows: list[tuple[str, str, np.ndarray]]) -> None:
    """Upsert one batch: into the caller's session, or committed at once so an interrupted indexing keeps it."""
    if isinstance(store, Session):
        _merge(store, embedder, rows)
        return
    try:
        with store.session() as session:
            _merge(session, embedder, rows)
    except IntegrityError:
        pass  # another worker stored the same vectors first: theirs are as good as ours


def _merge(session: Session, embedder: Embedder, rows: list[tuple[str, str, np.ndarray]]) -> None:
    for entry_id, hash_, vector in rows:
        session.merge(
            Embedding(
                entry_id=entry_id,
                model=embedding_model(embedder.identity),
                text_hash=hash_,
                dim=embedder.dim,
                vector=np.ascontiguousarray(vector, dtype=np.float32).tobytes(),
            )
        )


def question_vectors(
    texts: list[str], embedder: Embedder, cache_dir: Path, progress: Callable[[int, int], None] | None = None
) -> np.ndarray:
    """Query-side vectors of questions (alternate questions, calibration questions), each text encoded once.

    Not kept in the database: they derive from question texts alone, so the machine-wide cache and one
    matrix file per set of texts are enough; losing them costs encoding time only.
    """
    if not texts:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    files, key = IndexFiles(cache_dir), digest(texts)
    saved = files.load_array(f"questions-{embedder.identity}", key)
    if saved is not None and saved.shape == (len(texts), embedder.dim):
        return saved
    matrix, _ = encode_texts(texts, embedder, "query", cache_dir, progress=progress)
    files.save_array(f"questions-{embedder.identity}", key, matrix)
    return matrix


class DenseIndex:
    """Exact cosine search over L2-normalised vectors (a matrix product: 50,000 × 384 takes ~5 ms)."""

    def __init__(self, matrix: np.ndarray) -> None:
        self.matrix = matrix

    def scores(self, query_vector: np.ndarray) -> np.ndarray:
        scores: np.ndarray = self.matrix @ query_vector.reshape(-1)
        return scores
