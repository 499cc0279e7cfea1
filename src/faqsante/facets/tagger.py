"""Automatic multi-label tagging: which facet values an entry has, each with a confidence in [0, 1].

Evidence for a value, combined as independent clues (noisy-or, 1 - Π(1 - c)):
- the entry's section heading names it (alias or keyword)          SECTION   « Identitovigilance et INS »
- an alias in the question or answer, per occurrence               ALIAS     « téléservice INSi »
  (named once, after the opening of the answer, it is a passing mention: PASSING, not enough alone)
- a keyword, per occurrence (two are needed to reach ACCEPT)        KEYWORD   « traits stricts », « NIR »
- the entry's vector is unusually close to the value's description SEMANTIC  (corroborates one keyword)
- an accepted value implies it, at IMPLIED × its confidence       « SUN-ES » -> couloir Hôpital
A facet with a ``contexte`` (couloirs: Ségur only) ignores text clues unless the entry mentions the context.
An entry left with no produit and no thematique gets thematique « Général / Autre » at ACCEPT.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from faqsante.facets.matching import FoldedText
from faqsante.facets.semantic import SemanticScores
from faqsante.facets.taxonomy import FALLBACK_VALUE, TOPIC_FACETS, Taxonomy
from faqsante.search.corpus import Document


@dataclass(frozen=True)
class TaggerSettings:
    """Weights of each clue; one place to read and tune them (measured with ``faqsante facets --evaluate``)."""

    section: float = 0.95
    alias: float = 0.8
    passing: float = 0.45  # one alias, outside the question and the first LEAD_CHARS of the answer
    lead_chars: int = 250  # FAQ answers name their subject early; later names are often examples or asides
    keyword: float = 0.25  # three occurrences, or one confirmed by semantic similarity, reach ACCEPT
    semantic: float = 0.35
    semantic_min_z: float = 2.0  # standard deviations above the corpus mean similarity to the description
    semantic_max_rank: int = 2  # the value must be among the N closest of its facet
    implied: float = 0.85
    max_implication_depth: int = 3  # Medimail -> MSSanté -> messagerie
    accept: float = 0.5


@dataclass(frozen=True)
class Tag:
    facet: str
    value: str
    confidence: float


class Tagger:
    """Stateless apart from the taxonomy and the optional semantic scores of the documents it will tag."""

    def __init__(
        self,
        taxonomy: Taxonomy,
        semantic: SemanticScores | None = None,
        settings: TaggerSettings | None = None,
    ) -> None:
        self.taxonomy = taxonomy
        self.semantic = semantic
        self.settings = settings or TaggerSettings()

    def tag_all(self, documents: list[Document]) -> dict[str, list[Tag]]:
        """Accepted tags of every document; ``documents`` must be in the order the semantic scores were made."""
        return {doc.id: self.tag(doc, row) for row, doc in enumerate(documents)}

    def tag(self, doc: Document, row: int | None = None) -> list[Tag]:
        """Accepted tags of one entry, by facet order then decreasing confidence."""
        clues = self._text_clues(doc, row)
        confidence = {pair: _noisy_or(values) for pair, values in clues.items()}
        self._add_implications(clues, confidence)
        accepted = {pair: c for pair, c in confidence.items() if c >= self.settings.accept}
        if not any(facet in TOPIC_FACETS for facet, _ in accepted):
            accepted[("thematique", FALLBACK_VALUE)] = self.settings.accept
        order = {facet.key: index for index, facet in enumerate(self.taxonomy)}
        return [
            Tag(facet, value, round(c, 3))
            for (facet, value), c in sorted(accepted.items(), key=lambda item: (order[item[0][0]], -item[1]))
        ]

    def _text_clues(self, doc: Document, row: int | None) -> dict[tuple[str, str], list[float]]:
        s = self.settings
        heading = FoldedText.of(doc.section or "")
        body = FoldedText.of("\n".join(part for part in (doc.question, doc.answer) if part))
        lead = FoldedText.of("\n".join(part for part in (doc.question, doc.answer[: s.lead_chars]) if part))
        clues: dict[tuple[str, str], list[float]] = defaultdict(list)
        for facet in self.taxonomy:
            in_context = not facet.context or bool(facet.context.count(heading) or facet.context.count(body))
            for value in facet.values.values():
                if value.key == FALLBACK_VALUE:
                    continue
                pair = (facet.key, value.key)
                if heading.lower and (value.aliases.count(heading) or value.keywords.count(heading)):
                    clues[pair].append(s.section)
                if not in_context:
                    continue
                if hits := value.aliases.count(body):
                    passing = hits == 1 and not value.aliases.count(lead)
                    clues[pair].append(s.passing if passing else 1 - (1 - s.alias) ** hits)
                if hits := value.keywords.count(body):
                    clues[pair].append(1 - (1 - s.keyword) ** hits)
                if self.semantic is not None and row is not None:
                    z, rank = self.semantic.score(row, facet.key, value.key)
                    if z >= s.semantic_min_z and 0 <= rank < s.semantic_max_rank:
                        clues[pair].append(s.semantic)
        return clues

    def _add_implications(
        self, clues: dict[tuple[str, str], list[float]], confidence: dict[tuple[str, str], float]
    ) -> None:
        """Propagate accepted values to what they imply, once per (source, target), a few levels deep."""
        s = self.settings
        applied: set[tuple[tuple[str, str], tuple[str, str]]] = set()
        for _ in range(s.max_implication_depth):
            grew = False
            for (facet, key), c in list(confidence.items()):
                if c < s.accept:
                    continue
                for target_facet, targets in self.taxonomy.value(facet, key).implies.items():
                    for target in targets:
                        link = ((facet, key), (target_facet, target))
                        if link in applied:
                            continue
                        applied.add(link)
                        clues[(target_facet, target)].append(s.implied * c)
                        confidence[(target_facet, target)] = _noisy_or(clues[(target_facet, target)])
                        grew = True
            if not grew:
                return


def _noisy_or(values: list[float]) -> float:
    remaining = 1.0
    for value in values:
        remaining *= 1.0 - value
    return 1.0 - remaining
