"""Helpers for the end-to-end tests: publish as the website does, poll with a deadline."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import aio_pika
import httpx

from demodata.system import LocalSystem
from demodata.website import publish_as_website
from gateway import apikeys
from servicekit.db import Database
from servicekit.testing import eventually as servicekit_eventually

__all__ = [
    "Readers",
    "all_cases",
    "api_key",
    "eventually",
    "overview",
    "publish_as_website",
    "queue_depth",
]


async def api_key(
    system: LocalSystem, organisation: str, role: str, *, label: str = "e2e"
) -> dict[str, str]:
    """Headers with a new API key, made in the gateway's database as the admin CLI makes it (a
    CLI process per key costs seconds on a busy machine)."""
    database = Database(system.database_url("gateway"), pool_size=1)
    try:
        async with database.transaction() as session:
            new, _ = await apikeys.create_key(
                session, organisation_id=organisation, role=role, label=label
            )
    finally:
        await database.dispose()
    return {"Authorization": f"Bearer {new.token}"}


class Readers:
    """Read-only API keys (raadpleger), one per municipality, made on first use: the platform
    operator's key sees the counts but reads no case file."""

    def __init__(self, system: LocalSystem) -> None:
        self._system = system
        self._headers: dict[str, dict[str, str]] = {}

    async def headers(self, municipality: str) -> dict[str, str]:
        if municipality not in self._headers:
            self._headers[municipality] = await api_key(self._system, municipality, "raadpleger")
        return self._headers[municipality]


async def eventually(check: Callable[[], Awaitable[bool]], seconds: float = 30.0) -> None:
    """The whole system answers slower than one service: a longer deadline."""
    await servicekit_eventually(check, seconds=seconds, interval=0.1)


async def queue_depth(amqp_url: str, name: str) -> int:
    connection = await aio_pika.connect_robust(amqp_url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(name, passive=True)
        return int(queue.declaration_result.message_count or 0)


async def overview(api: httpx.AsyncClient, **query: str) -> dict[str, Any]:
    response = await api.get("/api/v1/overview", params=query)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def all_cases(
    api: httpx.AsyncClient, municipality: str, readers: Readers
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params = {"municipality": municipality, "limit": "200"} | (
            {"cursor": cursor} if cursor else {}
        )
        response = await api.get(
            "/api/v1/cases", params=params, headers=await readers.headers(municipality)
        )
        assert response.status_code == 200, response.text
        page = response.json()
        items.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return items


# --- Faults and recovery (tests/resilience, bench/faults.py) ---

PROCESSES = ("intake", "cases", "documents", "assessment", "correspondence", "gateway")
"""The services with an outbox and consumers (the Ockto simulator has neither)."""


async def metric_samples(system: LocalSystem, service: str, name: str) -> dict[str, float]:
    """One metric of a service's /metrics, by its label text (`queue="cases.applications"`)."""
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get(f"{system.url(service)}/metrics")
    response.raise_for_status()
    samples: dict[str, float] = {}
    for line in response.text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            key, _, value = line.rpartition(" ")
            labels = key[len(name) :].strip("{}")
            samples[labels] = float(value)
    return samples


async def outbox_lag(system: LocalSystem, service: str) -> float:
    """Seconds the oldest unpublished event of the service's outbox has waited (0 if none)."""
    samples = await metric_samples(system, service, "outbox_oldest_unsent_age_seconds")
    return max(samples.values(), default=0.0)


async def consumer_queues(system: LocalSystem, service: str) -> list[str]:
    samples = await metric_samples(system, service, "bus_consumer_running")
    return sorted(labels.split('"')[1] for labels, value in samples.items() if value == 1)


async def time_to_recover(
    system: LocalSystem, since: float, *, seconds: float = 120.0, services: tuple[str, ...] = ()
) -> float:
    """From `since` (time.monotonic() at the fault's end) until every service answers its
    metrics with an outbox lag under one second; the issue's "time to recover"."""
    import time

    async def lag_under_a_second() -> bool:
        try:
            lags = [await outbox_lag(system, s) for s in services or PROCESSES]
        except httpx.HTTPError:
            return False
        return max(lags) < 1.0

    await eventually(lag_under_a_second, seconds=seconds)
    return time.monotonic() - since


async def parked(amqp_url: str, service: str) -> int:
    return await queue_depth(amqp_url, f"{service}.parking")


async def replay_parked(amqp_url: str, service: str, only: set[str] | None = None) -> int:
    """Move the parked messages of a service (`only` those ids, if given) back to the queue
    each was parked from, as the runbook's shovel does; returns how many were moved."""
    connection = await aio_pika.connect_robust(amqp_url)
    moved = 0
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        queue = await channel.declare_queue(f"{service}.parking", passive=True)
        kept = []
        # Only those parked now: a replayed message that fails again is parked anew.
        for _ in range(int(queue.declaration_result.message_count or 0)):
            message = await queue.get(no_ack=False, fail=False)
            if message is None:
                break
            if only is not None and message.message_id not in only:
                kept.append(message)  # held unacked until the end, so get() moves on
                continue
            headers = dict(message.headers or {})
            origin = str(headers.pop("x-parked-from-queue"))
            for key in ("x-parked-reason", "x-parked-at", "x-death", "x-first-death-queue"):
                headers.pop(key, None)
            await channel.default_exchange.publish(
                aio_pika.Message(
                    message.body,
                    headers=headers,
                    content_type=message.content_type,
                    delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                    message_id=message.message_id,
                    type=message.type,
                ),
                routing_key=origin,
            )
            await message.ack()
            moved += 1
        for message in kept:
            await message.nack(requeue=True)
    return moved


async def discard_parked(amqp_url: str, service: str, message_ids: set[str]) -> int:
    """Remove the given messages from a service's parking queue, keeping the others."""
    connection = await aio_pika.connect_robust(amqp_url)
    discarded = 0
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(f"{service}.parking", passive=True)
        kept = []
        while (message := await queue.get(no_ack=False, fail=False)) is not None:
            if message.message_id in message_ids:
                await message.ack()
                discarded += 1
            else:
                kept.append(message)  # held unacked until the end, so get() moves on
        for message in kept:
            await message.nack(requeue=True)
    return discarded
