"""RPCs internal to the mesh: the contracts mark them ({internal: true}); the edge refuses them
from outside, and a service admits them only with the mesh's service credential, never on a
user's token alone. The list is read from the contracts, so a new internal RPC is covered
without anyone remembering to add it here."""

import uuid

import grpc
import pytest
from baraba.access.v1 import access_pb2
from baraba.identity.v1 import identity_pb2 as ipb
from baraba.identity.v1 import identity_pb2_grpc as irpc
from google.protobuf import message_factory

from services.mesh import edge
from tests.support.api import ADMIN, ADMIN_PASSWORD, bearer, login, service_channel, service_credential
from tests.support.ledger import create_company


def internal_rpcs(services) -> list:
    return [
        (name, method)
        for name in services
        for grpc_service in edge.grpc_services(name)
        for method in grpc_service.methods
        if method.GetOptions().Extensions[access_pb2.access].internal
    ]


def call(channel, method, metadata, company_id: str):
    """Calls `method` (a MethodDescriptor) with a plausible request; returns the reply or raises."""
    request_class = message_factory.GetMessageClass(method.input_type)
    request = request_class()
    if "company_id" in method.input_type.fields_by_name:
        setattr(request, "company_id", company_id)  # noqa: B010 - any request type
    if "period" in method.input_type.fields_by_name:
        setattr(request, "period", "202503")  # noqa: B010
    path = f"/{method.containing_service.full_name}/{method.name}"
    reply_class = message_factory.GetMessageClass(method.output_type)
    if method.server_streaming:
        rpc = channel.unary_stream(path, request_serializer=request_class.SerializeToString, response_deserializer=reply_class.FromString)
        return list(rpc(request, metadata=metadata, timeout=10))
    rpc = channel.unary_unary(path, request_serializer=request_class.SerializeToString, response_deserializer=reply_class.FromString)
    return rpc(request, metadata=metadata, timeout=10)


def refusal(channel, method, metadata, company_id: str) -> str:
    """The error message of the call, or "" when it succeeds."""
    try:
        call(channel, method, metadata, company_id)
    except grpc.RpcError as error:
        return error.details() or ""
    return ""


def refused(channel, method, metadata, company_id: str) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as error:
        call(channel, method, metadata, company_id)
    return error.value


def test_the_contracts_mark_the_service_only_rpcs_internal(mesh):
    names = {method.full_name for _, method in internal_rpcs(mesh.services)}
    # What the mesh's services call on each other's behalf, and nothing a person needs.
    expected = {
        "baraba.identity.v1.CompanyAccessService.CheckCompanyAccess",
        "baraba.identity.v1.CompanyAccessService.ClaimCompany",
        "baraba.identity.v1.CompanyAccessService.ReleaseCompany",
        "baraba.identity.v1.AuthService.ListRevocations",
        "baraba.ledger.v1.JournalEntryService.StreamVatEntries",
    }
    assert {n for n in expected if n.split(".")[1] in mesh.services} <= names


@pytest.fixture(scope="module")
def company(http, admin) -> str:
    return create_company(http, admin, name="Вътрешна ООД")["id"]


def test_every_internal_rpc_is_refused_at_the_edge_and_without_the_mesh_credential(mesh, admin, company):
    """An administrator (every permission, a grant to the company) over native gRPC: the edge
    refuses every internal RPC even when a service credential is sent along; the service itself
    refuses a user's token alone and a credential signed with another secret."""
    admin_token = (("authorization", admin["authorization"]),)
    forged = service_credential(mesh, secret="not-the-mesh-secret-" + "x" * 20)
    with grpc.insecure_channel(f"127.0.0.1:{mesh.ports['edge']}") as edge_channel:
        for service, method in internal_rpcs(mesh.services):
            at_edge = refused(edge_channel, method, admin_token + service_credential(mesh), company)
            assert at_edge.code() == grpc.StatusCode.PERMISSION_DENIED, (method.full_name, at_edge)
            assert "internal" in (at_edge.details() or "")
            with grpc.insecure_channel(f"127.0.0.1:{mesh.ports[service]}") as direct:
                for metadata in (admin_token, admin_token + forged):
                    error = refused(direct, method, metadata, company)
                    assert error.code() == grpc.StatusCode.PERMISSION_DENIED, (method.full_name, error)
                    assert "internal to the mesh" in (error.details() or "")
            # The same call as a service of the mesh makes it gets past the access check.
            # (It may still fail on its merits, e.g. ALREADY_EXISTS for ClaimCompany.)
            with service_channel(mesh, service) as as_service:
                assert "internal to the mesh" not in refusal(as_service, method, admin_token, company), method.full_name


def grants_of(http, admin, company: str) -> list[tuple[str, bool]]:
    reply = http.get("/api/user-companies", headers=admin, params={"company_id": company})
    assert reply.status_code == 200, reply.text
    return sorted((g["user_id"], g["is_default"]) for g in reply.json()["grants"])


def test_a_company_manager_cannot_take_a_company_over_through_the_edge(mesh, http, admin, company):
    """The attack: a user with manage_companies and a grant to company Y releases Y (deleting
    the administrator's grant) and claims it back as its only holder; claims a random id; and
    probes whether a company exists. Over native gRPC at the edge and straight at identity."""
    group = http.post(
        "/api/user-groups", headers=admin, json={"name": f"mc{uuid.uuid4().hex[:6]}", "permissions": {"manage_companies": True}}
    )
    name = f"u{uuid.uuid4().hex[:8]}"
    fields = {"username": name, "email": f"{name}@firma.bg", "password": "Company-manager-9", "group_id": group.json()["id"]}
    user = http.post("/api/users", headers=admin, json=fields)
    assert user.status_code == 200, user.text
    granted = http.post("/api/user-companies", headers=admin, json={"user_id": user.json()["id"], "company_id": company})
    assert granted.status_code == 200, granted.text
    attacker = (("authorization", bearer(login(http, name, "Company-manager-9")["token"])["authorization"]),)
    before = grants_of(http, admin, company)
    stranger = str(uuid.uuid4())

    for target in ("edge", "identity"):
        with grpc.insecure_channel(f"127.0.0.1:{mesh.ports[target]}") as channel:
            stub = irpc.CompanyAccessServiceStub(channel)
            attempts = [
                (stub.ReleaseCompany, ipb.ReleaseCompanyRequest(company_id=company)),
                (stub.ClaimCompany, ipb.ClaimCompanyRequest(company_id=company)),
                (stub.ClaimCompany, ipb.ClaimCompanyRequest(company_id=stranger)),
                (stub.CheckCompanyAccess, ipb.CheckCompanyAccessRequest(company_id=company)),
            ]
            for rpc, request in attempts:
                with pytest.raises(grpc.RpcError) as error:
                    rpc(request, metadata=attacker)
                assert error.value.code() == grpc.StatusCode.PERMISSION_DENIED, (target, error.value)

    assert grants_of(http, admin, company) == before  # the administrator keeps the company
    assert grants_of(http, admin, stranger) == []  # nothing claimed


def test_the_mesh_still_works_on_its_internal_rpcs(http, admin):
    """Creating a company claims it (ledger -> identity, internal) and reading it checks access
    (internal): both go through with the mesh credential the services send."""
    created = create_company(http, admin, name="Собствена ООД")
    assert http.get(f"/api/companies/{created['id']}", headers=admin).status_code == 200
    token = login(http, ADMIN, ADMIN_PASSWORD)["token"]
    assert http.get(f"/api/companies/{created['id']}/accounts", headers=bearer(token)).status_code == 200
