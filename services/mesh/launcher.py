"""Starts the services and the edge as child processes, waits until every one is healthy,
supervises them (a child that dies is started again, with backoff, logged and counted) and
stops them all again. `make up`, the test suite, the drills and the benchmarks all run the
mesh through this.

Replicas: `replicas={"ledger": 2}` runs two ledger processes on distinct ports. The first is
named "ledger", the others "ledger-2", "ledger-3"...; every process of the mesh reaches a
service through all of its replicas (BARABA_<SERVICE>_ADDR lists them) and the edge balances
over them.
"""

import asyncio
import contextlib
import ctypes
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from wsgiref.simple_server import WSGIServer

import asyncpg
from prometheus_client import CollectorRegistry, Counter, start_http_server
from sqlalchemy.engine import make_url

from services.kernel.healthcheck import serving
from services.kernel.registry import PROCESSES, SERVICES
from services.kernel.settings import database_on
from services.mesh import edge
from services.mesh.postgres import EmbeddedPostgres

__all__ = ["SERVICES", "Mesh", "MeshFailed", "free_port", "scratch_mesh"]

# Restart backoff: 0.5 s after the first crash, doubling up to 30 s; a child that then runs
# for STABLE_SECONDS counts as recovered and starts again from the shortest delay.
FIRST_BACKOFF = 0.5
MAX_BACKOFF = 30.0
STABLE_SECONDS = 30.0


class MeshFailed(RuntimeError):
    pass


