"""PDF bombs against the scanner, through the real edge: one, then four at once, with a normal
invoice uploaded meanwhile. Reports each answer, the time, the scanner's own peak RSS (VmHWM)
and the largest RSS its reading processes reached (sampled every 50 ms). Numbers on a shared
2-core machine are noisy.

    .venv/bin/python -m bench.scanner_bomb [INFLATED_MB]     # 1024 by default (a 6.5 MB upload)
"""

import concurrent.futures
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from services.mesh import postgres
from services.mesh.launcher import scratch_mesh
from tests.support.hostile_files import pdf_bomb
from tests.support.scanner_invoices import ALFA, render_pdf, sample_invoices

PASSWORD = "bench-admin-password-1"


def rss_mb(pid: int, field: str = "VmRSS:") -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def descendants(pid: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, queue = [], [pid]
    while queue:
        children = parents.get(queue.pop(), [])
        found += children
        queue += children
    return found


class Sampler(threading.Thread):
    """The largest RSS of any one reading process, and of all of them together."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.stop, self.one, self.together = pid, threading.Event(), 0.0, 0.0

    def run(self) -> None:
        while not self.stop.wait(0.05):
            sizes = [rss_mb(child) for child in descendants(self.pid)]
            self.one, self.together = max([self.one, *sizes]), max(self.together, sum(sizes))


def main(inflated_mb: int) -> None:
    bomb = pdf_bomb(inflated_mb << 20)
    invoice = render_pdf(sample_invoices()[0])
    server, _handle = postgres.server_for_tests(Path(tempfile.mkdtemp()) / "pg")
    env = {"BARABA_ADMIN_USERNAME": "admin", "BARABA_ADMIN_PASSWORD": PASSWORD, "BARABA_IDENTITY_KEY_PASSPHRASE": "bench"}
    with tempfile.TemporaryDirectory() as tmp, scratch_mesh(server, Path(tmp), ["identity", "ledger", "vies", "scanner"], env) as mesh:
        http = httpx.Client(base_url=f"http://127.0.0.1:{mesh.ports['edge']}", timeout=300)
        token = http.post("/api/auth/login", json={"username": "admin", "password": PASSWORD}).json()["token"]
        headers = {"authorization": f"Bearer {token}"}
        company = http.post(
            "/api/companies", headers=headers, json={"company": {"name": ALFA.name, "eik": ALFA.eik, "vat_number": ALFA.vat}}
        ).json()["id"]

        def send(data: bytes) -> tuple[int, float, str]:
            started = time.perf_counter()
            reply = http.post(
                "/api/scan", params={"company_id": company}, headers={**headers, "content-type": "application/pdf"}, content=data
            )
            message = reply.json().get("message", "") if reply.status_code != 200 else "accepted"
            return reply.status_code, time.perf_counter() - started, message

        scanner = mesh.processes["scanner"].pid
        print(f"bomb: {len(bomb) / 1e6:.1f} MB inflating to {inflated_mb} MB; scanner at start {rss_mb(scanner):.0f} MB")
        for count in (1, 4):
            sampler = Sampler(scanner)
            sampler.start()
            with concurrent.futures.ThreadPoolExecutor(count + 1) as pool:
                started = time.perf_counter()
                bombs = [pool.submit(send, bomb) for _ in range(count)]
                time.sleep(0.5)
                status, took, _ = send(invoice)
                print(f"  {count} bomb(s): a normal invoice meanwhile answered {status} in {took:.2f} s")
                for future in bombs:
                    status, took, message = future.result()
                    print(f"    bomb answered {status} in {took:.2f} s: {message}")
                print(f"    all done after {time.perf_counter() - started:.2f} s")
            sampler.stop.set()
            sampler.join()
            print(
                f"    scanner peak RSS {rss_mb(scanner, 'VmHWM:'):.0f} MB; reading processes: "
                f"largest {sampler.one:.0f} MB, together {sampler.together:.0f} MB"
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1024)
