"""The cases service follows the assessment, documents and correspondence: their events are
published on the real bus and the case's status, advice, decision, term and history follow.

An event that changes nothing visible is known to be handled when its inbox row exists (the
inbox row commits with the effect, or with no effect at all).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

import pytest
from sqlalchemy import func, select

from cases.models import Case, CaseHistory
from contracts.assessment import (
    Advice,
    AdviceGiven,
    DataDelivered,
    DataSessionStarted,
    DecisionBasis,
    DecisionRecorded,
    Outcome,
)
from contracts.base import Envelope
from contracts.correspondence import InformationReceived, InformationRequested, TermExpired
from contracts.documents import DocumentAdded, DocumentSource
from servicekit.tables import inbox, outbox

if TYPE_CHECKING:
    from conftest import Cases

AMSTERDAM = "0363"
ROTTERDAM = "0599"
AT = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
TERM = date(2026, 12, 15)
Trigger = Literal["automatic", "manual"]


def session_started(
    case_id: uuid.UUID, *, by: str = "system", trigger: Trigger = "automatic"
) -> DataSessionStarted:
    return DataSessionStarted(
        session_id=f"ockto-{uuid.uuid4().hex[:8]}",
        case_id=case_id,
        municipality_code=AMSTERDAM,
        url="https://ockto.example/s/abc",
        expires_at=AT + timedelta(days=14),
        trigger=trigger,
        started_by=by,
        started_at=AT,
    )


def delivered(case_id: uuid.UUID, *, municipality: str = AMSTERDAM) -> DataDelivered:
    return DataDelivered(
        case_id=case_id,
        municipality_code=municipality,
        source="ockto",
        session_id="ockto-1",
        delivery_id=uuid.uuid4(),
        recorded_by="ockto",
        delivered_at=AT,
    )


def advice(
    case_id: uuid.UUID,
    given: Advice = "grant",
    *,
    at: datetime = AT,
    municipality: str = AMSTERDAM,
    four_eyes: bool = False,
) -> AdviceGiven:
    return AdviceGiven(
        advice_id=uuid.uuid4(),
        case_id=case_id,
        municipality_code=municipality,
        advice=given,
        reasons=("income_above_limit",) if given == "reject" else ("within_margin",),
        parameter_version_id=uuid.uuid4(),
        four_eyes=four_eyes,
        given_at=at,
    )


def decision(
    case_id: uuid.UUID,
    outcome: Outcome = "granted",
    *,
    by: str = "beslisser-2",
    basis: DecisionBasis = "assessment",
) -> DecisionRecorded:
    return DecisionRecorded(
        decision_id=uuid.uuid4(),
        case_id=case_id,
        municipality_code=AMSTERDAM,
        outcome=outcome,
        basis=basis,
        reasons=("income_too_high",) if outcome == "rejected" else (),
        advice="grant" if basis == "assessment" else None,
        effective_from=date(2027, 1, 1) if outcome == "granted" else None,
        decided_by=by,
        decided_at=AT,
    )


def document(case_id: uuid.UUID, *, source: DocumentSource = "resident") -> DocumentAdded:
    return DocumentAdded(
        document_id=uuid.uuid4(),
        case_id=case_id,
        municipality_code=AMSTERDAM,
        kind="letter" if source == "system" else "payslip",
        source=source,
        content_type="application/pdf",
        size_bytes=1024,
        added_by="service:correspondence" if source == "system" else source,
        added_at=AT,
    )


def requested(case_id: uuid.UUID, *, request_id: uuid.UUID | None = None) -> InformationRequested:
    return InformationRequested(
        request_id=request_id or uuid.uuid4(),
        case_id=case_id,
        municipality_code=AMSTERDAM,
        term_ends_on=TERM,
        requested_by="staff-3",
        requested_at=AT,
    )


def information_received(case_id: uuid.UUID, request_id: uuid.UUID) -> InformationReceived:
    return InformationReceived(
        request_id=request_id, case_id=case_id, municipality_code=AMSTERDAM, received_at=AT
    )


def term_expired(case_id: uuid.UUID, request_id: uuid.UUID) -> TermExpired:
    return TermExpired(
        request_id=request_id,
        case_id=case_id,
        municipality_code=AMSTERDAM,
        term_ended_on=TERM,
        expired_at=AT + timedelta(days=26),
    )


async def until(cases: Cases, case_id: uuid.UUID, holds: Callable[[Case], bool]) -> Case:
    """The case once `holds` is true of it."""

    async def reached() -> bool:
        return holds(await cases.case(case_id))

    await cases.eventually(reached)
    return await cases.case(case_id)


async def handled(cases: Cases, *envelopes: Envelope) -> None:
    """Wait until the service has handled these events (with or without an effect)."""
    ids = [str(envelope.event_id) for envelope in envelopes]

    async def claimed() -> bool:
        async with cases.database.transaction() as session:
            count = await session.scalar(
                select(func.count()).select_from(inbox).where(inbox.c.message_id.in_(ids))
            )
        return count == len(ids)

    await cases.eventually(claimed)


def rows(history: list[CaseHistory]) -> list[tuple[str, str, str | None, str | None]]:
    """Each row's action, actor, target status and reason."""
    return [(h.action, h.actor, h.to_status, h.reason) for h in history]


