"""Editors' changes to the glossary: add a term, change one, turn it off or on, delete it; read its history.

The shipped ``search/glossary.yaml`` stays the default; an editor's entry (``glossary_terms``) replaces the
shipped or found entry of the same key, or turns it off (``search.glossary`` layers them). Only editors' entries
apply to search (``search.expansion``), so an editor's entry never equals the entry it replaces: saving the
shipped text unchanged records nothing, and turning a shipped entry off then on again gives it back as shipped.
Each change is one transaction that writes a history row (who, when, before, after) and bumps the data version
once, so every worker searches with it from its next question, without rebuilding an index:
# add_term(db, {"term": "carte CPS", "kind": "synonym", "forms": "e-CPS"}, author="marie")  ->  "carte cps"
# history(db, "carte cps")  ->  [Change(action="add", author="marie", before=None, after={"term": "carte CPS", …})]
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from faqsante.analysis import FrenchAnalyzer
from faqsante.errors import InvalidInput, NotFound
from faqsante.search.glossary import (
    GlossaryEntry,
    found_definitions,
    glossary_key,
    layered,
    load_curated,
    load_editors,
)
from faqsante.store import Database
from faqsante.store.db import bump_data_version
from faqsante.store.models import GLOSSARY_KINDS, GlossaryChange, GlossaryTerm, Meta, column_length, utcnow
from faqsante.store.storable import unstorable
from faqsante.text import fold

MAX_TERM_LENGTH = column_length(GlossaryTerm.__table__.c.term)  # 80
MAX_FORMS = 20
MAX_FORM_LENGTH = 120
MAX_DEFINITION_LENGTH = 500
MAX_EDITORS_TERMS = 2_000  # ten times the shipped file: every question is matched against them all
KIND_LABELS = {"acronym": "sigle", "synonym": "synonyme"}
_ANALYZER = FrenchAnalyzer()


@dataclass(frozen=True)
class GlossaryItem:
    """A term as the workspace lists it: the entry in force (or turned off) and the entry it replaces, if any."""

    entry: GlossaryEntry
    base: GlossaryEntry | None  # the shipped or found entry an editor's entry replaces

    @property
    def key(self) -> str:
        return self.entry.key

    @property
    def searched(self) -> bool:
        """Applied to search: an editor's entry in force."""
        return self.entry.origin == "editor" and self.entry.enabled

    @property
    def status(self) -> str:
        """# « livré », « trouvé dans les réponses », « ajouté », « modifié », « désactivé » (a term)"""
        if not self.entry.enabled:
            return "désactivé"
        if self.entry.origin == "editor":
            return "modifié" if self.base is not None else "ajouté"
        return "livré" if self.entry.origin == "curated" else "trouvé dans les réponses"


@dataclass(frozen=True)
class Change:
    """One line of a term's history. ``before`` and ``after`` are ``snapshot`` dicts; None: no entry."""

    action: str  # add | edit | disable | enable | delete
    author: str
    changed_at: datetime
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "changed_at": self.changed_at.isoformat()}


def snapshot(entry: GlossaryEntry) -> dict[str, Any]:
    # {"term": "e-CPS", "kind": "acronym", "forms": ["carte CPS dématérialisée"], "definition": null,
    #  "enabled": true, "origin": "curated"}
    return {
        "term": entry.term,
        "kind": entry.kind,
        "forms": list(entry.expansions),
        "definition": entry.definition,
        "enabled": entry.enabled,
        "origin": entry.origin,
    }


def workspace_glossary(db: Database, query: str = "") -> list[GlossaryItem]:
    """Every term, those turned off included, sorted; ``query`` keeps those whose term, forms or definition hold it."""
    found = found_definitions(db)
    bases = {entry.key: entry for entry in layered(found=found)}  # shipped and found, no editor's
    items = [
        GlossaryItem(entry, bases.get(entry.key) if entry.origin == "editor" else None)
        for entry in layered(load_editors(db), found, disabled=True)
    ]
    wanted = fold(" ".join(query.split()))
    if not wanted:
        return items
    return [
        item
        for item in items
        if any(wanted in fold(text) for text in (item.entry.term, *item.entry.expansions, item.entry.definition or ""))
    ]


def glossary_item(db: Database, key: str) -> GlossaryItem:
    """One term by its key, NotFound if no layer has it."""
    with db.session() as session:
        row = session.scalar(select(GlossaryTerm).where(GlossaryTerm.key == key))
        own = _entry_of(row) if row is not None else None
    base = _base(db, key)
    if own is not None:
        return GlossaryItem(own, base)
    if base is None:
        raise NotFound(f"Aucun terme du glossaire n'a la clé « {key[:80]} ».")
    return GlossaryItem(base, None)


