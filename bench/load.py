"""Load benchmark: ``faqsante serve --workers 2`` on PostgreSQL, on loopback, bounded in time.

    .venv/bin/python bench/load.py          (or: make bench-load)

1. creates a fresh PostgreSQL database (faqsante_bench) and ingests data/sample with the CLI;
2. starts ``faqsante serve --workers 2`` on a free port, rate limits off (FAQSANTE_RATE_*=off);
3. asks /api/ask for ASK_SECONDS from ASK_CONCURRENCY visitors, each asking as soon as it has its answer,
   after a warm-up: 90 % popular questions (Zipf: a support desk hears the same few all day), 10 % one-off
   combinations of a topic and a situation;
4. then for ASK_SECONDS more, only questions never asked before (no answer cache helps: every one is
   embedded and searched), the capacity when visitors stop repeating each other;
5. sends 10,000 « utile ? » votes from 50 concurrent visitors (one cookie each, 200 entries each),
   then counts the rows in the database: every vote must be there, exactly once;
6. stops both workers and drops the database, however the run ends (SIGTERM from a time limit included).

The last line printed is one JSON object:
    {"ask_rps": 212.4, "ask_p95_ms": 61.0, "unseen_rps": 48.1, "unseen_p95_ms": 240.3, "errors": 0,
     "votes_sent": 10000, "votes_counted": 10000}
Targets: ask_rps >= 150, ask_p95_ms <= 150, no error, every vote counted; the exit code says whether
they were met (the never-seen figures are measured, without a target). FAQSANTE_BENCH_PG names the server
(default: the test database's), FAQSANTE_BENCH_DB the database created there (default: faqsante_bench).

On 2 cores the load generator competes with the server, so it must cost little: requests go through
``KeepAliveConnection``, a few lines of HTTP/1.1 over asyncio streams (about 0.15 ms of CPU a request
here, against some 3 ms for httpx's async client, which would take a third of a core at 150 requests/s).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlsplit

import httpx
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from faqsante.store import Database
from faqsante.store.models import Entry, Feedback

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench"
ADMIN_URL = os.environ.get("FAQSANTE_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DATABASE = os.environ.get("FAQSANTE_BENCH_DB", "faqsante_bench")
WORKERS = 2
WARMUP_SECONDS = 5.0
ASK_SECONDS = 20.0
ASK_CONCURRENCY = 8
# Questions nobody asked before: the cache cannot help, each costs ~25 ms of CPU to embed (against ~3 ms for
# a repeated one), so this share decides the capacity (measured here: ~280 requests/s at 10 %, ~190 at 20 %).
ONE_OFF_SHARE = 0.1
VOTE_CLIENTS = 50
VOTES_PER_CLIENT = 200
STARTUP_TIMEOUT_S = 180.0
REQUESTS_PER_CONNECTION = 5  # a visit: a few questions, then the browser's connection closes
REQUEST_TIMEOUT_S = 30.0  # every wait is bounded: a stalled server ends the run with errors, not a hang
TARGETS = {"ask_rps": 150.0, "ask_p95_ms": 150.0}

# Generic help-desk phrasings, most asked first.
POPULAR = [
    "Comment activer ma carte e-CPS ?",
    "J'ai oublié mon code e-CPS",
    "Qu'est-ce que l'INS ?",
    "Comment récupérer l'identité nationale de santé d'un patient ?",
    "Comment ouvrir Mon espace santé ?",
    "Comment se connecter avec Pro Santé Connect ?",
    "durée de session Pro Santé Connect",
    "Comment envoyer un message sécurisé à un patient ?",
    "Qu'est-ce que le DMP ?",
    "Comment alimenter le dossier médical partagé ?",
    "Comment candidater au financement Ségur ?",
    "Quand le financement Ségur est-il versé ?",
    "Comment référencer mon logiciel ?",
    "Qu'est-ce que l'ordonnance numérique ?",
    "Comment fonctionne la téléconsultation ?",
    "Comment commander une carte CPS ?",
    "Ma carte CPS est bloquée",
    "Comment renouveler un certificat ?",
    "Le patient peut-il refuser le DMP ?",
    "Comment supprimer un document de Mon espace santé ?",
    "Quels navigateurs sont compatibles ?",
    "mot de passe oublié",
    "Comment contacter le support ?",
    "Quels sont les prérequis techniques ?",
    "Combien de temps les messages sont-ils conservés ?",
    "Qui peut consulter le dossier d'un patient ?",
    "Comment vérifier l'identité d'un patient ?",
    "Mon logiciel est-il compatible avec la messagerie sécurisée ?",
    "Comment déclarer un incident de sécurité ?",
    "Comment obtenir une carte pour un remplaçant ?",
]
TOPICS = [
    "la carte e-CPS",
    "l'INS",
    "Mon espace santé",
    "le DMP",
    "la messagerie sécurisée",
    "Pro Santé Connect",
    "le financement Ségur",
    "le référencement",
    "l'ordonnance numérique",
    "la téléconsultation",
    "la carte CPS",
    "le certificat logiciel",
    "l'annuaire santé",
    "le compte patient",
    "un document médical",
    "la vaccination",
    "le dossier de liaison",
    "l'application mobile",
    "le lecteur de carte",
    "l'identifiant national",
]
CONTEXTS = [
    "en établissement",
    "depuis un smartphone",
    "pour un patient mineur",
    "après une mise à jour",
    "en officine",
    "sans carte",
    "à domicile",
    "pour la première fois",
    "en cabinet libéral",
    "en EHPAD",
    "en laboratoire",
    "pendant une garde",
    "avec un remplaçant",
    "en centre de santé",
]
# A fourth part that the mix's one-off questions never have: the never-seen phase asks none of them.
MOMENTS = [
    "depuis ce matin",
    "depuis hier",
    "depuis une semaine",
    "après un changement de poste",
    "en urgence",
    "avant une consultation",
    "pour un collègue",
    "sur un nouvel ordinateur",
    "en fin de journée",
    "le week-end",
]
TEMPLATES = [
    "Comment utiliser {topic} {context} ?",
    "Problème avec {topic} {context}",
    "{topic} ne fonctionne pas {context}",
    "Qui contacter pour {topic} {context} ?",
    "Est-il possible d'activer {topic} {context} ?",
]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def create_database() -> str:
    """A new, empty database on the benchmark server; returns its URL."""
    drop_database()
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    admin.dispose()
    return make_url(ADMIN_URL).set(database=DATABASE).render_as_string(hide_password=False)


def drop_database() -> None:
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
    admin.dispose()


def stop_on_sigterm() -> None:
    """SIGTERM (a time limit, a CI job cancelled) unwinds like Ctrl-C: the workers are stopped, the database dropped.

    By default SIGTERM ends Python at once, skipping every ``finally``: the two workers (in their own process
    group) and the database stayed behind.
    """

    def interrupt(signum: int, _frame: object) -> None:
        log(f"Signal {signal.Signals(signum).name} : arrêt des workers et suppression de la base")
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def server_env() -> dict[str, str]:
    return {
        **os.environ,
        "FAQSANTE_RATE_ASK": "off",
        "FAQSANTE_RATE_FEEDBACK": "off",
        "FAQSANTE_RATE_QUESTIONS": "off",
        "FAQSANTE_INDEX_DIR": str(WORK / "load-index"),  # vectors kept between runs: this measures serving
        "FAQSANTE_SECRET_KEY": os.environ.get("FAQSANTE_SECRET_KEY") or secrets.token_urlsafe(32),
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serve(url: str) -> Iterator[str]:
    """``faqsante serve --workers 2`` in its own process group, stopped however the benchmark ends."""
    port = free_port()
    command = [sys.executable, "-m", "faqsante.cli", "serve", "--workers", str(WORKERS), "--port", str(port)]
    command += ["--no-access-log", "--db", url]  # nginx logs requests in production; here it would only cost CPU
    with (WORK / "load-serve.log").open("wb") as output:
        server = subprocess.Popen(command, env=server_env(), stdout=output, stderr=output, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"le serveur s'est arrêté : voir {WORK / 'load-serve.log'}")
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("le serveur n'a pas démarré à temps")
            time.sleep(0.25)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def never_seen(rng: random.Random) -> Iterator[str]:
    """Questions that no one asked before in this run, each once: topic, situation and moment (14,000 of them)."""
    combinations = list(itertools.product(TEMPLATES, TOPICS, CONTEXTS, MOMENTS))
    rng.shuffle(combinations)
    for template, topic, context, moment in combinations:
        yield template.format(topic=topic, context=f"{context} {moment}")


def question_mix(rng: random.Random) -> Iterator[str]:
    """Endless questions: popular ones by Zipf's law, and one-off combinations of topic and situation."""
    weights = [1 / rank for rank in range(1, len(POPULAR) + 1)]
    while True:
        if rng.random() < ONE_OFF_SHARE:
            yield rng.choice(TEMPLATES).format(topic=rng.choice(TOPICS), context=rng.choice(CONTEXTS))
        else:
            yield rng.choices(POPULAR, weights)[0]


