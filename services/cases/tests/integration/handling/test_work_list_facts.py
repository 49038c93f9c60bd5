"""What the decision term and the work list learn from the other services' events, on the
real bus: a term to complete suspends the decision term (Awb 4:15), data that arrive mark the
case until someone moves it, letters that failed until a retry sends them, the latest
reminder."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from cases.models import Case
from contracts.assessment import AdviceGiven, DataDelivered
from contracts.correspondence import (
    InformationReceived,
    InformationRequested,
    LetterFailed,
    LetterKind,
    LetterSent,
)
from servicekit.testing import eventually

from .conftest import SUBMITTED
from .test_following_events import advice, handled, until

if TYPE_CHECKING:
    from conftest import Cases

AMSTERDAM = "0363"
DUE = date(2026, 12, 28)
"""SUBMITTED (2 November 2026, 09:00 in Amsterdam) plus eight weeks."""
REQUESTED_AT = datetime(2026, 11, 20, 23, 30, tzinfo=UTC)
"""Already 21 November in Amsterdam: the request's day is the Dutch one."""
TERM = date(2026, 12, 5)


def request(
    case_id: uuid.UUID, request_id: uuid.UUID, *, at: datetime = REQUESTED_AT
) -> InformationRequested:
    return InformationRequested(
        request_id=request_id,
        case_id=case_id,
        municipality_code=AMSTERDAM,
        term_ends_on=TERM,
        requested_by="staff-3",
        requested_at=at,
    )


def received(case_id: uuid.UUID, request_id: uuid.UUID, on: datetime) -> InformationReceived:
    return InformationReceived(
        request_id=request_id, case_id=case_id, municipality_code=AMSTERDAM, received_at=on
    )


def letter(
    case_id: uuid.UUID, letter_id: uuid.UUID, kind: LetterKind, *, failed: bool = False
) -> LetterSent | LetterFailed:
    at = datetime.now(UTC)
    if failed:
        return LetterFailed(
            letter_id=letter_id,
            case_id=case_id,
            municipality_code=AMSTERDAM,
            kind=kind,
            channel="email",
            reason="SMTP 550",
            failed_at=at,
        )
    return LetterSent(
        letter_id=letter_id,
        case_id=case_id,
        municipality_code=AMSTERDAM,
        kind=kind,
        channel="email",
        sent_at=at,
    )


async def test_a_term_to_complete_suspends_the_decision_term(cases: Cases) -> None:
    answered, lapsed = await cases.open(status="advice_ready"), await cases.open()
    assert (await cases.case(answered)).decision_due_on == DUE
    assert SUBMITTED.date() + timedelta(weeks=8) == DUE

    first, second = uuid.uuid4(), uuid.uuid4()
    await cases.publish(request(answered, first))
    await cases.publish(request(lapsed, second))
    # While the term runs it counts up to its last day: 21 November to 5 December, 14 days.
    case = await until(cases, answered, lambda c: c.term_request_id == first)
    assert (case.term_requested_on, case.decision_due_on) == (
        date(2026, 11, 21),
        DUE + timedelta(14),
    )
    assert case.decision_term_suspended is (datetime.now(UTC).date() <= TERM)

    # What was asked arrives on 25 November: suspended for 4 days only.
    await cases.publish(received(answered, first, datetime(2026, 11, 25, 9, tzinfo=UTC)))
    case = await until(cases, answered, lambda c: c.term_request_id is None)
    assert (case.term_suspended_days, case.decision_due_on) == (4, DUE + timedelta(4))
    assert case.decision_term_suspended is False

    # An arrival for another request changes nothing; a new request while a term runs ends the
    # first (as suspension) on its own day.
    lapsed_case = await until(cases, lapsed, lambda c: c.term_request_id == second)
    assert lapsed_case.decision_due_on == DUE + timedelta(14)
    await handled(
        cases,
        await cases.publish(received(lapsed, uuid.uuid4(), datetime(2026, 11, 22, tzinfo=UTC))),
    )
    assert (await cases.case(lapsed)).decision_due_on == DUE + timedelta(14)
    third = uuid.uuid4()
    await cases.publish(request(lapsed, third, at=datetime(2026, 11, 30, 9, tzinfo=UTC)))
    case = await until(cases, lapsed, lambda c: c.term_request_id == third)
    # 9 days of the first term (21 to 30 November), then the second runs 30 November to 5
    # December (5 days).
    assert (case.term_suspended_days, case.decision_due_on) == (9, DUE + timedelta(9 + 5))


