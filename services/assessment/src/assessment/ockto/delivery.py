"""Receiving Ockto's signed delivery: all of it, or nothing.

The signature and the body are checked first; then, in one transaction with the session
locked (so the same delivery twice at once has one effect), the session's state, the persons
against the case's household, and the source documents (fetched once, checksums checked)
before anything is written: the package sealed, the documents kept for the documents service,
the session delivered, the advice recomputed, the events in the outbox. A refusal rolls all of
that back and is recorded in a transaction of its own, with its reason and no personal data.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.advice import service as advice
from assessment.casefile import repository as cases
from assessment.casefile import service as casefile
from assessment.casefile.models import KnownCase
from assessment.crypto import Keyring
from assessment.ockto import repository, signature, store, validation
from assessment.ockto.client import DocumentTooLargeError, OcktoClient, OcktoUnavailableError
from assessment.ockto.models import DataSession, Delivery, RefusedDelivery, SourceDocument
from assessment.ockto.validation import Refused
from assessment.settings import AssessmentSettings
from contracts.assessment import DataDelivered
from contracts.ockto import OcktoDelivery
from servicekit.db import Database
from servicekit.outbox import add_event

log = structlog.get_logger(__name__)
RECORDED_BY = "ockto"


@dataclass(frozen=True)
class Accepted:
    delivery_id: uuid.UUID
    duplicate: bool
    documents: int = 0
    """Source documents kept for the documents service (its uploader has work only then)."""


@dataclass(frozen=True)
class Incoming:
    body: bytes
    size: int
    """The full size as sent (the body may be cut off at the limit)."""
    signature: str | None
    content_type: str | None
    correlation_id: str


def _persons_match(delivery: OcktoDelivery, case: KnownCase) -> bool:
    household = casefile.household_of(case)
    if household is None:
        return False
    on_case = {"applicant": household.applicant, "partner": household.partner}
    for person in delivery.persons:
        adult = on_case[person.role]
        if adult is None or adult.bsn != person.bsn or adult.date_of_birth != person.date_of_birth:
            return False
    return True


async def _persons_refusal(
    session: AsyncSession, delivery: OcktoDelivery, case: KnownCase
) -> Refused:
    applicant = next(p for p in delivery.persons if p.role == "applicant")
    elsewhere = await cases.other_cases_of_applicant(
        session, bsn=applicant.bsn, not_municipality=case.municipality_code
    )
    ids = {"delivery_id": str(delivery.delivery_id), "session_id": delivery.session_id}
    if elsewhere:
        return Refused(
            "session_of_other_municipality",
            "the session belongs to a case of another municipality than the persons' case",
            422,
            **ids,
        )
    return Refused(
        "persons_mismatch", "persons: do not match the household of the session's case", 422, **ids
    )


def _session_state_refusal(
    row: DataSession, delivery: OcktoDelivery, now: datetime
) -> Refused | None:
    ids = {"delivery_id": str(delivery.delivery_id), "session_id": delivery.session_id}
    if row.state == "delivered":
        return Refused(
            "session_completed", "the session has already delivered its data", 409, **ids
        )
    if row.state == "expired" or (row.expires_at is not None and row.expires_at <= now):
        return Refused("session_expired", "the session has expired", 409, **ids)
    if row.state == "cancelled":
        return Refused(
            "session_cancelled", "the session was cancelled (case closed or re-invited)", 409, **ids
        )
    if row.state != "invited":
        return Refused("unknown_session", "no such data session", 404, **ids)
    return None


async def _fetch_documents(
    delivery: OcktoDelivery, *, ockto: OcktoClient, limit: int
) -> list[tuple[int, bytes, str]]:
    fetched: list[tuple[int, bytes, str]] = []
    ids = {"delivery_id": str(delivery.delivery_id), "session_id": delivery.session_id}
    for index, document in enumerate(delivery.documents):
        try:
            content, content_type = await ockto.fetch_document(document.url, limit=limit)
        except DocumentTooLargeError:
            raise Refused(
                "document_too_large", f"documents.{index}: larger than {limit} bytes", 422, **ids
            ) from None
        except (OcktoUnavailableError, OSError) as error:
            raise Refused(
                "document_unavailable",
                f"documents.{index}: could not be fetched ({error})",
                422,
                **ids,
            ) from None
        if hashlib.sha256(content).hexdigest() != document.sha256:
            raise Refused(
                "document_checksum_mismatch",
                f"documents.{index}: the SHA-256 does not match",
                422,
                **ids,
            )
        fetched.append((index, content, content_type.split(";", 1)[0].strip()))
    return fetched


def package_document(delivery: OcktoDelivery) -> dict[str, Any]:
    """The package's plain form: the delivery's data, as received."""
    document = delivery.model_dump(mode="json", exclude={"documents"})
    document["persons_covered"] = [p.role for p in delivery.persons]
    document["documents"] = [{"kind": d.kind, "sha256": d.sha256} for d in delivery.documents]
    return document


async def _apply(
    session: AsyncSession,
    incoming: Incoming,
    delivery: OcktoDelivery,
    sha256: str,
    *,
    keyring: Keyring,
    ockto: OcktoClient,
    settings: AssessmentSettings,
    now: datetime,
) -> Accepted:
    ids = {"delivery_id": str(delivery.delivery_id), "session_id": delivery.session_id}
    row = await repository.lock_by_ockto_id(session, delivery.session_id)
    if row is None:
        raise Refused("unknown_session", "no such data session", 404, **ids)
    known = await repository.get_delivery(session, delivery.delivery_id)
    if known is not None:
        if known.body_sha256 == sha256:
            return Accepted(delivery.delivery_id, duplicate=True)
        raise Refused(
            "replay_conflict",
            "this delivery_id was delivered before with a different body",
            409,
            **ids,
        )
    refusal = _session_state_refusal(row, delivery, now)
    if refusal is not None:
        raise refusal
    case = await cases.lock(session, row.case_id)
    if case is None or case.municipality_code != row.municipality_code:
        raise Refused(
            "session_of_other_municipality",
            "the session's case is not of its municipality",
            422,
            **ids,
        )
    if not _persons_match(delivery, case):
        raise await _persons_refusal(session, delivery, case)
    fetched = await _fetch_documents(delivery, ockto=ockto, limit=settings.ockto_document_max_bytes)
    package = store.seal(
        keyring,
        package_id=uuid.uuid4(),
        case_id=case.case_id,
        origin="ockto",
        document=package_document(delivery),
        recorded_by=RECORDED_BY,
        recorded_at=now,
        session_id=row.id,
        delivery_id=delivery.delivery_id,
    )
    documents = []
    for index, content, content_type in fetched:
        document_id = uuid.uuid4()
        sealed = keyring.seal(content, associated=f"document:{document_id}:{case.case_id}".encode())
        documents.append(
            SourceDocument(
                id=document_id,
                case_id=case.case_id,
                package_id=package.id,
                kind=delivery.documents[index].kind,
                sha256=delivery.documents[index].sha256,
                content_type=content_type or "application/octet-stream",
                size_bytes=len(content),
                state="pending",
                key_id=sealed.key_id,
                nonce=sealed.nonce,
                ciphertext=sealed.ciphertext,
                attempts=0,
                next_attempt_at=now,
                details={"index": index},
            )
        )
    await repository.add(
        session,
        package,
        Delivery(
            delivery_id=delivery.delivery_id,
            session_id=row.id,
            case_id=case.case_id,
            body_sha256=sha256,
            package_id=package.id,
            received_at=now,
        ),
        *documents,
    )
    row.state, row.delivered_at, row.delivery_id, row.ended_at = (
        "delivered",
        now,
        delivery.delivery_id,
        now,
    )
    event = await add_event(
        session,
        DataDelivered(
            case_id=case.case_id,
            municipality_code=case.municipality_code,
            source="ockto",
            session_id=delivery.session_id,
            delivery_id=delivery.delivery_id,
            recorded_by=RECORDED_BY,
            delivered_at=now,
        ),
        correlation_id=incoming.correlation_id,
    )
    await advice.recompute(
        session,
        case=case,
        keyring=keyring,
        trigger="data_delivered",
        requested_by=RECORDED_BY,
        at=now,
        correlation_id=incoming.correlation_id,
        causation_id=event.event_id,
    )
    return Accepted(delivery.delivery_id, duplicate=False, documents=len(documents))


async def receive(
    database: Database,
    incoming: Incoming,
    *,
    keyring: Keyring,
    ockto: OcktoClient,
    settings: AssessmentSettings,
    now: datetime,
) -> Accepted | Refused:
    """Accept the delivery (or recognise its replay), or refuse it and record why."""
    sha256 = hashlib.sha256(incoming.body).hexdigest()
    try:
        if incoming.size > settings.ockto_max_body_bytes:
            raise Refused(
                "body_too_large",
                f"the body is larger than {settings.ockto_max_body_bytes} bytes",
                413,
            )
        try:
            signature.verify(
                incoming.body, incoming.signature, secret=settings.ockto_webhook_secret, now=now
            )
        except signature.SignatureError as error:
            raise Refused(error.code, error.reason, 401) from None
        delivery = validation.parse(incoming.body, content_type=incoming.content_type)
        validation.check(delivery, now=now)
        async with database.transaction() as session:
            return await _apply(
                session,
                incoming,
                delivery,
                sha256,
                keyring=keyring,
                ockto=ockto,
                settings=settings,
                now=now,
            )
    except Refused as refusal:
        await _record(database, incoming, refusal, sha256, now=now)
        return refusal


async def _record(
    database: Database, incoming: Incoming, refusal: Refused, sha256: str, *, now: datetime
) -> None:
    async with database.transaction() as session:
        row = (
            await repository.lock_by_ockto_id(session, refusal.session_id)
            if refusal.session_id
            else None
        )
        await repository.record_refusal(
            session,
            RefusedDelivery(
                received_at=now,
                reason_code=refusal.code,
                reason=refusal.reason[:2000],
                http_status=refusal.status,
                delivery_id=refusal.delivery_id,
                session_id=refusal.session_id,
                case_id=row.case_id if row else None,
                municipality_code=row.municipality_code if row else None,
                body_sha256=sha256,
                body_bytes=incoming.size,
                signature_present=bool(incoming.signature),
            ),
        )
    log.warning("assessment.delivery.refused", reason_code=refusal.code, status=refusal.status)
