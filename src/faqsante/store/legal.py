"""The legal pages every French public-service site links from its footer, editable by an administrator.

Their text is Markdown kept in the ``meta`` table (key ``page:<slug>``); a page never edited shows its
default below, written to be true of any deployment, with the few facts only the operator knows marked
« à compléter ». The accessibility status (RGAA) is a separate setting because the footer shows it:
# meta: {"page:accessibilite": "# Déclaration…", "accessibility_status": "partiellement conforme"}
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select

from faqsante.errors import InvalidInput, NotFound
from faqsante.store.db import Database
from faqsante.store.models import Meta

MAX_PAGE_LENGTH = 50_000
STATUS_KEY = "accessibility_status"
# RGAA's three levels; without an audit a site must declare itself « non conforme ».
ACCESSIBILITY_STATUSES = ("non conforme", "partiellement conforme", "totalement conforme")
DEFAULT_STATUS = "non conforme"


@dataclass(frozen=True)
class LegalPage:
    slug: str  # its address: /accessibilite
    title: str
    default: str  # Markdown
    text: str = ""
    edited: bool = False


DEFAULTS: dict[str, tuple[str, str]] = {
    "accessibilite": (
        "Déclaration d'accessibilité",
        """L'éditeur de ce site s'engage à rendre ses services numériques accessibles, conformément à l'article 47
de la loi n° 2005-102 du 11 février 2005.

Cette déclaration d'accessibilité s'applique à la FAQ publiée sur ce site.

## État de conformité

Ce site n'a pas encore fait l'objet d'un audit de conformité au référentiel général d'amélioration de
l'accessibilité (RGAA 4.1) : il est donc déclaré **{statut}**.

Il a été conçu pour être utilisable au clavier et avec un lecteur d'écran, sans JavaScript, avec des
contrastes suffisants et des liens d'évitement.

## Retour d'information et contact

Si vous n'arrivez pas à accéder à un contenu ou à un service, vous pouvez nous le signaler par le
formulaire « [Poser une question](/question) » pour être orienté vers une alternative accessible ou
obtenir le contenu sous une autre forme.

## Voies de recours

Si vous avez signalé un défaut d'accessibilité qui vous empêche d'accéder à un contenu ou à un service
et que vous n'avez pas obtenu de réponse satisfaisante, vous pouvez :

