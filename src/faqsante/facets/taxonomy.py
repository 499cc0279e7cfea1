"""The five FAQ filters as an editable YAML taxonomy: loading, validation, and resolving what users type.

# taxonomy.yaml                               what users may type          what is stored
# produit: {ins: {libelle: "INS (identité…)"}}  "INS", "ins", "Identité nationale de santé"  ->  "ins"
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from faqsante.errors import FaqsanteError, InvalidQuery
from faqsante.facets.matching import PhraseSet, plain
from faqsante.text import fold_words

TAXONOMY_FILE = Path(__file__).with_name("taxonomy.yaml")
TOPIC_FACETS = ("produit", "thematique")  # the tagger gives every entry one of these; the fallback is a thematique
# The query parameters the portal and the API read beside the filters (?produit=ins&q=…&page=2): a facet
# keyed like one of them would be unreachable, or would break /reponses. tests/web/test_params.py checks that
# every query parameter of a route is listed here.
RESERVED_PARAMETERS = frozenset(
    {"q", "page", "per_page", "top_k", "partiel", "suite", "rubrique", "section", "sujet", "from", "passage",
     "avis", "statut", "jours", "du", "au", "message", "format", "tableau", "doublon", "garder", "question",
     "suivant", "type"}
)  # fmt: skip
FALLBACK_VALUE = "general"  # « Général / Autre »: never matched by keyword, the fallback of an entry with no theme


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet and the evidence that an entry has it."""

    key: str
    label: str
    aliases: PhraseSet
    keywords: PhraseSet
    description: str = ""
    implies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def spellings(self) -> list[str]:
        """Every name of this value that users and sources may write: its key, its label, its aliases."""
        return list(dict.fromkeys([self.key, self.label, *(plain(p) for p in self.aliases.phrases)]))


@dataclass(frozen=True)
class Facet:
    key: str
    label: str  # the prompt: « Votre question concerne quel produit ou service ? »
    values: Mapping[str, FacetValue]
    context: PhraseSet  # when not empty, the entry must mention one of these for keywords to count


class Taxonomy:
    """The facets in their display order, with a lookup from folded key, label or alias to a value key."""

    def __init__(self, facets: list[Facet]) -> None:
        self.facets: dict[str, Facet] = {facet.key: facet for facet in facets}
        self._lookup: dict[str, dict[str, str]] = {facet.key: _lookup_table(facet) for facet in facets}
        self._check_implications()
        reserved = sorted(set(self.facets) & RESERVED_PARAMETERS)
        if reserved:
            raise FaqsanteError(
                f"taxonomie : la facette {', '.join(reserved)} porte le nom d'un paramètre d'adresse réservé"
            )

    def __iter__(self) -> Iterator[Facet]:
        return iter(self.facets.values())

    def value(self, facet: str, key: str) -> FacetValue:
        return self.facets[facet].values[key]

    def canonical(self, facet: str, text: str) -> str | None:
        """The value key that ``text`` names in ``facet`` (key, label or alias, any accents and case), if any."""
        table = self._lookup.get(facet)
        return table.get(fold_words(text)) if table is not None else None

    def resolve_filters(self, raw: Mapping[str, list[str]]) -> dict[str, list[str]]:
        """User filters to value keys; an unknown facet or value is an ``InvalidQuery`` saying what exists.

        # {"Produit": ["INS", "dmp"], "thématique": ["Sécurité et protection des données"]}
        #   becomes {"produit": ["ins", "dmp"], "thematique": ["securite"]}
        """
        resolved: dict[str, list[str]] = {}
        for name, values in raw.items():
            facet = self._facet_named(name)
            for text in values:
                key = self.canonical(facet.key, text)
                if key is None:
                    choices = ", ".join(f"{v.key} ({v.label})" for v in facet.values.values())
                    raise InvalidQuery(
                        f"valeur inconnue « {text} » pour le filtre {facet.key} ; valeurs possibles : {choices}"
                    )
                if key not in resolved.setdefault(facet.key, []):
                    resolved[facet.key].append(key)
        return resolved

    def _facet_named(self, name: str) -> Facet:
        wanted = fold_words(name).replace(" ", "_")
        for facet in self.facets.values():
            if wanted == facet.key:
                return facet
        raise InvalidQuery(f"filtre inconnu « {name} » ; filtres possibles : {', '.join(self.facets)}")

    def _check_implications(self) -> None:
        for facet in self.facets.values():
            for value in facet.values.values():
                for target, keys in value.implies.items():
                    unknown = [k for k in keys if target not in self.facets or k not in self.facets[target].values]
                    if unknown:
                        raise FaqsanteError(
                            f"taxonomie : {facet.key}.{value.key} implique {target} = {', '.join(unknown)}, inconnu"
                        )


def _lookup_table(facet: Facet) -> dict[str, str]:
    """Folded key, label and aliases -> value key; two values answering to the same name is an error."""
    table: dict[str, str] = {}
    for value in facet.values.values():
        for name in value.spellings():
            folded = fold_words(name)
            owner = table.setdefault(folded, value.key)
            if owner != value.key:
                raise FaqsanteError(
                    f"taxonomie : « {name} » désigne à la fois {owner} et {value.key} dans la facette {facet.key}"
                )
    return table


def parse_taxonomy(data: Mapping[str, Any]) -> Taxonomy:
    """Build a taxonomy from the YAML structure (French keys: facettes, libelle, valeurs, alias…)."""
    try:
        raw_facets = data["facettes"]
        facets = [
            Facet(
                key=key,
                label=str(spec["libelle"]),
                context=PhraseSet(str(p) for p in spec.get("contexte") or ()),
                values={
                    value_key: FacetValue(
                        key=value_key,
                        label=str(value["libelle"]),
                        aliases=PhraseSet(str(p) for p in value.get("alias") or ()),
                        keywords=PhraseSet(str(p) for p in value.get("mots_cles") or ()),
                        description=" ".join(str(value.get("description") or "").split()),
                        implies={
                            target: tuple(str(k) for k in keys)
                            for target, keys in (value.get("implique") or {}).items()
                        },
                    )
                    for value_key, value in spec["valeurs"].items()
                },
            )
            for key, spec in raw_facets.items()
        ]
    except (KeyError, TypeError, AttributeError) as error:
        raise FaqsanteError(f"taxonomie mal formée : {error!r}") from error
    missing = [key for key in TOPIC_FACETS if key not in raw_facets]
    if missing:
        raise FaqsanteError(f"taxonomie incomplète : facettes manquantes {', '.join(missing)}")
    return Taxonomy(facets)


@lru_cache(maxsize=4)
def load_taxonomy(path: Path = TAXONOMY_FILE) -> Taxonomy:
    """The taxonomy file, parsed once per process."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise FaqsanteError(f"taxonomie illisible ({path}) : {error}") from error
    return parse_taxonomy(data)
