"""Keyset pagination of GET /cases for every sort order, while cases keep arriving."""

from __future__ import annotations

from typing import Any

import pytest

from .support import MONDAY, Reporting, days

SORTS = ["-submitted_at", "submitted_at", "-status_changed_at", "status_changed_at"]
SORTS += ["application_number"]


async def pages(
    reporting: Reporting, params: dict[str, Any], *, between: Any = None
) -> list[dict[str, Any]]:
    """Every page in turn; `between(n)` runs after page n is read."""
    seen: list[dict[str, Any]] = []
    cursor: str | None = None
    page_number = 0
    while True:
        response = await reporting.get(
            "/cases", {**params, **({"cursor": cursor} if cursor else {})}
        )
        assert response.status_code == 200, response.text
        body = response.json()
        seen.extend(body["items"])
        cursor = body["next_cursor"]
        page_number += 1
        if cursor is None:
            return seen
        if between is not None:
            await between(page_number)


@pytest.mark.parametrize("sort", SORTS)
async def test_no_case_is_skipped_or_repeated_while_cases_arrive(
    reporting: Reporting, sort: str
) -> None:
    # Pairs share their sort values, so the id must break the ties.
    for n in range(11):
        await reporting.add_case(
            f"GV-{n // 2:03d}-{n}",
            submitted_at=MONDAY - days(n // 2),
            status_changed_at=MONDAY + days(n // 2),
        )
    at_start = {item["id"] for item in await reporting.items()}

    async def add_more(page_number: int) -> None:
        # Newer, older and in-between cases, and some with the very same sort values.
        if page_number > 3:
            return
        for shift in (-20, -1, 0, 1, 20):
            await reporting.add_case(
                f"GV-{shift + 20:03d}-new{page_number}",
                submitted_at=MONDAY + days(shift),
                status_changed_at=MONDAY + days(shift),
            )

    seen = await pages(reporting, {"limit": 3, "sort": sort}, between=add_more)
    ids = [item["id"] for item in seen]
    assert len(ids) == len(set(ids)), "a case was repeated"
    assert at_start <= set(ids), "a case that existed at the start was skipped"


@pytest.mark.parametrize("sort", SORTS)
async def test_pages_follow_the_sort_order(reporting: Reporting, sort: str) -> None:
    for n in range(7):
        await reporting.add_case(
            f"GV-{(n * 5) % 7}",
            submitted_at=MONDAY - days(n % 3),
            status_changed_at=MONDAY + days(n % 2),
        )
    everything = await reporting.items({"sort": sort})
    assert [item["id"] for item in await pages(reporting, {"limit": 2, "sort": sort})] == [
        item["id"] for item in everything
    ]
    field = sort.lstrip("-")
    keys = [(item[field], item["id"]) for item in everything]
    assert keys == sorted(keys, reverse=sort.startswith("-"))


async def test_a_cursor_is_refused_when_tampered_with_or_reused_elsewhere(
    reporting: Reporting,
) -> None:
    for n in range(3):
        await reporting.add_case(f"GV-{n}", submitted_at=MONDAY - days(n), status="received")
    first = await reporting.get("/cases", {"limit": 1, "status": "received"})
    cursor: str = first.json()["next_cursor"]

    ok = await reporting.get("/cases", {"limit": 1, "status": "received", "cursor": cursor})
    assert ok.status_code == 200
    payload, signature = cursor.split(".")
    tampered = [
        ("A" if payload[0] != "A" else "B") + payload[1:] + "." + signature,
        payload + "." + ("A" if signature[0] != "A" else "B") + signature[1:],
        "garbage",
    ]
    for wrong in tampered:
        response = await reporting.get("/cases", {"status": "received", "cursor": wrong})
        assert response.status_code == 400, wrong
    elsewhere = [
        {"cursor": cursor},
        {"cursor": cursor, "status": "invited"},
        {"cursor": cursor, "status": "received", "sort": "submitted_at"},
        {"cursor": cursor, "status": "received", "q": "vries"},
        {"cursor": cursor, "status": "received", "bsn": "111222333"},
    ]
    for params in elsewhere:
        response = await reporting.get("/cases", params)
        assert response.status_code == 400, params
        assert "cursor" in response.json()["detail"]
    # The same query by another user (so another `me`) is another listing as well.
    for n in range(2):
        await reporting.add_case(f"MINE-{n}", assigned_to="staff-1")
    mine = await reporting.get("/cases", {"limit": 1, "assigned_to": "me"})
    theirs = await reporting.get(
        "/cases",
        {"assigned_to": "me", "cursor": mine.json()["next_cursor"]},
        subject="staff-2",
    )
    assert theirs.status_code == 400
