"""Editor accounts, managed by administrators."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from starlette.responses import Response

from faqsante import accounts
from faqsante.errors import InvalidInput
from faqsante.web.admin.base import page, redirect, workspace_router
from faqsante.web.auth import AdminDep
from faqsante.web.deps import DbDep

router = workspace_router()


@router.get("/utilisateurs")
def users(request: Request, db: DbDep, _admin: AdminDep) -> Response:
    return page(request, "users.html", {"users": accounts.list_users(db), "roles": accounts.ROLE_LABELS})


@router.post("/utilisateurs")
def create_user(
    request: Request,
    db: DbDep,
    _admin: AdminDep,
    identifiant: Annotated[str, Form(max_length=200)],
    mot_de_passe: Annotated[str, Form(max_length=1000)],
    role: Annotated[str, Form(max_length=20)] = "editor",
) -> Response:
    try:
        accounts.create_user(db, identifiant, mot_de_passe, role)
    except InvalidInput as error:
        context = {"users": accounts.list_users(db), "roles": accounts.ROLE_LABELS, "error": str(error),
                   "field": error.field, "username": identifiant, "role": role}  # fmt: skip
        return page(request, "users.html", context, 400)
    return redirect("/admin/utilisateurs", message="compte")


@router.post("/utilisateurs/{username}/actif")
def toggle_user(db: DbDep, admin: AdminDep, username: str, actif: Annotated[bool, Form()]) -> Response:
    if username == admin.username and not actif:
        raise InvalidInput("Vous ne pouvez pas désactiver votre propre compte.")
    accounts.set_active(db, username, actif)
    return redirect("/admin/utilisateurs", message="compte-modifie")
