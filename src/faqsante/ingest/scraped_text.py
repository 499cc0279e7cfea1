"""Scraped FAQ pages saved as plain text: answers separated by the « utile ? » widget line.

What a dump looks like (see data/sample/):

    Accueil > FAQ                                   <- breadcrumb: page chrome, its last crumb the page's title
    Votre question concerne quel type d'offre ?     <- the five filter prompts: page chrome
    Mon espace santé                                <- a section heading, before its first answer
    Mon Espace Santé est ouvert à l'ensemble …      <- the answer: paragraphs, bullet lists
    Cette réponse vous a-t-elle été utile ?         <- end of one answer: page chrome
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from faqsante.ingest.base import PageInfo, ParsedEntry, Parser, clean_line, register

FEEDBACK_PROMPT = re.compile(r"^cette r[ée]ponse vous a-t-elle [ée]t[ée] utile\s*\?", re.IGNORECASE)
CHROME = [
    FEEDBACK_PROMPT,
    re.compile(r"^votre question concerne (quel|quelle)\b.*\?$", re.IGNORECASE),  # filter prompts
    re.compile(r"^accueil\s*>", re.IGNORECASE),  # breadcrumb
]
BREADCRUMB = CHROME[2]
PAGE_TITLE = re.compile(r"^(FAQ|Foire aux questions)$", re.IGNORECASE)
BULLET = re.compile(r"^\s*([-•*▪◦–]|\d+[.)])\s*")
HEADING_MAX_WORDS = 8


def is_bullet(line: str) -> bool:
    return bool(BULLET.match(line))


def looks_like_heading(line: str) -> bool:
    """A short label without sentence punctuation: "Identitovigilance et INS", "Financements Ségur SONS"."""
    return (
        len(line.split()) <= HEADING_MAX_WORDS
        and not re.search(r"[.:,;?!=«»\"]", line)
        and not is_bullet(line)
        and line[:1].isupper()
    )


@dataclass
class _Draft:
    """The answer being read: paragraphs, each a list of lines."""

    line: int | None = None
    paragraphs: list[list[str]] = field(default_factory=list)

    def add(self, line: str, line_number: int, new_paragraph: bool) -> None:
        if self.line is None:
            self.line = line_number
        if new_paragraph or not self.paragraphs:
            self.paragraphs.append([line])
        else:
            self.paragraphs[-1].append(line)

    @property
    def empty(self) -> bool:
        return not self.paragraphs

    def text(self) -> str:
        return "\n\n".join("\n".join(lines) for lines in self.paragraphs)


@register
class ScrapedTextParser(Parser):
    name = "scraped-text"
    extensions = (".txt", ".text")

    def parse(self, path: Path, text: str) -> list[ParsedEntry]:
        lines = [clean_line(raw) for raw in text.splitlines()]
        # Two shapes exist: blank lines between paragraphs, or one line per paragraph with no blank line.
        blank_separated = any(not line for line in lines[1:-1])
        entries: list[ParsedEntry] = []
        section: str | None = None
        draft = _Draft()
        after_blank = True
        seen_content = False

        for index, line in enumerate(lines):
            number = index + 1
            if not line:
                after_blank = True
                continue
            if FEEDBACK_PROMPT.match(line):
                if not draft.empty:
                    entries.append(self._entry(draft, section, len(entries)))
                draft = _Draft()
                after_blank = True
                continue
            if any(pattern.match(line) for pattern in CHROME) or (not seen_content and PAGE_TITLE.match(line)):
                continue
            if draft.empty and after_blank and looks_like_heading(line) and self._starts_section(lines, index):
                section = line
                continue
            seen_content = True
            if blank_separated:
                new_paragraph = after_blank
            else:
                previous = draft.paragraphs[-1][-1] if draft.paragraphs else ""
                new_paragraph = not (is_bullet(line) and (is_bullet(previous) or previous.endswith(":")))
            draft.add(line, number, new_paragraph)
            after_blank = False

        if not draft.empty:  # a last answer the scrape cut before its widget: keep it, never lose text
            entries.append(self._entry(draft, section, len(entries)))
        return entries

    def page(self, text: str) -> PageInfo:
        """The title a dump carries before its first answer: a breadcrumb's last crumb, else a « FAQ » line.
        Scraped text keeps no address.

        # "Accueil > FAQ\n\nFAQ\n\nMon espace santé\n…"  ->  PageInfo(title="FAQ")
        """
        title = None
        for raw in text.splitlines():
            line = clean_line(raw)
            if BREADCRUMB.match(line):
                title = title or line.rsplit(">", 1)[-1].strip() or None
            elif PAGE_TITLE.match(line):
                title = title or line
            elif line and not any(pattern.match(line) for pattern in CHROME):
                break  # the content begins: what follows belongs to the answers
        return PageInfo(title)

    @staticmethod
    def _starts_section(lines: list[str], index: int) -> bool:
        """A heading is followed by an answer; a one-line answer is followed by the widget line."""
        for following in lines[index + 1 :]:
            if following:
                return not FEEDBACK_PROMPT.match(following)
        return False

    @staticmethod
    def _entry(draft: _Draft, section: str | None, position: int) -> ParsedEntry:
        return ParsedEntry(answer=draft.text(), section=section, position=position, line=draft.line)
