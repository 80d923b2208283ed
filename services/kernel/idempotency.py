"""Idempotent creates (AIP-155), one helper for every service: a create that carries a
`request_id` records, in the same transaction as what it creates, which resource that request
made; a retry (a lost reply, a double click) is answered with that resource instead of making
a second one.

Each service that uses this adds the table to its own metadata (and migration):

    IDEMPOTENCY_KEYS = idempotency.table(Base.metadata)

and makes its create:

    key = idempotency.key(f"{user_id}/{company_id}", "CreateAccount", request_id)  # None without one
    async with engine.begin() as conn:
        if (first := await idempotency.claim(conn, IDEMPOTENCY_KEYS, key, new_id)) is not None:
            return await read(conn, first)  # a repeat: what the first request created
        ... create the resource with the id new_id ...

A create that is one SQL statement claims inside that statement instead (`CLAIM_CTE`), so a
request_id costs no extra round trip and no longer lock (ledger's journal entries).

The claim is an INSERT ... ON CONFLICT DO NOTHING on the key: a concurrent duplicate waits on
the key's unique index until the first transaction ends, then finds what it created (or, if
the first failed and rolled back, claims the key itself). The key is scoped to the caller and
to whatever else decides who may see the answer (the company), so a request id learnt from
someone else replays nothing for another user.
"""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Column, DateTime, MetaData, String, Table, Uuid, delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

RETENTION = timedelta(days=1)
REQUEST_ID_LENGTH = 64


def table(metadata: MetaData) -> Table:
    return Table(
        "idempotency_keys",
        metadata,
        Column("scope", String(200), primary_key=True),
        Column("method", String(200), primary_key=True),
        Column("request_id", String(REQUEST_ID_LENGTH), primary_key=True),
        Column("resource_id", Uuid, nullable=False),
        Column("created_at", DateTime(timezone=True), server_default=func.now(), nullable=False, index=True),
    )


@dataclass(frozen=True)
class Key:
    scope: str  # e.g. "<user id>/<company id>"
    method: str  # the RPC, e.g. "CreateJournalEntry"
    request_id: str


def key(scope: str, method: str, request_id: str) -> Key | None:
    """The key of a create, None when the client sent no request_id. A request id longer than
    the column is kept as its SHA-256 (the contracts allow up to 100 characters)."""
    if not request_id:
        return None
    if len(request_id) > REQUEST_ID_LENGTH:
        request_id = hashlib.sha256(request_id.encode()).hexdigest()
    return Key(scope, method, request_id)


async def claim(conn: AsyncConnection, keys: Table, key: Key | None, resource_id: uuid.UUID) -> uuid.UUID | None:
    """None when this request is the first with `key` (or has none): go on and create
    `resource_id`, which the key now names. Otherwise the id the first request created: answer
    with that resource and create nothing."""
    if key is None:
        return None
    claimed = await conn.scalar(
        insert(keys)
        .values(scope=key.scope, method=key.method, request_id=key.request_id, resource_id=resource_id)
        .on_conflict_do_nothing()
        .returning(keys.c.resource_id)
    )
    if claimed is not None:
        return None
    return await claimed_by(conn, keys, key)


async def claimed_by(conn: AsyncConnection, keys: Table, key: Key) -> uuid.UUID:
    """The resource the first request with `key` created (after a claim lost to it: the key
    is committed, and kept for RETENTION)."""
    found = await conn.scalar(
        select(keys.c.resource_id).where(keys.c.scope == key.scope, keys.c.method == key.method, keys.c.request_id == key.request_id)
    )
    assert found is not None, "a claim is lost only to a committed key"
    return found


def claim_cte(scope: str, method: str, request_id: str, resource_id: str, when: str = "true") -> str:
    """The claim as a CTE for a create that is one statement: the arguments are the SQL
    parameters ($n) holding the key's parts (request_id NULL: no key) and the new id, `when`
    an SQL condition (the create's own checks passed). The statement creates only if
    `claimed` has a row or request_id is NULL; with no row for a non-NULL request_id, the key
    was already taken: read `claimed_by`."""
    return f"""claimed AS (
    INSERT INTO idempotency_keys (scope, method, request_id, resource_id)
    SELECT {scope}::text, {method}::text, {request_id}::text, {resource_id} WHERE {request_id}::text IS NOT NULL AND ({when})
    ON CONFLICT DO NOTHING RETURNING resource_id
)"""


async def purge(conn: AsyncConnection, keys: Table) -> int:
    """Forgets keys older than RETENTION (a retry comes within minutes, not days)."""
    result = await conn.execute(delete(keys).where(keys.c.created_at < func.now() - RETENTION))
    return result.rowcount
