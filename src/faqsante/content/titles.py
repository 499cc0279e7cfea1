"""A question-style title for an entry scraped without its question, for an editor to accept or rewrite.

Extractive: the first sentence of the answer is turned back into the question it answers.
# "Non, le référencement au Catalogue de services n'est pas obligatoire."
#     -> "Est-ce que le référencement au Catalogue de services est obligatoire ?"
# "Pour écrire à un patient, le professionnel de santé doit disposer…"  ->  "Comment écrire à un patient ?"
# "Le catalogue de services a pour objectif de référencer…"             ->  "À quoi sert le catalogue de services ?"
When the sentence says nothing on its own ("Oui, c'est cela."), the glossary terms of the answer and its
section give "Que faut-il savoir sur l'INS et le DMP ?"; with neither, there is no suggestion.

With FAQSANTE_LLM_URL set, ``TitleSuggester`` asks an OpenAI-compatible endpoint to word the question
instead, and falls back on the extractive one when the endpoint fails or answers something unusable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import httpx

from faqsante.config import Settings
from faqsante.search.glossary import load_curated
from faqsante.text import normalize

MAX_TITLE_LENGTH = 110
_REPLY = re.compile(r"^(?:oui|non|si(?=\s*[,.!])|tout à fait|effectivement|en effet)\b\s*[,.:!]?\s*", re.IGNORECASE)
# What follows "Oui," or "Non," when it only points back at the lost question: "c'est cela", "cela dépend".
_EMPTY_REST = re.compile(
    r"^(?:c'est|ce n'est|cela|ceci|ça|celui|celle|ceux|pas (?:encore|du tout)|tout à fait|bien sûr)\b", re.IGNORECASE
)
# "Pour écrire à un patient," and "Afin de vous inscrire," state an aim; "Pour l'instant," does not.
_HOW = re.compile(
    r"^(?:pour|afin d[e'])\s*(?P<aim>(?:(?:vous|se|s'|l'|le|la|les|en|y)\s*)?\w+(?:er|ir|re|oir)\b[^,;:]{0,70}?)\s*[,:]",
    re.IGNORECASE,
)
_WHEN = re.compile(r"^(?P<when>(?:lorsque|lorsqu'|quand|dès que|en cas d[e']|si)\s*[^,;:]{4,80}?)\s*,", re.IGNORECASE)
_POSSIBLE = re.compile(r"^il (?:est|sera) (?:tout à fait )?possible (?P<rest>d[e'].+)", re.IGNORECASE)
_NEEDED = re.compile(r"^il (?:faut|faudra) (?P<rest>.+)", re.IGNORECASE)
_YOU_CAN = re.compile(r"^vous (?:pouvez|pourrez) (?P<rest>.+)", re.IGNORECASE)
_PURPOSE = re.compile(
    r"^(?P<subject>(?:l'|le |la |les |un |une )?[^,;:]{2,60}?) (?:a|ont) pour (?:objectif|objet|but|vocation)\b"
    r"|^(?P<subject2>(?:l'|le |la |les )[^,;:]{2,60}?) (?:permet|permettent)\b",
    re.IGNORECASE,
)
# A short first sentence that starts with its own subject ("La e-CPS fonctionne…", "TéléO permet…") can be
# asked back as it is; one that starts with a pronoun, a preposition or an adverb cannot.
_NOT_A_SUBJECT = re.compile(
    r"^(?:ce|cet|cette|ces|cela|ceci|ça|celui|celle|ceux|il|elle|ils|elles|on|je|vous|nous|pour|afin|dans|si|lorsque"
    r"|lorsqu|quand|en|au|aux|à|depuis|selon|suite|dès|pendant|avant|après|par|sur|avec|sans|comme|néanmoins|cependant"
    r"|attention|ainsi|donc|mais|d'ici|a|à partir)\b",
    re.IGNORECASE,
)
DECLARATIVE_MAX_WORDS = 18
_DEFINITION = re.compile(
    r"^(?P<subject>(?:l'|le |la |les )?[^,;:]{2,50}?) (?:est|sont|n'est pas|ne sont pas) (?:un|une|des|le|la|les|l')\b",
    re.IGNORECASE,
)
_NEGATION = [(re.compile(r"\bn'(\w+) pas\b"), r"\1"), (re.compile(r"\bne (\w+) pas\b"), r"\1")]


@lru_cache(maxsize=1)
def glossary_terms() -> tuple[str, ...]:
    """The curated glossary's terms (INS, DMP, e-CPS…), longest first so "e-CPS" wins over "CPS"."""
    return tuple(sorted({entry.term for entry in load_curated()}, key=len, reverse=True))


