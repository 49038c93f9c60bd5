"""A batching, idempotent, manually acking consumer of one service queue.

A batch normally commits as one transaction, and handlers may work set-based on the whole
batch; when anything in it fails, the batch is replayed one message per transaction, so a bad
message never spoils its neighbours. The inbox rows of the events commit with their effects.
After the commit, messages are acked; a message that failed is retried a bounded number of
times and then parked with its reason; a database outage is waited out, never counted against
the messages.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

import structlog
from aio_pika.abc import AbstractIncomingMessage, AbstractQueue
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.base import EventRegistry, UnknownEventError
from contracts.registry import ALL_EVENTS
from servicekit.bus import (
    DEAD_LETTER_EXCHANGE,
    EVENTS_EXCHANGE,
    Bus,
    message_origin,
    parking_queue_name,
)
from servicekit.db import Database
from servicekit.inbox import claim_many
from servicekit.metrics import (
    BATCH_SECONDS,
    CONSUMER_PREFETCH,
    CONSUMER_UNACKED,
    EVENTS_RECEIVED,
    MESSAGES_HANDLED,
)
from servicekit.routes import (
    Delivery,
    E,
    EventBatchHandler,
    EventHandler,
    EventRoute,
    HandlerContext,
    RawBatchHandler,
    RawHandler,
    RawMessage,
    RawRoute,
    UnprocessableMessageError,
    one_at_a_time,
    raw_one_at_a_time,
)
from servicekit.tracing import TraceContext, events_traced, header_value

__all__ = ["Consumer", "HandlerContext", "RawMessage", "UnprocessableMessageError"]

log = structlog.get_logger(__name__)

DELIVERY_LIMIT = 50


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


@dataclass(frozen=True)
class _Prepared:
    """A message parsed and matched to its route before any database work."""

    route: EventRoute | RawRoute
    item: Delivery[Any] | RawMessage


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


_PERMANENT = (
    UnprocessableMessageError,
    ValidationError,
    UnknownEventError,
    json.JSONDecodeError,
    UnicodeDecodeError,
)


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
        linger_seconds: float = 0.0,
    ) -> None:
        self._bus = bus
        self._database = database
        self.queue_name = f"{bus.service}.{purpose}"
        self._prefetch = prefetch
        self._batch_size = max(1, prefetch // 2)
        self._max_attempts = max_attempts
        self._linger_seconds = linger_seconds
        self._registry = registry
        self._event_routes: dict[tuple[str, int], EventRoute] = {}
        self._raw_routes: dict[tuple[str, str], RawRoute] = {}
        self._incoming: asyncio.Queue[AbstractIncomingMessage] = asyncio.Queue()
        self._queue: AbstractQueue | None = None
        self._consumer_tag: str | None = None
        self._unacked = CONSUMER_UNACKED.labels(self.queue_name)

    def on(self, model: type[E], handler: EventHandler[E]) -> None:
        """Handle one event type (and version) of our own bus, one event at a time."""
        self.on_batch((model,), one_at_a_time(model, handler))

    def on_batch(self, models: tuple[type[E], ...], handler: EventBatchHandler[E]) -> None:
        """Handle these event types together, a batch at a time, in the order received."""
        route = EventRoute(models, handler)
        for model in models:
            self._event_routes[(model.event_type, model.version)] = route

    def on_raw(self, *, exchange: str, routing_key: str, handler: RawHandler) -> None:
        """Handle an outside party's messages on its own exchange, one at a time."""
        self.on_raw_batch(
            exchange=exchange, routing_key=routing_key, handler=raw_one_at_a_time(handler)
        )

    def on_raw_batch(self, *, exchange: str, routing_key: str, handler: RawBatchHandler) -> None:
        self._raw_routes[(exchange, routing_key)] = RawRoute(handler)

    async def start(self) -> None:
        """Declare the queue and its bindings, and begin receiving."""
        self._queue = await self.declare()
        CONSUMER_PREFETCH.labels(self.queue_name).set(self._prefetch)
        self._consumer_tag = await self._queue.consume(self._receive)

    async def _receive(self, message: AbstractIncomingMessage) -> None:
        self._unacked.inc()
        await self._incoming.put(message)

    async def declare(self) -> AbstractQueue:
        """Declare (idempotently) the queue and its bindings.

        Also run at migration time, before any service starts: a topic exchange drops what no
        queue is bound for yet, so the queues must exist before the first producer publishes.
        """
        channel = await self._bus.channel(prefetch=self._prefetch)
        queue = await channel.declare_queue(
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
        for routing_key in sorted({event_type for event_type, _ in self._event_routes}):
            await queue.bind(EVENTS_EXCHANGE, routing_key=routing_key)
        for exchange, routing_key in self._raw_routes:
            await self._bus.declare_exchange(exchange)
            await queue.bind(exchange, routing_key=routing_key)
        return queue

    async def stop(self) -> None:
        if self._queue is not None and self._consumer_tag is not None:
            await self._queue.cancel(self._consumer_tag)
            self._consumer_tag = None

    async def run(self) -> None:
        """Handle batches until cancelled."""
        while True:
            batch = [await self._incoming.get()]
            if self._linger_seconds and self._incoming.qsize() < self._batch_size - 1:
                # A trickle becomes one transaction instead of many small ones.
                await asyncio.sleep(self._linger_seconds)
            while len(batch) < self._batch_size and not self._incoming.empty():
                batch.append(self._incoming.get_nowait())
            try:
                with BATCH_SECONDS.labels(self.queue_name).time():
                    outcomes = await self._handle_batch(batch)
                await self._settle(batch, outcomes)
            finally:
                # Settled, or left to the broker to redeliver: no longer held by this process.
                self._unacked.dec(len(batch))

    def _prepare(self, message: AbstractIncomingMessage) -> _Prepared | _Park:
        exchange, routing_key = message_origin(message)
        if exchange != EVENTS_EXCHANGE:
            raw_route = self._raw_routes.get((exchange, routing_key))
            EVENTS_RECEIVED.labels(self.queue_name, exchange if raw_route else "unknown").inc()
            if raw_route is None:
                return _Park(f"no handler for {exchange}/{routing_key}")
            raw = RawMessage(
                body=message.body,
                message_id=message.message_id,
                routing_key=routing_key,
                content_type=message.content_type,
            )
            return _Prepared(raw_route, raw)
        announced = (message.headers or {}).get("version")
        try:
            envelope, event = self._registry.parse(
                message.body,
                event_type=message.type,
                version=announced if isinstance(announced, int) else None,
            )
        except _PERMANENT as error:
            EVENTS_RECEIVED.labels(self.queue_name, "invalid").inc()
            return _Park(_describe(error))
        route = self._event_routes.get((envelope.event_type, envelope.version))
        EVENTS_RECEIVED.labels(self.queue_name, envelope.event_type if route else "unknown").inc()
        if route is None:
            return _Park(
                f"{self.queue_name} has no handler for {envelope.event_type} v{envelope.version}"
            )
        trace = TraceContext.parse(header_value(message.headers))
        return _Prepared(
            route, Delivery(envelope, event, trace.traceparent if trace is not None else None)
        )

    async def _handle_batch(self, batch: list[AbstractIncomingMessage]) -> list[_Outcome]:
        outcomes: list[_Outcome] = []
        prepared: list[tuple[int, _Prepared]] = []
        for index, message in enumerate(batch):
            ready = self._prepare(message)
            outcomes.append(ready if isinstance(ready, _Park) else _Ack())
            if isinstance(ready, _Prepared):
                prepared.append((index, ready))
        if len(prepared) == 1:
            index, only = prepared[0]
            outcomes[index] = await self._handle_alone(only)
        elif prepared and not await self._try_together([item for _, item in prepared]):
            for index, item in prepared:
                outcomes[index] = await self._handle_alone(item)
        return outcomes

    async def _try_together(self, items: list[_Prepared]) -> bool:
        """The happy path: one transaction for the batch. False when any message failed."""
        backoff = 0.5
        while True:
            try:
                async with self._database.transaction() as session:
                    await self._run(session, items)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                if not is_connection_error(error):
                    return False
                backoff = await self._wait_for_database(backoff)
                continue
            return True

    async def _handle_alone(self, item: _Prepared) -> _Outcome:
        """One message in its own transaction; its failure is logged in its trace."""
        traceparent = item.item.traceparent if isinstance(item.item, Delivery) else None
        trace = TraceContext.parse(traceparent) if traceparent else None
        if trace is None:
            return await self._attempt_alone(item)
        with structlog.contextvars.bound_contextvars(trace_id=trace.trace_id):
            return await self._attempt_alone(item)

    async def _attempt_alone(self, item: _Prepared) -> _Outcome:
        backoff = 0.5
        while True:
            try:
                async with self._database.transaction() as session:
                    await self._run(session, [item])
            except asyncio.CancelledError:
                raise
            except _PERMANENT as error:
                return _Park(_describe(error))
            except Exception as error:
                if is_connection_error(error):
                    backoff = await self._wait_for_database(backoff)
                    continue
                log.exception("bus.message.failed", queue=self.queue_name)
                return _Retry(_describe(error))
            return _Ack()

    async def _wait_for_database(self, backoff: float) -> float:
        """A database outage is waited out; it is never counted against the messages."""
        log.warning("bus.batch.database_unavailable", queue=self.queue_name, retry_in=backoff)
        await asyncio.sleep(backoff)
        return min(backoff * 2, 30.0)

    async def _run(self, session: AsyncSession, items: list[_Prepared]) -> None:
        """Call each route's handler once with its items, routes in order of first arrival."""
        groups: dict[int, tuple[EventRoute | RawRoute, list[Any]]] = {}
        for item in items:
            groups.setdefault(id(item.route), (item.route, []))[1].append(item.item)
        for route, group in groups.values():
            if isinstance(route, RawRoute):
                await route.handler(session, group)
                continue
            fresh = await self._first_deliveries(session, group)
            if fresh:
                # Events a set-based handler writes follow the trace of the event causing them.
                traces = {d.envelope.event_id: d.traceparent for d in fresh if d.traceparent}
                with events_traced(traces):
                    await route.handler(session, fresh)

    async def _first_deliveries(
        self, session: AsyncSession, deliveries: list[Delivery[Any]]
    ) -> list[Delivery[Any]]:
        """Claim the events in the inbox; drop those handled before and repeats in the batch."""
        ids = [str(d.envelope.event_id) for d in deliveries]
        new = await claim_many(session, consumer=self.queue_name, message_ids=ids)
        fresh: list[Delivery[Any]] = []
        for event_id, delivery in zip(ids, deliveries, strict=True):
            if event_id in new:
                new.discard(event_id)
                fresh.append(delivery)
        if len(fresh) < len(deliveries):
            MESSAGES_HANDLED.labels(self.queue_name, "duplicate").inc(len(deliveries) - len(fresh))
        return fresh

    async def _settle(self, batch: list[AbstractIncomingMessage], outcomes: list[_Outcome]) -> None:
        if all(isinstance(outcome, _Ack) for outcome in outcomes):
            # Earlier deliveries are all settled already: one frame acks the whole batch.
            try:
                await batch[-1].ack(multiple=True)
                MESSAGES_HANDLED.labels(self.queue_name, "ok").inc(len(batch))
            except Exception:
                log.warning("bus.message.settle_failed", queue=self.queue_name, exc_info=True)
            return
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
