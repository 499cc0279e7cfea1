"""One rule for a visitor's address: exactly one mailbox, that no mail library can read as several."""

from __future__ import annotations

import pytest

from faqsante.errors import InvalidInput
from faqsante.mail.addresses import mailbox

HOSTILE = [
    "=?utf-8?q?x=0D=0ABcc:z?=@x.fr",  # an encoded word hiding CR LF and a Bcc header (#19.1)
    "=?utf-8?b?YUBiLmZyLGNAZC5mcg==?=x@x.fr",  # an encoded word hiding « a@b.fr,c@d.fr » (#19.4)
    "postmaster,victim@evil.example",  # two RCPTs (#19.4)
    "a@x.fr;b@y.fr",
    "a@x.fr b@y.fr",
    "x@x.fr\r\nBcc: y@y.fr",
    "x@x.fr\nBcc: y@y.fr",
    "Léa <lea@x.fr>",
    "lea@x.fr <b@y.fr>",
    '"a,b"@x.fr',
    "a@[127.0.0.1]",
    "a@@x.fr",
    "pas-une-adresse",
    "moi@",
    "a@localhost",
    "a\x00@x.fr",
    "a" * 300 + "@x.fr",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_anything_but_one_plain_mailbox_is_refused_in_french(text: str) -> None:
    with pytest.raises(InvalidInput, match="n'est pas valide|une seule adresse") as refused:
        mailbox(text)
    assert refused.value.field == "email"


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("lea@example.org", "lea@example.org"),
        ("Lea.Dupont+faq@Exemple.FR", "Lea.Dupont+faq@exemple.fr"),  # the domain is case-insensitive
        ("lea@élysée.fr", "lea@xn--lyse-9oad.fr"),  # the form every SMTP server takes
    ],
)
def test_a_mailbox_is_kept_in_the_form_it_is_sent_to(text: str, stored: str) -> None:
    assert mailbox(text) == stored


def test_a_list_is_told_to_give_one_address() -> None:
    with pytest.raises(InvalidInput, match="une seule adresse"):
        mailbox("a@x.fr, b@y.fr")
