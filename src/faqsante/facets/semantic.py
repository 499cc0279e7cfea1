"""Similarity of each entry to each value description, from the passage vectors search already stores.

Entry vectors are search's own (``search.dense.sync_embeddings``), read and written through the caller's
session: tagging runs inside the transaction of a content change (which sees the new text, and which a
write on another connection would wait for), and what it computes is what search then reuses.
Description vectors (about 60 short texts) are cached in the index directory too, keyed by the model and
the text, so an edited description is re-embedded and nothing else is.

Raw cosine similarities of e5 are compressed (0.75-0.90) and differ from one description to another, so
each value's column is standardised over the corpus: a z-score of 2 means "unusually close to this value".
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
from sqlalchemy.orm import Session

from faqsante.facets.taxonomy import FALLBACK_VALUE, Taxonomy
from faqsante.search.corpus import Document
from faqsante.search.dense import sync_embeddings
from faqsante.search.embedders import Embedder
from faqsante.store.models import embedding_model


class SemanticScores:
    """z-scores (entries × values) and, per entry and facet, the rank of each value among the facet's."""

    def __init__(self, z: np.ndarray, columns: dict[tuple[str, str], int], facet_columns: dict[str, list[int]]) -> None:
        self.z = z
        self.columns = columns
        self._rank = np.zeros(z.shape, dtype=np.int32)
        for cols in facet_columns.values():
            self._rank[:, cols] = np.argsort(np.argsort(-z[:, cols], axis=1), axis=1)

    def score(self, row: int, facet: str, value: str) -> tuple[float, int]:
        """(z-score, rank within the facet, 0 = closest) of one entry for one value; rank -1 when unknown."""
        column = self.columns.get((facet, value))
        if column is None:
            return 0.0, -1
        return float(self.z[row, column]), int(self._rank[row, column])


def semantic_scores(
    session: Session,
    documents: list[Document],
    taxonomy: Taxonomy,
    embedder: Embedder,
    cache_dir: Path,
    progress: Callable[[int, int], None] | None = None,
) -> SemanticScores | None:
    """Standardised similarities of ``documents`` (in order) to every described value; None without documents."""
    if len(documents) < 2:
        return None  # a z-score needs a corpus
    columns: dict[tuple[str, str], int] = {}
    facet_columns: dict[str, list[int]] = {}
    texts: list[str] = []
    for facet in taxonomy:
        for value in facet.values.values():
            if value.key == FALLBACK_VALUE or not value.description:
                continue
            columns[(facet.key, value.key)] = len(texts)
            facet_columns.setdefault(facet.key, []).append(len(texts))
            texts.append(value.description)
    if not texts:
        return None
    entries, _ = sync_embeddings(session, documents, embedder, progress, cache_dir=cache_dir)
    similarity = entries @ description_vectors(embedder, texts, cache_dir).T
    std = similarity.std(axis=0)
    z = (similarity - similarity.mean(axis=0)) / np.where(std > 0, std, 1.0)
    return SemanticScores(z.astype(np.float32), columns, facet_columns)


def description_vectors(embedder: Embedder, texts: list[str], cache_dir: Path) -> np.ndarray:
    """Query vectors of the descriptions, from the cache file when the model, its library and the texts are unchanged."""
    keys = [hashlib.sha256(text.encode("utf-8")).hexdigest()[:16] for text in texts]
    path = cache_dir / f"facets-{re.sub(r'[^A-Za-z0-9_.-]+', '_', embedding_model(embedder.identity))}.npz"
    cached: dict[str, np.ndarray] = {}
    if path.exists():
        with np.load(path) as archive:
            # {"keys": ["3f2a…", …], "vectors": (n × dim)}; a file of another layout is simply recomputed
            if {"keys", "vectors"} <= set(archive.files):
                cached = dict(zip(archive["keys"].tolist(), archive["vectors"], strict=True))
    missing = [i for i, key in enumerate(keys) if key not in cached]
    if missing:
        vectors = embedder.queries([texts[i] for i in missing])
        cached.update((keys[i], np.asarray(vector, dtype=np.float32)) for i, vector in zip(missing, vectors, strict=True))
        cache_dir.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.stem}.{os.getpid()}.npz")  # written whole, then renamed: readers never see half
        np.savez(partial, keys=np.asarray(keys), vectors=np.stack([cached[key] for key in keys]))
        partial.replace(path)
    return np.stack([cached[key] for key in keys])
