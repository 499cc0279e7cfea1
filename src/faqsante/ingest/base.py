"""What every parser produces, and the registry that picks a parser for a file.

Each input format is one ``Parser`` subclass in its own module, registered with ``@register``:
adding a format touches one new file.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import ClassVar

from faqsante.config import DEFAULT_INGEST_MAX_MB
from faqsante.errors import IngestError, InvalidInput
from faqsante.ingest.checks import check_entry, check_source_name
from faqsante.store.models import MAX_PAGE_TITLE_LENGTH
from faqsante.text import fold_for_comparison
from faqsante.urls import web_address


@dataclass(frozen=True)
class ParsedEntry:
    """One FAQ entry as a source gives it, before it meets the database."""

    answer: str
    question: str | None = None
    section: str | None = None
    position: int = 0
    line: int | None = None
    # Only exports carry these: they let an export restore ids, sources and statuses exactly.
    id: str | None = None
    sources: tuple[str, ...] = ()
    status: str = "published"
    facets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    questions: tuple[str, ...] = ()  # other accepted ways of asking it (faqsante.store.questions)
    review_at: date | None = None  # the desk's review date and owner (faqsante.editing.review), kept by an export
    owner: str | None = None

    @property
    def content_key(self) -> str:
        """What makes two entries "the same": their folded question and answer text."""
        return content_hash(self.question, self.answer)


@dataclass(frozen=True)
class PageInfo:
    """What a dump says of the page it was taken from, for visitors to read when no editor named the source.

    # PageInfo(title="Foire aux questions | esante.gouv.fr", url="https://esante.gouv.fr/faq")
    """

    title: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class ParsedSource:
    """One file's entries. ``name`` identifies the source across imports: its path relative to the folder
    given to ``ingest`` (``ans/faq.csv``), or its file name when it was named directly."""

    name: str
    origin: str
    parser: str
    checksum: str
    entries: list[ParsedEntry]
    page: PageInfo = PageInfo()


def content_hash(question: str | None, answer: str) -> str:
    folded = fold_for_comparison(question or "") + "\n" + fold_for_comparison(answer)
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def checked_page(page: PageInfo) -> PageInfo:
    """A title cut to its column (255) on a word; an address kept only when it is a web page's (``faqsante.urls``)."""
    printable = "".join(char if char.isprintable() else " " for char in page.title or "")  # no NUL, no surrogate
    title = " ".join(printable.split()) or None
    if title and len(title) > MAX_PAGE_TITLE_LENGTH:
        title = title[: MAX_PAGE_TITLE_LENGTH - 1].rsplit(" ", 1)[0] + "…"
    try:
        url = web_address(page.url)
    except InvalidInput:  # a relative or broken canonical link: no address rather than a wrong one
        url = None
    return PageInfo(title, url)


def clean_line(line: str) -> str:
    """Non-breaking and runs of spaces become one space; trailing spaces go."""
    return re.sub(r"[ \t\u00a0\u202f]+", " ", line).strip()


class Parser:
    """Turns the text of one file into entries. ``detect`` sees the name and the first kilobytes."""

    name: ClassVar[str]
    extensions: ClassVar[tuple[str, ...]] = ()

    def detect(self, path: Path, head: str) -> bool:
        return path.suffix.lower() in self.extensions

    def parse(self, path: Path, text: str) -> list[ParsedEntry]:
        raise NotImplementedError

    def page(self, text: str) -> PageInfo:
        """The page's title and address, when the format carries them (HTML does; a CSV does not)."""
        return PageInfo()


PARSERS: dict[str, Parser] = {}


def register(cls: type[Parser]) -> type[Parser]:
    PARSERS[cls.name] = cls()
    return cls


def decode(path: Path, data: bytes) -> str:
    """Bytes to text, refusing what is not text: a binary file is an error, not an empty FAQ."""
    if b"\x00" in data[:8192]:
        raise IngestError(path, "fichier binaire : ce n'est pas un fichier texte, HTML, CSV, JSON ou Markdown")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1252", errors="replace")
    if sum(not (c.isprintable() or c.isspace()) for c in text) > len(text) // 100:
        raise IngestError(path, "fichier binaire ou d'encodage inconnu (ni UTF-8 ni Windows-1252)")
    return text


def read_limited(path: Path, max_mb: float = DEFAULT_INGEST_MAX_MB) -> bytes:
    """A file's bytes, or an ``IngestError`` when it cannot be read or is above ``max_mb``.

    A bigger file is refused after reading one byte past the limit, never whole: a 50 MB answer would tie up
    tagging and indexing for minutes (issue #11.10), a 200 MB question history took 1.1 GB (#19.9).
    """
    limit = int(max_mb * 1_000_000)
    try:
        with path.open("rb") as stream:
            data = stream.read(limit + 1)
    except OSError as exc:
        raise IngestError(path, f"lecture impossible ({exc.strerror})") from exc
    if len(data) > limit:
        raise IngestError(
            path, f"fichier trop volumineux (plus de {max_mb:g} Mo ; limite réglable par FAQSANTE_INGEST_MAX_MB)"
        )
    return data


def choose_parser(path: Path, text: str, format: str | None = None) -> Parser:
    if format:
        try:
            return PARSERS[format]
        except KeyError:
            known = ", ".join(sorted(PARSERS))
            raise IngestError(path, f"format inconnu « {format} » (formats connus : {known})") from None
    head = text[:4096]
    for parser in PARSERS.values():
        if parser.detect(path, head):
            return parser
    raise IngestError(path, "format non reconnu ; précisez-le avec --format")


def parse_file(
    path: Path, format: str | None = None, *, name: str | None = None, max_mb: float = DEFAULT_INGEST_MAX_MB
) -> ParsedSource:
    """Read and parse one file; every failure is an ``IngestError`` naming the file."""
    data = read_limited(path, max_mb)
    text = decode(path, data)
    parser = choose_parser(path, text, format)
    try:
        entries = parser.parse(path, text)
    except RecursionError:  # a safety net: parsers refuse deep nesting themselves, with a line when they can
        raise IngestError(path, f"structure trop imbriquée pour être lue (format {parser.name})") from None
    if not entries:
        raise IngestError(path, f"aucune entrée de FAQ trouvée (format {parser.name})")
    for entry in entries:
        check_entry(path, entry)
    source_name = name or path.name
    check_source_name(path, source_name)
    return ParsedSource(
        name=source_name,
        origin=str(path.resolve()),
        parser=parser.name,
        checksum=hashlib.sha256(data).hexdigest(),
        entries=entries,
        page=checked_page(parser.page(text)),
    )
