"""The VAT return of a big month, end to end through the edge.

Starts identity, ledger and vat behind a real Envoy on free ports against a real PostgreSQL,
creates a company and its counterparts over REST, then books N posted VAT-relevant entries
straight into ledger's database (one INSERT ... SELECT: booking 100,000 entries over REST would
measure ledger, not the return), and times POST /api/companies/{id}/vat-returns and the four
downloads (streamed, each checked against its SHA-256), then the ZIP. Reports per size the time per
100,000 entries, the CPU seconds of every process on the path (vat, ledger, the edge and the
PostgreSQL backends of both databases) up to the last download, the ZIP's apart, the VAT service's
peak RSS (VmHWM, reset before each phase) and the machine's load average: on a shared machine wall
time follows the load, CPU time less so.

    .venv/bin/python -m bench.vat_return            # 10k, 100k and 1M entries
    .venv/bin/python -m bench.vat_return 100000

Goals: 100,000 entries in at most 1.5 s end to end; the VAT service at most 150 MB at any size;
time linear in the entries.

Measured on one 2-core machine shared with four other developers' benchmarks (wall times follow
the load average given; CPU seconds and RSS hold), 100,000 entries:
- before (a message per entry from ledger, the ledgers built, then hashed and stored, then
  committed): 3.96 s end to end at load 9.9 (3.13 s on a quiet machine); CPU vat 1.41 s, ledger
  0.83, their databases 0.43 and 0.36, edge 0.05: 3.1 s in all. Phases: the stream 3.0 s (vat
  waited on ledger, ledger on vat), storing 0.5 s after it, downloads 0.37 s.
- after (by column, read ahead on both sides, chunks copied while written): 1.09 and 1.21 s at
  load 2 (the stream 0.80-0.89 s, vat done 10-60 ms after ledger's last batch, stored and
  committed 30-40 ms later, downloads 0.16-0.30 s); CPU vat 0.59-0.63 s, ledger 0.30, databases
  0.33 and 0.10, edge 0.05: 1.4 s in all. At load 9.9 with the entries booked round robin over
  the days as before: 2.25 s, 1.65 s of CPU.
- after, by size (load 2; 1,000,000 at load 5, after 10,000 and 100,000 in the same process):
  10,000 entries 0.22 s, 104 MB; 300,000: 4.34 s (generation 2.92 s), vat 1.96 s of CPU, ledger
  0.94, databases 1.06 and 0.34, 123 MB; 1,000,000: 10.5 s (1.05 s per 100,000), vat 5.18 s,
  ledger 2.78, databases 3.16 and 0.92 (linear), 141.3 MB (generation 141, downloads 137, ZIP
  137); 381 MB of files, the ZIP 3.8 s (vat 2.42 s of CPU).
"""

import asyncio
import hashlib
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg
import httpx

from bench.ledger_common import database_cpu_seconds
from services.mesh.launcher import scratch_mesh
from services.vat.parser import check_files

DATABASE = "postgresql://postgres@127.0.0.1:5432"
PERIOD = "202603"
CHECKED_UP_TO = 100_000  # bigger months are not read back by the parser here (the bench's own time and memory)


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def book(conn: asyncpg.Connection, company_id: str, counterparts: dict[str, str], n: int, start: int = 1) -> None:
    """n posted entries in March 2026 straight into ledger's database, spread over the month: 60 %
    sales at 20 %, 10 % ВОД to an EU customer, 30 % purchases with full credit; every tenth a
    credit note. Written in date order, as a month is booked: in a random physical order every
    entry is a page of its own to read, which PostgreSQL no longer finds in its shared buffers once
    the month outgrows them (1,000,000 entries), and the stream would measure that."""
    await conn.execute(
            """
            INSERT INTO journal_entries (id, company_id, number, document_type, document_number, document_date,
                accounting_date, vat_date, description, counterpart_id, currency, purchase_operation, sales_operation,
                tax_base, vat_amount, vat_rate, total_debit, total_credit, is_posted, posted_at, posted_by, created_by)
            SELECT gen_random_uuid(), $1, i, CASE WHEN i % 10 = 0 THEN '03' ELSE '01' END, lpad(i::text, 10, '0'),
                d, d, d, 'Стоки по договор ' || i,
                CASE WHEN i % 10 < 6 THEN $2::uuid WHEN i % 10 = 6 THEN $3::uuid WHEN i % 10 = 7 THEN $4::uuid ELSE $5::uuid END,
                'EUR', CASE WHEN i % 10 >= 7 THEN '1-10-1' ELSE '' END,
                CASE WHEN i % 10 < 6 THEN '2-11' WHEN i % 10 = 6 THEN '2-20' ELSE '' END,
                s * 100.00, CASE WHEN i % 10 = 6 THEN 0 ELSE s * 20.00 END, 20, 0, 0, true, now(), $6, $6
            FROM (SELECT i, DATE '2026-03-01' + (i % 31) AS d, CASE WHEN i % 10 = 0 THEN -1 ELSE 1 END AS s
                  FROM generate_series($7::int, $8::int) AS i) AS g
            ORDER BY d, i
            """,
            uuid.UUID(company_id), *(uuid.UUID(counterparts[k]) for k in ("bg", "de", "at", "supplier")),
            uuid.uuid4(), start, start + n - 1,
        )  # fmt: skip


async def book_month(database: str, company_id: str, counterparts: dict[str, str], n: int) -> None:
    conn = await asyncpg.connect(database)
    try:
        await book(conn, company_id, counterparts, n)
    finally:
        await conn.close()


