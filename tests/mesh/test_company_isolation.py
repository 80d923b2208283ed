"""Company isolation through the edge, for every REST route whose RPC declares a company field
in its contract (the kernel checks the grant once, before the servicer runs). The routes come
from the contracts, so a new company-scoped RPC is covered the day it is declared."""

import uuid

import pytest

from tests.support.api import bearer, error_of, login
from tests.support.contracts import company_routes, request_for
from tests.support.ledger import create_company

ROUTES = company_routes()


# Every permission a company's data needs; not manage_users, so the suite's administrator stays
# the only one who manages users (tests rely on that).
EVERY_COMPANY_PERMISSION = {"manage_companies": True, "post_entries": True, "vat_returns": True, "scanning": True, "view_reports": True}


@pytest.fixture(scope="module")
def outsider(http, admin) -> tuple[dict, str]:
    """A user who may do everything to a company's data but whose only grant is a company of
    their own: headers and that company's id. Only the grant tells them apart from the
    company's users."""
    group = http.post("/api/user-groups", headers=admin, json={"name": f"g{uuid.uuid4().hex[:6]}", "permissions": EVERY_COMPANY_PERMISSION})
    assert group.status_code == 200, group.text
    name = f"u{uuid.uuid4().hex[:10]}"
    user = {"username": name, "email": f"{name}@firma.bg", "password": "user-password-1", "group_id": group.json()["id"]}
    created = http.post("/api/users", headers=admin, json={**user, "is_active": True})
    assert created.status_code == 200, created.text
    own = create_company(http, admin, name="Собствена ЕООД")
    granted = http.post("/api/user-companies", headers=admin, json={"user_id": created.json()["id"], "company_id": own["id"]})
    assert granted.status_code == 200, granted.text
    return bearer(login(http, name, "user-password-1")["token"]), own["id"]


def test_the_contracts_scope_every_company_route():
    services = {route.method.containing_service.full_name.split(".")[1] for route in ROUTES}
    assert services == {"ledger", "scanner", "vat"}
    assert len(ROUTES) >= 50


def test_a_user_without_a_grant_is_refused_on_every_company_route(http, admin, outsider):
    headers, _ = outsider
    victim = create_company(http, admin, name="Чужда ЕООД")["id"]
    answers = {}
    for route in ROUTES:
        reply = http.request(**request_for(route, victim), headers=headers)
        reason = [d.get("reason") for d in error_of(reply).get("details", []) if "reason" in d] if reply.status_code != 200 else []
        answers[(route.verb, route.template)] = (reply.status_code, reason)
    assert {route: answer for route, answer in answers.items() if answer != (403, ["NO_COMPANY_ACCESS"])} == {}
    # Nothing was changed or deleted meanwhile.
    company = http.get(f"/api/companies/{victim}", headers=admin)
    assert company.status_code == 200 and company.json()["name"] == "Чужда ЕООД"


def test_the_same_reads_of_their_own_company_pass_the_grant_check(http, outsider):
    """The refusals above are the grant check's: the same user reading their own company
    gets past it (an answer, a 404 for a made-up id, a 400 for a missing parameter: never 403)."""
    headers, own = outsider
    for route in [r for r in ROUTES if r.verb == "GET"]:
        reply = http.request(**request_for(route, own), headers=headers)
        assert reply.status_code in (200, 400, 404), (route.template, reply.status_code, reply.text[:200])
