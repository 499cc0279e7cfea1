"""Redirects after a form: the message goes in the query, before any fragment (#19.17)."""

from __future__ import annotations

import pytest

from faqsante.web.admin.base import entry_path, redirect


@pytest.mark.parametrize(
    ("path", "params", "location"),
    [
        ("/admin/entrees/c1", {"message": "enregistree"}, "/admin/entrees/c1?message=enregistree"),
        ("/admin/entrees/c1#questions", {"message": "question-ajoutee"},
         "/admin/entrees/c1?message=question-ajoutee#questions"),
        ("/admin/entrees/c1#questions", {}, "/admin/entrees/c1#questions"),
        ("/admin/questions?statut=open#question-3", {"message": "repondue"},
         "/admin/questions?statut=open&message=repondue#question-3"),
    ],
)  # fmt: skip
def test_the_query_comes_before_the_fragment(path: str, params: dict[str, str], location: str) -> None:
    response = redirect(path, **params)
    assert (response.status_code, response.headers["location"]) == (303, location)


def test_an_entry_id_never_ends_the_path() -> None:
    location = redirect(entry_path("a#b?c") + "#questions", message="question-ajoutee").headers["location"]
    assert location == "/admin/entrees/a%23b%3Fc?message=question-ajoutee#questions"
