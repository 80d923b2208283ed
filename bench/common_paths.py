"""The paths every screen uses, measured in one run through the edge (REST, as the browser
calls them), each against the kernel pipeline's own rate: GET /.well-known/jwks.json is public
and touches no database, so it is what one request costs through Envoy and the pipeline alone.

    .venv/bin/python -m bench.common_paths [--seconds 8] [--rounds 2] [--concurrency 32] [--only jwks,me,...]
        [--profile DIR --py-spy PATH [--native]]   # py-spy profiles of identity and ledger per path

Goals (ratios of one run, so a busy machine affects every line alike):
  GET /api/auth/me and one journal entry      >= 75 % of the JWKS rate, p99 < 100 ms
  a page of 50 journal entries                >= 25 % of the JWKS rate, p99 < 100 ms
    (as the journal screen asks for it: BASIC view, no lines; FULL is printed too)
  create with a request_id (as browsers do)   >= 90 % of create without; >= 1,000/s, p99 < 100 ms

Each client is a browser tab on its own keep-alive connection (bench/http1.py), one request
after the other; CPU per request of every process, the load generator included, is printed
so the cost of the mesh is told apart from the machine's other work.
"""

import argparse
import asyncio
import itertools
import json
import os
import statistics
import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from bench.http1 import Connection, get, post_json
from bench.ledger_common import admin_headers, cpu_seconds, database_cpu_seconds, ledger_mesh, new_company
from bench.ledger_create_entries import entry_body

Request = Callable[[], bytes]
CPU_COLUMNS = ("identity", "ledger", "edge", "postgres (identity)", "postgres (ledger)", "load generator")
DATABASES = ("identity", "ledger")  # the services whose PostgreSQL backends are counted
# The journal screen's query, as the browser sends it (frontend/src/pages/JournalList.tsx: its
# filters empty, entries without their lines). Without a view the list answers FULL, lines and all.
JOURNAL_SCREEN = "page_size=50&page_token=&date_from=&date_to=&document_type=&counterpart_id=&view=JOURNAL_ENTRY_VIEW_BASIC"


def creates_sent(mesh) -> tuple[float, float]:
    """(creates, statements) the ledger has sent so far: its baraba_ledger_create_batch_size."""
    text = httpx.get(f"http://127.0.0.1:{mesh.ports['ledger_metrics']}/metrics").text
    samples = {s.name: s.value for f in text_string_to_metric_families(text) for s in f.samples if "create_batch_size" in s.name}
    return samples["baraba_ledger_create_batch_size_sum"], samples["baraba_ledger_create_batch_size_count"]


async def load(port: int, make: Request, seconds: float, concurrency: int) -> tuple[list[float], list[tuple[int, bytes]], float]:
    latencies: list[float] = []
    errors: list[tuple[int, bytes]] = []
    connections = [await Connection.open("127.0.0.1", port) for _ in range(concurrency)]
    cpu_started = time.process_time()
    end = time.perf_counter() + seconds

    async def client(connection: Connection) -> None:
        while time.perf_counter() < end:
            request = make()
            started = time.perf_counter()
            status, answer = await connection.request(request)
            latencies.append(time.perf_counter() - started)
            if status != 200:
                errors.append((status, answer))

    try:
        await asyncio.gather(*(client(c) for c in connections))
    finally:
        for connection in connections:
            connection.close()
    return latencies, errors, time.process_time() - cpu_started


