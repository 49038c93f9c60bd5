"""Consumers: the website's applications (raw, external) and the gateway's organisations."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.organisations import MunicipalityRegistered
from intake import receiving, repository
from servicekit.consumer import HandlerContext, RawMessage
from servicekit.routes import RawBatchHandler


def website_applications(*, max_body_bytes: int) -> RawBatchHandler:
    """`application.submitted` messages: accepted, duplicates, or quarantined; never lost.

    The same size limit as over HTTP: a larger message is not parsed, nor kept whole.
    """

    async def handle(session: AsyncSession, messages: list[RawMessage]) -> None:
        await receiving.receive_many(
            session,
            [receiving.incoming(message.body, message.message_id) for message in messages],
            channel="amqp",
            max_body_bytes=max_body_bytes,
        )

    return handle


async def municipality_registered(context: HandlerContext, event: MunicipalityRegistered) -> None:
    await repository.register_municipality(context.session, code=event.code, name=event.name)
