"""Status transitions over HTTP: who may do what from where, and what each step records."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from cases.handling.workflow import DECIDE_IN_ASSESSMENT
from cases.models import CaseHistory
from contracts.assessment import DecisionRecorded

if TYPE_CHECKING:
    from conftest import Cases

AMSTERDAM = "0363"
ROTTERDAM = "0599"


async def test_a_behandelaar_moves_a_case_on_and_every_step_is_recorded(cases: Cases) -> None:
    case_id = await cases.open()
    response = await cases.transition(
        case_id, "awaiting_data", reason="Ockto-uitnodiging verstuurd"
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"] == str(case_id)
    assert body["status"] == "awaiting_data"
    assert "advice_ready" in body["allowed_transitions"]
    assert "decided_granted" not in body["allowed_transitions"]  # not for a behandelaar
    case = await cases.case(case_id)
    assert case.status_changed_at == datetime.fromisoformat(body["status_changed_at"])

    history = await cases.client.get(f"/cases/{case_id}/history", headers=cases.headers())
    assert history.status_code == 200
    last = history.json()[-1]
    assert {k: last[k] for k in ("action", "actor", "from_status", "to_status", "reason")} == {
        "action": "awaiting_data",
        "actor": "staff-1",
        "from_status": "received",
        "to_status": "awaiting_data",
        "reason": "Ockto-uitnodiging verstuurd",
    }
    [event] = await cases.events("cases.case.status_changed")
    assert event["case_id"] == str(case_id)
    assert (event["from_status"], event["to_status"], event["actor"]) == (
        "received",
        "awaiting_data",
        "staff-1",
    )
    assert event["municipality_code"] == AMSTERDAM
    assert "reason" not in event  # free text stays in the case file


async def test_a_decision_comes_from_the_assessment_never_through_a_transition(
    cases: Cases,
) -> None:
    case_id = await cases.open()

    early = await cases.transition(case_id, "decided_granted", "beslisser")
    assert early.status_code == 409
    assert early.json() == {"detail": DECIDE_IN_ASSESSMENT}

    assert (await cases.transition(case_id, "advice_ready")).status_code == 200
    refused = await cases.transition(case_id, "decided_granted", "behandelaar")
    assert refused.status_code == 403
    assert refused.json() == {
        "detail": "Uw rol behandelaar mag een aanvraag niet toekennen; dat mag alleen een beslisser."
    }
    direct = await cases.transition(case_id, "decided_rejected", "beslisser")
    assert direct.status_code == 409
    assert direct.json()["detail"].startswith("Een besluit neemt u bij de beoordeling van de case")
    handling = await cases.client.get(
        f"/cases/{case_id}/handling", headers=cases.headers("beslisser")
    )
    assert handling.json()["allowed_transitions"] == ["on_hold", "under_investigation", "aborted"]
    assert (await cases.case(case_id)).status == "advice_ready"

    await cases.publish(
        DecisionRecorded(
            decision_id=uuid.uuid4(),
            case_id=case_id,
            municipality_code=AMSTERDAM,
            outcome="granted",
            basis="assessment",
            decided_by="beslisser-2",
            decided_at=datetime.now(UTC),
        )
    )

    async def decided() -> bool:
        return (await cases.case(case_id)).status == "decided_granted"

    await cases.eventually(decided)
    handled = await cases.client.get(f"/cases/{case_id}/handling", headers=cases.headers())
    assert handled.json()["decision"] == "granted"
    assert handled.json()["handling_ended_at"] is not None
    assert handled.json()["allowed_transitions"] == ["closed"]

    again = await cases.transition(case_id, "decided_rejected", "beslisser")
    assert again.status_code == 409
    assert again.json()["detail"] == (
        "Een aanvraag met status Toegekend kan niet meer worden afgewezen."
    )
    assert (await cases.transition(case_id, "closed")).status_code == 200


@pytest.mark.parametrize("role", ["raadpleger", "auditor", "functioneel_beheerder", "operator"])
async def test_roles_that_do_not_handle_cases_may_not_change_a_status(
    cases: Cases, role: str
) -> None:
    case_id = await cases.open()
    response = await cases.transition(case_id, "awaiting_data", role)  # type: ignore[arg-type]

    assert response.status_code == 403
    assert response.json()["detail"].startswith("Uw rol ")
    assert (await cases.case(case_id)).status == "received"
    assert await cases.events("cases.case.status_changed") == []


async def test_an_aborted_case_is_restored_by_a_beslisser_only(cases: Cases) -> None:
    case_id = await cases.open(status="awaiting_data")
    aborted = await cases.transition(case_id, "aborted", reason="Aanvrager trekt aanvraag in")
    assert aborted.status_code == 200
    assert aborted.json()["handling_ended_at"] is not None

    refused = await cases.transition(case_id, "awaiting_data", "behandelaar")
    assert refused.status_code == 403
    assert "herstellen" in refused.json()["detail"]

    restored = await cases.transition(case_id, "awaiting_data", "beslisser", reason="Toch door")
    assert restored.status_code == 200, restored.text
    assert restored.json()["status"] == "awaiting_data"
    assert restored.json()["handling_ended_at"] is None
    async with cases.database.transaction() as session:
        actions = (
            await session.scalars(
                select(CaseHistory.action)
                .where(CaseHistory.case_id == case_id)
                .order_by(CaseHistory.occurred_at, CaseHistory.id)
            )
        ).all()
    assert actions == ["opened", "aborted", "restored"]


async def test_an_application_is_never_invited(cases: Cases) -> None:
    case_id = await cases.open(status="aborted")
    response = await cases.transition(case_id, "invited", "beslisser")

    assert response.status_code == 409
    assert response.json()["detail"] == "Een aanvraag kan niet de status Uitgenodigd krijgen."


async def test_unknown_statuses_and_empty_reasons_are_refused(cases: Cases) -> None:
    case_id = await cases.open()
    for body in ({"to": "granted", "reason": "x"}, {"to": "awaiting_data", "reason": "  "}, {}):
        response = await cases.client.post(
            f"/cases/{case_id}/transitions", json=body, headers=cases.headers()
        )
        assert response.status_code == 422, body
    assert (await cases.case(case_id)).status == "received"


async def test_a_case_outside_the_callers_municipalities_is_not_found(cases: Cases) -> None:
    case_id = await cases.open(municipality=ROTTERDAM)
    missing = await cases.transition(uuid.uuid4(), "awaiting_data")
    for response in (
        await cases.transition(case_id, "awaiting_data", "behandelaar", AMSTERDAM),
        missing,
        await cases.client.get(f"/cases/{case_id}/history", headers=cases.headers()),
        await cases.client.get(f"/cases/{case_id}/handling", headers=cases.headers()),
        await cases.client.get(f"/cases/{case_id}/memos", headers=cases.headers()),
        await cases.client.put(
            f"/cases/{case_id}/assignee", json={"assignee": "me"}, headers=cases.headers()
        ),
        await cases.client.put(
            f"/cases/{case_id}/hold", json={"reason": "x"}, headers=cases.headers()
        ),
    ):
        assert response.status_code == 404
        assert response.json() == missing.json() == {"detail": "case not found"}
    allowed = await cases.transition(case_id, "awaiting_data", "behandelaar", ROTTERDAM)
    assert allowed.status_code == 200


async def test_on_hold_through_the_transitions_endpoint_is_a_hold_without_end(
    cases: Cases,
) -> None:
    case_id = await cases.open(status="under_investigation")
    held = await cases.transition(case_id, "on_hold", reason="Wacht op de resident")
    assert held.status_code == 200, held.text
    assert held.json()["hold"]["until"] is None
    assert held.json()["hold"]["reason"] == "Wacht op de resident"
    assert held.json()["allowed_transitions"] == ["under_investigation", "aborted"]
    back = await cases.transition(case_id, "under_investigation", reason="Gegevens binnen")
    assert back.status_code == 200, back.text
    assert back.json()["hold"] is None
    assert (await cases.case(case_id)).held_from_status is None
