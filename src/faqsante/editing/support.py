"""Support contacts: where a visitor goes when an answer is not enough, or when the FAQ has none.

Editors set them in ``/admin/contacts``, each for one filter value, one source, or everything:
# Contact « Support e-CPS », 01 23 45 67 89, « du lundi au vendredi, 8 h – 18 h », for produit = e_cps
#   -> under every answer tagged produit = e_cps: « Contacter le support e-CPS »
#   -> after « pas de réponse sûre » to « ma e-CPS ne s'active pas »: the question names e-CPS (taxonomy aliases)
# A contact for everything shows after a refusal that names no subject with a contact of its own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

import phonenumbers
from sqlalchemy import select

from faqsante.errors import InvalidInput, NotFound
from faqsante.facets import tags_by_entry
from faqsante.facets.matching import FoldedText
from faqsante.facets.taxonomy import load_taxonomy
from faqsante.feedback.audience import checked_email
from faqsante.health.contacts import Contact as Found
from faqsante.health.contacts import find_contacts, with_typos
from faqsante.search.corpus import load_documents
from faqsante.store import Database
from faqsante.store.models import (
    MAX_CONTACT_HOURS_LENGTH,
    MAX_CONTACT_LABEL_LENGTH,
    EntrySource,
    Source,
    SupportContact,
    utcnow,
)
from faqsante.urls import web_address

_EVERYTHING = "toutes les réponses"  # the scope editors read for a contact of no filter value or source
MAX_SHOWN = 3  # contacts under one answer or refusal: more would bury the answer


@dataclass(frozen=True)
class Contact:
    id: int
    label: str
    phone: str | None
    email: str | None
    url: str | None
    hours: str | None
    facet: str | None  # with ``value``: the filter value it covers
    value: str | None
    source_id: int | None
    scope: str  # what editors read: « produit : e-CPS », « source : FAQ de l'ANS », « toutes les réponses »

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def list_contacts(db: Database) -> list[Contact]:
    with db.session() as session:
        sources = {source.id: source.display_name or source.name for source in session.scalars(select(Source))}
        rows = session.scalars(select(SupportContact).order_by(SupportContact.label, SupportContact.id)).all()
        return [_contact(row, sources) for row in rows]


def save_contact(db: Database, contact_id: int | None, fields: Mapping[str, str | None]) -> int:
    """Create (``contact_id`` None) or replace a contact from a form's fields; its id. Every field is checked:
    a label, at least one way to reach the desk, a real filter value or source."""
    label = _one_line(fields.get("label"))
    if not label:
        raise InvalidInput("Donnez un nom au contact, par exemple « Support e-CPS ».", "label")
    if len(label) > MAX_CONTACT_LABEL_LENGTH:
        raise InvalidInput(
            f"Le nom est trop long ({len(label)} caractères, {MAX_CONTACT_LABEL_LENGTH} au plus).", "label"
        )
    hours = _one_line(fields.get("hours")) or None
    if hours and len(hours) > MAX_CONTACT_HOURS_LENGTH:
        raise InvalidInput(
            f"Les horaires sont trop longs ({len(hours)} caractères, {MAX_CONTACT_HOURS_LENGTH} au plus).", "hours"
        )
    phone = _checked_phone(fields.get("phone"))
    email = checked_email(fields.get("email"))
    url = web_address(fields.get("url"), field="url")
    if not (phone or email or url):
        raise InvalidInput("Indiquez au moins un téléphone, une adresse e-mail ou un formulaire de contact.", "phone")
    facet, value, source_id = _scope(db, fields.get("scope"))
    with db.session() as session:
        row = session.get(SupportContact, contact_id) if contact_id is not None else SupportContact()
        if row is None:
            raise NotFound(f"Aucun contact n'a l'identifiant {contact_id}.")
        row.label, row.phone, row.email, row.url, row.hours = label, phone, email, url, hours
        row.facet, row.value, row.source_id, row.updated_at = facet, value, source_id, utcnow()
        session.add(row)
        session.flush()
        return row.id


def contact_warnings(db: Database, contacts: Iterable[Contact]) -> dict[int, list[str]]:
    """The content-health contact check (``health.contacts``) applied to the support desks editors typed:
    # {3: ["faute de frappe probable, adresse e-mail assitance@ans.fr : « assitance » ressemble à « assistance »"]}
    """
    corpus = Counter(
        found.value.lower()
        for document in load_documents(db)
        for found in find_contacts(document.answer)
        if found.kind == "email"
    )
    warnings: dict[int, list[str]] = {}
    for contact in contacts:
        typed = [Found(kind, value) for kind, value in (("email", contact.email), ("phone", contact.phone)) if value]
        for checked in with_typos(typed, corpus):
            if checked.typo:
                warnings.setdefault(contact.id, []).append(
                    f"faute de frappe probable, {checked.label} {checked.value} : {checked.typo}"
                )
    return warnings


def delete_contact(db: Database, contact_id: int) -> None:
    with db.session() as session:
        row = session.get(SupportContact, contact_id)
        if row is None:
            raise NotFound(f"Aucun contact n'a l'identifiant {contact_id}.")
        session.delete(row)


def scope_choices(db: Database) -> list[tuple[str, str]]:
    """The scopes a form offers: # [("", "toutes les réponses"), ("produit=e_cps", "Produit : e-CPS"), ("source=3", …)]"""
    choices = [("", "toutes les réponses")]
    for facet in load_taxonomy():
        choices += [(f"{facet.key}={value.key}", f"{facet.key} : {value.label}") for value in facet.values.values()]
    with db.session() as session:
        for source in session.scalars(select(Source).order_by(Source.name)):
            choices.append((f"source={source.id}", f"Source : {source.display_name or source.name}"))
    return choices


