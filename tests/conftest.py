"""The suite's fixtures. tests/unit needs none of them; tests/mesh runs against the real mesh: a
real PostgreSQL (BARABA_TEST_DATABASE_URL, else the local server on 127.0.0.1:5432 if it
answers, else an embedded one), the services as separate processes on free ports, and the real
Envoy edge in front of them. Helpers the tests share are in tests/support, never in here."""

import os
import uuid

import httpx
import pytest

from services.mesh import frontend, postgres
from services.mesh.launcher import SERVICES, free_port, scratch_mesh
from tests.support.api import ADMIN, ADMIN_PASSWORD, MESH_ENV, bearer, login

# The browser tests' fixtures (Chromium, a page per test): tests/support/browser.py.
pytest_plugins = ["tests.support.browser"]


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
