"""Dense retrieval: one passage vector per entry, cached in the ``embeddings`` table by text hash.

Vectors are derived data keyed by (entry, embedder identity: model and library version): an entry is
embedded again only when the text it is embedded from changes, so a re-ingest of an unchanged dump costs
no model call.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from faqsante.search.corpus import Document
from faqsante.search.embedders import Embedder
from faqsante.search.index_files import IndexFiles, digest
from faqsante.search.vector_cache import VectorCache
from faqsante.store import Database
from faqsante.store.models import Embedding, Entry, embedding_model

BATCH = 16


def passage_text(doc: Document) -> str:
    """What the model reads for an entry: its heading, question and answer."""
    return doc.text


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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
    cache = VectorCache(cache_dir) if cache_dir is not None else None
    if cache is not None:
        vectors.update(cache.get(embedder.identity, (h for h in wanted.values() if h not in vectors), embedder.dim))
    reused = [
        (entry, hash_, vectors[hash_]) for entry, hash_ in wanted.items() if entry not in has_row and hash_ in vectors
    ]
    for start in range(0, len(reused), 500):
        _store(store, embedder, reused[start : start + 500])
    todo = list({wanted[doc.id]: doc for doc in documents if wanted[doc.id] not in vectors}.values())  # one per text
    if progress:
        progress(0, len(todo))
    for start in range(0, len(todo), BATCH):
        batch = todo[start : start + BATCH]
        hashes = [wanted[doc.id] for doc in batch]
        computed = dict(zip(hashes, embedder.passages([passage_text(doc) for doc in batch]), strict=True))
        vectors.update(computed)
        _store(
            store, embedder, [(entry, hash_, computed[hash_]) for entry, hash_ in wanted.items() if hash_ in computed]
        )
        if cache is not None:
            cache.put(embedder.identity, computed.items())
        if progress:
            progress(min(start + BATCH, len(todo)), len(todo))
    matrix = np.zeros((len(documents), embedder.dim), dtype=np.float32)
    for row, doc in enumerate(documents):
        matrix[row] = vectors[wanted[doc.id]]
    if files is not None:
        files.save_array(kind, key, matrix)
    return matrix, len(todo)


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
    files, model = IndexFiles(cache_dir), f"{embedder.identity}#query"
    key = digest(texts)
    saved = files.load_array(f"questions-{embedder.identity}", key)
    if saved is not None and saved.shape == (len(texts), embedder.dim):
        return saved
    hashes = [text_hash(text) for text in texts]
    cache = VectorCache(cache_dir)
    known = cache.get(model, hashes, embedder.dim)
    todo = list(dict.fromkeys(text for text, hash_ in zip(texts, hashes, strict=True) if hash_ not in known))
    for start in range(0, len(todo), BATCH):
        batch = todo[start : start + BATCH]
        computed = [(text_hash(text), vector) for text, vector in zip(batch, embedder.queries(batch), strict=True)]
        cache.put(model, computed)
        known.update(computed)
        if progress:
            progress(min(start + BATCH, len(todo)), len(todo))
    matrix = np.vstack([known[hash_] for hash_ in hashes]).astype(np.float32)
    files.save_array(f"questions-{embedder.identity}", key, matrix)
    return matrix


class DenseIndex:
    """Exact cosine search over L2-normalised vectors (a matrix product: 50,000 × 384 takes ~5 ms)."""

    def __init__(self, matrix: np.ndarray) -> None:
        self.matrix = matrix

    def scores(self, query_vector: np.ndarray) -> np.ndarray:
        return self.matrix @ query_vector.reshape(-1)
