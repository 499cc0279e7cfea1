"""CSV, JSON and JSONL: one record per entry, French or English column names, exports read back."""

from __future__ import annotations

from pathlib import Path

import pytest

from faqsante.errors import IngestError
from faqsante.ingest.base import parse_file

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refusal(path: Path) -> IngestError:
    with pytest.raises(IngestError) as caught:
        parse_file(path)
    return caught.value


# CSV


def test_csv_rows_become_entries_with_ids_sources_statuses_and_facets() -> None:
    source = parse_file(FIXTURES / "faq.csv")

    assert source.parser == "csv"
    first, second, third = source.entries
    assert first.id == "ins-001"
    assert first.question == "Qu'est-ce que l'INS ?"
    assert first.answer == "L'identité nationale de santé est l'identité officielle de l'usager."
    assert first.section == "Identitovigilance et INS"
    assert first.sources == ("faq-ans.txt", "guide-ins.pdf")
    assert first.status == "published"  # written « publié »
    assert first.facets == {"produit": ("INS",), "thematique": ("identitovigilance", "qualification")}
    assert second.id is None and second.sources == () and second.status == "published"
    assert third.status == "archived"
    assert third.facets == {"produit": ("DMP", "Mon espace santé")}
    assert [entry.position for entry in source.entries] == [0, 1, 2]


def test_csv_quoted_answer_keeps_its_lines_and_each_entry_knows_the_line_its_row_starts_on() -> None:
    entries = parse_file(FIXTURES / "faq.csv").entries

    assert entries[1].answer == (
        "Vérifiez une pièce d'identité à haut niveau de confiance, puis :\n"
        "- interrogez le téléservice INSi ;\n"
        "- enregistrez le statut « qualifiée »."
    )
    assert [entry.line for entry in entries] == [2, 3, 7]  # row 2 spans lines 3-5, line 6 is blank


def test_semicolon_csv_from_excel_with_french_accented_headers() -> None:
    # BOM, CRLF, « Titre;Réponse;Rubrique;Type offre »: what Excel saves in France.
    source = parse_file(FIXTURES / "faq_semicolon.csv")

    first, second = source.entries
    assert first.question == "Quelle est la durée d'une session PSC ?"
    assert first.answer == "Une session dure 4 heures, au-delà il faut se réauthentifier."
    assert first.section == "Pro Santé Connect"
    assert first.facets == {"type_offre": ("Éditeurs",)}
    assert second.answer == "Non, l'e-CPS suffit." and second.facets == {}


def test_tab_separated_csv(tmp_path: Path) -> None:
    path = write(tmp_path, "faq.csv", "question\tanswer\nQu'est-ce que l'INS ?\tL'identité, officielle.\n")

    [entry] = parse_file(path).entries

    assert entry.answer == "L'identité, officielle."


@pytest.mark.parametrize(
    "header",
    ["QUESTION,RÉPONSE,CATÉGORIE", "Title,Answer_Text,Category", "q,texte,rubrique", "Titre,Reponse,Categorie"],
)
def test_column_names_match_whatever_their_case_accents_and_language(tmp_path: Path, header: str) -> None:
    path = write(tmp_path, "faq.csv", f"{header}\nQui ?,Tout le monde.,Général\n")

    [entry] = parse_file(path).entries

    assert (entry.question, entry.answer, entry.section) == ("Qui ?", "Tout le monde.", "Général")


def test_csv_without_answer_column_is_refused_naming_the_file_and_line() -> None:
    error = refusal(FIXTURES / "missing_answer.csv")

    assert error.path.endswith("missing_answer.csv")
    assert error.line == 1
    assert "colonne de réponse introuvable" in error.reason
    assert "question, titre, rubrique" in error.reason  # the columns it did find


def test_csv_row_with_an_empty_answer_is_refused_at_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "faq.csv", "question,answer\nQui ?,Tout le monde.\nQuand ?,  \n")

    error = refusal(path)

    assert error.line == 3
    assert "réponse vide" in error.reason


def test_csv_row_with_more_values_than_columns_is_refused_rather_than_cut(tmp_path: Path) -> None:
    path = write(tmp_path, "faq.csv", "question,answer\nQui ?,Les médecins, les infirmiers\n")

    error = refusal(path)

    assert error.line == 2
    assert "3 valeurs pour 2 colonnes" in error.reason


def test_csv_unclosed_quote_is_refused_rather_than_swallowing_the_rest_of_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "faq.csv", 'question,answer\nQui ?,"Tout le monde.\nQuand ?,Toujours.\n')

    error = refusal(path)

    assert error.line == 2
    assert "CSV illisible" in error.reason


def test_unknown_status_is_refused_saying_which_values_are_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, "faq.csv", "question,answer,status\nQui ?,Tout le monde.,brouillon\n")

    error = refusal(path)

    assert error.line == 2
    assert "statut inconnu « brouillon »" in error.reason and "publié ou archivé" in error.reason


def test_facets_object_naming_an_unknown_facet_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "faq.jsonl", '{"answer": "Oui.", "facets": {"couleur": ["bleu"]}}\n')

    error = refusal(path)

    assert error.line == 1
    assert "facette inconnue « couleur »" in error.reason


# JSON


