"""The editors' glossary applied to a question: a name it holds is also searched as the names it stands for.

# editors' synonym « carte CPS » = « e-CPS »
# "activer ma carte CPS"  ->  BM25 terms {activ: 1, cart: 1, cps: 1} + {ecps: 1/3, e: 1/3, cps: 1/3}
#                             the model reads "activer ma carte CPS (e-CPS)"
An acronym stands for its expansions and each expansion for the acronym; a synonym's names all stand for each
other. An added name weighs one word, shared by its terms (« Pro Santé Connect »: a third each). A name is found
by its stemmed words, stop words aside, as the analyzer reads the question: « mes » is no « MES » (a stop word
counts only written in capitals).

Only the editors' entries apply (``glossary.load_editors``): widening every question with the shipped file and
the definitions found in the answers measured flat or harmful on questions written by other people (5-fold
cross-validation, ``faqsante eval --folds``), while an editor's entry names a wording visitors use. Nothing
here touches an index: a glossary change swaps the expander of the running engine (``engine.SearchEngine``).
"""

from __future__ import annotations

from collections.abc import Iterable

from faqsante.analysis import FrenchAnalyzer, stem
from faqsante.search.glossary import GlossaryEntry

Words = tuple[str, ...]  # stems of a name's kept words: "carte CPS" -> ("cart", "cps")


class Expander:
    """The names each name stands for, found in questions. Immutable once built; safe to share between threads."""

    def __init__(self, entries: Iterable[GlossaryEntry], analyzer: FrenchAnalyzer) -> None:
        self.analyzer = analyzer
        self._stands_for: dict[Words, list[str]] = {}  # ("cart", "cps") -> ["e-CPS"]
        for entry in entries:
            if not entry.enabled:
                continue
            names = [entry.term, *entry.expansions]
            for name in names:
                if entry.kind == "acronym":
                    others = entry.expansions if name == entry.term else (entry.term,)
                else:
                    others = tuple(other for other in names if other != name)
                words = self.words(name)
                if words:
                    known = self._stands_for.setdefault(words, [])
                    known += [other for other in others if other not in known and self.words(other) != words]
        self._longest = max((len(words) for words in self._stands_for), default=0)

    def __bool__(self) -> bool:
        return bool(self._stands_for)

    def words(self, text: str) -> Words:
        return tuple(stem(token.text) for token in self.analyzer.tokens(text) if self.analyzer.keep(token))

    def names_for(self, question: str) -> list[str]:
        """The names the question's names stand for, in the question's order, each once, except those it says.

        # synonym « carte CPS » = « e-CPS »:  "ma carte CPS et ma e-CPS"  ->  []  ;  "ma carte CPS"  ->  ["e-CPS"]
        """
        if not self._stands_for:
            return []
        words = self.words(question)
        found: list[str] = []
        start = 0
        while start < len(words):
            for size in range(min(self._longest, len(words) - start), 0, -1):  # the longest name first
                names = self._stands_for.get(words[start : start + size])
                if names is not None:
                    found += [name for name in names if name not in found]
                    start += size
                    break
            else:
                start += 1
        return [name for name in found if not _holds(words, self.words(name))]

    def terms(self, names: list[str]) -> dict[str, float]:
        """BM25 weights of added names: one word each, shared by its terms. # ["e-CPS"] -> {ecps: 1/3, e: 1/3, cps: 1/3}"""
        weights: dict[str, float] = {}
        for name in names:
            terms = self.analyzer.terms(name)
            for term in terms:
                weights[term] = weights.get(term, 0.0) + 1.0 / len(terms)
        return weights


def _holds(words: Words, name: Words) -> bool:
    size = len(name)
    return any(words[start : start + size] == name for start in range(len(words) - size + 1))
