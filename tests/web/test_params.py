"""Every integer a route takes is bounded where requests are validated, so both databases see the same values.

A route added later with a bare ``int`` fails here: give it ``RowId``, ``PageNumber`` or a bound of its own.
"""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from pydantic import TypeAdapter, ValidationError

from faqsante.web.params import MAX_ROW_ID, Text


def parameters(dependant: Dependant) -> list[Any]:
    """The request parameters of a route and of the dependencies it declares, recursively."""
    own = [*dependant.path_params, *dependant.query_params, *dependant.body_params]
    return own + [param for sub in dependant.dependencies for param in parameters(sub)]


def integer_parameters(client: TestClient) -> list[tuple[str, str, TypeAdapter[Any]]]:
    """(route, parameter, validator) for every integer in a path, query string or form of the app."""
    found = []
    for context in iter_route_contexts(client.app.routes):  # included routers unfolded
        route = context.original_route
        if not isinstance(route, APIRoute):
            continue
        for param in parameters(route.dependant):
            info = param.field_info
            annotation = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
            adapter: TypeAdapter[Any] = TypeAdapter(annotation)
            try:
                takes_integers = type(adapter.validate_python("1")) is int
            except ValidationError:
                takes_integers = False
            if takes_integers:
                found.append((f"{sorted(route.methods)[0]} {context.path}", param.alias, adapter))
    return found


def test_the_app_takes_integers_somewhere(client: TestClient) -> None:
    assert len(integer_parameters(client)) >= 5  # the walk below sees them


def test_no_route_takes_an_integer_beyond_what_postgresql_stores(client: TestClient) -> None:
    unbounded = []
    for route, name, adapter in integer_parameters(client):
        for value in (str(MAX_ROW_ID + 1), "9" * 30, str(-(MAX_ROW_ID + 2))):
            try:
                adapter.validate_python(value)
            except ValidationError:
                continue
            unbounded.append(f"{route} {name}={value}")
    assert unbounded == []


@pytest.mark.parametrize("text", ["\ud800", "avant \udfff après", "\ud83d"])
def test_text_from_json_refuses_half_of_a_utf16_pair(text: str) -> None:
    with pytest.raises(ValidationError, match="lone_surrogate|U\\+D"):
        TypeAdapter(Text).validate_python(text)


def test_text_from_json_keeps_every_whole_character() -> None:
    text = "Carte e-CPS \U0001f600 ﷺ \x00 é"
    assert TypeAdapter(Text).validate_python(text) == text
