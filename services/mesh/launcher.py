"""Starts the services and the edge as child processes, waits until every one is healthy,
and stops them all again. `make up` and the test suite both run the mesh through this."""

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
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from services.kernel.healthcheck import serving
from services.kernel.settings import database_on
from services.mesh import edge

# In start order; each entry is a module with a `__main__` (python -m services.<name>.server).
SERVICES = ["identity", "ledger", "vies", "scanner", "vat"]


class MeshFailed(RuntimeError):
    pass


def _die_with_parent() -> None:
    """Linux: the child gets SIGTERM if the launcher dies, even by SIGKILL, so no process of
    the mesh is ever left behind."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@dataclass
class Mesh:
    workdir: Path
    database_server: str
    ports: dict[str, int]  # "edge", "edge_admin", "reflection", each service and "<service>_metrics" -> port
    services: list[str] = field(default_factory=lambda: list(SERVICES))
    database_prefix: str = "baraba_"
    env: dict[str, str] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    # Signs the credential services show each other (internal RPCs); a fresh one per mesh
    # unless BARABA_MESH_SECRET is given.
    mesh_secret: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)

    def service_env(self) -> dict[str, str]:
        values = {k: v for k, v in os.environ.items() if not k.startswith("BARABA_")}
        values.update(self.env)
        values.setdefault("BARABA_MESH_SECRET", self.mesh_secret)
        for name, port in self.ports.items():
            if name.endswith("_metrics"):
                values[f"BARABA_{name.upper()}_PORT"] = str(port)
            elif name != "edge_admin":
                values[f"BARABA_{name.upper()}_ADDR"] = f"127.0.0.1:{port}"
        for name in self.services:
            values[f"BARABA_{name.upper()}_DATABASE_URL"] = database_on(self.database_server, self.database_prefix + name)
        return values

    def log_path(self, name: str) -> Path:
        return self.workdir / "logs" / f"{name}.log"

    def start(self, timeout: float = 60) -> None:
        (self.workdir / "logs").mkdir(parents=True, exist_ok=True)
        env = self.service_env()
        for name in self.services:
            self._spawn_service(name, env)
        reflection_env = {**env, "BARABA_LISTEN_ADDR": f"127.0.0.1:{self.ports['reflection']}"}
        self._spawn("reflection", [sys.executable, "-m", "services.mesh.reflection"], reflection_env)
        addrs = {name: f"127.0.0.1:{self.ports[name]}" for name in ["edge", "reflection", *self.services]}
        config = edge.render(self.workdir / "envoy.yaml", addrs, self.ports["edge_admin"])
        # A dynamic base id: two edges on one machine (make up beside make test) would
        # otherwise clash on Envoy's shared-memory socket.
        self._spawn("edge", [edge.envoy_binary(), "-c", str(config), "--log-level", "warn", "--use-dynamic-base-id"], env)
        self.wait_healthy(timeout)

    def _spawn_service(self, name: str, env: dict[str, str]) -> None:
        self._spawn(name, [sys.executable, "-m", f"services.{name}.server"], env)

    def stop_service(self, name: str, grace: float = 10) -> int:
        """SIGTERM to one service; returns its exit code."""
        process = self.processes.pop(name)
        process.send_signal(signal.SIGTERM)
        return process.wait(grace)

    def start_service(self, name: str, timeout: float = 30) -> None:
        self._spawn_service(name, self.service_env())
        self.wait_healthy(timeout)

    def _spawn(self, name: str, argv: list[str], env: dict[str, str]) -> None:
        with open(self.log_path(name), "ab") as log:
            self.processes[name] = subprocess.Popen(
                argv, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=_die_with_parent
            )

    def wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        for name in [*self.services, "reflection"]:
            while not serving(f"127.0.0.1:{self.ports[name]}"):
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
        process = self.processes[name]
        if process.poll() is not None:
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

    async def database(self, service: str) -> asyncpg.Connection:
        """A connection to one service's database, for tests that look behind the API."""
        return await connect(self.database_server, self.database_prefix + service)

    def exited(self) -> list[str]:
        """Names of children that have stopped on their own."""
        return [name for name, p in self.processes.items() if p.poll() is not None]

    def stop(self, grace: float = 10) -> None:
        """SIGTERM to everyone (services drain in-flight RPCs), SIGKILL after `grace` seconds."""
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        for process in self.processes.values():
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def scratch_mesh(database_server: str, workdir: Path, services: list[str], env: dict[str, str]) -> Iterator[Mesh]:
    """A mesh on free ports with fresh databases, dropped again afterwards: what the tests and
    the benchmarks run against."""
    prefix = f"baraba_scratch_{uuid.uuid4().hex[:8]}_"
    names = ["edge", "edge_admin", "reflection", *services, *(f"{s}_metrics" for s in services)]
    mesh = Mesh(workdir, database_server, {name: free_port() for name in names}, services, prefix, env)
    try:
        mesh.start(timeout=90)
        yield mesh
    finally:
        mesh.stop()
        asyncio.run(drop_databases(database_server, [prefix + name for name in services]))


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
