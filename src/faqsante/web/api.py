"""The JSON API under /api: the same objects as the command line (``faqsante ask --json``) and the portal.

Endpoints are plain ``def``: FastAPI runs them in its thread pool, as the database and search are synchronous.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from faqsante.facets.entry_tags import facet_conditions
from faqsante.store import catalog
from faqsante.web.deps import AskerDep, DbDep, ServiceDep, VisitorDep
from faqsante.web.facets import FiltersDep, search_filters
from faqsante.web.params import PageNumber
from faqsante.web.schemas import (
    ERROR_RESPONSES,
    AskOut,
    EntryDetailOut,
    EntryPageOut,
    FeedbackIn,
    FeedbackOut,
    QuestionIn,
    QuestionOut,
    SectionOut,
)

router = APIRouter(prefix="/api", responses=ERROR_RESPONSES)


@router.get("/ask", response_model=AskOut, tags=["questions"], summary="Poser une question")
def ask(
    faq: ServiceDep,
    q: Annotated[str, Query(description="La question, en langage courant (500 caractères au plus).")],
    filters: FiltersDep,
    top_k: Annotated[int, Query(ge=1, le=100, description="Nombre de réponses.")] = 10,
) -> dict[str, Any]:
    """Les meilleures entrées de la FAQ pour une question, et si aucune n'est assez sûre (`abstained`).

    Les filtres (`produit=INS`, répétables) ne gardent que les entrées qui portent l'une des valeurs de chacun.
    Une question d'un ou deux mots qui nomme un sujet connu (« INS », « DMP », une rubrique, un sigle du
    glossaire) porte aussi `topic` : ce sujet et ses premières réponses (sans filtre seulement)."""
    answer, _ = faq.ask(q, channel="api", top_k=top_k, facets=search_filters(filters))
    return answer


@router.get("/sections", response_model=list[SectionOut], tags=["entrées"], summary="Lister les rubriques")
def sections(db: DbDep) -> list[dict[str, Any]]:
    """Les rubriques qui contiennent des réponses publiées, avec leur nombre d'entrées."""
    return [section.to_dict() for section in catalog.list_sections(db)]


@router.get("/entries", response_model=EntryPageOut, tags=["entrées"], summary="Parcourir les entrées")
def entries(
    db: DbDep,
    filters: FiltersDep,
    section: Annotated[str | None, Query(description="Nom exact d'une rubrique.")] = None,
    page: PageNumber = 1,
    per_page: Annotated[int, Query(ge=1, le=catalog.MAX_PAGE_SIZE)] = catalog.DEFAULT_PAGE_SIZE,
) -> dict[str, Any]:
    """Les entrées publiées, page par page, dans l'ordre de leurs sources ; filtrables comme `/api/ask`."""
    listing = catalog.list_entries(db, section=section, page=page, per_page=per_page, where=facet_conditions(filters))
    return listing.to_dict()


@router.get("/entries/{entry_id}", response_model=EntryDetailOut, tags=["entrées"], summary="Lire une entrée")
def entry(faq: ServiceDep, entry_id: str) -> dict[str, Any]:
    """Une entrée publiée et les entrées les plus proches."""
    return faq.entry(entry_id)


@router.post(
    "/entries/{entry_id}/feedback",
    response_model=FeedbackOut,
    status_code=status.HTTP_201_CREATED,
    tags=["avis"],
    summary="Dire si une réponse a été utile",
)
def feedback(faq: ServiceDep, visitor: VisitorDep, asker: AskerDep, entry_id: str, body: FeedbackIn) -> dict[str, Any]:
    """Un avis par visiteur et par entrée : un nouvel avis remplace le précédent."""
    vote = faq.vote(entry_id, visitor, helpful=body.helpful, comment=body.comment, query=body.query, asker=asker)
    return vote.to_dict()


@router.post(
    "/questions",
    response_model=QuestionOut,
    status_code=status.HTTP_201_CREATED,
    tags=["questions"],
    summary="Envoyer une question restée sans réponse",
)
def submit_question(faq: ServiceDep, body: QuestionIn) -> dict[str, Any]:
    """La question est transmise aux rédacteurs de la FAQ. L'adresse e-mail n'est conservée que si le service
    envoie des courriels (`reply_by_mail`) : sinon aucune réponse ne pourrait y être envoyée."""
    return faq.submit_question(body.question, body.email).to_dict()
