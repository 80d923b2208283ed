"""Hostile input through the real edge: whatever a client sends, the answer is a 400 naming
the field, never a 500 (the fuzz run over the whole API is in test_fuzz.py)."""

import grpc
import pytest
from baraba.ledger.v1 import ledger_pb2

from tests.support.api import bearer, error_of, field_violations, login


@pytest.fixture
def viewer(http, new_user) -> dict:
    user, password = new_user("viewers")
    return bearer(login(http, user["username"], password)["token"])


@pytest.mark.parametrize("who", ["admin", "viewer"])
def test_invalid_utf8_in_a_path_parameter_is_400_for_anyone(http, request, who):
    headers = request.getfixturevalue(who)
    reply = http.get("/api/companies/%ff%fe", headers=headers)
    assert reply.status_code == 400, reply.text
    assert "company_id" in field_violations(reply)


def test_invalid_utf8_over_native_grpc_is_invalid_argument(mesh, admin):
    # Hand-made bytes: GetCompanyRequest{company_id = b"\xff\xfe"}, which no client library would send.
    with grpc.insecure_channel(f"127.0.0.1:{mesh.ports['edge']}") as channel:
        call = channel.unary_unary(
            "/baraba.ledger.v1.CompanyService/GetCompany",
            request_serializer=lambda raw: raw,
            response_deserializer=ledger_pb2.Company.FromString,
        )
        with pytest.raises(grpc.RpcError) as error:
            call(b"\x0a\x02\xff\xfe", metadata=tuple(admin.items()))
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "company_id" in (error.value.details() or "")


def test_an_object_as_a_map_value_is_400_naming_the_map(http, admin):
    # The edge refuses it (the transcoder would otherwise send a corrupt message that the
    # service refuses in turn, naming "files.value").
    reply = http.post("/api/vat/check", headers=admin, json={"files": {"value": {"a": 1}}})
    assert reply.status_code == 400, reply.text
    assert error_of(reply)["message"].startswith("files.value:"), reply.text


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("PUT", "/api/auth/profile", {"first_name": "a\u0000b"}, "first_name"),
        ("POST", "/api/companies", {"company": {"name": "Фирма\u0000", "eik": "175074752"}}, "company.name"),
        ("POST", "/api/user-groups", {"name": "\u0000"}, "name"),
    ],
)
def test_nul_in_a_string_is_400_naming_the_field(http, admin, method, path, body, field):
    reply = http.request(method, path, headers=admin, json=body)
    assert reply.status_code == 400, reply.text
    assert field in field_violations(reply), reply.text


def test_nul_in_a_query_parameter_is_400(http, admin):
    company = http.post("/api/companies", headers=admin, json={"company": {"name": "Нул ООД", "eik": "121212124"}})
    assert company.status_code == 200, company.text
    reply = http.get(f"/api/companies/{company.json()['id']}/counterparts/search", headers=admin, params={"q": "a\u0000"})
    assert reply.status_code == 400, reply.text
    assert "q" in field_violations(reply)