def test_json_entries_object_with_facets_ids_and_french_keys() -> None:
    source = parse_file(FIXTURES / "faq.json")

    assert source.parser == "json"
    first, second, third = source.entries
    assert first.id == "psc-001" and first.sources == ("faq-ans.txt",)
    assert first.facets == {"type_offre": ("Éditeurs", "Établissements"), "produit": ("Pro Santé Connect",)}
    assert second.question is None and second.section is None and second.status == "archived"
    assert (third.question, third.answer, third.section, third.status) == (
        "Qui contacter ?",
        "Le support de l'ANS.",
        "Général",
        "archived",  # « Statut »: « Archivé »
    )


def test_json_list_of_objects(tmp_path: Path) -> None:
    record = '{"id": 12, "titre": "Qui ?", "réponse": "Tout le monde.", "sources": "a.txt; b.txt"}'
    path = write(tmp_path, "faq.json", f"[{record}]")

    [entry] = parse_file(path).entries

    assert entry.id == "12"
    assert entry.question == "Qui ?"
    assert entry.sources == ("a.txt", "b.txt")


def test_invalid_json_is_refused_at_the_line_of_the_error() -> None:
    error = refusal(FIXTURES / "broken.json")

    assert error.path.endswith("broken.json")
    assert error.line == 4
    assert "JSON invalide" in error.reason


def test_json_that_is_neither_a_list_nor_an_entries_object_is_refused(tmp_path: Path) -> None:
    error = refusal(write(tmp_path, "faq.json", '{"questions": []}'))

    assert '{"entries": [...]}' in error.reason


def test_json_entry_that_is_not_an_object_is_refused_naming_its_rank(tmp_path: Path) -> None:
    error = refusal(write(tmp_path, "faq.json", '[{"answer": "Oui."}, "Non."]'))

    assert "entrée n° 2" in error.reason


def test_json_entry_with_an_empty_answer_is_refused_naming_its_rank(tmp_path: Path) -> None:
    error = refusal(write(tmp_path, "faq.json", '[{"answer": "Oui."}, {"question": "Et alors ?", "answer": ""}]'))

    assert error.line is None
    assert error.reason == "entrée n° 2 : réponse vide ou absente"


def test_json_value_of_the_wrong_type_is_refused(tmp_path: Path) -> None:
    error = refusal(write(tmp_path, "faq.json", '[{"question": ["Qui ?"], "answer": "Oui."}]'))

    assert "« question » doit être un texte" in error.reason


# JSONL


def test_jsonl_one_object_per_line_and_blank_lines_skipped() -> None:
    source = parse_file(FIXTURES / "faq.jsonl")

    assert source.parser == "jsonl"
    first, second, third = source.entries
    assert [entry.line for entry in source.entries] == [1, 3, 4]
    assert first.facets == {"produit": ("MSSanté",)}
    assert second.answer == "Medimail conserve les messages pendant 3 mois.\n\nAu-delà, ils sont supprimés."
    assert (third.question, third.answer, third.section) == (
        "Où trouver l'alias MSSanté ?",
        "Dans l'annuaire santé.",
        "MSSanté",
    )
    assert third.facets == {"thematique": ("annuaire", "messagerie")}


def test_jsonl_line_that_is_not_an_object_is_refused_at_its_line(tmp_path: Path) -> None:
    error = refusal(write(tmp_path, "faq.ndjson", '{"answer": "Oui."}\n["Non."]\n'))

    assert error.line == 2
    assert "objet JSON" in error.reason


def test_jsonl_line_that_does_not_parse_is_refused_at_its_line(tmp_path: Path) -> None:
    error = refusal(write(tmp_path, "faq.jsonl", '{"answer": "Oui."}\n\n{"answer": "Non.\n'))

    assert error.line == 3
    assert "JSON invalide" in error.reason


# What `faqsante export` writes comes back as it left.

EXPORTED = [
    {
        "id": "e-ins-1",
        "question": "Qu'est-ce que l'INS ?",
        "answer": "L'identité nationale de santé.\n\n- matricule INS\n- traits d'identité",
        "section": "Identitovigilance et INS",
        "sources": ["004_f08617c875fe96e2.txt", "faq-ins.md"],
        "status": "archived",
        "facets": {"produit": ["INS"], "thematique": ["identitovigilance", "qualification"]},
    },
    {
        "id": "e-psc-2",
        "question": None,
        "answer": "Une session dure 4 heures.",
        "section": None,
        "sources": [],
        "status": "published",
    },
]


@pytest.mark.parametrize("format", ["jsonl", "json", "csv"])
def test_an_export_read_back_restores_ids_sources_statuses_and_facets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, format: str
) -> None:
    from faqsante.store import export

    monkeypatch.setattr(export, "export_records", lambda db: iter(EXPORTED))
    path = write(tmp_path, f"export.{format}", export.render_export(None, format))  # type: ignore[arg-type]

    entries = parse_file(path).entries

    assert [
        {
            "id": entry.id,
            "question": entry.question,
            "answer": entry.answer,
            "section": entry.section,
            "sources": list(entry.sources),
            "status": entry.status,
            **({"facets": {facet: list(values) for facet, values in entry.facets.items()}} if entry.facets else {}),
        }
        for entry in entries
    ] == EXPORTED
