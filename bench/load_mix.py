"""A realistic mix through the edge, as browser tabs would send it: sign-ins, the user's
profile, one journal entry, a page of entries, the chart of accounts, new entries with a
request_id and VIES checks, at 32 and 128 clients, on a mesh with 1 and with 2 replicas per
service. Prints throughput, p50/p99 and errors per route, and the CPU each process used (a
process near 1.0 core is the ceiling: one Python process uses one core at most).

    .venv/bin/python -m bench.load_mix [--seconds 20] [--clients 32 128] [--replicas 1 2]

The machine's other work is reported next to the figures (CPU used by processes outside this
mesh during the run): absolute numbers from a shared machine are noisy, the ratios within one
run (1 vs 2 replicas, 32 vs 128 clients) are what to read.
"""

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from bench.drills.load import MESH_ENV, PASSWORD, get, prepare
from bench.http1 import Connection, ProtocolError, post_json
from bench.ledger_common import database_cpu_seconds
from bench.ledger_create_entries import entry_body
from services.mesh.launcher import Mesh, free_port, scratch_mesh
from services.mesh.postgres import EmbeddedPostgres
from services.vies.standin import StandIn

SERVICES = ["identity", "ledger", "vies"]
# route -> share of a tab's requests
MIX = {
    "login": 2,
    "me": 18,
    "entry": 25,
    "entries page": 15,
    "accounts": 5,
    "create entry": 25,
    "vies check": 10,
}
VIES_NUMBERS = ["BG175074752", "BG040683212", "BG121759222", "BG130460283"]


class Tab:
    def __init__(self, port: int, headers: dict, company_id: str, accounts: dict, entries: list[str]):
        self.port, self.headers, self.company_id, self.accounts, self.entries = port, headers, company_id, accounts, entries
        self.routes = [route for route, weight in MIX.items() for _ in range(weight)]

    def request(self) -> tuple[str, bytes]:
        route = random.choice(self.routes)
        base = f"/api/companies/{self.company_id}"
        if route == "login":
            credentials = json.dumps({"username": "admin", "password": PASSWORD}).encode()
            return route, post_json("127.0.0.1", self.port, "/api/auth/login", {}, credentials)
        if route == "me":
            return route, get("127.0.0.1", self.port, "/api/auth/me", self.headers)
        if route == "entry":
            return route, get("127.0.0.1", self.port, f"{base}/journal-entries/{random.choice(self.entries)}", self.headers)
        if route == "entries page":
            return route, get("127.0.0.1", self.port, f"{base}/journal-entries?page_size=20", self.headers)
        if route == "accounts":
            return route, get("127.0.0.1", self.port, f"{base}/accounts?page_size=100", self.headers)
        if route == "vies check":
            return route, get("127.0.0.1", self.port, f"/api/vies/validate/{random.choice(VIES_NUMBERS)}", self.headers)
        body = {**entry_body(self.accounts, random.randrange(10**8)), "request_id": str(uuid.uuid4())}
        return route, post_json("127.0.0.1", self.port, f"{base}/journal-entries", self.headers, json.dumps(body).encode())


async def run_load(tab: Tab, clients: int, seconds: float) -> dict[str, list]:
    results: dict[str, list] = {route: [] for route in MIX}  # route -> [(seconds, status)]
    end = time.monotonic() + seconds

    async def client() -> None:
        connection = await Connection.open("127.0.0.1", tab.port)
        while time.monotonic() < end:
            route, request = tab.request()
            started = time.monotonic()
            try:
                status, _ = await asyncio.wait_for(connection.request(request), 30)
            except (ProtocolError, OSError, TimeoutError):
                status = 0
                connection.close()
                connection = await Connection.open("127.0.0.1", tab.port)
            results[route].append((time.monotonic() - started, status))
        connection.close()

    await asyncio.gather(*(client() for _ in range(clients)))
    return results


def process_cpu(mesh: Mesh) -> dict[str, float]:
    tick = os.sysconf("SC_CLK_TCK")
    used = {}
    for name, process in mesh.processes.items():
        try:
            fields = Path(f"/proc/{process.pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        used[name] = (int(fields[11]) + int(fields[12])) / tick
    for service in mesh.services:
        used[f"postgres ({service} backends)"] = database_cpu_seconds(mesh, service)
    return used


def machine_busy() -> float:
    """CPU seconds the whole machine spent busy so far (all processes, every core)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


async def measure(mesh: Mesh, clients: int, seconds: float) -> None:
    port = mesh.ports["edge"]
    headers, company_id, accounts = await prepare(port)
    seed = Tab(port, headers, company_id, accounts, [])
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=30) as http:
        for n in range(40):  # entries to read
            body = {**entry_body(accounts, n), "request_id": str(uuid.uuid4())}
            seed.entries.append((await http.post(f"/api/companies/{company_id}/journal-entries", json=body)).json()["id"])
    await run_load(seed, clients, 3)  # warm: connections, caches, prepared statements
    cpu_before, busy_before, self_before = process_cpu(mesh), machine_busy(), time.process_time()
    started = time.monotonic()
    results = await run_load(seed, clients, seconds)
    wall = time.monotonic() - started
    cpu = {name: (used - cpu_before.get(name, 0)) / wall for name, used in process_cpu(mesh).items()}
    cpu["load generator"] = (time.process_time() - self_before) / wall
    machine = (machine_busy() - busy_before) / wall
    total = sum(len(r) for r in results.values())
    errors = sum(1 for r in results.values() for _, status in r if status != 200)
    replicas = max(mesh.replicas.values(), default=1)
    print(f"\n{clients} clients, {replicas} replica(s) per service, {wall:.0f} s: {total / wall:.0f} requests/s, {errors} errors")
    print(f"  {'route':<14} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'errors':>7}")
    for route, answers in results.items():
        if not answers:
            continue
        ms = sorted(s * 1000 for s, _ in answers)
        failed = [status for _, status in answers if status != 200]
        p99 = ms[max(0, int(len(ms) * 0.99) - 1)]
        codes = f"  {sorted(set(failed))}" if failed else ""
        print(f"  {route:<14} {len(ms) / wall:7.0f} {statistics.median(ms):7.1f} {p99:7.1f} {len(failed):7d}{codes}")
    ours = sum(cpu.values())
    busiest = sorted(cpu.items(), key=lambda kv: -kv[1])
    print("  CPU, cores: " + ", ".join(f"{name} {used:.2f}" for name, used in busiest if used >= 0.02))
    print(
        f"  machine: {machine:.2f} of {os.cpu_count()} cores busy, this mesh and its load {ours:.2f}, "
        f"other work {max(0.0, machine - ours):.2f}; load average {os.getloadavg()[0]:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, nargs="+", default=[32, 128])
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    standin = StandIn(port=free_port()).start()
    try:
        for replicas in args.replicas:
            # A PostgreSQL of its own: a shared server's connection limit would be measured too.
            workdir = Path(tempfile.mkdtemp(prefix="baraba-load-"))
            pg = EmbeddedPostgres(workdir / "pgdata", port=free_port())
            env = {**MESH_ENV, "BARABA_VIES_URL": standin.url}
            try:
                with scratch_mesh(None, workdir, SERVICES, env, dict.fromkeys(SERVICES, replicas), postgres=pg) as mesh:
                    for clients in args.clients:
                        asyncio.run(measure(mesh, clients, args.seconds))
            finally:
                shutil.rmtree(workdir, ignore_errors=True)
    finally:
        standin.stop()


if __name__ == "__main__":
    main()
