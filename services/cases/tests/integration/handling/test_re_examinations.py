"""Re-examination cases from intake's events: one per key, idempotent, set-based."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from cases import handlers
from cases.casefile import repository
from cases.models import Case
from cases.opening.re_examinations import case_number
from cases.reporting.audit import subject_hash
from cases.reporting.models import AccessLog
from contracts.base import Envelope
from contracts.household import Address, Adult, Household
from contracts.intake import ReExaminationRequested
from servicekit.bus import Bus
from servicekit.routes import Delivery
from servicekit.tables import inbox

if TYPE_CHECKING:
    from conftest import Cases

CAMPAIGN = "Heronderzoek 2027"
BSN_SECRET = "re-examination-test-bsn-secret-0123456789abcdef"
REQUESTED = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def requested(
    resident: str, *, line: int = 2, partner: bool = False, children: int = 0
) -> ReExaminationRequested:
    adult = Adult(
        bsn="111222333",
        initials="A.",
        last_name=f"Bewoner {resident}",
        date_of_birth=date(1970, 1, 1),
        address=Address(street="Dam", house_number=1, postal_code="1012 JS", city="Amsterdam"),
    )
    return ReExaminationRequested(
        import_id=uuid.uuid4(),
        line=line,
        campaign=CAMPAIGN,
        municipality_code="0363",
        re_examination_key=f"0363:{CAMPAIGN}:{resident * 64}"[:80],
        household=Household(
            applicant=adult,
            partner=adult.model_copy(update={"bsn": "123456782"}) if partner else None,
        ),
        children_count=children,
        email="bewoner@example.nl",
        policy_number="P-1",
        requested_at=REQUESTED,
        imported_by="user:0363:behandelaar-1",
    )


def delivered(*events: ReExaminationRequested) -> list[Delivery[ReExaminationRequested]]:
    return [Delivery(Envelope.wrap(e, correlation_id="import"), e) for e in events]


async def handle(cases: Cases, batch: list[Delivery[ReExaminationRequested]]) -> None:
    async with cases.database.transaction() as session:
        handle_batch = handlers.re_examinations_requested(bsn_hash_secret=BSN_SECRET)
        await handle_batch(session, batch)


async def re_examinations(cases: Cases) -> dict[str, Case]:
    async with cases.database.transaction() as session:
        rows = await session.scalars(select(Case).where(Case.kind == "re_examination"))
        return {case.application_number: case for case in rows}


async def test_one_case_per_key_with_the_households_counts(cases: Cases) -> None:
    single, couple = requested("a"), requested("b", line=3, partner=True, children=3)
    await handle(cases, delivered(single, couple, single))  # a repeat inside the batch
    await handle(cases, delivered(couple, requested("a", line=9)))  # imported again later

    found = await re_examinations(cases)
    assert set(found) == {case_number(single), case_number(couple)}
    a, b = found[case_number(single)], found[case_number(couple)]
    assert (a.status, a.campaign, a.adults, a.persons, a.submitted_at) == (
        "invited",
        CAMPAIGN,
        1,
        1,
        REQUESTED,
    )
    assert (b.adults, b.persons) == (2, 5)
    assert case_number(single).startswith("HO-0363-")
    assert len(case_number(single)) == len("HO-0363-XXXXXXXX-XXXXXXXX")
    assert case_number(single) == case_number(requested("a", line=40))  # stable per key

    async with cases.database.transaction() as session:
        detail = await repository.get_case(session, case_id=b.id, scope=None)
    assert detail is not None
    assert [p.role for p in detail.household] == ["applicant", "partner"]
    assert detail.household[0].email == "bewoner@example.nl"
    assert [(h.action, h.actor, h.to_status, h.details["line"]) for h in detail.history] == [
        ("opened", "user:0363:behandelaar-1", "invited", 3)
    ]
    opened = await cases.events("cases.case.opened")
    assert sorted((e["application_number"], e["kind"], e["persons"]) for e in opened) == sorted(
        [(case_number(single), "re_examination", 1), (case_number(couple), "re_examination", 5)]
    )


async def test_every_imported_case_is_in_the_access_log_once(cases: Cases) -> None:
    single, couple = requested("a"), requested("b", line=3, partner=True)
    await handle(cases, delivered(single, couple, single))
    await handle(cases, delivered(couple))  # imported again: no case opened, nothing logged

    async with cases.database.transaction() as session:
        entries = list(await session.scalars(select(AccessLog).order_by(AccessLog.id)))
    found = await re_examinations(cases)
    assert sorted((e.application_number, e.case_id) for e in entries) == sorted(
        (number, case.id) for number, case in found.items()
    )
    entry = next(e for e in entries if e.application_number == case_number(couple))
    # Intake hands the rows over (the actor); the details name who uploaded the file, and the
    # trace id and import id lead to the import in intake.
    assert (entry.action, entry.actor, entry.role, entry.trace_id) == (
        "re_examinations.imported",
        "service:intake",
        "system",
        "import",
    )
    assert (entry.municipality_code, entry.row_count, entry.purpose) == (
        "0363",
        1,
        "re_examination",
    )
    assert entry.details == {
        "import_id": str(couple.import_id),
        "line": 3,
        "campaign": CAMPAIGN,
        "imported_by": "user:0363:behandelaar-1",
    }
    assert entry.data_subject_hash == subject_hash("111222333", secret=BSN_SECRET)


async def test_re_examination_cases_open_from_the_bus_and_are_handled(
    cases: Cases, amqp_url: str
) -> None:
    event = requested("c", children=1)
    publisher = Bus(amqp_url, service=f"intake{uuid.uuid4().hex[:8]}")
    await publisher.connect()
    try:
        envelope = Envelope.wrap(event, correlation_id="import")
        for _ in range(2):  # delivered twice: the inbox drops the repeat
            await publisher.publish_envelope(event.routing_key(), envelope)
        await publisher.publish_envelope(
            event.routing_key(), Envelope.wrap(event, correlation_id="again")
        )
    finally:
        await publisher.close()

    found: dict[str, Any] = {}

    async def opened() -> bool:
        found.update(await re_examinations(cases))
        return bool(found)

    await cases.eventually(opened)
    case = found[case_number(event)]
    assert (case.persons, case.status) == (2, "invited")
    response = await cases.transition(case.id, "awaiting_data")
    assert response.status_code == 200, response.text
    received = await cases.transition(case.id, "received", "beslisser")
    assert received.status_code == 409
    assert received.json()["detail"] == "Een heronderzoek kan niet de status Ontvangen krijgen."

    async def both_handled() -> bool:  # the inbox holds each event id once it is handled
        async with cases.database.transaction() as session:
            handled = await session.scalar(select(func.count()).select_from(inbox))
        return handled == 2

    await cases.eventually(both_handled)
    assert len(await re_examinations(cases)) == 1
    assert len(await cases.events("cases.case.opened")) == 1
