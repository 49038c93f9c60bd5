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

__all__ = ["Readers", "all_cases", "eventually", "overview", "publish_as_website", "queue_depth"]


class Readers:
    """Read-only API keys (raadpleger), one per municipality, made on first use: the platform
    operator's key sees the counts but reads no case file. Made in the gateway's database as
    the admin CLI makes them (a CLI process per key is slow on a busy machine)."""

    def __init__(self, system: LocalSystem) -> None:
        self._system = system
        self._keys: dict[str, str] = {}

    async def headers(self, municipality: str) -> dict[str, str]:
        if municipality not in self._keys:
            database = Database(self._system.database_url("gateway"), pool_size=1)
            try:
                async with database.transaction() as session:
                    new, _ = await apikeys.create_key(
                        session, organisation_id=municipality, role="raadpleger", label="e2e"
                    )
            finally:
                await database.dispose()
            self._keys[municipality] = new.token
        return {"Authorization": f"Bearer {self._keys[municipality]}"}


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
