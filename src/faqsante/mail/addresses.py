"""What faqsante takes as a visitor's address: exactly one mailbox, which no mail library can read as several.

A header parser decodes encoded words and splits lists, so an address that is « one » to a regular
expression can put several recipients, or a Bcc, in a message (#19.1, #19.4). Hence one strict rule, applied
when a visitor leaves the address and again before anything is sent to it:
# "lea@example.org"                        -> "lea@example.org"
# "Lea@EXEMPLE.fr", "lea@élysée.fr"        -> "Lea@exemple.fr", "lea@xn--lyse-9oad.fr" (as SMTP servers take it)
# "postmaster,victim@evil.example"         -> refused (two mailboxes)
# "=?utf-8?b?YUBiLmZyLGNAZC5mcg==?=x@x.fr" -> refused (an encoded word, decoded into « a@b.fr,c@d.fr »)
# "x@x.fr\r\nBcc: y@y.fr", "Léa <lea@x.fr>", '"a b"@x.fr', "a@[127.0.0.1]" -> refused
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from faqsante.errors import InvalidInput
from faqsante.store.models import MAX_EMAIL_LENGTH

_LIST_SEPARATORS = (",", ";")


def mailbox(text: str) -> str:
    """The one mailbox ``text`` is, in the ASCII form it is stored and sent as; ``InvalidInput`` (field ``email``)."""
    if any(separator in text for separator in _LIST_SEPARATORS):
        raise InvalidInput("Indiquez une seule adresse e-mail (exemple : prenom.nom@exemple.fr).", "email")
    if len(text) <= MAX_EMAIL_LENGTH and "=?" not in text:
        try:
            # No display name, quoted local part, IP literal or non-ASCII local part; no DNS look-up.
            checked = validate_email(
                text,
                allow_smtputf8=False,
                allow_quoted_local=False,
                allow_display_name=False,
                allow_domain_literal=False,
                check_deliverability=False,
            )
        except EmailNotValidError:
            pass
        else:
            return checked.ascii_email or checked.normalized
    shown = text[:80].replace("\r", " ").replace("\n", " ")
    raise InvalidInput(f"L'adresse e-mail « {shown} » n'est pas valide (exemple : prenom.nom@exemple.fr).", "email")
