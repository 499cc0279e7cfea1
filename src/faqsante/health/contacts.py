"""E-mail addresses, phone numbers and web addresses in answers, and the ones that look mistyped.

# "écrivez à assitance@esante-occitanie.fr"  ->  Contact("email", "assitance@esante-occitanie.fr",
#                                                         typo="« assitance » ressemble à « assistance »")
# "appelez le 0820 250 35"                   ->  Contact("phone", "0820 250 35", typo="9 chiffres au lieu de 10")

A contact that changed (a new support address, a closed hotline) silently breaks an answer, so every one
is listed for review; those that look like typos come with the reason.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from faqsante.health.dates import fold_text

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.IGNORECASE)
# Full URLs, and bare domains ("esante.gouv.fr") that are not the end of an e-mail address ("@patient.mssante.fr").
URL = re.compile(
    r"\bhttps?://[^\s\"'<>«»)]+|(?<![@\w.-])(?:www\.)?(?:[a-z0-9-]+\.)+(?:fr|com|org|net|eu)(?:/[^\s\"'<>«»)]*)?\b",
    re.IGNORECASE,
)
# French numbers: 10 digits from a leading 0 (or +33 and 9), in groups separated by spaces, dots or dashes.
PHONE = re.compile(r"(?<![\w.,/])(?:\+33\s?|0)[ .\-]?\d(?:[ .\-]?\d){6,10}(?![\w,/])")
# Words that mailbox names and domains are made of; one or two letters away from one is a likely typo.
COMMON_WORDS = frozenset(
    {
        "accueil", "admin", "aide", "assistance", "contact", "communication", "direction", "esante",
        "gmail", "helpdesk", "hotline", "hotmail", "info", "information", "informations", "laposte",
        "messagerie", "numerique", "orange", "outlook", "sante", "secretariat", "service", "services",
        "support", "wanadoo", "yahoo",
    }
)  # fmt: skip
KINDS = {"email": "adresse e-mail", "phone": "numéro de téléphone", "url": "adresse web"}


@dataclass(frozen=True)
class Contact:
    kind: str  # email | phone | url
    value: str
    typo: str | None = None

    @property
    def label(self) -> str:
        return KINDS[self.kind]


def find_contacts(text: str) -> list[Contact]:
    """The contacts of one text, in reading order, each once; URLs inside e-mail addresses are not URLs."""
    found: list[tuple[int, Contact]] = []
    emails = list(EMAIL.finditer(text))
    for match in emails:
        found.append((match.start(), Contact("email", match.group().rstrip("."))))
    for match in URL.finditer(text):
        if not any(email.start() <= match.start() < email.end() for email in emails):
            found.append((match.start(), Contact("url", match.group().rstrip(".,;:"))))
    for match in PHONE.finditer(text):
        found.append((match.start(), Contact("phone", match.group().strip())))
    unique = {contact.value: contact for _, contact in sorted(found, key=lambda pair: pair[0])}
    return list(unique.values())


def with_typos(contacts: Iterable[Contact], corpus_emails: Counter[str]) -> list[Contact]:
    """Attach the reason a contact looks mistyped, comparing it with common words and the corpus' addresses."""
    return [Contact(contact.kind, contact.value, _typo(contact, corpus_emails)) for contact in contacts]


def _typo(contact: Contact, corpus_emails: Counter[str]) -> str | None:
    if contact.kind == "phone":
        digits = re.sub(r"\D", "", contact.value.replace("+33", "0"))
        return None if len(digits) == 10 else f"{len(digits)} chiffres au lieu de 10"
    if contact.kind != "email":
        return None
    address = contact.value.lower()
    for word in re.split(r"[^a-z0-9]+", fold_text(address)):
        near = _near_common_word(word)
        if near:
            return f"« {word} » ressemble à « {near} »"
    for other, count in corpus_emails.most_common():
        if other != address and count > corpus_emails[address] and Levenshtein.distance(other, address) <= 2:
            return f"ressemble à {other}, écrite {count} fois ailleurs"
    return None


def _near_common_word(word: str) -> str | None:
    if len(word) < 5 or word in COMMON_WORDS:
        return None
    allowed = 1 if len(word) < 8 else 2
    for common in COMMON_WORDS:
        if abs(len(common) - len(word)) <= allowed and Levenshtein.distance(word, common) <= allowed:
            return common
    return None
