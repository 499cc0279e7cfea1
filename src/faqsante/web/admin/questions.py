"""The queue of questions visitors submitted: answer with an entry, or dismiss."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import Form, Request
from starlette.responses import Response

from faqsante import editing
from faqsante.errors import InvalidInput
from faqsante.web.admin.base import OptionalText, page, redirect, workspace_router
from faqsante.web.auth import EditorDep
from faqsante.web.deps import DbDep

router = workspace_router()


@router.get("/questions")
def questions(request: Request, db: DbDep, statut: str = "open") -> Response:
    queue = [asdict(item) for item in editing.list_questions(db, statut if statut in editing.QUESTION_STATUSES else None)]
    return page(request, "questions.html", {"questions": queue, "statut": statut, "statuses": editing.QUESTION_STATUSES})


@router.post("/questions/{question_id}/reponse")
def answer_question(
    request: Request,
    db: DbDep,
    editor: EditorDep,
    question_id: int,
    entree: Annotated[str | None, Form(max_length=40)] = None,
    question: OptionalText = None,
    reponse: OptionalText = None,
    rubrique: OptionalText = None,
) -> Response:
    try:
        editing.answer_question(
            db, question_id, author=editor.username, entry_id=entree or None, question=question, answer=reponse,
            section=rubrique,
        )  # fmt: skip
    except InvalidInput as error:
        queue = [asdict(item) for item in editing.list_questions(db)]
        context = {"questions": queue, "statut": "open", "statuses": editing.QUESTION_STATUSES, "error": str(error),
                   "failed": question_id}  # fmt: skip
        return page(request, "questions.html", context, 400)
    return redirect("/admin/questions", message="repondue")


@router.post("/questions/{question_id}/ecarter")
def dismiss_question(db: DbDep, question_id: int) -> Response:
    editing.dismiss_question(db, question_id)
    return redirect("/admin/questions", message="ecartee")
