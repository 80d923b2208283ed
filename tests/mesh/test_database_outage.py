"""The moment PostgreSQL goes away, as the services' pooled connections meet it: every error a
request can get then must be recognised as the database being unavailable (UNAVAILABLE, 503),
never an unexpected error (INTERNAL, 500). Real PostgreSQL and asyncpg; the timing the drills
meet only now and then is made certain by a proxy that holds back a closed socket's end."""

import asyncio
import contextlib

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from services.kernel import db
from services.kernel.settings import database_on
from services.mesh.launcher import free_port


class HoldingProxy:
    """A TCP proxy to the PostgreSQL server that forwards everything but, when the server
    closes a connection, keeps the client's side open until `release()`: the client has read
    the server's last message and not yet seen the socket close."""

    def __init__(self, server: str):
        url = make_url(server)
        host = url.host or url.query.get("host") or "127.0.0.1"
        self.target = (str(host), url.port or 5432)
        self.server_closed = asyncio.Event()
        self._released = asyncio.Event()
        self._tasks: set[asyncio.Task] = set()

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self._server.sockets[0].getsockname()[1]

    async def _open_upstream(self):
        host, port = self.target
        if host.startswith("/"):  # a unix socket directory
            return await asyncio.open_unix_connection(f"{host}/.s.PGSQL.{port}")
        return await asyncio.open_connection(host, port)

    async def _serve(self, client_reader, client_writer) -> None:
        server_reader, server_writer = await self._open_upstream()

        async def pump(reader, writer, from_server: bool) -> None:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
            if from_server:
                self.server_closed.set()
                await self._released.wait()
            writer.close()

        tasks = [
            asyncio.create_task(pump(client_reader, server_writer, False)),
            asyncio.create_task(pump(server_reader, client_writer, True)),
        ]
        self._tasks.update(tasks)
        with contextlib.suppress(Exception):
            await asyncio.gather(*tasks)

    def release(self) -> None:
        self._released.set()

    async def close(self) -> None:
        self.release()
        self._server.close()
        for task in self._tasks:
            task.cancel()


async def _pooled_connection_ended_while_idle(server: str, use) -> BaseException:
    """Runs `use(engine)` on a pool whose one connection the server ended while it sat idle
    (what a fast shutdown does to every idle session: FATAL 57P01, then the socket closes),
    before the client saw the socket close; returns what it raised."""
    proxy = HoldingProxy(server)
    port = await proxy.start()
    url = make_url(server)
    engine = db.create_engine(f"postgresql+asyncpg://{url.username}@127.0.0.1:{port}/postgres", pool_size=1)
    admin = await asyncpg.connect(host=proxy.target[0], port=proxy.target[1], user=url.username, database="postgres")
    try:
        async with engine.connect() as conn:
            pid = await conn.exec_driver_sql("SELECT pg_backend_pid()")
            backend = pid.scalar()
        await admin.execute("SELECT pg_terminate_backend($1)", backend)
        await asyncio.wait_for(proxy.server_closed.wait(), 10)
        await asyncio.sleep(0.1)  # the FATAL message reaches asyncpg; the close is held back
        with pytest.raises(Exception, match=r"another operation \(2\) is in progress") as raised:
            await use(engine)
        return raised.value
    finally:
        proxy.release()
        await admin.close()
        await engine.dispose()
        await proxy.close()
        db.ENGINES.remove(engine)


async def _through_the_driver(engine) -> None:
    # As the ledger's create does: the asyncpg connection under the pooled one.
    async with engine.connect() as conn:
        driver = await db.driver_connection(conn)
        await driver.fetchrow("SELECT 1")


async def _through_sqlalchemy(engine) -> None:
    async with engine.connect() as conn:
        await conn.exec_driver_sql("SELECT 1")


async def _through_a_read(engine) -> None:
    async with db.reading(engine) as conn:
        await conn.fetchrow("SELECT 1")