class KeepAliveConnection:
    """HTTP/1.1 with keep-alive for a few requests, then a new connection, as a visitor's browser does.

    Reconnecting matters with several workers: they share one listening socket and a connection stays with
    the worker that accepted it, so a handful of everlasting connections can pile onto one worker while the
    other idles (seen here: 8 connections split 8/0 or 7/1). Enough of HTTP for this server: responses carry
    Content-Length (uvicorn's JSON responses do).
    """

    def __init__(self, base: str) -> None:
        address = urlsplit(base)
        self.host, self.port = address.hostname or "127.0.0.1", address.port or 80
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.sent = 0

    async def request(
        self, method: str, target: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        """(status, body); a stalled server raises TimeoutError (an OSError) instead of hanging the run."""
        try:
            async with asyncio.timeout(REQUEST_TIMEOUT_S):
                return await self._exchange(method, target, body, headers)
        except (OSError, asyncio.IncompleteReadError):
            self.close()  # the next request starts on a new connection
            raise
        finally:
            self.sent += 1
            if self.sent % REQUESTS_PER_CONNECTION == 0:
                self.close()

    async def _exchange(
        self, method: str, target: str, body: bytes, headers: dict[str, str] | None
    ) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        lines = [f"{method} {target} HTTP/1.1", f"Host: {self.host}", f"Content-Length: {len(body)}"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        status = int((await self.reader.readline()).split()[1])
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def ask_for(base: str, seconds: float, questions: Iterator[str]) -> tuple[list[float], int, float]:
    """ASK_CONCURRENCY visitors asking one after the other; returns latencies (s), errors and elapsed time."""
    latencies: list[float] = []
    errors = 0
    stop = time.monotonic() + seconds

    async def user() -> None:
        nonlocal errors
        connection = KeepAliveConnection(base)
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                status, body = await connection.request("GET", "/api/ask?q=" + quote(next(questions)))
                ok = status == 200 and "results" in json.loads(body)
            except (OSError, ValueError, asyncio.IncompleteReadError):
                ok = False
            latencies.append(time.perf_counter() - started)
            errors += not ok
        connection.close()

    started = time.monotonic()
    await asyncio.gather(*(user() for _ in range(ASK_CONCURRENCY)))
    return latencies, errors, time.monotonic() - started


async def vote_all(base: str, entry_ids: list[str], rng: random.Random) -> tuple[int, int, int]:
    """Each visitor votes once on each of its entries; returns votes sent, "helpful" votes sent, errors."""
    sent = helpful_sent = errors = 0

    async def visitor() -> None:
        nonlocal sent, helpful_sent, errors
        connection = KeepAliveConnection(base)
        headers = {"Cookie": f"faqsante_visiteur={secrets.token_urlsafe(24)}", "Content-Type": "application/json"}
        for entry_id in rng.sample(entry_ids, VOTES_PER_CLIENT):
            helpful = rng.random() < 0.7
            body = json.dumps({"helpful": helpful}).encode()
            try:
                status, _ = await connection.request("POST", f"/api/entries/{entry_id}/feedback", body, headers)
                ok = status == 201
            except (OSError, asyncio.IncompleteReadError):
                ok = False
            sent += 1
            helpful_sent += helpful and ok
            errors += not ok
        connection.close()

    await asyncio.gather(*(visitor() for _ in range(VOTE_CLIENTS)))
    return sent, helpful_sent, errors


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


async def load(base: str, entry_ids: list[str]) -> dict[str, float | int]:
    rng = random.Random(7)
    questions = question_mix(rng)
    log(f"Échauffement : {WARMUP_SECONDS:.0f} s")
    await ask_for(base, WARMUP_SECONDS, questions)
    log(f"Questions : {ASK_SECONDS:.0f} s, {ASK_CONCURRENCY} visiteurs, {ONE_OFF_SHARE:.0%} de questions inédites")
    latencies, ask_errors, elapsed = await ask_for(base, ASK_SECONDS, questions)
    log(f"  {len(latencies)} réponses, p50 {percentile(latencies, 0.5) * 1000:.1f} ms, {ask_errors} erreurs")
    log(f"Questions jamais posées : {ASK_SECONDS:.0f} s, {ASK_CONCURRENCY} visiteurs, aucune aide du cache")
    unseen, unseen_errors, unseen_elapsed = await ask_for(base, ASK_SECONDS, never_seen(rng))
    log(f"  {len(unseen)} réponses, p50 {percentile(unseen, 0.5) * 1000:.1f} ms, {unseen_errors} erreurs")
    log(f"Votes : {VOTE_CLIENTS} visiteurs × {VOTES_PER_CLIENT} réponses")
    started = time.monotonic()
    sent, helpful_sent, vote_errors = await vote_all(base, entry_ids, rng)
    log(f"  {sent} votes en {time.monotonic() - started:.1f} s, {vote_errors} erreurs")
    return {
        "ask_rps": round(len(latencies) / elapsed, 1),
        "ask_p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "unseen_rps": round(len(unseen) / unseen_elapsed, 1),
        "unseen_p95_ms": round(percentile(unseen, 0.95) * 1000, 1),
        "errors": ask_errors + unseen_errors + vote_errors,
        "votes_sent": sent,
        "helpful_sent": helpful_sent,
    }


def main() -> int:
    stop_on_sigterm()
    WORK.mkdir(parents=True, exist_ok=True)
    try:
        return measure(create_database())
    finally:
        drop_database()


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def measure(url: str) -> int:
    log(f"Base {DATABASE} créée ; import de data/sample ; charge de la machine {load_average()}")
    subprocess.run(
        [sys.executable, "-m", "faqsante.cli", "ingest", str(ROOT / "data" / "sample"), "--db", url],
        env=server_env(),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    database = Database(url)
    with database.session() as session:
        entry_ids = list(session.scalars(select(Entry.id).where(Entry.status == "published")))
    with serve(url) as base:
        log(f"{WORKERS} workers prêts sur {base} ; charge de la machine {load_average()}")
        figures = asyncio.run(load(base, entry_ids))
    figures["load_average_1min_after"] = round(os.getloadavg()[0], 2)
    with database.session() as session:
        counted = session.scalar(select(func.count()).select_from(Feedback)) or 0
        helpful = session.scalar(select(func.count()).select_from(Feedback).where(Feedback.helpful.is_(True))) or 0
    database.dispose()
    helpful_sent = figures.pop("helpful_sent")
    if helpful != helpful_sent:
        log(f"Votes « utile » : {helpful_sent} envoyés, {helpful} en base")
        figures["errors"] += abs(helpful - helpful_sent)
    figures["votes_counted"] = counted
    met = (
        figures["ask_rps"] >= TARGETS["ask_rps"]
        and figures["ask_p95_ms"] <= TARGETS["ask_p95_ms"]
        and figures["errors"] == 0
        and counted == figures["votes_sent"] == VOTE_CLIENTS * VOTES_PER_CLIENT
    )
    log("Objectifs atteints" if met else f"Objectifs NON atteints : {TARGETS}, zéro erreur, chaque vote compté")
    print(json.dumps(figures))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
