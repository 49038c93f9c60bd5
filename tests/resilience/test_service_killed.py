"""Crashes (SIGKILL) of a service in the middle of a stream lose nothing and duplicate nothing."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from demodata import ApplicationFactory
from demodata.system import LocalSystem

from ..e2e_support import Readers, all_cases, eventually, overview, publish_as_website, queue_depth

pytestmark = pytest.mark.e2e

BOLLENSTREEK = ("0534", "0553", "0575", "1525")


def expected_totals(bodies: list[bytes]) -> dict[str, int]:
    adults = persons = 0
    for body in bodies:
        application = json.loads(body)["application"]
        household_adults = 1 if application["partner"] is None else 2
        adults += household_adults
        persons += household_adults + len(application["children"])
    return {"applications": len(bodies), "adults": adults, "persons": persons}


async def test_intake_killed_mid_stream(
    system: LocalSystem, api: httpx.AsyncClient, readers: Readers
) -> None:
    factory = ApplicationFactory(seed=21, number_offset=8_000_000)
    bodies = [factory.body("0772", city="Eindhoven") for _ in range(400)]
    publishing = asyncio.create_task(publish_as_website(system.amqp_url, bodies))

    async def some_cases() -> bool:
        return (await overview(api, municipality="0772"))["total"]["applications"] > 20

    await eventually(some_cases)
    system.kill("intake")
    await publishing
    system.start("intake")
    system.wait_ready("intake")

    async def all_there() -> bool:
        return (await overview(api, municipality="0772"))["total"]["applications"] >= len(bodies)

    await eventually(all_there, seconds=60)
    assert (await overview(api, municipality="0772"))["total"] == expected_totals(bodies)
    numbers = [case["application_number"] for case in await all_cases(api, "0772", readers)]
    assert len(numbers) == len(set(numbers)) == len(bodies)
    assert await queue_depth(system.amqp_url, "intake.parking") == 0


async def test_cases_killed_mid_stream_and_isd_counts_add_up(
    system: LocalSystem, api: httpx.AsyncClient
) -> None:
    factory = ApplicationFactory(seed=22, number_offset=9_000_000)
    bodies = [factory.body(BOLLENSTREEK[i % 4], city="Bollenstreek") for i in range(400)]
    publishing = asyncio.create_task(publish_as_website(system.amqp_url, bodies))

    async def some_cases() -> bool:
        return (await overview(api, isd="isd-bollenstreek"))["total"]["applications"] > 20

    await eventually(some_cases)
    system.kill("cases")
    await publishing
    system.start("cases")
    system.wait_ready("cases")

    async def all_there() -> bool:
        return (await overview(api, isd="isd-bollenstreek"))["total"]["applications"] >= len(bodies)

    await eventually(all_there, seconds=60)
    isd = await overview(api, isd="isd-bollenstreek")
    assert isd["total"] == expected_totals(bodies)
    per_municipality = [await overview(api, municipality=code) for code in BOLLENSTREEK]
    for measure in ("applications", "adults", "persons"):
        assert sum(m["total"][measure] for m in per_municipality) == isd["total"][measure]
    assert await queue_depth(system.amqp_url, "cases.parking") == 0
