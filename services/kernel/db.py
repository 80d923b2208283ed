"""One async SQLAlchemy engine per service (asyncpg), its session factory, and migrations:
each service has its own database and its own Alembic history under services/<name>/migrations.

Outages: every error that means "the database cannot be reached right now" (no socket,
connection refused or closed, the server shutting down or starting up, a session it ended, a
full pool) is recognised here once (`outage`) and answered UNAVAILABLE by the interceptor,
never INTERNAL;
`DatabaseWatch` tells the server's health service whether the database answers."""

import asyncio
import contextlib
import contextvars
import logging
import time
from collections.abc import AsyncIterator, Callable, Hashable
from pathlib import Path
from typing import cast

import asyncpg
import sqlalchemy.exc
from alembic import command
from alembic.config import Config
from sqlalchemy import NullPool, event
from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement

from services.kernel import metrics
from services.kernel.errors import Unavailable

log = logging.getLogger(__name__)

SERVICES_DIR = Path(__file__).resolve().parents[1]
# Held while migrating, so replicas starting together do not race on one schema.
MIGRATION_LOCK_ID = 0x62617261  # "bara"


def _server_settings(generic_plans: bool) -> dict[str, str]:
    # Dates a statement turns into text come out as YYYY-MM-DD whatever the server's default.
    settings = {"DateStyle": "ISO"}
    if generic_plans:
        # A prepared statement is planned once per connection, not at every execution. Left to
        # itself PostgreSQL plans `id = ANY($1)` anew each time, since a plan for the values at
        # hand always looks cheaper than one for any array; for a service whose statements
        # are shaped for their indexes (by company, by id) that planning is pure cost.
        settings["plan_cache_mode"] = "force_generic_plan"
    return settings


# Engines created in this process: the server watches their databases (DatabaseWatch).
ENGINES: list[AsyncEngine] = []
POOL_TIMEOUT = 5.0  # seconds a request waits for a free connection before UNAVAILABLE
CONNECT_TIMEOUT = 3.0
_ASYNCPG = PGDialect_asyncpg()


def create_engine(url: str, pool_size: int = 20, *, generic_plans: bool = False) -> AsyncEngine:
    # No ping before every checkout: it costs a round trip per request. A connection the
    # server closed while it sat in the pool is replaced at checkout (`_closed_by_the_server`,
    # no round trip); one the server drops while it is in use fails its statement, and the
    # interceptor answers UNAVAILABLE, which the edge and the clients retry; the watch also
    # empties the pool when the database comes back.
    # A fixed pool: overflow connections would be closed on return and reopened under load,
    # each a new PostgreSQL backend. Requests beyond the pool wait for a connection.
    engine = create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=0,
        pool_recycle=1800,
        pool_timeout=POOL_TIMEOUT,
        connect_args={"timeout": CONNECT_TIMEOUT, "server_settings": _server_settings(generic_plans)},
        hide_parameters=True,  # an error logged with its statement must not show the values (VAT numbers, ...)
    )
    event.listen(engine.sync_engine, "checkout", _closed_by_the_server)
    ENGINES.append(engine)
    metrics.watch_pool(engine)
    return engine


def _closed_by_the_server(dbapi_connection, _record, _proxy) -> None:
    """The pool opens a new connection instead of handing out one whose socket the server
    closed (a restart, an ended session): SQLAlchemy would learn of it only from its own
    failed statement, never from one sent straight to asyncpg (`driver_connection`)."""
    if dbapi_connection.driver_connection.is_closed():
        raise sqlalchemy.exc.DisconnectionError("the server closed this connection")


# asyncpg's errors for a server that is gone, going or not there yet (SQLSTATE class 08 and
# 57P01-57P03: admin/crash shutdown, "the database system is starting up/shutting down").
_OUTAGE_ERRORS = (
    asyncpg.PostgresConnectionError,
    asyncpg.ConnectionDoesNotExistError,
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.TooManyConnectionsError,
    # asyncpg takes the FATAL message a server sends an idle session it ends (a fast shutdown,
    # pg_terminate_backend) for a protocol error: until it sees the socket close, the next
    # statement on that connection fails with "cannot switch to state …; another operation
    # (2) is in progress" (MagicStack/asyncpg#1069). Only a connection left unusable says this.
    asyncpg.InternalClientError,
    OSError,  # no socket file, connection refused or reset
    TimeoutError,  # connecting took longer than CONNECT_TIMEOUT
)


