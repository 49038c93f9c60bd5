"""Manual entry from uploaded evidence: linked to the case's documents, checked, marked manual,
and combined with Ockto data per person (a partner missing from the delivery)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from contracts.documents import DocumentAdded
from servicekit.testing import eventually

from .conftest import Assessment
from .support import (
    count,
    delivery_body,
    household,
    invited_session,
    open_case,
    post_delivery,
    publish,
    register,
    staff,
    view,
)

HANDLER = staff("behandelaar", subject="beh-1")


def _income(person: str, amount: str, documents: list[str]) -> dict[str, object]:
    return {
        "person": person,
        "kind": "wages",
        "payer": "Bakkerij Van Dijk",
        "period_start": "2026-11-01",
        "period_end": "2026-11-30",
        "frequency": "monthly",
        "net_amount": amount,
        "holiday_allowance_included": True,
        "document_ids": documents,
    }


async def test_staff_enter_figures_from_evidence_and_the_advice_follows(
    assessment: Assessment,
) -> None:
    await register(assessment, "0363")
    home = household(partner=True)
    case_id, _ = await open_case(
        assessment, home=home, submitted_at=datetime(2026, 12, 2, 9, tzinfo=UTC)
    )
    session_id = await invited_session(assessment, case_id)
    body = delivery_body(session_id, home, reference=date(2026, 12, 2))
    body["persons"] = body["persons"][:1]
    body["incomes"] = [i for i in body["incomes"] if i["person"] == "applicant"]
    assert (await post_delivery(assessment, body)).status_code == 200
    assert (await view(assessment, case_id, HANDLER))["advice"]["reasons"] == ["data_incomplete"]

    document_id = uuid.uuid4()
    await publish(
        assessment,
        DocumentAdded(
            document_id=document_id,
            case_id=case_id,
            municipality_code="0363",
            kind="payslip",
            source="resident",
            content_type="application/pdf",
            size_bytes=1200,
            added_by="resident",
            added_at=datetime.now(UTC),
        ),
    )

    async def known() -> bool:
        return await count(assessment, "case_documents") == 1

    await eventually(known)
    url = f"/cases/{case_id}/manual-data"
    headers = assessment.headers(HANDLER)
    unknown_document = await assessment.client.put(
        url,
        json={
            "persons": ["partner"],
            "incomes": [_income("partner", "640.00", [str(uuid.uuid4())])],
        },
        headers=headers,
    )
    future = await assessment.client.put(
        url,
        json={
            "persons": ["partner"],
            "incomes": [
                {
                    **_income("partner", "640.00", []),
                    "period_start": "2099-01-01",
                    "period_end": "2099-01-31",
                }
            ],
        },
        headers=headers,
    )
    negative = await assessment.client.put(
        url,
        json={"persons": ["partner"], "incomes": [_income("partner", "-5.00", [])]},
        headers=headers,
    )
    entered = await assessment.client.put(
        url,
        json={
            "persons": ["partner"],
            "incomes": [_income("partner", "640.00", [str(document_id)])],
        },
        headers=headers,
    )
    reader = await assessment.client.put(
        url, json={"persons": ["partner"]}, headers=assessment.headers(staff("raadpleger"))
    )

    assert unknown_document.status_code == 422
    assert "document_ids.0" in unknown_document.json()["detail"]
    assert future.status_code == 422
    assert negative.status_code == 422
    assert reader.status_code == 403
    assert entered.status_code == 200, entered.text
    advice = entered.json()["advice"]
    assert advice["advice"] == "grant"
    per_person = {
        p["person"]: (p["origin"], p["monthly"]) for p in advice["figures"]["income"]["per_person"]
    }
    assert per_person == {"applicant": ("ockto", "1352.16"), "partner": ("manual", "640.00")}
    seen = await view(assessment, case_id, HANDLER)
    assert [d["origin"] for d in seen["data"]] == ["manual", "ockto"]
    assert seen["data"][0]["incomes"][0]["document_ids"] == [str(document_id)]
    assert await count(assessment, "case_preparers", subject="beh-1", how="entered_data") == 1


async def test_a_corrected_household_recomputes_the_advice(assessment: Assessment) -> None:
    from contracts.cases import CaseHouseholdCorrected

    await register(assessment, "0363")
    case_id, home = await open_case(assessment)
    session_id = await invited_session(assessment, case_id)
    assert (await post_delivery(assessment, delivery_body(session_id, home))).status_code == 200
    with_partner = household(partner=True)
    corrected = home.model_copy(update={"partner": with_partner.partner})
    await publish(
        assessment,
        CaseHouseholdCorrected(
            case_id=case_id,
            municipality_code="0363",
            revision=2,
            adults=2,
            persons=2,
            household=corrected,
        ),
    )

    async def recomputed() -> bool:
        return await count(assessment, "advices") == 2

    await eventually(recomputed)
    seen = await view(assessment, case_id, HANDLER)
    assert seen["advice"]["advice"] == "investigate"
    assert seen["advice"]["trigger"] == "household_corrected"
    assert seen["advice"]["reasons"] == ["data_incomplete"]
    assert seen["advice"]["figures"]["household_type"] == "couple"
    assert [a["advice"] for a in seen["advice_history"]] == ["investigate", "grant"]
