"""Consumers of other services' events: parse (done by the consumer), then one service call."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from cases import service
from contracts.intake import ApplicationCorrected, ApplicationReceived
from servicekit.routes import Delivery

APPLICATION_REVISIONS: tuple[type[ApplicationReceived | ApplicationCorrected], ...] = (
    ApplicationReceived,
    ApplicationCorrected,
)
"""The events of `application_revisions`, handled together so their order is kept."""


async def application_revisions(
    session: AsyncSession, deliveries: list[Delivery[ApplicationReceived | ApplicationCorrected]]
) -> None:
    """A batch of applications received and corrected, in the order they arrived."""
    await service.record_application_revisions(session=session, deliveries=deliveries)
