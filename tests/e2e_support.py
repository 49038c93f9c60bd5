"""Helpers for the end-to-end tests: publish as the website does, poll with a deadline."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import aio_pika
import httpx

from demodata.system import LocalSystem
from demodata.website import publish_as_website
from servicekit.testing import eventually as servicekit_eventually

__all__ = ["Readers", "all_cases", "eventually", "overview", "publish_as_website", "queue_depth"]


class Readers:
    """Read-only API keys (raadpleger), one per municipality, made on first use: the platform
    operator's key sees the counts but reads no case file."""

    def __init__(self, system: LocalSystem) -> None:
        self._system = system
        self._keys: dict[str, str] = {}

    def headers(self, municipality: str) -> dict[str, str]:
        if municipality not in self._keys:
            self._keys[municipality] = self._system.admin(
                "api-key", "create", "--org", municipality, "--role", "raadpleger"
            ).strip()
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
            "/api/v1/cases", params=params, headers=readers.headers(municipality)
        )
        assert response.status_code == 200, response.text
        page = response.json()
        items.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return items