async def status_changes(cases: Cases, case_id: uuid.UUID) -> list[dict[str, Any]]:
    """The case's `cases.case.status_changed` envelopes in the outbox, oldest first."""
    async with cases.database.transaction() as session:
        envelopes = await session.scalars(
            select(outbox.c.envelope)
            .where(outbox.c.routing_key == "cases.case.status_changed")
            .order_by(outbox.c.id)
        )
        return [e for e in envelopes if e["data"]["case_id"] == str(case_id)]


async def put_on_hold(cases: Cases, case_id: uuid.UUID) -> None:
    response = await cases.client.put(
        f"/cases/{case_id}/hold", json={"reason": "Wacht op loonstroken"}, headers=cases.headers()
    )
    assert response.status_code == 200, response.text


async def test_a_data_session_sends_a_new_case_to_awaiting_data(cases: Cases) -> None:
    new = await cases.open()
    sent = await cases.publish(session_started(new, by="staff-7", trigger="manual"))

    await until(cases, new, lambda c: c.status == "awaiting_data")
    assert rows(await cases.history(new))[-1] == (
        "awaiting_data",
        "staff-7",
        "awaiting_data",
        "Ockto-sessie gestart",
    )
    [change] = await status_changes(cases, new)
    assert change["causation_id"] == str(sent.event_id)
    assert change["correlation_id"] == sent.correlation_id
    assert (change["data"]["transition"], change["data"]["actor"]) == ("awaiting_data", "staff-7")

    # Further along, the case keeps its status; the session is only noted.
    ready = await cases.open(status="advice_ready")
    await handled(cases, await cases.publish(session_started(ready)))
    assert (await cases.case(ready)).status == "advice_ready"
    assert rows(await cases.history(ready))[-1] == (
        "data_session_started",
        "system",
        None,
        "Ockto-sessie gestart (automatisch)",
    )
    assert await status_changes(cases, ready) == []


async def test_delivered_data_lift_a_hold_and_are_noted(cases: Cases) -> None:
    held = await cases.open(status="awaiting_data")
    await put_on_hold(cases, held)
    waiting = await cases.open(status="awaiting_data")

    await cases.publish(delivered(held))
    await handled(cases, await cases.publish(delivered(waiting)))

    case = await until(cases, held, lambda c: c.status == "awaiting_data")
    assert (case.hold_reason, case.held_since) == (None, None)
    history = await cases.history(held)
    assert rows(history)[-2:] == [
        ("data_delivered", "ockto", None, "Gegevens via Ockto"),
        ("hold_lifted", "system", "awaiting_data", "Gevraagde gegevens ontvangen"),
    ]
    assert history[-1].details["cause"] == "data_arrived"
    assert [c["data"]["transition"] for c in await status_changes(cases, held)] == [
        "put_on_hold",
        "hold_lifted",
    ]
    assert (await cases.case(waiting)).status == "awaiting_data"
    assert [h.action for h in await cases.history(waiting)] == ["opened", "data_delivered"]


