"""The VAT stream: a company's VAT-relevant posted entries of one period, for the VAT service.

Ordered by document date, type and number (then id, so the order is total), counterpart
joined. Read in keyset batches, one query each, so memory stays bounded whatever the month
holds, and no connection or transaction is held while the client reads a batch. The next
batch is read while the current one is sent; batches start small (the first entries reach the
client soon) and double up to BATCH (fewer queries and messages for a big month).

A month can hold 100,000 entries, so the rows come straight from asyncpg (a prepared
statement, kept in asyncpg's per-connection cache) with every column already the text the
message carries: NUMERIC(15,2)::text is exact with two decimals, and the rate is written
without trailing zeros ("20", "9.5"), as the rest of the ledger writes percentages.
"""

import asyncio
import uuid
from collections.abc import AsyncIterator

import asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine

from services.kernel.db import reading
from services.ledger.store import VAT_RELEVANT

FIRST_BATCH = 1000
BATCH = 2000  # rows: about 0.7 MB as a message (at most 12 MB, every text at its longest), so the VAT service holds few

# Column names are VatLedgerEntry's field names. The keyset ($3..$6) is the last row's
# (document_date, document_type, document_number, entry_id); the first batch starts after
# -infinity, before any real date. The WHERE holds the partial index's predicate (its columns
# are journal_entries' alone), so the index journal_entries_vat_ledger serves both the filter
# and the order.
SQL = f"""
SELECT e.id::text AS entry_id,
       e.number::text AS entry_number,
       e.document_type,
       e.document_number,
       to_char(e.document_date, 'YYYY-MM-DD') AS document_date,
       coalesce(to_char(e.vat_date, 'YYYY-MM-DD'), '') AS vat_date,
       e.description,
       e.purchase_operation,
       e.sales_operation,
       e.tax_base::text AS tax_base,
       e.vat_amount::text AS vat_amount,
       trim_scale(e.vat_rate)::text AS vat_rate,
       e.currency,
       coalesce(cp.name, '') AS counterpart_name,
       coalesce(cp.city, '') AS counterpart_city,
       coalesce(cp.country, '') AS counterpart_country,
       coalesce(cp.vat_number, '') AS counterpart_vat_number,
       coalesce(cp.eik, '') AS counterpart_eik
FROM journal_entries AS e
LEFT JOIN counterparts AS cp ON cp.id = e.counterpart_id
WHERE e.company_id = $1 AND e.vat_period = $2 AND {VAT_RELEVANT}
  AND (e.document_date, e.document_type, e.document_number, e.id) > (($3::text)::date, $4::text, $5::text, ($6::text)::uuid)
ORDER BY e.document_date, e.document_type, e.document_number, e.id
LIMIT $7
"""
FIRST = ("-infinity", "", "", str(uuid.UUID(int=0)))


class VatStream:
    def __init__(self, engine: AsyncEngine):
        self.engine = engine

    async def batches(self, company_id: str, period: str) -> AsyncIterator[list[asyncpg.Record]]:
        """The period's (YYYYMM) entries in batches of at most BATCH rows, every column text."""
        cid, vat_period = uuid.UUID(company_id), int(period)
        size = FIRST_BATCH
        next_batch = asyncio.ensure_future(self._read(cid, vat_period, FIRST, size))
        try:
            while True:
                rows = await next_batch
                if len(rows) < size:
                    if rows:
                        yield rows
                    return
                last = rows[-1]
                size = min(2 * size, BATCH)
                after = (last["document_date"], last["document_type"], last["document_number"], last["entry_id"])
                next_batch = asyncio.ensure_future(self._read(cid, vat_period, after, size))
                yield rows
        finally:
            next_batch.cancel()  # the client went away: the batch read ahead is not needed

    async def _read(self, cid: uuid.UUID, vat_period: int, after: tuple, size: int) -> list[asyncpg.Record]:
        async with reading(self.engine) as conn:
            return await conn.fetch(SQL, cid, vat_period, *after, size)
