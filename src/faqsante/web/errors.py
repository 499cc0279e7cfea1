"""Every failure becomes a clear French answer: a JSON error for the API, a page for people.

# {"error": {"code": "not_found", "message": "Aucune réponse publiée n'a l'identifiant « x »."}}
Unexpected exceptions are logged with their stack trace and answered with a generic 500 that shows none; a
database too busy to answer now is a 503 with Retry-After.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, Response

from faqsante.errors import InvalidInput, InvalidQuery, NotFound
from faqsante.store.db import is_busy
from faqsante.store.storable import UNSTORABLE, UnstorableText
from faqsante.web.templating import render

log = logging.getLogger("faqsante.web")

# status -> (code, French title, French message when the exception brings none of its own)
_STATUS_TEXT: dict[int, tuple[str, str, str]] = {
    400: ("bad_request", "Demande invalide", "La demande est invalide."),
    401: ("unauthorized", "Connexion requise", "Connectez-vous pour accéder à cette page."),
    403: ("forbidden", "Accès refusé", "Vous n'avez pas accès à cette page."),
    404: ("not_found", "Page introuvable", "Cette adresse ne correspond à aucune page."),
    405: ("method_not_allowed", "Méthode non autorisée", "Cette adresse n'accepte pas cette méthode HTTP."),
    413: ("too_large", "Demande trop volumineuse", "La demande est trop volumineuse."),
    422: ("validation_error", "Demande invalide", "Certains paramètres sont absents ou invalides."),
    429: ("too_many_requests", "Trop de demandes", "Trop de demandes : réessayez dans un instant."),
    500: ("internal_error", "Erreur du serveur", "Une erreur inattendue s'est produite. Réessayez plus tard."),
    503: (
        "busy",
        "Service momentanément indisponible",
        "Le service est très sollicité en ce moment : réessayez dans quelques secondes.",
    ),
}
BUSY_RETRY_AFTER_S = 5  # a batch of an import commits within a second or two

# Pydantic error types -> what to tell a person, in French.
_FIELD_MESSAGES = {
    "missing": "champ obligatoire",
    "json_invalid": "JSON invalide",
    "model_attributes_type": "objet JSON attendu",
    "dict_type": "objet JSON attendu",
    "bool_parsing": "doit valoir true ou false",
    "bool_type": "doit valoir true ou false",
    "string_type": "doit être du texte",
    "int_parsing": "doit être un nombre entier",
    "int_type": "doit être un nombre entier",
    "greater_than_equal": "doit être au moins {ge}",
    "less_than_equal": "doit valoir au plus {le}",
    "string_too_long": "trop long ({max_length} caractères au plus)",
    "extra_forbidden": "champ inconnu",
    "lone_surrogate": "contient un caractère invalide (U+{code}, une moitié de paire UTF-16)",
}


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(NotFound, _on_faqsante_error)
    app.add_exception_handler(InvalidInput, _on_faqsante_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(HTTPException, _on_http_exception)
    app.add_exception_handler(DBAPIError, _on_database_error)
    app.add_exception_handler(PoolTimeout, _on_database_error)
    app.add_exception_handler(Exception, _on_unexpected)


def error_response(
    request: Request,
    status: int,
    message: str | None = None,
    *,
    code: str | None = None,
    fields: list[dict[str, str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The JSON error for API clients, the French error page for browsers."""
    default_code, title, default = _STATUS_TEXT.get(
        status, ("http_error", HTTPStatus(status).phrase, HTTPStatus(status).phrase)
    )
    code, message = code or default_code, message or default
    if _wants_json(request):
        body: dict[str, Any] = {"code": code, "message": message}
        if fields:
            body["fields"] = fields
        return JSONResponse({"error": body}, status_code=status, headers=headers)
    context = {"status": status, "title": title, "message": message}
    response = render(request, "error.html", context, status_code=status)
    response.headers.update(headers or {})
    return response


