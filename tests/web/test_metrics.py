"""/metrics speaks Prometheus: traffic by route template and status, latency, abstentions, index version."""

from __future__ import annotations

from fastapi.testclient import TestClient

from faqsante.web.deps import service_of

from .conftest import ECPS_QUESTION


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one series in the exposition text: sample(text, "x_total", route="/api/ask")."""
    wanted = ",".join(f'{key}="{value}"' for key, value in labels.items())
    for line in text.splitlines():
        series, _, value = line.rpartition(" ")
        if (series == name or series.startswith(name + "{")) and all(part in series for part in wanted.split(",")):
            return float(value)
    return 0.0


def test_requests_answers_and_index_version_are_exposed(client: TestClient) -> None:
    before = client.get("/metrics").text
    client.get("/api/ask", params={"q": ECPS_QUESTION})
    client.get("/api/ask", params={"q": "xyzzy plugh quux"})
    client.get("/api/entries/inconnue")
    client.get("/une/adresse/au/hasard")

    response = client.get("/metrics")
    text = response.text
    assert response.headers["content-type"].startswith("text/plain")

    def grew(name: str, **labels: str) -> float:
        return sample(text, name, **labels) - sample(before, name, **labels)

    assert grew("faqsante_http_requests_total", method="GET", route="/api/ask", status="200") == 2
    assert grew("faqsante_http_requests_total", route="/api/entries/{entry_id}", status="404") == 1
    assert grew("faqsante_http_requests_total", route="(autre)", status="404") == 1  # raw paths never become labels
    assert grew("faqsante_http_request_duration_seconds_count", route="/api/ask") == 2
    answered = grew("faqsante_answers_total", abstained="true") + grew("faqsante_answers_total", abstained="false")
    assert answered == 2 and grew("faqsante_answers_total", abstained="true") >= 1  # the nonsense question
    assert sample(text, "faqsante_index_data_version") == service_of(client.app).engine.indexed_version
