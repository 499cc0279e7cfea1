"""The French HTML portal: search, browse, read an answer, vote, submit an unanswered question.

Every page works without JavaScript (GET search form, POST forms answered by a redirect); ``static/portal.js``
only enhances: results as you type (this page's ``?partiel=1`` fragment) and votes without a reload (the API).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, BackgroundTasks, Depends, Form, Query, Request
from starlette.responses import FileResponse, RedirectResponse, Response

from faqsante.answers import catalog
from faqsante.config import MAX_QUESTION_LENGTH
from faqsante.errors import InvalidInput, InvalidQuery, NotFound
from faqsante.facets.entry_tags import facet_conditions
from faqsante.store import legal
from faqsante.store.models import Entry
from faqsante.urls import SLUG_SHAPE
from faqsante.urls import slug as answer_slug
from faqsante.web.cors import refuse_other_sites
from faqsante.web.deps import AskerDep, DbDep, ServiceDep, TopicsDep, VisitorDep
from faqsante.web.facets import (
    FiltersDep,
    clear_filters_url,
    facet_panel,
    filter_chips,
    search_filters,
)
from faqsante.web.mail import MailerDep, send_after_response
from faqsante.web.params import PageNumber
from faqsante.web.presentation import passage_of
from faqsante.web.query_links import MAX_TOKEN_LENGTH, QueryLinksDep
from faqsante.web.seo import public_base
from faqsante.web.templating import STATIC_DIR, render

router = APIRouter(include_in_schema=False)

RESULTS_SHOWN = 10
CLOSE_SHOWN = 3  # after an abstention: a few « réponses proches », not ten unrelated ones
POPULAR_SHOWN = 6
# What the vote widget shows after a vote: ?avis=non asks for a comment, ?avis=merci thanks.
VOTE_STATES = ("non", "merci")


@router.get("/")
def home(
    request: Request,
    db: DbDep,
    faq: ServiceDep,
    filters: FiltersDep,
    links: QueryLinksDep,
    q: str | None = None,
    partiel: bool = False,
    suite: Annotated[
        str | None, Query(description="this live search's previous keystrokes", max_length=MAX_TOKEN_LENGTH)
    ] = None,
) -> Response:
    """Search box, the filters to browse without typing, the most consulted answers and the sections; with
    ``q``, the results and the filters panel (its counts follow ``q``) instead.

    ``partiel=1`` returns only the results block. An empty question with filters is browsing: /reponses.
    """
    if q is not None and not q.strip() and filters and not partiel:
        return RedirectResponse(f"/reponses?{urlencode(_filter_params(request), quote_via=quote)}", status_code=303)
    context: dict[str, object] = {"q": q or ""}
    status = 200
    if q is not None:
        params = request.query_params.multi_items()
        context.update(chips=filter_chips("/", params, filters), clear_url=clear_filters_url("/", params))
        try:
            result, query_id = faq.ask(
                q,
                channel="web",
                top_k=RESULTS_SHOWN,
                refines=links.own(suite),
                facets=search_filters(filters),
                close_k=CLOSE_SHOWN,
            )
            context.update(result=result, query_id=links.token(query_id), summary=_summary(result))
            context["facet_panel"] = facet_panel(faq.facet_counts(q, filters), filters)
        except InvalidQuery as error:
            context.update(error=str(error), summary=str(error))
            status = 400
    if partiel:
        return render(request, "_results.html", context, status_code=status)
    if q is None:
        context["browse_panel"] = facet_panel(faq.facet_counts(), {})
        context["popular"] = [entry.to_dict() for entry in catalog.most_consulted(db, limit=POPULAR_SHOWN)]
        context["sections"] = [section.to_dict() for section in catalog.list_sections(db)]
    return render(request, "home.html", context, status_code=status)


@router.get("/reponses")
def entries(
    request: Request,
    faq: ServiceDep,
    db: DbDep,
    topics: TopicsDep,
    filters: FiltersDep,
    section_name: Annotated[str | None, Query(alias="rubrique")] = None,
    subject: Annotated[str | None, Query(alias="sujet", max_length=MAX_QUESTION_LENGTH)] = None,
    page: PageNumber = 1,
) -> Response:
    """All published entries, or one section's, page by page; the five filters narrow them (``?produit=e_cps``).

    ``?sujet=AMOA`` lists a glossary topic's answers (``faqsante.answers.topics``): those that mention it.
    """
    section = section_name or None
    where = facet_conditions(filters)
    topic = topics.find(subject) if subject else None
    if subject and topic is None:
        raise NotFound(f"Aucune réponse ne porte sur « {subject} ».")
    if topic is not None and topic.kind != "glossaire":
        return RedirectResponse(topic.url, status_code=303)
    if topic is not None:
        where.append(Entry.id.in_(topic.entry_ids))
    listing = catalog.list_entries(db, section=section, page=page, where=where).to_dict()
    params = request.query_params.multi_items()
    counts = faq.facet_counts(None, filters, section=section)
    context = {
        "listing": listing,
        "chips": filter_chips("/reponses", params, filters),
        "clear_url": clear_filters_url("/reponses", params),
        "facet_panel": facet_panel(counts, filters),
        "page_url": _page_url(params),
        "topic": topic.to_dict() if topic else None,
    }
    return render(request, "entries.html", context)


@router.get("/accessibilite")
@router.get("/mentions-legales")
@router.get("/donnees-personnelles")
def legal_page(request: Request, db: DbDep) -> Response:
    """The footer's legal pages, as an administrator wrote them (or their defaults)."""
    return render(request, "legal.html", {"page": legal.legal_page(db, request.url.path.strip("/"))})


