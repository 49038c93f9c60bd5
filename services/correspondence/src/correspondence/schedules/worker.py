"""The poller every replica runs: due schedules, due retries, letters still to archive."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

import structlog

from correspondence.letters import repository as letters
from correspondence.peers import Documents
from correspondence.schedules import service
from correspondence.sending.worker import archive
from servicekit.clock import Clock
from servicekit.db import Database

log = structlog.get_logger(__name__)


class SchedulePoller:
    def __init__(
        self,
        *,
        database: Database,
        clock: Clock,
        documents: Documents,
        poll_seconds: float,
        reminder_after: timedelta,
    ) -> None:
        self._reminder_after = reminder_after
        self._database = database
        self._clock = clock
        self._documents = documents
        self._poll_seconds = poll_seconds
        self._wakeup = asyncio.Event()

    def wake(self) -> None:
        self._wakeup.set()

    async def tick(self) -> int:
        """One round: returns how many schedules and retries it handled."""
        now = self._clock.now()
        async with self._database.transaction() as session:
            fired = await service.fire_due(session, now=now, reminder_after=self._reminder_after)
        async with self._database.transaction() as session:
            retried = await service.requeue_due_retries(session, now=now)
        if self._documents.configured:
            async with self._database.transaction() as session:
                pending = await letters.unarchived(session, limit=50)
            await archive(self._database, self._documents, pending)
        return fired + retried

    async def run(self) -> None:
        while True:
            self._wakeup.clear()
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("correspondence.schedules.tick_failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), timeout=self._poll_seconds)
