"""A service stopping and starting behind the edge: graceful stop, a clear 503 while it is
down, tokens that survive its restart, and a read that a stopping replica cancels sent to
another; and the edge's worker count. Runs its own small mesh, so it can stop services."""

import os
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import grpc
import httpx
import pytest
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from services.kernel.settings import ConfigError
from services.mesh import edge
from services.mesh.launcher import free_port, scratch_mesh
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
    assert edge.workers() == max(1, len(os.sched_getaffinity(0)) // 2)
    monkeypatch.setenv("BARABA_EDGE_WORKERS", "3")
    assert edge.workers() == 3
    for wrong in ("0", "-1", "two"):
        monkeypatch.setenv("BARABA_EDGE_WORKERS", wrong)
        with pytest.raises(ConfigError, match="BARABA_EDGE_WORKERS"):
            edge.workers()


class StoppingReplica:
    """A replica as the edge meets one that is stopping: its health check still passed, and it
    answers every call CANCELLED (what gRPC answers a request that arrives as it stops)."""

    def __init__(self):
        self.calls = 0
        self.server = grpc.server(ThreadPoolExecutor(max_workers=4))
        checks = health.HealthServicer()
        checks.set("", health_pb2.HealthCheckResponse.SERVING)
        health_pb2_grpc.add_HealthServicer_to_server(checks, self.server)
        self.server.add_generic_rpc_handlers([_Cancelling(self)])
        self.port = self.server.add_insecure_port("127.0.0.1:0")

    def __enter__(self):
        self.server.start()
        return self

    def __exit__(self, *_exc):
        self.server.stop(None)


class _Cancelling(grpc.GenericRpcHandler):
    def __init__(self, replica: StoppingReplica):
        self.replica = replica

    def service(self, handler_call_details):
        def cancel(_request, context):
            self.replica.calls += 1
            context.abort(grpc.StatusCode.CANCELLED, "the server is stopping")

        return grpc.unary_unary_rpc_method_handler(cancel)


def test_a_read_a_stopping_replica_answers_cancelled_is_sent_to_another(small_mesh, tmp_path):
    """Reads (and creates with a request_id) are retried on CANCELLED; the rolling-restart drill
    once lost a /me to it."""
    with httpx.Client(base_url=f"http://127.0.0.1:{small_mesh.ports['edge']}", timeout=10) as http:
        token = login(http, ADMIN, ADMIN_PASSWORD)["token"]
    port, admin_port = free_port(), free_port()
    with StoppingReplica() as stopping:
        addrs = {
            "edge": f"127.0.0.1:{port}",
            "reflection": small_mesh.addr("reflection"),
            "identity": [small_mesh.addr("identity"), f"127.0.0.1:{stopping.port}"],
        }
        config = edge.render(tmp_path / "envoy.yaml", addrs, admin_port)
        envoy = subprocess.Popen([edge.envoy_binary(), "-c", str(config), "--log-level", "error", "--use-dynamic-base-id"])
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
                wait_for(lambda: _answers(http, "/health") == 200)
                answers = [http.get("/api/auth/me", headers=bearer(token)).status_code for _ in range(30)]
                assert answers == [200] * 30
                assert stopping.calls > 0, "the stopping replica was asked too"
        finally:
            envoy.terminate()
            envoy.wait(10)


def _answers(http: httpx.Client, path: str) -> int:
    try:
        return http.get(path).status_code
    except httpx.TransportError:
        return 0
