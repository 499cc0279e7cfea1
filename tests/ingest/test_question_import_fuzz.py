"""Fuzzing ``faqsante questions import``: whatever a file holds, in any format, the command imports it or says
why in French (exit code 1), never with a traceback (#19.9).

Files are built from pieces that stress the readers (brackets, quotes, separators, long numbers, escaped
surrogates, NUL) as well as from arbitrary bytes, and imported for real into one SQLite database.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from faqsante.cli import app
from faqsante.ingest import ingest_paths
from faqsante.ingest.question_history import FORMATS
from faqsante.store import Database

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
PIECES = st.one_of(
    st.sampled_from(list('[]{}",;:\t\r\n\\\x00 ')),
    st.sampled_from(
        [
            '{"q": ',
            '"keys": [',
            '"entry_id": ',
            "q;entry_id;keys\n",
            "question,keys\n",
            '"\\ud800"',
            '"\\udfff"',
            "9" * 5000,
            "[" * 3000,
            '"e"',
            '"sample"',
            "null",
            "true",
            "-1e999",
        ]
    ),
    st.text(st.characters(codec="utf-8"), max_size=20),
)
TEXTS = st.lists(PIECES, max_size=30).map("".join)


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("fuzz")
    url = f"sqlite:///{folder / 'faqsante.db'}"
    source = folder / "faq.json"
    source.write_text(json.dumps([{"id": "sample", "answer": "Une réponse de l'échantillon, assez longue."}]))
    db = Database(url)
    ingest_paths(db, [source])
    db.dispose()
    yield url


def import_says_why(url: str, name: str, data: bytes, format: str | None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        arguments = ["questions", "import", str(path), "--db", url, "--json", *(["--format", format] if format else [])]
        result = CliRunner().invoke(app, arguments)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1), result.output
    if result.exit_code == 0:
        json.loads(result.stdout)  # the report
    else:
        assert "Traceback" not in result.output and result.output.strip()


@pytest.mark.parametrize("format", FORMATS)
@FUZZ
@given(text=TEXTS)
def test_any_text_is_imported_or_refused_in_french(database: str, format: str, text: str) -> None:
    import_says_why(database, f"history.{format}", text.encode("utf-8", "surrogatepass"), format)


@FUZZ
@given(data=st.binary(max_size=300), suffix=st.sampled_from(["json", "jsonl", "csv", "txt"]))
def test_any_bytes_are_imported_or_refused_in_french(database: str, data: bytes, suffix: str) -> None:
    import_says_why(database, f"history.{suffix}", data, None)


@FUZZ
@given(
    record=st.dictionaries(
        st.sampled_from(["q", "question", "entry_id", "keys"]),
        st.one_of(
            st.text(st.characters(codec="utf-8"), max_size=30),
            st.text(st.characters(), max_size=30),  # lone surrogates included
            st.lists(st.text(st.characters(), max_size=30), max_size=4),
            st.integers(),
            st.none(),
            st.booleans(),
        ),
    ),
    format=st.sampled_from(["json", "jsonl"]),
)
def test_any_record_is_imported_or_refused_in_french(database: str, record: dict[str, object], format: str) -> None:
    line = json.dumps(record)  # escapes surrogates as \udxxx, as a hostile file would
    import_says_why(database, f"history.{format}", (f"[{line}]" if format == "json" else line).encode(), format)
