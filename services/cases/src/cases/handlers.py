"""Consumers of other services' events: parse (done by the consumer), then one service call."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from cases.handling import following
from cases.handling.following import Followed
from cases.opening import re_examinations
from cases.opening import service as opening
from contracts.assessment import AdviceGiven, DataDelivered, DataSessionStarted, DecisionRecorded
from contracts.correspondence import (
    InformationReceived,
    InformationRequested,
    LetterFailed,
    LetterSent,
    TermExpired,
)
from contracts.documents import DocumentAdded
from contracts.intake import ApplicationCorrected, ApplicationReceived, ReExaminationRequested
from servicekit.routes import Delivery, EventBatchHandler

APPLICATION_REVISIONS: tuple[type[ApplicationReceived | ApplicationCorrected], ...] = (
    ApplicationReceived,
    ApplicationCorrected,
)
"""The events of `application_revisions`, handled together so their order is kept."""

ASSESSMENT_EVENTS: tuple[type[Followed], ...] = (
    DataSessionStarted,
    DataDelivered,
    AdviceGiven,
    DecisionRecorded,
)
"""The assessment's steps on a case, in one queue so a session, its data, the advice and the
decision are applied in the order they happened."""
DOCUMENT_EVENTS: tuple[type[Followed], ...] = (DocumentAdded,)
CORRESPONDENCE_EVENTS: tuple[type[Followed], ...] = (
    InformationRequested,
    InformationReceived,
    TermExpired,
    LetterSent,
    LetterFailed,
)


async def application_revisions(
    session: AsyncSession, deliveries: list[Delivery[ApplicationReceived | ApplicationCorrected]]
) -> None:
    """A batch of applications received and corrected, in the order they arrived."""
    await opening.record_application_revisions(session=session, deliveries=deliveries)


def re_examinations_requested(*, bsn_hash_secret: str) -> EventBatchHandler[ReExaminationRequested]:
    """A batch of residents imported for re-examination: one case per resident and campaign,
    each logged in the access log (whose data subjects are keyed with this secret)."""

    async def handle(
        session: AsyncSession, deliveries: list[Delivery[ReExaminationRequested]]
    ) -> None:
        await re_examinations.open_re_examinations(
            session=session, deliveries=deliveries, bsn_hash_secret=bsn_hash_secret
        )

    return handle


async def followed_events(session: AsyncSession, deliveries: list[Delivery[Followed]]) -> None:
    """A batch of the assessment's, documents' or correspondence's events about cases."""
    await following.follow(session=session, deliveries=deliveries)
