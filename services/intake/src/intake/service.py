"""The intake rules: accept a valid application once, keep corrections, quarantine the rest."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.gezondverzekerd import ApplicationSubmitted
from contracts.household import Household
from contracts.intake import ApplicationCorrected, ApplicationReceived
from intake import repository
from intake.validation import Rejection, check_rules, parse_body
from servicekit.outbox import add_event

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Accepted:
    application_number: str
    revision: int

    @property
    def outcome(self) -> str:
        return "accepted" if self.revision == 1 else "corrected"


@dataclass(frozen=True)
class Duplicate:
    application_number: str
    outcome: str = "duplicate"


@dataclass(frozen=True)
class Quarantined:
    quarantine_id: uuid.UUID
    reason_code: str
    reason: str
    outcome: str = "quarantined"


Outcome = Accepted | Duplicate | Quarantined


class QuarantineConflictError(Exception):
    """The quarantined message was already re-processed or discarded."""


async def evaluate(session: AsyncSession, body: bytes) -> ApplicationSubmitted | Rejection:
    """Parse and check a body against the contract and the domain rules."""
    parsed = parse_body(body)
    if isinstance(parsed, Rejection):
        return parsed
    rejection = check_rules(parsed)
    if rejection is not None:
        return rejection
    code = parsed.application.municipality_code
    if not await repository.is_customer(session, code):
        return Rejection(
            "unknown_municipality",
            f"municipality {code} is not a customer of this backoffice",
            code,
        )
    return parsed


async def receive(
    session: AsyncSession,
    *,
    body: bytes,
    channel: str,
    message_id: str | None,
    correlation_id: str,
) -> Outcome:
    """Handle one message from the website (AMQP or HTTP); never loses it."""
    result = await evaluate(session, body)
    if isinstance(result, Rejection):
        quarantine_id = await repository.add_quarantined(
            session,
            channel=channel,
            message_id=message_id,
            body=body,
            body_sha256=hashlib.sha256(body).hexdigest(),
            municipality_code=result.municipality_code,
            reason_code=result.code,
            reason=result.reason,
        )
        log.info("intake.message.quarantined", reason_code=result.code, channel=channel)
        return Quarantined(quarantine_id, result.code, result.reason)
    return await accept(session, result, channel=channel, correlation_id=correlation_id)


async def accept(
    session: AsyncSession, message: ApplicationSubmitted, *, channel: str, correlation_id: str
) -> Accepted | Duplicate:
    """Store a valid message as the next revision of its application and announce it."""
    submitted = message.application
    if await repository.revision_exists(session, message.event_id):
        log.info("intake.application.duplicate")
        return Duplicate(submitted.application_number)
    # The upsert locks the application's row, so concurrent revisions are numbered in turn; a
    # duplicate racing past the check above fails on the unique event id and is retried.
    application_id, revision = await repository.next_revision(
        session,
        application_number=submitted.application_number,
        municipality_code=submitted.municipality_code,
    )
    await repository.add_revision(
        session,
        application_id=application_id,
        revision=revision,
        source_event_id=message.event_id,
        channel=channel,
        body=message.model_dump(mode="json"),
    )
    declared = submitted.declared_monthly_net_income
    fields = {
        "application_id": application_id,
        "application_number": submitted.application_number,
        "revision": revision,
        "source_event_id": message.event_id,
        "municipality_code": submitted.municipality_code,
        "submitted_at": submitted.submitted_at,
        "requested_start_date": submitted.requested_start_date,
        "insurer": submitted.insurer,
        "package": submitted.package,
        "household": Household(
            applicant=submitted.applicant, partner=submitted.partner, children=submitted.children
        ),
        "declared_income_applicant": declared.applicant if declared else None,
        "declared_income_partner": declared.partner if declared else None,
        "consent_data_retrieval": submitted.consent_data_retrieval,
    }
    event: ApplicationReceived | ApplicationCorrected = (
        ApplicationReceived(**fields)
        if revision == 1
        else ApplicationCorrected(**fields, corrected_at=message.occurred_at)
    )
    await add_event(session, event, correlation_id=correlation_id)
    log.info("intake.application.accepted", application_id=str(application_id), revision=revision)
    return Accepted(submitted.application_number, revision)


async def reprocess(
    session: AsyncSession, *, quarantine_id: uuid.UUID, actor: str, correlation_id: str
) -> Outcome:
    """Run a quarantined message through intake again, e.g. after its municipality joined."""
    item = await repository.get_quarantined(session, quarantine_id, for_update=True)
    if item is None:
        raise LookupError(quarantine_id)
    if item.status != "quarantined":
        raise QuarantineConflictError(f"message is already {item.status}")
    now = datetime.now(UTC)
    result = await evaluate(session, item.raw_body)
    if isinstance(result, Rejection):
        item.reason_code, item.reason = result.code, result.reason
        item.attempts += 1
        item.last_attempt_at = now
        return Quarantined(item.id, result.code, result.reason)
    outcome = await accept(session, result, channel=item.channel, correlation_id=correlation_id)
    item.status, item.resolved_at, item.resolved_by = "reprocessed", now, actor
    return outcome


async def discard(
    session: AsyncSession, *, quarantine_id: uuid.UUID, actor: str, reason: str
) -> None:
    """Close a quarantined message without accepting it; who and why are kept."""
    item = await repository.get_quarantined(session, quarantine_id, for_update=True)
    if item is None:
        raise LookupError(quarantine_id)
    if item.status != "quarantined":
        raise QuarantineConflictError(f"message is already {item.status}")
    item.status, item.resolved_at, item.resolved_by = "discarded", datetime.now(UTC), actor
    item.reason = f"{item.reason} | discarded: {reason}"
    log.info("intake.message.discarded", quarantine_id=str(item.id))


def body_preview(body: bytes) -> str:
    """The raw body as text for staff who may see it; invalid UTF-8 shown with replacements."""
    text = body.decode("utf-8", errors="replace")
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except json.JSONDecodeError:
        return text
