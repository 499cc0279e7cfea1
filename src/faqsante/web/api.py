"""The JSON API under /api: the same objects as the command line (``faqsante ask --json``) and the portal.

Endpoints are plain ``def``: FastAPI runs them in its thread pool, as the database and search are synchronous.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, HTTPException, Query, Request, Response, status

from faqsante.answers import catalog
from faqsante.errors import InvalidInput
from faqsante.facets.entry_tags import facet_conditions
from faqsante.service import Faqsante
from faqsante.web.cors import is_cross_origin
from faqsante.web.deps import AskerDep, DbDep, ServiceDep, VisitorDep
from faqsante.web.facets import FiltersDep, search_filters
from faqsante.web.mail import send_after_response
from faqsante.web.params import PageNumber
from faqsante.web.query_links import QueryLinks, QueryLinksDep
from faqsante.web.schemas import (
    ERROR_RESPONSES,
    AskOut,
    EntryDetailOut,
    EntryPageOut,
    ErrorOut,
    FeedbackIn,
    FeedbackOut,
    QuestionIn,
    QuestionOut,
    SectionOut,
)

router = APIRouter(prefix="/api", responses=ERROR_RESPONSES)


SEARCH_TOKEN_HEADER = "Faqsante-Search-Token"  # names the logged search, for this client only (web/query_links.py)


@router.get(
    "/ask",
    response_model=AskOut,
    tags=["questions"],
    summary="Poser une question",
    responses={
        200: {
            "headers": {
                SEARCH_TOKEN_HEADER: {
                    "description": "Le jeton de cette recherche, propre au client qui l'a faite : à renvoyer "
                    "(`search_token`) avec un avis sur l'une de ses réponses.",
                    "schema": {"type": "string"},
                }
            }
        }
    },
)
def ask(
    request: Request,
    faq: ServiceDep,
    links: QueryLinksDep,
    response: Response,
    q: Annotated[str, Query(description="La question, en langage courant (500 caractères au plus).")],
    filters: FiltersDep,
    top_k: Annotated[int, Query(ge=1, le=100, description="Nombre de réponses.")] = 10,
) -> dict[str, Any]:
    """Les meilleures entrées de la FAQ pour une question, et si aucune n'est assez sûre (`abstained`).

    Les filtres (`produit=INS`, répétables) ne gardent que les entrées qui portent l'une des valeurs de chacun.
    Une question d'un ou deux mots qui nomme un sujet connu (« INS », « DMP », une rubrique, un sigle du
    glossaire) porte aussi `topic` : ce sujet et ses premières réponses (sans filtre seulement)."""
    channel = "widget" if is_cross_origin(request) else "api"  # the log tells partner pages' questions apart
    answer, query_id = faq.ask(q, channel=channel, top_k=top_k, facets=search_filters(filters))
    response.headers[SEARCH_TOKEN_HEADER] = links.token(query_id)  # a header: the body stays `ask --json`'s object
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
    responses={
        403: {
            "model": ErrorOut,
            "description": "Avis venu d'une autre page sans `search_token`, ou qui ne suit aucune recherche de ce "
            "client ayant proposé cette réponse",
        }
    },
)
def feedback(
    request: Request,
    faq: ServiceDep,
    visitor: VisitorDep,
    asker: AskerDep,
    links: QueryLinksDep,
    entry_id: str,
    body: FeedbackIn,
) -> dict[str, Any]:
    """Un avis par visiteur et par entrée : un nouvel avis remplace le précédent.

    Avec `search_token` (l'en-tête `Faqsante-Search-Token` de la recherche `/api/ask` qui a proposé l'entrée,
    obligatoire depuis la page d'un autre site), la question de l'avis est celle de cette recherche."""
    query = body.query
    if body.search_token is not None or is_cross_origin(request):
        query = _searched(faq, links, body, entry_id)
    vote = faq.vote(entry_id, visitor, helpful=body.helpful, comment=body.comment, query=query, asker=asker)
    return vote.to_dict()


def _searched(faq: Faqsante, links: QueryLinks, body: FeedbackIn, entry_id: str) -> str:
    """The question of the visitor's own search that proposed ``entry_id``, which ``body.search_token`` names.

    A widget on another site votes without the visitor's cookie: this ties its vote to a search this same client
    made (the token is keyed to it) and that showed this answer, so that it counts no more than a portal vote.
    """
    if body.search_token is None:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "Un avis envoyé depuis la page d'un autre site porte le `search_token` de la recherche qui a proposé "
            "la réponse.",
        )
    if body.query is not None:
        raise InvalidInput("Donnez `search_token` ou `query`, pas les deux : la question est celle de la recherche.")
    searched = links.own(body.search_token)
    query = faq.shown_by(searched, entry_id) if searched is not None else None
    if query is None:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "Cet avis ne suit aucune recherche faite ici qui ait proposé cette réponse : recherchez à nouveau.",
        )
    return query


@router.post(
    "/questions",
    response_model=QuestionOut,
    status_code=status.HTTP_201_CREATED,
    tags=["questions"],
    summary="Envoyer une question restée sans réponse",
)
def submit_question(faq: ServiceDep, body: QuestionIn, background: BackgroundTasks) -> dict[str, Any]:
    """La question est transmise aux rédacteurs de la FAQ. L'adresse e-mail n'est conservée que si le service
    envoie des courriels (`reply_by_mail`) : sinon aucune réponse ne pourrait y être envoyée."""
    receipt = faq.submit_question(body.question, body.email)
    send_after_response(background, faq.db, faq.mailer)  # editors who asked for it hear of the question
    return receipt.to_dict()
