"""Web addresses people give us (a source's page), checked by one rule wherever one is accepted or shown.

The rule is the WHATWG URL standard browsers follow (pydantic's ``HttpUrl``), plus what a link shown to visitors
must not carry: another scheme than http(s), a port outside 1–65535, or a user name before the host.

# web_address(" https://esante.gouv.fr/faq ")  -> "https://esante.gouv.fr/faq"
# web_address("https://esante.gouv.fr")        -> "https://esante.gouv.fr/"      (as a browser writes it)
# web_address("")                              -> None                           (no address)
# web_address("http://[::1"), web_address("http://x.fr:99999/"), web_address("http://x.fr:abc/"),
# web_address("esante.gouv.fr"), web_address("javascript:alert(1)"), web_address("https://gouv.fr@evil.fr")
#                                              -> InvalidInput « Adresse invalide … » (field "adresse")
# site_of("https://esante.gouv.fr/faq") -> "esante.gouv.fr";  site_of("http://[::1") -> None  (never raises)
"""

from __future__ import annotations

from pydantic import HttpUrl, TypeAdapter, ValidationError

from faqsante.errors import InvalidInput

MAX_URL_LENGTH = 2000  # what every browser and search engine follows
_PARSER: TypeAdapter[HttpUrl] = TypeAdapter(HttpUrl)


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