def add_term(db: Database, fields: Mapping[str, str | None], *, author: str) -> str:
    """A new term (its key); a key the glossary already has is refused, naming the term that holds it."""
    entry = checked_entry(fields)
    key = entry.key
    shipped = next((curated for curated in load_curated() if curated.key == key), None)
    try:
        with db.session() as session:
            row = session.scalar(select(GlossaryTerm).where(GlossaryTerm.key == key))
            held = _entry_of(row) if row is not None else shipped
            if held is not None:
                state = "" if held.enabled else " (désactivé)"
                raise InvalidInput(
                    f"Le glossaire a déjà le terme « {held.term} »{state} : modifiez-le plutôt que de l'ajouter.",
                    "term",
                )
            if (session.scalar(select(func.count()).select_from(GlossaryTerm)) or 0) >= MAX_EDITORS_TERMS:
                raise InvalidInput(
                    f"Le glossaire compte déjà {MAX_EDITORS_TERMS} termes des rédacteurs : supprimez ceux qui ne "
                    "servent plus avant d'en ajouter.",
                    "term",
                )
            _write(session, key, entry, author)
            _record(session, key, "add", author, None, entry)
    except IntegrityError:  # another editor added it meanwhile
        raise InvalidInput(f"Le glossaire a déjà le terme « {entry.term} » : modifiez-le.", "term") from None
    return key


def edit_term(db: Database, key: str, fields: Mapping[str, str | None], *, author: str) -> bool:
    """Change a term (an editor's, or a shipped or found one, which an editor's entry then replaces); its spelling
    may change, not its key. False when nothing changed."""
    entry = checked_entry(fields)
    if entry.key != key:
        raise InvalidInput(
            "Le terme ne peut changer que d'écriture (majuscules, accents, tirets) : pour un autre terme, "
            "ajoutez-le, puis supprimez ou désactivez celui-ci.",
            "term",
        )
    base = _base(db, key)
    with db.session() as session:
        row, before = _in_force(session, key, base)
        entry = GlossaryEntry(entry.term, entry.expansions, entry.definition, "editor", entry.kind, before.enabled)
        if _same(entry, before):
            return False
        _keep(session, key, entry, base, row, author)
        _record(session, key, "edit", author, before, entry)
    return True


def set_enabled(db: Database, key: str, enabled: bool, *, author: str) -> bool:
    """Turn a term off (it leaves search, topics and titles) or on again; False when it already was."""
    base = _base(db, key)
    with db.session() as session:
        row, before = _in_force(session, key, base)
        if before.enabled == enabled:
            return False
        after = GlossaryEntry(before.term, before.expansions, before.definition, "editor", before.kind, enabled)
        after = _keep(session, key, after, base, row, author)
        _record(session, key, "enable" if enabled else "disable", author, before, after)
    return True


def _in_force(session: Session, key: str, base: GlossaryEntry | None) -> tuple[GlossaryTerm | None, GlossaryEntry]:
    """The editors' row for ``key`` (None without one) and the entry in force: theirs, else the shipped or found one."""
    row = session.scalar(select(GlossaryTerm).where(GlossaryTerm.key == key))
    entry = _entry_of(row) if row is not None else base
    if entry is None:
        raise NotFound(f"Aucun terme du glossaire n'a la clé « {key[:80]} ».")
    return row, entry


def _keep(
    session: Session,
    key: str,
    entry: GlossaryEntry,
    base: GlossaryEntry | None,
    row: GlossaryTerm | None,
    author: str,
) -> GlossaryEntry:
    """Store ``entry`` as the editors' own, unless it is the shipped (or found) entry again, enabled: then their row
    goes and the shipped entry is back as shipped, applying to search no more than before. Returns what is in force."""
    if row is not None and base is not None and entry.enabled and _same(entry, base):
        session.delete(row)
        return base
    _write(session, key, entry, author, row)
    return entry


def delete_term(db: Database, key: str, *, author: str) -> GlossaryEntry | None:
    """Delete an editor's entry: a term they added leaves the glossary (None), a replaced one comes back as shipped
    or found (returned)."""
    base = _base(db, key)
    with db.session() as session:
        row = session.scalar(select(GlossaryTerm).where(GlossaryTerm.key == key))
        if row is None:
            raise NotFound(f"Le terme « {key[:80]} » n'a pas d'entrée des éditeurs à supprimer : désactivez-le plutôt.")
        before = _entry_of(row)
        session.delete(row)
        _record(session, key, "delete", author, before, base)
    return base


def history(db: Database, key: str) -> list[Change]:
    """A term's changes, the latest first."""
    with db.session() as session:
        rows = session.scalars(
            select(GlossaryChange).where(GlossaryChange.key == key).order_by(GlossaryChange.id.desc())
        ).all()
        return [Change(row.action, row.author, row.changed_at, _loaded(row.before), _loaded(row.after)) for row in rows]


