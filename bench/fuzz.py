"""The schema-driven fuzz run of tests/test_fuzz.py with a larger budget, against a fresh mesh.

.venv/bin/python -m bench.fuzz [EXAMPLES_PER_OPERATION_AND_MODE] [SEED]   # 25, 10
"""

import sys
import tempfile
import time
from pathlib import Path

import httpx

from services.mesh import postgres
from services.mesh.fuzz import fuzz
from services.mesh.launcher import SERVICES, scratch_mesh

PASSWORD = "bench-admin-password-1"


def main(examples: int, seed: int) -> None:
    server, _handle = postgres.server_for_tests(Path(tempfile.mkdtemp()) / "pg")
    env = {"BARABA_ADMIN_USERNAME": "admin", "BARABA_ADMIN_PASSWORD": PASSWORD, "BARABA_IDENTITY_KEY_PASSPHRASE": "bench"}
    with tempfile.TemporaryDirectory() as tmp, scratch_mesh(server, Path(tmp), SERVICES, env) as mesh:
        edge_url = f"http://127.0.0.1:{mesh.ports['edge']}"
        token = httpx.post(f"{edge_url}/api/auth/login", json={"username": "admin", "password": PASSWORD}).json()["token"]
        started = time.perf_counter()
        run = fuzz(edge_url, token, examples, seed)
        print(f"{run.requests} requests in {time.perf_counter() - started:.0f} s; statuses {dict(sorted(run.statuses.items()))}")
        print(f"{len(run.failures)} failures")
        for failure in run.failures:
            print(" ", failure[:500])


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 25, int(sys.argv[2]) if len(sys.argv) > 2 else 10)
