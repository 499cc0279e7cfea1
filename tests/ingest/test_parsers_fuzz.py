"""Fuzzing the parsers: whatever a file holds, ingestion either returns every entry or says why.

Two properties, checked on generated inputs:
- robustness: any text or bytes, in any registered format, yields entries or an ``IngestError``,
  never another exception (a crash would abort an import with a stack trace instead of a French message);
- no loss: entries built at random and written the way their format writes them all come back, unchanged.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from faqsante.csv_cells import escape_formula
from faqsante.errors import IngestError
from faqsante.facets.taxonomy import load_taxonomy
from faqsante.ingest.base import PARSERS, ParsedEntry, parse_file
from faqsante.ingest.scraped_text import ScrapedTextParser

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEEDBACK_LINE = "Cette réponse vous a-t-elle été utile ?"
SOURCE = Path("fuzz.txt")

# Text that stresses parsers: markup, quotes, separators, line breaks of every kind, accents.
NASTY = st.lists(
    st.one_of(
        st.sampled_from(list("<>/\"'=&;,:|{}[]#*-•\t\r\n\u00a0\u2028\u0085 ")),
        st.sampled_from(
            [
                "<details>",
                "</details>",
                "<summary>",
                "<dl>",
                "<dt>",
                "<dd>",
                "<!--",
                "-->",
                "<script>",
                "</script>",
                '<script type="application/ld+json">',
                "<h2>",
                "</h2>",
                "## ",
                "**",
                "```",
                FEEDBACK_LINE,
                "\n\n",
                '{"answer": ',
                "question,answer\n",
            ]
        ),
        st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=20),
    ),
    max_size=40,
).map("".join)


def parse_or_refuse(parser_name: str, text: str) -> list[ParsedEntry] | None:
    """The entries, or None when the parser refused the text the way it should: with an IngestError."""
    try:
        entries = PARSERS[parser_name].parse(SOURCE, text)
    except IngestError:
        return None
    assert all(isinstance(entry.answer, str) and entry.answer.strip() for entry in entries)
    return entries


@pytest.mark.parametrize("parser_name", sorted(PARSERS))
@FUZZ
@given(text=NASTY)
def test_any_text_gives_entries_or_an_ingest_error(parser_name: str, text: str) -> None:
    parse_or_refuse(parser_name, text)


@pytest.mark.parametrize("suffix", [".txt", ".csv", ".json", ".jsonl", ".md", ".html", ".bin"])
@FUZZ
@given(data=st.binary(max_size=300) | NASTY.map(lambda text: text.encode("utf-8")))
def test_any_file_gives_a_source_or_an_ingest_error(suffix: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"faq{suffix}"
        path.write_bytes(data)
        try:
            parsed = parse_file(path)
        except IngestError as error:
            assert str(path) in str(error)  # the message names the file
        else:
            assert parsed.entries


# --- scraped text: every answer between two « utile ? » lines comes out ----------------------------

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèêàçôûœ", min_size=1, max_size=10)
SENTENCE = st.lists(WORD, min_size=1, max_size=12).map(lambda words: " ".join(words).capitalize() + ".")
ANSWER = st.lists(SENTENCE, min_size=1, max_size=4)  # paragraphs
HEADING = st.lists(WORD, min_size=1, max_size=4).map(lambda words: " ".join(words).capitalize())


@FUZZ
@given(
    answers=st.lists(st.tuples(st.none() | HEADING, ANSWER), min_size=1, max_size=12),
    blank_lines=st.booleans(),
    chrome=st.booleans(),
    trailing_widget=st.booleans(),
)
def test_scraped_text_keeps_every_answer_and_its_section(
    answers: list[tuple[str | None, list[str]]], blank_lines: bool, chrome: bool, trailing_widget: bool
) -> None:
    gap = "\n\n" if blank_lines else "\n"
    blocks = []
    for heading, paragraphs in answers:
        blocks.append(gap.join(([heading] if heading else []) + paragraphs))
    text = f"\n{FEEDBACK_LINE}\n".join(blocks) + (f"\n{FEEDBACK_LINE}\n" if trailing_widget else "\n")
    if chrome:
        text = "Accueil > FAQ\nFAQ\nVotre question concerne quel produit ?\n" + text

    entries = ScrapedTextParser().parse(SOURCE, text)

    assert [entry.answer for entry in entries] == ["\n\n".join(paragraphs) for _, paragraphs in answers]
    expected_sections, section = [], None
    for heading, _ in answers:
        section = heading or section  # a section runs until the next heading
        expected_sections.append(section)
    assert [entry.section for entry in entries] == expected_sections


# --- records: CSV, JSON and JSONL round-trip what they are given ------------------------------------

CELL = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"], exclude_characters="\x00"), max_size=60)
FILLED = CELL.filter(lambda text: text.strip())
VALUE = st.text(st.characters(codec="utf-8", categories=["L", "N"]), min_size=1, max_size=12)
RECORD = st.fixed_dictionaries(
    {"answer": FILLED},
    optional={
        "question": CELL,
        "section": CELL,
        "id": st.text(alphabet="0123456789abcdef", min_size=4, max_size=12),
        "status": st.sampled_from(["published", "archived", "publié", "Archivée"]),
    },
)
JSON_RECORD = st.builds(
    lambda record, sources, facets: {**record, "sources": sources, "facets": facets},
    RECORD,
    st.lists(VALUE, max_size=3, unique=True),
    st.dictionaries(
        st.sampled_from(list(load_taxonomy().facets)), st.lists(VALUE, min_size=1, max_size=3, unique=True), max_size=2
    ),
)


def expected_text(value: str | None) -> str | None:
    """How a cell reads back: line endings unified, surrounding blanks trimmed, blank means absent."""
    if value is None:
        return None
    return value.replace("\r\n", "\n").replace("\r", "\n").strip() or None


def assert_round_trip(records: list[dict], entries: list[ParsedEntry]) -> None:
    assert len(entries) == len(records)
    for record, entry in zip(records, entries, strict=True):
        assert entry.answer == expected_text(record["answer"])
        assert entry.question == expected_text(record.get("question"))
        assert entry.section == expected_text(record.get("section"))
        assert entry.id == record.get("id")
        assert entry.status == ("archived" if record.get("status", "").lower().startswith("archiv") else "published")
        assert entry.sources == tuple(record.get("sources", ()))
        assert entry.facets == {facet: tuple(values) for facet, values in record.get("facets", {}).items()}


@FUZZ
@given(records=st.lists(RECORD, min_size=1, max_size=8), delimiter=st.sampled_from([",", ";", "\t"]))
def test_csv_round_trips_random_records(records: list[dict], delimiter: str) -> None:
    columns = ["id", "question", "answer", "section", "status"]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, delimiter=delimiter, quoting=csv.QUOTE_ALL)
    writer.writeheader()
    writer.writerows({column: escape_formula(value) for column, value in record.items()} for record in records)
    assert_round_trip(records, PARSERS["csv"].parse(Path("fuzz.csv"), buffer.getvalue()))


@FUZZ
@given(records=st.lists(JSON_RECORD, min_size=1, max_size=8), indent=st.none() | st.just(2))
def test_json_round_trips_random_records(records: list[dict], indent: int | None) -> None:
    text = json.dumps(records, ensure_ascii=False, indent=indent)
    assert_round_trip(records, PARSERS["json"].parse(Path("fuzz.json"), text))


@FUZZ
@given(records=st.lists(JSON_RECORD, min_size=1, max_size=8))
def test_jsonl_round_trips_random_records(records: list[dict]) -> None:
    text = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    assert_round_trip(records, PARSERS["jsonl"].parse(Path("fuzz.jsonl"), text))


# --- hostile shapes and sizes: deep nesting, huge numbers, surrogates, NUL, long names (issue #11.6) ----

HOSTILE_VALUE = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40),  # any Unicode, NUL included
    st.integers(min_value=1, max_value=6_000).map(lambda digits: f"@@{digits}@@"),  # a number of that many digits
    st.sampled_from(["\ud800", "R\udfff.", "a\x00b", "x" * 300, "../../../etc/passwd", "'=HYPERLINK(1)"]),
    st.recursive(st.none() | st.booleans(), lambda inner: st.lists(inner, max_size=2), max_leaves=4),
)
HOSTILE_RECORD = st.dictionaries(
    st.sampled_from(["question", "answer", "section", "id", "sources", "status", "produit", "facets"]),
    HOSTILE_VALUE,
    max_size=6,
)


def _json_text(records: list[dict], depth: int) -> str:
    """The records as JSON with ``surrogatepass``-safe escapes; ``depth`` extra brackets around them."""
    text = json.dumps(records, ensure_ascii=True, default=str)
    return "[" * depth + text + "]" * depth if depth else text


@pytest.mark.parametrize("suffix", [".json", ".jsonl", ".csv", ".html", ".md", ".txt"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=st.lists(HOSTILE_RECORD, min_size=1, max_size=4), depth=st.sampled_from([0, 0, 3, 5_000]))
def test_hostile_records_give_checked_entries_or_a_named_error(suffix: str, records: list[dict], depth: int) -> None:
    if suffix == ".jsonl":
        text = "".join(json.dumps(record, ensure_ascii=True, default=str) + "\n" for record in records)
    elif suffix == ".csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=sorted({key for record in records for key in record} | {"answer"}))
        writer.writeheader()
        writer.writerows({key: str(value) for key, value in record.items()} for record in records)
        text = buffer.getvalue()
    elif suffix == ".html":
        body = json.dumps(
            [
                {"@type": "Question", "name": str(r.get("question")), "acceptedAnswer": {"text": str(r.get("answer"))}}
                for r in records
            ]
        )
        text = f'<html><body><script type="application/ld+json">{"[" * depth}{body}{"]" * depth}</script></body></html>'
    elif suffix == ".md":
        text = "".join(f"# {r.get('section')}\n## {r.get('question')}\n{r.get('answer')}\n" for r in records)
    elif suffix == ".txt":
        text = "".join(f"{r.get('answer')}\n{FEEDBACK_LINE}\n" for r in records)
    else:
        text = _json_text(records, depth)
    # "@@5000@@" becomes a bare 5,000-digit number in JSON, its digits elsewhere.
    text = re.sub(r'"?@@(\d+)@@"?', lambda match: "9" * int(match.group(1)), text)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"hostile{suffix}"
        path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
        try:
            parsed = parse_file(path)
        except IngestError as error:
            assert str(path) in str(error)
            return
    for entry in parsed.entries:  # what passes is storable as is on SQLite and PostgreSQL alike
        for value in (entry.answer, entry.question, entry.section, entry.id, *entry.sources):
            assert value is None or ("\x00" not in value and not any("\ud800" <= c <= "\udfff" for c in value))
        assert entry.section is None or len(entry.section) <= 255
        assert entry.id is None or (len(entry.id) <= 32 and "/" not in entry.id and "." not in entry.id)
