"""The assessment through the running system: an application becomes a case, the assessment
invites the resident through Ockto (the simulator), the resident consents on the phone page,
the signed delivery comes in through the gateway, the advice shows on the case, a beslisser
decides; a municipality that checks afterwards has its application decided at once."""

from __future__ import annotations

import io
import json
import re
import uuid
from typing import Any

import httpx
import pikepdf
import pytest

from demodata import ApplicationFactory
from demodata.system import LocalSystem

from .e2e_support import Readers, api_key, eventually, publish_as_website

pytestmark = pytest.mark.e2e
VOORAF, ACHTERAF = "9201", "9202"


async def _case_id(api: httpx.AsyncClient, readers: Readers, code: str, number: str) -> str:
    found: list[str] = []
    headers = await readers.headers(code)

    async def opened() -> bool:
        page = await api.get(
            "/api/v1/cases", params={"municipality": code, "q": number}, headers=headers
        )
        assert page.status_code == 200, page.text
        found[:] = [item["id"] for item in page.json()["items"]]
        return len(found) == 1

    await eventually(opened)
    return found[0]


async def _assessment(
    api: httpx.AsyncClient, case_id: str, headers: dict[str, str]
) -> dict[str, Any]:
    response = await api.get(f"/api/v1/cases/{case_id}/assessment", headers=headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_application_to_session_to_delivery_to_advice_to_decision(
    system: LocalSystem, api: httpx.AsyncClient, readers: Readers
) -> None:
    system.admin_all(
        ["org", "add-municipality", VOORAF, "Toetsdorp"],
        ["org", "add-municipality", ACHTERAF, "Nakijkstad"],
    )
    handler = await api_key(system, VOORAF, "behandelaar")
    decider = await api_key(system, VOORAF, "beslisser")
    manager = await api_key(system, ACHTERAF, "functioneel_beheerder")
    key_achteraf = await api_key(system, ACHTERAF, "raadpleger")
    system.wait_until_municipalities_known((VOORAF, ACHTERAF))

    async def parameters_known() -> bool:
        return (
            await api.get(f"/api/v1/municipalities/{ACHTERAF}/parameters", headers=manager)
        ).status_code == 200

    await eventually(parameters_known)
    afterwards = await api.post(
        f"/api/v1/municipalities/{ACHTERAF}/parameters",
        json={"valid_from": "2026-01-02", "check_moment": "achteraf"},
        headers=manager,
    )
    assert afterwards.status_code == 201, afterwards.text

    factory = ApplicationFactory(seed=92, number_offset=9_200_000)
    bodies = [factory.body(VOORAF, city="Toetsdorp"), factory.body(ACHTERAF, city="Nakijkstad")]
    numbers = [json.loads(b)["application"]["application_number"] for b in bodies]
    await publish_as_website(system.amqp_url, bodies)
    case_id = await _case_id(api, readers, VOORAF, numbers[0])
    decided_at_once = await _case_id(api, readers, ACHTERAF, numbers[1])

    invited: dict[str, Any] = {}

    async def session_started() -> bool:
        response = await api.get(f"/api/v1/cases/{case_id}/assessment", headers=handler)
        if response.status_code == 404:  # the assessment has not heard of the case yet
            return False
        sessions = response.json()["sessions"]
        invited.update(sessions[0] if sessions and sessions[0]["state"] == "invited" else {})
        return bool(invited)

    await eventually(session_started)
    async with httpx.AsyncClient(timeout=30) as phone:
        page = await phone.get(invited["url"])
        assert page.status_code == 200
        assert "Gegevens delen met uw gemeente" in page.text
        assert "gemeente Toetsdorp" in page.text
        action = re.search(r'action="([^"]+)"', page.text)
        assert action is not None
        consented = await phone.post(
            httpx.URL(invited["url"]).join(action.group(1)),
            data={"scenario": "wages_under_limit", "toestemming": "ja"},
        )
    assert consented.status_code == 200, consented.text
    assert "Gelukt" in consented.text

    advised: dict[str, Any] = {}

    async def advice_shown() -> bool:
        advised.update(await _assessment(api, case_id, handler))
        return advised.get("advice") is not None

    await eventually(advice_shown)
    assert advised["sessions"][0]["state"] == "delivered"
    assert advised["advice"]["advice"] == "grant"
    assert advised["advice"]["explanation"][-1] == "Daarom is het advies: toekennen."
    assert advised["data"][0]["origin"] == "ockto"

    not_a_decider = await api.post(
        f"/api/v1/cases/{case_id}/decision", json={"outcome": "granted"}, headers=handler
    )
    decided = await api.post(
        f"/api/v1/cases/{case_id}/decision", json={"outcome": "granted"}, headers=decider
    )
    assert not_a_decider.status_code == 403
    assert decided.status_code == 201, decided.text
    assert (await _assessment(api, case_id, decider))["decision"]["outcome"] == "granted"

    async def case_followed(case: str, status: str) -> bool:
        response = await api.get(f"/api/v1/cases/{case}", headers=await readers.headers(VOORAF))
        return bool(response.json()["status"] == status)

    # The case follows the assessment: advice_ready with the advice, then the decision.
    await eventually(lambda: case_followed(case_id, "decided_granted"))

    async def decided_by_system() -> bool:
        response = await api.get(
            f"/api/v1/cases/{decided_at_once}/assessment", headers=key_achteraf
        )
        decision = response.json().get("decision") if response.status_code == 200 else None
        return decision is not None and decision["basis"] == "without_investigation"

    await eventually(decided_by_system)
    assert (await _assessment(api, decided_at_once, key_achteraf))["sessions"] == []


async def test_evidence_named_the_moment_it_is_stored_is_accepted(
    system: LocalSystem, api: httpx.AsyncClient, readers: Readers
) -> None:
    """Staff see a document on the case the moment the documents service stores it, and may
    enter figures from it before `documents.document.added` reaches the assessment. The
    assessment then asks the documents service instead of refusing the document as not the
    case's (the browser's third journey met that refusal once under load)."""
    code = "9203"
    system.admin("org", "add-municipality", code, "Bewijsdorp")
    system.wait_until_municipalities_known((code,))
    handler = await api_key(system, code, "behandelaar")
    factory = ApplicationFactory(seed=93, number_offset=9_300_000)
    body = factory.body(code, city="Bewijsdorp")
    await publish_as_website(system.amqp_url, [body])
    case_id = await _case_id(
        api, readers, code, json.loads(body)["application"]["application_number"]
    )

    async def assessment_knows_the_case() -> bool:
        response = await api.get(f"/api/v1/cases/{case_id}/assessment", headers=handler)
        return response.status_code == 200

    await eventually(assessment_knows_the_case)
    pdf = pikepdf.new()
    pdf.add_blank_page()
    content = io.BytesIO()
    pdf.save(content)
    entries = []
    for month in ("september", "oktober"):
        stored = await api.post(
            f"/api/v1/cases/{case_id}/documents",
            data={"kind": "payslip"},
            files={"file": (f"loonstrook {month}.pdf", content.getvalue(), "application/pdf")},
            headers=handler,
        )
        assert stored.status_code == 201, stored.text
        # At once, as a clerk who clicks on: the event may or may not have arrived.
        entries.append(
            await api.put(
                f"/api/v1/cases/{case_id}/manual-data",
                json={
                    "persons": ["applicant"],
                    "incomes": [
                        {
                            "person": "applicant",
                            "kind": "wages",
                            "payer": "Bakkerij Van Dijk",
                            "period_start": "2026-10-01",
                            "period_end": "2026-10-31",
                            "frequency": "monthly",
                            "net_amount": "1250.00",
                            "holiday_allowance_included": False,
                            "document_ids": [stored.json()["id"]],
                        }
                    ],
                },
                headers=handler,
            )
        )
    assert [entry.status_code for entry in entries] == [200, 200], [e.text for e in entries]
    other_case = await api.put(
        f"/api/v1/cases/{case_id}/manual-data",
        json={"persons": ["applicant"], "document_ids": [str(uuid.uuid4())]},
        headers=handler,
    )
    assert other_case.status_code == 422
    assert "document_ids.0" in other_case.text
