"""The taxonomy file: five facets with the sites' prompts, French labels, and user input resolved to keys."""

from pathlib import Path

import pytest

from faqsante.errors import FaqsanteError, InvalidQuery
from faqsante.facets.taxonomy import load_taxonomy, parse_taxonomy
from faqsante.text import fold_words

FILTERS = ["type_offre", "couloir_segur", "dispositif_segur", "produit", "thematique"]  # taxonomy.yaml


def test_the_five_facets_carry_the_prompts_the_sites_show_without_their_typo(sample_dir: Path) -> None:
    taxonomy = load_taxonomy()
    prompts = (sample_dir / "000_579ae92fbe6641e0.txt").read_text(encoding="utf-8").splitlines()[:5]
    # The sites ask « … quel produit ou service produit ? »: the portal keeps the question, not the slip (#12.1).
    corrected = [fold_words(prompt).replace("produit ou service produit", "produit ou service") for prompt in prompts]

    assert list(taxonomy.facets) == FILTERS
    assert [fold_words(facet.label) for facet in taxonomy] == corrected


def test_every_facet_keeps_general_other() -> None:
    for facet in load_taxonomy():
        assert facet.values["general"].label == "Général / Autre"
        assert len(facet.values) >= 5


def test_domain_values_are_there() -> None:
    taxonomy = load_taxonomy()
    assert {"ins", "mon_espace_sante", "dmp", "mssante", "e_cps", "pro_sante_connect", "viatrajectoire"} <= set(
        taxonomy.facets["produit"].values
    )
    assert {"sons", "sun_es", "esms_numerique", "hopen"} <= set(taxonomy.facets["dispositif_segur"].values)


@pytest.mark.parametrize(
    ("facet", "value", "key"),
    [
        ("produit", "INS", "ins"),
        ("Produit", "ins", "ins"),
        ("produit", "mon espace sante", "mon_espace_sante"),
        ("produit", "Mon Espace Santé", "mon_espace_sante"),
        ("produit", "identité nationale de santé", "ins"),  # an alias
        ("thématique", "Sécurité et protection des données", "securite"),
        ("dispositif_segur", "SUN-ES", "sun_es"),
    ],
)
def test_user_values_resolve_to_keys(facet: str, value: str, key: str) -> None:
    resolved = load_taxonomy().resolve_filters({facet: [value]})
    assert list(resolved.values()) == [[key]]


def test_unknown_value_is_a_french_error_listing_the_valid_ones() -> None:
    with pytest.raises(InvalidQuery) as error:
        load_taxonomy().resolve_filters({"produit": ["Minitel"]})
    assert "valeur inconnue « Minitel »" in str(error.value)
    assert "ins (INS (identité nationale de santé))" in str(error.value)


def test_unknown_facet_is_a_french_error_listing_the_valid_ones() -> None:
    with pytest.raises(
        InvalidQuery, match="filtre inconnu « couleur » ; filtres possibles : type_offre, couloir_segur"
    ):
        load_taxonomy().resolve_filters({"couleur": ["bleu"]})


def minimal(**produit_values: dict) -> dict:
    facets = {key: {"libelle": key, "valeurs": {"general": {"libelle": "Général / Autre"}}} for key in FILTERS}
    facets["produit"]["valeurs"].update(produit_values)
    return {"facettes": facets}


def test_a_name_shared_by_two_values_is_refused() -> None:
    with pytest.raises(FaqsanteError, match="désigne à la fois"):
        parse_taxonomy(minimal(a={"libelle": "A", "alias": ["INS"]}, b={"libelle": "B", "alias": ["ins"]}))


def test_an_implication_to_nowhere_is_refused() -> None:
    with pytest.raises(FaqsanteError, match="inconnu"):
        parse_taxonomy(minimal(a={"libelle": "A", "implique": {"thematique": ["nulle_part"]}}))


def test_the_filters_are_those_of_the_file_only_the_topics_are_required() -> None:
    data = minimal()
    del data["facettes"]["couloir_segur"]
    data["facettes"]["public"] = {"libelle": "Pour qui ?", "valeurs": {"patients": {"libelle": "Patients"}}}
    assert list(parse_taxonomy(data).facets) == [*(key for key in FILTERS if key != "couloir_segur"), "public"]

    del data["facettes"]["thematique"]  # the tagger's fallback theme lives there
    with pytest.raises(FaqsanteError, match="thematique"):
        parse_taxonomy(data)


@pytest.mark.parametrize("reserved", ["q", "page", "sujet", "rubrique"])
def test_a_facet_named_like_a_query_parameter_is_refused_at_load(reserved: str) -> None:
    data = minimal()
    data["facettes"][reserved] = {"libelle": "Collision", "valeurs": {"a": {"libelle": "A"}}}
    with pytest.raises(FaqsanteError, match=f"la facette {reserved} porte le nom d'un paramètre d'adresse réservé"):
        parse_taxonomy(data)
