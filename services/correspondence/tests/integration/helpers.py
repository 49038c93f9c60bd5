"""Helpers of the integration tests: open a case and wait until the service knows it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from contracts.assessment import DataSessionStarted
from contracts.cases import CaseOpened
from servicekit.testing import eventually

from .conftest import Correspondence
from .support import case_opened, publish


async def opened(correspondence: Correspondence, **kw: Any) -> CaseOpened:
    event = case_opened(**kw)
    await publish(correspondence.bus, event)

    async def known() -> bool:
        return bool(
            await correspondence.scalar(
                "SELECT count(*) FROM case_copies WHERE case_id = :c", c=event.case_id
            )
        )

    await eventually(known)
    return event


def session_started(event: CaseOpened, *, session_id: str | None = None) -> DataSessionStarted:
    now = datetime.now(UTC)
    return DataSessionStarted(
        session_id=session_id or f"ses-{uuid.uuid4().hex[:10]}",
        case_id=event.case_id,
        municipality_code=event.municipality_code,
        url=f"https://ockto.example/sessie/{uuid.uuid4().hex[:12]}",
        expires_at=now + timedelta(days=30),
        trigger="automatic",
        started_by="system",
        started_at=now,
    )


async def received_for(
    correspondence: Correspondence, case_id: uuid.UUID, n: int = 1, seconds: float = 30
) -> list[Any]:
    def mine() -> list[Any]:
        return [
            m for m in correspondence.smtp.received() if m.message()["X-Case-ID"] == str(case_id)
        ]

    async def enough() -> bool:
        return len(mine()) >= n

    await eventually(enough, seconds=seconds)
    return mine()
