"""Every database connection of every service terminated mid-stream, twice: nothing lost,
nothing duplicated, and the outboxes catch up."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from demodata.system import LocalSystem, database_name, restart_all, terminate_connections

from ..e2e_support import PROCESSES, Readers, publish_as_website, time_to_recover
from .support import Stream

pytestmark = pytest.mark.e2e


async def test_every_database_connection_terminated_twice_mid_stream(
    system: LocalSystem, api: httpx.AsyncClient, readers: Readers
) -> None:
    stream = Stream(system, "0307", "Amersfoort", seed=41, number_offset=7_100_000)
    await stream.open()
    bodies = stream.applications(300)
    publishing = asyncio.create_task(publish_as_website(system.amqp_url, bodies))
    terminated = 0
    for seen in (1, 100):
        await stream.reaches(api, seen)
        for service in PROCESSES:
            database = database_name(system.database_url(service))
            terminated += await terminate_connections(system.postgres_server_url, database)
    await publishing
    fault_end = time.monotonic()
    # Each service holds at least its consumers' and relay's connections: all were cut.
    assert terminated >= 2 * len(PROCESSES)
    await stream.assert_exactly_once(api, readers)
    await time_to_recover(system, fault_end)
    # Nothing is left stuck on a dead connection: every service still stops on SIGTERM.
    hung = await asyncio.to_thread(restart_all, system, PROCESSES)
    assert hung == [], f"{hung} did not stop within 20 s of SIGTERM after the fault"
