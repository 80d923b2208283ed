"""Streaming a month of VAT entries to a client, as the VAT service reads it: time for N
VAT-relevant posted entries (counterparts joined), ledger's CPU and its PostgreSQL backends',
and the ledger's memory before and after, which must stay bounded (the month is read in keyset
batches, never loaded whole). Each batch by column (what the VAT service asks for), then one
message per entry.

    .venv/bin/python -m bench.ledger_stream [--entries 100000]

Goal: 100,000 entries in under 5 s.
"""

import argparse
import asyncio
import time
import uuid

import asyncpg
import grpc
import httpx
from baraba.ledger.v1 import ledger_pb2 as pb
from baraba.ledger.v1 import ledger_pb2_grpc as rpc
from sqlalchemy.engine import make_url

from bench.ledger_common import admin_headers, cpu_seconds, database_cpu_seconds, ledger_mesh, new_company, rss_mb
from services.kernel.auth import SERVICE_HEADER, MeshCredentials
from services.kernel.settings import database_on


async def fill(mesh, company_id: str, entries: int) -> None:
    """Writes counterparts and posted VAT entries straight into the ledger's database (the
    API would take minutes for 100,000); the stream reads them like any others."""
    url = make_url(database_on(mesh.database_server, mesh.database_prefix + "ledger"))
    conn = await asyncpg.connect(host=url.host or url.query.get("host"), port=url.port, user=url.username, database=url.database)
    cid = uuid.UUID(company_id)
    try:
        await conn.execute(
            """INSERT INTO counterparts (id, company_id, name, eik, vat_number, address, city, post_code, country, phone, email,
                   website, contact_person, notes, is_customer, is_supplier, is_employee, is_vat_registered, is_eu_registered,
                   vat_validated, vies_status, vies_name, vies_address, payment_terms_days, payment_method, iban, bank_name, swift)
               SELECT gen_random_uuid(), $1, 'Контрагент ' || n, (100000000 + n)::text, 'BG' || (100000000 + n)::text, '', 'София',
                   '', 'BG', '', '', '', '', '', true, true, false, true, false, false, '', '', '', 0, '', '', '', ''
               FROM generate_series(1, 500) AS n""",
            cid,
        )
        await conn.execute(
            """INSERT INTO journal_entries (id, company_id, number, document_type, document_number, document_date,
                   accounting_date, vat_date, description, counterpart_id, currency, purchase_operation, sales_operation,
                   tax_base, vat_amount, vat_rate, total_debit, total_credit, is_posted, posted_at, posted_by, created_by)
               SELECT gen_random_uuid(), $1, n, '01', lpad(n::text, 10, '0'), DATE '2025-03-01' + (n % 31),
                   DATE '2025-03-01' + (n % 31), DATE '2025-03-01' + (n % 31), 'Фактура ' || n, c.id, 'BGN',
                   CASE WHEN n % 2 = 0 THEN '1-10-1' ELSE '' END, CASE WHEN n % 2 = 1 THEN '2-11' ELSE '' END,
                   1000.00, 200.00, 20, 1200.00, 1200.00, true, now(), $2, $2
               FROM generate_series(1, $3) AS n
               JOIN (SELECT id, row_number() OVER () - 1 AS k FROM counterparts WHERE company_id = $1) c ON c.k = n % 500""",
            cid,
            uuid.uuid4(),
            entries,
        )
        await conn.execute("UPDATE entry_counters SET last_number = $2 WHERE company_id = $1", cid, entries)
        await conn.execute("ANALYZE journal_entries")
    finally:
        await conn.close()


async def run(mesh, entries: int) -> None:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{mesh.ports['edge']}", timeout=30) as http:
        headers = await admin_headers(http)
        company_id, _ = await new_company(http, headers, "Поток ООД")
    await fill(mesh, company_id, entries)
    # StreamVatEntries is internal to the mesh: the bench calls it as the VAT service does.
    credential = MeshCredentials("bench", mesh.service_env()["BARABA_MESH_SECRET"]).credential()
    metadata = (("authorization", headers["authorization"]), (SERVICE_HEADER, credential))
    for by_column in (True, False):
        request = pb.StreamVatEntriesRequest(company_id=company_id, period="202503", by_column=by_column)
        async with grpc.aio.insecure_channel(
            f"127.0.0.1:{mesh.ports['ledger']}", options=[("grpc.max_receive_message_length", 32 << 20)]
        ) as channel:
            stub = rpc.JournalEntryServiceStub(channel)
            before, cpu_before, db_before = rss_mb(mesh), cpu_seconds(mesh)["ledger"], database_cpu_seconds(mesh)
            started = time.perf_counter()
            received = 0
            async for batch in stub.StreamVatEntries(request, metadata=metadata):
                received += batch.columns.count + len(batch.entries)
            elapsed = time.perf_counter() - started
            after, cpu, db = rss_mb(mesh), cpu_seconds(mesh)["ledger"] - cpu_before, database_cpu_seconds(mesh) - db_before
        print(
            f"{received} entries {'by column' if by_column else 'one message each'} in {elapsed:5.2f} s ({received / elapsed:7.0f}/s),"
            f" CPU ledger {cpu:5.2f} s, its PostgreSQL {db:5.2f} s;"
            f" ledger RSS {before[0]:.0f} -> {after[0]:.0f} MiB (peak {after[1]:.0f} MiB)"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    args = parser.parse_args()
    with ledger_mesh() as mesh:
        asyncio.run(run(mesh, args.entries))


if __name__ == "__main__":
    main()
