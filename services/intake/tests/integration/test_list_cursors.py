"""A page cursor works only on the list (and filter, and import) it was made for: any other
is answered 400, never 500 (both lists sign their cursors with the same secret)."""

from __future__ import annotations

import json
from typing import Any

from servicekit.auth import system_principal

from ..import_files import csv_bytes, resident
from .conftest import OPERATOR, Intake
from .imports_support import AMSTERDAM, imported, known
from .test_website_intake import example, sign


async def quarantine_cursor(intake: Intake, **params: Any) -> str:
    """Two quarantined messages, and the cursor of the first page of one."""
    headers = intake.headers(system_principal("gateway", purpose="intake"))
    for number in (1, 2):
        document = example("single")
        document["application"]["application_number"] = f"GV-2026-{number:07d}"
        body = json.dumps(document).encode()  # 0599 is not a customer: quarantined
        response = await intake.client.post(
            "/applications", content=body, headers=headers | {"X-Signature": sign(body)}
        )
        assert response.status_code == 422, response.text
    page = await intake.client.get(
        "/quarantine", params={"limit": 1, **params}, headers=intake.headers(OPERATOR)
    )
    assert page.status_code == 200, page.text
    cursor: str = page.json()["next_cursor"]
    return cursor


async def report_cursor(intake: Intake, import_id: str) -> str:
    page = await intake.client.get(
        f"/imports/{import_id}", params={"limit": 1}, headers=intake.headers(AMSTERDAM)
    )
    assert page.status_code == 200, page.text
    cursor: str = page.json()["next_cursor"]
    return cursor


async def test_a_cursor_of_one_list_is_refused_by_the_other(intake: Intake) -> None:
    await known(intake, "0363")
    first = await imported(intake, csv_bytes([resident(1), resident(2)]))
    second = await imported(intake, csv_bytes([resident(3), resident(4)]))
    of_quarantine = await quarantine_cursor(intake)
    of_report = await report_cursor(intake, first["import_id"])
    operator, importer = intake.headers(OPERATOR), intake.headers(AMSTERDAM)

    async def quarantine_page(cursor: str, **params: Any) -> Any:
        return await intake.client.get(
            "/quarantine", params={"cursor": cursor, **params}, headers=operator
        )

    async def report_page(import_id: str, cursor: str, **params: Any) -> Any:
        return await intake.client.get(
            f"/imports/{import_id}", params={"cursor": cursor, **params}, headers=importer
        )

    # Each on its own list: the second page.
    assert len((await quarantine_page(of_quarantine)).json()["items"]) == 1
    assert [
        r["line"] for r in (await report_page(first["import_id"], of_report)).json()["rows"]
    ] == [3]

    refused = [
        await report_page(first["import_id"], of_quarantine),
        await quarantine_page(of_report),
        await report_page(second["import_id"], of_report),
        await report_page(first["import_id"], of_report, outcome="rejected"),
        await quarantine_page(of_quarantine, status="discarded"),
    ]
    assert [r.status_code for r in refused] == [400] * len(refused), [r.text for r in refused]
    assert refused[0].json()["detail"].startswith("de cursor hoort bij een andere import")
    assert refused[1].json()["detail"].startswith("the cursor belongs to another list")
