"""The cases service with its lifespan running (bus, relay, hold lifter, consumers), a migrated
database of its own per test, helpers to open cases directly through the event handler (no bus
wait), and a publisher standing in for the other services."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from cases import handlers
from cases.models import Case, CaseHistory
from contracts.base import Envelope, Event
from contracts.household import Adult, Household
from contracts.intake import ApplicationReceived
from servicekit.auth import Principal, Role
from servicekit.bus import Bus, parking_queue_name
from servicekit.db import Database
from servicekit.routes import Delivery
from servicekit.tables import outbox
from servicekit.testing import eventually

from ..support import (
    AMSTERDAM,
    numbered_children,
    running,
    settings_for,
    token_headers,
)

SUBMITTED = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def principal(
    role: Role = "behandelaar", *municipalities: str, subject: str = "staff-1"
) -> Principal:
    return Principal(
        subject=subject,
        organisation="gemeente-test",
        role=role,
        municipalities=municipalities or (AMSTERDAM,),
    )


def household(*, partner: bool = False, children: int = 1) -> Household:
    return Household(
        applicant=Adult(
            bsn="111222333", initials="J.", last_name="Vries", date_of_birth=date(1981, 4, 17)
        ),
        partner=Adult(
            bsn="123456782", initials="F.", last_name="Amrani", date_of_birth=date(1984, 9, 2)
        )
        if partner
        else None,
        children=numbered_children(children),
    )


@dataclass
class Cases:
    """The running service, its database, and helpers (tests get them through the fixture)."""

    client: httpx.AsyncClient
    database: Database
    publisher: Bus
    """Publishes as the assessment, documents and correspondence services would."""
    principal = staticmethod(principal)
    eventually = staticmethod(eventually)

    @staticmethod
    def headers(
        role: Role = "behandelaar", *municipalities: str, subject: str = "staff-1"
    ) -> dict[str, str]:
        return token_headers(principal(role, *municipalities, subject=subject))

    async def open(
        self, *, municipality: str = AMSTERDAM, status: str | None = None, **shape: Any
    ) -> uuid.UUID:
        """Open an application's case as the consumer would, optionally in a given status."""
        event = ApplicationReceived(
            application_id=uuid.uuid4(),
            application_number=f"GV-2026-{uuid.uuid4().hex[:8]}",
            revision=1,
            source_event_id=uuid.uuid4(),
            municipality_code=municipality,
            submitted_at=SUBMITTED,
            requested_start_date=date(2027, 1, 1),
            household=household(**shape),
        )
        delivery = Delivery(Envelope.wrap(event, correlation_id=uuid.uuid4().hex), event)
        async with self.database.transaction() as session:
            await handlers.application_revisions(session, [delivery])
            case_id = await session.scalar(
                select(Case.id).where(Case.application_number == event.application_number)
            )
            assert case_id is not None
            if status is not None:
                await session.execute(update(Case).where(Case.id == case_id).values(status=status))
        return case_id

    async def case(self, case_id: uuid.UUID) -> Case:
        async with self.database.transaction() as session:
            case = await session.get(Case, case_id)
            assert case is not None
            return case

    async def publish(self, event: Event, *, envelope: Envelope | None = None) -> Envelope:
        """Publish an event on the bus (a given envelope again as it is, as a redelivery)."""
        envelope = envelope or Envelope.wrap(event, correlation_id=uuid.uuid4().hex)
        await self.publisher.publish_envelope(event.routing_key(), envelope)
        return envelope

    async def history(self, case_id: uuid.UUID) -> list[CaseHistory]:
        """The case's history rows, oldest first."""
        async with self.database.transaction() as session:
            rows = await session.scalars(
                select(CaseHistory)
                .where(CaseHistory.case_id == case_id)
                .order_by(CaseHistory.occurred_at, CaseHistory.id)
            )
            return list(rows)

    async def events(self, routing_key: str) -> list[dict[str, Any]]:
        """The `data` of the outbox's events with this routing key, oldest first."""
        async with self.database.transaction() as session:
            rows = await session.scalars(
                select(outbox.c.envelope)
                .where(outbox.c.routing_key == routing_key)
                .order_by(outbox.c.id)
            )
            return [envelope["data"] for envelope in rows]

    async def transition(
        self,
        case_id: uuid.UUID,
        to: str,
        role: Role = "behandelaar",
        *municipalities: str,
        reason: str = "Volgende stap",
    ) -> httpx.Response:
        return await self.client.post(
            f"/cases/{case_id}/transitions",
            json={"to": to, "reason": reason},
            headers=self.headers(role, *municipalities),
        )


@pytest.fixture
def lift_seconds() -> float:
    """How often the service lifts due holds; a test that waits for it asks for less."""
    return 3600.0


@pytest.fixture
def linger_seconds() -> float:
    """How long the consumers wait for a batch to fill; a test of batches asks for more."""
    return 0.05


@pytest.fixture
async def cases(
    scratch_database_url: str, amqp_url: str, lift_seconds: float, linger_seconds: float
) -> AsyncIterator[Cases]:
    settings = settings_for(
        scratch_database_url,
        amqp_url,
        hold_lift_seconds=lift_seconds,
        batch_linger_seconds=linger_seconds,
    )
    database = Database(scratch_database_url, pool_size=2)
    publisher = Bus(amqp_url, service=f"peer{uuid.uuid4().hex[:8]}")
    await publisher.connect()
    try:
        async with running(settings) as client:
            yield Cases(client=client, database=database, publisher=publisher)
    finally:
        channel = await publisher.connection.channel()
        await channel.queue_delete(parking_queue_name(publisher.service))
        await channel.close()
        await publisher.close()
        await database.dispose()
