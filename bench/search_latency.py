"""Search latency: warm ``ask`` p50/p95 and start-up, on the seed corpus and on a 50,000-entry synthetic one
with 100,000 accepted alternate questions.

    .venv/bin/python bench/search_latency.py [--entries 50000] [--alternates 100000] [--questions FILE]

Questions default to ../shared/eval/dev-questions.json (relative to the repository root), else the
package's off-topic bank. Databases are kept under var/bench/ so that later runs skip ingest and embedding.
The synthetic corpus recombines seed sentences under varied sections; its vectors (passages and alternate
questions alike) are mixtures of real seed vectors plus noise, stored with the right text hash (embedding
150,000 texts would take hours on 2 cores). That is honest for latency, which does not depend on what the
vectors mean, and says nothing about quality.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import time
from pathlib import Path

import numpy as np
from sqlalchemy import select

from faqsante.config import Settings
from faqsante.ingest import ingest_paths
from faqsante.search import SearchEngine
from faqsante.search.corpus import Document, load_documents
from faqsante.search.dense import passage_text, text_hash
from faqsante.search.embedders import make_embedder
from faqsante.search.fitting import off_topic_questions
from faqsante.search.sentences import split_sentences
from faqsante.search.vector_cache import VectorCache
from faqsante.store import Database
from faqsante.store.db import bump_data_version
from faqsante.store.models import Embedding, Entry, EntryQuestion, embedding_model

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
WORK = ROOT / "var" / "bench"
DEV = ROOT.parent / "shared" / "eval" / "dev-questions.json"


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"p50 {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms (n={len(ordered)})"


def timed_asks(engine: SearchEngine, questions: list[str]) -> tuple[list[float], list[float]]:
    """Wall clock and CPU time of each ask (ms): on 2 shared cores, CPU time is what the ask itself costs."""
    engine.ask(questions[0])  # warm: model loaded, index built
    wall, cpu = [], []
    for question in questions:
        start, start_cpu = time.perf_counter(), time.process_time()
        engine.ask(question)
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    return wall, cpu


def span_times(engine: SearchEngine, questions: list[str]) -> list[float]:
    """CPU time of choosing the spans of an ask's hits (ten hits, as ``ask`` computes them): part of the ask above."""
    samples = []
    for question in questions:
        ranking = engine.rank(question, top_k=10)
        assert ranking.query is not None and ranking.sentences is not None
        start = time.process_time()
        ranking.sentences.spans(ranking.documents, ranking.query, engine.analyzer)
        samples.append((time.process_time() - start) * 1000)
    return samples


def startup(db_url: str) -> float:
    start = time.perf_counter()
    engine = SearchEngine(Database(db_url), Settings().model_copy(update={"db_url": db_url}))
    engine.ask("bonjour")
    return time.perf_counter() - start


def seed_db() -> str:
    url = f"sqlite:///{WORK / 'seed.db'}"
    db = Database(url)
    ingest_paths(db, [SAMPLE])
    print("seed: embedding what is missing (first run only, ~1 min)…", flush=True)
    SearchEngine(db, Settings().model_copy(update={"db_url": url})).refresh()
    return url


def seed_vectors(seed_url: str) -> np.ndarray:
    """The seed's real passage vectors: what synthetic vectors are mixed from."""
    with Database(seed_url).session() as session:
        return np.stack(
            [
                np.frombuffer(v, dtype=np.float32)
                for v in session.scalars(select(Embedding.vector).where(Embedding.model == stored_model()))
            ]
        )


def add_sentence_vectors(url: str, vectors: np.ndarray) -> None:
    """Mixed vectors in the vector cache for the synthetic answers' sentences that have none (the spans read them):
    encoding them would take hours, and latency does not depend on what they mean."""
    embedder = make_embedder(Settings().embedder)
    assert embedder is not None
    cache = VectorCache(Settings().index_dir)
    texts = {
        text_hash(sentence): sentence
        for doc in load_documents(Database(url))
        for sentence in (doc.answer[start:end] for start, end in split_sentences(doc.answer))
    }
    known = cache.get(embedder.identity, texts, embedder.dim)
    missing = [hash_ for hash_ in texts if hash_ not in known]
    if not missing:
        return
    print(f"synthetic: caching {len(missing)} mixed sentence vectors…", flush=True)
    vrng = np.random.default_rng(11)
    mixed = vectors[vrng.integers(0, len(vectors), (len(missing), 2))].sum(axis=1)
    mixed /= np.linalg.norm(mixed, axis=1, keepdims=True)
    cache.put(embedder.identity, zip(missing, mixed.astype(np.float32), strict=True))


