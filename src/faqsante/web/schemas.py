"""The JSON the API reads and writes, as Pydantic models: they document /openapi.json.

Responses mirror the core's ``to_dict()`` shapes (``AskResult``, ``PublishedEntry``, ``EntryPage``, ``Vote``);
the models describe them, they do not reshape them.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from faqsante.web.params import Text


class EntryOut(BaseModel):
    id: str = Field(examples=["627b0cbf71bb"])
    question: str | None = Field(description="La question, quand la source en donne une.")
    answer: str = Field(description="Texte brut : « \\n\\n » entre paragraphes, lignes de liste en « - ».")
    section: str | None = Field(examples=["Pro Santé Connect"])
    sources: list[str] = Field(description="Fichiers ou pages d'où vient l'entrée.")
    title: str = Field(
        description="Le titre affiché : la question principale, sinon la question acceptée la plus posée, "
        "sinon une question tirée de la réponse."
    )


class HitOut(EntryOut):
    # Search may add fields to its hits; they pass through unchanged, like in `faqsante ask --json`.
    model_config = ConfigDict(extra="allow")

    score: float = Field(description="Score de classement, comparable au sein d'une même question seulement.")
    confidence: float = Field(ge=0, le=1, description="Probabilité estimée que l'entrée réponde à la question.")


class TopicOut(BaseModel):
    kind: str = Field(description="« filtre », « rubrique » ou « glossaire ».", examples=["filtre"])
    label: str = Field(examples=["INS (identité nationale de santé)"])
    definition: str | None = Field(description="Ce que recouvre le sujet, quand on le sait.")
    url: str = Field(description="La page de toutes ses réponses.", examples=["/reponses?produit=ins"])
    filters: dict[str, list[str]] = Field(description="Le filtre qui le définit, pour un sujet « filtre ».")
    total: int = Field(description="Nombre de réponses publiées du sujet.")
    results: list[EntryOut] = Field(description="Ses premières réponses, les mieux classées pour la question d'abord.")


class AskOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    query: str
    abstained: bool = Field(description="Vrai quand aucune entrée ne répond avec assez de confiance.")
    results: list[HitOut]
    topic: TopicOut | None = Field(
        default=None,
        description="Le sujet que nomme une question d'un ou deux mots (« INS », « DMP »), s'il y en a un.",
    )


class OriginOut(BaseModel):
    name: str = Field(description="Le nom de la source tel que l'affiche le portail.", examples=["esante.gouv.fr"])
    url: str | None = Field(description="Son adresse, quand on la connaît.")


class NoticeOut(BaseModel):
    kind: str = Field(description="Le type de signalement, comme dans `faqsante lint`.", examples=["stale"])
    message: str = Field(description="Ce qu'on en dit au lecteur.")


class EntryDetailOut(EntryOut):
    updated_at: str = Field(description="Date de la dernière modification (ISO 8601).")
    origins: list[OriginOut] = Field(description="Les sources de l'entrée, telles que les lecteurs les voient.")
    notices: list[NoticeOut] = Field(
        description="Ce que le bilan de santé du contenu signale au lecteur (échéance passée, lien perdu) ; vide sinon."
    )
    related: list[EntryOut] = Field(description="Les entrées les plus proches de celle-ci.")


class EntryPageOut(BaseModel):
    items: list[EntryOut]
    page: int
    per_page: int
    total: int
    pages: int
    section: str | None


class SectionOut(BaseModel):
    name: str
    count: int


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    helpful: bool = Field(description="La réponse a-t-elle été utile ?")
    comment: Text | None = Field(default=None, description="Ce qui a manqué (2 000 caractères au plus).")
    query: Text | None = Field(default=None, description="La question qui a mené à cette réponse.")


class FeedbackOut(BaseModel):
    entry_id: str
    helpful: bool
    comment: str | None
    query: str | None


class QuestionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: Text = Field(description="La question restée sans réponse (500 caractères au plus).")
    email: Text | None = Field(
        default=None,
        description="Pour être prévenu de la réponse (facultatif). Sans envoi de courriels configuré, "
        "l'adresse n'est ni vérifiée ni conservée.",
    )


class QuestionOut(BaseModel):
    id: int
    question: str
    status: str
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
