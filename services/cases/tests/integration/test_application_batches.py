"""The set-based handler of application revisions against a real database, without the bus.

The consumer hands the handler a batch of deliveries (already deduplicated by event id) in one
transaction; these tests do the same, so they can shape batches exactly.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from cases import handlers
from cases.casefile import repository
from cases.models import Case, CasePerson
from contracts.api.cases import Declared
from contracts.api.cases import Revision as CaseRevisionModel
from contracts.base import Envelope
from contracts.household import Adult, Child, Household
from contracts.intake import ApplicationCorrected, ApplicationReceived
from servicekit.db import Database
from servicekit.migrations import upgrade
from servicekit.routes import Delivery
from servicekit.tables import outbox

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
SUBMITTED = datetime(2026, 11, 29, 8, 15, tzinfo=UTC)

Revision = ApplicationReceived | ApplicationCorrected


@pytest.fixture
async def database(scratch_database_url: str) -> AsyncIterator[Database]:
    await asyncio.to_thread(upgrade, MIGRATIONS, scratch_database_url)
    database = Database(scratch_database_url)
    try:
        yield database
    finally:
        await database.dispose()


def household(last_name: str, *, partner: bool = False, children: int = 0) -> Household:
    return Household(
        applicant=Adult(
            bsn="111222333", initials="J.", last_name=last_name, date_of_birth=date(1981, 4, 17)
        ),
        partner=Adult(
            bsn="123456782", initials="F.", last_name="Partner", date_of_birth=date(1984, 9, 2)
        )
        if partner
        else None,
        children=tuple(
            Child(bsn=f"30000000{n}", first_name=f"Kind{n}", date_of_birth=date(2012, 6, n + 1))
            for n in range(children)
        ),
    )


def received(number: str, shape: Household) -> ApplicationReceived:
    return ApplicationReceived(
        application_id=uuid.uuid4(),
        application_number=number,
        revision=1,
        source_event_id=uuid.uuid4(),
        municipality_code="0363",
        submitted_at=SUBMITTED,
        requested_start_date=date(2027, 1, 1),
        household=shape,
    )


def corrected(original: ApplicationReceived, revision: int, shape: Household) -> Revision:
    return ApplicationCorrected(
        **original.model_dump(exclude={"revision", "source_event_id", "household"}),
        revision=revision,
        source_event_id=uuid.uuid4(),
        household=shape,
        corrected_at=original.submitted_at + timedelta(days=revision),
    )


def deliveries(*events: Revision) -> list[Delivery[Revision]]:
    """Each event in an envelope of its own, as intake publishes them."""
    return [Delivery(Envelope.wrap(e, correlation_id=uuid.uuid4().hex), e) for e in events]


async def handle(database: Database, batch: list[Delivery[Revision]]) -> None:
    async with database.transaction() as session:
        await handlers.application_revisions(session, batch)


async def case_of(database: Database, number: str) -> Case:
    async with database.transaction() as session:
        case_id = await session.scalar(select(Case.id).where(Case.application_number == number))
        assert case_id is not None, number
        case = await repository.get_case(session, case_id=case_id, scope=None)
        assert case is not None
        return case


def actions(case: Case) -> list[tuple[str, dict[str, Any]]]:
    return [
        (h.action, {k: v for k, v in h.details.items() if k != "source_event_id"})
        for h in case.history
    ]


def last_names(case: Case) -> list[str | None]:
    return [person.last_name for person in case.household]


async def test_one_batch_with_repeats_and_corrections_ends_like_one_event_at_a_time(
    database: Database,
) -> None:
    existing = received("GV-D", household("Eerder"))
    await handle(database, deliveries(existing))

    original = received("GV-A", household("Een"))
    late_original = received("GV-C", household("Oud"))
    batch = deliveries(
        original,
        original,  # intake published the same revision again, under a new event id
        corrected(original, 3, household("Drie", partner=True, children=2)),
        corrected(original, 2, household("Twee", partner=True)),  # older than the one applied
        received("GV-B", household("Bee", children=1)),
        corrected(late_original, 2, household("Nieuw", partner=True)),  # before its original
        late_original,
        corrected(existing, 2, household("Later", children=3)),
    )
    await handle(database, batch)

    a = await case_of(database, "GV-A")
    assert (a.revision, a.corrected, a.adults, a.persons) == (3, True, 2, 4)
    assert last_names(a) == ["Drie", "Partner", None, None]
    assert [(r.revision, r.household["applicant"]["last_name"]) for r in a.revisions] == [
        (1, "Een"),
        (2, "Twee"),
        (3, "Drie"),
    ]
    assert actions(a) == [
        ("opened", {"revision": 1}),
        ("household_corrected", {"revision": 3, "previous_revision": 1}),
        ("revision_recorded", {"revision": 2, "applied_revision": 3}),
    ]
    assert a.history[0].to_status == "received"
    assert {h.actor for h in a.history} == {"system"}

    b = await case_of(database, "GV-B")
    assert (b.revision, b.corrected, b.adults, b.persons) == (1, False, 1, 2)
    assert actions(b) == [("opened", {"revision": 1})]

    c = await case_of(database, "GV-C")
    assert (c.revision, c.corrected, c.persons) == (2, True, 2)
    assert last_names(c) == ["Nieuw", "Partner"]
    assert [r.revision for r in c.revisions] == [1, 2]
    assert c.revisions[0].received_at == SUBMITTED
    assert c.revisions[1].received_at == SUBMITTED + timedelta(days=2)
    assert actions(c) == [
        ("opened", {"revision": 2}),
        ("revision_recorded", {"revision": 1, "applied_revision": 2}),
    ]

    d = await case_of(database, "GV-D")
    assert (d.revision, d.corrected, d.adults, d.persons) == (2, True, 1, 4)
    assert last_names(d) == ["Later", None, None, None]
    assert [p.position for p in d.household] == [0, 1, 2, 3]
    assert actions(d) == [
        ("opened", {"revision": 1}),
        ("household_corrected", {"revision": 2, "previous_revision": 1}),
    ]

    async with database.transaction() as session:
        persons = (await session.scalars(select(CasePerson.case_id))).all()
        assert len(persons) == a.persons + b.persons + c.persons + d.persons
        published = (
            await session.execute(
                select(outbox.c.routing_key, outbox.c.envelope).order_by(outbox.c.id)
            )
        ).all()
    causes = {str(d.envelope.event_id): n for n, d in enumerate(batch)}
    assert [(key, causes.get(envelope["causation_id"])) for key, envelope in published[1:]] == [
        ("cases.case.opened", 0),
        ("cases.case.household_corrected", 2),
        ("cases.case.opened", 4),
        ("cases.case.opened", 5),
        ("cases.case.household_corrected", 7),
    ]
    assert published[2].envelope["data"]["revision"] == 3
    assert published[4].envelope["data"]["persons"] == 2
    assert published[5].envelope["data"]["municipality_code"] == "0363"


async def test_a_case_opened_by_a_concurrent_batch_is_corrected_not_opened_again(
    database: Database,
) -> None:
    original = received("GV-RACE", household("Een"))
    correction = corrected(original, 2, household("Twee", partner=True))
    async with database.transaction() as first:
        await handlers.application_revisions(first, deliveries(original))
        # The second batch finds no case yet, and its insert waits for the first to commit.
        second = asyncio.create_task(handle(database, deliveries(correction)))
        await asyncio.sleep(0.3)
        assert not second.done()
    await asyncio.wait_for(second, timeout=10)

    case = await case_of(database, "GV-RACE")
    assert (case.revision, case.corrected, case.persons) == (2, True, 2)
    assert last_names(case) == ["Twee", "Partner"]
    assert [r.revision for r in case.revisions] == [1, 2]
    assert actions(case) == [
        ("opened", {"revision": 1}),
        ("household_corrected", {"revision": 2, "previous_revision": 1}),
    ]


@pytest.mark.parametrize("one_at_a_time", [False, True], ids=["in one batch", "one at a time"])
async def test_each_revision_keeps_what_the_website_form_declared(
    database: Database, one_at_a_time: bool
) -> None:
    original = received("GV-DECL", household("Een", partner=True)).model_copy(
        update={
            "insurer": "Zilveren Kruis",
            "package": "Gemeentepolis Uitgebreid",
            "declared_income_applicant": Decimal("1420.50"),
            "declared_income_partner": Decimal("0"),
            "consent_data_retrieval": True,
        }
    )
    correction = corrected(original, 2, household("Een")).model_copy(
        update={"insurer": "CZ", "declared_income_partner": None, "consent_data_retrieval": False}
    )
    if one_at_a_time:
        for delivery in deliveries(original, correction):
            await handle(database, [delivery])
    else:
        await handle(database, deliveries(original, correction))

    case = await case_of(database, "GV-DECL")
    shown = [CaseRevisionModel.model_validate(r).declared for r in case.revisions]
    assert shown == [
        Declared(
            requested_start_date=date(2027, 1, 1),
            insurer="Zilveren Kruis",
            package="Gemeentepolis Uitgebreid",
            income_applicant=Decimal("1420.50"),
            income_partner=Decimal("0"),
            consent_data_retrieval=True,
        ),
        Declared(
            requested_start_date=date(2027, 1, 1),
            insurer="CZ",
            package="Gemeentepolis Uitgebreid",
            income_applicant=Decimal("1420.50"),
            income_partner=None,
            consent_data_retrieval=False,
        ),
    ]
