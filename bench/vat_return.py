"""The VAT return of a big month, end to end through the edge.

Starts identity, ledger and vat behind a real Envoy on free ports against a real PostgreSQL,
creates a company and its counterparts over REST, then books N posted VAT-relevant entries
straight into ledger's database (one INSERT ... SELECT: booking 100,000 entries over REST would
measure ledger, not the return), and times POST /api/companies/{id}/vat-returns and the four
downloads. Reports the VAT service's peak RSS (VmHWM) and the time per 10,000 entries.

    .venv/bin/python -m bench.vat_return            # 10k, 25k, 50k, 100k entries
    .venv/bin/python -m bench.vat_return 100000
"""

import asyncio
import sys
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg
import httpx

from services.mesh.launcher import scratch_mesh
from services.vat.parser import check_files

DATABASE = "postgresql://postgres@127.0.0.1:5432"
PERIOD = "202603"
FILES = ("DEKLAR.TXT", "POKUPKI.TXT", "PRODAGBI.TXT", "VIES.TXT")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def book(database: str, company_id: str, counterparts: dict[str, str], n: int, start: int) -> None:
    """n posted entries in March 2026, spread over the month: 60 % sales at 20 %, 10 % ВОД to two
    EU customers, 30 % purchases with full credit; every tenth a credit note."""
    conn = await asyncpg.connect(database)
    try:
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
            """,
            uuid.UUID(company_id), *(uuid.UUID(counterparts[k]) for k in ("bg", "de", "at", "supplier")),
            uuid.uuid4(), start, start + n - 1,
        )  # fmt: skip
    finally:
        await conn.close()


def run(sizes: list[int]) -> None:
    env = {"BARABA_ADMIN_PASSWORD": "bench-admin-password", "BARABA_IDENTITY_KEY_PASSPHRASE": "bench"}
    with scratch_mesh(DATABASE, Path(tempfile.mkdtemp(prefix="vat-bench-")), ["identity", "ledger", "vat"], env) as mesh:
        http = httpx.Client(base_url=f"http://127.0.0.1:{mesh.ports['edge']}", timeout=600)
        token = http.post("/api/auth/login", json={"username": "admin", "password": "bench-admin-password"}).json()["token"]
        headers = {"authorization": f"Bearer {token}"}
        results = []
        for n in sizes:
            eik = f"{uuid.uuid4().int % 10**9:09d}"
            company = {"name": f"Бенчмарк {n} ЕООД", "eik": eik, "vat_number": f"BG{eik}", "is_vat_registered": True, "city": "София",
                       "address": "ул. Тестова 1", "post_code": "1000", "country": "BG", "currency": "EUR",
                       "representative_name": "Иван Иванов", "representative_eik": "8001011234"}  # fmt: skip
            company_id = http.post("/api/companies", headers=headers, json={"company": company}).json()["id"]
            counterparts = {}
            for key, name, vat, country, customer in (
                ("bg", "Клиент ООД", "BG111111111", "BG", True), ("de", "Kunde GmbH", "DE123456789", "DE", True),
                ("at", "Alpen GmbH", "ATU12345678", "AT", True), ("supplier", "Доставчик ЕООД", "BG175074752", "BG", False),
            ):  # fmt: skip
                body = {
                    "counterpart": {
                        "name": name,
                        "vat_number": vat,
                        "country": country,
                        "is_customer": customer,
                        "is_supplier": not customer,
                    }
                }
                counterparts[key] = http.post(f"/api/companies/{company_id}/counterparts", headers=headers, json=body).json()["id"]
            asyncio.run(book(f"{DATABASE}/{mesh.database_prefix}ledger", company_id, counterparts, n, 1))

            started = time.perf_counter()
            reply = http.post(f"/api/companies/{company_id}/vat-returns", headers=headers, json={"period": PERIOD})
            generated = time.perf_counter() - started
            assert reply.status_code == 200, reply.text[:500]
            vat_return = reply.json()
            files = {}
            for name in FILES:
                got = http.get(f"/api/companies/{company_id}/vat-returns/{vat_return['id']}/files/{name}", headers=headers)
                assert got.status_code == 200, got.text[:300]
                files[name] = got.content
            total = time.perf_counter() - started
            report = check_files(files)
            assert report.ok, report.problems[:5]
            rss = peak_rss_mb(mesh.processes["vat"].pid)
            results.append((n, generated, total, rss, sum(map(len, files.values()))))
            size_mb = sum(map(len, files.values())) / 1e6
            print(f"{n:>7} entries: generate {generated:6.2f} s, generate + 4 downloads {total:6.2f} s, "
                  f"{total / n * 10000:5.2f} s per 10,000, vat peak RSS {rss:6.1f} MB, {size_mb:5.1f} MB of files", flush=True)  # fmt: skip


if __name__ == "__main__":
    run([int(a) for a in sys.argv[1:]] or [10_000, 25_000, 50_000, 100_000])