async def _through_a_lookup(engine) -> None:
    await db.Lookup(engine, db.Statement(text("SELECT k FROM unnest(CAST(:keys AS int[])) AS k")), key=lambda row: row[0]).get(1)


@pytest.mark.parametrize(
    "use", [_through_the_driver, _through_sqlalchemy, _through_a_read, _through_a_lookup], ids=["asyncpg", "sqlalchemy", "read", "lookup"]
)
def test_a_pooled_connection_the_server_ended_while_idle_is_an_outage(database_server, use):
    """asyncpg takes the FATAL message on an idle connection for a protocol error, and the
    next statement fails with InternalClientError ("cannot switch to state 12; another
    operation (2) is in progress"), not a connection error: the drill's one 500."""
    error = asyncio.run(_pooled_connection_ended_while_idle(database_server, use))
    unavailable = db.outage(error)
    assert unavailable is not None, repr(error)
    assert unavailable.reason == "DATABASE_UNAVAILABLE"


async def _watch(engine, while_watching, seconds: float = 1.5) -> list[bool]:
    """What a DatabaseWatch that suspects an outage tells its server about `engine` while
    `while_watching` holds: the changes of health it reports."""
    changes: list[bool] = []

    async def on_change(ok: bool) -> None:
        changes.append(ok)

    watch = db.DatabaseWatch([engine], on_change)
    watch.INTERVAL = 0.1
    async with while_watching():
        db.DatabaseWatch.suspected = True
        watching = asyncio.create_task(watch.run())
        await asyncio.sleep(seconds)
    watching.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await watching
    db.DatabaseWatch.suspected = False
    await engine.dispose()
    return changes


def test_the_watch_takes_a_busy_pool_for_a_loaded_database_not_a_down_one(database_server):
    """Under heavy load every pooled connection may be in use for longer than the pool's
    time-out: the probe then learns nothing. Reporting NOT_SERVING and emptying the pool
    would take a working replica out and make every request reconnect."""

    async def run() -> list[bool]:
        url = database_on(database_server, "postgres")
        engine = create_async_engine(url, pool_size=1, max_overflow=0, pool_timeout=0.3)

        @contextlib.asynccontextmanager
        async def pool_busy():
            async with engine.connect() as held:
                await held.exec_driver_sql("SELECT 1")
                yield

        return await _watch(engine, pool_busy)

    assert asyncio.run(run()) == []


def test_the_watch_reports_a_database_it_cannot_reach(database_server):
    async def run() -> list[bool]:
        url = make_url(database_on(database_server, "postgres")).set(host="127.0.0.1", port=free_port(), query={})
        engine = create_async_engine(url, pool_size=1, max_overflow=0, pool_timeout=0.3)
        return await _watch(engine, contextlib.nullcontext)

    assert asyncio.run(run())[:1] == [False]


@pytest.mark.parametrize("use", [_through_the_driver, _through_sqlalchemy], ids=["asyncpg", "sqlalchemy"])
def test_a_pooled_connection_the_server_closed_is_replaced_not_handed_out(database_server, use):
    """A session the server ended while its connection sat in the pool (a restart, an
    administrator, an idle time-out) costs no request: the pool opens a new connection instead,
    also for statements sent straight to asyncpg, which SQLAlchemy never sees fail."""

    async def run() -> None:
        url = make_url(database_server)
        engine = db.create_engine(database_on(database_server, "postgres"), pool_size=1)
        host = url.host or url.query.get("host")
        admin = await asyncpg.connect(host=str(host), port=url.port, user=url.username, database="postgres")
        try:
            async with engine.connect() as conn:
                backend = (await conn.exec_driver_sql("SELECT pg_backend_pid()")).scalar()
            assert await admin.fetchval("SELECT pg_terminate_backend($1, 5000)", backend)  # waits until it has ended
            await asyncio.sleep(0.2)  # the client has seen the socket close
            await use(engine)
        finally:
            await admin.close()
            await engine.dispose()
            db.ENGINES.remove(engine)

    asyncio.run(run())
