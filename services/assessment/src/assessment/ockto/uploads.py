"""Source documents to the documents service: each sealed here until stored there, retried
with a growing pause (the documents service may be down, or not know the case yet)."""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog

from assessment.crypto import Keyring, Sealed
from assessment.ockto import repository
from assessment.peers import DocumentsClient, DocumentsUnavailableError
from servicekit.db import Database

log = structlog.get_logger(__name__)
DOCUMENT_KINDS = {
    "income_statement": "income_statement",
    "tax_assessment": "tax_assessment",
    "uwv_policy_record": "income_statement",
    "bank_statement": "bank_statement",
    "other": "other",
}
"""Ockto's document kinds as the documents service's `DocumentKind`."""


async def upload_pending(
    database: Database, *, documents: DocumentsClient, keyring: Keyring, now: datetime, limit: int
) -> int:
    """One round: store due documents; returns how many were stored."""
    stored = 0
    async with database.transaction() as session:
        for row in await repository.pending_documents(session, now=now, limit=limit):
            if row.key_id is None or row.nonce is None or row.ciphertext is None:
                row.state = "failed"
                continue
            content = keyring.open(
                Sealed(row.key_id, row.nonce, row.ciphertext),
                associated=f"document:{row.id}:{row.case_id}".encode(),
            )
            try:
                result = await documents.store(
                    case_id=row.case_id,
                    content=content,
                    file_name=f"ockto-{row.kind}-{row.sha256[:12]}.pdf"
                    if row.content_type == "application/pdf"
                    else f"ockto-{row.kind}-{row.sha256[:12]}",
                    content_type=row.content_type,
                    kind=DOCUMENT_KINDS.get(row.kind, "other"),
                    purpose="ockto_source_document",
                    idempotency_key=row.sha256,
                )
            except DocumentsUnavailableError as error:
                row.attempts += 1
                row.last_error = str(error)
                row.next_attempt_at = now + timedelta(seconds=min(5 * 2**row.attempts, 3600))
                continue
            row.state, row.document_id = "stored", result.id
            row.key_id = row.nonce = row.ciphertext = None
            stored += 1
    if stored:
        log.info("assessment.documents.stored", count=stored)
    return stored
