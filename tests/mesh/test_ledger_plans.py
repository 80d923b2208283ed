"""The ledger's reads keep one generic plan per statement (services/ledger/server.py), so a plan
made for any ids must still read by index: PostgreSQL chose to hash every line of the table
for the entry read while its tables were small and had no statistics, as in a new database."""

import asyncio

from services.ledger import entries
from tests.support.ledger import accounts_by_code, create_company, create_entry, purchase_invoice


def generic_plan(mesh, statement, *args: str) -> str:
    async def explain() -> str:
        conn = await mesh.database("ledger")
        try:
            await conn.execute("SET plan_cache_mode = force_generic_plan")
            await conn.execute(f"PREPARE read_entries AS {statement.sql}")
            rows = await conn.fetch(f"EXPLAIN EXECUTE read_entries({', '.join(args)})")
            return "\n".join(row[0] for row in rows)
        finally:
            await conn.close()

    return asyncio.run(explain())


def test_an_entry_and_its_lines_are_read_by_index_under_a_generic_plan(mesh, http, admin):
    company = create_company(http, admin, name="План ООД")
    accounts = accounts_by_code(http, admin, company["id"])
    created = create_entry(http, admin, company["id"], purchase_invoice(accounts))
    assert created.status_code == 200, created.text

    plan = generic_plan(mesh, entries._BY_IDS, f"ARRAY['{created.json()['id']}']::uuid[]")

    assert "Seq Scan on entry_lines" not in plan, plan
    assert "Index Scan using entry_lines_entry_line_key on entry_lines" in plan, plan
    assert "Index Scan using accounts_pkey on accounts" in plan, plan