async def test_arrived_data_stay_on_the_work_list_until_the_case_moves(cases: Cases) -> None:
    on_hold, waiting = await cases.open(), await cases.open(status="awaiting_data")
    response = await cases.client.put(
        f"/cases/{on_hold}/hold", json={"reason": "Wacht op gegevens"}, headers=cases.headers()
    )
    assert response.status_code == 200, response.text
    at = datetime.now(UTC)
    for case_id in (on_hold, waiting):
        await cases.publish(
            DataDelivered(
                case_id=case_id,
                municipality_code=AMSTERDAM,
                source="manual",
                recorded_by="staff-2",
                delivered_at=at,
            )
        )
    # The hold is lifted by the arrival itself, which does not handle what arrived.
    case = await until(cases, on_hold, lambda c: c.status == "received")
    assert case.data_arrived_at == at
    await until(cases, waiting, lambda c: c.data_arrived_at == at)

    # A person moving the case, or the advice, takes it off.
    moved = await cases.transition(on_hold, "awaiting_data")
    assert moved.status_code == 200, moved.text
    assert (await cases.case(on_hold)).data_arrived_at is None
    await cases.publish(
        AdviceGiven(
            advice_id=uuid.uuid4(),
            case_id=waiting,
            municipality_code=AMSTERDAM,
            advice="grant",
            reasons=("Inkomen en vermogen binnen de normen.",),
            parameter_version_id=uuid.uuid4(),
            given_at=at,
        )
    )
    case = await until(cases, waiting, lambda c: c.status == "advice_ready")
    assert case.data_arrived_at is None


async def test_failed_letters_until_a_retry_sends_them_and_the_latest_reminder(
    cases: Cases,
) -> None:
    case_id = await cases.open()
    first, second = uuid.uuid4(), uuid.uuid4()
    await cases.publish(letter(case_id, first, "acknowledgement", failed=True))
    await cases.publish(letter(case_id, second, "reminder", failed=True))
    await until(cases, case_id, lambda c: set(c.failed_letter_ids) == {first, second})

    await cases.publish(letter(case_id, second, "reminder"))
    case = await until(cases, case_id, lambda c: c.failed_letter_ids == [first])
    assert case.reminder_sent_at is not None
    reminded = case.reminder_sent_at
    await handled(cases, await cases.publish(letter(case_id, uuid.uuid4(), "data_invitation")))
    after: Case = await cases.case(case_id)
    assert (after.failed_letter_ids, after.reminder_sent_at) == ([first], reminded)

    async def listed() -> bool:
        response = await cases.client.get(
            "/worklist", params={"municipality": AMSTERDAM}, headers=cases.headers()
        )
        counts = {i["item"]: i["count"] for i in response.json()["items"]}
        return counts["letter_failed"] == 1 and counts["reminder_sent_today"] == 1

    await eventually(listed)


async def test_the_advice_says_whether_the_decision_waits_for_a_second_person(
    cases: Cases,
) -> None:
    four_eyes, one_pair = await cases.open(), await cases.open()
    at = datetime(2026, 11, 25, 10, tzinfo=UTC)
    for case_id, required in ((four_eyes, True), (one_pair, False)):
        await cases.publish(advice(case_id, at=at, four_eyes=required))
    case = await until(cases, four_eyes, lambda c: c.status == "advice_ready")
    assert case.four_eyes is True
    case = await until(cases, one_pair, lambda c: c.status == "advice_ready")
    assert case.four_eyes is False
    # The municipality switched four eyes off: the recomputed advice says so.
    await cases.publish(advice(four_eyes, at=at + timedelta(hours=1)))
    await until(cases, four_eyes, lambda c: c.four_eyes is False)
