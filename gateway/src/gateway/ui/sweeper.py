"""Removes ended staff sessions and old failed-login records on a schedule, off the login path.

Neither is needed for a decision (an ended session is refused at its next use, failures are
counted within a window): this keeps the tables, and the IP addresses in them, from growing.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

import structlog

from gateway.staff import sessions
from gateway.ui.settings import UiSettings
from servicekit.db import Database

log = structlog.get_logger(__name__)


async def sweep_once(database: Database, settings: UiSettings) -> None:
    async with database.transaction() as session:
        await sessions.sweep(session, settings=settings, now=datetime.now(UTC))


async def _sweep_forever(database: Database, current: Callable[[], UiSettings]) -> None:
    while True:
        settings = current()
        try:
            await sweep_once(database, settings)
        except Exception:
            log.exception("ui.sessions.sweep_failed")
        await asyncio.sleep(settings.sweep_minutes * 60)


@contextlib.asynccontextmanager
async def sweeping(database: Database, current: Callable[[], UiSettings]) -> AsyncIterator[None]:
    """Sweep every `sweep_minutes` (read from `current()` each round) while the block runs."""
    task = asyncio.create_task(_sweep_forever(database, current), name="ui-session-sweeper")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