def outage(exc: BaseException) -> Unavailable | None:
    """UNAVAILABLE if `exc` (a SQLAlchemy or asyncpg error, or what they wrap) means the
    database cannot be reached now; None for every other error."""
    if isinstance(exc, sqlalchemy.exc.TimeoutError):
        return Unavailable("the database is busy; retry the request", reason="DATABASE_BUSY")
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 8:
        if isinstance(current, sqlalchemy.exc.DBAPIError) and current.connection_invalidated:
            break
        if isinstance(current, _OUTAGE_ERRORS) or (isinstance(current, asyncpg.InterfaceError) and "closed" in str(current)):
            if current is exc and isinstance(exc, OSError | TimeoutError) and not _raised_by_driver(exc):
                return None  # an OSError of a file or another peer: not a database outage
            break
        context = None if current.__suppress_context__ else current.__context__  # `raise … from None` hides it
        current = getattr(current, "orig", None) or current.__cause__ or context
        seen += 1
    else:
        return None
    DatabaseWatch.suspected = True
    return Unavailable("the database cannot be reached right now; retry the request", reason="DATABASE_UNAVAILABLE")


def _raised_by_driver(exc: BaseException) -> bool:
    """SQLAlchemy's pool lets the driver's connect errors (ConnectionRefusedError, no socket
    file) through unwrapped: tell them apart by where they were raised."""
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if "/sqlalchemy/" in filename or "/asyncpg/" in filename:
            return True
        tb = tb.tb_next
    return False


class DatabaseWatch:
    """Whether this process's databases answer, told to `on_change(ok)`. It costs nothing while
    all is well: only once a request met an outage (`outage` raises the suspicion) does it ask
    each database `SELECT 1` through its pool, once a second, until every one answers again.
    Then the pools are emptied, so that no request meets a connection the old server closed.
    Only a database that cannot be reached counts as down: a probe that found every pooled
    connection busy, or got no answer in time, says nothing (and is asked again)."""

    INTERVAL = 1.0
    suspected = False  # set by outage(); one watch per process

    def __init__(self, engines: list[AsyncEngine], on_change):
        self.engines = engines
        self.on_change = on_change
        self._ok = True

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self.INTERVAL)
            if self._ok and not DatabaseWatch.suspected:
                continue
            DatabaseWatch.suspected = False
            answers = await asyncio.gather(*(self._answers(engine) for engine in self.engines))
            if None in answers and False not in answers:  # loaded, not down: ask again
                DatabaseWatch.suspected = True
                continue
            ok = all(answers)
            if ok != self._ok:
                self._ok = ok
                if ok:
                    for engine in self.engines:
                        await engine.dispose(close=False)
                log.warning("database %s", "reachable again" if ok else "unreachable: reporting NOT_SERVING")
                await self.on_change(ok)

    @staticmethod
    async def _answers(engine: AsyncEngine) -> bool | None:
        """True: it answered; False: it cannot be reached (an outage: refused, closed, shutting
        down); None: no verdict (the pool stayed busy, or the answer was slow)."""
        try:
            async with asyncio.timeout(POOL_TIMEOUT + CONNECT_TIMEOUT):
                async with engine.connect() as conn:
                    await conn.exec_driver_sql("SELECT 1")
            return True
        except sqlalchemy.exc.TimeoutError:  # every pooled connection stayed busy
            return None
        except Exception as exc:  # this probe's own time-out is no outage(); a connect's is
            return False if outage(exc) is not None else None


async def _connect(url, database: str, timeout: float = 60) -> asyncpg.Connection:  # noqa: ASYNC109 (asyncpg's own connect timeout)
    parsed = make_url(url) if isinstance(url, str) else url
    return await asyncpg.connect(
        host=parsed.host or parsed.query.get("host"),  # a unix socket directory comes as ?host=
        port=parsed.port,
        user=parsed.username,
        password=parsed.password,
        database=database,
        timeout=timeout,
    )


def session_factory(engine: AsyncEngine) -> async_sessionmaker:
    return async_sessionmaker(engine, expire_on_commit=False)


@contextlib.asynccontextmanager
async def reading(engine: AsyncEngine) -> AsyncIterator[asyncpg.Connection]:
    """A pooled connection's asyncpg driver, for reads whose statements each stand alone
    (autocommit: no BEGIN before the first and no ROLLBACK on return to the pool) and run as
    `Statement`s. No SQLAlchemy connection around it, so no per-checkout isolation-level switch
    and no reset work: a read costs its one round trip. What must see one snapshot is read in
    one statement. A connection that broke meanwhile is discarded, not handed to the next read."""
    pooled = await engine.raw_connection()
    driver = pooled.driver_connection
    assert driver is not None, "a checked-out connection has a driver connection"
    broken = False
    try:
        yield driver
    except Exception as exc:
        broken = outage(exc) is not None
        raise
    finally:
        if broken or driver.is_closed():
            pooled.invalidate()
        else:
            pooled.close()


