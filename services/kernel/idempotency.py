"""Idempotent creates (AIP-155): a create RPC that carries a `request_id` stores its response
under that id in the same transaction as the data it created, so a retry (a lost reply, a
double click) gets the first result back instead of a duplicate.

Each service that uses this adds the table to its own metadata (and migration):

    IDEMPOTENCY_KEYS = idempotency.table(Base.metadata)

and wraps the create in its transaction:

    async with engine.begin() as conn:
        if (first := await idempotency.replay(conn, IDEMPOTENCY_KEYS, key, pb.Company)) is not None:
            return first
        ... create ...
        await idempotency.remember(conn, IDEMPOTENCY_KEYS, key, response)

The key is scoped to the caller and to whatever else decides who may see the answer (the
company), so a request id learnt from someone else replays nothing for another user.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from google.protobuf.message import Message
from sqlalchemy import Column, DateTime, LargeBinary, MetaData, String, Table, delete, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

RETENTION = timedelta(days=1)
M = TypeVar("M", bound=Message)


def table(metadata: MetaData) -> Table:
    return Table(
        "idempotency_keys",
        metadata,
        Column("scope", String(200), primary_key=True),
        Column("method", String(200), primary_key=True),
        Column("request_id", String(64), primary_key=True),
        Column("response", LargeBinary, nullable=False),
        Column("created_at", DateTime(timezone=True), server_default=func.now(), nullable=False, index=True),
    )


@dataclass(frozen=True)
class Key:
    scope: str  # e.g. "<user id>/<company id>"
    method: str  # the RPC, e.g. "CreateJournalEntry"
    request_id: str


async def replay(conn: AsyncConnection, keys: Table, key: Key | None, message_type: type[M]) -> M | None:
    """The stored response for `key`, or None when this is the first request with it.

    Takes a transaction-level lock on the key first, so a concurrent duplicate waits for the
    first request's transaction and then sees its stored response."""
    if key is None:
        return None
    digest = hashlib.sha256(f"{key.scope}|{key.method}|{key.request_id}".encode()).digest()
    await conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": int.from_bytes(digest[:8], "big", signed=True)})
    stored = await conn.scalar(
        select(keys.c.response).where(keys.c.scope == key.scope, keys.c.method == key.method, keys.c.request_id == key.request_id)
    )
    return None if stored is None else message_type.FromString(stored)


async def remember(conn: AsyncConnection, keys: Table, key: Key | None, response: Message) -> None:
    if key is None:
        return
    await conn.execute(
        insert(keys).values(scope=key.scope, method=key.method, request_id=key.request_id, response=response.SerializeToString())
    )


async def purge(conn: AsyncConnection, keys: Table) -> int:
    """Forgets keys older than RETENTION (a retry comes within minutes, not days)."""
    result = await conn.execute(delete(keys).where(keys.c.created_at < func.now() - RETENTION))
    return result.rowcount
