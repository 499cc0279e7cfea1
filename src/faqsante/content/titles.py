"""What an entry is called, everywhere: its title is never invented, only chosen, tidied or restated.

An entry's title is, in order (``entry_title``):
1. the editors' question (``entries.question``), as they wrote it;
2. else the best of its accepted questions (imported, from its source, added by an editor, a visitor's accepted
   one) that is a well-formed question, tidied without changing its words:
   # "comment activer ma e-cps"  ->  "Comment activer ma e-CPS ?"   ("activer e-cps ☠☠☠ ???" is no question)
3. else its answer's own lead, restated faithfully: a statement stays a statement, and a « Oui/Non, … » lead
   becomes the yes/no question it answers only when that question is grammatical by construction and asks
   what the answer says (never the reverse):
   # "Non, le référencement n'est pas obligatoire."  ->  "Est-ce que le référencement est obligatoire ?"
   # "Non, il est nécessaire de fournir les preuves." ->  "Il est nécessaire de fournir les preuves"
Two entries with the same title are told apart by what differs between them (``distinct_titles``): their
section, their product, their answer's lead.

Editors also get question-style suggestions (``suggest_title``, ``TitleSuggester``): they stay suggestions
until an editor accepts one; nothing here writes a template such as « Que faut-il savoir sur … ».
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import httpx

from faqsante.analysis import FrenchAnalyzer
from faqsante.config import Settings
from faqsante.search.glossary import load_curated
from faqsante.text import fold, normalize

MAX_TITLE_LENGTH = 110
MIN_CLAUSE_LENGTH = 60  # a long lead is cut after a clause at least this long, else after a word
LEADS = 3  # sentences of an answer that may tell two entries of the same title apart
MIN_OWN_SHARE = 2 / 3  # of a title's content words, those found in its entry's own text (issue 17)
_ANALYZER = FrenchAnalyzer()

# ------------------------------------------------------------------------------------- well-formed questions

_ASKING = re.compile(
    r"^(?:(?:à|a|de|dans|par|pour|sur|avec|en|depuis|jusqu'à)\s+)?(?:comment|pourquoi|quand|où|ou\s+(?=trouver)"
    r"|quel(?:le)?s?|lequel|laquelle|lesquel(?:le)?s|qui|que|qu'|quoi|combien|est-ce|existe-t-il|y\s+a-t-il)",
    re.IGNORECASE,
)
# "Puis-je", "peut-on", "faut-il", "le DMP est-il…": the verb before its pronoun asks.
_INVERTED = re.compile(r"\w-(?:t-)?(?:il|elle|on|ils|elles|je|tu|nous|vous)\b", re.IGNORECASE)
# The words a clause's subject starts with: a pronoun, or a determiner (then its noun).
_PRONOUNS = "il|elle|ils|elles|on|vous|nous"
_DETERMINERS_OF_A_SUBJECT = "le|la|les|l'|un|une|des|votre|vos|son|sa|ses|leur|leurs|ce|cet|cette|ces"
# "Je peux changer mon code ?", "La e-CPS fonctionne sur deux téléphones ?": a clause with its subject, asked.
_SUBJECT_FIRST = re.compile(
    rf"^(?:je|j'|tu|{_PRONOUNS}|mon|ma|mes|ton|ta|tes|notre|nos|{_DETERMINERS_OF_A_SUBJECT})\b", re.IGNORECASE
)
# Text-message spelling and chat words: what a visitor types, not what a FAQ shows.
_SMS = frozenset(
    "svp stp slt bjr bsr cc pk pq pkoi pkoi koi kan kel kelle ke ki c jsp jpeux jpx chui tt ds bcp qd pr dc ya g "
    "mdr lol ptdr tkt dsl msg tjrs tjs qqn qqch qq ns vs cmt cmnt ct".split()
)
_REPEATED = re.compile(r"(\w)\1\1|[?!.]{2,}")


def tidy_question(text: str, spellings: Spellings | None = None) -> str | None:
    """A question fit to be a title, tidied without changing its words; None for keywords, SMS or noise.

    # "comment activer ma e-cps"        ->  "Comment activer ma e-CPS ?"
    # "inscription à medimail"          ->  None   (keywords)
    # "activer e-cps ☠☠☠ 💀 👉👉 ???"    ->  None
    """
    cleaned = " ".join(normalize(text).split())
    words = cleaned.rstrip(" ?").split()
    if len(words) < 3 or len(cleaned) > MAX_TITLE_LENGTH or _noisy(cleaned):
        return None
    if not (_ASKING.match(cleaned) or _INVERTED.search(cleaned) or _SUBJECT_FIRST.match(cleaned) and "?" in cleaned):
        return None
    body = respell(cleaned.rstrip(" ?.!"), spellings)
    return body[:1].upper() + body[1:] + " ?"


def _noisy(text: str) -> bool:
    """Emoji, symbols, repeated letters or punctuation, shouting, or text-message words."""
    if any(unicodedata.category(char)[0] in "SC" for char in text if char not in "+=%€$°"):
        return True
    stripped = text.rstrip(" ?")
    if _REPEATED.search(stripped):
        return True
    letters = [char for char in stripped if char.isalpha()]
    if len(letters) > 12 and sum(char.isupper() for char in letters) > 0.6 * len(letters):
        return True
    return any(fold(word) in _SMS for word in re.findall(r"\w+", stripped))


@dataclass(frozen=True)
class Spellings:
    """The glossary's names as it writes them, keyed by their folded form (« medimail » -> « Medimail »).

    As in the taxonomy, a name of four capitals or fewer (« MES », « SI ») is only a name in capitals: written
    in lower case it is a French word, and stays as typed.
    """

    pattern: re.Pattern[str]
    names: dict[str, str]

    @classmethod
    def of(cls, terms: Iterable[str]) -> Spellings:
        """# ["e-CPS", "CPS", "Medimail", "MES"]: the longest first, so that "e-CPS" wins over "CPS"; "MES" is left out"""
        names = {
            fold(term): term
            for term in sorted(set(terms), key=len, reverse=True)
            if not (term.isupper() and len(term) <= 4) and re.fullmatch(r"[\w\-' ]+", term)
        }
        alternatives = "|".join(re.escape(key) for key in sorted(names, key=len, reverse=True))
        return cls(re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])" if names else r"(?!x)x"), names)


