"""The answer model every channel renders: CLI ``ask --json``, ``/api/ask`` and the portal."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from faqsante.urls import answer_path


@dataclass(frozen=True)
class Span:
    """A passage of an answer, by character offsets: ``answer[start:end]``."""

    start: int
    end: int


@dataclass(frozen=True)
class Hit:
    """One FAQ entry proposed for a question."""

    id: str
    question: str | None
    answer: str
    section: str | None
    sources: list[str]
    score: float  # the fused ranking score: orders results within one query only
    confidence: float  # calibrated in [0, 1]: the estimated chance this entry answers the question
    title: str = ""  # as every channel shows it: content.title_book.shown_titles
    url: str = field(init=False)  # its permalink, from its id and title: faqsante.urls.answer_path
    spans: list[Span] = field(default_factory=list)  # the passages that answer the question, best first
    facets: dict[str, list[str]] = field(default_factory=dict)  # its filter values: {"produit": ["e_cps", "psc"]}

    def __post_init__(self) -> None:
        object.__setattr__(self, "url", answer_path(self.id, self.title))


@dataclass(frozen=True)
class AskResult:
    """The ranked entries for a question, and whether none is good enough to be offered as the answer."""

    query: str
    abstained: bool
    results: list[Hit] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        # {"query": "...", "abstained": false, "results": [{"id", "question", "answer", "section",
        #  "sources", "score", "confidence", "title", "url", "spans": [{"start": 5, "end": 25}, ...]}, ...]}
        return {
            "query": self.query,
            "abstained": self.abstained,
            "results": [asdict(hit) for hit in self.results],
        }