async def test_an_advice_makes_the_case_ready_and_the_newest_advice_stays(cases: Cases) -> None:
    case_id = await cases.open(status="awaiting_data")
    await cases.publish(advice(case_id, "grant"))
    case = await until(cases, case_id, lambda c: c.status == "advice_ready")
    assert (case.advice, case.advice_given_at) == ("grant", AT)
    [change] = await status_changes(cases, case_id)
    # By the system: the assessment counts no preparer for its four eyes.
    assert (change["data"]["transition"], change["data"]["actor"]) == ("advice_ready", "system")

    later, earlier = AT + timedelta(hours=1), AT - timedelta(hours=1)
    await cases.publish(advice(case_id, "reject", at=later))
    await until(cases, case_id, lambda c: c.advice == "reject")
    stale = await cases.publish(advice(case_id, "grant", at=earlier))
    await handled(cases, stale)

    case = await cases.case(case_id)
    assert (case.status, case.advice, case.advice_given_at) == ("advice_ready", "reject", later)
    assert rows(await cases.history(case_id))[1:] == [
        ("advice_ready", "system", "advice_ready", "Advies: Toekennen"),
        ("advice_given", "system", None, "Advies herberekend: Afwijzen (was Toekennen)"),
    ]
    listed = await cases.client.get("/cases", params={"advice": "reject"}, headers=cases.headers())
    assert [item["id"] for item in listed.json()["items"]] == [str(case_id)]

    # In investigation a term runs: staff move the case on, the advice is only kept.
    investigated = await cases.open(status="under_investigation")
    await handled(cases, await cases.publish(advice(investigated, "investigate")))
    case = await cases.case(investigated)
    assert (case.status, case.advice) == ("under_investigation", "investigate")
    assert rows(await cases.history(investigated))[-1][:3] == ("advice_given", "system", None)


async def test_a_decision_decides_the_case_from_any_open_status(cases: Cases) -> None:
    ready = await cases.open(status="advice_ready")
    new = await cases.open()
    held = await cases.open(status="awaiting_data")
    await put_on_hold(cases, held)
    aborted = await cases.open(status="aborted")

    await cases.publish(decision(ready, by="beslisser-2"))
    await cases.publish(decision(new, by="system", basis="without_investigation"))
    await cases.publish(decision(held, "rejected"))
    await handled(cases, await cases.publish(decision(aborted)))

    case = await until(cases, ready, lambda c: c.status == "decided_granted")
    assert case.decision == "granted"
    assert case.handling_ended_at is not None
    assert rows(await cases.history(ready))[-1] == (
        "decided",
        "beslisser-2",
        "decided_granted",
        "Besluit: Toegekend na beoordeling",
    )
    [change] = await status_changes(cases, ready)
    assert (change["data"]["transition"], change["data"]["actor"]) == ("decided", "beslisser-2")

    case = await until(cases, new, lambda c: c.status == "decided_granted")
    assert rows(await cases.history(new))[-1] == (
        "decided",
        "system",
        "decided_granted",
        "Besluit: Toegekend zonder onderzoek (achteraf toetsen)",
    )

    case = await until(cases, held, lambda c: c.status == "decided_rejected")
    assert (case.decision, case.held_since, case.held_from_status) == ("rejected", None, None)

    case = await cases.case(aborted)
    assert (case.status, case.decision) == ("aborted", None)
    assert rows(await cases.history(aborted))[-1] == (
        "decision_recorded",
        "beslisser-2",
        None,
        "Besluit: Toegekend na beoordeling; de status Afgebroken is niet gewijzigd",
    )

    handling = await cases.client.get(f"/cases/{ready}/handling", headers=cases.headers())
    assert handling.json()["allowed_transitions"] == ["closed"]
    assert (await cases.transition(ready, "closed")).status_code == 200


