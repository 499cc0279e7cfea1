"""The glossary editors change (#20.4): their entries over the shipped file, each change with its history, and
the data versions that tell a search engine only the glossary moved."""

from __future__ import annotations

import pytest

from faqsante.editing import glossary
from faqsante.errors import InvalidInput, NotFound
from faqsante.search.glossary import load_glossary, only_glossary_changed
from faqsante.store import Database
from faqsante.store.db import bump_data_version

SYNONYM = {"term": "carte CPS", "kind": "synonym", "forms": "e-CPS", "definition": ""}


def in_force(db: Database) -> dict[str, tuple[str, ...]]:
    return {entry.key: entry.expansions for entry in load_glossary(db=db)}


def test_an_added_term_is_in_the_glossary_with_its_history(db: Database) -> None:
    key = glossary.add_term(db, {**SYNONYM, "term": " Bidule  vert ", "forms": "e-CPS\n\nE-CPS\nbidule vert\n"},
                            author="marie")  # fmt: skip

    assert key == "bidule vert"
    assert in_force(db)[key] == ("e-CPS",)  # one form per key, not the term itself
    [change] = glossary.history(db, key)
    assert (change.action, change.author, change.before) == ("add", "marie", None)
    assert change.after is not None and change.after["term"] == "Bidule vert"
    assert glossary.glossary_item(db, key).searched


def test_the_same_term_twice_is_refused_whatever_its_case_accents_or_hyphens(db: Database) -> None:
    glossary.add_term(db, SYNONYM, author="marie")
    with pytest.raises(InvalidInput, match="déjà le terme « carte CPS »") as error:
        glossary.add_term(db, {**SYNONYM, "term": "Carte-CPS"}, author="léa")
    assert error.value.field == "term"
    with pytest.raises(InvalidInput, match="déjà le terme « e-CPS »"):  # a shipped term: edit it instead
        glossary.add_term(db, {**SYNONYM, "term": "E-CPS", "forms": "sésame"}, author="léa")
    assert len(glossary.history(db, "carte cps")) == 1


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"term": ""}, "term", "Saisissez le terme"),
        ({"term": "x" * 81}, "term", "trop long"),
        ({"term": "le"}, "term", "aucun mot que la recherche retienne"),
        ({"term": "***"}, "term", "aucun mot"),
        ({"term": "carte\x00CPS"}, "term", "caractère NUL"),
        ({"kind": "autre"}, "kind", "sigle ou synonyme"),
        ({"forms": ""}, "forms", "au moins un synonyme"),
        ({"forms": "carte CPS"}, "forms", "au moins un synonyme"),  # the term itself is no form
        ({"kind": "acronym", "forms": " \n"}, "forms", "sa forme développée"),
        ({"forms": "e" * 121}, "forms", "trop longue"),
        ({"forms": "\n".join(f"forme {n}" for n in range(21))}, "forms", "Trop de formes"),
        ({"forms": "e-CPS\n(.*)"}, "forms", "aucun mot"),
        ({"forms": "e-CPS\x00"}, "forms", "caractère NUL"),
        ({"definition": "d" * 501}, "definition", "trop longue"),
    ],
)
def test_every_field_is_checked_with_a_french_message_naming_it(
    db: Database, fields: dict[str, str], field: str, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message) as error:
        glossary.add_term(db, {**SYNONYM, **fields}, author="marie")
    assert error.value.field == field
    assert glossary.history(db, "carte cps") == []


def test_regex_characters_are_plain_characters_in_a_term(db: Database) -> None:
    key = glossary.add_term(db, {**SYNONYM, "term": "C++ (v2.0)*", "forms": "[a-z]+ e-CPS"}, author="marie")
    assert key == "c v2 0"
    assert glossary.glossary_item(db, key).entry.expansions == ("[a-z]+ e-CPS",)


def test_a_shipped_entry_edited_becomes_the_editors_and_deleting_it_brings_the_shipped_one_back(db: Database) -> None:
    shipped = in_force(db)["psc"]
    changed = glossary.edit_term(db, "psc", {"term": "PSC", "kind": "acronym", "forms": "Pro Santé Connect\nProSantéConnect"},
                                 author="marie")  # fmt: skip

    assert changed and in_force(db)["psc"] == ("Pro Santé Connect", "ProSantéConnect")
    item = glossary.glossary_item(db, "psc")
    assert (item.status, item.searched, item.base is not None) == ("modifié", True, True)
    assert glossary.delete_term(db, "psc", author="marie") is not None
    assert in_force(db)["psc"] == shipped and not glossary.glossary_item(db, "psc").searched
    assert [change.action for change in glossary.history(db, "psc")] == ["delete", "edit"]


