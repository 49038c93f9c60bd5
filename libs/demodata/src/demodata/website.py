"""Publishes bodies exactly as the GezondVerzekerd website does (see the external contract)."""

from __future__ import annotations

import asyncio
import uuid

import aio_pika

from contracts.gezondverzekerd import EXCHANGE, ROUTING_KEY

WINDOW = 500


async def publish_with_confirms(
    exchange: aio_pika.abc.AbstractExchange, routing_key: str, bodies: list[bytes]
) -> None:
    """Persistent JSON messages, up to WINDOW publisher confirms in flight at once."""
    for start in range(0, len(bodies), WINDOW):
        await asyncio.gather(
            *(
                exchange.publish(
                    aio_pika.Message(
                        body,
                        content_type="application/json",
                        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                        message_id=_event_id(body),
                    ),
                    routing_key=routing_key,
                )
                for body in bodies[start : start + WINDOW]
            )
        )


def _event_id(body: bytes) -> str:
    """The contract wants message_id = event_id; bodies that hide it get a fresh id."""
    marker = b'"event_id": "'
    at = body.find(marker)
    if at < 0:
        return str(uuid.uuid4())
    return body[at + len(marker) : at + len(marker) + 36].decode(errors="replace")


async def publish_as_website(amqp_url: str, bodies: list[bytes]) -> None:
    """Declare the `gezondverzekerd` exchange (as the contract allows) and publish to it."""
    connection = await aio_pika.connect_robust(amqp_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.declare_exchange(
            EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True
        )
        await publish_with_confirms(exchange, ROUTING_KEY, bodies)
