"""One PostgreSQL database per service: engine, sessions, creation when missing."""

from __future__ import annotations

import os
import shlex
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session


def server_settings_from_environment() -> dict[str, str]:
    """The `-c name=value` settings of libpq's PGOPTIONS, which asyncpg itself does not read.

    The test suite sets `PGOPTIONS="-c plan_cache_mode=force_generic_plan"` so a statement that
    only works with a custom plan (e.g. a partial index's condition sent as a parameter) fails
    from its first execution instead of from the sixth, as it would in production.
    """
    words = iter(shlex.split(os.environ.get("PGOPTIONS", "")))
    settings: dict[str, str] = {}
    for word in words:
        if word == "-c":
            pair = next(words, "")
        elif word.startswith("-c"):
            pair = word[2:]
        elif word.startswith("--"):
            name, _, value = word[2:].partition("=")
            pair = f"{name.replace('-', '_')}={value}"
        else:
            continue
        name, _, value = pair.partition("=")
        if name and value:
            settings[name] = value
    return settings


def connect_args() -> dict[str, object]:
    """asyncpg's connect arguments for every engine of a service (its own and migrations')."""
    settings = server_settings_from_environment()
    return {"server_settings": settings} if settings else {}


class Database:
    """Owns the engine and the session factory of one service."""

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.engine: AsyncEngine = create_async_engine(
            url,
            pool_size=pool_size,
            max_overflow=pool_size,
            pool_pre_ping=True,
            connect_args=connect_args(),
        )
        # A Session class of its own, so session events (the outbox wake-up) stay per database.
        self.session_class: type[Session] = type("ServiceSession", (Session,), {})
        self.sessions: async_sessionmaker[AsyncSession] = async_sessionmaker(
            self.engine, expire_on_commit=False, sync_session_class=self.session_class
        )

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session in a transaction: committed when the block ends, rolled back on error."""
        async with self.sessions() as session, session.begin():
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()


async def create_database_if_missing(url: str) -> bool:
    """Create the database named in `url` (connecting to `postgres`); True when created."""
    parsed = make_url(url)
    name = parsed.database
    if not name:
        raise ValueError("the database URL names no database")
    admin = parsed.set(drivername="postgresql", database="postgres")
    connection = await asyncpg.connect(admin.render_as_string(hide_password=False))
    try:
        exists = await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if exists:
            return False
        quoted = '"' + name.replace('"', '""') + '"'
        await connection.execute(f"CREATE DATABASE {quoted}")
        return True
    finally:
        await connection.close()


async def drop_database(url: str) -> None:
    """Drop the database named in `url` (tests only)."""
    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres")
    connection = await asyncpg.connect(admin.render_as_string(hide_password=False))
    try:
        quoted = '"' + (parsed.database or "").replace('"', '""') + '"'
        await connection.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
    finally:
        await connection.close()