@lru_cache(maxsize=1)
def shipped_spellings() -> Spellings:
    """The shipped glossary's (``search/glossary.yaml``); ``content.title_book`` adds the editors' entries."""
    return Spellings.of(entry.term for entry in load_curated())


def respell(text: str, spellings: Spellings | None = None) -> str:
    """Product and acronym names spelled as the glossary spells them; every other word as written.

    # "inscription medimail et E-CPS"  ->  "inscription Medimail et e-CPS"
    """
    spelled = spellings or shipped_spellings()
    folded = "".join(fold(char) if len(fold(char)) == 1 else char for char in text)
    if len(folded) != len(text):  # a character folded into two (œ): spell word by word would shift; keep it
        return text
    parts: list[str] = []
    position = 0
    for match in spelled.pattern.finditer(folded.lower()):
        parts += [text[position : match.start()], spelled.names[match.group()]]
        position = match.end()
    return "".join([*parts, text[position:]])


# ------------------------------------------------------------------------------------- the answer's lead

_REPLY = re.compile(r"^(?P<word>oui|non|si(?=\s*[,.!]))\b\s*[,.:!]?\s*", re.IGNORECASE)
# What follows "Oui," or "Non," when it only points back at the lost question: "c'est cela", "cela dépend".
_EMPTY_REST = re.compile(
    r"^(?:c'est|ce n'est|cela|ceci|ça|celui|celle|ceux|pas (?:encore|du tout)|tout à fait|bien sûr)\b", re.IGNORECASE
)
# The subject a yes/no question can be built on with « Est-ce que »: a pronoun, or a determiner and its noun.
_PRONOUN = re.compile(rf"^(?:{_PRONOUNS})\s+(?:(?:ne|n'|y|en|se|s'|le|la|les|l')\s*)*\w", re.I)
_DETERMINER = re.compile(rf"^(?:{_DETERMINERS_OF_A_SUBJECT})\b", re.I)
_FINITE = re.compile(
    r"\b(?:n')?(?:est|sont|peut|peuvent|doit|doivent|a|ont|permet|permettent|sera|seront|reste|restent|existe"
    r"|existent|fonctionne|fonctionnent|concerne|concernent|dispose|disposent|accède|accèdent)\b",
    re.IGNORECASE,
)
# « ne … pas » once and no other negation: the one shape whose affirmative is the same words, minus two.
_NE_PAS = re.compile(r"\b(?:ne (?P<verb>\w+)|n'(?P<verb2>\w+)) pas\b", re.IGNORECASE)
_OTHER_NEGATION = re.compile(
    r"\b(?:ne|n'\w+)\b.*\b(?:plus|jamais|rien|aucun|aucune|guère|nullement|personne)\b|\bsans\b"
)
_CLAUSE_END = re.compile(r"\s*(?:[,;:]|\s[–—-]\s|\s\()")


