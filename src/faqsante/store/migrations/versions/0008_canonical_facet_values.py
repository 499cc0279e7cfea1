"""entry_facets.value holds value keys: what sources wrote (« INS ») canonicalised to the taxonomy's key (« ins »)

Values written since are canonicalised by the import; this rewrites the rows stored before. A value the
taxonomy does not know stays as written. When an entry already carries the key, the row that wins is the
decision that weighs most: an editor's, then the source's, then the tagger's.

Revision ID: 0008_canonical_facet_values
Revises: 0007_query_log_query
Create Date: 2026-11-29 14:20:00
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

from faqsante.text import fold_words

revision = "0008_canonical_facet_values"
down_revision = "0007_query_log_query"
branch_labels = None
depends_on = None

# The names of facets/taxonomy.yaml when this revision was written (key, label, aliases), folded (fold_words),
# by facet and value key: a frozen copy, so that the migration rewrites old rows as it did then, whatever the
# live taxonomy becomes.
# fmt: off
SPELLINGS: dict[str, dict[str, tuple[str, ...]]] = {
    "type_offre": {
        "editeurs": ("editeurs de logiciels et industriels", "editeurs de logiciels", "editeur de logiciel", "industriels", "industriel", "entreprises du numerique en sante", "entreprise du numerique en sante", "entreprises innovantes", "start up", "startups", "fabricant"),
        "etablissements": ("etablissements de sante", "etablissement de sante", "etablissements sanitaires", "etablissement sanitaire", "etablissement hospitalier", "centres hospitaliers", "centre hospitalier", "ght", "clinique"),
        "medico_social": ("medico social", "etablissements et services medico sociaux esms", "esms", "ehpad", "organisme gestionnaire", "mdph"),
        "professionnels": ("professionnels de sante", "professionnels de sante liberaux", "professionnel de sante liberal", "medecins liberaux", "ps liberaux", "professionnel liberal"),
        "usagers": ("usagers et patients", "ouvrant droit", "ayant droit", "ayants droit"),
        "general": ("general autre",),
    },
    "couloir_segur": {
        "hopital": ("couloir hopital", "couloir hospitalier", "dpi", "pfi", "gam", "ri gam", "dossier patient informatise"),
        "biologie": ("biologie medicale", "couloir biologie", "sgl", "loinc", "cr bio", "compte rendu de biologie", "laboratoire de biologie medicale", "laboratoires de biologie medicale"),
        "radiologie": ("radiologie imagerie medicale", "couloir radiologie", "ris", "imagerie medicale", "plateau d imagerie", "pacs"),
        "medecin_ville": ("medecin ville", "medecin de ville", "medecins de ville", "couloir medecin", "lgc", "logiciel de gestion de cabinet"),
        "officine": ("officines", "lgo", "logiciel de gestion d officine"),
        "medico_social": ("medico social", "couloir medico social", "medico sociaux", "esms", "dui", "dossier usager informatise"),
        "sf_cd_paramedicaux": ("sf cd paramedicaux", "sages femmes chirurgiens dentistes et paramedicaux", "sages femmes chirurgiens dentistes paramedicaux", "sages femmes", "sage femme", "chirurgiens dentistes", "chirurgien dentiste", "paramedicaux", "kinesitherapeute", "masseurs kinesitherapeutes"),
        "general": ("general autre",),
    },
    "dispositif_segur": {
        "sons": ("sons financement des editeurs", "systeme ouvert et non selectif", "prestation segur", "prestations segur", "appel a financement", "demande de solde", "demande d avance"),
        "sun_es": ("sun es", "sun es usage numerique en etablissements de sante", "sunes", "segur usage numerique en etablissements de sante", "programme du segur usage numerique"),
        "esms_numerique": ("esms numerique", "programme esms numerique"),
        "hopen": ("programme hop en", "hop en", "hopital numerique ouvert sur son environnement"),
        "financement_ville": ("financement ville", "financements des professionnels de ville", "forfait structure", "forfait d aide a la modernisation", "avenant 9", "fami"),
        "care": ("programme care cybersecurite", "programme care", "cybersecurite acceleration et resilience des etablissements"),
        "general": ("general autre",),
    },
    "produit": {
        "mon_espace_sante": ("mon espace sante", "mon espace de sante", "mes", "espace numerique de sante", "espace sante", "catalogue de services", "catalogue de services numeriques references", "3422"),
        "dmp": ("dmp dossier medical partage", "dossier medical partage", "dmp compatible"),
        "mssante": ("mssante messageries securisees de sante", "mss", "mss pro", "mss citoyenne", "mss c", "messagerie securisee de sante", "messageries securisees de sante", "messagerie securisee en sante", "messagerie de sante securisee", "espace de confiance mssante", "annuaire national mssante", "mailiz", "alias mssante"),
        "medimail": (),
        "ins": ("ins identite nationale de sante", "insi", "teleservice insi", "identite nationale de sante", "matricule ins", "ins qualifiee", "ins qualifies", "identite ins", "ins 45", "ins45"),
        "e_cps": ("e cps", "e cps et carte cps", "ecps", "carte cps", "cartes cps", "cpx", "carte cpx", "application e cps"),
        "pro_sante_connect": ("pro sante connect", "psc"),
        "convergence": (),
        "ror": ("ror repertoire operationnel des ressources", "repertoire operationnel des ressources", "referentiel national de l offre de soins"),
        "viatrajectoire": ("via trajectoire", "trajectoire sante ra fr"),
        "teleo": (),
        "spico": ("spico discussions", "messagerie instantanee", "messageries instantanees"),
        "pastel": ("synapses", "covotem"),
        "dmn": ("dispositifs medicaux numeriques dmn et telesurveillance", "dispositif medical numerique", "dispositifs medicaux numeriques", "telesurveillance", "marque ce"),
        "teleconsultation": ("teleconsultation et telesante", "telemedecine", "telesante", "teleexpertise", "tele expertise", "etht"),
        "e_prescription": ("e prescription", "ordonnance numerique", "ordonnances numeriques"),
        "general": ("general autre",),
    },
    "thematique": {
        "interoperabilite": ("interoperable", "hl7", "ihe", "fhir", "cda", "ci sis", "cadre d interoperabilite", "mllp"),
        "securite": ("securite et protection des donnees", "securite des si", "securite du systeme d information", "hds", "hebergeur des donnees de sante", "rgpd", "cnil", "anssi", "authentification forte", "donnees a caractere personnel", "cybersecurite", "rssi", "ssi"),
        "identitovigilance": ("rniv", "traits d identite", "traits stricts", "identite numerique", "referentiel d identite", "referentiel d identites", "cellule d identitovigilance", "3riv"),
        "ethique": ("ethique et droits des usagers", "territorialite", "consentement", "oppos", "matrice d habilitation"),
        "financement": ("financement et candidatures", "finance", "subvention", "dotation", "appel a projets", "appel a financement", "montants alloues", "forfait structure"),
        "referencement": ("referencement conformite et certification", "certification", "certifie", "labellisation", "label", "preuves de conformite", "doctrine du numerique en sante", "dsr", "rem", "referentiel d exigences", "homologation"),
        "acces_connexion": ("acces connexion", "acces comptes et connexion", "mot de passe", "mots de passe", "identifiant de connexion", "se connecter", "connectez vous", "creer un compte", "creer votre compte", "compte utilisateur", "navigateur"),
        "messagerie": ("boite aux lettres", "boites aux lettres", "accuse de lecture"),
        "documents_sante": ("documents sante", "documents de sante", "document de sante", "compte rendu", "comptes rendus", "lettre de liaison", "ordonnance"),
        "accompagnement": ("accompagnement et support", "centre de services", "centre de service", "service client", "fiche reflexe", "fiche pratique", "webinaire", "tutoriel", "espace utilisateur", "espaces utilisateurs", "guide d utilisation", "plateforme de formation", "offre d accompagnement"),
        "general": ("general autre",),
    },
}
# fmt: on
WEIGHT = {"editor": 2, "source": 1, "auto": 0}
facets = sa.table(
    "entry_facets",
    sa.column("entry_id", sa.String),
    sa.column("facet", sa.String),
    sa.column("value", sa.String),
    sa.column("confidence", sa.Float),
    sa.column("origin", sa.String),
)


def upgrade() -> None:
    connection = op.get_bind()
    lookup = {
        facet: {name: key for key, names in values.items() for name in (key, *names)}
        for facet, values in SPELLINGS.items()
    }
    rows = connection.execute(sa.select(facets)).mappings().all()
    kept: dict[tuple[str, str, str], dict[str, Any]] = {(r["entry_id"], r["facet"], r["value"]): dict(r) for r in rows}
    for row in rows:
        key = lookup.get(row["facet"], {}).get(fold_words(row["value"]))
        if key is None or key == row["value"]:
            continue
        raw = facets.c.entry_id == row["entry_id"], facets.c.facet == row["facet"], facets.c.value == row["value"]
        target = (row["entry_id"], row["facet"], key)
        existing = kept.get(target)
        if existing is None:
            connection.execute(sa.update(facets).where(*raw).values(value=key))
            kept[target] = {**row, "value": key}
            continue
        connection.execute(sa.delete(facets).where(*raw))
        if WEIGHT.get(row["origin"], 0) > WEIGHT.get(existing["origin"], 0):
            connection.execute(
                sa.update(facets)
                .where(facets.c.entry_id == target[0], facets.c.facet == target[1], facets.c.value == key)
                .values(confidence=row["confidence"], origin=row["origin"])
            )
            kept[target] = {**row, "value": key}


def downgrade() -> None:
    pass  # the keys are valid spellings of themselves: nothing to undo
