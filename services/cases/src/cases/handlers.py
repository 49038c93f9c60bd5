"""Consumers of other services' events: parse (done by the consumer), then one service call."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from cases import re_examinations, service
from contracts.intake import ApplicationCorrected, ApplicationReceived, ReExaminationRequested
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


async def re_examinations_requested(
    session: AsyncSession, deliveries: list[Delivery[ReExaminationRequested]]
) -> None:
    """A batch of residents imported for re-examination: one case per resident and campaign."""
    await re_examinations.open_re_examinations(session=session, deliveries=deliveries)
