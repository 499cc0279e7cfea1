"""What every page shares: form bounds are the core's limits (#18.6), lists paginate with one macro (#18.8)."""

from __future__ import annotations

import re

from faqsante.web.templating import TEMPLATES_DIR, templates

# Entry ids are typed by hand: their fields allow 40 characters, above the 32 of an id, so that the core
# names a wrong id (« Aucune entrée… ») instead of the browser cutting it. Usernames follow accounts.USERNAME;
# a sign-in code (six digits or a recovery code) and the glossary's search box have their route's own bound.
WRITTEN_OUT = {"entree", "garder", "doublon", "identifiant", "code", "q"}


def test_every_form_bound_is_a_limit_of_the_core() -> None:
    literal = [
        f"{path.relative_to(TEMPLATES_DIR)}: {name}"
        for path in TEMPLATES_DIR.rglob("*.html")
        for name, _ in re.findall(r'name="([^"]+)"[^>]*maxlength="(\d+)"', path.read_text(encoding="utf-8"))
        if name not in WRITTEN_OUT
    ]
    assert not literal, f'use maxlength="{{{{ limits.… }}}}" (web/templating.py): {literal}'


def test_the_limits_follow_the_columns() -> None:
    from faqsante.store.models import Entry, Source, SubmittedQuestion

    limits = templates.env.globals["limits"]
    assert isinstance(limits, dict)
    assert limits["section"] == Entry.__table__.c.section.type.impl_instance.length  # type: ignore[attr-defined]
    assert limits["owner"] == Entry.__table__.c.owner.type.impl_instance.length  # type: ignore[attr-defined]
    assert limits["source_name"] == Source.__table__.c.name.type.impl_instance.length  # type: ignore[attr-defined]
    assert limits["email"] == SubmittedQuestion.__table__.c.email.type.impl_instance.length  # type: ignore[attr-defined]


def test_every_paginated_list_uses_the_pagination_macro() -> None:
    """Previous / next links are written once (``_pagination.html``), so every list paginates the same way."""
    own = [
        str(path.relative_to(TEMPLATES_DIR))
        for path in TEMPLATES_DIR.rglob("*.html")
        if path.name != "_pagination.html" and 'class="pagination"' in path.read_text(encoding="utf-8")
    ]
    assert not own, f'use {{% from "_pagination.html" import pagination %}}: {own}'
