"""The REST API fuzzed from its OpenAPI document through the real edge (services/mesh/fuzz.py):
no input gives a 5xx, every answer matches the document."""

import logging

from services.mesh.fuzz import fuzz
from tests.support.api import login

EXAMPLES = 2  # per operation and mode: ~340 requests, under a minute on a busy machine


def test_the_openapi_document_is_served_without_a_token(http):
    reply = http.get("/api/openapi.json")
    assert reply.status_code == 200 and reply.headers["content-type"] == "application/json"
    document = reply.json()
    assert document["openapi"].startswith("3.") and "/api/companies/{company_id}/journal-entries" in document["paths"]


def test_fuzzing_every_route_gives_no_5xx_and_only_documented_answers(http, edge_url, admin, new_user):
    # Its own administrator, removed afterwards: the suite's other tests count the user managers.
    user, password = new_user("administrators")
    try:
        run = fuzz(edge_url, login(http, user["username"], password)["token"], EXAMPLES)
    finally:
        assert http.delete(f"/api/users/{user['id']}", headers=admin).status_code == 200
    logging.getLogger(__name__).warning("fuzz: %d requests, statuses %s", run.requests, dict(sorted(run.statuses.items())))
    assert run.requests > 300 and not any(status >= 500 for status in run.statuses), run.statuses
    assert not run.failures, "\n".join(run.failures[:30])