def _die_with_parent() -> None:
    """Linux: the child gets SIGTERM if the launcher dies, even by SIGKILL, so no process of
    the mesh is ever left behind."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def replica_names(service: str, count: int) -> list[str]:
    return [service if i == 1 else f"{service}-{i}" for i in range(1, count + 1)]


@dataclass
class Child:
    """One supervised process: how to start it, and its restart history."""

    name: str
    argv: list[str]
    env: dict[str, str]
    user: str | None = None
    stop_signal: int = signal.SIGTERM
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    restart_at: float | None = None  # set while dead and waiting for its backoff to pass
    crashes_in_a_row: int = 0


@dataclass
class Mesh:
    workdir: Path
    database_server: str | None  # None: the mesh runs its own embedded PostgreSQL (`postgres`)
    # "edge", "edge_admin", "reflection", every replica ("ledger", "ledger-2") and
    # "<replica>_metrics" -> port; "launcher_metrics" if the restart counter is served.
    ports: dict[str, int]
    services: list[str] = field(default_factory=lambda: list(SERVICES))
    database_prefix: str = "baraba_"
    env: dict[str, str] = field(default_factory=dict)
    replicas: dict[str, int] = field(default_factory=dict)  # service -> count (default 1)
    postgres: EmbeddedPostgres | None = None
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)  # live processes by name
    # Signs the credential services show each other (internal RPCs); a fresh one per mesh
    # unless BARABA_MESH_SECRET is given.
    mesh_secret: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)

    def __post_init__(self) -> None:
        self._children: dict[str, Child] = {}
        self._held: set[str] = set()  # stopped on purpose: not restarted until started again
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._supervisor: threading.Thread | None = None
        self._metrics_server: WSGIServer | None = None
        self._spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mesh-spawner")
        self.metrics_registry = CollectorRegistry()
        self.restarts = Counter(
            "baraba_process_restarts", "Processes of the mesh started again after they died", ["process"], registry=self.metrics_registry
        )
        if self.postgres is not None:
            self.database_server = self.postgres.url

    @property
    def server_url(self) -> str:
        """The PostgreSQL server the services' databases are on."""
        if self.database_server is None:
            raise MeshFailed("the mesh has no database server: give database_server or postgres")
        return self.database_server

    # -- naming and environment ------------------------------------------------------------

    def replicas_of(self, service: str) -> list[str]:
        return replica_names(service, self.replicas.get(service, 1))

    def addr(self, name: str) -> str:
        return f"127.0.0.1:{self.ports[name]}"

    def service_env(self) -> dict[str, str]:
        values = {k: v for k, v in os.environ.items() if not k.startswith("BARABA_")}
        values.update(self.env)
        values.setdefault("BARABA_MESH_SECRET", self.mesh_secret)
        values["BARABA_REFLECTION_ADDR"] = self.addr("reflection")
        for name in self.services:
            values[f"BARABA_{name.upper()}_ADDR"] = ",".join(self.addr(r) for r in self.replicas_of(name))
            values[f"BARABA_{name.upper()}_DATABASE_URL"] = database_on(self.server_url, self.database_prefix + name)
        return values

    def _replica_env(self, service: str, replica: str) -> dict[str, str]:
        return {
            **self.service_env(),
            "BARABA_LISTEN_ADDR": self.addr(replica),
            f"BARABA_{service.upper()}_METRICS_PORT": str(self.ports.get(f"{replica}_metrics", 0)),
        }

    def log_path(self, name: str) -> Path:
        return self.workdir / "logs" / f"{name}.log"

    # -- start -----------------------------------------------------------------------------

    def start(self, timeout: float = 60) -> None:
        (self.workdir / "logs").mkdir(parents=True, exist_ok=True)
        if "launcher_metrics" in self.ports:
            self._metrics_server, _ = start_http_server(self.ports["launcher_metrics"], addr="127.0.0.1", registry=self.metrics_registry)
        if self.postgres is not None:
            self.postgres.init()
            self._add(Child("postgres", self.postgres.argv(), dict(os.environ), user=self.postgres.user, stop_signal=signal.SIGINT))
            self.postgres.wait_ready(self.processes["postgres"], timeout)
        for name in self.services:
            for replica in self.replicas_of(name):
                self._add(Child(replica, [sys.executable, "-m", PROCESSES[name].module], self._replica_env(name, replica)))
        reflection_env = {**self.service_env(), "BARABA_LISTEN_ADDR": self.addr("reflection")}
        self._add(Child("reflection", [sys.executable, "-m", PROCESSES["reflection"].module], reflection_env))
        addrs: dict[str, str | list[str]] = {"edge": self.addr("edge"), "reflection": self.addr("reflection")}
        addrs |= {name: [self.addr(r) for r in self.replicas_of(name)] for name in self.services}
        config = edge.render(self.workdir / "envoy.yaml", addrs, self.ports["edge_admin"])
        # A dynamic base id: two edges on one machine (make up beside make test) would
        # otherwise clash on Envoy's shared-memory socket.
        command = [
            edge.envoy_binary(),
            "-c",
            str(config),
            "--log-level",
            "warn",
            "--use-dynamic-base-id",
            "--concurrency",
            str(edge.workers()),
        ]
        self._add(Child("edge", command, self.service_env()))
        self.wait_healthy(timeout)
        self._supervisor = threading.Thread(target=self._supervise, name="mesh-supervisor", daemon=True)
        self._supervisor.start()

    def _add(self, child: Child) -> None:
        # Exported at 0 from the start: an alert on increase() sees the first restart too.
        self.restarts.labels(child.name)
        with self._lock:
            self._children[child.name] = child
            self._spawn(child)

    def _spawn(self, child: Child) -> None:
        def popen() -> subprocess.Popen:
            with open(self.log_path(child.name), "ab") as log:
                return subprocess.Popen(
                    child.argv,
                    env=child.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    preexec_fn=_die_with_parent,
                    user=child.user,
                )

        # Linux delivers the parent-death signal when the *thread* that started the child ends:
        # every child is started by the one thread that lives as long as the mesh.
        child.process = self._spawner.submit(popen).result()
        child.started_at = time.monotonic()
        child.restart_at = None
        self.processes[child.name] = child.process

    def service_processes(self) -> list[str]:
        return [replica for name in self.services for replica in self.replicas_of(name)]

    def wait_healthy(self, timeout: float, names: list[str] | None = None) -> None:
        deadline = time.monotonic() + timeout
        for name in names or [*self.service_processes(), "reflection"]:
            while not serving(self.addr(name)):
                self._check_alive(name)
                if time.monotonic() > deadline:
                    raise MeshFailed(f"{name} did not become healthy in {timeout:.0f}s; see {self.log_path(name)}")
                time.sleep(0.2)
        while not self._edge_healthy():
            self._check_alive("edge")
            if time.monotonic() > deadline:
                raise MeshFailed(f"the edge did not become healthy in {timeout:.0f}s; see {self.log_path('edge')}")
            time.sleep(0.2)

    def _check_alive(self, name: str) -> None:
        process = self.processes.get(name)
        if process is not None and process.poll() is not None and self._supervisor is None:
            tail = self.log_path(name).read_text(errors="replace").splitlines()[-15:]
            raise MeshFailed(f"{name} exited with code {process.returncode}:\n" + "\n".join(tail))

    def _edge_healthy(self) -> bool:
        """Every cluster healthy, and identity's public keys fetched: until then the edge
        would refuse every token."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.ports['edge']}/health", timeout=1) as reply:
                if reply.status != 200:
                    return False
            stats = f"http://127.0.0.1:{self.ports['edge_admin']}/stats?filter=jwks_fetch_success&format=json"
            with urllib.request.urlopen(stats, timeout=1) as reply:
                return any(stat.get("value", 0) > 0 for stat in json.load(reply)["stats"])
        except OSError:
            return False

    def edge_stats(self, name: str) -> int:
        """One counter of the edge's statistics (0 when it does not exist yet)."""
        url = f"http://127.0.0.1:{self.ports['edge_admin']}/stats?filter=^{name}$&format=json"
        with urllib.request.urlopen(url, timeout=2) as reply:
            return sum(stat.get("value", 0) for stat in json.load(reply)["stats"])

    def edge_sees_healthy(self, name: str) -> bool:
        """Whether the edge's active health check currently counts replica `name` as healthy."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.ports['edge_admin']}/clusters?format=json", timeout=1) as reply:
                clusters = json.load(reply)["cluster_statuses"]
        except OSError:
            return False
        for cluster in clusters:
            for host in cluster.get("host_statuses", []):
                if host["address"]["socket_address"]["port_value"] == self.ports[name]:
                    return not host["health_status"].get("failed_active_health_check", False) and host["health_status"].get(
                        "eds_health_status"
                    ) in (None, "HEALTHY")
        return False

    # -- supervision -----------------------------------------------------------------------

    def _supervise(self) -> None:
        while not self._stopping.wait(0.2):
            with self._lock:
                for child in self._children.values():
                    if child.name not in self._held and child.process is not None and child.process.poll() is not None:
                        self._revive(child)

    def _revive(self, child: Child) -> None:
        assert child.process is not None, "only a started child is revived"
        now = time.monotonic()
        if child.restart_at is None:
            if now - child.started_at > STABLE_SECONDS:
                child.crashes_in_a_row = 0
            delay = min(MAX_BACKOFF, FIRST_BACKOFF * 2**child.crashes_in_a_row)
            child.crashes_in_a_row += 1
            child.restart_at = now + delay
            self.note(f"{child.name} exited with code {child.process.returncode}; starting it again in {delay:.1f}s")
        elif now >= child.restart_at:
            self._spawn(child)
            self.restarts.labels(child.name).inc()
            self.note(f"{child.name} started again (pid {child.process.pid})")

    def note(self, message: str) -> None:
        line = json.dumps({"time": time.strftime("%Y-%m-%dT%H:%M:%S"), "service": "launcher", "message": message})
        with open(self.log_path("launcher"), "a") as log:
            log.write(line + "\n")
        sys.stderr.write(f"launcher: {message}\n")

    def restart_count(self, name: str) -> int:
        return int(self.metrics_registry.get_sample_value("baraba_process_restarts_total", {"process": name}) or 0)

    # -- deliberate stops and starts (tests, drills, rolling restarts) ---------------------

    def stop_service(self, name: str, grace: float = 15) -> int:
        """SIGTERM to one process, which stays stopped until start_service; returns its exit code."""
        with self._lock:
            self._held.add(name)
            child = self._children[name]
            self.processes.pop(name, None)
        assert child.process is not None, f"{name} was started"
        child.process.send_signal(child.stop_signal)
        return child.process.wait(grace)

    def start_service(self, name: str, timeout: float = 30) -> None:
        with self._lock:
            self._spawn(self._children[name])
            self._held.discard(name)
        if name != "postgres":
            self.wait_healthy(timeout, [name])

    def kill(self, name: str) -> None:
        """SIGKILL, as a crash would: the supervisor starts it again."""
        self.processes[name].kill()

    def rolling_restart(self, names: list[str], timeout: float = 60) -> None:
        """Restarts the processes one by one, each back and seen healthy by the edge before the next."""
        for name in names:
            self.stop_service(name)
            self.start_service(name, timeout)
            deadline = time.monotonic() + timeout
            while not self.edge_sees_healthy(name):
                if time.monotonic() > deadline:
                    raise MeshFailed(f"the edge did not see {name} healthy again in {timeout:.0f}s")
                time.sleep(0.1)

    async def database(self, service: str) -> asyncpg.Connection:
        """A connection to one service's database, for tests that look behind the API."""
        return await connect(self.server_url, self.database_prefix + service)

    def exited(self) -> list[str]:
        """Names of children that are down (dead and not yet restarted)."""
        return [name for name, p in self.processes.items() if p.poll() is not None]

    def stop(self, grace: float = 10) -> None:
        """SIGTERM to everyone (services drain in-flight RPCs), SIGKILL after `grace` seconds;
        the embedded PostgreSQL last, once no service uses it."""
        self._stopping.set()
        if self._supervisor is not None:
            self._supervisor.join()
        with self._lock:
            children = list(self._children.values())
            last = [c for c in children if c.name == "postgres"]
            self._stop_all([c for c in children if c.name != "postgres"], grace)
            self._stop_all(last, grace)
            self.processes.clear()
        self._spawner.shutdown()
        if self._metrics_server is not None:
            self._metrics_server.shutdown()
            self._metrics_server.server_close()

    @staticmethod
    def _stop_all(children: list[Child], grace: float) -> None:
        for child in children:
            if child.process is not None and child.process.poll() is None:
                child.process.send_signal(child.stop_signal)
        deadline = time.monotonic() + grace
        for child in children:
            if child.process is None:
                continue
            try:
                child.process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.process.kill()
                child.process.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scratch_ports(services: list[str], replicas: dict[str, int] | None = None) -> dict[str, int]:
    names = ["edge", "edge_admin", "reflection", "launcher_metrics"]
    for service in services:
        for replica in replica_names(service, (replicas or {}).get(service, 1)):
            names += [replica, f"{replica}_metrics"]
    return {name: free_port() for name in names}


