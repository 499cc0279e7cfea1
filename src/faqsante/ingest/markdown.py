"""Markdown FAQs: a ``#`` heading names a section, a ``##`` (or ``###``) heading asks a question.

    ---                                 <- optional YAML front matter: ignored
    title: FAQ INS
    ---
    # Identitovigilance et INS          <- section of the questions below it
    Quelques mots d'introduction.       <- under no question: ignored
    ## Qu'est-ce que l'INS ?            <- a question
    L'INS est l'identité …              <- its answer, kept as Markdown, up to the next heading
    - [Le référentiel](https://…)

Deeper headings (``####``) and anything inside fenced code belong to the answer.
"""

from __future__ import annotations

import re
from pathlib import Path

from faqsante.errors import IngestError
from faqsante.ingest.base import ParsedEntry, Parser, register

HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
QUESTION_LEVELS = (2, 3)


def _front_matter_end(lines: list[str]) -> int:
    """Index of the first line after a ``---`` … ``---`` block opening the file, else 0."""
    if lines and lines[0].strip() == "---":
        for index, line in enumerate(lines[1:], start=1):
            if line.strip() in ("---", "..."):
                return index + 1
    return 0


@register
class MarkdownParser(Parser):
    name = "markdown"
    extensions = (".md", ".markdown")

    def parse(self, path: Path, text: str) -> list[ParsedEntry]:
        lines = text.splitlines()
        entries: list[ParsedEntry] = []
        section: str | None = None
        question: str | None = None
        question_line: int | None = None  # set while reading under a question heading
        answer: list[str] = []
        fence: str | None = None  # the ``` or ~~~ of the open code block

        def close_question() -> None:
            if question_line is None:
                return
            body = "\n".join(answer).strip()
            if not body:
                raise IngestError(path, f"la question « {question} » n'a pas de réponse", line=question_line)
            entries.append(
                ParsedEntry(answer=body, question=question, section=section, position=len(entries), line=question_line)
            )

        start = _front_matter_end(lines)
        for number, line in enumerate(lines[start:], start=start + 1):
            opening = FENCE.match(line)
            if opening and (fence is None or opening.group(1).startswith(fence)):
                fence = None if fence else opening.group(1)[:3]
            heading = None if fence or opening else HEADING.match(line)
            level = len(heading.group(1)) if heading else 0
            if heading is not None and (level == 1 or level in QUESTION_LEVELS):
                close_question()
                title = (heading.group(2) or "").strip() or None
                if level == 1:
                    section, question, question_line = title, None, None
                else:
                    question, question_line, answer = title, number, []
            elif question_line is not None:
                answer.append(line)
        close_question()

        if not entries:
            raise IngestError(path, "aucune question (## …) trouvée : chaque question doit être un titre de niveau 2")
        return entries
