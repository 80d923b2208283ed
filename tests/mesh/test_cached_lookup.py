"""Rows kept in memory by `db.CachedLookup` (identity's check of a caller's session) must never
outlive a change: another process's write is forgotten when its notification arrives, this
process's own at its commit, a read that overlapped a change is not kept, and nothing is kept
while the notifications cannot be heard. Real PostgreSQL, real LISTEN/NOTIFY."""

import asyncio
import time
import uuid

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from services.kernel import db


class CountingStatement(db.Statement):
    """How many times the lookup went to the database."""

    reads = 0

    async def fetch(self, conn, **params):
        self.reads += 1
        return await super().fetch(conn, **params)


@pytest.fixture
def table(database_server):
    """A table of (id, v) whose every change notifies its channel with the row's id."""
    name = f"kept_{uuid.uuid4().hex[:8]}"
    url = make_url(database_server)

    async def run(sql: str) -> None:
        conn = await asyncpg.connect(host=url.host or url.query.get("host"), port=url.port, user=url.username, database="postgres")
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(
        run(f"""
        CREATE TABLE {name} (id int PRIMARY KEY, v text);
        INSERT INTO {name} VALUES (1, 'first'), (2, 'second');
        CREATE FUNCTION {name}_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_notify('{name}', OLD.id::text); RETURN NULL; END $$;
        CREATE TRIGGER {name}_changed AFTER UPDATE OR DELETE ON {name} FOR EACH ROW EXECUTE FUNCTION {name}_changed();
    """)
    )
    yield name
    asyncio.run(run(f"DROP TABLE {name}; DROP FUNCTION {name}_changed()"))


class Kept:
    """A CachedLookup on `table` and a second connection, standing for another replica."""

    def __init__(self, server: str, table: str, slow: bool = False):
        url = make_url(server)
        self.engine = db.create_engine(f"postgresql+asyncpg://{url.username}@{url.host or '127.0.0.1'}:{url.port or 5432}/postgres")
        delay = ", pg_sleep(0.3)" if slow else ""
        self.statement = CountingStatement(text(f"SELECT id, v FROM {table}{delay} WHERE id = ANY(CAST(:keys AS int[]))"))
        self.lookup = db.CachedLookup(self.engine, self.statement, key=lambda row: row["id"], channel=table, key_of=int)
        self.table = table
        self.url = url

    async def __aenter__(self):
        await self.value(1)  # starts the feed
        await self.until(lambda: self.lookup.feed.listening)
        self.other = await asyncpg.connect(
            host=self.url.host or "127.0.0.1", port=self.url.port, user=self.url.username, database="postgres"
        )
        return self

    async def __aexit__(self, *_exc):
        await self.other.close()
        await self.engine.dispose()
        db.ENGINES.remove(self.engine)

    async def value(self, key: int) -> str | None:
        rows = await self.lookup.get(key)
        return rows[0]["v"] if rows else None

    @staticmethod
    async def until(condition, seconds: float = 5.0) -> float:
        started = time.perf_counter()
        while not condition():
            assert time.perf_counter() - started < seconds, "did not happen in time"
            await asyncio.sleep(0.005)
        return time.perf_counter() - started


def test_kept_rows_are_read_once_and_forgotten_when_another_process_changes_them(database_server, table):
    async def scenario() -> None:
        async with Kept(database_server, table) as kept:
            assert await kept.value(2) == "second"
            reads = kept.statement.reads
            assert [await kept.value(2) for _ in range(20)] == ["second"] * 20
            assert kept.statement.reads == reads, "kept rows are answered from memory"

            await kept.other.execute(f"UPDATE {table} SET v = 'changed' WHERE id = 2")
            started = time.perf_counter()
            while await kept.value(2) != "changed":
                assert time.perf_counter() - started < 2, "the change was never heard"
                await asyncio.sleep(0.001)
            await kept.other.execute(f"DELETE FROM {table} WHERE id = 2")
            await kept.until(lambda: 2 not in kept.lookup._kept)
            assert await kept.value(2) is None

    asyncio.run(scenario())


async def _core_write(kept: "Kept", sql: str) -> None:
    async with kept.engine.begin() as conn:
        # Triggers off: no notification will come; the commit alone must do it.
        await conn.execute(text("SET LOCAL session_replication_role = replica"))
        await conn.execute(text(sql))


async def _orm_write(kept: "Kept", sql: str) -> None:
    async with db.session_factory(kept.engine).begin() as session:
        await session.execute(text("SET LOCAL session_replication_role = replica"))
        await session.execute(text(sql))


@pytest.mark.parametrize("write", [_core_write, _orm_write], ids=["core", "orm"])
def test_a_write_of_this_process_is_forgotten_as_it_commits(database_server, table, write):
    async def scenario() -> None:
        async with Kept(database_server, table) as kept:
            assert await kept.value(1) == "first"
            await write(kept, f"UPDATE {table} SET v = 'mine' WHERE id = 1")
            assert await kept.value(1) == "mine"

    asyncio.run(scenario())


def test_a_read_under_way_when_a_change_is_heard_is_not_kept(database_server, table):
    """The read's snapshot is older than the change: keeping it would keep the old row for good."""

    async def scenario() -> None:
        async with Kept(database_server, table, slow=True) as kept:
            kept.lookup._kept.clear()
            reading = asyncio.create_task(kept.value(1))
            await asyncio.sleep(0.1)  # the statement has its snapshot
            await kept.other.execute(f"UPDATE {table} SET v = 'during' WHERE id = 1")
            assert await reading == "first"
            assert await kept.value(1) == "during"

    asyncio.run(scenario())


def test_nothing_is_kept_while_the_notifications_cannot_be_heard(database_server, table):
    async def scenario() -> None:
        async with Kept(database_server, table) as kept:
            assert await kept.value(1) == "first"
            listener = await kept.other.fetchval("SELECT pid FROM pg_stat_activity WHERE query = $1", f'LISTEN "{table}"')
            await kept.other.execute("SELECT pg_terminate_backend($1)", listener)
            await kept.until(lambda: not kept.lookup.feed.listening)
            # Changed while nobody listens: its notification is lost for good.
            await kept.other.execute(f"UPDATE {table} SET v = 'unheard' WHERE id = 1")
            reads = kept.statement.reads
            assert [await kept.value(1) for _ in range(3)] == ["unheard"] * 3
            assert kept.statement.reads == reads + 3, "read from the database while not listening"

            await kept.until(lambda: kept.lookup.feed.listening)
            await kept.value(1)
            reads = kept.statement.reads
            assert await kept.value(1) == "unheard"
            assert kept.statement.reads == reads, "kept again once listening"

    asyncio.run(scenario())
