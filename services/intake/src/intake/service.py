"""The intake rules: accept a valid application once, keep corrections, quarantine the rest."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from intake import receiving, repository, strict_json
from intake.outcomes import Accepted, Duplicate, Outcome, Quarantined
from intake.validation import Rejection

__all__ = ["Accepted", "Duplicate", "Outcome", "Quarantined", "discard", "receive", "reprocess"]

log = structlog.get_logger(__name__)


class QuarantineConflictError(Exception):
    """The quarantined message was already re-processed or discarded."""


async def receive(
    session: AsyncSession,
    *,
    body: bytes,
    channel: str,
    message_id: str | None,
    correlation_id: str,
) -> Outcome:
    """Handle one message from the website (the HTTP channel); never loses it."""
    [outcome] = await receiving.receive_many(
        session,
        [receiving.Incoming(body=body, message_id=message_id, correlation_id=correlation_id)],
        channel=channel,
    )
    return outcome


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
    if item.reason_code == receiving.TOO_LARGE:  # only an excerpt was kept: nothing to re-run
        item.attempts += 1
        item.last_attempt_at = now
        return Quarantined(item.id, item.reason_code, item.reason)
    [result] = await receiving.evaluate_many(session, [item.raw_body])
    if isinstance(result, Rejection):
        item.reason_code, item.reason = result.code, result.reason
        item.attempts += 1
        item.last_attempt_at = now
        return Quarantined(item.id, result.code, result.reason)
    [outcome] = await receiving.accept_many(
        session, [(result, correlation_id, item.raw_body)], channel=item.channel
    )
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
    """The raw body as text for staff who may see it; invalid UTF-8 shown with replacements.

    Indented only when intake accepts it as JSON: re-serialising would hide a duplicate key,
    and a lone surrogate could not be sent as UTF-8.
    """
    text = body.decode("utf-8", errors="replace")
    try:
        document = strict_json.parse(text)
    except strict_json.RefusedJsonError:
        return text
    if strict_json.problem(document, text):
        return text
    return json.dumps(document, indent=2, ensure_ascii=False)
