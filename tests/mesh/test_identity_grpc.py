"""Identity over native gRPC: directly on its port and through the edge, as grpcurl and the
other services use it."""

import json
import subprocess
import sys
import uuid
from pathlib import Path

import grpc
import httpx
import pytest
from baraba.identity.v1 import identity_pb2 as pb
from baraba.identity.v1 import identity_pb2_grpc as rpc
from google.rpc import error_details_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_status import rpc_status

from services.mesh.launcher import SERVICES
from tests.support.api import ADMIN, ADMIN_PASSWORD, bearer, login, service_channel

GRPCURL = str(Path(sys.executable).parent / "grpcurl")
IDENTITY_SERVICES = {
    "baraba.identity.v1.AuthService",
    "baraba.identity.v1.UserService",
    "baraba.identity.v1.UserGroupService",
    "baraba.identity.v1.CompanyAccessService",
}


@pytest.fixture(scope="module")
def identity_channel(mesh):
    with grpc.insecure_channel(f"127.0.0.1:{mesh.ports['identity']}") as channel:
        yield channel


@pytest.fixture(scope="module")
def edge_channel(mesh):
    with grpc.insecure_channel(f"127.0.0.1:{mesh.ports['edge']}") as channel:
        yield channel


def auth(token: str):
    return (("authorization", f"Bearer {token}"),)


