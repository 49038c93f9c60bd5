"""Consumers: the website's applications (raw, external) and the gateway's organisations."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.organisations import MunicipalityRegistered
from intake import receiving, repository
from servicekit.consumer import HandlerContext, RawMessage


async def website_applications(session: AsyncSession, messages: list[RawMessage]) -> None:
    """`application.submitted` messages: accepted, duplicates, or quarantined; never lost."""
    await receiving.receive_many(
        session,
        [receiving.incoming(message.body, message.message_id) for message in messages],
        channel="amqp",
    )


async def municipality_registered(context: HandlerContext, event: MunicipalityRegistered) -> None:
    await repository.register_municipality(context.session, code=event.code, name=event.name)
