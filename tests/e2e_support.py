"""Helpers for the end-to-end tests: publish as the website does, poll with a deadline."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aio_pika
import httpx

from demodata.website import publish_as_website

__all__ = ["all_cases", "eventually", "overview", "publish_as_website", "queue_depth"]


async def eventually(check: Callable[[], Awaitable[bool]], seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met before the deadline")
        await asyncio.sleep(0.1)


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


async def all_cases(api: httpx.AsyncClient, municipality: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params = {"municipality": municipality, "limit": "200"} | (
            {"cursor": cursor} if cursor else {}
        )
        response = await api.get("/api/v1/cases", params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        items.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return items
