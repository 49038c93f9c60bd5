"""A stream of applications for a municipality of the fault's own, and what must hold after."""

from __future__ import annotations

import httpx

from demodata import ApplicationFactory
from demodata.system import LocalSystem

from ..e2e_support import PROCESSES, Readers, all_cases, eventually, overview, parked


class Stream:
    """N applications in, for one municipality no other test uses, so counts are exact."""

    def __init__(
        self, system: LocalSystem, code: str, name: str, *, seed: int, number_offset: int
    ) -> None:
        self.system = system
        self.code = code
        self.name = name
        self.factory = ApplicationFactory(seed=seed, number_offset=number_offset)
        self.bodies: list[bytes] = []
        self.parked_before: dict[str, int] = {}

    async def open(self) -> None:
        self.system.admin("org", "add-municipality", self.code, self.name)
        self.system.wait_until_municipalities_known((self.code,))
        self.parked_before = {s: await parked(self.system.amqp_url, s) for s in PROCESSES}

    def applications(self, count: int) -> list[bytes]:
        bodies = [self.factory.body(self.code, city=self.name) for _ in range(count)]
        self.bodies.extend(bodies)
        return bodies

    async def cases(self, api: httpx.AsyncClient) -> int:
        return int((await overview(api, municipality=self.code))["total"]["applications"])

    async def reaches(self, api: httpx.AsyncClient, count: int, seconds: float = 30.0) -> None:
        async def there() -> bool:
            return await self.cases(api) >= count

        await eventually(there, seconds=seconds)

    async def assert_exactly_once(self, api: httpx.AsyncClient, readers: Readers) -> None:
        """N applications in: N cases, none twice, nothing newly parked, every process alive."""
        await self.reaches(api, len(self.bodies), seconds=120)
        assert await self.cases(api) == len(self.bodies)
        numbers = [c["application_number"] for c in await all_cases(api, self.code, readers)]
        assert len(numbers) == len(set(numbers)) == len(self.bodies)
        for service in PROCESSES:
            assert await parked(self.system.amqp_url, service) == self.parked_before[service]
            assert self.system.processes[service].poll() is None, f"{service} died"