class Statement:
    """A SQLAlchemy Core statement compiled once, at import, for asyncpg's $n parameters and run
    on a `reading` connection by name: `await ONE.fetchrow(conn, cid=..., eid=...)`. asyncpg
    prepares it once per connection (its statement cache); SQLAlchemy's per-execution work
    (cache key, execution context, result objects) is skipped. Parameters must be plain values
    asyncpg encodes itself (no SQLAlchemy bind processing, no expanding IN: use = ANY)."""

    def __init__(self, statement: ClauseElement):
        compiled = cast(SQLCompiler, statement.compile(dialect=_ASYNCPG))
        self.sql = str(compiled)
        self._names = tuple(compiled.positiontup or ())
        self._fixed = {name: value for name, value in compiled.params.items() if value is not None}

    def args(self, params: dict) -> list:
        return [params[name] if name in params else self._fixed[name] for name in self._names]

    async def fetch(self, conn: asyncpg.Connection, **params) -> list[asyncpg.Record]:
        return await conn.fetch(self.sql, *self.args(params))

    async def fetchrow(self, conn: asyncpg.Connection, **params) -> asyncpg.Record | None:
        return await conn.fetchrow(self.sql, *self.args(params))


class Lookup:
    """Rows by key, for a read every request makes (identity's check of the caller's session,
    the ledger's entry): the keys requests ask for while a lookup is under way are looked up
    together next, in one statement, so under load requests share a round trip, and a request
    alone waits for nobody (measured: identity's CPU per /api/auth/me about halved). Never
    stale: each request's rows come from a statement that started after the request asked.
    `statement` takes what `arguments` makes of the asked keys (by default the list as
    `keys`); `key` says which key a row belongs to, and a request gets only the rows
    of its own key, in the statement's order."""

    def __init__(
        self,
        engine: AsyncEngine,
        statement: Statement,
        key: Callable[[asyncpg.Record], Hashable],
        arguments: Callable[[list], dict] = lambda keys: {"keys": keys},
    ):
        self.engine = engine
        self.statement = statement
        self.key = key
        self.arguments = arguments
        self._asked: dict[Hashable, list[asyncio.Future]] = {}
        self._task: asyncio.Task | None = None

    async def get(self, key: Hashable) -> list[asyncpg.Record]:
        answer = asyncio.get_running_loop().create_future()
        self._asked.setdefault(key, []).append(answer)
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), context=contextvars.Context())  # no request's logs
        return await answer

    async def _run(self) -> None:
        try:
            while self._asked:
                asked, self._asked = self._asked, {}
                try:
                    async with reading(self.engine) as conn:
                        rows = await self.statement.fetch(conn, **self.arguments(list(asked)))
                except BaseException as exc:
                    for answers in asked.values():
                        for answer in answers:
                            if not answer.done():
                                answer.set_exception(exc)
                    if not isinstance(exc, Exception):
                        raise
                    continue
                found: dict[Hashable, list[asyncpg.Record]] = {}
                for row in rows:
                    found.setdefault(self.key(row), []).append(row)
                for key, answers in asked.items():
                    for answer in answers:
                        if not answer.done():  # its request may have been cancelled meanwhile
                            answer.set_result(found.get(key, []))
        finally:
            self._task = None


class ChangeFeed:
    """PostgreSQL's notifications on one channel (LISTEN), on a connection of its own that is
    reopened when lost. `on_change(payload)` hears each one; while the feed is not listening
    (not yet connected, or the connection lost) `listening` is False and `on_change("*")` is
    called on every loss and every reconnect, since changes made meanwhile were not heard."""

    RECONNECT_SECONDS = 1.0
    HEARTBEAT_SECONDS = 5.0  # a connection that stops answering counts as lost

    def __init__(self, engine: AsyncEngine, channel: str, on_change: Callable[[str], None]):
        self.engine = engine
        self.channel = channel
        self.on_change = on_change
        self.listening = False
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._listen(), context=contextvars.Context())

    async def _listen(self) -> None:
        while True:
            conn: asyncpg.Connection | None = None
            try:
                url = self.engine.url
                conn = await _connect(url, str(url.database), timeout=CONNECT_TIMEOUT)
                await self._hear(conn)
            except Exception as exc:
                if outage(exc) is None:
                    log.exception("listening on %s failed", self.channel)
            finally:
                if self.listening:
                    log.warning("stopped listening on %s: reading the database until it is back", self.channel)
                self.listening = False
                self.on_change("*")
                if conn is not None:
                    conn.terminate()
            await asyncio.sleep(self.RECONNECT_SECONDS)

    async def _hear(self, conn: asyncpg.Connection) -> None:
        """Listens on `conn` until it is lost: closed, or silent for a heartbeat."""
        lost = asyncio.Event()
        conn.add_termination_listener(lambda _conn: lost.set())
        await conn.add_listener(self.channel, lambda _conn, _pid, _channel, payload: self.on_change(payload))
        self.on_change("*")
        self.listening = True
        while not lost.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(lost.wait(), self.HEARTBEAT_SECONDS)
            if not lost.is_set():
                await asyncio.wait_for(conn.fetchval("SELECT 1"), CONNECT_TIMEOUT)