def lead_title(answer: str) -> str:
    """The answer's lead as a title: its first sentence that says something, restated without inventing.

    # "Oui, vous pouvez utiliser la e-CPS. …"        ->  "Est-ce que vous pouvez utiliser la e-CPS ?"
    # "Non, il est nécessaire de fournir les preuves." ->  "Il est nécessaire de fournir les preuves"
    # "Ce message peut avoir plusieurs causes :\\n- …" ->  "Ce message peut avoir plusieurs causes"
    """
    sentences = _sentences(answer)
    for sentence in sentences:
        reply = _REPLY.match(sentence)
        rest = sentence[reply.end() :] if reply else sentence
        if len(rest.split()) < 2 or reply and _EMPTY_REST.match(rest):
            continue
        if reply and (question := yes_no_question(reply["word"], rest)):
            return question
        return _statement(rest)
    return _statement(sentences[0]) if sentences else ""


def answer_leads(answer: str, count: int = LEADS) -> list[str]:
    """The first sentences of an answer as statements: what tells apart two entries of the same title.

    # "ViaTrajectoire permet deux types de connexion…\n\nLa connexion « Professionnels » concerne :"
    #     ->  ["ViaTrajectoire permet deux types de connexion…", "La connexion « Professionnels » concerne"]
    """
    leads = []
    for sentence in _sentences(answer):
        reply = _REPLY.match(sentence)
        rest = sentence[reply.end() :] if reply else sentence
        if len(rest.split()) >= 2:
            leads.append(_statement(rest))
        if len(leads) == count:
            break
    return leads


def yes_no_question(reply: str, clause: str) -> str | None:
    """The question « Oui/Non, <clause> » answers, when « Est-ce que <clause> » is French and asks it.

    # ("Oui", "vous pouvez changer de code")                 ->  "Est-ce que vous pouvez changer de code ?"
    # ("Non", "le référencement n'est pas obligatoire")      ->  "Est-ce que le référencement est obligatoire ?"
    # ("Non", "il est nécessaire de fournir les preuves")    ->  None   (the question would reverse the answer)
    """
    clause = clause.rstrip(" .!:;,")
    subject_first = _PRONOUN.match(clause) or (_DETERMINER.match(clause) and _FINITE.search(clause))
    if not subject_first or _OTHER_NEGATION.search(clause) or "?" in clause:
        return None
    negations = list(_NE_PAS.finditer(clause))
    if reply.lower() == "oui":
        if negations or re.search(r"\bn(?:e|')\b", clause, re.IGNORECASE):
            return None
        affirmative = clause
    else:
        if len(negations) != 1:
            return None
        affirmative = _NE_PAS.sub(lambda m: m["verb"] or m["verb2"], clause)
    question = _is_it_that(_lower_first(affirmative))
    return question + " ?" if len(question) + 2 <= MAX_TITLE_LENGTH else None


