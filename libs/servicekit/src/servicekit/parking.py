"""Parked messages: what a consumer could not handle, for an operator to replay or discard.

The parking queue is the broker's buffer. When an operator looks (or replays all), the service
moves what waits there into its table `parked_messages`: insert, commit, then ack. A crash in
between leaves the message in the queue, and the row's id, derived from the message, makes the
second insert a no-op. From then on the table is the one place an operator works from: listing
takes nothing away, a replay publishes the message back into the queue it came from (with its
own message id, so the consumer's inbox makes a second replay harmless), and a discard keeps
the row with who discarded it and why. A replay that fails again is retried by the consumer
and parked again with the new reason: a new row, never a loop.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

import aio_pika
import structlog
from aio_pika.abc import AbstractIncomingMessage
from sqlalchemy import Row, func, select, update
from sqlalchemy.dialects.postgresql import insert

from servicekit.bus import (
    ORIGINAL_EXCHANGE_HEADER,
    ORIGINAL_ROUTING_KEY_HEADER,
    Bus,
    UndeliverableError,
    parking_queue_name,
)
from servicekit.db import Database
from servicekit.tables import parked_messages

log = structlog.get_logger(__name__)

PARKED: Final = "parked"
REPLAYED: Final = "replayed"
DISCARDED: Final = "discarded"
STATUSES: Final = (PARKED, REPLAYED, DISCARDED)

COLLECT_LIMIT = 1000
"""At most this many messages are moved in from the parking queue per look (bounded work)."""
REPLAY_ALL_LIMIT = 1000

_IDS = uuid.UUID("6f1d3c52-2b0e-4c58-9d7a-3f7f0e6a2b91")
# Headers the broker or the parking added; a replay starts the message afresh without them
# (its delivery count included, so the consumer's retry limit applies again in full).
_NOT_REPLAYED = ("x-parked-", "x-death", "x-first-death-", "x-last-death-", "x-delivery-count")


class ParkedMessageNotFoundError(Exception):
    pass


class ParkedMessageConflictError(Exception):
    """The action does not fit the message's state; the text is Dutch, for the operator."""


@dataclass(frozen=True)
class ParkedMessage:
    id: uuid.UUID
    queue: str
    message_id: str | None
    event_type: str | None
    correlation_id: str | None
    reason: str
    parked_at: datetime
    headers: dict[str, Any]
    status: str
    resolved_at: datetime | None
    resolved_by: str | None
    discard_reason: str | None


def _plain(value: Any) -> Any:
    """A header value as JSON can hold it (AMQP tables carry bytes, datetimes, decimals)."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _when(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, str | bytes):
        try:
            parsed = datetime.fromisoformat(value.decode() if isinstance(value, bytes) else value)
        except ValueError:
            return datetime.now(UTC)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return datetime.now(UTC)


def _row_of(message: AbstractIncomingMessage) -> dict[str, Any]:
    """The row of one message from the parking queue: parked by the consumer (`x-parked-*`), or
    dead-lettered by the broker itself at the queue's delivery limit (`x-death`)."""
    headers = _plain(dict(message.headers or {}))
    deaths = headers.get("x-death")
    death = deaths[0] if isinstance(deaths, list) and deaths and isinstance(deaths[0], dict) else {}
    if "x-parked-reason" in headers:
        queue = str(headers.get("x-parked-from-queue") or "")
        reason = str(headers["x-parked-reason"])
        parked_at = _when(headers.get("x-parked-at"))
        exchange = str(headers.get(ORIGINAL_EXCHANGE_HEADER) or "")
        routing_key = str(headers.get(ORIGINAL_ROUTING_KEY_HEADER) or "")
    else:
        queue = str(headers.get("x-first-death-queue") or death.get("queue") or "")
        reason = f"broker: {headers.get('x-first-death-reason') or death.get('reason', '?')}"
        parked_at = _when(death.get("time"))
        exchange = str(headers.get("x-first-death-exchange") or death.get("exchange") or "")
        keys = death.get("routing-keys")
        routing_key = str(keys[0]) if isinstance(keys, list) and keys else ""
    fingerprint = json.dumps(
        [
            queue,
            message.message_id,
            parked_at.isoformat(),
            reason,
            hashlib.sha256(message.body).hexdigest(),
        ]
    )
    return {
        "id": uuid.uuid5(_IDS, fingerprint),
        "queue": queue,
        "message_id": message.message_id,
        "event_type": message.type,
        "correlation_id": message.correlation_id,
        "content_type": message.content_type,
        "original_exchange": exchange,
        "original_routing_key": routing_key,
        "reason": reason,
        "parked_at": parked_at,
        "headers": headers,
        "body": message.body,
    }


def _parked(row: Row[Any]) -> ParkedMessage:
    return ParkedMessage(
        id=row.id,
        queue=row.queue,
        message_id=row.message_id,
        event_type=row.event_type,
        correlation_id=row.correlation_id,
        reason=row.reason,
        parked_at=row.parked_at,
        headers=row.headers,
        status=row.status,
        resolved_at=row.resolved_at,
        resolved_by=row.resolved_by,
        discard_reason=row.discard_reason,
    )


_SHOWN = [c for c in parked_messages.c if c.name not in ("body", "content_type", "collected_at")]