def new_company(http: httpx.Client, headers: dict, name: str) -> tuple[str, dict[str, str]]:
    """A company with the month's four counterparts, over REST: its id and theirs by key."""
    eik = f"{uuid.uuid4().int % 10**9:09d}"
    company = {"name": name, "eik": eik, "vat_number": f"BG{eik}", "is_vat_registered": True, "city": "София",
               "address": "ул. Тестова 1", "post_code": "1000", "country": "BG", "currency": "EUR",
               "representative_name": "Иван Иванов", "representative_eik": "8001011234"}  # fmt: skip
    company_id = http.post("/api/companies", headers=headers, json={"company": company}).json()["id"]
    counterparts = {}
    for key, counterpart, vat, country, customer in (
        ("bg", "Клиент ООД", "BG111111111", "BG", True), ("de", "Kunde GmbH", "DE123456789", "DE", True),
        ("at", "Alpen GmbH", "ATU12345678", "AT", True), ("supplier", "Доставчик ЕООД", "BG175074752", "BG", False),
    ):  # fmt: skip
        body = {
            "counterpart": {
                "name": counterpart,
                "vat_number": vat,
                "country": country,
                "is_customer": customer,
                "is_supplier": not customer,
            }
        }
        counterparts[key] = http.post(f"/api/companies/{company_id}/counterparts", headers=headers, json=body).json()["id"]
    return company_id, counterparts


def run(sizes: list[int]) -> None:
    env = {"BARABA_ADMIN_PASSWORD": "bench-admin-password", "BARABA_IDENTITY_KEY_PASSPHRASE": "bench"}
    with scratch_mesh(DATABASE, Path(tempfile.mkdtemp(prefix="vat-bench-")), ["identity", "ledger", "vat"], env) as mesh:
        http = httpx.Client(base_url=f"http://127.0.0.1:{mesh.ports['edge']}", timeout=600)
        token = http.post("/api/auth/login", json={"username": "admin", "password": "bench-admin-password"}).json()["token"]
        headers = {"authorization": f"Bearer {token}"}
        for n in sizes:
            company_id, counterparts = new_company(http, headers, f"Бенчмарк {n} ЕООД")
            asyncio.run(book_month(f"{DATABASE}/{mesh.database_prefix}ledger", company_id, counterparts, n))

            vat_pid = mesh.processes["vat"].pid
            reset_peak_rss(vat_pid)
            idle = peak_rss_mb(vat_pid)
            cpu_before, load_before = cpu_used(mesh), os.getloadavg()[0]
            started = time.perf_counter()
            reply = http.post(f"/api/companies/{company_id}/vat-returns", headers=headers, json={"period": PERIOD})
            generated = time.perf_counter() - started
            peaks = {"generate": peak_rss_mb(vat_pid)}
            reset_peak_rss(vat_pid)
            assert reply.status_code == 200, reply.text[:500]
            vat_return = reply.json()
            base = f"/api/companies/{company_id}/vat-returns/{vat_return['id']}"
            keep = n <= CHECKED_UP_TO
            files, size = {}, 0
            for facts in vat_return["files"]:
                data, digest = download(http, f"{base}/files/{facts['name']}", headers, keep)
                assert digest == facts["sha256"], facts["name"]
                files[facts["name"]], size = data, size + facts["size"]
            total = time.perf_counter() - started
            cpu_end = cpu_used(mesh)
            peaks["downloads"] = peak_rss_mb(vat_pid)
            reset_peak_rss(vat_pid)
            _, zip_seconds = timed(lambda: download(http, f"{base}/zip", headers, False))  # noqa: B023 (called at once)
            zip_cpu = cpu_seconds(vat_pid) - cpu_end["vat"]
            peaks["ZIP"] = peak_rss_mb(vat_pid)
            rss = max(peaks.values())
            load = (load_before + os.getloadavg()[0]) / 2
            if keep:
                report = check_files(files)
                assert report.ok, report.problems[:5]
            cpu = " ".join(f"{name} {cpu_end[name] - cpu_before[name]:.2f}" for name in cpu_end)
            print(
                f"{n:>8} entries: end to end {total:6.2f} s ({total / n * 100_000:5.2f} s per 100,000; generate {generated:.2f} s, "
                f"downloads {total - generated:.2f} s), CPU s {cpu}; ZIP {zip_seconds:5.2f} s (vat CPU {zip_cpu:.2f} s); "
                f"vat peak RSS {rss:6.1f} MB (idle {idle:.0f}; " + ", ".join(f"{phase} {mb:.0f}" for phase, mb in peaks.items()) + "), "
                f"{size / 1e6:6.1f} MB of files, "
                f"load average {load:4.1f} on {os.cpu_count()} cores{'' if keep else ' (files not re-read)'}",
                flush=True,
            )


def cpu_used(mesh) -> dict[str, float]:
    """CPU seconds so far of every process on the return's path: the services, the edge, and the
    PostgreSQL backends of ledger's and vat's databases."""
    used = {name: cpu_seconds(mesh.processes[name].pid) for name in ("vat", "ledger", "edge")}
    for name in ("ledger", "vat"):
        used[f"postgres ({name})"] = database_cpu_seconds(mesh, name)
    return used


def download(http: httpx.Client, path: str, headers: dict, keep: bool) -> tuple[bytes, str]:
    """Streams a download: its bytes (when kept) and SHA-256, never the whole body in the bench for big months."""
    digest, parts = hashlib.sha256(), []
    with http.stream("GET", path, headers=headers) as got:
        assert got.status_code == 200, got.read()[:300]
        for part in got.iter_bytes():
            digest.update(part)
            if keep:
                parts.append(part)
    return b"".join(parts), digest.hexdigest()


def timed(call):
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def reset_peak_rss(pid: int) -> None:
    """VmHWM is the process's peak since it started; writing 5 to clear_refs starts it again from now."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


if __name__ == "__main__":
    run([int(a) for a in sys.argv[1:]] or [10_000, 100_000, 1_000_000])