def _statement(sentence: str) -> str:
    """A sentence as a title: its own words, capitalised, cut at a clause (else a word) when too long."""
    text = sentence.rstrip(" .:;,!")
    if len(text) > MAX_TITLE_LENGTH:
        head = text[: MAX_TITLE_LENGTH - 1]
        clauses = [m.start() for m in _CLAUSE_END.finditer(head) if m.start() >= MIN_CLAUSE_LENGTH]
        cut = clauses[-1] if clauses else head.rfind(" ") if " " in head else len(head)
        text = head[:cut].rstrip(" ,;:–—-(") + "…"
    return text[:1].upper() + text[1:]


def _sentences(answer: str) -> list[str]:
    """The answer's sentences in order, list markers dropped: each line split after . ! or ?"""
    lines = [line.strip(" -•*\t") for line in normalize(answer).splitlines()]
    return [
        sentence.strip()
        for line in lines
        if line.strip()
        for sentence in re.split(r"(?<=[.!?])\s+", line.strip())
        if sentence.strip()
    ]


# ------------------------------------------------------------------------------------- choosing and telling apart


@dataclass(frozen=True)
class Candidate:
    """An accepted question of an entry, as the title rule ranks it."""

    text: str
    origin: str  # editor | source | import | learned
    asked_count: int = 1
    id: int = 0


_ORIGIN_RANK = {"editor": 0, "source": 1, "import": 2, "learned": 3}


def best_question(candidates: Iterable[Candidate], spellings: Spellings | None = None) -> str | None:
    """The best well-formed question among accepted ones, tidied: an editor's, the source's, then an import's
    wording before a visitor's; then the most asked, then the first added."""
    ranked = sorted(candidates, key=lambda c: (_ORIGIN_RANK.get(c.origin, 4), -c.asked_count, c.id))
    return next((tidied for c in ranked if (tidied := tidy_question(c.text, spellings))), None)


def entry_title(
    question: str | None, answer: str, candidates: Iterable[Candidate] = (), spellings: Spellings | None = None
) -> str:
    """The one title of an entry (before ``distinct_titles`` tells equal ones apart): see the module docstring."""
    return titled(question, answer, candidates, spellings)[0]


TitleSource = Literal["editors", "question", "answer"]


def titled(
    question: str | None, answer: str, candidates: Iterable[Candidate] = (), spellings: Spellings | None = None
) -> tuple[str, TitleSource]:
    """The title of ``entry_title`` and where it comes from, which editors are shown: their own question, one of
    the entry's accepted questions (tidied), or the answer's lead.

    # (None, "Non, le référencement n'est pas obligatoire.", ())
    #   ->  ("Est-ce que le référencement est obligatoire ?", "answer")
    """
    if question and question.strip():
        return " ".join(question.split()), "editors"
    best = best_question(candidates, spellings)
    if best:
        return best, "question"
    return lead_title(answer) or "Réponse", "answer"


@dataclass(frozen=True)
class Titled:
    """An entry's title with what may tell it apart from another entry of the same title, in that order."""

    id: str
    title: str
    qualifiers: Sequence[str]  # e.g. (section, product label, answer's lead)


def distinct_titles(items: Iterable[Titled]) -> dict[str, str]:
    """Titles made distinct: entries sharing a title get the first qualifiers that tell them apart.

    # [("a", "Comment activer ma e-CPS ?", ("Pro Santé Connect",)), ("b", same title, ("MSSanté",))]
    #   ->  {"a": "Comment activer ma e-CPS ? (Pro Santé Connect)", "b": "Comment activer ma e-CPS ? (MSSanté)"}
    Entries nothing tells apart keep their id as the last qualifier (a reference editors can look up).
    """
    items = list(items)
    groups: dict[str, list[Titled]] = defaultdict(list)
    for item in items:
        groups[title_key(item.title)].append(item)
    shown = {item.id: item.title for item in items}
    for group in groups.values():
        if len(group) > 1:
            shown.update(_told_apart(group))
    # A qualified title may meet another entry's plain one: the id tells those apart.
    seen: dict[str, int] = defaultdict(int)
    for title in shown.values():
        seen[title_key(title)] += 1
    for item in items:
        if seen[title_key(shown[item.id])] > 1 and item.id not in shown[item.id]:
            shown[item.id] = f"{shown[item.id]} (réf. {item.id})"
    return shown


