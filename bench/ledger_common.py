"""What the ledger benchmarks share: a mesh (identity + ledger + the edge) on free ports with a
scratch database, started the way the test suite starts it, and the ledger process's memory."""

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx

from services.mesh import postgres
from services.mesh.launcher import Mesh, scratch_mesh

PASSWORD = "bench-admin-password-1"
SERVICES = ["identity", "ledger"]


@contextlib.contextmanager
def ledger_mesh() -> Iterator[Mesh]:
    workdir = Path(tempfile.mkdtemp(prefix="ledger-bench-"))
    server, _pg = postgres.server_for_tests(workdir / "pg")
    # One JSON log line per RPC is part of the real cost: keep the services' default level.
    with scratch_mesh(server, workdir, SERVICES, {"BARABA_ADMIN_PASSWORD": PASSWORD}) as mesh:
        yield mesh


def rss_mb(mesh: Mesh, name: str = "ledger") -> tuple[float, float]:
    """(current, peak) resident memory of a service process, in MiB."""
    status = Path(f"/proc/{mesh.processes[name].pid}/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def cpu_seconds(mesh: Mesh) -> dict[str, float]:
    """CPU time (user + system) each process of the mesh has used so far."""
    tick = os.sysconf("SC_CLK_TCK")
    used = {}
    for name, process in mesh.processes.items():
        fields = Path(f"/proc/{process.pid}/stat").read_text().rpartition(")")[2].split()
        used[name] = (int(fields[11]) + int(fields[12])) / tick
    return used


async def admin_headers(http: httpx.AsyncClient) -> dict:
    reply = await http.post("/api/auth/login", json={"username": "admin", "password": PASSWORD})
    return {"authorization": f"Bearer {reply.json()['token']}"}


async def new_company(http: httpx.AsyncClient, headers: dict, name: str) -> tuple[str, dict[str, str]]:
    """A company with the standard chart: its id and account ids by code."""
    reply = await http.post("/api/companies", headers=headers, json={"company": {"name": name, "eik": "175074752"}})
    company_id = reply.json()["id"]
    accounts = await http.get(f"/api/companies/{company_id}/accounts", headers=headers, params={"page_size": 500})
    return company_id, {a["code"]: a["id"] for a in accounts.json()["accounts"]}


def database_cpu_seconds(mesh: Mesh, name: str = "ledger") -> float:
    """CPU time used so far by the PostgreSQL backends serving a service's database (its pool's
    connections; the server's shared WAL writer and checkpointer are not counted)."""
    tick = os.sysconf("SC_CLK_TCK")
    marker = f" {mesh.database_prefix}{name} ".encode()
    used = 0.0
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and marker in (proc / "cmdline").read_bytes():
                fields = (proc / "stat").read_text().rpartition(")")[2].split()
                used += (int(fields[11]) + int(fields[12])) / tick
        except OSError:
            continue  # the backend ended meanwhile
    return used