def start_profiles(mesh, py_spy: str, out: Path, name: str, seconds: float, native: bool) -> list[subprocess.Popen]:
    out.mkdir(parents=True, exist_ok=True)
    started = []
    for service in ("identity", "ledger"):
        target = ["--pid", str(mesh.processes[service].pid), "--duration", str(int(seconds)), "--rate", "200"]
        output = ["--format", "speedscope", "--output", str(out / f"{name}-{service}.json")]
        # --native shows where gRPC's C core and asyncpg's Cython spend it, and needs the
        # process stopped for each sample; without it, samples do not stop the process.
        output.append("--native" if native else "--nonblocking")
        started.append(subprocess.Popen([py_spy, "record", *target, *output], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    return started


async def run(
    mesh,
    seconds: float,
    concurrency: int,
    only: list[str],
    profile: Path | None = None,
    py_spy: str = "py-spy",
    native: bool = False,
    rounds: int = 2,
    warm: float = 2,
) -> dict[str, tuple[float, list[tuple[int, bytes]]]]:
    """Prints each path's figures and the ratios; returns each path's rate and failed answers
    (status, body) by its key."""
    port = mesh.ports["edge"]
    host = "127.0.0.1"
    load_before = os.getloadavg()[0]
    async with httpx.AsyncClient(base_url=f"http://{host}:{port}", timeout=30) as http:
        headers = await admin_headers(http)
        company_id, accounts = await new_company(http, headers, "Бенчмарк ООД")
        entries = f"/api/companies/{company_id}/journal-entries"
        entry_ids = []
        for n in range(60):
            created = await http.post(entries, headers=headers, json=entry_body(accounts, n))
            assert created.status_code == 200, created.text
            entry_ids.append(created.json()["id"])
    # Clients read the entries in turn, as people open different entries of the journal: the
    # reads that go to PostgreSQL together then ask for different rows.
    next_entry = itertools.cycle(entry_ids).__next__

    def create(with_request_id: bool) -> Request:
        def make() -> bytes:
            body = entry_body(accounts, 0)
            if with_request_id:
                body["request_id"] = str(uuid.uuid4())  # what the browser sends with every create
            return post_json(host, port, entries, headers, json.dumps(body, separators=(",", ":")).encode())

        return make

    scenarios: dict[str, tuple[str, Request]] = {
        "jwks": ("GET /.well-known/jwks.json", lambda: get(host, port, "/.well-known/jwks.json", {})),
        "me": ("GET /api/auth/me", lambda: get(host, port, "/api/auth/me", headers)),
        "entry": ("GET one journal entry", lambda: get(host, port, f"{entries}/{next_entry()}", headers)),
        "list": ("GET 50 journal entries", lambda: get(host, port, f"{entries}?{JOURNAL_SCREEN}", headers)),
        "list_full": ("GET 50 entries, FULL view", lambda: get(host, port, f"{entries}?page_size=50", headers)),
        "create": ("POST entry, no request_id", create(False)),
        "create_rid": ("POST entry with request_id", create(True)),
    }
    results = {}
    selected = [(key, name, make) for key, (name, make) in scenarios.items() if not only or key in only]
    # Every scenario runs in `rounds` slices taken in turn, every other round backwards (a, b,
    # c, c, b, a), so a change in the machine's other load during the run, and what the earlier
    # slices left behind (rows, dead tuples, a checkpoint), fall on all of them alike.
    rounds = 1 if profile else rounds
    measured: dict[str, dict] = {
        key: {"latencies": [], "errors": [], "cpu": dict.fromkeys(CPU_COLUMNS, 0.0), "sent": [0.0, 0.0]} for key, _, _ in selected
    }
    print(f"{concurrency} clients, {seconds:.0f} s each in {rounds} slices, through the edge (REST); identity + ledger")
    for turn in range(rounds):
        for key, _name, make in selected if turn % 2 == 0 else selected[::-1]:
            if turn == 0:
                await load(port, make, warm, concurrency)  # warm: connections, caches, prepared statements
            cpu_before, sent_before = cpu_seconds(mesh), creates_sent(mesh)
            db_before = {name: database_cpu_seconds(mesh, name) for name in DATABASES}
            profiles = start_profiles(mesh, py_spy, profile, key, seconds, native) if profile else []
            latencies, errors, client_cpu = await load(port, make, seconds / rounds, concurrency)
            for process in profiles:
                process.wait()
            found = measured[key]
            found["latencies"] += latencies
            found["errors"] += errors
            for process_name, used in cpu_seconds(mesh).items():
                if process_name in found["cpu"]:
                    found["cpu"][process_name] += used - cpu_before[process_name]
            for name in DATABASES:
                found["cpu"][f"postgres ({name})"] += database_cpu_seconds(mesh, name) - db_before[name]
            found["cpu"]["load generator"] += client_cpu
            sent_after = creates_sent(mesh)
            found["sent"] = [total + sent_after[i] - sent_before[i] for i, total in enumerate(found["sent"])]
    for key, name, _make in selected:
        latencies, errors, cpu = measured[key]["latencies"], measured[key]["errors"], measured[key]["cpu"]
        ms = sorted(x * 1000 for x in latencies)
        rate = (len(ms) - len(errors)) / seconds
        results[name] = rate
        p99 = ms[int(len(ms) * 0.99) - 1]
        print(f"  {name:30} {rate:7.0f}/s  p50 {statistics.median(ms):6.1f} ms  p99 {p99:6.1f} ms  errors {len(errors)}")
        print("      CPU ms per request: " + ", ".join(f"{n} {used * 1000 / max(len(ms), 1):.2f}" for n, used in cpu.items()))
        # The ceiling this cost sets, whatever else the machine does: all cores, nothing idle.
        total = sum(cpu.values()) * 1000 / max(len(ms), 1)
        print(f"      all processes {total:.2f} ms: at most {(os.cpu_count() or 1) * 1000 / total:.0f}/s on {os.cpu_count()} cores")
        creates, statements = measured[key]["sent"]
        if statements:
            print(f"      creates per statement to PostgreSQL: {creates / statements:.1f} on average")
        for status, answer in errors[:3]:
            print(f"      error {status}: {answer[:200].decode(errors='replace')}")
    print("ratios (goal):")
    if jwks := results.get("GET /.well-known/jwks.json"):
        for name, label, goal in (
            ("GET /api/auth/me", "/api/auth/me / JWKS", ">= 75 %"),
            ("GET one journal entry", "one entry / JWKS", ">= 75 %"),
            ("GET 50 journal entries", "50 entries / JWKS", ">= 25 %"),
            ("GET 50 entries, FULL view", "50 entries FULL / JWKS", "no goal: other API clients"),
        ):
            if name in results:
                print(f"  {label:30} {results[name] / jwks:6.0%}  ({goal})")
    if "POST entry with request_id" in results and "POST entry, no request_id" in results:
        with_id = results["POST entry with request_id"] / results["POST entry, no request_id"]
        print(f"  create with / without request_id {with_id:6.0%}  (>= 90 %)")
    print(f"machine load average before {load_before:.1f}, after {os.getloadavg()[0]:.1f}, on {os.cpu_count()} cores")
    return {key: (results[name], measured[key]["errors"]) for key, name, _make in selected}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=2, help="slices per scenario, taken in turn with the others")
    parser.add_argument("--only", default="", help="comma-separated: jwks, me, entry, list, list_full, create, create_rid")
    parser.add_argument("--profile", type=Path, help="write py-spy profiles (speedscope JSON) here")
    parser.add_argument("--py-spy", default="py-spy", help="the py-spy binary (not a dependency of the project)")
    parser.add_argument("--native", action="store_true", help="py-spy --native: C and Cython frames too (pauses each sample)")
    args = parser.parse_args()
    only = [name for name in args.only.split(",") if name]
    with ledger_mesh() as mesh:
        asyncio.run(run(mesh, args.seconds, args.concurrency, only, args.profile, args.py_spy, args.native, args.rounds))


if __name__ == "__main__":
    main()
