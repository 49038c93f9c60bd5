"""On hold: the clock pauses; lifted by hand, when data arrive, or after its end date.

Timing uses explicit moments passed to the service functions (never waiting for time to pass).
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

import pytest

from cases.handling import following, holds, repository
from cases.handling import service as handling
from cases.statuses import CaseStatus
from contracts.assessment import DecisionRecorded
from contracts.base import Envelope
from servicekit.routes import Delivery

if TYPE_CHECKING:
    from conftest import Cases

SUBMITTED = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
HELD = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)


async def hold(
    cases: Cases, case_id: uuid.UUID, *, at: datetime, until: date | None = None
) -> None:
    async with cases.database.transaction() as session:
        await holds.put_on_hold(
            session=session,
            principal=cases.principal(),
            case_id=case_id,
            reason="Wacht op loonstroken",
            until=until,
            correlation_id="test",
            now=at,
        )


async def test_time_on_hold_is_left_out_of_the_handling_time(cases: Cases) -> None:
    case_id = await cases.open(status="awaiting_data")
    await hold(cases, case_id, at=HELD, until=date(2026, 11, 20))

    case = await cases.case(case_id)
    assert (case.status, case.held_from_status, case.hold_until) == (
        "on_hold",
        "awaiting_data",
        date(2026, 11, 20),
    )
    two_hours_later = HELD + timedelta(hours=2)
    assert handling.current_hold_seconds(case, now=two_hours_later) == 7200
    # Eight days and an hour from submission to the hold; the two hours on hold do not count.
    expected_before = int((HELD - SUBMITTED).total_seconds())
    assert handling.handling_seconds(case, now=two_hours_later) == expected_before

    async with cases.database.transaction() as session:
        await holds.lift_hold(
            session=session,
            principal=cases.principal(),
            case_id=case_id,
            reason=None,
            correlation_id="test",
            now=two_hours_later,
        )
    case = await cases.case(case_id)
    assert (case.status, case.seconds_on_hold, case.held_since, case.hold_reason) == (
        "awaiting_data",
        7200,
        None,
        None,
    )
    a_day_later = two_hours_later + timedelta(days=1)
    assert handling.handling_seconds(case, now=a_day_later) == expected_before + 86400

    # A second hold adds up; a decision stops the clock for good.
    await hold(cases, case_id, at=a_day_later)
    async with cases.database.transaction() as session:
        await holds.lift_hold_because_data_arrived(
            session=session,
            case_id=case_id,
            correlation_id="test",
            now=a_day_later + timedelta(minutes=30),
        )
    decided_at = a_day_later + timedelta(days=2)
    async with cases.database.transaction() as session:
        await handling.transition(
            session=session,
            principal=cases.principal(),
            case_id=case_id,
            to=CaseStatus.ADVICE_READY,
            reason="test",
            correlation_id="test",
            now=decided_at - timedelta(hours=1),
        )
    # The decision is the assessment's: its event, handled at a moment of the test's choosing.
    granted = DecisionRecorded(
        decision_id=uuid.uuid4(),
        case_id=case_id,
        municipality_code="0363",
        outcome="granted",
        basis="assessment",
        decided_by="beslisser-2",
        decided_at=decided_at,
    )
    async with cases.database.transaction() as session:
        await following.follow(
            session=session,
            deliveries=[Delivery(Envelope.wrap(granted, correlation_id="test"), granted)],
            now=decided_at,
        )
    case = await cases.case(case_id)
    assert (case.seconds_on_hold, case.handling_ended_at) == (7200 + 1800, decided_at)
    expected = int((decided_at - SUBMITTED).total_seconds()) - 7200 - 1800
    assert handling.handling_seconds(case, now=decided_at + timedelta(days=30)) == expected


async def test_putting_on_hold_and_lifting_over_http(cases: Cases) -> None:
    case_id = await cases.open(status="advice_ready")
    url = f"/cases/{case_id}/hold"
    held = await cases.client.put(
        url, json={"reason": "Wacht op bankafschrift", "until": None}, headers=cases.headers()
    )
    assert held.status_code == 200, held.text
    body = held.json()
    assert body["status"] == "on_hold"
    assert body["hold"]["from_status"] == "advice_ready"
    assert body["hold"]["reason"] == "Wacht op bankafschrift"
    assert body["allowed_transitions"] == ["advice_ready", "aborted"]

    # PUT again changes the hold; it keeps counting from when it began.
    later = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()
    changed = await cases.client.put(
        url, json={"reason": "Wacht op twee afschriften", "until": later}, headers=cases.headers()
    )
    assert changed.json()["hold"]["until"] == later
    assert changed.json()["hold"]["since"] == body["hold"]["since"]

    advance = await cases.transition(case_id, "under_investigation")
    assert advance.status_code == 409
    assert advance.json()["detail"] == (
        "Een aanvraag met status In afwachting kan niet direct in onderzoek worden genomen. "
        "Haal de aanvraag eerst uit afwachting."
    )
    lifted = await cases.client.delete(url, headers=cases.headers())
    assert lifted.status_code == 200, lifted.text
    assert lifted.json()["status"] == "advice_ready"
    assert lifted.json()["hold"] is None

    again = await cases.client.delete(url, headers=cases.headers())
    assert again.status_code == 409
    assert again.json() == {"detail": "Deze aanvraag staat niet in afwachting."}
    events = await cases.events("cases.case.status_changed")
    assert [(e["transition"], e["to_status"]) for e in events] == [
        ("put_on_hold", "on_hold"),
        ("hold_lifted", "advice_ready"),
    ]
    history = (await cases.client.get(f"/cases/{case_id}/history", headers=cases.headers())).json()
    assert [h["action"] for h in history] == [
        "opened",
        "put_on_hold",
        "hold_changed",
        "hold_lifted",
    ]


async def test_a_hold_cannot_end_in_the_past_nor_be_set_by_a_raadpleger(cases: Cases) -> None:
    case_id = await cases.open()
    past = await cases.client.put(
        f"/cases/{case_id}/hold",
        json={"reason": "x", "until": "2020-01-01"},
        headers=cases.headers(),
    )
    assert past.status_code == 422
    assert past.json() == {"detail": "De einddatum van de afwachting ligt in het verleden."}
    reader = await cases.client.put(
        f"/cases/{case_id}/hold", json={"reason": "x"}, headers=cases.headers("raadpleger")
    )
    assert reader.status_code == 403
    closed = await cases.open(status="closed")
    refused = await cases.client.put(
        f"/cases/{closed}/hold", json={"reason": "x"}, headers=cases.headers()
    )
    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        "Een aanvraag met status Afgesloten kan niet meer in afwachting worden gezet."
    )


async def test_due_holds_are_lifted_skipping_cases_locked_elsewhere(cases: Cases) -> None:
    due, busy, running, open_ended = [await cases.open(status="awaiting_data") for _ in range(4)]
    for case_id in (due, busy):
        await hold(cases, case_id, at=HELD, until=date(2026, 11, 12))
    await hold(cases, running, at=HELD, until=date(2026, 11, 13))
    await hold(cases, open_ended, at=HELD)
    # The 13th is over in the Netherlands only at 23:00 UTC.
    moment = datetime(2026, 11, 13, 23, 30, tzinfo=UTC)

    async with cases.database.transaction() as other:
        await repository.case_in_scope(other, case_id=busy, scope=None, lock=True)
        async with cases.database.transaction() as session:
            lifted = await asyncio.wait_for(
                holds.lift_due_holds(
                    session=session,
                    correlation_id="test",
                    now=datetime(2026, 11, 13, 22, 0, tzinfo=UTC),
                ),
                timeout=5,
            )
        assert lifted == 1

    case = await cases.case(due)
    assert (case.status, case.seconds_on_hold) == ("awaiting_data", 3 * 86400 + 13 * 3600)
    assert (await cases.case(busy)).status == "on_hold"
    async with cases.database.transaction() as session:
        assert await holds.lift_due_holds(session=session, correlation_id="t", now=moment) == 2
    assert [(await cases.case(c)).status for c in (busy, running, open_ended)] == [
        "awaiting_data",
        "awaiting_data",
        "on_hold",
    ]
    history = (await cases.client.get(f"/cases/{due}/history", headers=cases.headers())).json()
    # (by occurred_at: the explicit moments here lie before the real one of opening)
    [lift] = [entry for entry in history if entry["action"] == "hold_lifted"]
    assert lift["actor"] == "system"
    assert lift["details"]["cause"] == "end_date_passed"


async def test_a_hold_is_lifted_when_the_data_arrive(cases: Cases) -> None:
    case_id = await cases.open(status="awaiting_data")
    await hold(cases, case_id, at=HELD)
    async with cases.database.transaction() as session:
        assert await holds.lift_hold_because_data_arrived(
            session=session, case_id=case_id, correlation_id="test", now=HELD + timedelta(hours=1)
        )
        assert not await holds.lift_hold_because_data_arrived(
            session=session, case_id=case_id, correlation_id="test"
        )
    case = await cases.case(case_id)
    assert (case.status, case.seconds_on_hold) == ("awaiting_data", 3600)


@pytest.mark.parametrize("lift_seconds", [0.1])
async def test_the_service_lifts_due_holds_by_itself(cases: Cases) -> None:
    case_id = await cases.open(status="under_investigation")
    await hold(cases, case_id, at=HELD, until=date(2026, 11, 11))

    async def lifted() -> bool:
        return (await cases.case(case_id)).status == "under_investigation"

    await cases.eventually(lifted)
    [event] = [e for e in await cases.events("cases.case.status_changed") if e["actor"] == "system"]
    assert event["transition"] == "hold_lifted"
