"""A service stopping and starting behind the edge: graceful stop, a clear 503 while it is
down, and tokens that survive its restart. Runs its own small mesh, so it can stop services."""

import os
import time

import httpx
import pytest

from services.mesh import edge
from services.mesh.launcher import scratch_mesh
from tests.support.api import ADMIN, ADMIN_PASSWORD, MESH_ENV, bearer, login


@pytest.fixture(scope="module")
def small_mesh(database_server, tmp_path_factory):
    with scratch_mesh(database_server, tmp_path_factory.mktemp("small-mesh"), ["identity"], MESH_ENV) as mesh:
        yield mesh


def wait_for(check, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.2)


def test_a_stopped_service_is_a_clear_503_and_tokens_survive_its_restart(small_mesh):
    with httpx.Client(base_url=f"http://127.0.0.1:{small_mesh.ports['edge']}", timeout=10) as http:
        token = login(http, ADMIN, ADMIN_PASSWORD)["token"]

        assert small_mesh.stop_service("identity") == 0  # SIGTERM: drained and exited cleanly
        wait_for(lambda: http.get("/health").status_code == 503)
        down = http.get("/api/auth/me", headers=bearer(token))
        assert down.status_code == 503
        assert down.json()["code"] == 14

        small_mesh.start_service("identity")
        wait_for(lambda: http.get("/health").status_code == 200)
        # The signing key was kept in identity's database: the old token is still good.
        me = http.get("/api/auth/me", headers=bearer(token))
        assert me.status_code == 200 and me.json()["username"] == ADMIN


def test_the_edge_runs_the_workers_it_is_given(small_mesh, monkeypatch):
    """Half the machine's cores unless BARABA_EDGE_WORKERS says otherwise (services/mesh/edge.py)."""
    with httpx.Client(base_url=f"http://127.0.0.1:{small_mesh.ports['edge_admin']}", timeout=5) as admin:
        running = admin.get("/server_info").json()["command_line_options"]["concurrency"]
    assert running == edge.workers()

    monkeypatch.delenv("BARABA_EDGE_WORKERS", raising=False)
    assert edge.workers() == max(1, (os.cpu_count() or 2) // 2)
    monkeypatch.setenv("BARABA_EDGE_WORKERS", "3")
    assert edge.workers() == 3
    for wrong in ("0", "-1", "two"):
        monkeypatch.setenv("BARABA_EDGE_WORKERS", wrong)
        with pytest.raises(SystemExit, match="BARABA_EDGE_WORKERS"):
            edge.workers()
