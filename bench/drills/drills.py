"""The four drills. Each takes a running mesh (or makes its own), runs the load, breaks
something at a known time, and returns its figures as a dict (printed by __main__, checked by
tests/mesh/test_drills.py)."""

import asyncio
import contextlib
import itertools
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from bench.drills.load import MESH_ENV, Load, prepare, reconcile
from services.mesh import postgres
from services.mesh.launcher import Mesh, free_port, scratch_mesh
from services.mesh.postgres import EmbeddedPostgres
from services.vies import numbers

ROUTE_DEADLINE = 15.0  # the edge's timeout for these routes
# Where a failed drill's scratch directory (every process's log, the private server's data)
# is kept, so that its failures can be traced by request id afterwards.
KEPT = Path(__file__).resolve().parents[2] / ".baraba" / "drills"
_failed: set[Path] = set()  # scratch directories of meshes a drill failed on


def failed(mesh: Mesh) -> None:
    """Keeps `mesh`'s scratch directory when its drill_mesh ends (see KEPT)."""
    _failed.add(mesh.workdir)


@contextlib.contextmanager
def drill_mesh(
    services: list[str],
    replicas: dict[str, int],
    env: dict[str, str] | None = None,
    private_postgres: bool = False,
    server: str | None = None,
) -> Iterator[Mesh]:
    """A scratch mesh for a drill: on `server` (else the one the tests would use), or with a
    PostgreSQL of its own (the drill that stops the database must never stop a server others
    use)."""
    workdir = Path(tempfile.mkdtemp(prefix="baraba-drill-"))
    env = {**MESH_ENV, **(env or {})}
    try:
        if private_postgres:
            pg = EmbeddedPostgres(workdir / "pgdata", port=free_port())
            with scratch_mesh(None, workdir, services, env, replicas, postgres=pg) as mesh:
                yield mesh
        else:
            if server is None:
                server, _handle = postgres.server_for_tests(workdir / "pg")
            with scratch_mesh(server, workdir, services, env, replicas) as mesh:
                yield mesh
    except BaseException:
        _failed.add(workdir)
        raise
    finally:
        if workdir in _failed:
            _failed.discard(workdir)
            KEPT.mkdir(parents=True, exist_ok=True)
            kept = Path(tempfile.mkdtemp(prefix=time.strftime("%Y%m%d-%H%M%S-"), dir=KEPT))
            shutil.move(workdir, kept / "scratch")
            print(f"\nthe drill failed: its logs are in {kept / 'scratch' / 'logs'}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)  # the private server's data and the logs


async def _under_load(mesh: Mesh, fault, clients: int, before: float, after: float, mix=None, vies_numbers=()) -> tuple[Load, dict]:
    """Runs the load for `before` seconds, then `fault(marks)` in a thread (it notes its own
    moments in `marks`), then `after` more seconds."""
    headers, company_id, accounts = await prepare(mesh.ports["edge"])
    load = Load(mesh.ports["edge"], headers, company_id, accounts, clients, **({"mix": mix} if mix else {}), vies_numbers=vies_numbers)
    stop = asyncio.Event()
    running = asyncio.create_task(load.run(stop))
    marks: dict[str, float] = {"start": time.monotonic()}
    await asyncio.sleep(before)
    marks["fault"] = time.monotonic()
    await asyncio.to_thread(fault, marks)
    marks["fault_done"] = time.monotonic()
    await asyncio.sleep(after)
    stop.set()
    await running
    marks["end"] = time.monotonic()
    return load, marks


def _rate(load: Load, marks: dict) -> float:
    return len(load.answers) / (marks["end"] - marks["start"])


def _books_problems(books: dict) -> list[str]:
    """What reconcile() found wrong: a told create missing or twice, a gap, a half-written
    entry, a kept total that is not the count, or an entry nobody was told about beyond the
    creates answered with an error."""
    wrong = [
        f"{name}: {books[name]}" for name in ("missing", "duplicate_numbers", "gaps", "half_written", "kept_total_off_by") if books[name]
    ]
    if books["unannounced"] > books["refused_creates"]:
        wrong.append(f"unannounced entries {books['unannounced']} > refused creates {books['refused_creates']}")
    return wrong


# -- 1. SIGKILL one ledger replica ---------------------------------------------------------


async def kill_drill(mesh: Mesh, clients: int = 32, before: float = 5, after: float = 10) -> dict:
    def fault(marks):
        mesh.kill("ledger-2")
        while mesh.restart_count("ledger-2") == 0:
            time.sleep(0.05)
        mesh.wait_healthy(60, ["ledger-2"])
        marks["back"] = time.monotonic()

    load, marks = await _under_load(mesh, fault, clients, before, after)
    books = await reconcile(mesh, load)
    failures = len(load.failures())
    return {
        "load": Load.summary(load.answers),
        "requests/s": round(_rate(load, marks)),
        "around the kill (±2 s)": Load.summary(load.between(marks["fault"] - 2, marks["fault"] + 2)),
        "failed": len(load.failures()),
        "failures": [(a.kind, a.status, a.body[:120]) for a in load.failures()[:5]],
        "replica back after s": round(marks["back"] - marks["fault"], 1),
        "restarts counted": mesh.restart_count("ledger-2"),
        "edge retries": mesh.edge_stats("cluster.ledger.upstream_rq_retry"),
        "edge retries refused by the budget": mesh.edge_stats("cluster.ledger.upstream_rq_retry_overflow"),
        **books,
        "problems": [f"{failures} failed requests"] * bool(failures) + _books_problems(books),
    }


# -- 2. rolling restart of everything ------------------------------------------------------


async def rolling_drill(mesh: Mesh, clients: int = 32, before: float = 3, after: float = 3, order: list[str] | None = None) -> dict:
    order = order or mesh.service_processes()

    def fault(marks):
        mesh.rolling_restart(order)

    load, marks = await _under_load(mesh, fault, clients, before, after)
    books = await reconcile(mesh, load)
    failures = len(load.failures())
    return {
        "restarted": ", ".join(order),
        "restart took s": round(marks["fault_done"] - marks["fault"], 1),
        "load": Load.summary(load.answers),
        "during the restarts": Load.summary(load.between(marks["fault"], marks["fault_done"])),
        "failed": len(load.failures()),
        "failures": [(a.kind, a.status, a.body[:120]) for a in load.failures()[:5]],
        **books,
        "problems": [f"{failures} failed requests"] * bool(failures) + _books_problems(books),
    }


# -- 3. PostgreSQL stopped -----------------------------------------------------------------


async def postgres_drill(mesh: Mesh, clients: int = 32, before: float = 5, down: float = 10, after: float = 10) -> dict:
    def fault(marks):
        mesh.stop_service("postgres")
        marks["down"] = time.monotonic()
        time.sleep(down)
        mesh.start_service("postgres")
        assert mesh.postgres is not None, "the drills run their own PostgreSQL"
        mesh.postgres.wait_ready(mesh.processes["postgres"], 30)
        marks["up"] = time.monotonic()

    load, marks = await _under_load(mesh, fault, clients, before, after)
    during = load.between(marks["down"], marks["up"])
    after_return = load.between(marks["up"], marks["end"])
    # Recovered: from this moment on every request succeeds.
    failing_after = [a.at + a.seconds for a in after_return if a.status != 200]
    recovered_at = max(failing_after, default=marks["up"])
    recovered = recovered_at - marks["up"]
    # Any answer but 200 and 503, whenever it came (a 500 at the stop or the return counts too).
    wrong = [a for a in load.failures() if a.status != 503]
    hung = sum(1 for a in load.answers if a.seconds > ROUTE_DEADLINE or a.status == -1)
    after_recovery = sum(1 for a in load.answers if a.at > recovered_at and a.status != 200)
    books = await reconcile(mesh, load)
    return {
        "before": Load.summary(load.between(marks["start"], marks["fault"])),
        "while down": Load.summary(during),
        "after return": Load.summary(after_return),
        "500s or other non-503 errors while down": sum(1 for a in during if a.status not in (200, 503)),
        "past the deadline": hung,
        "recovered s after return": round(recovered, 1),
        "failures after recovery": after_recovery,
        "successes after recovery": sum(1 for a in load.answers if a.at > recovered_at and a.status == 200),
        "non-503 failures": [
            (a.kind, a.status, f"answered {a.at + a.seconds - marks['down']:+.2f} s after the stop", a.body[:160]) for a in wrong
        ][:5],
        **books,
        "problems": [
            *[f"{len(wrong)} answers neither 200 nor 503"] * bool(wrong),
            *[f"{hung} answers past the deadline"] * bool(hung),
            *[f"recovered {recovered:.1f} s after the return (goal: 5 s)"] * (recovered > 5),
            *[f"{after_recovery} failures after recovery"] * bool(after_recovery),
            *_books_problems(books),
        ],
    }


# -- 4. VIES down, then slow ---------------------------------------------------------------


def valid_bg_numbers(count: int) -> list[str]:
    found = []
    for n in itertools.count(175074700):
        try:
            numbers.parse(f"BG{n}")
        except numbers.NotAVatNumber:
            continue
        found.append(f"BG{n}")
        if len(found) == count:
            return found
    raise AssertionError("unreachable: the count above never ends")


async def vies_drill(mesh: Mesh, standin, clients: int = 32, phase: float = 8, vies_timeout: float = 3.0) -> dict:
    """The first numbers are checked while VIES answers (and go stale after the mesh's short
    cache TTL); then VIES is down for `phase` seconds, then answers only after 30 s for
    `phase` seconds. Known numbers must come back stale, unknown ones 503, both within the
    VIES timeout; reads and creates must not notice."""
    # More fresh numbers than a quiet machine's clients ask for in both phases.
    pool = valid_bg_numbers(5000)
    known = pool[:4]
    fresh_numbers = iter(pool[4:])

    def fault(marks):
        standin.stop()
        time.sleep(phase)
        marks["slow"] = time.monotonic()
        standin.start()
        standin.script({n: {"valid": True, "delay": 30} for n in pool})
        time.sleep(phase)
        standin.reset()

    mix = ("create", "read", "vies", "me", "vies_new")
    load = None

    class DrillLoad(Load):
        def _request(self, kind):
            if kind == "vies_new":  # a number nobody asked before: no cache to fall back on
                from bench.drills.load import get

                return get("127.0.0.1", self.port, f"/api/vies/validate/{next(fresh_numbers)}", self.headers), None
            return super()._request(kind)

    headers, company_id, accounts = await prepare(mesh.ports["edge"])
    load = DrillLoad(mesh.ports["edge"], headers, company_id, accounts, clients, mix, vies_numbers=tuple(known))
    stop = asyncio.Event()
    marks = {"start": time.monotonic()}
    running = asyncio.create_task(load.run(stop))
    await asyncio.sleep(phase)
    marks["fault"] = time.monotonic()
    await asyncio.to_thread(fault, marks)
    marks["fault_done"] = time.monotonic()
    await asyncio.sleep(2)
    stop.set()
    await running
    marks["end"] = time.monotonic()

    vies = ("vies", "vies_new")
    others = ("create", "read", "me")
    faulty = load.between(marks["fault"], marks["fault_done"], vies)
    stale = sum(1 for a in faulty if a.status == 200 and b'"stale":true' in a.body.replace(b" ", b""))
    # A check may take the VIES timeout; a second more covers the cache lookup and the trip.
    budget = vies_timeout + 1
    late = sum(1 for a in faulty if a.seconds > budget)
    odd = [a for a in faulty if a.status not in (200, 503)]
    other = len(odd)
    hung = sum(1 for a in faulty if a.seconds > ROUTE_DEADLINE or a.status <= 0)
    everything_else = load.between(marks["start"], marks["end"], others)
    else_failed = len(load.failures(everything_else))
    books = await reconcile(mesh, load)
    return {
        "VIES up": Load.summary(load.between(marks["start"], marks["fault"], vies)),
        "VIES down": Load.summary(load.between(marks["fault"], marks["slow"], vies)),
        "VIES slow": Load.summary(load.between(marks["slow"], marks["fault_done"], vies)),
        "VIES answers while broken: stale 200": stale,
        "VIES answers while broken: 503": sum(1 for a in faulty if a.status == 503),
        "VIES answers while broken: other": other,
        "VIES answers neither 200 nor 503": odd,
        "VIES slowest answer while broken s": round(max((a.seconds for a in faulty), default=0), 2),
        "VIES budget s (timeout + 1 s)": budget,
        "VIES answers later than the budget": late,
        "VIES answers past the route's deadline or none": hung,
        "edge retries of VIES checks": mesh.edge_stats("cluster.vies.upstream_rq_retry"),
        "everything else": Load.summary(everything_else),
        "everything else failed": else_failed,
        **books,
        "problems": [
            *[f"{other} VIES answers neither 200 nor 503"] * bool(other),
            *[f"{late} VIES answers later than {budget:g} s"] * bool(late),
            *[f"{hung} VIES answers past the route's deadline or none"] * bool(hung),
            *[f"{else_failed} other requests failed"] * bool(else_failed),
            *_books_problems(books),
        ],
    }