- écrire un message au [Défenseur des droits](https://formulaire.defenseurdesdroits.fr/) ;
- contacter le délégué du Défenseur des droits dans votre région ;
- envoyer un courrier (gratuit, sans affranchissement) à : Défenseur des droits, Libre réponse 71120,
  75342 Paris CEDEX 07.
""",
    ),
    "mentions-legales": (
        "Mentions légales",
        """## Éditeur du site

Organisme éditeur, adresse, directeur ou directrice de la publication : à compléter par l'administrateur
du site.

## Hébergement

Hébergeur, adresse et téléphone : à compléter par l'administrateur du site.

## Contenus

Les réponses de cette FAQ reprennent des foires aux questions publiques du numérique en santé ; chaque
réponse indique sa source et sa date de mise à jour. Elles sont données à titre d'information et ne
remplacent pas les textes officiels.

## Propriété intellectuelle

Sauf mention contraire, les contenus de ce site peuvent être réutilisés à condition d'en citer la source.
""",
    ),
    "donnees-personnelles": (
        "Données personnelles et cookies",
        """## Données collectées

- **Les questions saisies** dans la recherche sont enregistrées, avec les réponses proposées, pour
  améliorer la FAQ. N'y indiquez aucune donnée de santé ni information qui vous identifie.
- **Les avis** « Cette réponse vous a-t-elle été utile ? » et leurs commentaires sont enregistrés avec
  un identifiant anonyme (l'empreinte d'un nombre aléatoire), jamais avec votre nom ou votre adresse IP.
- **Votre adresse e-mail**, seulement si vous la laissez en posant une question, sert uniquement à vous
  prévenir de la réponse.

Ces données ne sont ni vendues ni transmises à des tiers. Elles sont conservées le temps nécessaire à
l'amélioration de la FAQ.

## Cookies

Ce site ne dépose aucun cookie publicitaire ni de mesure d'audience tierce ; il n'a donc pas besoin de
votre consentement. Il utilise :

- `faqsante_visiteur` (un an) : un nombre aléatoire qui permet qu'un nouvel avis remplace le précédent ;
- un cookie de session, uniquement pour les rédacteurs connectés à l'espace d'administration.

## Vos droits

Vous pouvez demander l'accès à vos données, leur rectification ou leur effacement par le formulaire
« [Poser une question](/question) ». Vous pouvez aussi adresser une réclamation à la
[CNIL](https://www.cnil.fr/).
""",
    ),
}


def _unwrapped(text: str) -> str:
    """Source lines wrapped for the code joined back: Markdown line breaks are kept as typed by administrators.

    # "Ce site\\nest déclaré.\\n\\n- un point\\n  qui continue"  ->  "Ce site est déclaré.\\n\\n- un point qui continue"
    """
    lines: list[str] = []
    for line in text.strip().split("\n"):
        continues = lines and lines[-1].strip() and line.strip() and not line.startswith(("- ", "#"))
        if continues and not lines[-1].startswith("#"):
            lines[-1] += " " + line.strip()
        else:
            lines.append(line)
    return "\n".join(lines)


DEFAULTS = {slug: (title, _unwrapped(text)) for slug, (title, text) in DEFAULTS.items()}


def legal_pages(db: Database) -> list[LegalPage]:
    """Every legal page, in footer order, with its current text."""
    return [legal_page(db, slug) for slug in DEFAULTS]


def legal_page(db: Database, slug: str) -> LegalPage:
    """A page's current text: the administrator's, or its default with the declared accessibility status."""
    if slug not in DEFAULTS:
        raise NotFound(f"La page « {slug} » n'existe pas.")
    title, default = DEFAULTS[slug]
    with db.session() as session:
        stored = session.scalar(select(Meta.value).where(Meta.key == _key(slug)))
    default = default.replace("{statut}", accessibility_status(db))
    return LegalPage(slug, title, default, stored if stored is not None else default, stored is not None)


def set_legal_page(db: Database, slug: str, text: str) -> None:
    """Replace a page's text; an empty text brings its default back."""
    legal_page(db, slug)  # NotFound for an unknown page
    text = text.replace("\r\n", "\n").strip()
    if len(text) > MAX_PAGE_LENGTH:
        raise InvalidInput(
            f"Le texte est trop long ({len(text)} caractères, {MAX_PAGE_LENGTH} au plus).", field="texte"
        )
    _store(db, _key(slug), text or None)


def accessibility_status(db: Database) -> str:
    """« non conforme », « partiellement conforme » or « totalement conforme », as the footer says it."""
    with db.session() as session:
        stored = session.scalar(select(Meta.value).where(Meta.key == STATUS_KEY))
    return stored if stored in ACCESSIBILITY_STATUSES else DEFAULT_STATUS


def set_accessibility_status(db: Database, status: str) -> None:
    if status not in ACCESSIBILITY_STATUSES:
        choices = ", ".join(f"« {choice} »" for choice in ACCESSIBILITY_STATUSES)
        raise InvalidInput(f"État de conformité inconnu « {status} » : choisissez {choices}.", field="statut")
    _store(db, STATUS_KEY, status)


def _key(slug: str) -> str:
    return f"page:{slug}"


def _store(db: Database, key: str, value: str | None) -> None:
    """Write (or, for None, remove) one meta row: delete then insert, in one transaction."""
    with db.session() as session:
        session.execute(delete(Meta).where(Meta.key == key))
        if value is not None:
            session.add(Meta(key=key, value=value))
