"""What every admin page shares: the area routers' guards, the page frame, redirects and their messages."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from faqsante import editing
from faqsante.answers import catalog
from faqsante.web import auth
from faqsante.web.auth import require_editor, verify_csrf
from faqsante.web.deps import get_db
from faqsante.web.templating import render

# ?message=… after a redirect: a fixed key, never text taken from the URL.
MESSAGES = {
    "enregistree": "Modifications enregistrées.",
    "inchangee": "Aucune modification : l'entrée est identique.",
    "creee": "Entrée créée et publiée.",
    "publiee": "Entrée publiée.",
    "archivee": "Entrée archivée : elle n'apparaît plus dans la FAQ.",
    "titre": "Titre suggéré enregistré comme question.",
    "filtres": "Filtres enregistrés : l'étiquetage automatique ne les changera plus.",
    "relecture": "Date de relecture et responsable enregistrés.",
    "fusionnee": "Doublon fusionné : ses avis, ses sources et son historique suivent cette entrée.",
    "repondue": "Question traitée : elle est reliée à sa réponse.",
    "ecartee": "Question écartée.",
    "brouillon": "Brouillon enregistré : la version publiée ne change pas tant qu'il n'est pas publié.",
    "brouillon-cree": "Brouillon créé : l'entrée n'est pas encore visible dans la FAQ.",
    "brouillon-publie": "Brouillon publié : la FAQ et la recherche montrent la nouvelle version.",
    "brouillon-abandonne": "Brouillon abandonné.",
    "restauree": "Révision restaurée : elle est publiée comme nouvelle révision.",
    "hors-sujet": "Question écartée des contenus manquants : la recherche apprend qu'elle est hors sujet.",
    "question-ajoutee": "Question ajoutée : elle trouve cette réponse dès la prochaine recherche.",
    "question-modifiee": "Question modifiée.",
    "question-supprimee": "Question supprimée.",
    "question-principale": "Question principale choisie : c'est désormais le titre de l'entrée.",
    "suggestions-acceptees": "Suggestions acceptées : elles trouvent leur réponse dès la prochaine recherche.",
    "suggestions-refusees": "Suggestions refusées : elles ne seront plus proposées.",
    "titre-enregistre": "Titre enregistré : c'est désormais la question de l'entrée, partout.",
    "titres-enregistres": "Titres enregistrés : ce sont désormais les questions de ces entrées, partout.",
    "compte": "Compte créé.",
    "compte-modifie": "Compte modifié.",
    "notifications": "Préférences d'e-mail enregistrées.",
    "source": "Source enregistrée : ses réponses affichent ce nom et portent ces filtres.",
    "source-inchangee": "Aucune modification de la source.",
    "page": "Page enregistrée : elle est en ligne.",
    "contact": "Contact enregistré : il s'affiche sous les réponses qu'il couvre et après un refus sur son sujet.",
    "contact-supprime": "Contact supprimé.",
    "terme-ajoute": "Terme ajouté : la recherche l'applique dès la prochaine question.",
    "terme-modifie": "Terme modifié : la recherche l'applique dès la prochaine question.",
    "terme-inchange": "Aucune modification : le terme est identique.",
    "terme-desactive": "Terme désactivé : ni la recherche, ni les sujets, ni les titres ne s'en servent plus.",
    "terme-reactive": "Terme réactivé.",
    "terme-supprime": "Terme supprimé du glossaire.",
    "terme-rendu": "Version des éditeurs supprimée : la version livrée est de nouveau en vigueur.",
    "session-revoquee": "Session révoquée : ce navigateur devra se reconnecter.",
    "sessions-revoquees": "Toutes les sessions du compte sont révoquées.",
    "2fa-desactivee": "Double authentification désactivée : le mot de passe suffit de nouveau pour vous connecter.",
    "2fa-reinitialisee": "Double authentification réinitialisée : le compte se connecte avec son mot de passe et ses "
    "sessions ont pris fin.",
    "code-secours": "Vous vous êtes connecté avec un code de secours : il ne servira plus.",
}

# Form fields keep the French names of the pages' HTML (name="reponse"); Python calls them in English.
# Their bound is twice the longest text kept: one character too many reaches the core, whose French message
# comes back on the form with the text as typed (at the bound itself, only the generic error page would).
FORM_TEXT_LENGTH = 2 * editing.MAX_ANSWER_LENGTH
Text = Annotated[str, Form(max_length=FORM_TEXT_LENGTH)]
OptionalText = Annotated[str | None, Form(max_length=FORM_TEXT_LENGTH)]
AnswerField = Annotated[str, Form(alias="reponse", max_length=FORM_TEXT_LENGTH)]
OptionalAnswerField = Annotated[str | None, Form(alias="reponse", max_length=FORM_TEXT_LENGTH)]
SectionField = Annotated[str | None, Form(alias="rubrique", max_length=FORM_TEXT_LENGTH)]


def workspace_router() -> APIRouter:
    """An area's router: under /admin, for signed-in editors, every form checked against CSRF."""
    return APIRouter(prefix="/admin", dependencies=[Depends(require_editor), Depends(verify_csrf)])


def page(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> Response:
    """Render an admin page with what every one of them needs: the account, the CSRF token, the message."""
    message = MESSAGES.get(request.query_params.get("message", ""))
    base = {"account": auth.current_account(request), "csrf_token": auth.csrf_token(request), "message": message,
            "section_names": lambda: [section.name for section in catalog.list_sections(get_db(request))]}  # fmt: skip
    return render(request, f"admin/{template}", {**base, **context}, status_code=status_code)


def redirect(path: str, **params: str) -> RedirectResponse:
    """A 303 to ``path`` with ``params`` added to its query, before its fragment (after it they are lost, #19.17).

    # redirect("/admin/entrees/c1#questions", message="question-ajoutee")
    #   -> Location: /admin/entrees/c1?message=question-ajoutee#questions
    """
    parts = urlsplit(path)
    query = "&".join(part for part in (parts.query, urlencode(params)) if part)
    return RedirectResponse(urlunsplit(parts._replace(query=query)), status_code=303)


def entry_path(entry_id: str) -> str:
    """# "c1179" -> /admin/entrees/c1179 ;  "a#b?c" -> /admin/entrees/a%23b%3Fc (an id never ends the path)"""
    return f"/admin/entrees/{quote(entry_id, safe='')}"
