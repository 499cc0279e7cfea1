"""The API keeps the promises of its OpenAPI schema: generated requests never get a 5xx, and every
response (status, content type, body, headers) is one the schema documents. Runs on the seeded SQLite copy.

Schemathesis generates the requests from /openapi.json; every operation the schema lists is covered,
new ones included. (Its pytest loader, ``schemathesis.pytest.from_fixture``, does not run under pytest 9,
so the operations' Hypothesis strategies are driven directly.)
"""

from __future__ import annotations

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, note, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

EXAMPLES_PER_OPERATION = 30  # modest: the whole API in a few seconds
# A schema cannot say "not blank" or "a facet value that exists": such requests get the documented 400
# with a French message, which this check would count as a rejected valid request.
NOT_CHECKED = [positive_data_acceptance]


def test_the_api_conforms_to_its_schema(app_client: TestClient) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app_client.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {"GET /api/ask", "POST /api/entries/{entry_id}/feedback", "POST /api/questions"} <= {
        op.label for op in operations
    }

    for operation in operations:

        @settings(
            max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        @given(case=operation.as_strategy())
        def conforms(case) -> None:  # type: ignore[no-untyped-def]
            note(f"opération : {case.operation.label}")
            case.call_and_validate(excluded_checks=NOT_CHECKED)

        conforms()
