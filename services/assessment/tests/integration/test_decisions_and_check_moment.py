"""Decisions (roles, reasons, motivation, four eyes, scope), the check moment *achteraf*, the
file check, and the parameters (default, versions refused field by field, which applies)."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime

from openpyxl import Workbook
from sqlalchemy import text

from contracts.cases import CaseAssigned

from .conftest import Assessment
from .support import (
    count,
    delivery_body,
    events,
    household,
    invited_session,
    open_case,
    post_delivery,
    publish,
    register,
    staff,
    view,
)

BESLISSER = staff("beslisser", subject="beslisser-a")
OTHER_BESLISSER = staff("beslisser", subject="beslisser-b")
BEHEERDER = staff("functioneel_beheerder")


async def _with_advice(assessment: Assessment, scenario: str = "wages_under_limit") -> uuid.UUID:
    case_id, home = await open_case(assessment)
    session_id = await invited_session(assessment, case_id)
    response = await post_delivery(assessment, delivery_body(session_id, home, scenario))
    assert response.status_code == 200, response.text
    return case_id


async def _decide(
    assessment: Assessment, case_id: uuid.UUID, principal: object, **body: object
) -> object:
    return await assessment.client.post(
        f"/cases/{case_id}/decision",
        json=body,
        headers=assessment.headers(principal),  # type: ignore[arg-type]
    )


async def test_a_beslisser_decides_with_the_fixed_reasons_and_a_motivation_when_it_differs(
    assessment: Assessment,
) -> None:
    await register(assessment, "0363")
    granted = await _with_advice(assessment)
    rejected = await _with_advice(assessment, "savings_above_limit")

    no_role = await _decide(assessment, granted, staff("behandelaar"), outcome="granted")
    outside = await _decide(assessment, granted, staff("beslisser", "0599"), outcome="granted")
    differs = await _decide(
        assessment, granted, BESLISSER, outcome="rejected", reasons=["income_too_high"]
    )
    no_reason = await _decide(assessment, rejected, BESLISSER, outcome="rejected")
    custom_no_text = await _decide(
        assessment, rejected, BESLISSER, outcome="rejected", reasons=["custom"]
    )
    ok = await _decide(assessment, granted, BESLISSER, outcome="granted")
    twice = await _decide(assessment, granted, BESLISSER, outcome="granted")
    with_motivation = await _decide(
        assessment,
        rejected,
        BESLISSER,
        outcome="rejected",
        reasons=["assets_too_high", "custom"],
        custom_reason="Er is ook een auto van hoge waarde.",
    )

    assert [r.status_code for r in (no_role, outside, differs, no_reason, custom_no_text)] == [
        403,
        404,
        422,
        422,
        422,
    ]  # type: ignore[attr-defined]
    assert "motivation" in differs.json()["detail"]  # type: ignore[attr-defined]
    assert (ok.status_code, twice.status_code, with_motivation.status_code) == (201, 409, 201)  # type: ignore[attr-defined]
    recorded = [e["data"] for e in await events(assessment, "assessment.decision.recorded")]
    assert [
        (d["outcome"], d["basis"], d["advice"], d["differs_from_advice"]) for d in recorded
    ] == [
        ("granted", "assessment", "grant", False),
        ("rejected", "assessment", "reject", False),
    ]
    assert recorded[1]["reasons"] == ["assets_too_high", "custom"]
    assert recorded[0]["effective_from"] == "2027-01-01"
    assert (await view(assessment, granted, BESLISSER))["decision"]["decided_by"] == "beslisser-a"


async def test_with_four_eyes_the_one_who_prepared_the_case_cannot_decide_it(
    assessment: Assessment,
) -> None:
    await register(assessment, "0363")
    version = await assessment.client.post(
        "/municipalities/0363/parameters",
        json={"valid_from": "2026-01-02", "four_eyes": True},
        headers=assessment.headers(BEHEERDER),
    )
    assert version.status_code == 201, version.text
    case_id = await _with_advice(assessment)
    assigned = await _with_advice(assessment)
    recomputed = await assessment.client.post(
        f"/cases/{case_id}/advice", headers=assessment.headers(BESLISSER)
    )
    assert recomputed.status_code == 200, recomputed.text
    await publish(
        assessment,
        CaseAssigned(
            case_id=assigned,
            municipality_code="0363",
            assignee="beslisser-b",
            previous_assignee=None,
            assigned_by="teamleider",
            assigned_at=datetime.now(UTC),
        ),
    )

    async def assigned_known() -> bool:
        return await count(assessment, "case_preparers", subject="beslisser-b") == 1

    from servicekit.testing import eventually

    await eventually(assigned_known)
    preparer = await _decide(assessment, case_id, BESLISSER, outcome="granted")
    assignee = await _decide(assessment, assigned, OTHER_BESLISSER, outcome="granted")
    assert (await view(assessment, case_id, BESLISSER))["may_decide"] is False
    other = await _decide(assessment, case_id, OTHER_BESLISSER, outcome="granted")
    assert (preparer.status_code, assignee.status_code, other.status_code) == (403, 403, 201)  # type: ignore[attr-defined]
    assert "vier ogen" in preparer.json()["detail"]  # type: ignore[attr-defined]
    # Every advice said so, for the cases service's work list ("wacht op een tweede persoon").
    advices = await events(assessment, "assessment.advice.given")
    assert {advice["data"]["four_eyes"] for advice in advices} == {True}


async def test_achteraf_toetsen_decides_a_new_application_at_once(assessment: Assessment) -> None:
    await register(assessment, "0363")
    response = await assessment.client.post(
        "/municipalities/0363/parameters",
        json={"valid_from": "2026-01-02", "check_moment": "achteraf"},
        headers=assessment.headers(BEHEERDER),
    )
    assert response.status_code == 201, response.text
    case_id, _ = await open_case(assessment)
    re_examination, _ = await open_case(assessment, kind="re_examination")

    async def decided() -> bool:
        return len(await events(assessment, "assessment.decision.recorded")) == 1

    from servicekit.testing import eventually

    await eventually(decided)
    (decision,) = [e["data"] for e in await events(assessment, "assessment.decision.recorded")]
    assert (
        decision["case_id"],
        decision["outcome"],
        decision["basis"],
        decision["decided_by"],
    ) == (
        str(case_id),
        "granted",
        "without_investigation",
        "system",
    )
    await invited_session(assessment, re_examination)
    assert await count(assessment, "data_sessions") == 1


async def test_a_file_check_decides_a_listed_applicant_without_a_session(
    assessment: Assessment,
) -> None:
    await register(assessment, "0363")
    listed, unlisted = household(), household()
    csv = f"bsn\n{listed.applicant.bsn}\n123456789\n{listed.applicant.bsn}\n\n".encode()
    first = await assessment.client.post(
        "/municipalities/0363/file-check",
        files={"file": ("lijst.csv", csv, "text/csv")},
        headers=assessment.headers(BEHEERDER),
    )
    assert first.status_code == 201, first.text
    report = first.json()
    assert (
        report["rows_total"],
        report["rows_valid"],
        report["rows_rejected"],
        report["rows_duplicate"],
    ) == (3, 1, 1, 1)
    assert [(r["line"], r["outcome"]) for r in report["rows"]] == [
        (2, "valid"),
        (3, "rejected"),
        (4, "duplicate"),
    ]
    async with assessment.database.sessions() as session:
        stored = await session.scalar(
            text("SELECT string_agg(bsn_hash, ',') FROM file_check_entries")
        )
    assert listed.applicant.bsn not in (stored or "")

    case_id, _ = await open_case(assessment, home=listed)
    other, _ = await open_case(assessment, home=unlisted)
    await invited_session(assessment, other)
    (decision,) = [e["data"] for e in await events(assessment, "assessment.decision.recorded")]
    assert (decision["case_id"], decision["basis"]) == (str(case_id), "file_check")
    assert await count(assessment, "data_sessions", case_id=case_id) == 0

    book = Workbook()
    book.active.append(["BSN"])
    book.active.append([int(unlisted.applicant.bsn)])
    buffer = io.BytesIO()
    book.save(buffer)
    replaced = await assessment.client.post(
        "/municipalities/0363/file-check",
        files={"file": ("lijst.xlsx", buffer.getvalue(), "application/octet-stream")},
        headers=assessment.headers(BEHEERDER),
    )
    assert replaced.status_code == 201, replaced.text
    assert replaced.json()["rows_valid"] == 1
    assert await count(assessment, "file_check_entries") == 1
    csv_report = await assessment.client.get(
        "/municipalities/0363/file-check/report.csv", headers=assessment.headers(BEHEERDER)
    )
    assert csv_report.text.startswith("\ufeffregel;uitkomst;reden")
    pdf = await assessment.client.post(
        "/municipalities/0363/file-check",
        files={"file": ("lijst.xlsx", b"%PDF-1.4 nope", "application/pdf")},
        headers=assessment.headers(BEHEERDER),
    )
    assert pdf.status_code == 415


async def test_parameters_are_refused_field_by_field_and_a_new_version_keeps_old_advice(
    assessment: Assessment,
) -> None:
    await register(assessment, "0363")
    headers = assessment.headers(BEHEERDER)
    listed = await assessment.client.get("/municipalities/0363/parameters", headers=headers)
    (default,) = listed.json()["versions"]
    assert default["valid_from"] == "2026-01-01"
    assert default["values"]["income_percentage"] == "120"
    assert default["values"]["check_moment"] == "vooraf"
    assert default["values"]["asset_test"] is True
    assert default["values"]["four_eyes"] is False
    assert default["values"]["norms"]["single_working_age"] == "1401.50"

    async def refused(body: dict[str, object]) -> list[str]:
        response = await assessment.client.post(
            "/municipalities/0363/parameters", json=body, headers=headers
        )
        assert response.status_code == 422, response.text
        return [e["field"] for e in response.json()["errors"]]

    assert await refused({"valid_from": "2026-03-01", "income_percentage": 0}) == [
        "income_percentage"
    ]
    assert await refused({"valid_from": "2026-03-01", "income_percentage": 1000}) == [
        "income_percentage"
    ]
    assert await refused(
        {
            "valid_from": "2026-03-01",
            "asset_limits": {"single": -1, "single_parent": 16000, "couple": 16000},
        }
    ) == ["asset_limits.single"]
    assert await refused({"valid_from": "2026-01-01"}) == ["valid_from"]
    assert await refused({"valid_from": "2025-06-01", "margin_percent": 99}) == [
        "valid_from",
        "margin_percent",
    ]
    wrong_role = await assessment.client.post(
        "/municipalities/0363/parameters",
        json={"valid_from": "2026-03-01"},
        headers=assessment.headers(BESLISSER),
    )
    assert wrong_role.status_code == 403

    case_id = await _with_advice(assessment)
    before = (await view(assessment, case_id, BESLISSER))["advice"]
    added = await assessment.client.post(
        "/municipalities/0363/parameters",
        json={
            "valid_from": datetime.now(UTC).date().isoformat(),
            "income_percentage": 110,
            "note": "Raadsbesluit",
        },
        headers=headers,
    )
    assert added.status_code == 201, added.text
    after = (await view(assessment, case_id, BESLISSER))["advice"]
    assert after == before
    assert after["parameter_version_id"] == default["id"]
    versions = (
        await assessment.client.get(
            "/municipalities/0363/parameters", params={"on": "2026-02-01"}, headers=headers
        )
    ).json()
    assert versions["versions"][0]["valid_until"] is not None
    assert versions["applicable_version_id"] == default["id"]
    trail = (
        await assessment.client.get("/municipalities/0363/parameters/audit", headers=headers)
    ).json()
    assert [(t["action"], t["actor"]) for t in trail][:2] == [
        ("created", BEHEERDER.subject),
        ("closed", BEHEERDER.subject),
    ]
    assert trail[0]["changes"]["income_percentage"] == {"from": "120", "to": "110"}
    unknown = await assessment.client.get(
        "/municipalities/0599/parameters",
        headers=assessment.headers(staff("functioneel_beheerder", "0599")),
    )
    assert unknown.status_code == 404
