"""Storing checked uploads: objects first, then the rows and events in one transaction.

1. Every file is checked (`Inspector`); one refusal refuses the request: nothing is stored.
2. The objects' keys are recorded as pending and committed, then the files are written to
   storage in parts.
3. One transaction adds the documents, their events (outbox) and clears the pending keys.
If anything fails after step 2 the objects are removed again; if even that fails (storage
gone), the pending keys remain and the sweeper removes those objects later. So a refused,
interrupted or failed upload leaves no document, no event and, in the end, no object.

This module owns its transactions (as an entrypoint does): storage calls happen between them.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import structlog
from sqlalchemy.exc import IntegrityError

from documents.files import repository, service
from documents.files.models import Document
from documents.files.service import Origin, Placed
from documents.safety.errors import RefusedFileError
from documents.safety.names import clean_name
from documents.safety.service import Checked, Inspector, Received
from documents.settings import DocumentsSettings
from documents.storage import repository as pending
from documents.storage.objects import ObjectStore, StorageUnavailableError, new_object_key
from servicekit.clock import Clock
from servicekit.db import Database

log = structlog.get_logger(__name__)

_IDEMPOTENCY_INDEX = "documents_idempotency_idx"


@dataclass(frozen=True)
class Stored:
    documents: list[Document]
    created: bool
    """False when an idempotency key returned the document stored before."""


class Storing:
    """Built in the lifespan; used by the staff API and the resident portal alike."""

    def __init__(
        self,
        *,
        database: Database,
        store: ObjectStore,
        inspector: Inspector,
        settings: DocumentsSettings,
        clock: Clock,
    ) -> None:
        self.database = database
        self.objects = store
        self.inspector = inspector
        self._settings = settings
        self._clock = clock

    def bucket_for(self, kind: str) -> str:
        """Letters (decisions among them) and evidence are kept apart."""
        if kind == "letter":
            return self._settings.letters_bucket
        return self._settings.evidence_bucket

    async def earlier(self, *, case_id: uuid.UUID, idempotency_key: str) -> Document | None:
        async with self.database.transaction() as session:
            return await repository.by_idempotency_key(
                session, case_id=case_id, key=idempotency_key
            )

    async def store(
        self,
        *,
        case_id: uuid.UUID,
        municipality_code: str,
        files: Sequence[Received],
        origin: Origin,
        correlation_id: str,
    ) -> Stored:
        """Check and store every file, or none of them."""
        checked: list[Checked] = []
        for received in files:
            try:
                checked.append(await self.inspector.check(received))
            except RefusedFileError as error:
                error.file_name = clean_name(received.declared_name) or None
                raise
        placed = await self._place(checked, bucket=self.bucket_for(origin.kind))
        try:
            async with self.database.transaction() as session:
                documents = await service.record_documents(
                    session,
                    case_id=case_id,
                    municipality_code=municipality_code,
                    placed=placed,
                    origin=origin,
                    now=self._clock.now(),
                    max_case_bytes=self._settings.max_case_bytes,
                    correlation_id=correlation_id,
                )
        except IntegrityError as error:
            await self._discard(placed)
            if origin.idempotency_key and _IDEMPOTENCY_INDEX in str(error.orig):
                # The same request raced this one and won: answer with its document.
                first = await self.earlier(case_id=case_id, idempotency_key=origin.idempotency_key)
                if first is not None:
                    return Stored([first], created=False)
            raise
        except BaseException:
            await self._discard(placed)
            raise
        for document in documents:
            log.info(
                "documents.document.stored",
                document_id=str(document.id),
                case_id=str(case_id),
                kind=document.kind,
                source=document.source,
                size_bytes=document.size_bytes,
            )
        return Stored(documents, created=True)

    async def _place(self, checked: Sequence[Checked], *, bucket: str) -> list[Placed]:
        """Write the objects (their keys committed as pending first)."""
        placed = [Placed(item, uuid.uuid4(), bucket, new_object_key()) for item in checked]
        async with self.database.transaction() as session:
            for item in placed:
                await pending.add_pending(
                    session, bucket=bucket, key=item.key, at=self._clock.now()
                )
        try:
            for item in placed:
                await self.objects.put_file(
                    bucket=bucket, key=item.key, path=item.checked.path, size=item.checked.size
                )
        except BaseException:
            await self._discard(placed)
            raise
        return placed

    async def _discard(self, placed: Sequence[Placed]) -> None:
        """Remove the objects again; keys whose removal failed stay pending for the sweeper."""
        removed: list[str] = []
        for item in placed:
            with contextlib.suppress(StorageUnavailableError):
                await self.objects.remove(bucket=item.bucket, key=item.key)
                removed.append(item.key)
        if removed:
            try:
                async with self.database.transaction() as session:
                    for key in removed:
                        await pending.forget_pending(session, key=key)
            except Exception:
                # The keys stay pending; the sweeper finds their objects gone and forgets them.
                log.warning("documents.upload.discard_unrecorded", exc_info=True)
        log.info("documents.upload.discarded", objects=len(placed), removed=len(removed))
