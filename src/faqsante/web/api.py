"""The JSON API under /api: the same objects as the command line (``faqsante ask --json``) and the portal.

Endpoints are plain ``def``: FastAPI runs them in its thread pool, as the database and search are synchronous.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from faqsante.answers.ask import ask_logged
from faqsante.answers.detail import entry_detail
from faqsante.facets.entry_tags import facet_conditions
from faqsante.feedback import audience
from faqsante.store import catalog
from faqsante.web.deps import DbDep, EngineDep, TopicsDep, VisitorDep
from faqsante.web.facets import FiltersDep, search_filters
from faqsante.web.mail import MailerDep
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
    engine: EngineDep,
    db: DbDep,
    topics: TopicsDep,
    q: Annotated[str, Query(description="La question, en langage courant (500 caractères au plus).")],
    filters: FiltersDep,
    top_k: Annotated[int, Query(ge=1, le=100, description="Nombre de réponses.")] = 10,
) -> dict[str, Any]:
    """Les meilleures entrées de la FAQ pour une question, et si aucune n'est assez sûre (`abstained`).

    Les filtres (`produit=INS`, répétables) ne gardent que les entrées qui portent l'une des valeurs de chacun.
    Une question d'un ou deux mots qui nomme un sujet connu (« INS », « DMP », une rubrique, un sigle du
    glossaire) porte aussi `topic` : ce sujet et ses premières réponses (sans filtre seulement)."""
    answer, _ = ask_logged(engine, db, topics, q, top_k=top_k, channel="api", facets=search_filters(filters))
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
def entry(engine: EngineDep, db: DbDep, entry_id: str) -> dict[str, Any]:
    """Une entrée publiée et les entrées les plus proches."""
    return entry_detail(engine, db, entry_id)


@router.post(
    "/entries/{entry_id}/feedback",
    response_model=FeedbackOut,
    status_code=status.HTTP_201_CREATED,
    tags=["avis"],
    summary="Dire si une réponse a été utile",
)
def feedback(db: DbDep, visitor: VisitorDep, entry_id: str, body: FeedbackIn) -> dict[str, Any]:
    """Un avis par visiteur et par entrée : un nouvel avis remplace le précédent."""
    vote = audience.record_vote(db, entry_id, visitor, helpful=body.helpful, comment=body.comment, query=body.query)
    return vote.to_dict()


@router.post(
    "/questions",
    response_model=QuestionOut,
    status_code=status.HTTP_201_CREATED,
    tags=["questions"],
    summary="Envoyer une question restée sans réponse",
)
def submit_question(db: DbDep, mailer: MailerDep, body: QuestionIn) -> dict[str, Any]:
    """La question est transmise aux rédacteurs de la FAQ. L'adresse e-mail n'est conservée que si le service
    envoie des courriels (`reply_by_mail`) : sinon aucune réponse ne pourrait y être envoyée."""
    mail, email = mailer is not None, audience.checked_email(body.email)  # a bad address is an error either way
    record = audience.submit_question(db, body.question, email if mail else None)
    return {**record.to_dict(), "reply_by_mail": record.email is not None, "message": _question_message(mail, email)}


def _question_message(mail: bool, email: str | None) -> str:
    """What becomes of a submitted question, for the visitor."""
    sent = "Votre question a été transmise à l'équipe qui rédige la FAQ."
    if mail and email:
        return f"{sent} Vous recevrez un e-mail avec le lien vers la réponse dès qu'elle sera publiée."
    if mail:
        return f"{sent} Elle s'en servira pour compléter les réponses."
    unsent = "Aucune réponse ne vous sera envoyée par e-mail : ce service n'envoie pas de courriels"
    if email:
        return f"{sent} {unsent}, et votre adresse n'a pas été conservée. Revenez consulter la FAQ."
    return f"{sent} {unsent}. Revenez consulter la FAQ."
