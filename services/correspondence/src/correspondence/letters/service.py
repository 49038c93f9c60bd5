"""Making letters: one row per channel the contact rules choose, idempotent per cause.

A letter is created `queued` (with a `correspondence.letter.queued` work item in the outbox),
`held` (a campaign not started or paused), `draft` (a decision letter waiting for the
beslisser), or `failed` at once with the reason when it cannot go at all (no address).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.correspondence import LetterFailed, LetterQueued
from contracts.licences import DEFAULT_ADDONS, DEFAULT_LICENCE, Feature, features
from correspondence.letters import channels, repository
from correspondence.letters.models import Letter
from correspondence.residents import repository as residents
from correspondence.residents.service import as_dict
from servicekit.outbox import add_events
from servicekit.tenants import get_tenant


class CaseNotKnownYetError(RuntimeError):
    """An event about a case whose `cases.case.opened` has not arrived yet: retried."""


async def features_of(session: AsyncSession, code: str) -> frozenset[Feature]:
    tenant = await get_tenant(session, code)
    if tenant is None:
        return features(DEFAULT_LICENCE, DEFAULT_ADDONS)
    return tenant.features


def queued_event(letter: Letter | dict[str, Any]) -> LetterQueued:
    get = letter.get if isinstance(letter, dict) else lambda k: getattr(letter, k)
    return LetterQueued(
        letter_id=get("id"),
        case_id=get("case_id"),
        municipality_code=get("municipality_code"),
        kind=get("kind"),
        channel=get("channel"),
        campaign=get("campaign"),
    )


async def create(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    kind: str,
    cause: str,
    now: datetime,
    correlation_id: str,
    causation_id: uuid.UUID | None = None,
    values: dict[str, Any] | None = None,
    status: str = "queued",
    campaign: str | None = None,
    by_post: bool = False,
) -> list[uuid.UUID]:
    """The letters of one message for a case; a cause seen before makes nothing new."""
    case = await residents.get_case(session, case_id)
    if case is None:
        raise CaseNotKnownYetError(str(case_id))
    data = as_dict(case)
    allowed = await features_of(session, case.municipality_code)
    consent = await residents.consent(session, case_id=case_id, kind=kind)
    rows: list[dict[str, Any]] = []
    chosen = channels.routes(case=data, kind=kind, email_consent=consent, features=allowed)
    if by_post:  # e.g. after a bounce: the same message on paper
        chosen = [channels.post_route(data)] if Feature.LETTERS in allowed else []
    for route in chosen:
        rows.append(
            {
                "id": uuid.uuid4(),
                "case_id": case_id,
                "municipality_code": case.municipality_code,
                "kind": kind,
                "channel": route.channel,
                "status": "failed" if route.problem else status,
                "cause": cause,
                "campaign": campaign
                or (case.campaign if kind == "re_examination_invitation" else None),
                "values": values or {},
                "recipient": route.recipient,
                "sort_key": channels.sort_key(data) if route.channel == "post" else None,
                "last_error": route.problem,
                "attempts": 0,
                "sealed": False,
                "created_at": now,
            }
        )
    inserted = set(await repository.add_letters(session, rows))
    events = []
    for row in rows:
        if row["id"] not in inserted:
            continue
        if row["status"] == "queued":
            events.append((queued_event(row), correlation_id, causation_id))
        elif row["status"] == "failed":
            events.append(
                (
                    LetterFailed(
                        letter_id=row["id"],
                        case_id=case_id,
                        municipality_code=case.municipality_code,
                        kind=kind,  # type: ignore[arg-type]
                        channel=row["channel"],
                        reason=row["last_error"][:500],
                        failed_at=now,
                    ),
                    correlation_id,
                    causation_id,
                )
            )
    await add_events(session, events)
    return [row["id"] for row in rows if row["id"] in inserted]


async def queue(session: AsyncSession, letters: list[Letter], *, correlation_id: str) -> None:
    """Put letters (released drafts, resumed or retried ones) on the work queue."""
    for letter in letters:
        letter.status = "queued"
    await add_events(session, [(queued_event(letter), correlation_id, None) for letter in letters])
