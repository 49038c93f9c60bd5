"""The sweeper: removes documents whose retention period passed, the objects of uploads that
never finished, and old rate-limit counts. Durable: everything it acts on is in the database,
so a restart simply continues; row locks (`FOR UPDATE SKIP LOCKED`) let replicas share it.

It acts on `runtime.clock`, so tests move the clock and call `sweep()` instead of waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import structlog

from documents.portal import repository as counters
from documents.retention import repository, service
from documents.settings import DocumentsSettings
from documents.storage import repository as pending
from documents.storage.objects import ObjectStore, StorageUnavailableError
from servicekit.clock import Clock
from servicekit.db import Database
from servicekit.logs import correlation, new_correlation_id

log = structlog.get_logger(__name__)


@dataclass
class SweepResult:
    documents_removed: int = 0
    pending_removed: int = 0
    counters_removed: int = 0


class Sweeper:
    def __init__(
        self, *, database: Database, store: ObjectStore, settings: DocumentsSettings, clock: Clock
    ) -> None:
        self._database = database
        self._store = store
        self._settings = settings
        self._clock = clock

    async def sweep(self) -> SweepResult:
        """One full pass (batch after batch until nothing is due)."""
        result = SweepResult()
        correlation_id = new_correlation_id()
        with correlation(correlation_id):
            while removed := await self._retention_batch(correlation_id):
                result.documents_removed += removed
            while removed := await self._pending_batch():
                result.pending_removed += removed
            async with self._database.transaction() as session:
                result.counters_removed = await counters.purge(
                    session, before=self._clock.now() - timedelta(hours=1)
                )
        if result.documents_removed or result.pending_removed:
            log.info(
                "documents.sweep.done",
                documents_removed=result.documents_removed,
                pending_objects_removed=result.pending_removed,
            )
        return result

    async def _retention_batch(self, correlation_id: str) -> int:
        now = self._clock.now()
        async with self._database.transaction() as session:
            due = await repository.due_documents(
                session,
                now=now,
                default_letter_years=self._settings.retention_letter_years,
                default_evidence_years=self._settings.retention_evidence_years,
                limit=self._settings.sweep_batch_size,
            )
            for document in due:
                # Object first: should the commit fail, the row is swept again, and removing
                # an object that is gone already is no error.
                await self._store.remove(bucket=document.bucket, key=document.object_key)
                await service.remove_document(
                    session, document=document, now=now, correlation_id=correlation_id
                )
                log.info(
                    "documents.document.retention_deleted",
                    document_id=str(document.id),
                    case_id=str(document.case_id),
                    municipality_code=document.municipality_code,
                    kind=document.kind,
                )
        return len(due)

    async def _pending_batch(self) -> int:
        older_than = self._clock.now() - timedelta(
            seconds=self._settings.pending_object_grace_seconds
        )
        async with self._database.transaction() as session:
            stale = await pending.stale_pending(
                session, older_than=older_than, limit=self._settings.sweep_batch_size
            )
            for item in stale:
                await self._store.remove(bucket=item.bucket, key=item.object_key)
                await pending.forget_pending(session, key=item.object_key)
        return len(stale)

    async def run(self) -> None:
        """Sweep every `sweep_seconds` until cancelled; a failed sweep is tried next time."""
        while True:
            try:
                await self.sweep()
            except asyncio.CancelledError:
                raise
            except StorageUnavailableError:
                log.warning("documents.sweep.storage_unavailable")
            except Exception:
                log.exception("documents.sweep.failed")
            await asyncio.sleep(self._settings.sweep_seconds)


@contextlib.asynccontextmanager
async def sweeping(sweeper: Sweeper) -> AsyncIterator[None]:
    task = asyncio.create_task(sweeper.run(), name="documents-sweeper")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
