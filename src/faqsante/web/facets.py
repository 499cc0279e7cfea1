"""The five FAQ filters on the web: query parameters, counts that follow the query, and the portal's panel.

# /api/ask?q=identité&produit=INS&produit=DMP&thematique=sécurité
#   filters {"produit": ["ins", "dmp"], "thematique": ["securite"]}: one of the values of each facet
# /api/facets?q=identité&produit=INS
#   {"query": "identité", "total": 12, "untagged": 0, "facets": {"produit": {"ins": 12, "dmp": 3, ...}, ...}}
Counts are ``Faqsante.facet_counts``, disjunctive (``facets.FacetCounts``): the CLI prints the same shape.
"""

from __future__ import annotations

import inspect
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from faqsante.facets import FacetCounts, load_taxonomy
from faqsante.web.deps import ServiceDep
from faqsante.web.schemas import ERROR_RESPONSES

_VALUE = "Clé, libellé ou alias d'une valeur (répétable), sans souci des accents ni des majuscules."


def _facet_filters(**raw: list[str] | None) -> dict[str, list[str]]:
    """The filters of a request as value keys; an unknown value is an ``InvalidQuery`` (400) listing valid ones."""
    return load_taxonomy().resolve_filters({name: values for name, values in raw.items() if values})


def _filter_parameters() -> inspect.Signature:
    """One repeatable query parameter per facet of taxonomy.yaml (?produit=INS&produit=DMP): a new filter is a
    YAML change, documented in the OpenAPI schema with its prompt and its values."""
    return inspect.Signature(
        [
            inspect.Parameter(
                facet.key,
                inspect.Parameter.KEYWORD_ONLY,
                default=None,
                annotation=Annotated[
                    list[str] | None,
                    Query(description=f"{facet.label} {_VALUE} Valeurs : {', '.join(facet.values)}."),
                ],
            )
            for facet in load_taxonomy()
        ]
    )


_facet_filters.__signature__ = _filter_parameters()  # type: ignore[attr-defined]
FiltersDep = Annotated[dict[str, list[str]], Depends(_facet_filters)]


def search_filters(filters: dict[str, list[str]]) -> dict[str, list[str]] | None:
    """Resolved filters as ``SearchEngine.ask`` wants them (value keys, as stored), None when there are none."""
    return filters or None


def facet_panel(counts: FacetCounts, filters: dict[str, list[str]]) -> list[dict[str, Any]]:
    """What the portal shows: each facet's prompt and its values with a count, or chosen (even at 0)."""
    panel = []
    for facet in load_taxonomy():
        chosen = filters.get(facet.key, [])
        facet_counts = counts.facets[facet.key]
        options = [
            {"key": key, "label": value.label, "count": facet_counts[key], "checked": key in chosen}
            for key, value in facet.values.items()
            if facet_counts[key] or key in chosen
        ]
        if options:
            panel.append({"key": facet.key, "label": facet.label, "options": options, "active": bool(chosen)})
    return panel


def filter_chips(path: str, params: list[tuple[str, str]], filters: dict[str, list[str]]) -> list[dict[str, str]]:
    """The active filters as removable chips: each one's label and the address of the page without it.

    # path "/reponses", params [("produit", "INS"), ("page", "2")], filters {"produit": ["ins"]}
    #   -> [{"label": "INS (identité nationale de santé)", "remove_url": "/reponses"}]
    Other parameters (the question, the section) are kept; the page number and live-search state are not.
    """
    taxonomy = load_taxonomy()
    kept = [(name, value) for name, value in params if name not in taxonomy.facets and name not in _TRANSIENT]
    chosen = [(facet, key) for facet, keys in filters.items() for key in keys]
    return [
        {
            "label": taxonomy.value(facet, key).label,
            "remove_url": _url(path, kept + [pair for pair in chosen if pair != (facet, key)]),
        }
        for facet, key in chosen
    ]


def clear_filters_url(path: str, params: list[tuple[str, str]]) -> str:
    """The page without any filter (« Effacer les filtres »)."""
    facets = load_taxonomy().facets
    return _url(path, [(name, value) for name, value in params if name not in facets and name not in _TRANSIENT])


_TRANSIENT = {"page", "partiel", "suite"}


def _url(path: str, params: list[tuple[str, str]]) -> str:
    return f"{path}?{urlencode(params, quote_via=quote)}" if params else path


class FacetCountsOut(BaseModel):
    query: str | None = Field(description="La question dont les réponses sont comptées ; absente : toute la FAQ.")
    total: int = Field(description="Réponses qui passent tous les filtres demandés.")
    untagged: int = Field(description="Parmi elles, celles qui ne portent aucune valeur.")
    facets: dict[str, dict[str, int]] = Field(
        description="Par filtre et par valeur (clé de la taxonomie), le nombre de réponses en appliquant les autres filtres."
    )


router = APIRouter(prefix="/api", responses=ERROR_RESPONSES)


@router.get("/facets", response_model=FacetCountsOut, tags=["filtres"], summary="Compter les réponses par filtre")
def facets(
    faq: ServiceDep,
    filters: FiltersDep,
    q: Annotated[str | None, Query(description="Une question : compter parmi ses meilleures réponses.")] = None,
) -> dict[str, Any]:
    """Les cinq filtres de la FAQ et, pour chaque valeur, le nombre de réponses publiées qui la portent."""
    return faq.facet_counts(q, filters).to_dict()
