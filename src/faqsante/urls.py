"""Web addresses: those people give us (a source's page), checked by one rule wherever one is accepted or shown,
and those we give out for an answer (its permalink), built by one function wherever one is linked.

The rule is the WHATWG URL standard browsers follow (pydantic's ``HttpUrl``), plus what a link shown to visitors
must not carry: another scheme than http(s), a port outside 1–65535, or a user name before the host.

# web_address(" https://esante.gouv.fr/faq ")  -> "https://esante.gouv.fr/faq"
# web_address("https://esante.gouv.fr")        -> "https://esante.gouv.fr/"      (as a browser writes it)
# web_address("")                              -> None                           (no address)
# web_address("http://[::1"), web_address("http://x.fr:99999/"), web_address("http://x.fr:abc/"),
# web_address("esante.gouv.fr"), web_address("javascript:alert(1)"), web_address("https://gouv.fr@evil.fr")
#                                              -> InvalidInput « Adresse invalide … » (field "adresse")
# site_of("https://esante.gouv.fr/faq") -> "esante.gouv.fr";  site_of("http://[::1") -> None  (never raises)

An answer's address is its id, which finds it, then a slug of its title, which only reads well (the shape of
Stack Overflow's links): the portal redirects any other slug, or none, to this one, so a link written before a
title changed still leads to the answer, and two entries of the same title stay two addresses.

# answer_path("c11796043a08", "Le DMN doit-il recevoir l'INS ?")  -> "/reponses/c11796043a08/le-dmn-doit-il-recevoir-l-ins"
# slug("Œuvre & carte CPS : 3 étapes")  -> "oeuvre-carte-cps-3-etapes"
# slug("???"), slug("")                 -> "reponse"     (never empty)
"""

from __future__ import annotations

import re
from urllib.parse import quote

from pydantic import HttpUrl, TypeAdapter, ValidationError

from faqsante.errors import InvalidInput
from faqsante.text import normalize, strip_accents

MAX_URL_LENGTH = 2000  # what every browser and search engine follows
ANSWERS_PATH = "/reponses"
MAX_SLUG_LENGTH = 80  # the first words of a long title: enough to read, short enough to paste in a mail
EMPTY_SLUG = "reponse"  # a title with no letter or digit (« ??? », « 日本 »)
# What a slug may be: what ``slug`` writes, in any case. Anything else in its place (« .. », « %00 », « é »,
# 81 characters) was never a link of ours: the portal answers 404 rather than redirect it.
SLUG_SHAPE = re.compile(rf"[0-9A-Za-z-]{{1,{MAX_SLUG_LENGTH}}}")
_PARSER: TypeAdapter[HttpUrl] = TypeAdapter(HttpUrl)
_SLUG_BREAK = re.compile(r"[^0-9a-z]+")


def web_address(text: str | None, field: str = "adresse") -> str | None:
    """``text`` as a browser would write it, None when blank; an ``InvalidInput`` in French when it is no web page."""
    address = (text or "").strip()
    if not address:
        return None
    parsed = _parsed(address)
    if parsed is None or len(address) > MAX_URL_LENGTH:
        shown = address[:80].encode("utf-8", "replace").decode("utf-8")  # a lone surrogate cannot be printed
        raise InvalidInput(
            f"Adresse invalide « {shown} » : donnez une adresse web complète, par exemple https://esante.gouv.fr/faq.",
            field=field,
        )
    return str(parsed)


def site_of(url: str) -> str | None:
    """The host of a stored address, for « Source : esante.gouv.fr »; None if the address breaks the rule."""
    parsed = _parsed(url)
    return parsed.host if parsed is not None else None


def _parsed(address: str) -> HttpUrl | None:
    try:
        parsed = _PARSER.validate_python(address)
    except ValidationError:  # no scheme or host, a malformed IPv6 host, a port that is not a number < 65536
        return None
    if parsed.username is not None or parsed.password is not None or parsed.port == 0:
        return None  # « https://esante.gouv.fr@evil.fr » reads as the Agency's site and opens another
    return parsed


def answer_path(entry_id: str, title: str) -> str:
    """The one address of a published answer, from its id and the title every channel shows
    (``content.title_book.shown_titles``); prefix it with FAQSANTE_PUBLIC_URL where a full address is needed."""
    return f"{ANSWERS_PATH}/{quote(entry_id, safe='')}/{slug(title)}"


def slug(title: str) -> str:
    """The title in lower-case ASCII words joined by « - »: accents folded, every word kept (« le », « de » read
    better than they weigh), cut between words to at most ``MAX_SLUG_LENGTH`` characters, never empty."""
    folded = strip_accents(normalize(title).casefold())  # casefold writes « ß » as « ss », « Œ » as « œ »
    kept = ""
    for word in _SLUG_BREAK.split(folded):
        if not word:
            continue
        longer = f"{kept}-{word}" if kept else word
        if len(longer) > MAX_SLUG_LENGTH:
            break
        kept = longer
    return kept or EMPTY_SLUG
