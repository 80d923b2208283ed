"""Ledger data for tests, made through the edge's REST API as a browser would, and a way to
hold the ledger's creates back."""

import asyncio
import contextlib
import threading
import uuid
from collections.abc import Iterator


def create_company(http, headers, **fields) -> dict:
    body = {"company": {"name": "Пример ООД", "eik": "175074752", "vat_number": "BG175074752", "is_vat_registered": True, **fields}}
    reply = http.post("/api/companies", headers=headers, json=body)
    assert reply.status_code == 200, reply.text
    return reply.json()


def accounts_by_code(http, headers, company_id: str) -> dict[str, dict]:
    reply = http.get(f"/api/companies/{company_id}/accounts", headers=headers, params={"page_size": 500})
    assert reply.status_code == 200, reply.text
    return {a["code"]: a for a in reply.json()["accounts"]}


def line(account: dict, debit: str = "", credit: str = "", **extra) -> dict:
    return {"account_id": account["id"], "debit": debit, "credit": credit, **extra}


def purchase_invoice(
    accounts: dict, counterpart_id: str = "", number: str = "0000000001", base: str = "100.00", vat: str = "20.00"
) -> dict:
    total = f"{float(base) + float(vat):.2f}"  # test data only; the server never sees floats
    return {
        "document_type": "01",
        "document_number": number,
        "document_date": "2025-03-10",
        "vat_date": "2025-03-10",
        "description": "Материали по фактура",
        "counterpart_id": counterpart_id,
        "purchase_operation": "1-10-1",
        "tax_base": base,
        "vat_amount": vat,
        "vat_rate": "20",
        "lines": [
            line(accounts["601"], debit=base),
            line(accounts["4531"], debit=vat),
            line(accounts["401"], credit=total, counterpart_id=counterpart_id),
        ],
    }


def create_entry(http, headers, company_id: str, entry: dict, **params):
    return http.post(f"/api/companies/{company_id}/journal-entries", headers=headers, json={"journal_entry": entry, **params})


@contextlib.contextmanager
def number_rows_held(mesh, company_ids: list[str]) -> Iterator[None]:
    """Holds the companies' entry-number rows (FOR UPDATE, in a transaction of its own) until the
    block ends: the ledger's statements of creates for them wait, and the creates that arrive
    meanwhile pile up in the ledger, to go together once the rows are free."""
    locked, release = threading.Event(), threading.Event()

    async def hold() -> None:
        conn = await mesh.database("ledger")
        try:
            async with conn.transaction():
                ids = [uuid.UUID(company_id) for company_id in company_ids]
                await conn.execute("SELECT FROM entry_counters WHERE company_id = ANY($1::uuid[]) FOR UPDATE", ids)
                locked.set()
                await asyncio.get_running_loop().run_in_executor(None, release.wait)
        finally:
            await conn.close()

    holder = threading.Thread(target=asyncio.run, args=(hold(),))
    holder.start()
    try:
        assert locked.wait(10), "could not lock the number rows"
        yield
    finally:
        release.set()
        holder.join()
