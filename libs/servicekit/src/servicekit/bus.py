"""The RabbitMQ connection of one service: exchanges, publishing with confirms, parking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aio_pika
import structlog
from aio_pika.abc import (
    AbstractChannel,
    AbstractExchange,
    AbstractIncomingMessage,
    AbstractRobustConnection,
)
from pamqp.commands import Basic

from contracts.base import Envelope
from servicekit.tracing import TRACEPARENT_HEADER, TraceContext, current_traceparent, header_value

EVENTS_EXCHANGE = "backoffice.events"
DEAD_LETTER_EXCHANGE = "backoffice.dead"

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class StoredEvent:
    """An envelope ready to publish: its JSON body and the message properties."""

    routing_key: str
    body: bytes
    event_id: str
    correlation_id: str
    event_type: str
    producer: str
    version: int
    traceparent: str | None = None


ORIGINAL_EXCHANGE_HEADER = "x-original-exchange"
ORIGINAL_ROUTING_KEY_HEADER = "x-original-routing-key"


class UndeliverableError(Exception):
    """The broker did not take the message into the queue (it does not exist, or refused)."""


def parking_queue_name(service: str) -> str:
    return f"{service}.parking"


def message_origin(message: AbstractIncomingMessage) -> tuple[str, str]:
    """The exchange and routing key the message was first published with. A replayed message
    comes straight to its queue through the default exchange and names its origin in headers."""
    headers = message.headers or {}
    if not message.exchange and ORIGINAL_EXCHANGE_HEADER in headers:
        return (
            str(headers.get(ORIGINAL_EXCHANGE_HEADER) or ""),
            str(headers.get(ORIGINAL_ROUTING_KEY_HEADER) or ""),
        )
    return message.exchange or "", message.routing_key or ""


class Bus:
    """A robust connection (it reconnects by itself) with one confirming publish channel."""

    def __init__(self, url: str, *, service: str) -> None:
        self._url = url
        self.service = service
        self._connection: AbstractRobustConnection | None = None
        self._channel: AbstractChannel | None = None
        self._events: AbstractExchange | None = None
        self._dead: AbstractExchange | None = None

    async def connect(self) -> None:
        self._connection = await aio_pika.connect_robust(
            self._url, client_properties={"connection_name": self.service}
        )
        self._channel = await self._connection.channel(publisher_confirms=True)
        self._events = await self._channel.declare_exchange(
            EVENTS_EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True
        )
        self._dead = await self._channel.declare_exchange(
            DEAD_LETTER_EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True
        )
        parking = await self._channel.declare_queue(
            parking_queue_name(self.service), durable=True, arguments={"x-queue-type": "quorum"}
        )
        await parking.bind(self._dead, routing_key=parking_queue_name(self.service))

    @property
    def connection(self) -> AbstractRobustConnection:
        if self._connection is None:
            raise RuntimeError("bus not connected")
        return self._connection

    @property
    def is_connected(self) -> bool:
        return self._connection is not None and not self._connection.is_closed

    async def channel(self, *, prefetch: int) -> AbstractChannel:
        """A new consuming channel with a bounded prefetch."""
        channel = await self.connection.channel()
        await channel.set_qos(prefetch_count=prefetch)
        return channel

    async def declare_exchange(self, name: str) -> AbstractExchange:
        """Declare (idempotently) a durable topic exchange, e.g. one an outside party uses."""
        if self._channel is None:
            raise RuntimeError("bus not connected")
        return await self._channel.declare_exchange(name, aio_pika.ExchangeType.TOPIC, durable=True)

    async def publish_envelope(self, routing_key: str, envelope: Envelope) -> None:
        """Publish and wait for the broker's confirm."""
        await self.publish_stored(
            StoredEvent(
                routing_key=routing_key,
                body=envelope.model_dump_json().encode(),
                event_id=str(envelope.event_id),
                correlation_id=envelope.correlation_id,
                event_type=envelope.event_type,
                producer=envelope.producer,
                version=envelope.version,
                traceparent=current_traceparent(),
            )
        )

    async def publish_stored(self, event: StoredEvent) -> None:
        """Publish an envelope as the outbox stored it (already JSON) and await the confirm."""
        if self._events is None:
            raise RuntimeError("bus not connected")
        message = aio_pika.Message(
            body=event.body,
            content_type="application/json",
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            message_id=event.event_id,
            correlation_id=event.correlation_id,
            type=event.event_type,
            app_id=event.producer,
            headers={"version": event.version}
            if event.traceparent is None
            else {"version": event.version, TRACEPARENT_HEADER: event.traceparent},
        )
        await self._events.publish(message, routing_key=event.routing_key)

    async def park(self, message: AbstractIncomingMessage, *, queue: str, reason: str) -> None:
        """Copy a message that cannot be handled to this service's parking queue, with why."""
        if self._dead is None:
            raise RuntimeError("bus not connected")
        headers: dict[str, Any] = dict(message.headers or {})
        exchange, routing_key = message_origin(message)
        headers.update(
            {
                "x-parked-reason": reason[:2000],
                "x-parked-from-queue": queue,
                "x-parked-at": datetime.now(UTC).isoformat(),
                ORIGINAL_EXCHANGE_HEADER: exchange,
                ORIGINAL_ROUTING_KEY_HEADER: routing_key,
            }
        )
        await self._dead.publish(
            aio_pika.Message(
                body=message.body,
                headers=headers,
                content_type=message.content_type,
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                message_id=message.message_id,
                correlation_id=message.correlation_id,
                type=message.type,
            ),
            routing_key=parking_queue_name(self.service),
        )
        trace = TraceContext.parse(header_value(message.headers))
        log.warning(
            "bus.message.parked",
            queue=queue,
            message_id=message.message_id,
            trace_id=trace.trace_id if trace is not None else None,
        )

    async def send_to_queue(self, queue: str, message: aio_pika.Message) -> None:
        """Publish straight into one queue (the default exchange) and await the confirm: a
        replay reaches the consumer that parked the message, not every queue bound to it."""
        if self._channel is None:
            raise RuntimeError("bus not connected")
        confirmation = await self._channel.default_exchange.publish(message, routing_key=queue)
        if not isinstance(confirmation, Basic.Ack):
            # Returned (no such queue) or refused: the caller keeps the message.
            raise UndeliverableError(queue)

    async def close(self) -> None:
        if self._connection is not None:
            await self._connection.close()
            self._connection = None
