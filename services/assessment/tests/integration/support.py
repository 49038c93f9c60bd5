"""Helpers: publish the other services' events as they would, open cases, sign deliveries."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, date, datetime
from typing import Any

import httpx
from sqlalchemy import func, select, text

from contracts.base import Envelope, Event
from contracts.cases import CaseOpened
from contracts.household import Adult, Household
from contracts.ockto import sign
from contracts.organisations import MunicipalityRegistered
from ockto_simulator.scenarios import Person, build
from servicekit.auth import Principal
from servicekit.tables import outbox
from servicekit.testing import eventually

from .conftest import OCKTO_KEY, WEBHOOK_SECRET, Assessment

VALID_BSNS = ("111222333", "123456782", "999999990", "192837465", "246813579")


def valid_bsn(seed: int) -> str:
    """A BSN passing the eleven-test, different per seed."""
    number = 100_000_000 + seed * 7919
    while True:
        digits = f"{number:09d}"[:9]
        total = sum(int(d) * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2, -1), strict=True))
        if total % 11 == 0 and total != 0:
            return digits
        number += 1


_SEQ = iter(range(1, 10_000_000))


def staff(role: str, code: str = "0363", subject: str | None = None) -> Principal:
    return Principal(
        subject=subject or f"{role}-{code}", organisation=code, role=role, municipalities=(code,)
    )


async def publish(assessment: Assessment, event: Event) -> Envelope:
    envelope = Envelope.wrap(event, correlation_id=uuid.uuid4().hex)
    await assessment.bus.publish_envelope(event.routing_key(), envelope)
    return envelope


async def register(assessment: Assessment, code: str, name: str = "Testgemeente") -> None:
    await publish(assessment, MunicipalityRegistered(code=code, name=name))

    async def known() -> bool:
        async with assessment.database.sessions() as session:
            found = await session.scalar(
                text("SELECT count(*) FROM tenant_municipalities WHERE code = :c"), {"c": code}
            )
            versions = await session.scalar(
                text("SELECT count(*) FROM parameter_versions WHERE municipality_code = :c"),
                {"c": code},
            )
            return bool(found) and bool(versions)

    await eventually(known)


def household(
    *, partner: bool = False, children: int = 0, born: date = date(1980, 5, 1)
) -> Household:
    n = next(_SEQ)
    applicant = Adult(bsn=valid_bsn(n * 2), initials="J.", last_name="Jansen", date_of_birth=born)
    other = (
        Adult(
            bsn=valid_bsn(n * 2 + 1),
            initials="A.",
            last_name="Jansen",
            date_of_birth=date(1982, 3, 3),
        )
        if partner
        else None
    )
    return Household(applicant=applicant, partner=other)


async def open_case(
    assessment: Assessment,
    *,
    code: str = "0363",
    home: Household | None = None,
    kind: str = "application",
    submitted_at: datetime | None = None,
    wait: bool = True,
) -> tuple[uuid.UUID, Household]:
    home = home or household()
    case_id = uuid.uuid4()
    await publish(
        assessment,
        CaseOpened(
            case_id=case_id,
            kind=kind,  # type: ignore[arg-type]
            application_number=f"GV-2026-{next(_SEQ):06d}",
            municipality_code=code,
            status="received",
            adults=home.adults,
            persons=home.persons,
            submitted_at=submitted_at or datetime.now(UTC),
            household=home,
            requested_start_date=date(2027, 1, 1),
        ),
    )
    if wait:

        async def known() -> bool:
            async with assessment.database.sessions() as session:
                found = await session.scalar(
                    text("SELECT count(*) FROM cases WHERE case_id = :c"), {"c": case_id}
                )
                return bool(found)

        await eventually(known)
    return case_id, home


async def invited_session(assessment: Assessment, case_id: uuid.UUID) -> str:
    """The Ockto session id once the session worker started the case's session."""
    found: list[str] = []

    async def started() -> bool:
        async with assessment.database.sessions() as session:
            value = await session.scalar(
                text(
                    "SELECT ockto_session_id FROM data_sessions WHERE case_id = :c AND state = 'invited'"
                ),
                {"c": case_id},
            )
        if value:
            found.append(value)
        return bool(value)

    await eventually(started)
    return found[0]


def delivery_body(
    session_id: str,
    home: Household,
    scenario: str = "wages_under_limit",
    reference: date | None = None,
) -> dict[str, Any]:
    persons = [Person("applicant", home.applicant.bsn, home.applicant.date_of_birth)]
    if home.partner:
        persons.append(Person("partner", home.partner.bsn, home.partner.date_of_birth))
    body, _ = build(
        scenario,
        session_id=session_id,
        persons=persons,
        reference_date=reference or datetime.now(UTC).date(),
        purpose="Beoordeling bijdrage Gemeentepolis",
    )
    return body


async def simulator_delivers(
    assessment: Assessment, session_id: str, scenario: str
) -> dict[str, Any]:
    """The resident consents at the simulator: it builds, signs and posts the scenario's
    delivery to the callback (the gateway's stand-in), and says what the service answered."""
    # The simulator waits up to 30 s for the callback, which a worker's first delivery (its
    # lazy imports) on a loaded CI machine took more than httpx's default 5 s to answer.
    async with httpx.AsyncClient(
        base_url=assessment.simulator.url, trust_env=False, timeout=60
    ) as client:
        response = await client.post(
            f"/api/v1/sessions/{session_id}/deliver",
            json={"scenario": scenario},
            headers={"Authorization": f"Bearer {OCKTO_KEY}"},
        )
    assert response.status_code == 200, response.text
    outcome: dict[str, Any] = response.json()
    return outcome


def signed(raw: bytes, *, secret: str = WEBHOOK_SECRET, at: float | None = None) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "X-Ockto-Signature": sign(
            raw, secret=secret, timestamp=int(at if at is not None else time.time())
        ),
    }


async def post_delivery(
    assessment: Assessment, body: dict[str, Any] | bytes, headers: dict[str, str] | None = None
) -> Any:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return await assessment.client.post(
        "/ockto/deliveries",
        content=raw,
        headers={**assessment.ockto_headers, **(headers if headers is not None else signed(raw))},
    )


async def events(assessment: Assessment, event_type: str) -> list[dict[str, Any]]:
    async with assessment.database.sessions() as session:
        rows = await session.execute(
            select(outbox.c.envelope)
            .where(outbox.c.routing_key == event_type)
            .order_by(outbox.c.id)
        )
        return [row.envelope for row in rows]


async def count(assessment: Assessment, table: str, **where: Any) -> int:
    clause = " AND ".join(f"{k} = :{k}" for k in where) or "true"
    async with assessment.database.sessions() as session:
        value = await session.scalar(text(f"SELECT count(*) FROM {table} WHERE {clause}"), where)
        return int(value or 0)


async def view(assessment: Assessment, case_id: uuid.UUID, principal: Principal) -> dict[str, Any]:
    response = await assessment.client.get(
        f"/cases/{case_id}/assessment", headers=assessment.headers(principal)
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


__all__ = ["func"]
