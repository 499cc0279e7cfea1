"""What search engines read: ``robots.txt``, the sitemap of published answers, and each page's canonical address.

Visitors arrive from a search engine more often than from the home page, so every published answer is listed
with the date its content last changed, and search-result pages (which hold visitors' health questions) are
kept out of the index:

    GET /robots.txt   -> "User-agent: *\\nDisallow: /admin\\n…\\nSitemap: https://faq.example.org/sitemap.xml"
    GET /sitemap.xml  -> <urlset><url><loc>https://faq.example.org/reponses/c1179…/le-dmn-doit-il…</loc><lastmod>2026-11-29</lastmod>…
                         a <sitemapindex> of /sitemap-1.xml, /sitemap-2.xml… beyond 50,000 answers (the protocol's limit)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from fastapi import APIRouter, Request
from starlette.responses import Response

from faqsante.answers import catalog
from faqsante.errors import NotFound
from faqsante.web.deps import DbDep, get_settings

router = APIRouter(include_in_schema=False)

SITEMAP_LIMIT = 50_000  # URLs per sitemap file (sitemaps.org)
XML = "application/xml; charset=utf-8"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
# Never indexed: the editors' workspace, the API, search results (visitors' questions) and the question form.
DISALLOWED = ("/admin", "/api/", "/connexion", "/question", "/*?q=", "/?q=")


def public_base(request: Request) -> str:
    """FAQSANTE_PUBLIC_URL when set (the address visitors use behind a proxy), else the address of this request."""
    configured = get_settings(request).public_url.strip().rstrip("/")
    return configured or str(request.base_url).rstrip("/")


@router.get("/robots.txt")
def robots(request: Request) -> Response:
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in DISALLOWED),
        "",
        f"Sitemap: {public_base(request)}/sitemap.xml",
    ]
    return Response("\n".join(lines) + "\n", media_type="text/plain; charset=utf-8")


@router.get("/sitemap.xml")
def sitemap(request: Request, db: DbDep) -> Response:
    """Every published answer, or an index of numbered sitemaps when there are more than one file may hold."""
    total = catalog.count_published(db)
    base = public_base(request)
    if total <= SITEMAP_LIMIT:
        return _urlset(base, catalog.published_changes(db))
    parts = math.ceil(total / SITEMAP_LIMIT)
    items = "".join(
        f"<sitemap><loc>{escape(base)}/sitemap-{number}.xml</loc></sitemap>" for number in range(1, parts + 1)
    )
    return Response(_xml(f'<sitemapindex xmlns="{SITEMAP_NS}">{items}</sitemapindex>'), media_type=XML)


@router.get("/sitemap-{number}.xml")
def sitemap_part(request: Request, db: DbDep, number: str) -> Response:
    """One file of a sitemap index: answers ``(number - 1) * 50,000`` onwards, by id."""
    total = catalog.count_published(db)
    if not number.isdecimal() or len(number) > 6 or not 1 <= int(number) <= math.ceil(total / SITEMAP_LIMIT):
        raise NotFound("Ce plan du site n'existe pas.")
    changes = catalog.published_changes(db, offset=(int(number) - 1) * SITEMAP_LIMIT, limit=SITEMAP_LIMIT)
    return _urlset(public_base(request), changes)


def faq_page_jsonld(entry: Mapping[str, Any], url: str) -> dict[str, Any]:
    """schema.org FAQPage of an answer page, only ever given for an entry whose question a person wrote.

    # {"@context": "https://schema.org", "@type": "FAQPage", "url": "https://…/reponses/c1179/le-dmn-doit-il-…",
    #  "mainEntity": [{"@type": "Question", "name": "Le DMN doit-il recevoir l'INS ?",
    #                  "acceptedAnswer": {"@type": "Answer", "text": "Oui, …"}}]}
    """
    question: dict[str, Any] = {
        "@type": "Question",
        "name": entry["question"],
        "acceptedAnswer": {"@type": "Answer", "text": entry["answer"], "url": url},
    }
    page: dict[str, Any] = {"@context": "https://schema.org", "@type": "FAQPage", "url": url, "inLanguage": "fr"}
    if entry.get("updated_at"):
        page["dateModified"] = entry["updated_at"]
    return {**page, "mainEntity": [question]}


def _urlset(base: str, changes: list[tuple[str, datetime]]) -> Response:
    urls = "".join(
        f"<url><loc>{escape(base + path)}</loc><lastmod>{changed:%Y-%m-%d}</lastmod></url>" for path, changed in changes
    )
    return Response(_xml(f'<urlset xmlns="{SITEMAP_NS}">{urls}</urlset>'), media_type=XML)


def _xml(body: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'
