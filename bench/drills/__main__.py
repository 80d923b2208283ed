"""`make drill`: the four drills at full length, one after the other, each on its own mesh."""

import argparse
import asyncio
import os
import sys
import time

from bench.drills.drills import drill_mesh, failed, kill_drill, postgres_drill, rolling_drill, vies_drill
from services.mesh.launcher import Mesh, free_port
from services.vies.standin import StandIn

ALL = ["kill", "rolling", "postgres", "vies"]


FAILED: list[str] = []


def show(title: str, figures: dict, started: float, mesh: Mesh) -> None:
    """Prints the figures; a drill with problems keeps its logs (drills.failed)."""
    print(f"\n== {title} ({time.monotonic() - started:.0f} s, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    for name, value in figures.items():
        print(f"  {name}: {value}")
    if figures["problems"]:
        FAILED.append(title)
        failed(mesh)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("drills", nargs="*", help=f"some of {', '.join(ALL)} (all four when none is named)")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10, help="load before and after each fault")
    args = parser.parse_args()
    if unknown := set(args.drills) - set(ALL):
        parser.error(f"no such drill: {', '.join(sorted(unknown))}")
    two = {"identity": 2, "ledger": 2, "vies": 2}
    for name in args.drills or ALL:
        started = time.monotonic()
        if name == "kill":
            with drill_mesh(["identity", "ledger"], two, private_postgres=True) as mesh:
                show(
                    "1. SIGKILL of one ledger replica under load",
                    asyncio.run(kill_drill(mesh, args.clients, args.seconds, args.seconds)),
                    started,
                    mesh,
                )
        elif name == "rolling":
            with drill_mesh(
                ["identity", "ledger", "vies", "scanner", "vat"],
                dict.fromkeys(["identity", "ledger", "vies", "scanner", "vat"], 2),
                private_postgres=True,
            ) as mesh:
                show(
                    "2. rolling restart of every service under load",
                    asyncio.run(rolling_drill(mesh, args.clients, args.seconds / 2, args.seconds / 2)),
                    started,
                    mesh,
                )
        elif name == "postgres":
            with drill_mesh(["identity", "ledger"], two, private_postgres=True) as mesh:
                show(
                    "3. PostgreSQL stopped for 10 s under load",
                    asyncio.run(postgres_drill(mesh, args.clients, args.seconds / 2, 10, args.seconds)),
                    started,
                    mesh,
                )
        elif name == "vies":
            standin = StandIn(port=free_port()).start()
            env = {"BARABA_VIES_URL": standin.url, "BARABA_VIES_TIMEOUT": "3", "BARABA_VIES_CACHE_TTL": "2"}
            try:
                with drill_mesh(["identity", "ledger", "vies"], {"vies": 2}, env, private_postgres=True) as mesh:
                    figures = asyncio.run(vies_drill(mesh, standin, args.clients, args.seconds))
                    show("4. VIES down, then slow, under load", figures, started, mesh)
            finally:
                standin.stop()
    if FAILED:
        sys.exit(f"\nfailed: {'; '.join(FAILED)}")


if __name__ == "__main__":
    main()
