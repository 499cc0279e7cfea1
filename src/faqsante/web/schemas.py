"""The JSON the API reads and writes, as Pydantic models: they document /openapi.json.

Responses are the core's shapes (``PublishedEntry``, ``Hit``, ``Provenance``, ``Notice``, ``Vote``…) as their
``to_dict()`` writes them. Where a model describes one, its fields come from the dataclass (``fields_of``):
names, order and types are the core's, and this module adds only what clients read about them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from typing import Any, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, create_model

from faqsante.answers.catalog import Provenance, PublishedEntry, Section
from faqsante.editing.support import Contact
from faqsante.feedback.audience import SubmittedQuestionRecord, Vote
from faqsante.health.notices import Notice
from faqsante.search.results import AskResult, Hit, Span
from faqsante.web.params import Text
from faqsante.web.query_links import MAX_TOKEN_LENGTH


def fields_of(
    shape: type,
    docs: Mapping[str, Any] | None = None,
    *,
    base: type[BaseModel] = BaseModel,
    leave_out: Collection[str] = (),
) -> type[BaseModel]:
    """A base for the model of a core dataclass: its fields that ``base`` lacks, in the dataclass's order and
    with its types, all required (a response always writes them).

    ``docs`` documents them: a ``Field(...)`` per name, or ``(type, Field(...))`` where the JSON carries
    another type (a nested model, a date as text). A doc for a field the shape lacks fails at import, so a
    renamed field cannot leave its model behind.

    # fields_of(Hit, {"score": Field(description=…)}, base=EntryOut)  ->  EntryOut's fields, then score, confidence
    """
    docs = docs or {}
    hints = get_type_hints(shape)
    names = [field.name for field in dataclasses.fields(shape) if field.name not in leave_out]
    if unknown := set(docs) - set(names):
        raise TypeError(f"{shape.__name__} has no field {', '.join(sorted(unknown))}")
    definitions: dict[str, Any] = {}
    for name in names:
        if name in base.model_fields:
            continue
        doc = docs.get(name, Field())
        definitions[name] = doc if isinstance(doc, tuple) else (hints[name], doc)
    model: type[BaseModel] = create_model(f"{shape.__name__}Fields", __base__=base, **definitions)
    return model


# Each model below whose base is ``fields_of(...)`` gets its fields from a core dataclass; mypy cannot follow a
# base made at import (hence the ignores): the tests check the schemas these models produce.
ENTRY_DOCS = {
    "id": Field(examples=["627b0cbf71bb"]),
    "question": Field(description="La question, quand la source en donne une."),
    "answer": Field(description="Texte brut : « \\n\\n » entre paragraphes, lignes de liste en « - »."),
    "section": Field(examples=["Pro Santé Connect"]),
    "sources": Field(description="Fichiers ou pages d'où vient l'entrée."),
    "title": Field(
        description="Le titre affiché : la question principale, sinon la question acceptée la plus posée, "
        "sinon une question tirée de la réponse."
    ),
    "url": Field(
        description="Son adresse sur le portail, à préfixer par celle du site : l'identifiant, puis le titre "
        "en minuscules sans accents (qui suit le titre ; une ancienne adresse redirige vers celle-ci).",
        examples=["/reponses/627b0cbf71bb/combien-de-temps-dure-une-session"],
    ),
}


class EntryOut(fields_of(PublishedEntry, ENTRY_DOCS)):  # type: ignore[misc]
    pass


FACETS_DOC = "Ses valeurs des cinq filtres, par filtre (les clés que prennent les filtres de `/api/ask`)."
SPAN_DOCS = {
    "start": Field(ge=0, description="Position du premier caractère du passage dans `answer`."),
    "end": Field(description="Position qui suit son dernier caractère : le passage est `answer[start:end]`."),
}


class SpanOut(fields_of(Span, SPAN_DOCS)):  # type: ignore[misc]
    pass


HIT_DOCS = {
    "score": Field(description="Score de classement, comparable au sein d'une même question seulement."),
    "confidence": Field(ge=0, le=1, description="Probabilité estimée que l'entrée réponde à la question."),
    "spans": (
        list[SpanOut],
        Field(
            description="Les passages de la réponse qui répondent à la question, le meilleur d'abord "
            "(au plus 240 caractères, ou la moitié de la réponse si elle est plus longue)."
        ),
    ),
    "facets": Field(description=FACETS_DOC, examples=[{"produit": ["e_cps", "psc"]}]),
}


class HitOut(fields_of(Hit, HIT_DOCS, base=EntryOut)):  # type: ignore[misc]
    # Search may add fields to its hits; they pass through unchanged, like in `faqsante ask --json`.
    model_config = ConfigDict(extra="allow")


class TopicOut(BaseModel):
    kind: str = Field(description="« filtre », « rubrique » ou « glossaire ».", examples=["filtre"])
    label: str = Field(examples=["INS (identité nationale de santé)"])
    definition: str | None = Field(description="Ce que recouvre le sujet, quand on le sait.")
    url: str = Field(description="La page de toutes ses réponses.", examples=["/reponses?produit=ins"])
    filters: dict[str, list[str]] = Field(description="Le filtre qui le définit, pour un sujet « filtre ».")
    total: int = Field(description="Nombre de réponses publiées du sujet.")
    results: list[EntryOut] = Field(description="Ses premières réponses, les mieux classées pour la question d'abord.")


CONTACT_DOCS = {
    "label": Field(examples=["Support e-CPS"]),
    "phone": Field(examples=["01 23 45 67 89"]),
    "url": Field(description="Un formulaire de contact."),
    "hours": Field(examples=["du lundi au vendredi, 8 h – 18 h"]),
    "facet": Field(description="Le filtre dont il couvre une valeur (avec `value`), sinon null."),
    "source_id": Field(description="La source qu'il couvre, sinon null."),
    "scope": Field(description="Ce qu'il couvre, en clair.", examples=["produit : e-CPS et carte CPS"]),
}


class ContactOut(fields_of(Contact, CONTACT_DOCS)):  # type: ignore[misc]
    pass


ASK_DOCS = {
    "abstained": Field(description="Vrai quand aucune entrée ne répond avec assez de confiance."),
    "results": (list[HitOut], Field()),
}


class AskOut(fields_of(AskResult, ASK_DOCS)):  # type: ignore[misc]
    model_config = ConfigDict(extra="allow")

    choice: int = Field(
        default=0,
        ge=0,
        description="Quand la première réponse n'est pas sûre : le nombre de premières réponses à présenter comme "
        "un choix (une autre est au moins moitié aussi probable que la première) ; 0 : la première est la réponse.",
    )
    topic: TopicOut | None = Field(
        default=None,
        description="Le sujet que nomme une question d'un ou deux mots (« INS », « DMP »), s'il y en a un.",
    )
    contacts: list[ContactOut] = Field(
        default_factory=list,
        description="Après un refus : le support à contacter pour le sujet que nomme la question (vide sinon).",
    )


class OriginOut(BaseModel):
    name: str = Field(description="Le nom de la source tel que l'affiche le portail.", examples=["esante.gouv.fr"])
    url: str | None = Field(description="Son adresse, quand on la connaît.")


NOTICE_DOCS = {
    "kind": Field(description="Le type de signalement, comme dans `faqsante lint`.", examples=["stale"]),
    "message": Field(description="Ce qu'on en dit au lecteur."),
}


class NoticeOut(fields_of(Notice, NOTICE_DOCS)):  # type: ignore[misc]
    pass


PROVENANCE_DOCS = {
    "added_at": (str, Field(description="Date d'ajout de l'entrée à la FAQ (ISO 8601).")),
    "updated_at": (
        str,
        Field(
            description="Date de la dernière modification de sa question ou de sa réponse, par un import ou un "
            "rédacteur (ISO 8601) ; égale à `added_at` si elle n'a jamais changé."
        ),
    ),
    "origins": (list[OriginOut], Field(description="Les sources de l'entrée, telles que les lecteurs les voient.")),
}


class EntryDetailOut(fields_of(Provenance, PROVENANCE_DOCS, base=EntryOut)):  # type: ignore[misc]
    notices: list[NoticeOut] = Field(
        description="Ce que le bilan de santé du contenu signale au lecteur (échéance passée, lien perdu) ; vide sinon."
    )
    facets: dict[str, list[str]] = Field(description=FACETS_DOC, examples=[{"produit": ["e_cps", "psc"]}])
    related: list[EntryOut] = Field(description="Les entrées les plus proches de celle-ci.")
    contacts: list[ContactOut] = Field(description="Le support à contacter pour le sujet de cette réponse.")


class EntryPageOut(BaseModel):
    items: list[EntryOut]
    page: int
    per_page: int
    total: int
    pages: int
    section: str | None


class SectionOut(fields_of(Section)):  # type: ignore[misc]
    pass


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    helpful: bool = Field(description="La réponse a-t-elle été utile ?")
    comment: Text | None = Field(default=None, description="Ce qui a manqué (2 000 caractères au plus).")
    query: Text | None = Field(default=None, description="La question qui a mené à cette réponse.")
    search_token: Text | None = Field(
        default=None,
        max_length=MAX_TOKEN_LENGTH,
        description="L'en-tête `Faqsante-Search-Token` de la recherche `/api/ask` qui a proposé la réponse (au "
        "lieu de `query`) ; obligatoire depuis la page d'un autre site.",
    )


class FeedbackOut(fields_of(Vote, leave_out={"visitor", "created_at"})):  # type: ignore[misc]
    pass  # the visitor's key is theirs alone


class QuestionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: Text = Field(description="La question restée sans réponse (500 caractères au plus).")
    email: Text | None = Field(
        default=None,
        description="Pour être prévenu de la réponse (facultatif). Sans envoi de courriels configuré, "
        "l'adresse n'est ni vérifiée ni conservée.",
    )


class QuestionOut(fields_of(SubmittedQuestionRecord, leave_out={"email", "created_at"})):  # type: ignore[misc]
    reply_by_mail: bool = Field(description="Un e-mail sera envoyé à l'adresse donnée dès que la réponse sera publiée.")
    message: str = Field(description="Ce qu'il advient de la question, en français, à montrer au visiteur.")


class ErrorDetail(BaseModel):
    code: str = Field(examples=["not_found"])
    message: str = Field(examples=["Aucune réponse publiée n'a l'identifiant « x »."])
    fields: list[dict[str, str]] | None = Field(default=None, description="Champs invalides, le cas échéant.")


class ErrorOut(BaseModel):
    error: ErrorDetail


ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    400: {"model": ErrorOut, "description": "Demande invalide (question vide ou trop longue…)"},
    404: {"model": ErrorOut, "description": "Introuvable"},
    422: {"model": ErrorOut, "description": "Paramètres ou corps de requête invalides"},
}