def grpcurl(*args: str) -> str:
    done = subprocess.run([GRPCURL, "-plaintext", *args], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_grpcurl_lists_the_identity_services_by_reflection(mesh):
    listed = set(grpcurl(f"127.0.0.1:{mesh.ports['identity']}", "list").split())
    assert listed >= IDENTITY_SERVICES
    assert "grpc.health.v1.Health" in listed


def test_grpcurl_through_the_edge_lists_every_service_of_the_mesh(mesh, http):
    token = login(http, ADMIN, ADMIN_PASSWORD)["token"]
    listed = set(grpcurl("-H", f"authorization: Bearer {token}", f"127.0.0.1:{mesh.ports['edge']}", "list").split())
    assert listed >= IDENTITY_SERVICES
    assert {f"baraba.{name}.v1" for name in SERVICES} == {s.rsplit(".", 1)[0] for s in listed if s.startswith("baraba.")}


def test_grpcurl_through_the_edge_prints_error_details(mesh):
    edge_and_method = [f"127.0.0.1:{mesh.ports['edge']}", "baraba.identity.v1.AuthService/Login"]
    done = subprocess.run(
        [GRPCURL, "-plaintext", "-d", '{"username":"nobody","password":"wrong"}', *edge_and_method],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert "Code: Unauthenticated" in done.stderr and '"reason":"INVALID_CREDENTIALS"' in done.stderr


def test_grpcurl_calls_me_through_the_edge(mesh, http):
    token = login(http, ADMIN, ADMIN_PASSWORD)["token"]
    out = grpcurl("-H", f"authorization: Bearer {token}", f"127.0.0.1:{mesh.ports['edge']}", "baraba.identity.v1.AuthService/GetMe")
    assert json.loads(out)["username"] == ADMIN


def test_health_reports_serving(identity_channel):
    stub = health_pb2_grpc.HealthStub(identity_channel)
    for service in ["", *IDENTITY_SERVICES]:
        assert stub.Check(health_pb2.HealthCheckRequest(service=service)).status == health_pb2.HealthCheckResponse.SERVING


def test_login_and_me_over_grpc_through_the_edge(edge_channel):
    stub = rpc.AuthServiceStub(edge_channel)
    session = stub.Login(pb.LoginRequest(username=ADMIN, password=ADMIN_PASSWORD))
    assert stub.GetMe(pb.GetMeRequest(), metadata=auth(session.token)).username == ADMIN
    with pytest.raises(grpc.RpcError) as refused:
        stub.GetMe(pb.GetMeRequest())
    assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_services_verify_tokens_themselves_not_only_the_edge(identity_channel):
    stub = rpc.UserServiceStub(identity_channel)
    with pytest.raises(grpc.RpcError) as missing:
        stub.ListUsers(pb.ListUsersRequest())
    assert missing.value.code() == grpc.StatusCode.UNAUTHENTICATED
    with pytest.raises(grpc.RpcError) as forged:
        stub.ListUsers(pb.ListUsersRequest(), metadata=auth("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."))
    assert forged.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_invalid_argument_carries_field_violations(identity_channel):
    token = rpc.AuthServiceStub(identity_channel).Login(pb.LoginRequest(username=ADMIN, password=ADMIN_PASSWORD)).token
    with pytest.raises(grpc.RpcError) as error:
        rpc.UserServiceStub(identity_channel).GetUser(pb.GetUserRequest(id="42"), metadata=auth(token))
    status = rpc_status.from_call(error.value)
    assert status.code == grpc.StatusCode.INVALID_ARGUMENT.value[0]
    details = {d.type_url.rsplit("/", 1)[1]: d for d in status.details}
    bad_request = error_details_pb2.BadRequest()
    details["google.rpc.BadRequest"].Unpack(bad_request)
    assert [(v.field, v.description) for v in bad_request.field_violations] == [("id", "must be a UUID")]


def test_an_error_answer_carries_the_request_id_to_find_it_in_the_logs(identity_channel):
    token = rpc.AuthServiceStub(identity_channel).Login(pb.LoginRequest(username=ADMIN, password=ADMIN_PASSWORD)).token
    with pytest.raises(grpc.RpcError) as error:
        rpc.UserServiceStub(identity_channel).GetUser(pb.GetUserRequest(id=str(uuid.uuid4())), metadata=auth(token))
    assert error.value.code() == grpc.StatusCode.NOT_FOUND
    (request_id,) = [item.value for item in error.value.trailing_metadata() if item.key == "x-request-id"]
    assert isinstance(request_id, str) and uuid.UUID(request_id)


@pytest.fixture(scope="module")
def identity_as_service(mesh):
    with service_channel(mesh, "identity") as channel:
        yield channel


def test_company_access_check_and_claim_for_services(identity_as_service, http, new_user):
    """What the ledger does when a user creates a company and when it checks access."""
    user, password = new_user("accountants")
    stub = rpc.CompanyAccessServiceStub(identity_as_service)
    company = str(uuid.uuid4())
    token = login(http, user["username"], password)["token"]
    assert not stub.CheckCompanyAccess(pb.CheckCompanyAccessRequest(company_id=company), metadata=auth(token)).allowed
    # Accountants may not create companies, so they cannot claim one either.
    with pytest.raises(grpc.RpcError) as denied:
        stub.ClaimCompany(pb.ClaimCompanyRequest(company_id=company), metadata=auth(token))
    assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED

    admin_token = login(http, ADMIN, ADMIN_PASSWORD)["token"]
    claimed = stub.ClaimCompany(pb.ClaimCompanyRequest(company_id=company), metadata=auth(admin_token))
    assert claimed.company_id == company
    assert stub.CheckCompanyAccess(pb.CheckCompanyAccessRequest(company_id=company), metadata=auth(admin_token)).allowed
    with pytest.raises(grpc.RpcError) as taken:
        stub.ClaimCompany(pb.ClaimCompanyRequest(company_id=company), metadata=auth(admin_token))
    assert taken.value.code() == grpc.StatusCode.ALREADY_EXISTS

    # Releasing a deleted company's grants needs access to it, not only the permission.
    group = http.post(
        "/api/user-groups",
        headers=bearer(admin_token),
        json={"name": f"co{uuid.uuid4().hex[:6]}", "permissions": {"manage_companies": True}},
    )
    name = f"u{uuid.uuid4().hex[:8]}"
    http.post(
        "/api/users",
        headers=bearer(admin_token),
        json={"username": name, "email": f"{name}@firma.bg", "password": "outsider-pass-1", "group_id": group.json()["id"]},
    )
    outsider = login(http, name, "outsider-pass-1")["token"]
    with pytest.raises(grpc.RpcError) as outside:
        stub.ReleaseCompany(pb.ReleaseCompanyRequest(company_id=company), metadata=auth(outsider))
    assert outside.value.code() == grpc.StatusCode.PERMISSION_DENIED
    stub.ReleaseCompany(pb.ReleaseCompanyRequest(company_id=company), metadata=auth(admin_token))
    assert not stub.CheckCompanyAccess(pb.CheckCompanyAccessRequest(company_id=company), metadata=auth(admin_token)).allowed


def test_prometheus_metrics_count_rpcs_by_code(mesh, http):
    http.post("/api/auth/login", json={"username": ADMIN, "password": "wrong-for-metrics"})
    metrics = httpx.get(f"http://127.0.0.1:{mesh.ports['identity_metrics']}/metrics").text
    assert 'baraba_rpc_total{code="UNAUTHENTICATED",method="/baraba.identity.v1.AuthService/Login",service="identity"}' in metrics
    assert 'baraba_rpc_duration_seconds_count{method="/baraba.identity.v1.AuthService/Login",service="identity"}' in metrics
    edge_stats = httpx.get(f"http://127.0.0.1:{mesh.ports['edge_admin']}/stats/prometheus").text
    assert "envoy_cluster_upstream_rq_total" in edge_stats
