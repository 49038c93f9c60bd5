"""Consumers: the website's applications (raw, external) and the gateway's organisations."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.organisations import MunicipalityRegistered
from intake import repository, service
from servicekit.consumer import HandlerContext, RawMessage
from servicekit.logs import correlation, new_correlation_id


async def website_application(session: AsyncSession, message: RawMessage) -> None:
    """An `application.submitted` message: accepted, a duplicate, or quarantined; never lost."""
    correlation_id = new_correlation_id()
    with correlation(correlation_id):
        await service.receive(
            session,
            body=message.body,
            channel="amqp",
            message_id=message.message_id,
            correlation_id=correlation_id,
        )


async def municipality_registered(context: HandlerContext, event: MunicipalityRegistered) -> None:
    await repository.register_municipality(context.session, code=event.code, name=event.name)