def test_saving_a_shipped_entry_unchanged_records_nothing(db: Database) -> None:
    item = glossary.glossary_item(db, "psc")
    fields = {"term": item.entry.term, "kind": item.entry.kind, "forms": "\n".join(item.entry.expansions),
              "definition": item.entry.definition}  # fmt: skip
    assert glossary.edit_term(db, "psc", fields, author="marie") is False
    assert glossary.history(db, "psc") == [] and not glossary.glossary_item(db, "psc").searched


def test_a_term_changes_its_spelling_not_its_key(db: Database) -> None:
    glossary.add_term(db, SYNONYM, author="marie")
    assert glossary.edit_term(db, "carte cps", {**SYNONYM, "term": "Carte CPS"}, author="léa")
    with pytest.raises(InvalidInput, match="ajoutez-le") as error:
        glossary.edit_term(db, "carte cps", {**SYNONYM, "term": "carte vitale"}, author="léa")
    assert error.value.field == "term"
    with pytest.raises(NotFound):
        glossary.edit_term(db, "inconnu", {**SYNONYM, "term": "inconnu"}, author="léa")


def test_a_disabled_shipped_entry_leaves_the_glossary_and_comes_back_as_shipped(db: Database) -> None:
    shipped = in_force(db)["dmp"]
    assert glossary.set_enabled(db, "dmp", False, author="marie")

    assert "dmp" not in in_force(db)
    assert glossary.glossary_item(db, "dmp").status == "désactivé"
    assert glossary.set_enabled(db, "dmp", False, author="marie") is False  # already off: nothing recorded
    assert glossary.set_enabled(db, "dmp", True, author="léa")
    assert in_force(db)["dmp"] == shipped
    item = glossary.glossary_item(db, "dmp")
    assert (item.status, item.searched) == ("livré", False)  # back as shipped: not applied to search
    assert [(c.action, c.author) for c in glossary.history(db, "dmp")] == [("enable", "léa"), ("disable", "marie")]


def test_only_an_editors_entry_can_be_deleted(db: Database) -> None:
    with pytest.raises(NotFound, match="désactivez-le plutôt"):
        glossary.delete_term(db, "dmp", author="marie")
    glossary.add_term(db, SYNONYM, author="marie")
    assert glossary.delete_term(db, "carte cps", author="marie") is None  # no shipped entry comes back
    assert "carte cps" not in in_force(db)
    with pytest.raises(NotFound):
        glossary.glossary_item(db, "carte cps")
    assert [change.action for change in glossary.history(db, "carte cps")] == ["delete", "add"]


def test_the_workspace_lists_every_term_and_finds_them_by_term_form_or_definition(db: Database) -> None:
    glossary.add_term(db, SYNONYM, author="marie")
    glossary.set_enabled(db, "dmp", False, author="marie")
    listed = {item.key: item.status for item in glossary.workspace_glossary(db)}
    assert (listed["carte cps"], listed["dmp"], listed["ins"]) == ("ajouté", "désactivé", "livré")
    assert [item.key for item in glossary.workspace_glossary(db, "  CARTE   cps ")][:1] == ["carte cps"]
    assert {item.key for item in glossary.workspace_glossary(db, "dossier médical")} >= {"dmp"}


def test_a_search_engine_knows_when_only_the_glossary_moved(db: Database) -> None:
    start = db.data_version()
    glossary.add_term(db, SYNONYM, author="marie")
    glossary.set_enabled(db, "dmp", False, author="marie")
    assert only_glossary_changed(db, start, db.data_version())
    with db.session() as session:  # any other change: an entry saved, a restore
        bump_data_version(session)
    assert not only_glossary_changed(db, start, db.data_version())
    assert not only_glossary_changed(db, start, start)


def test_the_editors_terms_are_bounded(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(glossary, "MAX_EDITORS_TERMS", 1)
    glossary.add_term(db, SYNONYM, author="marie")
    with pytest.raises(InvalidInput, match="compte déjà 1 termes des rédacteurs") as error:
        glossary.add_term(db, {**SYNONYM, "term": "sésame"}, author="marie")
    assert error.value.field == "term"