@router.get("/favicon.ico")
def favicon() -> Response:
    return FileResponse(
        STATIC_DIR / "favicon.ico", media_type="image/x-icon", headers={"Cache-Control": "max-age=86400"}
    )


@router.get("/reponses/{entry_id}")
def entry_without_slug(request: Request, db: DbDep, entry_id: str) -> Response:
    """The address of an answer before it had a slug (links and mails written until #20.2, or typed by hand)."""
    return _moved(request, catalog.get_entry(db, entry_id).url)


@router.get("/reponses/{entry_id}/{slug}")
def entry(
    request: Request,
    faq: ServiceDep,
    links: QueryLinksDep,
    entry_id: str,
    slug: str,
    from_: Annotated[str | None, Query(alias="from", max_length=MAX_TOKEN_LENGTH)] = None,
    q: str | None = None,
    avis: str | None = None,
    passage: str | None = None,
) -> Response:
    """One answer, its section, sources and related entries, and the « utile ? » widget.

    The id finds the answer; the slug only reads well (``faqsante.urls.answer_path``): another slug (the title
    changed since the link was written) or the id of an entry merged into this one moves to its permalink.
    ``?from=<token>`` is set on links from a results list: the click on the visitor's own search is logged
    for click-through, and that search is offered back (``web/query_links.py``).
    ``?passage=5-25`` (same links): the sentence that answered the visitor's question, marked in the answer.
    """
    if not SLUG_SHAPE.fullmatch(slug):  # « .. », « %00 », « é »: no link of ours, not even an old one
        raise NotFound("Cette adresse ne mène à aucune réponse : vérifiez-la, ou cherchez la réponse depuis l'accueil.")
    detail = faq.entry(entry_id)
    if (detail["id"], answer_slug(detail["title"])) != (entry_id, slug):
        return _moved(request, detail["url"])
    searched = links.own(from_)
    query = (faq.click(searched, entry_id) if searched is not None else None) or q
    context = {
        "entry": detail,
        "query": query,
        "avis": avis if avis in VOTE_STATES else None,
        "passage": passage_of(detail["answer"], passage),
        "canonical_url": public_base(request) + detail["url"],
    }
    return render(request, "entry.html", context)


_VOTES_FROM_HERE = refuse_other_sites("Un avis ne peut être donné que depuis la FAQ ou une page partenaire autorisée.")
_QUESTIONS_FROM_HERE = refuse_other_sites("Une question ne peut être envoyée que depuis le formulaire de la FAQ.")