_CACHED = metrics.counter(
    "baraba_db_cached_lookups_total", "Lookups answered from memory (hit) or by the database (miss)", "result", ("hit", "miss")
)
_HITS, _MISSES = _CACHED.labels("hit"), _CACHED.labels("miss")


class CachedLookup(Lookup):
    """A Lookup that keeps the rows it found until PostgreSQL says they changed, for rows
    read on every request and rarely written (identity's sessions and users). The tables'
    triggers notify `channel` with a key, or "*" for anything wider; a write of this process
    forgets everything as it commits, another process's once its notification arrives (tens of
    microseconds after that commit returned, a few milliseconds with the cores busy: README).
    Nothing is kept while the feed is not listening. A read that was under way when a change
    was heard is not kept: it may have seen the rows before it."""

    MAX_KEYS = 10_000
    MAX_AGE = 60.0  # seconds: a bound on the damage of anything a trigger does not cover

    def __init__(
        self,
        engine: AsyncEngine,
        statement: Statement,
        key: Callable[[asyncpg.Record], Hashable],
        channel: str,
        key_of: Callable[[str], Hashable] = str,
    ):
        super().__init__(engine, statement, key)
        self.key_of = key_of
        self._kept: dict[Hashable, tuple[list[asyncpg.Record], float]] = {}
        self._changes = 0  # changes heard so far: a read kept only if none was heard during it
        self.feed = ChangeFeed(engine, channel, self._changed)
        # This process's own writes are forgotten as they commit, not when their notification
        # comes: as the commit is sent (any write through the engine), and once it is done (ORM
        # sessions), so a read that started meanwhile is not kept either.
        event.listen(engine.sync_engine, "commit", lambda _conn: self._changed("*"))
        event.listen(Session, "after_commit", self._committed)

    async def get(self, key: Hashable) -> list[asyncpg.Record]:
        self.feed.start()
        kept = self._kept.get(key) if self.feed.listening else None
        if kept is not None and kept[1] > time.monotonic():
            _HITS.inc()
            return kept[0]
        _MISSES.inc()
        changes = self._changes
        rows = await super().get(key)
        if rows and self.feed.listening and changes == self._changes:
            if len(self._kept) >= self.MAX_KEYS:
                self._kept.clear()
            self._kept[key] = (rows, time.monotonic() + self.MAX_AGE)
        return rows

    def _committed(self, session: Session) -> None:
        if session.bind is self.engine.sync_engine:
            self._changed("*")

    def _changed(self, payload: str) -> None:
        self._changes += 1
        if payload == "*":
            self._kept.clear()
            return
        try:
            self._kept.pop(self.key_of(payload), None)
        except ValueError:
            self._kept.clear()


async def driver_connection(conn: AsyncConnection) -> asyncpg.Connection:
    """The asyncpg connection under a SQLAlchemy one: for arrays as parameters and bulk reads."""
    raw = await conn.get_raw_connection()
    assert raw.driver_connection is not None, "a checked-out connection has a driver connection"
    return raw.driver_connection


async def ensure_database(url: str) -> None:
    """Creates the service's database on its server if it does not exist yet."""
    parsed = make_url(url)
    conn = await _connect(parsed, "postgres")
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", parsed.database):
            try:
                await conn.execute(f'CREATE DATABASE "{parsed.database}"')
                log.info("created database", extra={"database": parsed.database})
            except (asyncpg.DuplicateDatabaseError, asyncpg.UniqueViolationError):
                pass  # another replica was faster
    finally:
        await conn.close()


async def migrate(service: str, url: str) -> None:
    """Brings the service's database to the newest schema (alembic upgrade head)."""
    await ensure_database(url)
    config = Config()
    config.set_main_option("script_location", str(SERVICES_DIR / service / "migrations"))
    config.attributes["url"] = url
    # Alembic is synchronous and env.py runs its own event loop: keep it off ours.
    await asyncio.to_thread(command.upgrade, config, "head")


def run_alembic_env(metadata) -> None:
    """The body of every service's migrations/env.py."""
    from alembic import context

    url = context.config.attributes["url"]

    def run(connection) -> None:
        context.configure(connection=connection, target_metadata=metadata)
        with context.begin_transaction():
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_ID})")
            context.run_migrations()

    async def main() -> None:
        engine = create_async_engine(url, poolclass=NullPool)
        async with engine.connect() as connection:
            await connection.run_sync(run)
            await connection.commit()
        await engine.dispose()

    asyncio.run(main())
