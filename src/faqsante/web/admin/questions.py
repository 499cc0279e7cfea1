"""The queue of questions visitors submitted: link a proposed answer in one click, write a new one, or dismiss.

Answering queues the visitor's e-mail with the answer (when they left an address and mail is configured);
it is sent once the response has left, so the editor never waits for the mail server.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import BackgroundTasks, Form, Query, Request
from starlette.responses import Response

from faqsante import editing
from faqsante.errors import InvalidInput
from faqsante.web.admin.base import OptionalAnswerField, OptionalText, SectionField, page, redirect, workspace_router
from faqsante.web.auth import EditorDep
from faqsante.web.deps import DbDep, EngineDep, ServiceDep
from faqsante.web.mail import MailerDep, send_after_response
from faqsante.web.params import PageNumber, RowId

router = workspace_router()


@router.get("/questions")
def questions(
    request: Request,
    db: DbDep,
    engine: EngineDep,
    mailer: MailerDep,
    shown: Annotated[str, Query(alias="statut")] = "open",
    page_number: Annotated[PageNumber, Query(alias="page")] = 1,
) -> Response:
    return _queue(request, db, engine, mailer, shown, page_number)


def _queue(
    request: Request,
    db: DbDep,
    engine: EngineDep,
    mailer: MailerDep,
    shown: str,
    page_number: int = 1,
    *,
    failure: dict[str, object] | None = None,
) -> Response:
    """A page of the queue; ``failure`` shows a refused answer next to its question, with what was typed."""
    status = shown if shown in editing.QUESTION_STATUSES else None
    listing = editing.queue_page(db, status, page=page_number, engine=engine)
    context = {"questions": [item.to_dict() for item in listing.items], "listing": listing, "statut": shown,
               "statuses": editing.QUESTION_STATUSES, "mail_on": mailer is not None, "failure": failure or {}}  # fmt: skip
    return page(request, "questions.html", context, 400 if failure else 200)


@router.post("/questions/{question_id}/reponse")
def answer_question(
    request: Request,
    background: BackgroundTasks,
    db: DbDep,
    engine: EngineDep,
    faq: ServiceDep,
    editor: EditorDep,
    question_id: RowId,
    entry_id: Annotated[str | None, Form(alias="entree", max_length=40)] = None,
    question: OptionalText = None,
    answer: OptionalAnswerField = None,
    section: SectionField = None,
) -> Response:
    try:
        faq.link_question(
            question_id,
            author=editor.username,
            entry_id=entry_id or None,
            question=question,
            answer=answer,
            section=section,
        )
    except InvalidInput as error:
        failure = {"id": question_id, "error": str(error), "field": error.field, "entree": entry_id or "",
                   "question": question, "reponse": answer or "", "rubrique": section or ""}  # fmt: skip
        return _queue(request, db, engine, faq.mailer, "open", editing.page_of(db, question_id), failure=failure)
    send_after_response(background, db, faq.mailer)
    return redirect("/admin/questions", message="repondue")


@router.post("/questions/{question_id}/ecarter")
def dismiss_question(faq: ServiceDep, question_id: RowId) -> Response:
    faq.dismiss_question(question_id)
    return redirect("/admin/questions", message="ecartee")
