"""Consumers of other services' events: parse (done by the consumer), then one service call."""

from __future__ import annotations

from cases import service
from contracts.intake import ApplicationCorrected, ApplicationReceived
from servicekit.consumer import HandlerContext


async def application_received(context: HandlerContext, event: ApplicationReceived) -> None:
    await service.record_application_revision(
        session=context.session, event=event, publish=context.publish
    )


async def application_corrected(context: HandlerContext, event: ApplicationCorrected) -> None:
    await service.record_application_revision(
        session=context.session, event=event, publish=context.publish
    )
