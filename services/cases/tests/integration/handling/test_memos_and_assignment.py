"""Memos (never changed, only corrected) and assignment, over HTTP."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from cases.reporting.models import AccessLog

if TYPE_CHECKING:
    from conftest import Cases


async def test_memos_are_listed_newest_first_and_corrected_not_changed(cases: Cases) -> None:
    case_id = await cases.open()
    url = f"/cases/{case_id}/memos"
    first = await cases.client.post(
        url, json={"text": "Aanvrager belde: stukken volgen per post."}, headers=cases.headers()
    )
    assert first.status_code == 201, first.text
    memo = first.json()
    assert (memo["author"], memo["organisation"], memo["corrects"]) == (
        "staff-1",
        "gemeente-test",
        None,
    )
    correction = await cases.client.post(
        url,
        json={"text": "Correctie: stukken komen per e-mail.", "corrects": memo["id"]},
        headers=cases.headers("beslisser", subject="staff-2"),
    )
    assert correction.status_code == 201, correction.text

    listed = await cases.client.get(url, headers=cases.headers("raadpleger"))
    assert listed.status_code == 200
    newest, oldest = listed.json()
    assert (newest["id"], newest["corrects"], newest["author"]) == (
        correction.json()["id"],
        memo["id"],
        "staff-2",
    )
    assert oldest == {**memo, "corrected_by": [newest["id"]]}

    memo_url = f"{url}/{memo['id']}"
    for method in ("PUT", "PATCH", "DELETE"):
        response = await cases.client.request(
            method, memo_url, json={"text": "anders"}, headers=cases.headers()
        )
        assert response.status_code in {404, 405}, method
    for method in ("PUT", "DELETE"):
        response = await cases.client.request(method, url, headers=cases.headers())
        assert response.status_code == 405, method
    assert len((await cases.client.get(url, headers=cases.headers())).json()) == 2

    async with cases.database.transaction() as session:
        logged = (
            await session.scalars(select(AccessLog.action).where(AccessLog.case_id == case_id))
        ).all()
    assert list(logged) == ["case.memos_viewed", "case.memos_viewed"]


async def test_a_correction_must_name_a_memo_of_the_same_case(cases: Cases) -> None:
    one, other = await cases.open(), await cases.open()
    foreign = await cases.client.post(
        f"/cases/{other}/memos", json={"text": "Elders"}, headers=cases.headers()
    )
    for corrects in (foreign.json()["id"], str(uuid.uuid4())):
        response = await cases.client.post(
            f"/cases/{one}/memos",
            json={"text": "Correctie", "corrects": corrects},
            headers=cases.headers(),
        )
        assert response.status_code == 422
        assert response.json() == {
            "detail": "Het memo dat u wilt corrigeren hoort niet bij deze case."
        }
    for body in ({"text": ""}, {"text": "x" * 5001}, {"text": "   "}):
        response = await cases.client.post(
            f"/cases/{one}/memos", json=body, headers=cases.headers()
        )
        assert response.status_code == 422
    assert (await cases.client.get(f"/cases/{one}/memos", headers=cases.headers())).json() == []


@pytest.mark.parametrize(
    ("role", "read", "write"),
    [
        ("raadpleger", 200, 403),
        ("auditor", 200, 403),
        ("behandelaar", 200, 201),
        ("beslisser", 200, 201),
        ("functioneel_beheerder", 200, 201),
        ("operator", 403, 403),
    ],
)
async def test_who_may_read_and_add_memos(cases: Cases, role: str, read: int, write: int) -> None:
    case_id = await cases.open()
    headers = cases.headers(role)  # type: ignore[arg-type]
    url = f"/cases/{case_id}/memos"
    assert (await cases.client.get(url, headers=headers)).status_code == read
    assert (await cases.client.post(url, json={"text": "x"}, headers=headers)).status_code == write


async def test_assignment_to_me_to_a_colleague_and_back_to_the_queue(cases: Cases) -> None:
    case_id = await cases.open()
    url = f"/cases/{case_id}/assignee"

    mine = await cases.client.put(url, json={"assignee": "me"}, headers=cases.headers())
    assert mine.status_code == 200, mine.text
    assert mine.json()["assigned_to"] == "staff-1"
    same = await cases.client.put(url, json={"assignee": "staff-1"}, headers=cases.headers())
    assert same.json()["assigned_to"] == "staff-1"
    handed = await cases.client.put(url, json={"assignee": "staff-9"}, headers=cases.headers())
    assert handed.json()["assigned_to"] == "staff-9"
    queue = await cases.client.put(url, json={"assignee": None}, headers=cases.headers())
    assert queue.json()["assigned_to"] is None
    assert (await cases.case(case_id)).assigned_to is None

    refused = await cases.client.put(
        url, json={"assignee": "me"}, headers=cases.headers("raadpleger")
    )
    assert refused.status_code == 403
    assert refused.json() == {"detail": "Uw rol raadpleger mag geen cases behandelen."}
    assert (await cases.client.put(url, json={}, headers=cases.headers())).status_code == 422

    events = await cases.events("cases.case.assigned")
    assert [(e["assignee"], e["previous_assignee"], e["assigned_by"]) for e in events] == [
        ("staff-1", None, "staff-1"),
        ("staff-9", "staff-1", "staff-1"),
        (None, "staff-9", "staff-1"),
    ]
    history = (await cases.client.get(f"/cases/{case_id}/history", headers=cases.headers())).json()
    assert [(h["action"], h["details"].get("assignee")) for h in history[1:]] == [
        ("assigned", "staff-1"),
        ("assigned", "staff-9"),
        ("unassigned", None),
    ]
