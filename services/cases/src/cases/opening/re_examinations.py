"""Re-examination cases, opened from intake's `ReExaminationRequested` events, a batch at a time.

One case per `re_examination_key` (municipality, campaign, resident): its number is derived from
the key, so an event delivered twice, or the same resident imported again for the same
campaign, finds the case that is there (the unique (kind, number) pair decides, also between
concurrent batches). A batch costs a fixed number of statements, however many events it holds.
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import Sequence
from typing import Any, Final

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from cases.handling.service import SYSTEM_ACTOR
from cases.opening import repository
from cases.reporting import audit
from cases.statuses import INITIAL_STATUS, CaseKind
from contracts.cases import CaseOpened
from contracts.household import Household
from contracts.intake import ReExaminationRequested
from servicekit.auth import system_principal
from servicekit.outbox import add_events
from servicekit.routes import Delivery

log = structlog.get_logger(__name__)

KIND: Final = CaseKind.RE_EXAMINATION
_APPLICATION_IDS: Final = uuid.UUID("6a0d4f52-7c1e-4b8a-9e3d-2f5b8c7a1d40")
"""The namespace of the (uuid5) ids that stand in for an application of a re-examination."""


def case_number(event: ReExaminationRequested) -> str:
    """A readable number, stable for the key: `HO-<municipality>-XXXXXXXX-XXXXXXXX`.

    80 bits of the key's SHA-256 in base32: collisions are out of reach in practice, and the
    key itself (which holds a hash of the BSN) is never shown.
    """
    digest = hashlib.sha256(event.re_examination_key.encode()).digest()
    code = base64.b32encode(digest).decode()[:16]
    return f"HO-{event.municipality_code}-{code[:8]}-{code[8:]}"


def household_of(event: ReExaminationRequested) -> Household:
    """The imported household; the import's e-mail address is the applicant's when it has none."""
    household = event.household
    if event.email and not household.applicant.email:
        applicant = household.applicant.model_copy(update={"email": event.email})
        household = household.model_copy(update={"applicant": applicant})
    return household


async def open_re_examinations(
    *,
    session: AsyncSession,
    deliveries: Sequence[Delivery[ReExaminationRequested]],
    bsn_hash_secret: str,
) -> None:
    """Open a re-examination case per key not seen before; repeats change nothing. Every case
    opened is an entry of the access log (personal data imported)."""
    firsts: dict[str, Delivery[ReExaminationRequested]] = {}
    for delivery in deliveries:
        firsts.setdefault(case_number(delivery.event), delivery)
    existing = await repository.lock_cases(session, kind=KIND.value, application_numbers=firsts)
    openers = {
        number: _case_values(uuid.uuid4(), number, delivery.event)
        for number, delivery in firsts.items()
        if number not in existing
    }
    inserted = await repository.insert_cases_if_absent(session, values=list(openers.values()))
    # In arrival order; numbers another transaction opened meanwhile are simply there now.
    opened = [(number, openers[number]["id"]) for number in openers if number in inserted]
    households = {case_id: household_of(firsts[number].event) for number, case_id in opened}
    await repository.replace_households(session, households=households, existing=())
    await repository.add_revisions(
        session,
        rows=[
            _revision_row(case_id, firsts[number], households[case_id])
            for number, case_id in opened
        ],
    )
    await repository.add_history(
        session, rows=[_history_row(case_id, firsts[number].event) for number, case_id in opened]
    )
    await add_events(
        session,
        [
            firsts[number].follow_up(_opened_event(case_id, number, firsts[number].event))
            for number, case_id in opened
        ],
    )
    await audit.record(
        session,
        [
            _imported_entry(case_id, number, firsts[number], secret=bsn_hash_secret)
            for number, case_id in opened
        ],
    )
    log.info(
        "cases.re_examinations.recorded",
        events=len(deliveries),
        opened=len(opened),
        repeated=len(deliveries) - len(opened),
    )


def _case_values(case_id: uuid.UUID, number: str, event: ReExaminationRequested) -> dict[str, Any]:
    adults = event.household.adults
    return {
        "id": case_id,
        "kind": KIND.value,
        "application_number": number,
        "application_id": uuid.uuid5(_APPLICATION_IDS, event.re_examination_key),
        "municipality_code": event.municipality_code,
        "status": INITIAL_STATUS[KIND].value,
        "submitted_at": event.requested_at,
        "adults": adults,
        "persons": adults + event.children_count,
        "revision": 1,
        "corrected": False,
        "campaign": event.campaign,
    }


def _revision_row(
    case_id: uuid.UUID, delivery: Delivery[ReExaminationRequested], household: Household
) -> dict[str, Any]:
    return {
        "case_id": case_id,
        "revision": 1,
        "source_event_id": delivery.envelope.event_id,
        "household": json.dumps(
            {**household.model_dump(mode="json"), "children_count": delivery.event.children_count}
        ),
        "received_at": delivery.event.requested_at,
        "declared": None,
    }


def _history_row(case_id: uuid.UUID, event: ReExaminationRequested) -> dict[str, Any]:
    return {
        "case_id": case_id,
        "action": "opened",
        # The person who uploaded the file opened the case; older events name no one.
        "actor": event.imported_by or SYSTEM_ACTOR,
        "from_status": None,
        "to_status": INITIAL_STATUS[KIND].value,
        "reason": None,
        "details": {
            "campaign": event.campaign,
            "import_id": str(event.import_id),
            "line": event.line,
        },
    }


IMPORTER: Final = system_principal("intake", purpose="re_examination")
"""Who the access log names as importing: intake, which hands the rows over; the person who
uploaded the file is in the entry's `details.imported_by`, and `details.import_id` names the
import in intake."""


def _imported_entry(
    case_id: uuid.UUID,
    number: str,
    delivery: Delivery[ReExaminationRequested],
    *,
    secret: str,
) -> dict[str, Any]:
    event = delivery.event
    access = audit.Access(IMPORTER, delivery.envelope.correlation_id)
    return access.row(
        audit.RE_EXAMINATIONS_IMPORTED,
        municipality_code=event.municipality_code,
        case_id=case_id,
        application_number=number,
        data_subject_hash=audit.subject_hash(event.household.applicant.bsn, secret=secret),
        row_count=1,
        details={
            "import_id": str(event.import_id),
            "line": event.line,
            "campaign": event.campaign,
            "imported_by": event.imported_by,
        },
    )


def _opened_event(case_id: uuid.UUID, number: str, event: ReExaminationRequested) -> CaseOpened:
    adults = event.household.adults
    return CaseOpened(
        case_id=case_id,
        kind=KIND.value,
        application_number=number,
        municipality_code=event.municipality_code,
        status=INITIAL_STATUS[KIND].value,
        adults=adults,
        persons=adults + event.children_count,
        submitted_at=event.requested_at,
        household=household_of(event),
        campaign=event.campaign,
    )
