"""JSON fields the contract does not know are refused at the edge (400 naming the field)
instead of being dropped by the transcoder: the cases seen, then every JSON route of every
contract."""

import uuid

import pytest

from services.mesh import edge
from services.mesh.launcher import SERVICES
from services.mesh.routes import rest_routes
from tests.support.api import error_of
from tests.support.ledger import accounts_by_code, create_company, create_entry, purchase_invoice
from tests.support.scanner_invoices import ALFA, render_pdf, sample_invoices


def refused_naming(reply, field: str) -> None:
    assert reply.status_code == 400, reply.text
    error = error_of(reply)
    assert error["code"] == 3 and error["message"].startswith(f"{field}:"), error


@pytest.fixture(scope="module")
def books(http, admin) -> tuple[str, dict]:
    company = create_company(http, admin, name="Строг ООД", eik="200000029", vat_number="BG200000029")
    return company["id"], accounts_by_code(http, admin, company["id"])


def entry_count(http, admin, company_id: str) -> int:
    reply = http.get(f"/api/companies/{company_id}/journal-entries", headers=admin, params={"page_size": 100})
    assert reply.status_code == 200, reply.text
    return len(reply.json()["journal_entries"])


def test_a_request_id_inside_the_entry_is_refused_and_books_nothing(http, admin, books):
    company_id, accounts = books
    entry = {**purchase_invoice(accounts), "request_id": str(uuid.uuid4())}
    for _ in range(2):  # a retry must not book a duplicate either
        refused_naming(create_entry(http, admin, company_id, entry), "journal_entry.request_id")
    assert entry_count(http, admin, company_id) == 0


def test_a_misspelt_vat_field_is_refused_instead_of_vanishing(http, admin, books):
    company_id, accounts = books
    entry = purchase_invoice(accounts, number="0000000002")
    entry["vat_purchase_operation"] = entry.pop("purchase_operation")
    refused_naming(create_entry(http, admin, company_id, entry), "journal_entry.vat_purchase_operation")
    assert entry_count(http, admin, company_id) == 0
    # Both JSON spellings of a real field stay accepted.
    camel = {**purchase_invoice(accounts, number="0000000003"), "documentNumber": "0000000003"}
    del camel["document_number"]
    assert create_entry(http, admin, company_id, camel).status_code == 200


def test_a_scanned_invoice_edit_with_unknown_names_is_refused_and_changes_nothing(http, admin):
    company = create_company(http, admin, name=ALFA.name, eik=ALFA.eik, vat_number=ALFA.vat)
    upload = http.post(
        "/api/scan",
        params={"company_id": company["id"]},
        headers={**admin, "content-type": "application/pdf"},
        content=render_pdf(sample_invoices()[0]),
    )
    assert upload.status_code == 200, upload.text
    path = f"/api/companies/{company['id']}/scanned-invoices/{upload.json()['id']}"
    reply = http.put(path, headers=admin, json={"fields": {"invoice_number": "0000009999"}})
    refused_naming(reply, "fields.invoice_number")
    assert http.get(path, headers=admin).json()["fields"] == upload.json()["fields"]


def test_an_unknown_query_parameter_is_refused_naming_it(http, admin):
    reply = http.get("/api/companies", headers=admin, params={"page_sise": 10})
    assert reply.status_code == 400 and "page_sise" in error_of(reply)["message"], reply.text


def test_a_list_or_object_where_the_contract_wants_one_value_is_refused(http, admin):
    refused_naming(http.post("/api/vat/check", headers=admin, json={"files": {"DEKLAR.TXT": {"a": 1}}}), "files.DEKLAR.TXT")
    refused_naming(http.put("/api/auth/profile", headers=admin, json={"first_name": ["a"]}), "first_name")
    refused_naming(http.post("/api/vat/check", headers=admin, content=b'{"files": '), "body")
    # Escaped quotes and backslashes inside strings do not hide what follows them.
    refused_naming(http.put("/api/auth/profile", headers=admin, content=rb'{"first_name": "a\\\"}\\", "nick": 1}'), "nick")


JSON_ROUTES = [
    route for name in SERVICES for service in edge.grpc_services(name) for route in rest_routes(service) if route.body_type is not None
]


@pytest.mark.parametrize("route", JSON_ROUTES, ids=lambda r: f"{r.verb} {r.template}")
def test_every_json_route_refuses_an_unknown_field(http, admin, route):
    path = route.template
    for field in route.path_fields:
        path = path.replace("{" + field + "}", str(uuid.uuid4()))
    body = {"surely_not_a_field": 1}  # for a `body: "field"` route, the body is that field's message
    reply = http.request(route.verb, path, headers=admin, json=body)
    refused_naming(reply, "surely_not_a_field" if route.body == "*" else f"{route.body}.surely_not_a_field")
