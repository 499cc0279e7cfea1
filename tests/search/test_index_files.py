"""Built indexes saved under index_dir: reused for the same content, code and libraries, rebuilt otherwise."""

import contextlib
import threading

import numpy as np

from faqsante.analysis import FrenchAnalyzer
from faqsante.config import Settings
from faqsante.search import SearchEngine
from faqsante.search import engine as engine_module
from faqsante.search.fitting import fit_calibration
from faqsante.search.index_files import IndexFiles
from faqsante.search.lexical import LexicalIndex
from faqsante.search.retrievers.lexical import analysed_index
from faqsante.search.settings import DEFAULT
from faqsante.store.db import bump_data_version
from faqsante.store.models import Entry


def engine_for(db, index_dir) -> SearchEngine:  # type: ignore[no-untyped-def]
    return SearchEngine(
        db, Settings().model_copy(update={"db_url": db.url, "embedder": "none", "index_dir": index_dir})
    )


def test_a_second_process_loads_the_analysis_instead_of_redoing_it(seed_db, tmp_path, monkeypatch):
    expected = engine_for(seed_db, tmp_path).ask("durée de session Pro Santé Connect")
    assert list(tmp_path.glob("lexical-answers-*.npz")) and list(tmp_path.glob("calibration-none-*.json"))
    assert not list(tmp_path.glob("*.pickle"))
    monkeypatch.setattr(
        LexicalIndex,
        "build",
        classmethod(lambda cls, *args, **kwargs: (_ for _ in ()).throw(AssertionError("analysed again"))),
    )
    again = engine_for(seed_db, tmp_path).ask("durée de session Pro Santé Connect")
    assert [hit.id for hit in again.results] == [hit.id for hit in expected.results]
    assert [hit.confidence for hit in again.results] == [hit.confidence for hit in expected.results]


def test_new_content_is_analysed_again(fresh_seed_db, tmp_path):
    engine = engine_for(fresh_seed_db, tmp_path)
    engine.refresh()
    with fresh_seed_db.session() as session:
        session.add(Entry(id="new", answer="Le quokka est un petit marsupial d'Australie.", content_hash="new"))
        bump_data_version(session)
    assert engine.refresh()
    assert engine.ask("quokka").results[0].id == "new"


def test_an_unreadable_file_is_rebuilt(tmp_path):
    files = IndexFiles(tmp_path)
    files.save_arrays("lexical", "k", {"a": np.arange(3)})
    (tmp_path / "lexical-k.npz").write_bytes(b"truncated")
    assert files.load_arrays("lexical", "k") is None
    files.save_json("calibration", "k", {"threshold": 0.5})
    (tmp_path / "calibration-k.json").write_text("{", encoding="utf-8")
    assert files.load_json("calibration", "k") is None
    files.save_array("vectors-m", "k", np.ones((2, 3), dtype=np.float32))
    assert files.load_array("vectors-m", "k").shape == (2, 3)
    assert files.load_array("vectors-m", "other") is None


def test_only_the_most_recent_files_of_a_kind_are_kept(tmp_path):
    files = IndexFiles(tmp_path)
    for number in range(12):
        files.save_json("calibration", f"k{number}", number)
    files.save_json("calibration-other", "k", 0)
    assert len(list(tmp_path.glob("calibration-k*.json"))) == 8
    assert files.load_json("calibration", "k11") == 11 and files.load_json("calibration-other", "k") == 0


def test_workers_starting_together_fit_the_calibration_once(seed_db, tmp_path, monkeypatch):
    """Both fit at once without the lock (they meet at the barrier); with it, the second waits and loads."""
    both_fitting = threading.Barrier(2, timeout=3)
    fits = []

    def fit(*args, **kwargs):  # type: ignore[no-untyped-def]
        fits.append(threading.current_thread().name)
        with contextlib.suppress(threading.BrokenBarrierError):
            both_fitting.wait()
        return fit_calibration(*args, **kwargs)

    monkeypatch.setattr(engine_module, "fit_calibration", fit)
    engines = [engine_for(seed_db, tmp_path) for _ in range(2)]
    threads = [threading.Thread(target=engine.refresh, name=f"worker-{n}") for n, engine in enumerate(engines)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(fits) == 1
    assert engines[0].calibration == engines[1].calibration
    assert len(list(tmp_path.glob("calibration-none-*.json"))) == 1


def test_workers_starting_together_analyse_the_texts_once(tmp_path, monkeypatch):
    both_building = threading.Barrier(2, timeout=3)
    built = []
    real_build = LexicalIndex.build.__func__

    def build(cls, *args, **kwargs):  # type: ignore[no-untyped-def]
        built.append(threading.current_thread().name)
        with contextlib.suppress(threading.BrokenBarrierError):
            both_building.wait()
        return real_build(cls, *args, **kwargs)

    monkeypatch.setattr(LexicalIndex, "build", classmethod(build))
    texts = ["La e-CPS fonctionne immédiatement.", "TéléO est compatible avec Firefox."]
    indexes = []

    def analyse() -> None:
        indexes.append(analysed_index("lexical-answers", texts, FrenchAnalyzer(), IndexFiles(tmp_path), DEFAULT))

    threads = [threading.Thread(target=analyse, name=f"worker-{n}") for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(built) == 1 and len(indexes) == 2
    assert indexes[0].vocabulary == indexes[1].vocabulary
