"""The API's JSON shapes, pinned: /openapi.json's schemas are a contract with the API's clients.

tests/fixtures/api_schemas.json holds them as the API serves them; properties in the order responses
write them. A deliberate change of the API is written there with FAQSANTE_UPDATE_SNAPSHOTS=1.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import Field, ValidationError

from faqsante.answers.catalog import PublishedEntry
from faqsante.search.results import Hit
from faqsante.web.schemas import EntryOut, HitOut, fields_of

SNAPSHOT = Path(__file__).resolve().parents[1] / "fixtures" / "api_schemas.json"


def test_the_api_schemas_are_the_pinned_ones(client: TestClient) -> None:
    served = json.dumps(client.get("/openapi.json").json()["components"]["schemas"], ensure_ascii=False, indent=1)
    if os.environ.get("FAQSANTE_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(served + "\n", encoding="utf-8")
    assert served + "\n" == SNAPSHOT.read_text(encoding="utf-8"), "API changed: FAQSANTE_UPDATE_SNAPSHOTS=1 if meant"


def test_responses_write_their_fields_in_the_schemas_order(client: TestClient) -> None:
    # FastAPI serialises through the response model: a client reading the JSON sees the schema's order.
    schemas = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    asked = client.get("/api/ask", params={"q": "activer ma carte e-CPS", "top_k": 2}).json()
    listing = client.get("/api/entries", params={"per_page": 2}).json()
    detail = client.get(f"/api/entries/{listing['items'][0]['id']}").json()

    assert list(asked) == [name for name in schemas["AskOut"]["properties"] if name in asked]
    hit_fields = list(schemas["HitOut"]["properties"])
    assert list(asked["results"][0])[: len(hit_fields)] == hit_fields
    assert list(listing) == list(schemas["EntryPageOut"]["properties"])
    assert list(listing["items"][0]) == list(schemas["EntryOut"]["properties"])
    assert list(detail) == list(schemas["EntryDetailOut"]["properties"])


@dataclasses.dataclass(frozen=True)
class Card:
    id: str
    note: str | None
    tags: list[str] = dataclasses.field(default_factory=list)
    secret: str = ""


def test_a_model_takes_a_dataclass_fields_in_order_all_required() -> None:
    model = fields_of(Card, {"note": Field(description="Ce qu'on en dit.")}, leave_out={"secret"})
    schema = model.model_json_schema()

    assert list(schema["properties"]) == ["id", "note", "tags"] and schema["required"] == ["id", "note", "tags"]
    assert schema["properties"]["note"]["description"] == "Ce qu'on en dit."
    with pytest.raises(ValidationError):
        model.model_validate({"id": "c1", "note": None, "tags": [3]})  # the dataclass's types, checked


def test_a_base_keeps_its_fields_first_and_a_doc_must_name_a_field() -> None:
    @dataclasses.dataclass(frozen=True)
    class Scored(Card):
        score: float = 0.0

    base = fields_of(Card)
    assert list(fields_of(Scored, base=base).model_fields) == ["id", "note", "tags", "secret", "score"]
    with pytest.raises(TypeError, match="has no field notes"):
        fields_of(Card, {"notes": Field()})


def test_the_entry_models_are_the_core_shapes() -> None:
    # A field added to a hit or an entry reaches the API's schema without being written twice.
    assert list(EntryOut.model_fields) == [field.name for field in dataclasses.fields(PublishedEntry)]
    assert set(HitOut.model_fields) == {field.name for field in dataclasses.fields(Hit)}
