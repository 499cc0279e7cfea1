"""What a visitor is told about an answer the content-health report flags: a date now past, a lost link.

The same checks as ``faqsante lint`` (``health/lint.py``), worded for readers, one notice per finding:
# {"kind": "stale", "message": "Cette réponse annonce une échéance aujourd'hui passée : « d'ici la fin de
#  l'année 2022 » (31/12/2022). Certaines informations ne sont peut-être plus à jour."}
Only the kinds a reader can act on are shown; duplicates or missing questions are the editors' business.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date

from faqsante.health.lint import lint_documents
from faqsante.search.corpus import Document

# kind -> (prefix the editors' detail starts with, what a reader is told; {detail} is the rest)
VISITOR_NOTICES = {
    "stale": (
        "échéance passée : ",
        "Cette réponse annonce une échéance aujourd'hui passée : {detail}. "
        "Certaines informations ne sont peut-être plus à jour.",
    ),
    "dangling-reference": (
        "",
        "Un lien ou un document annoncé dans cette réponse est introuvable ({detail}).",
    ),
}


@dataclass(frozen=True)
class Notice:
    kind: str  # as in `faqsante lint`
    message: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


def entry_notices(
    entry_id: str,
    question: str | None,
    answer: str,
    section: str | None,
    sources: Sequence[str] = (),
    *,
    today: date | None = None,
) -> list[Notice]:
    """The notices of one entry: empty when the report flags nothing a reader should know."""
    document = Document(id=entry_id, question=question, answer=answer, section=section, sources=tuple(sources))
    notices = []
    for finding in lint_documents([document], today=today, kinds=list(VISITOR_NOTICES)):
        prefix, message = VISITOR_NOTICES[finding.kind]
        notices.append(Notice(finding.kind, message.format(detail=finding.detail.removeprefix(prefix))))
    return notices