def synthetic_db(entries: int, alternates: int, seed_url: str) -> str:
    url = f"sqlite:///{WORK / f'synthetic-{entries}-{alternates}.db'}"
    db = Database(url)
    vectors = seed_vectors(seed_url)
    if len(load_documents(db)) >= entries:
        add_sentence_vectors(url, vectors)
        return url
    documents = load_documents(Database(seed_url))
    model = stored_model()
    sentences = [s for doc in documents for s in re.split(r"(?<=[.!?])\s+", doc.answer) if len(s) > 20]
    sections = sorted({doc.section for doc in documents if doc.section}) + [f"Rubrique {n}" for n in range(40)]
    rng = random.Random(7)
    vrng = np.random.default_rng(7)
    print(f"synthetic: writing {entries} entries with mixed vectors…", flush=True)
    made = [
        Document(f"s{number:06d}", None, " ".join(rng.sample(sentences, rng.randint(1, 6))), rng.choice(sections))
        for number in range(entries)
    ]
    with db.session() as session:
        session.add_all(Entry(id=d.id, answer=d.answer, section=d.section, content_hash=d.id) for d in made)
        session.flush()
        for doc in made:
            mix = vectors[vrng.integers(0, len(vectors), 3)].sum(axis=0) + vrng.normal(0, 0.02, vectors.shape[1])
            mix = (mix / np.linalg.norm(mix)).astype(np.float32)
            session.add(
                Embedding(
                    entry_id=doc.id,
                    model=model,
                    text_hash=text_hash(passage_text(doc)),
                    dim=mix.size,
                    vector=mix.tobytes(),
                )
            )
        bump_data_version(session)
    add_alternates(db, made, alternates, sentences, vectors, rng, vrng)
    add_sentence_vectors(url, vectors)
    return url


def stored_model() -> str:
    """``embeddings.model`` of the configured embedder's vectors: its identity, library version included."""
    embedder = make_embedder(Settings().embedder)
    if embedder is None:
        raise SystemExit("the bench times dense search: set FAQSANTE_EMBEDDER to a model, not none")
    return embedding_model(embedder.identity)


def add_alternates(
    db: Database,
    documents: list[Document],
    count: int,
    sentences: list[str],
    vectors: np.ndarray,
    rng: random.Random,
    vrng: np.random.Generator,
) -> None:
    """``count`` accepted questions spread over the entries, with mixed query vectors in the vector cache."""
    print(f"synthetic: writing {count} alternate questions with mixed vectors…", flush=True)
    embedder = make_embedder(Settings().embedder)
    words = [w for s in sentences for w in s.split() if len(w) > 3]
    texts = [f"{' '.join(rng.sample(words, rng.randint(3, 10)))} ? ({number})" for number in range(count)]
    cached = []
    with db.session() as session:
        for number, text in enumerate(texts):
            session.add(
                EntryQuestion(
                    entry_id=documents[number % len(documents)].id,
                    text=text,
                    key=f"k{number}",
                    origin="import",
                    state="accepted",
                )
            )
            mix = vectors[vrng.integers(0, len(vectors), 2)].sum(axis=0) + vrng.normal(0, 0.02, vectors.shape[1])
            cached.append((text_hash(text), (mix / np.linalg.norm(mix)).astype(np.float32)))
        bump_data_version(session)
    if embedder is not None:
        VectorCache(Settings().index_dir).put(f"{embedder.identity}#query", cached)


def main() -> None:
    parser = argparse.ArgumentParser(description="Latence de la recherche.")
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument("--alternates", type=int, default=100_000)
    parser.add_argument("--questions", type=Path, default=DEV)
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    if args.questions.exists():
        questions = [item["q"] for item in json.loads(args.questions.read_text(encoding="utf-8"))]
    else:
        print(f"{args.questions} absent: timing the off-topic bank's questions instead")
        questions = off_topic_questions()

    print(f"load average before: {load()}")
    url = seed_db()
    engine = SearchEngine(Database(url), Settings().model_copy(update={"db_url": url}))
    wall, cpu = timed_asks(engine, questions)
    report(f"seed corpus, warm ask: {percentiles(wall)}; CPU {percentiles(cpu)}")
    report(f"seed corpus, start-up with existing index (open + first answer): {startup(url):.2f} s")

    big = synthetic_db(args.entries, args.alternates, url)
    engine = SearchEngine(Database(big), Settings().model_copy(update={"db_url": big}))
    start = time.perf_counter()
    engine.refresh()
    report(
        f"{args.entries} entries + {args.alternates} questions, index build and calibration (vectors in DB; "
        f"analysis from {Settings().index_dir} when saved): "
        f"{time.perf_counter() - start:.1f} s"
    )
    wall, cpu = timed_asks(engine, questions[:150])
    report(
        f"{args.entries} entries + {args.alternates} questions, warm ask: {percentiles(wall)}; CPU {percentiles(cpu)}"
    )
    report(f"{args.entries} entries, of which spans (CPU): {percentiles(span_times(engine, questions[:150]))}")
    sentences = engine.sentence_index
    size = sentences.vectors.nbytes / 2**20 if sentences.vectors is not None else 0.0
    terms = (sentences.term_ids.nbytes + sentences.term_offsets.nbytes) / 2**20
    report(
        f"{args.entries} entries: {len(sentences.bounds)} sentences, their vectors {size:.0f} MiB (float16, mapped), "
        f"their terms {terms:.1f} MiB ({len(sentences.vocabulary)} distinct)"
    )
    report(
        f"{args.entries} entries + {args.alternates} questions, start-up with existing index (open + first answer): {startup(big):.2f} s"
    )
    print(f"load average after: {load()}")


def report(figure: str) -> None:
    """A figure with the load average it was measured under (the 1-minute one first)."""
    print(f"{figure}  [load {load()}]", flush=True)


def load() -> str:
    """The machine's load: latency figures mean little without it (2 shared cores)."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


if __name__ == "__main__":
    main()
