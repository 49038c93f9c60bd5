"""Helpers for the re-examination import tests: upload, wait, read the report and the events."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import httpx
from sqlalchemy import func, select

from intake.models import KnownMunicipality
from servicekit.auth import Principal
from servicekit.tables import outbox

from .conftest import Intake

AMSTERDAM = Principal(
    subject="beh-ams", organisation="0363", role="behandelaar", municipalities=("0363",)
)
ROTTERDAM = Principal(
    subject="beh-rdam", organisation="0599", role="behandelaar", municipalities=("0599",)
)
CAMPAIGN = "Heronderzoek 2027"
EVENT_TYPE = "intake.re_examination.requested"


async def known(intake: Intake, *codes: str) -> None:
    async with intake.database.transaction() as session:
        for code in codes:
            session.add(KnownMunicipality(code=code, name=f"Gemeente {code}"))


async def upload(
    intake: Intake,
    content: Any,
    *,
    filename: str = "heronderzoek.csv",
    principal: Principal = AMSTERDAM,
    municipality: str = "0363",
    campaign: str = CAMPAIGN,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    return await intake.client.post(
        "/imports/re-examinations",
        files={"file": (filename, content, "application/octet-stream")},
        data={"municipality": municipality, "campaign": campaign},
        headers={**intake.headers(principal), **(headers or {})},
    )


async def finished(
    intake: Intake, import_id: str, principal: Principal = AMSTERDAM, seconds: float = 120
) -> dict[str, Any]:
    """The import once it is no longer processing."""
    deadline = time.monotonic() + seconds
    while True:
        response = await intake.client.get(
            f"/imports/{import_id}", params={"limit": 1}, headers=intake.headers(principal)
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        if body["status"] != "processing":
            return body
        assert time.monotonic() < deadline, "the import did not finish in time"
        await asyncio.sleep(0.05)


async def imported(intake: Intake, content: Any, **kw: Any) -> dict[str, Any]:
    response = await upload(intake, content, **kw)
    assert response.status_code == 202, response.text
    return await finished(intake, response.json()["import_id"], kw.get("principal", AMSTERDAM))


async def report(
    intake: Intake, import_id: str, principal: Principal = AMSTERDAM, **params: Any
) -> list[tuple[int, str, str | None]]:
    """The whole per-row report, page by page."""
    rows: list[tuple[int, str, str | None]] = []
    cursor = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = await intake.client.get(
            f"/imports/{import_id}", params=query, headers=intake.headers(principal)
        )
        assert response.status_code == 200, response.text
        body = response.json()
        rows += [(r["line"], r["outcome"], r["reason"]) for r in body["rows"]]
        cursor = body["next_cursor"]
        if cursor is None:
            return rows


async def events(intake: Intake) -> list[dict[str, Any]]:
    async with intake.database.sessions() as session:
        result = await session.execute(
            select(outbox.c.envelope)
            .where(outbox.c.routing_key == EVENT_TYPE)
            .order_by(outbox.c.id)
        )
        return [row.envelope for row in result]


async def count_events(intake: Intake) -> int:
    async with intake.database.sessions() as session:
        count = await session.scalar(
            select(func.count()).select_from(outbox).where(outbox.c.routing_key == EVENT_TYPE)
        )
        return int(count or 0)


def new_id() -> str:
    return str(uuid.uuid4())
