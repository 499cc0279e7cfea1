"""Every query parameter a route reads beside the filters is reserved: no facet may take its name."""

from __future__ import annotations

from fastapi.testclient import TestClient

from faqsante.facets.taxonomy import RESERVED_PARAMETERS, load_taxonomy


def test_every_query_parameter_of_a_route_is_reserved_and_no_facet_takes_one(client: TestClient) -> None:
    read: set[str] = set()
    routes = list(client.app.routes)  # type: ignore[attr-defined]
    while routes:
        route = routes.pop()
        included = getattr(route, "original_router", None)  # an included router (FastAPI >= 0.120 wraps them)
        routes.extend(included.routes if included is not None else ())
        pending = [getattr(route, "dependant", None)]
        while pending:
            dependant = pending.pop()
            if dependant is not None:
                pending.extend(dependant.dependencies)
                read |= {param.alias or param.name for param in dependant.query_params}
    assert {"q", "page", "sujet", "rubrique", "top_k"} <= read  # the walk does see the routes' parameters
    facets = {facet.key for facet in load_taxonomy()}  # the filters themselves are declared by FiltersDep
    unlisted = read - facets - RESERVED_PARAMETERS
    assert not unlisted, f"add to RESERVED_PARAMETERS: {sorted(unlisted)}"
    assert not facets & RESERVED_PARAMETERS
