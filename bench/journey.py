"""The first journey, driven by API with the simulator: from the website's message to the
decision letter's e-mail, and where that time goes.

The whole system runs as processes (as `make up` runs it). N applications of a municipality
that checks *vooraf* are published as the website does; each is then followed by its own
client (C at once), which takes the human steps as soon as they are possible: the resident
consents in the Ockto simulator once the invitation exists, the beslisser grants once the
advice is shown and approves the drafted letter. The clock stops when the SMTP server receives
the decision e-mail. Per hop (p50 / p95, seconds):

- intake + cases: the website's message until the case is listed through the gateway;
- assessment: the case until its Ockto invitation is ready (the session started);
- delivery: the resident's consent until the advice is shown;
- correspondence: the decision until its letter is drafted (rendered as a preview);
- sending: the approval until the e-mail with the PDF reaches the SMTP server.

The human steps take no time here, so the total is the system's own share.

    uv run python bench/journey.py [-n 200] [-c 20]
"""

from __future__ import annotations

import argparse
import asyncio
import email
import email.policy
import json
import os
import statistics
import subprocess
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aio_pika
import httpx

from contracts.gezondverzekerd import EXCHANGE, ROUTING_KEY
from demodata.applications import ApplicationFactory
from demodata.stages import Roles, Stages
from demodata.system import LocalSystem
from demodata.website import publish_with_confirms

MUNICIPALITY = "9321"
HOPS = ("intake + cases", "assessment", "delivery", "correspondence", "sending")
POLL = 0.1


async def _until(check: Callable[[], Awaitable[Any]], seconds: float = 600.0) -> Any:
    deadline = time.monotonic() + seconds
    while not (found := await check()):
        if time.monotonic() > deadline:
            raise TimeoutError("the system did not get there in time")
        await asyncio.sleep(POLL)
    return found


class Journey:
    def __init__(self, system: LocalSystem, stages: Stages, roles: Roles) -> None:
        self.system = system
        self.stages = stages
        self.roles = roles
        self.hops: dict[str, list[float]] = defaultdict(list)
        self.totals: list[float] = []

    def _mail_at(self, address: str) -> float | None:
        assert self.system.mail is not None
        for received in self.system.mail.received():
            if address in received.recipients:
                message = email.message_from_bytes(received.raw, policy=email.policy.default)
                if str(message.get("Subject", "")).startswith("Besluit"):
                    return received.received_at
        return None

    async def follow(self, application: dict[str, Any], published_at: float) -> None:
        api, number = self.stages.api, application["application_number"]

        async def listed() -> str | None:
            found = await api.get(
                "/api/v1/cases",
                params={"municipality": MUNICIPALITY, "q": number},
                headers=self.roles.handler,
            )
            items = found.json().get("items", []) if found.status_code == 200 else []
            return str(items[0]["id"]) if items else None

        case_id = await _until(listed)
        opened = time.monotonic()
        session = await _until(lambda: self.stages._invitation(case_id))
        invited = time.monotonic()
        delivered = await self.stages.simulator.post(
            f"/api/v1/sessions/{session['session_id']}/deliver",
            json={"scenario": "wages_under_limit"},
        )
        delivered.raise_for_status()
        await _until(lambda: self.stages._advice(case_id))
        advised = time.monotonic()
        await self.stages.decide(case_id, "granted", [])
        decided = time.monotonic()

        async def drafted() -> bool:
            response = await api.get(
                f"/api/v1/cases/{case_id}/decision-letter", headers=self.roles.decider
            )
            return response.status_code == 200

        await _until(drafted)
        letter = time.monotonic()
        await self.stages.send_decision_letter(case_id)
        approved = time.monotonic()
        address = application["applicant"]["email"]

        async def mailed() -> float | None:
            return self._mail_at(address)

        arrived = await _until(mailed)
        # The SMTP server stamps with the wall clock; the rest is monotonic.
        sent = max(approved, time.monotonic() - (time.time() - arrived))
        for hop, seconds in zip(
            HOPS,
            (
                opened - published_at,
                invited - opened,
                advised - invited,
                letter - decided,
                sent - approved,
            ),
            strict=True,
        ):
            self.hops[hop].append(seconds)
        self.totals.append(sent - published_at)


def _percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"p50 {statistics.median(ordered):6.2f} s   p95 {p95:6.2f} s"


def _key(system: LocalSystem, role: str) -> dict[str, str]:
    token = system.admin("api-key", "create", "--org", MUNICIPALITY, "--role", role).strip()
    return {"Authorization": f"Bearer {token}"}


async def run(system: LocalSystem, count: int, clients: int) -> Journey:
    system.admin("org", "add-municipality", MUNICIPALITY, "Reisduur")
    system.wait_until_municipalities_known((MUNICIPALITY,))
    roles = Roles(
        handler=_key(system, "behandelaar"),
        decider=_key(system, "beslisser"),
        manager=_key(system, "functioneel_beheerder"),
    )
    factory = ApplicationFactory(seed=321, number_offset=3_210_000)
    applications = []
    for index in range(count):
        body = factory.application(MUNICIPALITY)
        body["application"]["applicant"]["email"] = (
            f"reis.{index}.{uuid.uuid4().hex[:6]}@example.nl"
        )
        applications.append(body)
    async with (
        httpx.AsyncClient(base_url=system.url("gateway"), timeout=60) as api,
        system.ockto_client(timeout=60) as simulator,
    ):
        journey = Journey(system, Stages(api, simulator, roles), roles)
        gate = asyncio.Semaphore(clients)
        # The website keeps one connection and publishes each application when it is sent.
        website = await aio_pika.connect_robust(system.amqp_url)
        channel = await website.channel(publisher_confirms=True)
        exchange = await channel.declare_exchange(
            EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True
        )

        async def one(body: dict[str, Any]) -> None:
            async with gate:
                published_at = time.monotonic()
                await publish_with_confirms(exchange, ROUTING_KEY, [_encoded(body)])
                await journey.follow(body["application"], published_at)

        started = time.monotonic()
        try:
            await asyncio.gather(*(one(body) for body in applications))
        finally:
            await website.close()
        print(f"{count} journeys, {clients} at once, in {time.monotonic() - started:.1f} s")
    return journey


def _encoded(body: dict[str, Any]) -> bytes:
    return json.dumps(body).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="applications")
    parser.add_argument("-c", type=int, default=20, help="applications followed at once")
    arguments = parser.parse_args()
    amqp = os.environ.get("BENCH_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
    vhost = f"bench-{uuid.uuid4().hex[:8]}"
    subprocess.run(["rabbitmqctl", "-q", "add_vhost", vhost], check=True)
    subprocess.run(
        ["rabbitmqctl", "-q", "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"],
        check=True,
    )
    system = LocalSystem(
        postgres_server_url=os.environ.get(
            "BENCH_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
        ),
        amqp_url=f"{amqp.rstrip('/')}/{vhost}",
        logs=Path(tempfile.mkdtemp(prefix="bench-journey-")),
        extra_env={"BACKOFFICE_LOG_LEVEL": "WARNING"},
    )
    try:
        system.migrate()
        system.admin("org", "seed")
        system.start_all(ready_seconds=240)
        journey = asyncio.run(run(system, arguments.n, arguments.c))
        print(f"{'website to decision e-mail':28} {_percentiles(journey.totals)}")
        for hop in HOPS:
            print(f"  {hop:26} {_percentiles(journey.hops[hop])}")
    finally:
        system.stop_all()
        system.drop_databases()
        subprocess.run(["rabbitmqctl", "-q", "delete_vhost", vhost], check=False)


if __name__ == "__main__":
    main()
