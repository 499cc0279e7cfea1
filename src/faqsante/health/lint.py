"""Content-health report: what an editor should look at before readers trip over it.

Each check is a class registered under its kind; adding one touches this registry and nothing else.

# faqsante lint --json
# [{"entry_id": "e0bfaef51edc", "kind": "stale", "detail": "échéance passée : « à partir de mi 2022 » (31/07/2022)"},
#  {"entry_id": "c11796043a08", "kind": "needs-question", "detail": "réponse courte qui commence par « Oui »…"}, …]
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import combinations
from typing import ClassVar

from rapidfuzz import fuzz

from faqsante.content.title_book import shown_titles
from faqsante.health.contacts import find_contacts, with_typos
from faqsante.health.dates import find_periods, fold_text
from faqsante.search.corpus import Document, load_documents
from faqsante.store import Database
from faqsante.text import fold_for_comparison, normalize

NEAR_DUPLICATE = 85.0  # rapidfuzz ratio (0-100) of folded answers from which two entries say the same thing
COMMON_SHINGLE = 50  # a three-word sequence found in more answers than this is boilerplate, not a clue
SHORT_ANSWER_WORDS = 30  # an answer this short leans on its question


@dataclass(frozen=True)
class Finding:
    """One thing to review on one entry; ``related_id`` names the other entry of a duplicate pair."""

    entry_id: str
    kind: str
    detail: str
    related_id: str | None = None

    def to_dict(self) -> dict[str, str]:
        return {"entry_id": self.entry_id, "kind": self.kind, "detail": self.detail}


class Check:
    """Looks at the whole corpus at once (duplicates need it); most checks only need ``check_entry``."""

    kind: ClassVar[str]
    label: ClassVar[str]  # shown to editors

    def run(self, documents: Sequence[Document], today: date) -> Iterator[Finding]:
        for document in documents:
            for detail in self.check_entry(document, today):
                yield Finding(document.id, self.kind, detail)

    def check_entry(self, document: Document, today: date) -> Iterator[str]:
        raise NotImplementedError


CHECKS: dict[str, Check] = {}


def register(cls: type[Check]) -> type[Check]:
    CHECKS[cls.kind] = cls()
    return cls


def _sentence_around(text: str, position: int) -> tuple[int, int]:
    start = max(text.rfind(mark, 0, position) for mark in (". ", "\n", "? ", "! ", "; "))
    ends = [index for mark in (". ", "\n", "? ", "! ", "; ") if (index := text.find(mark, position)) != -1]
    return start + 1, min(ends, default=len(text))


@register
class Stale(Check):
    """A promise about a date now past: « seront disponibles à partir de mi 2022 »."""

    kind = "stale"
    label = "Dates dépassées"
    # A future tense or a deadline word in the sentence makes a date a promise ("depuis janvier 2021" is history).
    PROSPECTIVE = re.compile(
        r"\b(?:prochaine?s?|date limite|echeance|sera|seront|pourra|pourront|pourrez|devra|devront|faudra|aura"
        r"|auront|\w+(?:era|eront|erez|ira|iront|irez))\b"
    )
    # So does a deadline just before the date, also quoted: "d'ici la fin de l'année 2022".
    LEAD_IN = re.compile(r"\b(?:d'ici|a partir|a compter|des|jusqu'|avant|au plus tard)\b[^.;:\n]{0,16}$")

    def check_entry(self, document: Document, today: date) -> Iterator[str]:
        text = normalize(document.answer)
        folded = fold_text(document.answer)
        past = []
        for period in find_periods(document.answer):
            if period.end_date >= today:
                continue
            start, end = _sentence_around(folded, period.start)
            lead = self.LEAD_IN.search(folded[start : period.start])
            if not lead and not self.PROSPECTIVE.search(folded[start:end]):
                continue
            quoted_from = lead.start() + start if lead else period.start
            quoted = text[quoted_from : period.start + len(period.text)] if len(text) == len(folded) else period.text
            past.append(f"« {quoted.strip()} » ({period.end_date:%d/%m/%Y})")
        if past:
            yield "échéance passée : " + ", ".join(past)


@register
class NeedsQuestion(Check):
    """An answer that means nothing without its lost question: « Oui, c'est cela. »"""

    kind = "needs-question"
    label = "Réponses qui ont besoin de leur question"
    # A bare reply to a yes/no question, whatever follows.
    REPLY = re.compile(
        r"^(?:oui|non|si(?=\s*[,.!])|tout a fait|effectivement|exactement|absolument|bien sur|pas encore|pas du tout"
        r"|pour l'instant|pour le moment|a ce jour|cela depend|ca depend|en effet|c'est cela|c'est bien cela)\b"
    )
    # A subject that points back to something said before: « Ces fonctionnalités seront disponibles… ».
    ANAPHORIC_START = re.compile(
        r"^(?:cela|ceci|ca|celui|celle|celles|ceux|ces|cette|cet|ce (?:sera|serait|n'est|dernier|cas|point)"
        r"|dans ce cas|dans cette|le cas echeant|elle|elles|ils|il s'agit|lui|leur)\b"
    )
    ANAPHORA = re.compile(r"\b(?:cela|ceci|ca|celui|celle|celles|ceux|ces|cette|cet|ce cas|le cas echeant)\b")

    def check_entry(self, document: Document, today: date) -> Iterator[str]:
        if document.question:
            return
        folded = fold_text(document.answer).strip()
        words = folded.split()
        if len(words) > SHORT_ANSWER_WORDS:
            return
        first = " ".join(normalize(document.answer).split()[:4])
        if self.REPLY.match(folded):
            yield f"réponse courte qui commence par « {first}… » : sans la question, on ne sait pas à quoi elle répond"
        elif self.ANAPHORIC_START.match(folded):
            yield f"réponse courte qui commence par « {first}… » : elle renvoie à un sujet qui n'est pas nommé"
        elif len(self.ANAPHORA.findall(folded)) >= max(2, len(words) // 8):
            yield "réponse courte pleine de renvois (cela, ces, cette…) à un sujet qui n'est pas nommé"


@register
class DanglingReference(Check):
    """A link or document announced but lost in the scrape: « Pour en savoir plus : » and nothing after."""

    kind = "dangling-reference"
    label = "Liens ou documents annoncés mais absents"
    # The end of an answer that announces something: "… à l'adresse suivante :", "… au lien suivant."
    ANNOUNCES_AT_END = re.compile(r"(?::|\b(?:suivante?s?|ci-dessous|ci-apres|ci-joint|ci-jointe)\s*[.:]?)\s*$")
    # A path of the original site (« /media-files/2457/modele.docx »): it leads nowhere outside that site.
    SITE_PATH = re.compile(r"(?<![\w.:/])/[\w-]+(?:/[\w.%-]+)+")
    # Link text whose link was dropped: « (en savoir plus) », « cliquez ici ».
    LOST_LINK = re.compile(r"\((?:en savoir plus|ici|lien)\)|\bcliquez ici\b")
    CUE = re.compile(r"(?:pour en savoir plus|pour plus d'informations?|en voici un modele|voici un modele"
                     r"|a l'adresse suivante|au lien suivant|via le lien|consultez|disponible sur)[^.\n]{0,20}$")  # fmt: skip

    def check_entry(self, document: Document, today: date) -> Iterator[str]:
        text = normalize(document.answer).rstrip()
        folded = fold_text(document.answer).rstrip()
        if self.ANNOUNCES_AT_END.search(folded):
            last_line = text.splitlines()[-1].strip()
            yield f"la réponse annonce un lien ou un document et s'arrête : « {_tail(last_line)} »"
        for match in self.SITE_PATH.finditer(text):
            cue = self.CUE.search(folded[: match.start()]) if len(folded) == len(text) else None
            quoted = text[cue.start() : match.end()] if cue else match.group()
            yield f"lien relatif au site d'origine, introuvable ici : « {quoted.strip()} »"
        for match in self.LOST_LINK.finditer(folded):
            yield f"texte de lien sans lien : « {text[match.start() : match.end()]} »"


def _decimal(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def _tail(line: str, width: int = 80) -> str:
    return line if len(line) <= width else "…" + line[-width:].split(" ", 1)[-1]


@register
class Duplicate(Check):
    """The same answer in two published entries (exact or near): one should be merged into the other.

    The same text in two sources is one entry already (the import merged it): nothing to do, not listed.
    """

    kind = "duplicate"
    label = "Doublons"

    def run(self, documents: Sequence[Document], today: date) -> Iterator[Finding]:
        texts = [fold_for_comparison(document.answer) for document in documents]
        for i, j in sorted(_candidate_pairs(texts)):
            similarity = fuzz.ratio(texts[i], texts[j], score_cutoff=NEAR_DUPLICATE) / 100
            if not similarity:
                continue
            first, second = documents[i], documents[j]
            nature = "doublon exact" if texts[i] == texts[j] else "quasi-doublon"
            where = f"{', '.join(first.sources) or 'sans source'} / {', '.join(second.sources) or 'sans source'}"
            detail = f"{nature} de {second.id} (similarité {_decimal(similarity)}) — {where}"
            yield Finding(first.id, self.kind, detail, related_id=second.id)


def _candidate_pairs(texts: Sequence[str]) -> set[tuple[int, int]]:
    """Pairs worth comparing: the same text, or a three-word sequence that few texts share.

    Near-duplicates always share such a sequence and most pairs share none, so 50,000 entries cost
    thousands of comparisons instead of a billion. Sequences found in many texts (boilerplate such as
    « pour en savoir plus ») prove nothing and are skipped.
    """
    index: dict[str, list[int]] = defaultdict(list)
    for position, text in enumerate(texts):
        words = re.findall(r"\w+", text)
        shingles = {" ".join(words[k : k + 3]) for k in range(max(1, len(words) - 2))} | {"=" + text}
        for shingle in shingles:
            index[shingle].append(position)
    pairs: set[tuple[int, int]] = set()
    for shingle, members in index.items():
        if len(members) > 1 and (shingle.startswith("=") or len(members) <= COMMON_SHINGLE):
            pairs.update(combinations(members, 2))
    return pairs


@register
class ContactCheck(Check):
    """E-mail addresses, phone numbers and web addresses to review, likely typos first."""

    kind = "contact"
    label = "Coordonnées à vérifier"

    def run(self, documents: Sequence[Document], today: date) -> Iterator[Finding]:
        found = {document.id: find_contacts(document.answer) for document in documents}
        emails = Counter(c.value.lower() for contacts in found.values() for c in contacts if c.kind == "email")
        typos, others = [], []
        for entry_id, contacts in found.items():
            for contact in with_typos(contacts, emails):
                if contact.typo:
                    detail = f"faute de frappe probable, {contact.label} {contact.value} : {contact.typo}"
                    typos.append(Finding(entry_id, self.kind, detail))
                else:
                    others.append(Finding(entry_id, self.kind, f"{contact.label} à vérifier : {contact.value}"))
        yield from typos
        yield from others


@register
class ReviewDue(Check):
    """An entry whose review date, set by the desk (``faqsante entries review``, /admin), is past."""

    kind = "review-due"
    label = "Relectures en retard"

    def check_entry(self, document: Document, today: date) -> Iterator[str]:
        if document.review_at is not None and document.review_at < today:
            owner = f" (responsable : {document.owner})" if document.owner else " (sans responsable)"
            yield f"à relire depuis le {document.review_at:%d/%m/%Y}{owner}"


def lint_documents(
    documents: Sequence[Document], *, today: date | None = None, kinds: Sequence[str] | None = None
) -> list[Finding]:
    """Run the checks (all, or those of ``kinds``) over the entries, grouped by kind in registry order."""
    today = today or date.today()
    findings: list[Finding] = []
    for kind, check in CHECKS.items():
        if kinds is None or kind in kinds:
            findings.extend(check.run(documents, today))
    return findings


def lint_database(db: Database, *, today: date | None = None, kinds: Sequence[str] | None = None) -> list[Finding]:
    """The report on the published entries of a database."""
    return lint_documents(load_documents(db), today=today, kinds=kinds)


def named_titles(db: Database, findings: Iterable[Finding]) -> dict[str, str]:
    """# {"c11796043a08": "Le DMN doit-il recevoir l'INS ?", …}: every entry the findings name (duplicates' other
    entry included), titled as every channel titles it (``content.title_book.shown_titles``)."""
    ids = {finding.entry_id for finding in findings} | {f.related_id for f in findings if f.related_id}
    with db.session() as session:
        return shown_titles(session, sorted(ids))
