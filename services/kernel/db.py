"""One async SQLAlchemy engine per service (asyncpg), its session factory, and migrations:
each service has its own database and its own Alembic history under services/<name>/migrations."""

import asyncio
import logging
from pathlib import Path

import asyncpg
from alembic import command
from alembic.config import Config
from sqlalchemy import NullPool
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

log = logging.getLogger(__name__)

SERVICES_DIR = Path(__file__).resolve().parents[1]
# Held while migrating, so replicas starting together do not race on one schema.
MIGRATION_LOCK_ID = 0x62617261  # "bara"


def create_engine(url: str, pool_size: int = 20) -> AsyncEngine:
    # No ping before every checkout: it costs a round trip per request. A connection the
    # server dropped fails its statement once, invalidates the pool, and the interceptor
    # answers UNAVAILABLE, which the edge and the clients retry.
    # A fixed pool: overflow connections would be closed on return and reopened under load,
    # each a new PostgreSQL backend. Requests beyond the pool wait for a connection.
    return create_async_engine(url, pool_size=pool_size, max_overflow=0, pool_recycle=1800)


def session_factory(engine: AsyncEngine) -> async_sessionmaker:
    return async_sessionmaker(engine, expire_on_commit=False)


async def ensure_database(url: str) -> None:
    """Creates the service's database on its server if it does not exist yet."""
    parsed = make_url(url)
    conn = await asyncpg.connect(
        host=parsed.host or parsed.query.get("host"),  # a unix socket directory comes as ?host=
        port=parsed.port,
        user=parsed.username,
        password=parsed.password,
        database="postgres",
    )
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", parsed.database):
            try:
                await conn.execute(f'CREATE DATABASE "{parsed.database}"')
                log.info("created database", extra={"database": parsed.database})
            except asyncpg.DuplicateDatabaseError:
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