def suggest_title(answer: str, section: str | None = None, terms: Iterable[str] | None = None) -> str | None:
    """A question for this answer, or None when nothing in it says what it answers."""
    sentence = _first_sentence(answer)
    reply = _REPLY.match(sentence)
    if reply:
        rest = sentence[reply.end() :]
        if rest and not _EMPTY_REST.match(rest):
            return _finish(_is_it_that(_affirmative(_lower_first(rest))))
    else:
        title = _from_statement(sentence)
        if title:
            return _finish(title)
    return _from_terms(answer, section, glossary_terms() if terms is None else terms)


def _from_statement(sentence: str) -> str | None:
    if match := _HOW.match(sentence):
        return "Comment " + match["aim"]
    if match := _WHEN.match(sentence):
        return "Que se passe-t-il " + _lower_first(match["when"])
    if match := _POSSIBLE.match(sentence):
        return "Est-il possible " + match["rest"]
    if match := _NEEDED.match(sentence):
        return "Faut-il " + match["rest"]
    if match := _YOU_CAN.match(sentence):
        return "Peut-on " + match["rest"]
    if match := _PURPOSE.match(sentence):
        subject = _lower_first(match["subject"] or match["subject2"])
        return ("À quoi servent " if _plural(subject) else "À quoi sert ") + subject
    if match := _DEFINITION.match(sentence):
        subject = _lower_first(match["subject"])
        return ("Que sont " if _plural(subject) else "Qu'est-ce que ") + subject
    if len(sentence.split()) <= DECLARATIVE_MAX_WORDS and ":" not in sentence and not _NOT_A_SUBJECT.match(sentence):
        return _is_it_that(_lower_first(sentence))
    return None


def _from_terms(answer: str, section: str | None, terms: Iterable[str]) -> str | None:
    text = normalize(answer)
    seen = list(dict.fromkeys(match.group() for match in _terms_pattern(tuple(terms)).finditer(text)))
    found = [term for term in seen if not any(term != longer and term in longer for longer in seen)]
    found = [term for term in found if not section or term.lower() not in section.lower()]
    if found:
        subject = " et ".join(found[:2])
        return _finish(
            f"{section} : que faut-il savoir sur {subject}" if section else f"Que faut-il savoir sur {subject}"
        )
    return _finish(f"Que faut-il savoir sur {section}") if section else None


@lru_cache(maxsize=100_000)
def display_title(known: str | None, answer: str, section: str | None = None) -> str:
    """The title an entry shows everywhere (portal, API, CLI): ``known`` (its main question, else its best accepted
    question: ``store.questions.best_titles``), else the extractive suggestion, else its first sentence, shortened.

    # display_title(None, "Non, le référencement au Catalogue de services n'est pas obligatoire.")
    #     -> "Est-ce que le référencement au Catalogue de services est obligatoire ?"
    """
    if known and known.strip():
        return known
    return suggest_title(answer, section) or _shorten(_first_sentence(answer)) or (section or "Réponse")


def _shorten(text: str) -> str:
    if len(text) <= MAX_TITLE_LENGTH:
        return text
    return text[: MAX_TITLE_LENGTH - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


@lru_cache(maxsize=4)
def _terms_pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    """One pass over the answer for every term (longest first, so "e-CPS" wins over "CPS" where both fit)."""
    alternatives = "|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])" if terms else r"(?!x)x")