@router.post("/reponses/{entry_id}/avis", dependencies=[Depends(_VOTES_FROM_HERE)])
def vote(
    faq: ServiceDep,
    db: DbDep,
    visitor: VisitorDep,
    asker: AskerDep,
    entry_id: str,
    useful: Annotated[str, Form(alias="utile")] = "",
    comment: Annotated[str, Form(alias="commentaire")] = "",
    q: Annotated[str, Form()] = "",
) -> Response:
    """The no-JavaScript vote: store it, then show the answer again with thanks (or a comment box after Non)."""
    if useful not in ("oui", "non"):
        raise InvalidInput("Choisissez « Oui » ou « Non » pour dire si la réponse vous a été utile.")
    faq.vote(entry_id, visitor, helpful=useful == "oui", comment=comment, query=q, asker=asker)
    state = "non" if useful == "non" and not comment.strip() else "merci"
    params = {"avis": state, **({"q": q} if q else {})}
    return RedirectResponse(f"{catalog.get_entry(db, entry_id).url}?{urlencode(params)}#avis", status_code=303)


@router.get("/question")
def question_form(request: Request, mailer: MailerDep, q: str = "") -> Response:
    """« Je n'ai pas trouvé ma réponse » : the form, filled with the question searched for."""
    return render(request, "question.html", {"question": q, "email": "", "mail": mailer is not None})


@router.post("/question", dependencies=[Depends(_QUESTIONS_FROM_HERE)])
def submit_question(
    request: Request,
    faq: ServiceDep,
    background: BackgroundTasks,
    question: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
) -> Response:
    """Without mail configured the form asks for no address, and none is kept (nothing was promised); an address
    sent anyway is checked as the API checks it (``Faqsante.submit_question``: one policy)."""
    try:
        faq.submit_question(question, email)
    except InvalidInput as error:
        context = {"question": question, "email": email, "error": str(error), "field": error.field,
                   "mail": faq.mailer is not None}  # fmt: skip
        return render(request, "question.html", context, status_code=400)
    send_after_response(background, faq.db, faq.mailer)  # editors who asked for it hear of the question
    return RedirectResponse("/question/merci", status_code=303)


@router.get("/question/merci")
def question_sent(request: Request, mailer: MailerDep) -> Response:
    return render(request, "question_sent.html", {"mail": mailer is not None})


def _filter_params(request: Request) -> list[tuple[str, str]]:
    """The filters of a request without its question: « Rechercher » with an empty box and ticked filters."""
    return [(name, value) for name, value in request.query_params.multi_items() if name != "q"]


def _page_url(params: list[tuple[str, str]]) -> str:
    """# [("produit", "ins"), ("page", "2")]  ->  "/reponses?produit=ins&"  (the pagination adds page=N)"""
    kept = [(name, value) for name, value in params if name != "page"]
    return f"/reponses?{urlencode(kept, quote_via=quote)}&" if kept else "/reponses?"


def _moved(request: Request, path: str) -> Response:
    """A permanent redirect to an answer's permalink, with the query (``from``, ``passage``, ``q``…) kept.

    # GET /reponses/c1179?from=12.3f9a  ->  301 /reponses/c1179/le-dmn-doit-il-recevoir-l-ins?from=12.3f9a
    """
    query = urlencode(request.query_params.multi_items(), quote_via=quote)
    return RedirectResponse(f"{path}?{query}" if query else path, status_code=301)


def _summary(result: dict[str, Any]) -> str:
    """The one sentence a screen reader announces when results change."""
    query, topic = result["query"], result["topic"]
    if topic:
        total = topic["total"]
        return f"{total} réponse{'s' if total > 1 else ''} sur le sujet « {topic['label']} »."
    count = len(result["results"])
    answers = f"{count} réponse{'s' if count > 1 else ''}"
    if not result["abstained"] and result.get("choice"):
        return f"{answers} pour « {query} », dont {result['choice']} possibles à comparer : aucune ne se détache."
    if not result["abstained"]:
        return f"{answers} pour « {query} »."
    if count:
        return (
            f"Pas de réponse sûre pour « {query} » : {answers} proche{'s' if count > 1 else ''}, à lire avec prudence."
        )
    return f"Aucune réponse pour « {query} »."
