"""Processes imports in `processing`, batch by batch, resumably.

The upload keeps the file in the database and answers at once; this worker (one per service
process) picks the import up, woken by the upload or by its poll. Each batch of rows commits
as one transaction together with the progress (`last_line`), so after a crash or a restart the
import continues after the last committed line: nothing is imported twice, nothing is lost.
A PostgreSQL advisory lock, held on a connection of its own, keeps two replicas off the same
import; it is released by PostgreSQL when a crashed process's connection goes.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import itertools
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import structlog

from intake.imports import reader, repository, service
from intake.imports.rows import RejectedRow, ValidRow, check
from intake.settings import IntakeSettings
from servicekit.db import Database

log = structlog.get_logger(__name__)

GAVE_UP = "de verwerking is herhaaldelijk afgebroken; upload het bestand opnieuw"


def _lock_key(import_id: uuid.UUID) -> int:
    return int.from_bytes(import_id.bytes[:8], "big", signed=True)


def _next_batch(
    records: Iterator[reader.Record], size: int
) -> tuple[list[ValidRow | RejectedRow], reader.ImportFileError | None]:
    """Up to `size` records parsed and validated, and the error that ended the file early.

    Runs in a thread: this is the CPU work.
    """
    batch: list[ValidRow | RejectedRow] = []
    try:
        for record in itertools.islice(records, size):
            batch.append(check(record))
    except reader.ImportFileError as error:
        return batch, error
    return batch, None


class ImportWorker:
    def __init__(self, *, database: Database, settings: IntakeSettings) -> None:
        self._database = database
        self._settings = settings
        self._wakeup = asyncio.Event()

    def wake(self) -> None:
        self._wakeup.set()

    async def run(self) -> None:
        """Process pending imports until cancelled; woken by uploads, polling for the rest."""
        while True:
            self._wakeup.clear()
            try:
                await self.process_pending()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("intake.import.worker_failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._wakeup.wait(), timeout=self._settings.import_poll_seconds
                )

    async def process_pending(self) -> int:
        """Process every import in `processing` that no other worker holds; returns how many."""
        async with self._database.sessions() as session:
            pending = await repository.processing_import_ids(session)
        done = 0
        for import_id in pending:
            done += await self.process(import_id)
        return done

    async def process(self, import_id: uuid.UUID) -> bool:
        """Process (or resume) one import; False when another worker holds it."""
        key = _lock_key(import_id)
        async with self._database.engine.connect() as lock:
            if not await repository.try_lock(lock, key):
                return False
            try:
                await self._process_locked(import_id)
            finally:
                with contextlib.suppress(Exception):
                    await repository.unlock(lock, key)
        return True

    async def _process_locked(self, import_id: uuid.UUID) -> None:
        async with self._database.transaction() as session:
            found = await repository.get_import(session, import_id)
            if found is None or found.status != "processing":
                return
            job = service.Job.of(found)
            attempts = await repository.count_attempt(session, import_id)
        if attempts > self._settings.import_max_attempts:
            await self._finish(job, "failed", GAVE_UP)
            return
        log.info("intake.import.started", import_id=str(import_id), after_line=job.last_line)
        with tempfile.TemporaryDirectory(prefix="intake-import-") as folder:
            path = Path(folder) / f"file.{job.file_type}"
            await self._materialise(import_id, path)
            try:
                await self._process_file(job, path)
            except reader.ImportFileError as error:
                log.warning("intake.import.unreadable", import_id=str(import_id))
                await self._finish(job, "failed", error.message)

    async def _materialise(self, import_id: uuid.UUID, path: Path) -> None:
        """Write the stored file to a local temporary file, one chunk in memory at a time."""
        async with self._database.sessions() as session:
            with path.open("wb") as file:
                for seq in itertools.count():
                    data = await repository.get_chunk(session, import_id=import_id, seq=seq)
                    if data is None:
                        break
                    file.write(data)

    async def _process_file(self, job: service.Job, path: Path) -> None:
        records = reader.records(path, job.file_type, after_line=job.last_line)
        size = self._settings.import_batch_size
        try:
            while True:
                batch, error = await asyncio.to_thread(_next_batch, records, size)
                if batch:
                    async with self._database.transaction() as session:
                        result = await service.record_batch(
                            session, job=job, checked=batch, secret=self._settings.bsn_hash_secret
                        )
                    job = dataclasses.replace(job, last_line=result.last_line)
                if error is not None:
                    raise error
                if len(batch) < size:
                    break
        finally:
            records.close()
        await self._finish(job, "completed")

    async def _finish(self, job: service.Job, status: str, error: str | None = None) -> None:
        async with self._database.transaction() as session:
            await repository.finish(session, import_id=job.id, status=status, error=error)
        log.info("intake.import.finished", import_id=str(job.id), status=status)