class Parking:
    """The parked messages of one service: move in, list, replay, discard."""

    def __init__(self, *, bus: Bus, database: Database) -> None:
        self._bus = bus
        self._database = database

    async def collect(self, *, limit: int = COLLECT_LIMIT) -> int:
        """Move what waits in the parking queue into the table; the number moved."""
        if not self._bus.is_connected:
            return 0
        channel = await self._bus.connection.channel()
        try:
            queue = await channel.declare_queue(
                parking_queue_name(self._bus.service), passive=True, robust=False
            )
            taken: list[AbstractIncomingMessage] = []
            while len(taken) < limit:
                message = await queue.get(no_ack=False, fail=False)
                if message is None:
                    break
                taken.append(message)
            if not taken:
                return 0
            rows = {row["id"]: row for row in map(_row_of, taken)}
            async with self._database.transaction() as session:
                await session.execute(
                    insert(parked_messages)
                    .values(list(rows.values()))
                    .on_conflict_do_nothing(index_elements=["id"])
                )
            await taken[-1].ack(multiple=True)
            log.info("parking.collected", count=len(taken))
            return len(taken)
        finally:
            # Whatever was taken and not acked goes back to the queue.
            await channel.close()

    async def list(
        self, *, status: str = PARKED, queue: str | None = None, limit: int = 100
    ) -> tuple[list[ParkedMessage], int]:
        """One page, oldest first, and how many there are with that status (and queue)."""
        where = [parked_messages.c.status == status]
        if queue:
            where.append(parked_messages.c.queue == queue)
        async with self._database.sessions() as session:
            rows = await session.execute(
                select(*_SHOWN)
                .where(*where)
                .order_by(parked_messages.c.parked_at, parked_messages.c.id)
                .limit(limit)
            )
            total = await session.scalar(select(func.count()).where(*where))
        return [_parked(row) for row in rows], int(total or 0)

    async def replay(self, parked_id: uuid.UUID, *, by: str) -> ParkedMessage:
        """Publish the message back into its queue; replaying it again publishes nothing."""
        message, _ = await self._replay(parked_id, by=by)
        return message

    async def _replay(self, parked_id: uuid.UUID, *, by: str) -> tuple[ParkedMessage, bool]:
        published = False
        async with self._database.transaction() as session:
            row = (
                await session.execute(
                    select(parked_messages)
                    .where(parked_messages.c.id == parked_id)
                    .with_for_update()
                )
            ).one_or_none()
            if row is None:
                raise ParkedMessageNotFoundError(str(parked_id))
            if row.status == DISCARDED:
                raise ParkedMessageConflictError(
                    "Dit bericht is afgewezen; het kan niet meer opnieuw worden aangeboden."
                )
            if row.status == PARKED:
                # Published before the row is marked: a failed commit leaves it parked, and a
                # second replay is absorbed by the consumer's inbox (same message id).
                try:
                    await self._bus.send_to_queue(row.queue, _replayed(row))
                except UndeliverableError:
                    raise ParkedMessageConflictError(
                        f"De wachtrij {row.queue} nam het bericht niet aan; het blijft geparkeerd."
                    ) from None
                published = True
                now = datetime.now(UTC)
                await session.execute(
                    update(parked_messages)
                    .where(parked_messages.c.id == parked_id)
                    .values(status=REPLAYED, resolved_at=now, resolved_by=by)
                )
                log.info(
                    "parking.replayed",
                    parked_id=str(parked_id),
                    queue=row.queue,
                    message_id=row.message_id,
                )
            shown = await session.execute(select(*_SHOWN).where(parked_messages.c.id == parked_id))
            return _parked(shown.one()), published

    async def replay_all(self, *, by: str, queue: str | None = None) -> int:
        """Replay every parked message (of one queue); the number replayed."""
        await self.collect()
        where = [parked_messages.c.status == PARKED]
        if queue:
            where.append(parked_messages.c.queue == queue)
        async with self._database.sessions() as session:
            ids = list(
                await session.scalars(
                    select(parked_messages.c.id)
                    .where(*where)
                    .order_by(parked_messages.c.parked_at, parked_messages.c.id)
                    .limit(REPLAY_ALL_LIMIT)
                )
            )
        replayed = 0
        for parked_id in ids:
            try:
                _, published = await self._replay(parked_id, by=by)
            except (ParkedMessageNotFoundError, ParkedMessageConflictError):
                continue  # discarded meanwhile by someone else
            replayed += 1 if published else 0
        return replayed

    async def discard(self, parked_id: uuid.UUID, *, by: str, reason: str) -> ParkedMessage:
        """Keep the message, marked discarded with who and why; it is never replayed."""
        async with self._database.transaction() as session:
            status = await session.scalar(
                select(parked_messages.c.status)
                .where(parked_messages.c.id == parked_id)
                .with_for_update()
            )
            if status is None:
                raise ParkedMessageNotFoundError(str(parked_id))
            if status == REPLAYED:
                raise ParkedMessageConflictError(
                    "Dit bericht is al opnieuw aangeboden; afwijzen kan niet meer."
                )
            if status == PARKED:
                await session.execute(
                    update(parked_messages)
                    .where(parked_messages.c.id == parked_id)
                    .values(
                        status=DISCARDED,
                        resolved_at=datetime.now(UTC),
                        resolved_by=by,
                        discard_reason=reason,
                    )
                )
                log.info("parking.discarded", parked_id=str(parked_id))
            shown = await session.execute(select(*_SHOWN).where(parked_messages.c.id == parked_id))
            return _parked(shown.one())


def _replayed(row: Row[Any]) -> aio_pika.Message:
    headers = {
        name: value
        for name, value in (row.headers or {}).items()
        if not name.startswith(_NOT_REPLAYED)
    }
    headers[ORIGINAL_EXCHANGE_HEADER] = row.original_exchange
    headers[ORIGINAL_ROUTING_KEY_HEADER] = row.original_routing_key
    headers["x-replayed-from"] = str(row.id)
    return aio_pika.Message(
        body=row.body,
        headers=headers,
        content_type=row.content_type,
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        message_id=row.message_id,
        correlation_id=row.correlation_id,
        type=row.event_type,
    )
