"""Alembic, run per service against that service's own database."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import async_engine_from_config

from servicekit.db import connect_args
from servicekit.tables import MESSAGING_METADATA


def alembic_config(script_location: Path, database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(script_location: Path, database_url: str) -> None:
    """Migrate to the newest revision (sync: call through `asyncio.to_thread` from async code)."""
    command.upgrade(alembic_config(script_location, database_url), "head")


def run_env(metadata: MetaData, *extra: MetaData) -> None:
    """The body of every service's `migrations/env.py`; `extra` adds servicekit's optional
    tables, e.g. `servicekit.tables.TENANT_METADATA` for `servicekit.tenants`."""
    targets = [metadata, MESSAGING_METADATA, *extra]
    if context.is_offline_mode():
        context.configure(
            url=context.config.get_main_option("sqlalchemy.url"),
            target_metadata=targets,
            literal_binds=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        return

    def migrate(connection: Connection) -> None:
        context.configure(connection=connection, target_metadata=targets)
        with context.begin_transaction():
            context.run_migrations()

    async def run() -> None:
        engine = async_engine_from_config(
            context.config.get_section(context.config.config_ini_section, {}),
            prefix="sqlalchemy.",
            poolclass=pool.NullPool,
            connect_args=connect_args(),
        )
        async with engine.connect() as connection:
            await connection.run_sync(migrate)
        await engine.dispose()

    asyncio.run(run())