def checked_entry(fields: Mapping[str, str | None]) -> GlossaryEntry:
    """An editor's entry from a form's fields, every limit checked (French messages naming the field).

    # {"term": " carte  CPS ", "kind": "synonym", "forms": "e-CPS\\n\\nE-CPS\\ncarte CPS"}
    #   -> GlossaryEntry("carte CPS", ("e-CPS",), kind="synonym", origin="editor")  (one form per key, not the term)
    """
    for name, label in (("term", "Le terme"), ("forms", "Les formes"), ("definition", "La définition")):
        problem = unstorable(fields.get(name) or "", label)
        if problem:
            raise InvalidInput(f"{problem} : retirez-le puis réessayez.", name)
    term = _one_line(fields.get("term"))
    if not term:
        raise InvalidInput("Saisissez le terme, par exemple « e-CPS » ou « carte CPS ».", "term")
    if len(term) > MAX_TERM_LENGTH:
        raise InvalidInput(f"Le terme est trop long ({len(term)} caractères, {MAX_TERM_LENGTH} au plus).", "term")
    _searchable(term, "Le terme", "term")
    kind = (fields.get("kind") or "").strip()
    if kind not in GLOSSARY_KINDS:
        raise InvalidInput("Choisissez la nature du terme : sigle ou synonyme.", "kind")
    lines = [_one_line(line) for line in (fields.get("forms") or "").splitlines()]
    forms: dict[str, str] = {}  # key -> the form as first written
    for form in (line for line in lines if line):
        if len(form) > MAX_FORM_LENGTH:
            raise InvalidInput(
                f"La forme « {form[:40]}… » est trop longue ({len(form)} caractères, {MAX_FORM_LENGTH} au plus).",
                "forms",
            )
        _searchable(form, f"La forme « {form} »", "forms")
        forms.setdefault(glossary_key(form), form)
    forms.pop(glossary_key(term), None)
    if not forms:
        what = "sa forme développée" if kind == "acronym" else "au moins un synonyme"
        raise InvalidInput(f"Indiquez {what}, une par ligne.", "forms")
    if len(forms) > MAX_FORMS:
        raise InvalidInput(f"Trop de formes ({len(forms)}, {MAX_FORMS} au plus) : gardez les plus courantes.", "forms")
    definition = _one_line(fields.get("definition")) or None
    if definition and len(definition) > MAX_DEFINITION_LENGTH:
        raise InvalidInput(
            f"La définition est trop longue ({len(definition)} caractères, {MAX_DEFINITION_LENGTH} au plus).",
            "definition",
        )
    return GlossaryEntry(term, tuple(forms.values()), definition, "editor", kind)


def _searchable(text: str, label: str, field: str) -> None:
    """A name search can find in a question: a word that is not a stop word (« mes » is one, « MES » is not)."""
    if not any(_ANALYZER.keep(token) for token in _ANALYZER.tokens(text)):
        raise InvalidInput(
            f"{label} ne contient aucun mot que la recherche retienne (lettres ou chiffres, hors mots vides "
            "comme « le » ou « mes »).",
            field,
        )


def _base(db: Database, key: str) -> GlossaryEntry | None:
    """The shipped entry of a key, else the one the answers define."""
    shipped = next((entry for entry in load_curated() if entry.key == key), None)
    if shipped is not None:
        return shipped
    return next((entry for entry in found_definitions(db) if entry.key == key), None)


def _same(one: GlossaryEntry, other: GlossaryEntry) -> bool:
    fields = ("term", "kind", "forms", "definition", "enabled")
    return all(snapshot(one)[name] == snapshot(other)[name] for name in fields)


def _write(session: Session, key: str, entry: GlossaryEntry, author: str, row: GlossaryTerm | None = None) -> None:
    row = row if row is not None else GlossaryTerm(key=key)
    row.term, row.kind, row.forms, row.definition = (
        entry.term,
        entry.kind,
        "\n".join(entry.expansions),
        entry.definition,
    )
    row.enabled, row.updated_at, row.updated_by = entry.enabled, utcnow(), author
    session.add(row)
    session.flush()


def _record(
    session: Session, key: str, action: str, author: str, before: GlossaryEntry | None, after: GlossaryEntry | None
) -> None:
    """The history row, with the data version this change moves to (``search.glossary.only_glossary_changed``)."""
    bump_data_version(session)
    version = int(session.scalar(select(Meta.value).where(Meta.key == "data_version")) or 0)
    session.add(
        GlossaryChange(
            key=key,
            version=version,
            action=action,
            author=author,
            changed_at=utcnow(),
            before=json.dumps(snapshot(before), ensure_ascii=False) if before is not None else None,
            after=json.dumps(snapshot(after), ensure_ascii=False) if after is not None else None,
        )
    )


def _loaded(text: str | None) -> dict[str, Any] | None:
    loaded: dict[str, Any] | None = json.loads(text) if text else None
    return loaded


def _entry_of(row: GlossaryTerm) -> GlossaryEntry:
    return GlossaryEntry(row.term, tuple(row.forms.splitlines()), row.definition, "editor", row.kind, row.enabled)


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())
