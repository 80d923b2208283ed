"""The suite runs the real mesh: a real PostgreSQL (BARABA_TEST_DATABASE_URL, else the local
server on 127.0.0.1:5432 if it answers, else an embedded one), the services as separate
processes on free ports, and the real Envoy edge in front of them."""

import contextlib
import os
import uuid
from pathlib import Path

import grpc
import httpx
import pytest

from services.kernel.auth import SERVICE_HEADER, MeshCredentials
from services.mesh import frontend, postgres
from services.mesh.launcher import SERVICES, Mesh, free_port, scratch_mesh

# The browser tests' fixtures (Chromium, a page per test): tests/browser.py.
pytest_plugins = ["tests.browser"]

ADMIN = "admin"
ADMIN_PASSWORD = "test-admin-password-1"
KEY_PASSPHRASE = "test-key-passphrase"
MESH_ENV = {
    "BARABA_ADMIN_USERNAME": ADMIN,
    "BARABA_ADMIN_PASSWORD": ADMIN_PASSWORD,
    "BARABA_IDENTITY_KEY_PASSPHRASE": KEY_PASSPHRASE,
}


@pytest.fixture(scope="session")
def database_server(tmp_path_factory):
    url, handle = postgres.server_for_tests(tmp_path_factory.mktemp("pg") / "data")
    yield url
    del handle  # an embedded server stops when the last reference is gone at exit


@pytest.fixture(scope="session")
def vies_standin():
    """The VIES stand-in (real SOAP over real HTTP) the whole mesh's vies service talks to."""
    from services.vies.standin import StandIn

    standin = StandIn(port=free_port()).start()
    yield standin
    standin.stop()


@pytest.fixture(scope="session")
def mesh(database_server, tmp_path_factory, vies_standin):
    # BARABA_TEST_SERVICES=identity,ledger runs a smaller mesh while working on one service.
    services = os.environ.get("BARABA_TEST_SERVICES", ",".join(SERVICES)).split(",")
    env = {**MESH_ENV, "BARABA_VIES_URL": vies_standin.url}
    frontend.build()  # the edge serves the browser app from its build, read at start
    with scratch_mesh(database_server, tmp_path_factory.mktemp("mesh"), services, env) as mesh:
        yield mesh


@pytest.fixture(scope="session")
def edge_url(mesh) -> str:
    return f"http://127.0.0.1:{mesh.ports['edge']}"


@pytest.fixture(scope="session")
def http(edge_url):
    """A plain HTTP client of the edge, as a browser or curl would use it."""
    with httpx.Client(base_url=edge_url, timeout=30) as client:
        yield client


def login(http, username: str, password: str) -> dict:
    reply = http.post("/api/auth/login", json={"username": username, "password": password})
    assert reply.status_code == 200, reply.text
    return reply.json()


def error_of(reply) -> dict:
    """The JSON error body of a reply: google.rpc.Status, with at least code and message."""
    assert reply.headers["content-type"].startswith("application/json"), reply.headers
    body = reply.json()
    assert set(body) >= {"code", "message"}, body
    return body


def field_violations(reply) -> dict[str, str]:
    """field -> description, from the error's google.rpc.BadRequest detail."""
    details = error_of(reply).get("details", [])
    bad = [d for d in details if d["@type"].endswith("google.rpc.BadRequest")]
    return {v["field"]: v["description"] for v in bad[0]["field_violations"]} if bad else {}


def bearer(token: str) -> dict:
    return {"authorization": f"Bearer {token}"}


@pytest.fixture(scope="session")
def admin(http) -> dict:
    """Headers of a signed-in administrator."""
    return bearer(login(http, ADMIN, ADMIN_PASSWORD)["token"])


@pytest.fixture(scope="session")
def groups(http, admin) -> dict[str, str]:
    reply = http.get("/api/user-groups", headers=admin)
    return {g["name"]: g["id"] for g in reply.json()["user_groups"]}


@pytest.fixture
def new_user(http, admin, groups):
    """Creates a user in a group and returns (user, password)."""

    def create(group: str = "viewers", password: str = "user-password-1") -> tuple[dict, str]:
        name = f"u{uuid.uuid4().hex[:10]}"
        reply = http.post(
            "/api/users",
            headers=admin,
            json={"username": name, "email": f"{name}@firma.bg", "password": password, "group_id": groups[group], "is_active": True},
        )
        assert reply.status_code == 200, reply.text
        return reply.json(), password

    return create


def service_log(mesh: Mesh, name: str) -> str:
    return Path(mesh.log_path(name)).read_text(errors="replace")


def service_credential(mesh: Mesh, secret: str | None = None) -> tuple[tuple[str, str], ...]:
    """The metadata a service of the mesh adds to its calls: a credential signed with the mesh
    secret (or with `secret`, to forge one)."""
    signer = MeshCredentials("tests", secret or mesh.service_env()["BARABA_MESH_SECRET"])
    return ((SERVICE_HEADER, signer.credential()),)


class _AsService(grpc.UnaryUnaryClientInterceptor, grpc.UnaryStreamClientInterceptor):
    def __init__(self, metadata):
        self.metadata = metadata

    def _with_credential(self, details):
        return details._replace(metadata=(*(details.metadata or ()), *self.metadata))

    def intercept_unary_unary(self, continuation, details, request):
        return continuation(self._with_credential(details), request)

    def intercept_unary_stream(self, continuation, details, request):
        return continuation(self._with_credential(details), request)


@contextlib.contextmanager
def service_channel(mesh: Mesh, target: str):
    """A channel to `target` ("ledger", "edge", ...) carrying the mesh's service credential on
    every call, as another service of the mesh calls it."""
    with grpc.insecure_channel(f"127.0.0.1:{mesh.ports[target]}") as channel:
        yield grpc.intercept_channel(channel, _AsService(service_credential(mesh)))