def _wants_json(request: Request) -> bool:
    """# /api/… -> JSON ;  a browser (Accept: text/html) -> page ;  curl (Accept: */*) -> JSON"""
    return request.url.path.startswith("/api/") or "text/html" not in request.headers.get("accept", "")


async def _on_faqsante_error(request: Request, error: Exception) -> Response:
    if isinstance(error, NotFound):
        return error_response(request, 404, str(error))
    if isinstance(error, UnstorableText) and any(UNSTORABLE.search(str(v)) for v in request.path_params.values()):
        return error_response(request, 404)  # /admin/entrees/a%00b: no row can have that id
    assert isinstance(error, InvalidInput)
    code = "invalid_query" if isinstance(error, InvalidQuery) else "invalid_input"
    fields = [{"field": error.field, "message": str(error)}] if error.field else None
    return error_response(request, 400, str(error), code=code, fields=fields)


async def _on_validation_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    fields = [_field_error(item) for item in error.errors()]
    summary = " ; ".join(
        f"{item['field']} : {item['message']}" if item["field"] else item["message"] for item in fields
    )
    return error_response(request, 422, f"Demande invalide : {summary}.", fields=fields)


def _field_error(item: dict[str, Any]) -> dict[str, str]:
    """# {"loc": ("body", "helpful"), "type": "bool_parsing"} -> {"field": "helpful", "message": "doit valoir true ou false"}"""
    # The location of a JSON syntax error is a character offset, not a field.
    located = item.get("type") != "json_invalid"
    # ("body", "query") is the field "query" of the body: the first part says where, the rest which field.
    location = [str(part) for part in item.get("loc", ())[1:]] if located else []
    template = _FIELD_MESSAGES.get(item.get("type", ""), "valeur invalide")
    return {"field": ".".join(location), "message": template.format(**(item.get("ctx") or {}))}


# What FastAPI and Starlette say, in English, of a body they cannot read (starlette.formparsers, fastapi.routing).
_FRAMEWORK_DETAILS = [
    (
        re.compile(r"There was an error parsing the body"),
        "Le corps de la requête est illisible : JSON mal formé ou trop imbriqué, ou texte qui n'est pas en UTF-8.",
    ),
    (re.compile(r"(?:Field|Part) exceeded maximum size of (\d+)KB\."), "Un champ dépasse la taille maximale ({0} Ko)."),
    (re.compile(r"Too many fields\. Maximum number of fields is (\d+)\."), "Trop de champs ({0} au plus)."),
    (re.compile(r"Too many files\. Maximum number of files is (\d+)\."), "Trop de fichiers ({0} au plus)."),
    (
        re.compile(r"Missing boundary in multipart\.|Invalid multipart data\.|The Content-Disposition header field"),
        "Formulaire mal formé : son contenu ne peut pas être lu.",
    ),
]


async def _on_http_exception(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    # Starlette's default detail is the English phrase: keep the French one then; keep a detail set on purpose,
    # in French when it is the framework's own.
    detail = (
        error.detail if isinstance(error.detail, str) and error.detail != HTTPStatus(error.status_code).phrase else None
    )
    for english, french in _FRAMEWORK_DETAILS:
        if detail and (found := english.match(detail)):
            detail = french.format(*found.groups())
    return error_response(request, error.status_code, detail, headers=error.headers)


async def _on_database_error(request: Request, error: Exception) -> Response:
    """A database too busy right now (a long import holds SQLite's write lock) is a 503 to try again, not a
    500: nothing was written, nothing is lost if the visitor sends it again (#19.11)."""
    if not is_busy(error):
        return await _on_unexpected(request, error)
    log.warning("Base occupée sur %s %s : %s", request.method, request.url.path, error)
    return error_response(request, 503, headers={"Retry-After": str(BUSY_RETRY_AFTER_S)})


async def _on_unexpected(request: Request, error: Exception) -> Response:
    log.exception("Erreur inattendue sur %s %s", request.method, request.url.path, exc_info=error)
    return error_response(request, 500)
