"""Support contacts (#20.3): editors say who visitors can reach, for a filter value, a source or everything; an
answer shows the contacts of its subject, a refused question the contacts of what it names."""

from __future__ import annotations

from pathlib import Path

import pytest

from faqsante.answers import catalog
from faqsante.config import Settings
from faqsante.editing import sources, support
from faqsante.errors import InvalidInput, NotFound
from faqsante.facets import retag, tags_by_entry
from faqsante.ingest import ingest_paths
from faqsante.store import Database

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample" / "001_551341d1aa6bf55a.txt"
ECPS = {"label": "Support e-CPS", "phone": "0123456789", "hours": "du lundi au vendredi, 8 h – 18 h",
        "scope": "produit=e_cps"}  # fmt: skip


@pytest.fixture
def seeded(db: Database, tmp_path: Path) -> Database:
    ingest_paths(db, [SAMPLE])
    retag(db, Settings().model_copy(update={"embedder": "none", "index_dir": tmp_path / "index"}))
    return db


def tagged(db: Database, facet: str, value: str) -> str:
    tags = tags_by_entry(db)
    return next(entry_id for entry_id, entry_tags in tags.items() if value in entry_tags.get(facet, []))


def test_a_contact_for_a_product_shows_under_its_answers_only(seeded: Database) -> None:
    contact_id = support.save_contact(seeded, None, ECPS)
    [contact] = support.list_contacts(seeded)
    assert (contact.id, contact.phone, contact.facet, contact.value) == (
        contact_id,
        "01 23 45 67 89",
        "produit",
        "e_cps",
    )
    assert contact.scope == "produit : e-CPS et carte CPS"
    assert support.contacts_for_entry(seeded, tagged(seeded, "produit", "e_cps")) == [contact]
    other = next(item.id for item in catalog.list_entries(seeded, per_page=100).items
                 if "e_cps" not in tags_by_entry(seeded, [item.id]).get(item.id, {}).get("produit", []))  # fmt: skip
    assert support.contacts_for_entry(seeded, other) == []


def test_a_refused_question_gets_the_contacts_of_the_subject_it_names(seeded: Database) -> None:
    support.save_contact(seeded, None, ECPS)
    support.save_contact(seeded, None, {"label": "Accueil ANS", "email": "contact@esante.gouv.fr", "scope": ""})
    named = support.contacts_for_question(seeded, "ma carte e-CPS ne s'active plus sur mon téléphone")
    assert [contact.label for contact in named] == ["Support e-CPS"]
    # Nothing named: the contact for everything.
    general = support.contacts_for_question(seeded, "je voudrais parler à quelqu'un")
    assert [contact.label for contact in general] == ["Accueil ANS"]


def test_a_source_contact_covers_every_answer_of_that_source_first(seeded: Database) -> None:
    [source] = sources.list_sources(seeded)
    support.save_contact(seeded, None, ECPS)
    support.save_contact(seeded, None, {"label": "Assistance régionale", "url": "https://example.fr/contact",
                                        "scope": f"source={source.id}"})  # fmt: skip
    shown = support.contacts_for_entry(seeded, tagged(seeded, "produit", "e_cps"))
    assert [contact.label for contact in shown] == ["Assistance régionale", "Support e-CPS"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"label": " ", "phone": "0123456789"}, "label"),
        ({"label": "x" * 121, "phone": "0123456789"}, "label"),
        ({"label": "Support"}, "phone"),  # no way to reach it
        ({"label": "Support", "phone": "12"}, "phone"),
        ({"label": "Support", "phone": "01 23"}, "phone"),
        ({"label": "Support", "email": "=?utf-8?q?x=0D=0ABcc:z?=@x.fr"}, "email"),
        ({"label": "Support", "email": "a@b.fr, c@d.fr"}, "email"),
        ({"label": "Support", "url": "javascript:alert(1)"}, "url"),
        ({"label": "Support", "phone": "0123456789", "scope": "produit=inconnu"}, "scope"),
        ({"label": "Support", "phone": "0123456789", "scope": "source=999"}, "scope"),
        ({"label": "Support", "phone": "0123456789", "hours": "h" * 256}, "hours"),
    ],
)
def test_a_contact_that_cannot_be_used_is_refused_naming_the_field(
    seeded: Database, fields: dict[str, str], field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        support.save_contact(seeded, None, fields)
    assert refused.value.field == field
    assert support.list_contacts(seeded) == []


def test_editing_and_deleting_a_contact(seeded: Database) -> None:
    contact_id = support.save_contact(seeded, None, ECPS)
    support.save_contact(seeded, contact_id, {**ECPS, "phone": "+32 2 555 12 12", "scope": ""})
    [contact] = support.list_contacts(seeded)
    assert (contact.phone, contact.facet, contact.scope) == ("+32 2 555 12 12", None, "toutes les réponses")
    support.delete_contact(seeded, contact_id)
    assert support.list_contacts(seeded) == []
    with pytest.raises(NotFound):
        support.delete_contact(seeded, contact_id)
    with pytest.raises(NotFound):
        support.save_contact(seeded, contact_id, ECPS)


def test_the_contact_check_flags_a_mistyped_support_address(seeded: Database) -> None:
    good = support.save_contact(seeded, None, {"label": "Support", "email": "assistance@esante.gouv.fr"})
    bad = support.save_contact(seeded, None, {"label": "Support bis", "email": "assitance@esante.gouv.fr"})
    warnings = support.contact_warnings(seeded, support.list_contacts(seeded))
    assert good not in warnings
    assert "« assitance » ressemble à « assistance »" in warnings[bad][0]