async def test_documents_from_the_resident_lift_a_hold_and_letters_change_nothing(
    cases: Cases,
) -> None:
    case_id = await cases.open(status="under_investigation")
    await put_on_hold(cases, case_id)

    letter = await cases.publish(document(case_id, source="system"))
    await handled(cases, letter)
    assert (await cases.case(case_id)).status == "on_hold"
    assert [h.action for h in await cases.history(case_id)] == ["opened", "put_on_hold"]

    await cases.publish(document(case_id, source="resident"))
    await until(cases, case_id, lambda c: c.status == "under_investigation")
    assert rows(await cases.history(case_id))[-2:] == [
        ("document_received", "resident", None, "Document ontvangen: loonstrook"),
        ("hold_lifted", "system", "under_investigation", "Document ontvangen"),
    ]


async def test_an_information_request_starts_the_investigation_with_its_term(
    cases: Cases,
) -> None:
    answered, lapsed = await cases.open(status="advice_ready"), await cases.open()
    first, second = uuid.uuid4(), uuid.uuid4()
    await cases.publish(requested(answered, request_id=first))
    await cases.publish(requested(lapsed, request_id=second))

    case = await until(cases, answered, lambda c: c.status == "under_investigation")
    assert (case.term_ends_on, case.term_request_id) == (TERM, first)
    [row] = (await cases.history(answered))[-1:]
    assert rows([row]) == [
        (
            "investigation_started",
            "staff-3",
            "under_investigation",
            "Informatie opgevraagd; hersteltermijn tot en met 15-12-2026",
        )
    ]
    assert row.details["term_ends_on"] == "2026-12-15"

    # What was asked arrives while the case is on hold: the term stops, the hold is lifted.
    await put_on_hold(cases, answered)
    await cases.publish(information_received(answered, first))
    case = await until(cases, answered, lambda c: c.status == "under_investigation")
    assert (case.term_ends_on, case.term_request_id) == (None, None)
    assert [h.action for h in await cases.history(answered)][-2:] == [
        "information_received",
        "hold_lifted",
    ]

    # The term passes: proposed buiten behandeling, for a beslisser to decide.
    await until(cases, lapsed, lambda c: c.status == "under_investigation")
    await handled(cases, await cases.publish(term_expired(lapsed, second)))
    case = await cases.case(lapsed)
    assert (case.status, case.term_ends_on) == ("under_investigation", TERM)
    assert rows(await cases.history(lapsed))[-1] == (
        "term_expired",
        "system",
        None,
        "Hersteltermijn verstreken op 15-12-2026; voorstel: buiten behandeling stellen "
        "(een beslisser beslist)",
    )
    assert len(await status_changes(cases, lapsed)) == 1


async def test_an_event_takes_only_its_own_step_never_a_restore_or_a_lift(cases: Cases) -> None:
    aborted = await cases.open(status="aborted")
    held = await cases.open(status="under_investigation")
    await put_on_hold(cases, held)

    await cases.publish(requested(aborted))
    await handled(cases, await cases.publish(requested(held)))

    for case_id, status in ((aborted, "aborted"), (held, "on_hold")):
        case = await cases.case(case_id)
        assert (case.status, case.term_ends_on) == (status, TERM)
        assert rows(await cases.history(case_id))[-1][:3] == (
            "information_requested",
            "staff-3",
            None,
        )
    assert [c["data"]["transition"] for c in await status_changes(cases, held)] == ["put_on_hold"]


