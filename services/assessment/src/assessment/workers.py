"""The service's background loops, each durable (its work is rows in the database, so a crash
or a restart loses nothing) and driven by `runtime.clock`: the session starter, the expiry
sweeper and the document uploader. Woken at once when work is added here; polling finds the
rest (work of other replicas, retries that came due, time moved by a test)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

import structlog

from assessment.deps import Parts
from assessment.ockto import service as sessions
from assessment.ockto import uploads
from assessment.peers import DocumentsClient

log = structlog.get_logger(__name__)


class Worker:
    def __init__(
        self, name: str, step: Callable[[], Awaitable[int]], *, poll_seconds: float
    ) -> None:
        self.name = name
        self._step = step
        self._poll = poll_seconds
        self._wakeup = asyncio.Event()

    def wake(self) -> None:
        self._wakeup.set()

    async def run(self) -> None:
        while True:
            self._wakeup.clear()
            try:
                while await self._step():
                    pass
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("assessment.worker.failed", worker=self.name)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), timeout=self._poll)


class Workers:
    def __init__(self, parts: Parts, documents: DocumentsClient) -> None:
        settings, database = parts.settings, parts.runtime.database
        poll = settings.worker_poll_seconds
        self.session_starter = Worker(
            "session-starter",
            lambda: sessions.start_requested(
                database, ockto=parts.ockto, settings=settings, now=parts.now()
            ),
            poll_seconds=poll,
        )
        self.expiry_sweeper = Worker(
            "expiry-sweeper",
            lambda: sessions.expire_due(
                database, now=parts.now(), limit=settings.worker_batch_size
            ),
            poll_seconds=poll,
        )
        self.document_uploader = Worker(
            "document-uploader",
            lambda: uploads.upload_pending(
                database,
                documents=documents,
                keyring=parts.keyring,
                now=parts.now(),
                limit=settings.worker_batch_size,
            ),
            poll_seconds=poll,
        )
        self.all = (self.session_starter, self.expiry_sweeper, self.document_uploader)

    def wake_all(self) -> None:
        for worker in self.all:
            worker.wake()


@contextlib.asynccontextmanager
async def running(workers: Workers) -> AsyncIterator[None]:
    tasks = [asyncio.create_task(w.run(), name=w.name) for w in workers.all]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