@contextlib.contextmanager
def scratch_mesh(
    database_server: str | None,
    workdir: Path,
    services: list[str],
    env: dict[str, str],
    replicas: dict[str, int] | None = None,
    postgres: EmbeddedPostgres | None = None,
) -> Iterator[Mesh]:
    """A mesh on free ports with fresh databases, dropped again afterwards: what the tests,
    the drills and the benchmarks run against. With `postgres`, the mesh runs that private
    server itself (and drops nothing: the server's data directory is the caller's)."""
    prefix = f"baraba_scratch_{uuid.uuid4().hex[:8]}_"
    mesh = Mesh(workdir, database_server, scratch_ports(services, replicas), services, prefix, env, dict(replicas or {}), postgres)
    try:
        mesh.start(timeout=90)
        yield mesh
    finally:
        mesh.stop()
        if postgres is None:
            asyncio.run(drop_databases(mesh.server_url, [prefix + name for name in services]))


async def connect(server: str, database: str) -> asyncpg.Connection:
    """A plain asyncpg connection to `database` on the server (TCP or unix-socket URL)."""
    url = make_url(database_on(server, database))
    host = url.host or url.query.get("host")
    return await asyncpg.connect(host=host, port=url.port, user=url.username, password=url.password, database=database)


async def drop_databases(server: str, names: list[str]) -> None:
    conn = await connect(server, "postgres")
    try:
        for name in names:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()
