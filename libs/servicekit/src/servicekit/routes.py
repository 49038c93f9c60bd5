"""What a consumer hands to its handlers, and how handlers are registered and called."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.base import EnvelopeHeader, Event
from servicekit.logs import correlation
from servicekit.outbox import add_event
from servicekit.tracing import span

E = TypeVar("E", bound=Event)


class UnprocessableMessageError(Exception):
    """The message can never be handled (retrying will not help): park it at once."""


@dataclass(frozen=True)
class RawMessage:
    """A message from an outside party: the body as received, not our envelope."""

    body: bytes
    message_id: str | None
    routing_key: str
    content_type: str | None


@dataclass(frozen=True)
class Delivery(Generic[E]):
    """One event of our own bus, typed, with the envelope it came in."""

    envelope: EnvelopeHeader
    event: E
    traceparent: str | None = None
    """The W3C trace the event was published in (its `traceparent` header), when it had one."""

    def follow_up(self, event: Event) -> tuple[Event, str, uuid.UUID]:
        """An event caused by this one: for `servicekit.outbox.add_events`."""
        return event, self.envelope.correlation_id, self.envelope.event_id


@dataclass
class HandlerContext:
    """What a one-event handler gets besides its event: the transaction and the envelope."""

    session: AsyncSession
    envelope: EnvelopeHeader

    async def publish(self, event: Event) -> None:
        """Publish a follow-up event through the outbox, caused by the one being handled."""
        await add_event(
            self.session,
            event,
            correlation_id=self.envelope.correlation_id,
            causation_id=self.envelope.event_id,
        )


EventHandler = Callable[[HandlerContext, E], Awaitable[None]]
EventBatchHandler = Callable[[AsyncSession, list[Delivery[E]]], Awaitable[None]]
RawHandler = Callable[[AsyncSession, RawMessage], Awaitable[None]]
RawBatchHandler = Callable[[AsyncSession, list[RawMessage]], Awaitable[None]]


@dataclass(frozen=True)
class EventRoute:
    """Event types that one batch handler takes; deliveries arrive in the order received."""

    models: tuple[type[Event], ...]
    handler: EventBatchHandler[Any]


@dataclass(frozen=True)
class RawRoute:
    handler: RawBatchHandler


def one_at_a_time(model: type[E], handler: EventHandler[E]) -> EventBatchHandler[E]:
    """Adapt a handler of single events to the batch interface."""

    async def handle(session: AsyncSession, deliveries: list[Delivery[E]]) -> None:
        for delivery in deliveries:
            if not isinstance(delivery.event, model):
                raise UnprocessableMessageError(f"expected {model.__name__}")
            with (
                correlation(delivery.envelope.correlation_id),
                span(
                    f"handle {delivery.envelope.event_type}",
                    traceparent=delivery.traceparent or "",
                    kind="consumer",
                ),
            ):
                await handler(HandlerContext(session, delivery.envelope), delivery.event)

    return handle


def raw_one_at_a_time(handler: RawHandler) -> RawBatchHandler:
    async def handle(session: AsyncSession, messages: Sequence[RawMessage]) -> None:
        for message in messages:
            await handler(session, message)

    return handle
