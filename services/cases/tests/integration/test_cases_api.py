"""The cases service end to end: events in over RabbitMQ, answers out over HTTP.

Each test gets a migrated database of its own and a service name (so queues) of its own; a
publisher stands in for intake.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import aio_pika
import httpx
import pytest

from contracts.base import Envelope, Event
from contracts.household import Address, Adult, Household
from contracts.intake import ApplicationCorrected, ApplicationReceived
from servicekit.auth import Principal
from servicekit.bus import EVENTS_EXCHANGE, Bus, parking_queue_name
from servicekit.testing import eventually

from .support import (
    AMSTERDAM,
    ROTTERDAM,
    numbered_children,
    running,
    settings_for,
    token_headers,
)

CURSOR_SECRET = "integration-test-cursor-secret-0123456789abcdef"


@dataclass
class Harness:
    client: httpx.AsyncClient
    publisher: Bus
    service: str

    async def publish(self, event: Event, *, envelope: Envelope | None = None) -> Envelope:
        """Publish as intake would (a given envelope is published again as it is)."""
        envelope = envelope or Envelope.wrap(event, correlation_id=uuid.uuid4().hex)
        await self.publisher.publish_envelope(event.routing_key(), envelope)
        return envelope

    @staticmethod
    def headers(*municipalities: str, everything: bool = False) -> dict[str, str]:
        principal = Principal(
            subject="staff-1",
            organisation="isd-test",
            role="behandelaar",
            municipalities=municipalities,
            all_municipalities=everything,
        )
        return token_headers(principal)


@pytest.fixture
async def harness(scratch_database_url: str, amqp_url: str) -> AsyncIterator[Harness]:
    settings = settings_for(scratch_database_url, amqp_url, cursor_secret=CURSOR_SECRET)
    publisher = Bus(amqp_url, service=f"intake{uuid.uuid4().hex[:8]}")
    await publisher.connect()
    try:
        async with running(settings) as client:
            yield Harness(client=client, publisher=publisher, service=settings.service_name)
    finally:
        channel = await publisher.connection.channel()
        await channel.queue_delete(parking_queue_name(publisher.service))
        await channel.close()
        await publisher.close()


SUBMITTED = datetime(2026, 11, 29, 8, 15, tzinfo=UTC)


def household(*, partner: bool = True, children: int = 2, last_name: str = "Vries") -> Household:
    return Household(
        applicant=Adult(
            bsn="111222333",
            initials="J.",
            first_name="Jan",
            prefix="de",
            last_name=last_name,
            date_of_birth=date(1981, 4, 17),
            email="jan@example.nl",
            phone="0612345678",
            address=Address(
                street="Prinsengracht",
                house_number=263,
                house_number_suffix="A",
                postal_code="1016 GV",
                city="Amsterdam",
            ),
        ),
        partner=Adult(
            bsn="123456782", initials="F.", last_name="El Amrani", date_of_birth=date(1984, 9, 2)
        )
        if partner
        else None,
        children=numbered_children(children),
    )


def received(
    *,
    number: str | None = None,
    municipality: str = AMSTERDAM,
    submitted_at: datetime = SUBMITTED,
    **shape: Any,
) -> ApplicationReceived:
    return ApplicationReceived(
        application_id=uuid.uuid4(),
        application_number=number or f"GV-2026-{uuid.uuid4().hex[:8]}",
        revision=1,
        source_event_id=uuid.uuid4(),
        municipality_code=municipality,
        submitted_at=submitted_at,
        requested_start_date=date(2027, 1, 1),
        household=household(**shape),
    )


def corrected(
    original: ApplicationReceived, *, revision: int = 2, **shape: Any
) -> ApplicationCorrected:
    return ApplicationCorrected(
        **original.model_dump(exclude={"revision", "source_event_id", "household"}),
        revision=revision,
        source_event_id=uuid.uuid4(),
        household=household(**shape),
        corrected_at=original.submitted_at + timedelta(days=revision),
    )


async def list_all(harness: Harness, *municipalities: str, **params: Any) -> list[dict[str, Any]]:
    response = await harness.client.get(
        "/cases", params=params, headers=harness.headers(*municipalities)
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def wait_for_cases(harness: Harness, municipality: str, count: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    async def enough() -> bool:
        found[:] = await list_all(harness, municipality, limit=200)
        return len(found) >= count

    await eventually(enough)
    return found


async def detail(harness: Harness, case_id: str, municipality: str = AMSTERDAM) -> dict[str, Any]:
    response = await harness.client.get(f"/cases/{case_id}", headers=harness.headers(municipality))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def overview(harness: Harness, *municipalities: str) -> dict[str, Any]:
    response = await harness.client.get(
        "/overview",
        params={"municipality": list(municipalities)},
        headers=harness.headers(*municipalities),
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_a_couple_with_two_children_counts_one_application_two_adults_four_persons(
    harness: Harness,
) -> None:
    await harness.publish(received(partner=True, children=2))
    [case] = await wait_for_cases(harness, AMSTERDAM, 1)
    assert case["status"] == "received"
    assert (case["kind"], case["adults"], case["persons"]) == ("application", 2, 4)

    counts = await overview(harness, AMSTERDAM)
    assert [c["category"] for c in counts["categories"]] == [
        "received",
        "in_progress",
        "under_investigation",
        "decided_granted",
        "decided_rejected",
        "not_processed",
        "aborted",
        "closed",
    ]
    assert counts["categories"][0] == {
        "category": "received",
        "applications": 1,
        "adults": 2,
        "persons": 4,
    }
    assert all(c["applications"] == 0 for c in counts["categories"][1:])
    assert counts["total"] == {"applications": 1, "adults": 2, "persons": 4}

    body = await detail(harness, case["id"])
    assert body["household"]["applicant"]["address"]["postal_code"] == "1016 GV"
    assert body["household"]["partner"]["last_name"] == "El Amrani"
    assert [child["first_name"] for child in body["household"]["children"]] == ["Kind0", "Kind1"]
    assert (body["revision"], body["corrected"], body["category"]) == (1, False, "received")
    assert [r["revision"] for r in body["revisions"]] == [1]
    assert [(h["action"], h["to_status"]) for h in body["history"]] == [("opened", "received")]


async def test_the_same_event_twice_opens_one_case(harness: Harness) -> None:
    event = received(number="GV-2026-TWICE")
    envelope = await harness.publish(event)
    await harness.publish(event, envelope=envelope)
    # Intake publishing the same revision again under a new event id changes nothing either.
    await harness.publish(event)
    # Handled in order by one consumer: once this one shows, the ones before it were handled.
    await harness.publish(
        received(number="GV-2026-SENTINEL", submitted_at=SUBMITTED - timedelta(1))
    )
    cases = await wait_for_cases(harness, AMSTERDAM, 2)
    assert [c["application_number"] for c in cases] == ["GV-2026-TWICE", "GV-2026-SENTINEL"]
    body = await detail(harness, cases[0]["id"])
    assert [r["revision"] for r in body["revisions"]] == [1]
    assert [h["action"] for h in body["history"]] == ["opened"]
    assert (await overview(harness, AMSTERDAM))["total"]["applications"] == 2


async def collect_case_events(queue: aio_pika.abc.AbstractQueue, into: list[Envelope]) -> None:
    while (message := await queue.get(fail=False)) is not None:
        into.append(Envelope.model_validate_json(message.body))
        await message.ack()


async def test_a_correction_replaces_the_household_and_keeps_the_first_revision(
    harness: Harness,
) -> None:
    channel = await harness.publisher.connection.channel()
    events = await channel.declare_queue(exclusive=True)
    await events.bind(EVENTS_EXCHANGE, routing_key="cases.case.*")

    original = received(partner=False, children=1, last_name="Jansen")
    await harness.publish(original)
    [case] = await wait_for_cases(harness, AMSTERDAM, 1)
    await harness.publish(corrected(original, partner=True, children=2, last_name="Bakker"))

    async def corrected_shows() -> bool:
        return (await detail(harness, case["id"]))["revision"] == 2

    await eventually(corrected_shows)
    assert len(await list_all(harness, AMSTERDAM)) == 1
    body = await detail(harness, case["id"])
    assert (body["corrected"], body["adults"], body["persons"]) == (True, 2, 4)
    assert body["household"]["applicant"]["last_name"] == "Bakker"
    assert body["household"]["partner"] is not None
    assert len(body["household"]["children"]) == 2
    first, second = body["revisions"]
    assert (first["revision"], second["revision"]) == (1, 2)
    assert first["household"]["applicant"]["last_name"] == "Jansen"
    assert first["household"]["partner"] is None
    assert second["household"]["applicant"]["last_name"] == "Bakker"
    assert [h["action"] for h in body["history"]] == ["opened", "household_corrected"]
    assert (await overview(harness, AMSTERDAM))["total"] == {
        "applications": 1,
        "adults": 2,
        "persons": 4,
    }

    published: list[Envelope] = []

    async def both_published() -> bool:
        await collect_case_events(events, published)
        return len(published) >= 2

    await eventually(both_published)
    assert [e.event_type for e in published] == [
        "cases.case.opened",
        "cases.case.household_corrected",
    ]
    assert published[0].data["case_id"] == case["id"]
    assert (published[1].data["revision"], published[1].data["persons"]) == (2, 4)
    await channel.close()


async def test_a_correction_before_its_original_opens_the_case_and_wins(harness: Harness) -> None:
    original = received(partner=False, children=0, last_name="Oud")
    await harness.publish(corrected(original, partner=True, children=3, last_name="Nieuw"))
    [case] = await wait_for_cases(harness, AMSTERDAM, 1)
    assert (case["adults"], case["persons"]) == (2, 5)
    await harness.publish(original)

    async def both_kept() -> bool:
        return len((await detail(harness, case["id"]))["revisions"]) == 2

    await eventually(both_kept)
    body = await detail(harness, case["id"])
    assert (body["revision"], body["corrected"], body["persons"]) == (2, True, 5)
    assert body["household"]["applicant"]["last_name"] == "Nieuw"
    assert [r["household"]["applicant"]["last_name"] for r in body["revisions"]] == [
        "Oud",
        "Nieuw",
    ]
    assert [h["action"] for h in body["history"]] == ["opened", "revision_recorded"]
    assert len(await list_all(harness, AMSTERDAM)) == 1


async def test_revisions_in_quick_succession_end_with_the_newest(harness: Harness) -> None:
    # Published back to back, they are likely handled in one batch, in one transaction.
    original = received(partner=False, children=0)
    await harness.publish(original)
    await harness.publish(corrected(original, revision=2, partner=True, children=0))
    await harness.publish(corrected(original, revision=3, partner=True, children=2))
    [case] = await wait_for_cases(harness, AMSTERDAM, 1)

    async def third_applied() -> bool:
        return (await detail(harness, case["id"]))["revision"] == 3

    await eventually(third_applied)
    body = await detail(harness, case["id"])
    assert (body["adults"], body["persons"]) == (2, 4)
    assert [r["revision"] for r in body["revisions"]] == [1, 2, 3]
    assert [h["action"] for h in body["history"]] == [
        "opened",
        "household_corrected",
        "household_corrected",
    ]


async def test_a_municipality_never_sees_another_municipalitys_cases(harness: Harness) -> None:
    await harness.publish(received(municipality=AMSTERDAM, partner=False, children=0))
    await harness.publish(received(municipality=ROTTERDAM, partner=True, children=1))
    [theirs] = await wait_for_cases(harness, ROTTERDAM, 1)
    [ours] = await wait_for_cases(harness, AMSTERDAM, 1)
    amsterdam = harness.headers(AMSTERDAM)
    client = harness.client

    assert [c["id"] for c in await list_all(harness, AMSTERDAM)] == [ours["id"]]
    hidden = await client.get(f"/cases/{theirs['id']}", headers=amsterdam)
    missing = await client.get(f"/cases/{uuid.uuid4()}", headers=amsterdam)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    for params in ({"municipality": ROTTERDAM}, {"municipality": [AMSTERDAM, ROTTERDAM]}):
        assert (await client.get("/cases", params=params, headers=amsterdam)).status_code == 404
        assert (await client.get("/overview", params=params, headers=amsterdam)).status_code == 404
    assert (await overview(harness, AMSTERDAM))["total"] == {
        "applications": 1,
        "adults": 1,
        "persons": 1,
    }
    assert (await client.get("/cases", headers=harness.headers())).json()["items"] == []

    platform = harness.headers(everything=True)
    both = (await client.get("/cases", headers=platform)).json()["items"]
    assert {c["id"] for c in both} == {ours["id"], theirs["id"]}
    isd = await client.get(
        "/overview",
        params={"municipality": [AMSTERDAM, ROTTERDAM]},
        headers=harness.headers(AMSTERDAM, ROTTERDAM),
    )
    assert isd.json()["total"] == {"applications": 2, "adults": 3, "persons": 4}


async def test_requests_without_a_valid_token_are_refused(harness: Harness) -> None:
    for path in ("/cases", f"/cases/{uuid.uuid4()}", f"/overview?municipality={AMSTERDAM}"):
        assert (await harness.client.get(path)).status_code == 401
        forged = {"X-Internal-Token": "not-a-token"}
        assert (await harness.client.get(path, headers=forged)).status_code == 401


async def test_bad_parameters_are_refused(harness: Harness) -> None:
    headers = harness.headers(AMSTERDAM)
    for params in ({"limit": 0}, {"limit": 201}, {"limit": "many"}, {"municipality": "Adam"}):
        response = await harness.client.get("/cases", params=params, headers=headers)
        assert response.status_code == 422, params
    assert (await harness.client.get("/overview", headers=headers)).status_code == 422
    assert (await harness.client.get("/cases/not-a-uuid", headers=headers)).status_code == 422


async def test_pagination_returns_every_case_exactly_once_newest_first(harness: Harness) -> None:
    # Pairs share a submission moment, so the id must break the ties.
    for n in range(9):
        await harness.publish(received(submitted_at=SUBMITTED - timedelta(hours=n // 2)))
    everything = await wait_for_cases(harness, AMSTERDAM, 9)

    seen: list[dict[str, Any]] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        response = await harness.client.get(
            "/cases", params=params, headers=harness.headers(AMSTERDAM)
        )
        assert response.status_code == 200, response.text
        page = response.json()
        seen.extend(page["items"])
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 5
    assert [c["id"] for c in seen] == [c["id"] for c in everything]
    assert len({c["id"] for c in seen}) == 9
    keys = [(c["submitted_at"], c["id"]) for c in seen]
    assert keys == sorted(keys, reverse=True)

    first_page = await harness.client.get(
        "/cases", params={"limit": 2}, headers=harness.headers(AMSTERDAM)
    )
    genuine: str = first_page.json()["next_cursor"]
    tampered = ("A" if genuine[0] != "A" else "B") + genuine[1:]
    response = await harness.client.get(
        "/cases", params={"cursor": tampered}, headers=harness.headers(AMSTERDAM)
    )
    assert response.status_code == 400
    garbage = await harness.client.get(
        "/cases", params={"cursor": "garbage"}, headers=harness.headers(AMSTERDAM)
    )
    assert garbage.status_code == 400
