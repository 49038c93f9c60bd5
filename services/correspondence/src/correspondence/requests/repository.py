"""Every query of the information requests."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from correspondence.requests.models import InformationRequest


async def add(session: AsyncSession, request: InformationRequest) -> None:
    session.add(request)
    await session.flush()


async def get(session: AsyncSession, request_id: uuid.UUID) -> InformationRequest | None:
    return await session.get(InformationRequest, request_id, with_for_update=True)


async def open_of_case(session: AsyncSession, case_id: uuid.UUID) -> list[InformationRequest]:
    query = (
        select(InformationRequest)
        .where(InformationRequest.case_id == case_id, InformationRequest.status == "open")
        .with_for_update()
    )
    return list(await session.scalars(query))


async def of_case(session: AsyncSession, case_id: uuid.UUID) -> list[InformationRequest]:
    query = (
        select(InformationRequest)
        .where(InformationRequest.case_id == case_id)
        .order_by(InformationRequest.requested_at)
    )
    return list(await session.scalars(query))
