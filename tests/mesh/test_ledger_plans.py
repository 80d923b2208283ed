"""The ledger keeps one generic plan per statement (services/ledger/server.py), so a plan made
for any ids must still read by index: PostgreSQL chose to hash every line of the table for the
entry read, and every request_id ever claimed for a create, while its tables were small and had
no statistics, as in a new database."""

import asyncio
import re

from services.ledger import entries
from tests.support.ledger import accounts_by_code, create_company, create_entry, purchase_invoice


def generic_plan(mesh, sql: str, *args: str) -> str:
    """The plan PostgreSQL keeps for `sql` (EXPLAIN without ANALYZE: a create is not run)."""

    async def explain() -> str:
        conn = await mesh.database("ledger")
        try:
            await conn.execute("SET plan_cache_mode = force_generic_plan")
            await conn.execute(f"PREPARE statement AS {sql}")
            rows = await conn.fetch(f"EXPLAIN EXECUTE statement({', '.join(args)})")
            return "\n".join(row[0] for row in rows)
        finally:
            await conn.close()

    return asyncio.run(explain())


def test_an_entry_and_its_lines_are_read_by_index_under_a_generic_plan(mesh, http, admin):
    company = create_company(http, admin, name="План ООД")
    accounts = accounts_by_code(http, admin, company["id"])
    created = create_entry(http, admin, company["id"], purchase_invoice(accounts))
    assert created.status_code == 200, created.text

    plan = generic_plan(mesh, entries._BY_IDS.sql, f"ARRAY['{created.json()['id']}']::uuid[]")

    assert "Seq Scan on entry_lines" not in plan, plan
    assert "Index Scan using entry_lines_entry_line_key on entry_lines" in plan, plan
    assert "Index Scan using accounts_pkey on accounts" in plan, plan


def test_creates_look_up_accounts_counterparts_and_request_ids_by_key_under_a_generic_plan(mesh):
    """Not by scanning the company's accounts or counterparts (thousands, for some companies),
    nor every request_id claimed in the last day."""
    for sql in (entries.CREATE_ENTRY_SQL, entries.CREATE_ENTRIES_SQL):
        parameters = max(int(n) for n in re.findall(r"\$(\d+)", sql))
        plan = generic_plan(mesh, sql, *["NULL"] * parameters)
        for table in ("accounts", "counterparts", "idempotency_keys"):
            assert f"Seq Scan on {table}" not in plan, plan
        assert "Index Scan using accounts_pkey on accounts" in plan, plan
        assert "Index Scan using counterparts_pkey on counterparts" in plan, plan
        if sql is entries.CREATE_ENTRIES_SQL:  # the single create claims with ON CONFLICT, on the index itself
            assert "idempotency_keys_pkey on idempotency_keys" in plan, plan
