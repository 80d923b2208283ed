"""What the edge's unknown-field check (envoy/strict_json.lua) costs per request.

Starts identity and ledger behind the real edge, then a second Envoy with the same rendered
config minus the strict-JSON filter, in front of the same services. Each request is a journal
entry for a company the caller has no grant for, so ledger's pipeline refuses it before any
database work: little service time, the whole body through both edges. The difference between the two edges' latencies is the
check. Rounds alternate between the edges; numbers on a shared 2-core machine are noisy, the
ratio within one run is what counts.

    .venv/bin/python -m bench.edge_strict_json [REQUESTS_PER_ROUND]
"""

import asyncio
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

from bench.http1 import Connection, post_json
from services.mesh import edge, postgres
from services.mesh.launcher import free_port, scratch_mesh

PASSWORD = "bench-admin-password-1"
ROUNDS = 4


def entry(lines: int, description: str = "Стоки") -> bytes:
    one = {"account_id": str(uuid.uuid4()), "debit": "100.00", "credit": "", "description": "ред", "counterpart_id": ""}
    body = {
        "journal_entry": {
            "document_type": "01",
            "document_number": "0000000001",
            "document_date": "2026-03-10",
            "description": description,
            "purchase_operation": "1-10-1",
            "tax_base": "100.00",
            "vat_amount": "20.00",
            "lines": [one] * lines,
        },
        "request_id": "not-a-uuid",
    }
    return json.dumps(body, ensure_ascii=False).encode()


BODIES = {
    "entry, 3 lines (0.7 KB)": entry(3),
    "entry, 500 lines (60 KB)": entry(500),
    "entry, 1 MB description": entry(3, "х" * 500_000),
}


def plain_edge(config: Path, out: Path, port: int, admin_port: int, old_port: int, old_admin: int) -> Path:
    text = config.read_text()
    text = re.sub(r"\n *- name: baraba\.strict_json\n.*?(?=\n *- name: envoy\.filters\.http\.grpc_json_transcoder)", "", text, flags=re.S)
    assert "baraba.strict_json" not in text
    text = text.replace(f"port_value: {old_port}", f"port_value: {port}").replace(f"port_value: {old_admin}", f"port_value: {admin_port}")
    text = text.replace(f"127.0.0.1:{old_port}/", f"127.0.0.1:{port}/")
    out.write_text(text)
    return out


async def timed(port: int, request: bytes, n: int) -> list[float]:
    conn = await Connection.open("127.0.0.1", port)
    took = []
    try:
        for _ in range(n):
            started = time.perf_counter()
            status, body = await conn.request(request)
            took.append(time.perf_counter() - started)
            assert status == 403, (status, body[:200])
    finally:
        conn.close()
    return took


def wait_ready(port: int) -> None:
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the plain edge did not become healthy")


def main(n: int) -> None:
    server, _handle = postgres.server_for_tests(Path(tempfile.mkdtemp()) / "pg")
    env = {"BARABA_ADMIN_USERNAME": "admin", "BARABA_ADMIN_PASSWORD": PASSWORD, "BARABA_IDENTITY_KEY_PASSPHRASE": "bench"}
    with tempfile.TemporaryDirectory() as tmp, scratch_mesh(server, Path(tmp), ["identity", "ledger"], env) as mesh:
        port, admin_port = free_port(), free_port()
        config = plain_edge(
            Path(tmp) / "envoy.yaml", Path(tmp) / "plain.yaml", port, admin_port, mesh.ports["edge"], mesh.ports["edge_admin"]
        )
        plain = subprocess.Popen(
            [edge.envoy_binary(), "-c", str(config), "--log-level", "error", "--use-dynamic-base-id"], stdout=subprocess.DEVNULL
        )
        try:
            wait_ready(port)
            login = urllib.request.Request(
                f"http://127.0.0.1:{mesh.ports['edge']}/api/auth/login",
                data=json.dumps({"username": "admin", "password": PASSWORD}).encode(),
            )
            token = json.load(urllib.request.urlopen(login))["token"]
            path = f"/api/companies/{uuid.uuid4()}/journal-entries"
            print(f"{n} requests per round, {ROUNDS} rounds per edge, median latency in ms")
            for name, body in BODIES.items():
                samples: dict[str, list[float]] = {"strict": [], "plain": []}
                for _ in range(ROUNDS):
                    for label, target in (("strict", mesh.ports["edge"]), ("plain", port)):
                        request = post_json("127.0.0.1", target, path, {"authorization": f"Bearer {token}"}, body)
                        samples[label] += asyncio.run(timed(target, request, n))
                strict, bare = statistics.median(samples["strict"]) * 1000, statistics.median(samples["plain"]) * 1000
                print(f"  {name:28} with check {strict:7.3f}  without {bare:7.3f}  cost {strict - bare:+7.3f} ms")
        finally:
            plain.terminate()
            plain.wait()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
