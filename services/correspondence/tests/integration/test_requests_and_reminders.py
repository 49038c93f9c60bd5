"""Information requests, reminders and terms, with the service's clock moved (never waited)."""

from __future__ import annotations

import datetime as dt
import uuid
from datetime import timedelta

from contracts.assessment import DataDelivered
from contracts.documents import DocumentAdded
from servicekit.testing import eventually

from .conftest import Correspondence
from .helpers import opened, received_for, session_started
from .support import BEHANDELAAR, CODE, ROTTERDAM, publish


async def events(correspondence: Correspondence, routing_key: str) -> list[dict]:  # type: ignore[type-arg]
    rows = await correspondence.rows(
        "SELECT envelope FROM outbox WHERE routing_key = :k ORDER BY id", k=routing_key
    )
    return [row.envelope["data"] for row in rows]


async def test_information_request_letter_term_and_expiry(correspondence: Correspondence) -> None:
    case = await opened(correspondence)
    await received_for(correspondence, case.case_id)
    headers = correspondence.headers(BEHANDELAAR)
    response = await correspondence.client.post(
        f"/cases/{case.case_id}/information-requests",
        json={
            "items": ["loonstroken van september en oktober", "bankafschrift"],
            "term_days": 14,
            "message": "Graag alle pagina's.",
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    request = response.json()
    term = dt.date.fromisoformat(request["term_ends_on"])
    messages = await received_for(correspondence, case.case_id, 2)
    text = messages[-1].message().get_body(preferencelist=("plain",)).get_content()
    assert "loonstroken van september en oktober" in text
    assert "Graag alle pagina's." in text
    from correspondence.templates.fields import long_date

    assert long_date(term) in text
    (requested,) = await events(correspondence, "correspondence.information.requested")
    assert requested["term_ends_on"] == term.isoformat()
    assert requested["case_id"] == str(case.case_id)
    other = await correspondence.client.post(
        f"/cases/{case.case_id}/information-requests",
        json={"items": ["x"]},
        headers=correspondence.headers(ROTTERDAM),
    )
    assert other.status_code == 404
    # The term passes without the information: the case is signalled, once.
    correspondence.clock.advance(timedelta(days=16))
    await correspondence.tick()
    await correspondence.tick()
    (expired,) = await events(correspondence, "correspondence.term.expired")
    assert expired["request_id"] == request["id"]
    assert expired["term_ended_on"] == term.isoformat()
    reminders = await correspondence.rows("SELECT id FROM letters WHERE kind = 'reminder'")
    assert len(reminders) == 1  # the one reminder before the end of the term


async def test_reminder_fires_once_after_fourteen_days_without_data(
    correspondence: Correspondence,
) -> None:
    case = await opened(correspondence)
    await publish(correspondence.bus, session_started(case))
    await received_for(correspondence, case.case_id, 2)  # acknowledgement + invitation
    correspondence.clock.advance(timedelta(days=13, hours=23))
    await correspondence.tick()
    assert await correspondence.scalar("SELECT count(*) FROM letters WHERE kind = 'reminder'") == 0
    correspondence.clock.advance(timedelta(hours=2))
    for _ in range(3):
        await correspondence.tick()
    messages = await received_for(correspondence, case.case_id, 3)
    assert messages[-1].message()["Subject"] == "Herinnering: wij wachten nog op uw gegevens"
    correspondence.clock.advance(timedelta(days=30))
    await correspondence.tick()
    assert await correspondence.scalar("SELECT count(*) FROM letters WHERE kind = 'reminder'") == 1
    response = await correspondence.client.get(
        f"/cases/{case.case_id}/correspondence", headers=correspondence.headers(BEHANDELAAR)
    )
    assert [s["status"] for s in response.json()["schedules"]] == ["fired"]


async def test_data_or_documents_arriving_cancel_the_reminder(
    correspondence: Correspondence,
) -> None:
    with_data = await opened(correspondence)
    with_document = await opened(correspondence)
    await publish(correspondence.bus, session_started(with_data), session_started(with_document))
    await received_for(correspondence, with_data.case_id, 2)
    await received_for(correspondence, with_document.case_id, 2)
    now = dt.datetime.now(dt.UTC)
    await publish(
        correspondence.bus,
        DataDelivered(
            case_id=with_data.case_id,
            municipality_code=CODE,
            source="ockto",
            recorded_by="ockto",
            delivered_at=now,
        ),
        DocumentAdded(
            document_id=uuid.uuid4(),
            case_id=with_document.case_id,
            municipality_code=CODE,
            kind="payslip",
            source="resident",
            content_type="application/pdf",
            size_bytes=1000,
            added_by="resident",
            added_at=now,
        ),
    )

    async def cancelled() -> bool:
        return (
            await correspondence.scalar("SELECT count(*) FROM schedules WHERE status = 'cancelled'")
            == 2
        )

    await eventually(cancelled)
    correspondence.clock.advance(timedelta(days=20))
    await correspondence.tick()
    assert await correspondence.scalar("SELECT count(*) FROM letters WHERE kind = 'reminder'") == 0


async def test_documents_answer_an_open_request(correspondence: Correspondence) -> None:
    case = await opened(correspondence)
    response = await correspondence.client.post(
        f"/cases/{case.case_id}/information-requests",
        json={"items": ["loonstrook"]},
        headers=correspondence.headers(BEHANDELAAR),
    )
    assert response.status_code == 201
    our_letter = DocumentAdded(  # our own archived letter does not count
        document_id=uuid.uuid4(),
        case_id=case.case_id,
        municipality_code=CODE,
        kind="letter",
        source="system",
        content_type="application/pdf",
        size_bytes=1000,
        added_by="service:correspondence",
        added_at=dt.datetime.now(dt.UTC),
    )
    upload = our_letter.model_copy(
        update={"kind": "payslip", "source": "resident", "document_id": uuid.uuid4()}
    )
    await publish(correspondence.bus, our_letter, upload)

    async def received() -> bool:
        return bool(await events(correspondence, "correspondence.information.received"))

    await eventually(received)
    assert len(await events(correspondence, "correspondence.information.received")) == 1
    correspondence.clock.advance(timedelta(days=20))
    await correspondence.tick()
    assert await events(correspondence, "correspondence.term.expired") == []