async def test_a_repeated_delivery_has_one_effect(cases: Cases) -> None:
    case_id = await cases.open(status="awaiting_data")
    given = await cases.publish(advice(case_id))
    await until(cases, case_id, lambda c: c.status == "advice_ready")
    decided = await cases.publish(decision(case_id))
    await until(cases, case_id, lambda c: c.status == "decided_granted")

    # The broker delivers both again (the same envelopes), and then something new.
    await cases.publish(advice(case_id), envelope=given)
    await cases.publish(decision(case_id), envelope=decided)
    await handled(cases, await cases.publish(delivered(case_id)))

    assert [h.action for h in await cases.history(case_id)] == [
        "opened",
        "advice_ready",
        "decided",
        "data_delivered",
    ]
    assert [c["data"]["transition"] for c in await status_changes(cases, case_id)] == [
        "advice_ready",
        "decided",
    ]


async def test_an_event_for_an_unknown_case_does_not_block_the_queue(cases: Cases) -> None:
    known = await cases.open(status="advice_ready")
    stranger, elsewhere = uuid.uuid4(), await cases.open(municipality=ROTTERDAM)

    unknown = await cases.publish(decision(stranger))
    other_municipality = await cases.publish(advice(elsewhere))  # not Rotterdam's, says Amsterdam
    await cases.publish(decision(known))

    await until(cases, known, lambda c: c.status == "decided_granted")
    await handled(cases, unknown, other_municipality)  # acked at once: neither retried nor parked
    async with cases.database.transaction() as session:
        strangers = await session.scalar(
            select(func.count()).select_from(CaseHistory).where(CaseHistory.case_id == stranger)
        )
    assert strangers == 0
    case = await cases.case(elsewhere)
    assert (case.status, case.advice) == ("received", None)
    assert [h.action for h in await cases.history(elsewhere)] == ["opened"]


@pytest.mark.parametrize("linger_seconds", [1.0])
async def test_a_batch_of_mixed_events_ends_as_one_at_a_time(cases: Cases) -> None:
    """Published together, the events of a queue arrive in one batch (the consumer waits a
    second for it to fill); each is applied in order, repeats and strangers included."""
    fresh, held, ready, idle = (
        await cases.open(),
        await cases.open(status="awaiting_data"),
        await cases.open(status="advice_ready"),
        await cases.open(status="awaiting_data"),
    )
    await put_on_hold(cases, held)
    await put_on_hold(cases, idle)
    request = uuid.uuid4()

    given = Envelope.wrap(advice(fresh), correlation_id="batch")
    for event, envelope in (
        (session_started(fresh), None),
        (delivered(fresh), None),
        (advice(fresh), given),
        (advice(fresh), given),
        (delivered(held), None),
        (advice(uuid.uuid4()), None),
        (delivered(fresh, municipality=ROTTERDAM), None),
        (advice(held, "reject"), None),
        (decision(fresh), None),
        (requested(ready, request_id=request), None),
        (term_expired(ready, request), None),
        (document(idle), None),
    ):
        await cases.publish(event, envelope=envelope)

    await until(cases, fresh, lambda c: c.status == "decided_granted")
    await until(cases, held, lambda c: c.status == "advice_ready")
    await until(cases, idle, lambda c: c.status == "awaiting_data")
    await until(cases, ready, lambda c: c.term_ends_on == TERM)

    assert [h.action for h in await cases.history(fresh)] == [
        "opened",
        "awaiting_data",
        "data_delivered",
        "advice_ready",
        "decided",
    ]
    assert [h.action for h in await cases.history(held)][2:] == [
        "data_delivered",
        "hold_lifted",
        "advice_ready",
    ]
    assert (await cases.case(held)).advice == "reject"

    async def noted() -> bool:
        return [h.action for h in await cases.history(ready)] == [
            "opened",
            "investigation_started",
            "term_expired",
        ]

    await cases.eventually(noted)
    assert [h.action for h in await cases.history(idle)][-2:] == [
        "document_received",
        "hold_lifted",
    ]
    assert [c["data"]["to_status"] for c in await status_changes(cases, fresh)] == [
        "awaiting_data",
        "advice_ready",
        "decided_granted",
    ]
