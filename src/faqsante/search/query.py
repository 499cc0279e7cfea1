"""From the question as typed to what each retriever searches: corrected, expanded, analyzed.

# "comment activer sa ecps pour PSC ?"  ->  terms of the question + "Pro Santé Connect" + …
"""

from __future__ import annotations

from dataclasses import dataclass

from faqsante.search.analysis import FrenchAnalyzer, stem
from faqsante.search.glossary import QueryExpander
from faqsante.search.spelling import Speller


@dataclass(frozen=True)
class AnalyzedQuery:
    text: str
    terms: list[str]  # lexical index terms of the question and of its corrections
    expansion_terms: list[str]  # lexical index terms the glossary adds (weighted lower: they widen, not aim)
    corrections: dict[str, str]  # unknown word -> closest corpus word
    expansions: list[str]  # other names of the glossary terms the question mentions


class QueryAnalyzer:
    def __init__(
        self, analyzer: FrenchAnalyzer, speller: Speller, expander: QueryExpander, known_stems: set[str]
    ) -> None:
        self.analyzer = analyzer
        self.known_stems = known_stems
        self.speller = speller
        self.expander = expander

    def analyze(self, query: str) -> AnalyzedQuery:
        terms = self.analyzer.terms(query)
        corrections: dict[str, str] = {}
        for token in self.analyzer.tokens(query):
            # Only words whose stem the corpus lacks: "creneaux" is no typo of "creneau".
            if self.analyzer.keep(token) and not token.parts and stem(token.text) not in self.known_stems:
                corrected = self.speller.correct(token.text)
                if corrected:
                    corrections[token.text] = corrected
        terms += [stem(word) for word in corrections.values()]
        expansions = self.expander.expand(" ".join([query, *corrections.values()]))
        added = [term for expansion in expansions for term in self.analyzer.terms(expansion) if term not in terms]
        return AnalyzedQuery(query, terms, list(dict.fromkeys(added)), corrections, expansions)