def _first_sentence(answer: str) -> str:
    lines = [line.strip(" -•*\t") for line in normalize(answer).splitlines()]
    text = next((line for line in lines if line), "")
    return re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]


def _affirmative(clause: str) -> str:
    """# "le référencement n'est pas obligatoire" -> "le référencement est obligatoire" """
    for pattern, replacement in _NEGATION:
        clause = pattern.sub(replacement, clause)
    return clause


_DETERMINERS = frozenset(
    "le la les un une des du ce cet cette ces votre vos son sa ses leur leurs tout tous toute toutes chaque "
    "lorsque quand dès en si il elle ils elles on vous nous".split()
)


def _lower_first(text: str) -> str:
    """Lower a leading article or pronoun only: names and acronyms ("Mon espace santé", "INS") keep theirs."""
    first = re.split(r"[\s']", text, maxsplit=1)[0]
    if first.lower() in _DETERMINERS or first.lower() in {"l", "d", "qu", "lorsqu"}:
        return text[:1].lower() + text[1:]
    return text


def _plural(subject: str) -> bool:
    return subject.split(" ", 1)[0].lower() in {"les", "des", "ces", "vos", "leurs", "mes", "ses"}


def _is_it_that(clause: str) -> str:
    """# "il est nécessaire…" -> "Est-ce qu'il est nécessaire…" """
    return ("Est-ce qu'" if re.match(r"[aeiouyéèêàâîôû]", clause, re.IGNORECASE) else "Est-ce que ") + clause


def _finish(title: str) -> str:
    title = " ".join(title.split()).rstrip(" .,;:!?")
    if len(title) > MAX_TITLE_LENGTH:
        title = title[:MAX_TITLE_LENGTH].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"
    return title[:1].upper() + title[1:] + " ?"


LLM_TIMEOUT = 8.0  # seconds; an editor is waiting for the page
LLM_INSTRUCTIONS = (
    "Tu rédiges les questions d'une FAQ française du numérique en santé. On te donne une réponse dont la "
    "question a été perdue. Écris la question, en français, en une seule phrase courte terminée par « ? », "
    "sans guillemets ni préambule. Si la réponse ne permet pas de deviner la question, écris seulement « ? »."
)


class TitleSuggester:
    """Suggested titles for the edit page: worded by an LLM when one is configured, extractive otherwise."""

    def __init__(self, settings: Settings, client: httpx.Client | None = None) -> None:
        self.settings = settings
        self.client = client or (httpx.Client(timeout=LLM_TIMEOUT) if settings.llm_url else None)
        self._cache: dict[tuple[str, str | None], str | None] = {}

    def suggest(self, answer: str, section: str | None = None) -> str | None:
        key = (answer, section)
        if key not in self._cache:
            if len(self._cache) >= 1000:
                self._cache.clear()
            self._cache[key] = self._worded(answer, section) or suggest_title(answer, section)
        return self._cache[key]

    def _worded(self, answer: str, section: str | None) -> str | None:
        if self.client is None:
            return None
        context = f"Rubrique : {section}\n" if section else ""
        payload = {
            "model": self.settings.llm_model,
            "temperature": 0.2,
            "max_tokens": 80,
            "messages": [
                {"role": "system", "content": LLM_INSTRUCTIONS},
                {"role": "user", "content": f"{context}Réponse : {answer[:4000]}"},
            ],
        }
        headers = {"Authorization": f"Bearer {self.settings.llm_api_key}"} if self.settings.llm_api_key else {}
        try:
            response = self.client.post(
                self.settings.llm_url.rstrip("/") + "/chat/completions", json=payload, headers=headers
            )
            response.raise_for_status()
            text = str(response.json()["choices"][0]["message"]["content"])
        except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError):
            return None
        title = " ".join(text.strip().strip("«»\"' ").split())
        usable = title.endswith("?") and 10 <= len(title) <= MAX_TITLE_LENGTH + 10 and "\n" not in text.strip()
        return title if usable else None
