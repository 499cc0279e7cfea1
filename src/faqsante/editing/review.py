"""When an entry should be read again, and who answers for it (#17.4).

An entry's review date and owner are the desk's bookkeeping, not content: setting them records no revision
and changes no date a visitor reads. Entries past their date are listed by the health report
(``health.lint``, kind ``review-due``) and counted on the dashboard.
# set_review(db, "c11796043a08", review_at=date(2027, 3, 31), owner="Équipe INS")  ->  True (changed)
"""

from __future__ import annotations

from datetime import date, datetime

from faqsante.editing.entries import lock_entry
from faqsante.errors import InvalidInput
from faqsante.store import Database
from faqsante.store.db import bump_data_version
from faqsante.store.models import MAX_OWNER_LENGTH

OLDEST_REVIEW = date(2000, 1, 1)  # a date before this is a typo (« 0227 »), not a plan
LATEST_REVIEW = date(2100, 12, 31)


def set_review(db: Database, entry_id: str, *, review_at: date | None, owner: str | None) -> bool:
    """Set (or clear, with None) an entry's review date and owner; False when both were already so."""
    name = " ".join((owner or "").split()) or None
    if name is not None and len(name) > MAX_OWNER_LENGTH:
        raise InvalidInput(
            f"Le responsable est trop long ({len(name)} caractères, {MAX_OWNER_LENGTH} au plus).", "owner"
        )
    if review_at is not None and not OLDEST_REVIEW <= review_at <= LATEST_REVIEW:
        raise InvalidInput(
            f"Date de relecture invalide ({review_at:%d/%m/%Y}) : choisissez un jour entre 2000 et 2100.", "review_at"
        )
    with db.session() as session:
        entry = lock_entry(session, entry_id)
        if (entry.review_at, entry.owner) == (review_at, name):
            return False
        entry.review_at, entry.owner = review_at, name
        bump_data_version(session)  # the health report is cached per data version
        return True


def parse_review_date(text: str | None) -> date | None:
    """« 2027-03-31 » (a form's date field, the CLI) or « 31/03/2027 »; blank is no date."""
    value = (text or "").strip()
    if not value:
        return None
    for layout in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, layout).date()
        except ValueError:
            continue
    shown = value[:40].encode("utf-8", "replace").decode("utf-8")
    raise InvalidInput(
        f"Date de relecture illisible « {shown} » : écrivez-la AAAA-MM-JJ, par exemple 2027-03-31.", "review_at"
    )
