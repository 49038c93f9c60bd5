"""Receiving website messages set-based: a batch costs a fixed number of statements.

Order matters only within one application: its revisions are numbered in arrival order, and
the application rows are locked in a fixed order so concurrent consumers cannot deadlock.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from dataclasses import dataclass

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.gezondverzekerd import ApplicationSubmitted
from contracts.household import Household
from contracts.intake import ApplicationCorrected, ApplicationReceived
from intake import repository
from intake.outcomes import Accepted, Duplicate, Outcome, Quarantined
from intake.validation import Rejection, check_rules, parse_body
from servicekit.logs import new_correlation_id
from servicekit.outbox import add_events

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Incoming:
    body: bytes
    message_id: str | None
    correlation_id: str


TOO_LARGE = "too_large"
EXCERPT_BYTES = 4096
"""What is kept of a body over the limit: enough to recognise it, next to its hash and size."""


def _too_large(size: int, limit: int) -> Rejection:
    return Rejection(
        TOO_LARGE,
        f"message of {size} bytes exceeds the limit of {limit} bytes; "
        f"only its first {EXCERPT_BYTES} bytes are kept",
    )


def _kept(body: bytes, rejection: Rejection) -> bytes:
    return body[:EXCERPT_BYTES] if rejection.code == TOO_LARGE else body


async def evaluate_many(
    session: AsyncSession, bodies: list[bytes], *, max_body_bytes: int | None = None
) -> list[ApplicationSubmitted | Rejection]:
    """Parse and check bodies against the contract, the domain rules and the customer list;
    a body over `max_body_bytes` is not parsed at all."""
    results: list[ApplicationSubmitted | Rejection] = []
    for body in bodies:
        if max_body_bytes is not None and len(body) > max_body_bytes:
            results.append(_too_large(len(body), max_body_bytes))
            continue
        parsed = parse_body(body)
        rejection = parsed if isinstance(parsed, Rejection) else check_rules(parsed)
        results.append(rejection or parsed)
    codes = {
        r.application.municipality_code for r in results if isinstance(r, ApplicationSubmitted)
    }
    customers = await repository.customers_among(session, codes)
    return [
        r
        if isinstance(r, Rejection) or r.application.municipality_code in customers
        else Rejection(
            "unknown_municipality",
            f"municipality {r.application.municipality_code} is not a customer of this backoffice",
            r.application.municipality_code,
        )
        for r in results
    ]


async def receive_many(
    session: AsyncSession,
    incoming: list[Incoming],
    *,
    channel: str,
    max_body_bytes: int | None = None,
) -> list[Outcome]:
    """Accept, recognise as duplicate, or quarantine every message; none is lost (one over
    `max_body_bytes` is quarantined by its hash and size, with an excerpt)."""
    results = await evaluate_many(
        session, [item.body for item in incoming], max_body_bytes=max_body_bytes
    )
    outcomes: list[Outcome | None] = [None] * len(incoming)
    rejected = [(i, r) for i, r in enumerate(results) if isinstance(r, Rejection)]
    if rejected:
        ids = await repository.add_quarantined_many(
            session,
            [
                repository.QuarantineRow(
                    channel=channel,
                    message_id=incoming[i].message_id,
                    raw_body=_kept(incoming[i].body, rejection),
                    body_sha256=hashlib.sha256(incoming[i].body).hexdigest(),
                    municipality_code=rejection.municipality_code,
                    reason_code=rejection.code,
                    reason=rejection.reason,
                )
                for i, rejection in rejected
            ],
        )
        for (i, rejection), quarantine_id in zip(rejected, ids, strict=True):
            outcomes[i] = Quarantined(quarantine_id, rejection.code, rejection.reason)
        log.info("intake.messages.quarantined", count=len(rejected), channel=channel)
    valid = [(i, r) for i, r in enumerate(results) if isinstance(r, ApplicationSubmitted)]
    accepted = await accept_many(
        session,
        [(message, incoming[i].correlation_id, incoming[i].body) for i, message in valid],
        channel=channel,
    )
    for (i, _), outcome in zip(valid, accepted, strict=True):
        outcomes[i] = outcome
    return [outcome for outcome in outcomes if outcome is not None]


async def accept_many(
    session: AsyncSession,
    messages: list[tuple[ApplicationSubmitted, str, bytes]],
    *,
    channel: str,
) -> list[Accepted | Duplicate]:
    """Store valid messages as the next revisions of their applications and announce them."""
    if not messages:
        return []
    known = await repository.existing_revisions(session, [m.event_id for m, _, _ in messages])
    fresh: list[tuple[int, ApplicationSubmitted, str, bytes]] = []
    outcomes: list[Accepted | Duplicate] = []
    for index, (message, correlation_id, raw) in enumerate(messages):
        outcomes.append(Duplicate(message.application.application_number))
        if message.event_id not in known:
            known.add(message.event_id)
            fresh.append((index, message, correlation_id, raw))
    if not fresh:
        return outcomes
    per_application = Counter(m.application.application_number for _, m, _, _ in fresh)
    latest = {
        m.application.application_number: m.application.municipality_code for _, m, _, _ in fresh
    }
    heads = await repository.add_revisions_to_applications(
        session, {number: (count, latest[number]) for number, count in per_application.items()}
    )
    next_revision = {number: head - per_application[number] for number, (_, head) in heads.items()}
    revisions: list[repository.RevisionRow] = []
    events: list[tuple[ApplicationReceived | ApplicationCorrected, str, uuid.UUID | None]] = []
    for index, message, correlation_id, raw in fresh:
        number = message.application.application_number
        next_revision[number] += 1
        application_id, revision = heads[number][0], next_revision[number]
        revisions.append(
            repository.RevisionRow(
                application_id=application_id,
                revision=revision,
                source_event_id=message.event_id,
                channel=channel,
                body=raw.decode(),
            )
        )
        events.append((announcement(message, application_id, revision), correlation_id, None))
        outcomes[index] = Accepted(number, revision)
    await repository.add_revisions(session, revisions)
    await add_events(session, events)
    log.info(
        "intake.applications.accepted", count=len(fresh), duplicates=len(messages) - len(fresh)
    )
    return outcomes


def announcement(
    message: ApplicationSubmitted, application_id: uuid.UUID, revision: int
) -> ApplicationReceived | ApplicationCorrected:
    submitted = message.application
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
    if revision == 1:
        return ApplicationReceived(**fields)
    return ApplicationCorrected(**fields, corrected_at=message.occurred_at)


def incoming(body: bytes, message_id: str | None) -> Incoming:
    """A website message with a correlation id of its own: its journey starts here."""
    return Incoming(body=body, message_id=message_id, correlation_id=new_correlation_id())