def contacts_for_entry(db: Database, entry_id: str) -> list[Contact]:
    """The contacts of an answer: those of its filter values and of its sources, most specific first."""
    tags = tags_by_entry(db, [entry_id]).get(entry_id, {})
    with db.session() as session:
        source_ids = set(session.scalars(select(EntrySource.source_id).where(EntrySource.entry_id == entry_id)))
    return _matching(list_contacts(db), tags, source_ids)


def contacts_for_question(db: Database, question: str) -> list[Contact]:
    """After a refusal: the contacts of the filter values the question names (« ma e-CPS ne marche pas » names
    produit e-CPS through its aliases), else the contacts for everything."""
    text = FoldedText.of(question)
    named: dict[str, list[str]] = {}
    for facet in load_taxonomy():
        for value in facet.values.values():
            if value.aliases.count(text):
                named.setdefault(facet.key, []).append(value.key)
    contacts = list_contacts(db)  # read once: the named subjects' contacts, else those for everything
    everything = [contact for contact in contacts if contact.facet is None and contact.source_id is None]
    return _matching(contacts, named, set()) or everything[:MAX_SHOWN]


def _matching(contacts: Iterable[Contact], tags: Mapping[str, Iterable[str]], source_ids: set[int]) -> list[Contact]:
    pairs = [(facet, value) for facet, values in tags.items() for value in values]
    if not pairs and not source_ids:
        return []
    found = [
        contact
        for contact in contacts
        if (contact.facet, contact.value) in pairs
        or (contact.source_id is not None and contact.source_id in source_ids)
    ]
    found.sort(key=lambda contact: (contact.source_id is None, contact.label))  # a source's own desk first
    return found[:MAX_SHOWN]


def _contact(row: SupportContact, sources: Mapping[int, str]) -> Contact:
    if row.source_id is not None:
        scope = f"source : {sources.get(row.source_id, row.source_id)}"
    elif row.facet and row.value:
        scope = _value_label(row.facet, row.value)
    else:
        scope = _EVERYTHING
    return Contact(
        row.id, row.label, row.phone, row.email, row.url, row.hours, row.facet, row.value, row.source_id, scope
    )


def _value_label(facet_key: str, value_key: str) -> str:
    facet = load_taxonomy().facets.get(facet_key)
    value = facet.values.get(value_key) if facet else None
    return f"{facet_key} : {value.label if value else value_key}"


def _scope(db: Database, scope: str | None) -> tuple[str | None, str | None, int | None]:
    """# "" -> everything; "produit=e_cps" -> a filter value; "source=3" -> a source"""
    scope = (scope or "").strip()
    if not scope:
        return None, None, None
    if scope not in dict(scope_choices(db)):
        raise InvalidInput(
            f"Portée inconnue « {scope[:80]} » : choisissez une valeur de filtre ou une source.", "scope"
        )
    name, _, key = scope.partition("=")
    if name == "source":
        return None, None, int(key)
    return name, key, None


def _checked_phone(phone: str | None) -> str | None:
    """A French number as people read it (« 01 23 45 67 89 »), or an international one with its prefix."""
    typed = _one_line(phone)
    if not typed:
        return None
    try:
        number = phonenumbers.parse(typed, "FR")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise InvalidInput(f"Numéro de téléphone invalide « {typed[:40]} » (exemple : 01 23 45 67 89).", "phone")
    national = number.country_code == 33
    style = phonenumbers.PhoneNumberFormat.NATIONAL if national else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style)


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())
