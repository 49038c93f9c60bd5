"""The `migrate` and `serve` commands every service offers (`python -m <service> ...`)."""

from __future__ import annotations

import argparse
import asyncio
import gc
from collections.abc import Callable
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from servicekit.db import create_database_if_missing
from servicekit.logs import configure_logging
from servicekit.migrations import upgrade
from servicekit.runtime import ServiceRuntime
from servicekit.settings import ServiceSettings

GC_THRESHOLD = 50_000
"""Allocations between young-generation collections (Python's default is 700)."""


def migrate(
    settings: ServiceSettings,
    migrations: Path,
    runtime_factory: Callable[[], ServiceRuntime] | None = None,
) -> None:
    """Create the database when missing, migrate it, and declare the service's queues."""
    asyncio.run(create_database_if_missing(settings.database_url))
    upgrade(migrations, settings.database_url)
    if runtime_factory is not None:
        asyncio.run(runtime_factory().declare_topology())


def run(
    *,
    settings: ServiceSettings,
    migrations: Path,
    app_factory: Callable[[], FastAPI],
    default_port: int,
    runtime_factory: Callable[[], ServiceRuntime] | None = None,
    argv: list[str] | None = None,
) -> None:
    parser = argparse.ArgumentParser(prog=f"python -m {settings.service_name}")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="create the database if missing and migrate it")
    serve = commands.add_parser("serve", help="serve the HTTP API and run the consumers")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=default_port)
    arguments = parser.parse_args(argv)
    configure_logging(service=settings.service_name, level=settings.log_level)
    if arguments.command == "migrate":
        migrate(settings, migrations, runtime_factory)
        return
    app = app_factory()
    # Batches allocate many short-lived objects: collect the young generation less often, and
    # keep what start-up loaded (modules, models, compiled schemas) out of every collection.
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, 20, 20)
    uvicorn.run(
        app,
        host=arguments.host,
        port=arguments.port,
        log_config=None,
        access_log=False,
        proxy_headers=False,
    )