def _told_apart(group: list[Titled]) -> dict[str, str]:
    """Qualifiers level by level (section, product, leads), each only where it differs between those left."""
    chosen: dict[str, list[str]] = {item.id: [] for item in group}
    pending = group
    for level in range(max(len(item.qualifiers) for item in group)):
        values = {item.id: _qualifier(item, level) for item in pending}
        if len(set(values.values())) < 2:
            continue  # the same for all of them: it tells nothing apart
        for item in pending:
            if values[item.id]:
                chosen[item.id].append(values[item.id])
        labels = [" · ".join(chosen[item.id]) for item in pending]
        pending = [item for item, label in zip(pending, labels, strict=True) if labels.count(label) > 1]
        if not pending:
            break
    for item in pending:
        chosen[item.id].append(f"réf. {item.id}")
    return {
        item.id: f"{item.title} ({' · '.join(chosen[item.id])})" if chosen[item.id] else item.title for item in group
    }


def _qualifier(item: Titled, level: int) -> str:
    value = item.qualifiers[level] if level < len(item.qualifiers) else ""
    value = " ".join((value or "").split())
    if len(value) > 60:
        value = value[:59].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"
    return "" if title_key(value) in title_key(item.title) else value


@lru_cache(maxsize=100_000)
def title_key(title: str) -> str:
    """What makes two titles the same to a reader: case, accents, punctuation and spacing aside.

    Cached: telling apart the titles of a large FAQ asks for the same keys several times each."""
    return " ".join(re.findall(r"\w+", fold(normalize(title))))


def own_share(title: str, own_text: Iterable[str]) -> float:
    """The share of a title's content words (stems) found in its entry's own text (answer, section, questions).

    # ("Comment activer ma e-CPS ?", ["Activez votre e-CPS…"])  ->  1.0   (activ, ecps, e, cps)
    """
    words = set(_ANALYZER.terms(title))
    if not words:
        return 1.0
    known: set[str] = set()
    for text in own_text:
        known.update(_ANALYZER.terms(text or ""))
    return len(words & known) / len(words)


# ------------------------------------------------------------------------------------- suggestions for editors

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
_DEFINITION = re.compile(
    r"^(?P<subject>(?:l'|le |la |les )?[^,;:]{2,50}?) (?:est|sont|n'est pas|ne sont pas) (?:un|une|des|le|la|les|l')\b",
    re.IGNORECASE,
)


def suggest_title(answer: str, section: str | None = None) -> str | None:
    """A question an editor may accept as the title, worded from the answer's lead; None when it says nothing.

    # "Pour écrire à un patient, le professionnel doit…"  ->  "Comment écrire à un patient ?"
    # "Le catalogue de services a pour objectif de…"     ->  "À quoi sert le catalogue de services ?"
    Only shapes whose question is the same words asked back; an imperative or a reversed « Non » gives none.
    """
    for sentence in _sentences(answer)[:2]:
        reply = _REPLY.match(sentence)
        if reply:
            rest = sentence[reply.end() :]
            if rest and not _EMPTY_REST.match(rest):
                return yes_no_question(reply["word"], rest)
            continue
        title = _from_statement(sentence)
        return _finish(title) if title else None
    return None


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
    return None


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


def _finish(title: str) -> str | None:
    """A suggestion as a question; one too long to ask whole is no suggestion (never cut mid-question)."""
    title = " ".join(title.split()).rstrip(" .,;:!?")
    if len(title) + 2 > MAX_TITLE_LENGTH:
        return None
    return title[:1].upper() + title[1:] + " ?"


LLM_TIMEOUT = 8.0  # seconds; an editor is waiting for the page
LLM_INSTRUCTIONS = (
    "Tu rédiges les questions d'une FAQ française du numérique en santé. On te donne une réponse dont la "
    "question a été perdue. Écris la question, en français, en une seule phrase courte terminée par « ? », "
    "sans guillemets ni préambule. Si la réponse ne permet pas de deviner la question, écris seulement « ? »."
)


class TitleSuggester:
    """Suggested titles for editors: worded by an LLM when one is configured, extractive otherwise."""

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
