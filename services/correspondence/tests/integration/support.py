"""Test data and helpers for the correspondence tests: households, events, principals."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from contracts.base import Envelope, Event
from contracts.cases import CaseOpened
from contracts.household import Address, Adult, Household
from servicekit.auth import Principal
from servicekit.bus import Bus

CODE = "0363"
OTHER = "0599"
BESLISSER = Principal(subject="bes-1", organisation=CODE, role="beslisser", municipalities=(CODE,))
BEHANDELAAR = Principal(
    subject="beh-1", organisation=CODE, role="behandelaar", municipalities=(CODE,)
)
BEHEERDER = Principal(
    subject="fb-1", organisation=CODE, role="functioneel_beheerder", municipalities=(CODE,)
)
ROTTERDAM = Principal(
    subject="beh-r", organisation=OTHER, role="behandelaar", municipalities=(OTHER,)
)


def adult(
    initials: str,
    last_name: str,
    *,
    prefix: str | None = None,
    bsn: str = "111222333",
    email: str | None = None,
    address: bool = True,
    postal_code: str = "1011 AB",
    house_number: int = 12,
) -> Adult:
    return Adult(
        bsn=bsn,
        initials=initials,
        prefix=prefix,
        last_name=last_name,
        first_name="Jan",
        date_of_birth=date(1980, 5, 1),
        email=email,
        address=Address(
            street="Dorpsstraat",
            house_number=house_number,
            house_number_suffix="a",
            postal_code=postal_code,
            city="Amsterdam",
        )
        if address
        else None,
    )


def household(
    *, couple: bool = False, email: str | None = "j.devries@example.org", **kw: Any
) -> Household:
    partner = adult("M.", "Jansen", bsn="123456782") if couple else None
    return Household(
        applicant=adult("J.P.", "Vries", prefix="de", email=email, **kw), partner=partner
    )


def case_opened(
    *,
    kind: str = "application",
    couple: bool = False,
    code: str = CODE,
    campaign: str | None = None,
    number: str | None = None,
    **kw: Any,
) -> CaseOpened:
    house = household(couple=couple, **kw)
    return CaseOpened(
        case_id=uuid.uuid4(),
        kind=kind,  # type: ignore[arg-type]
        application_number=number or f"GP-2026-{uuid.uuid4().int % 1_000_000:06d}",
        municipality_code=code,
        status="received",
        adults=house.adults,
        persons=house.persons,
        submitted_at=datetime(2026, 11, 3, 10, 0, tzinfo=UTC),
        household=house,
        campaign=campaign,
    )


async def publish(bus: Bus, *events: Event) -> list[Envelope]:
    envelopes = []
    for event in events:
        envelope = Envelope.wrap(event, correlation_id=f"test-{uuid.uuid4().hex[:8]}")
        await bus.publish_envelope(event.routing_key(), envelope)
        envelopes.append(envelope)
    return envelopes
