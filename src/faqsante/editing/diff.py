"""What changed between two versions of an entry, word by word, as escaped HTML.

# word_diff("conserve les messages 3 mois", "conserve les messages 6 mois")
# -> 'conserve les messages <del>3</del><ins>6</ins> mois'
Answers are prose: a line-based diff would mark a whole paragraph for one changed word.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from markupsafe import Markup, escape

_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")
FIELD_LABELS = {"question": "Question", "answer": "Réponse", "section": "Rubrique", "status": "Statut"}
STATUS_LABELS = {"published": "publiée", "archived": "archivée", "draft": "brouillon"}


class Version(Protocol):
    """What a diff reads of a revision; read-only, so frozen dataclasses and ORM rows both fit."""

    @property
    def question(self) -> str | None: ...
    @property
    def answer(self) -> str: ...
    @property
    def section(self) -> str | None: ...
    @property
    def status(self) -> str: ...


@dataclass(frozen=True)
class FieldDiff:
    field: str
    label: str
    html: Markup


def word_diff(old: str, new: str) -> Markup:
    """``new`` with the words removed from ``old`` in <del> and the words added in <ins>, all text escaped."""
    before, after = _TOKENS.findall(old), _TOKENS.findall(new)
    parts: list[Markup] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for operation, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        removed, added = "".join(before[a_start:a_end]), "".join(after[b_start:b_end])
        if operation == "equal":
            parts.append(escape(added))
            continue
        if removed:
            parts.append(Markup("<del>{}</del>").format(removed))
        if added:
            parts.append(Markup("<ins>{}</ins>").format(added))
    return Markup("").join(parts)


def version_diff(previous: Version | None, current: Version) -> list[FieldDiff]:
    """The fields that differ between two versions (everything, for a first version)."""
    diffs = []
    for name, label in FIELD_LABELS.items():
        old = _shown(name, getattr(previous, name)) if previous is not None else ""
        new = _shown(name, getattr(current, name))
        if old != new:
            diffs.append(FieldDiff(name, label, word_diff(old, new)))
    return diffs


def history(versions: Sequence[Version]) -> list[list[FieldDiff]]:
    """For each version, what it changed from the one before."""
    return [version_diff(versions[i - 1] if i else None, version) for i, version in enumerate(versions)]


def _shown(name: str, value: str | None) -> str:
    if name == "status":
        return STATUS_LABELS.get(value or "", value or "")
    return value or ""
