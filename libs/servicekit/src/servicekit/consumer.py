"""A batching, idempotent, manually acking consumer of one service queue.

A batch normally commits as one transaction; when one of its messages fails, the batch is
replayed one message per transaction, so a bad message never spoils its neighbours. The inbox
row of each event commits with its effect. After the commit, messages are acked; a message that
failed is retried a bounded number of times and then parked with its reason; a database outage
is waited out, never counted against the messages.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import structlog
from aio_pika.abc import AbstractIncomingMessage, AbstractQueue
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.base import Envelope, Event, EventRegistry, UnknownEventError
from contracts.registry import ALL_EVENTS
from servicekit.bus import DEAD_LETTER_EXCHANGE, EVENTS_EXCHANGE, Bus, parking_queue_name
from servicekit.db import Database
from servicekit.inbox import claim
from servicekit.logs import correlation
from servicekit.metrics import BATCH_SECONDS, MESSAGES_HANDLED
from servicekit.outbox import add_event

log = structlog.get_logger(__name__)

E = TypeVar("E", bound=Event)
DELIVERY_LIMIT = 50


class UnprocessableMessageError(Exception):
    """The message can never be handled (retrying will not help): park it at once."""


@dataclass
class HandlerContext:
    """What an event handler gets besides its event: the transaction and the envelope."""

    session: AsyncSession
    envelope: Envelope

    async def publish(self, event: Event) -> None:
        """Publish a follow-up event through the outbox, caused by the one being handled."""
        await add_event(
            self.session,
            event,
            correlation_id=self.envelope.correlation_id,
            causation_id=self.envelope.event_id,
        )


@dataclass(frozen=True)
class RawMessage:
    """A message from an outside party: the body as received, not our envelope."""

    body: bytes
    message_id: str | None
    routing_key: str
    content_type: str | None


EventHandler = Callable[[HandlerContext, E], Awaitable[None]]
RawHandler = Callable[[AsyncSession, RawMessage], Awaitable[None]]


@dataclass(frozen=True)
class _EventRoute(Generic[E]):
    model: type[E]
    handler: EventHandler[E]

    async def __call__(self, context: HandlerContext, event: Event) -> None:
        if not isinstance(event, self.model):
            raise UnprocessableMessageError(f"expected {self.model.__name__}")
        await self.handler(context, event)


@dataclass(frozen=True)
class _Ack:
    pass


@dataclass(frozen=True)
class _Park:
    reason: str


@dataclass(frozen=True)
class _Retry:
    reason: str


_Outcome = _Ack | _Park | _Retry


def is_connection_error(error: BaseException) -> bool:
    """True for failures of the database connection rather than of the message."""
    if isinstance(error, OSError | ConnectionError | InterfaceError):
        return True
    if isinstance(error, OperationalError | DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, DBAPIError) and isinstance(error.orig, OSError | ConnectionError)


def _describe(error: BaseException) -> str:
    """A reason to keep with a parked message; never the offending input values."""
    if isinstance(error, ValidationError):
        problems = error.errors(include_input=False, include_url=False)
        return "invalid event data: " + "; ".join(
            f"{'.'.join(str(p) for p in problem['loc'])}: {problem['msg']}" for problem in problems
        )
    return f"{type(error).__name__}: {error}"[:1000]


class Consumer:
    """Consumes queue `<service>.<purpose>`; handlers are registered explicitly."""

    def __init__(
        self,
        *,
        bus: Bus,
        database: Database,
        purpose: str,
        prefetch: int = 200,
        max_attempts: int = 5,
        registry: EventRegistry = ALL_EVENTS,
    ) -> None:
        self._bus = bus
        self._database = database
        self.queue_name = f"{bus.service}.{purpose}"
        self._prefetch = prefetch
        self._batch_size = max(1, prefetch // 2)
        self._max_attempts = max_attempts
        self._registry = registry
        self._event_routes: dict[tuple[str, int], _EventRoute[Any]] = {}
        self._raw_routes: dict[tuple[str, str], RawHandler] = {}
        self._incoming: asyncio.Queue[AbstractIncomingMessage] = asyncio.Queue()
        self._queue: AbstractQueue | None = None
        self._consumer_tag: str | None = None

    def on(self, model: type[E], handler: EventHandler[E]) -> None:
        """Handle one event type (and version) of our own bus."""
        self._event_routes[(model.event_type, model.version)] = _EventRoute(model, handler)

    def on_raw(self, *, exchange: str, routing_key: str, handler: RawHandler) -> None:
        """Handle an outside party's messages on its own exchange."""
        self._raw_routes[(exchange, routing_key)] = handler

    async def start(self) -> None:
        """Declare the queue and its bindings, and begin receiving."""
        channel = await self._bus.channel(prefetch=self._prefetch)
        self._queue = await channel.declare_queue(
            self.queue_name,
            durable=True,
            arguments={
                "x-queue-type": "quorum",
                "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
                "x-dead-letter-routing-key": parking_queue_name(self._bus.service),
                # Safety net for messages that crash the process before we can park them. A
                # constant: queue arguments cannot change once declared, settings can.
                "x-delivery-limit": DELIVERY_LIMIT,
            },
        )
        routing_keys = {event_type for event_type, _ in self._event_routes}
        for routing_key in sorted(routing_keys):
            await self._queue.bind(EVENTS_EXCHANGE, routing_key=routing_key)
        for exchange, routing_key in self._raw_routes:
            await self._bus.declare_exchange(exchange)
            await self._queue.bind(exchange, routing_key=routing_key)
        self._consumer_tag = await self._queue.consume(self._incoming.put)

    async def stop(self) -> None:
        if self._queue is not None and self._consumer_tag is not None:
            await self._queue.cancel(self._consumer_tag)
            self._consumer_tag = None

    async def run(self) -> None:
        """Handle batches until cancelled."""
        while True:
            batch = [await self._incoming.get()]
            while len(batch) < self._batch_size and not self._incoming.empty():
                batch.append(self._incoming.get_nowait())
            with BATCH_SECONDS.labels(self.queue_name).time():
                outcomes = await self._handle_batch(batch)
            await self._settle(batch, outcomes)

    async def _handle_batch(self, batch: list[AbstractIncomingMessage]) -> list[_Outcome]:
        """The happy path: the whole batch in one transaction, no savepoints.

        When anything in it fails, the batch is rolled back and every message is handled again
        in a transaction of its own, so the failure is pinned on the one message that caused it.
        """
        if len(batch) == 1:
            return [await self._handle_alone(batch[0])]
        backoff = 0.5
        while True:
            try:
                async with self._database.transaction() as session:
                    for message in batch:
                        await self._dispatch(session, message)
                return [_Ack() for _ in batch]
            except asyncio.CancelledError:
                raise
            except Exception as error:
                if not is_connection_error(error):
                    return [await self._handle_alone(message) for message in batch]
                backoff = await self._wait_for_database(backoff)

    async def _handle_alone(self, message: AbstractIncomingMessage) -> _Outcome:
        backoff = 0.5
        while True:
            try:
                async with self._database.transaction() as session:
                    await self._dispatch(session, message)
            except asyncio.CancelledError:
                raise
            except UnprocessableMessageError as error:
                return _Park(str(error))
            except (
                ValidationError,
                UnknownEventError,
                json.JSONDecodeError,
                UnicodeDecodeError,
            ) as error:
                return _Park(_describe(error))
            except Exception as error:
                if is_connection_error(error):
                    backoff = await self._wait_for_database(backoff)
                    continue
                log.exception("bus.message.failed", queue=self.queue_name, id=message.message_id)
                return _Retry(_describe(error))
            return _Ack()

    async def _wait_for_database(self, backoff: float) -> float:
        """A database outage is waited out; it is never counted against the messages."""
        log.warning("bus.batch.database_unavailable", queue=self.queue_name, retry_in=backoff)
        await asyncio.sleep(backoff)
        return min(backoff * 2, 30.0)

    async def _dispatch(self, session: AsyncSession, message: AbstractIncomingMessage) -> None:
        exchange = message.exchange or ""
        if exchange != EVENTS_EXCHANGE:
            raw_handler = self._raw_routes.get((exchange, message.routing_key or ""))
            if raw_handler is None:
                raise UnprocessableMessageError(f"no handler for {exchange}/{message.routing_key}")
            await raw_handler(
                session,
                RawMessage(
                    body=message.body,
                    message_id=message.message_id,
                    routing_key=message.routing_key or "",
                    content_type=message.content_type,
                ),
            )
            return
        envelope = Envelope.model_validate_json(message.body)
        route = self._event_routes.get((envelope.event_type, envelope.version))
        if route is None:
            raise UnknownEventError(
                f"{self.queue_name} has no handler for {envelope.event_type} v{envelope.version}"
            )
        event = self._registry.open(envelope)
        with correlation(envelope.correlation_id):
            if not await claim(
                session, consumer=self.queue_name, message_id=str(envelope.event_id)
            ):
                MESSAGES_HANDLED.labels(self.queue_name, "duplicate").inc()
                return
            await route(HandlerContext(session=session, envelope=envelope), event)

    async def _settle(self, batch: list[AbstractIncomingMessage], outcomes: list[_Outcome]) -> None:
        for message, outcome in zip(batch, outcomes, strict=True):
            try:
                await self._settle_one(message, outcome)
            except Exception:
                # The channel went away: the broker redelivers, and the inbox absorbs repeats.
                log.warning("bus.message.settle_failed", queue=self.queue_name, exc_info=True)

    async def _settle_one(self, message: AbstractIncomingMessage, outcome: _Outcome) -> None:
        if isinstance(outcome, _Ack):
            await message.ack()
            MESSAGES_HANDLED.labels(self.queue_name, "ok").inc()
            return
        delivered_before = (message.headers or {}).get("x-delivery-count", 0)
        attempts = (delivered_before if isinstance(delivered_before, int) else 0) + 1
        if isinstance(outcome, _Retry) and attempts < self._max_attempts:
            await asyncio.sleep(min(0.1 * 2**attempts, 5.0))
            await message.nack(requeue=True)
            MESSAGES_HANDLED.labels(self.queue_name, "retried").inc()
            return
        await self._bus.park(message, queue=self.queue_name, reason=outcome.reason)
        await message.ack()
        MESSAGES_HANDLED.labels(self.queue_name, "parked").inc()
