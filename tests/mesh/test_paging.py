"""Every list route pages with opaque tokens: a token that was not handed out by that list is
refused with 400 naming page_token, whatever it holds (never a 500 from deeper down)."""

import uuid

import pytest

from services.kernel.paging import encode_token
from tests.support.api import field_violations

FORGED = [encode_token("not-a-date", "not-a-uuid"), encode_token("a", "b", "c", "d"), encode_token("1", "2", "3"), "%%%", "djE"]


@pytest.fixture(scope="module")
def company(http, admin) -> str:
    body = {"company": {"name": "Страници ООД", "eik": "175074752"}, "request_id": str(uuid.uuid4())}
    return http.post("/api/companies", headers=admin, json=body).json()["id"]


@pytest.mark.parametrize("token", FORGED)
@pytest.mark.parametrize(
    "route",
    [
        "/api/users",
        "/api/companies",
        "/api/companies/{c}/accounts",
        "/api/companies/{c}/counterparts",
        "/api/companies/{c}/vat-rates",
        "/api/companies/{c}/journal-entries",
        "/api/companies/{c}/vat-returns",
        "/api/companies/{c}/scanned-invoices",
        "/api/scan/sessions?company_id={c}",
    ],
)
def test_a_forged_page_token_is_400_naming_it(http, admin, company, route, token):
    path, _, query = route.format(c=company).partition("?")
    params = dict(p.split("=") for p in query.split("&") if p) | {"page_token": token}
    reply = http.get(path, headers=admin, params=params)
    assert reply.status_code == 400, (route, reply.text)
    assert "page_token" in field_violations(reply)


def test_the_tokens_a_list_hands_out_walk_it_to_the_end(http, admin, company):
    for _ in range(3):
        http.post(
            f"/api/companies/{company}/counterparts",
            headers=admin,
            json={"counterpart": {"name": f"К {uuid.uuid4().hex[:6]}", "is_customer": True}},
        )
    seen, token = [], ""
    while True:
        page = http.get(f"/api/companies/{company}/counterparts", headers=admin, params={"page_size": 1, "page_token": token}).json()
        seen += [c["id"] for c in page["counterparts"]]
        if not (token := page["next_page_token"]):
            break
    assert len(seen) == len(set(seen)) >= 3
