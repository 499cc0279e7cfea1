"""The API's JSON shapes, pinned: /openapi.json's schemas are a contract with the API's clients.

tests/fixtures/api_schemas.json holds them as the API serves them; properties in the order responses
write them. A deliberate change of the API is written there with FAQSANTE_UPDATE_SNAPSHOTS=1.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from fastapi.testclient import TestClient

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
    assert list(asked["results"][0])[:8] == list(schemas["HitOut"]["properties"])
    assert list(listing) == list(schemas["EntryPageOut"]["properties"])
    assert list(listing["items"][0]) == list(schemas["EntryOut"]["properties"])
    assert list(detail) == list(schemas["EntryDetailOut"]["properties"])
