"""Faults and recovery: a stream of applications through the whole system while one fault hits.

Starts the whole system as separate processes (databases and a RabbitMQ virtual host of its
own). Per fault, N applications for a municipality of the fault's own are published as the
website does, retrying whatever the broker did not confirm (re-sent messages carry the same
message id); the fault lands mid-stream. Then it counts, per fault:

- lost / duplicated cases (N applications in must be N cases, each application number once);
- lost / duplicated letters (every application of a resident with an ASCII e-mail address gets
  its two e-mails, counted at the SMTP server by Message-ID: a letter sent twice has the same
  Message-ID; the others get theirs by post, which the SMTP server does not see);
- parked messages (must stay 0);
- the time to recover: from the fault's end until every service's outbox lag
  (`outbox_oldest_unsent_age_seconds`) is under one second again.

Faults: none (the baseline), the broker's application stopped and started
(`rabbitmqctl stop_app/start_app`, only with BENCH_BROKER_IS_OURS=1: it stops RabbitMQ for
everyone on the host), every database connection of each service terminated twice, each
service killed with SIGKILL and restarted, and a TCP proxy in front of PostgreSQL and RabbitMQ
for every service that adds latency, resets every connection twice and cuts them for 3 s.

    uv run python bench/faults.py [--applications 300] [--faults none,database,kill-cases]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import subprocess
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import aio_pika
import httpx

from contracts.gezondverzekerd import EXCHANGE, ROUTING_KEY
from demodata import ApplicationFactory
from demodata.system import (
    SERVICES,
    FaultProxy,
    LocalSystem,
    database_name,
    target_of,
    terminate_connections,
)
from demodata.website import publish_with_confirms

LETTERS_PER_APPLICATION = 2
"""The acknowledgement and the invitation (with the Ockto and upload links), both e-mailed."""
SETTLE_SECONDS = 240.0
"""How long a fault's stream may take to be fully handled before what is missing counts lost."""


@dataclass
class Figure:
    fault: str
    applications: int
    cases_lost: int = 0
    cases_duplicated: int = 0
    letters_expected: int = 0
    letters_lost: int = 0
    letters_duplicated: int = 0
    parked: int = 0
    recover_seconds: float = 0.0
    publish_retries: int = 0

    def row(self) -> str:
        return (
            f"| {self.fault} | {self.applications} | {self.cases_lost} | "
            f"{self.cases_duplicated} | {self.letters_lost} of {self.letters_expected} | "
            f"{self.letters_duplicated} | "
            f"{self.parked} | {self.recover_seconds:.1f} |"
        )


HEADER = (
    "| fault | N | cases lost | cases duplicated | e-mails lost | e-mails duplicated "
    "| parked | time to recover (s) |\n|---|---|---|---|---|---|---|---|"
)


async def publish_retrying(amqp_url: str, bodies: list[bytes], per_second: float) -> int:
    """As the website: paced, and a window the broker did not confirm is sent again (after a
    reconnect) until it is; returns how many times it had to retry."""
    retries = 0
    window = 20
    remaining = list(bodies)
    while remaining:
        try:
            connection = await aio_pika.connect(amqp_url, timeout=5)
            async with connection:
                channel = await connection.channel(publisher_confirms=True)
                exchange = await channel.declare_exchange(
                    EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True
                )
                while remaining:
                    await asyncio.wait_for(
                        publish_with_confirms(exchange, ROUTING_KEY, remaining[:window]), 30
                    )
                    remaining = remaining[window:]
                    await asyncio.sleep(window / per_second)  # the website's pace
        except (aio_pika.exceptions.AMQPError, OSError, TimeoutError):
            retries += 1
            await asyncio.sleep(0.5)
    return retries


async def metric(system: LocalSystem, service: str, name: str) -> list[float]:
    async with httpx.AsyncClient(timeout=10) as client:
        text = (await client.get(f"{system.url(service)}/metrics")).text
    return [
        float(line.rpartition(" ")[2])
        for line in text.splitlines()
        if line.startswith((name + "{", name + " "))
    ]


async def until(check: Callable[[], Awaitable[bool]], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if await check():
                return True
        await asyncio.sleep(0.2)
    return False


class Bench:
    def __init__(self, system: LocalSystem, operator_key: str, applications: int) -> None:
        self.system = system
        self.headers = {"Authorization": f"Bearer {operator_key}"}
        self.applications = applications
        self.rate = 40.0
        self.codes = iter(f"{9000 + i:04d}" for i in range(100))

    async def cases(self, code: str) -> int:
        async with httpx.AsyncClient(base_url=self.system.url("gateway"), timeout=20) as api:
            response = await api.get(
                "/api/v1/overview", params={"municipality": code}, headers=self.headers
            )
        response.raise_for_status()
        return int(response.json()["total"]["applications"])

    async def numbers(self, code: str) -> list[str]:
        """Every case's application number, read straight from cases' database."""
        import asyncpg
        from sqlalchemy.engine import make_url

        url = make_url(self.system.database_url("cases")).set(drivername="postgresql")
        connection = await asyncpg.connect(url.render_as_string(hide_password=False))
        try:
            rows = await connection.fetch(
                "SELECT application_number FROM cases WHERE municipality_code = $1", code
            )
        finally:
            await connection.close()
        return [str(row[0]) for row in rows]

    async def parked(self) -> int:
        total = 0
        for service in SERVICES:
            total += int(sum(await metric(self.system, service, "bus_parked_messages")))
        return total

    async def recovered(self) -> bool:
        lags = [await metric(self.system, s, "outbox_oldest_unsent_age_seconds") for s in SERVICES]
        return max(max(lag, default=0.0) for lag in lags) < 1.0

    async def run(self, fault: str, inject: Callable[[str], Awaitable[None]]) -> Figure:
        code = next(self.codes)
        self.system.admin("org", "add-municipality", code, f"Storingsdorp {fault}")
        self.system.wait_until_municipalities_known((code,))
        # Application numbers have seven digits: 10,000 a fault from 5,000,000.
        offset = 5_000_000 + (int(code) - 9000) * 10_000
        factory = ApplicationFactory(seed=int(code), number_offset=offset)
        bodies = [factory.body(code, city="Storingsdorp") for _ in range(self.applications)]
        emails = [json.loads(b)["application"]["applicant"].get("email") for b in bodies]
        # Residents without an address (30% of the factory's) get their letters by post, which
        # the SMTP server does not see; so do those whose address has non-ASCII characters
        # (`ömer.287@example.nl`): correspondence sends no SMTPUTF8.
        addresses = {str(e) for e in emails if e and str(e).isascii()}
        expected = LETTERS_PER_APPLICATION * sum(1 for e in emails if e and str(e).isascii())
        parked_before = await self.parked()
        publishing = asyncio.create_task(publish_retrying(self.system.amqp_url, bodies, self.rate))
        await inject(code)
        fault_end = time.monotonic()
        recovered = await until(self.recovered, SETTLE_SECONDS)
        figure = Figure(fault, len(bodies))
        figure.recover_seconds = time.monotonic() - fault_end if recovered else float("inf")
        figure.publish_retries = await publishing

        async def all_cases() -> bool:
            return await self.cases(code) >= len(bodies)

        await until(all_cases, SETTLE_SECONDS)
        numbers = await self.numbers(code)
        figure.cases_lost = len(bodies) - len(set(numbers))
        figure.cases_duplicated = len(numbers) - len(set(numbers))

        def letters() -> dict[str, int]:
            assert self.system.mail is not None
            counts: dict[str, int] = {}
            for item in self.system.mail.received():
                if addresses & set(item.recipients):
                    counts[item.message_id] = counts.get(item.message_id, 0) + 1
            return counts

        async def all_letters() -> bool:
            return len(letters()) >= expected

        await until(all_letters, SETTLE_SECONDS)
        counts = letters()
        figure.letters_expected = expected
        figure.letters_lost = max(0, expected - len(counts))
        figure.letters_duplicated = sum(n - 1 for n in counts.values())
        figure.parked = await self.parked() - parked_before
        return figure

    async def some_cases(self, code: str, at_least: int) -> None:
        async def enough() -> bool:
            return await self.cases(code) >= at_least

        if not await until(enough, 120):
            raise TimeoutError(f"no {at_least} cases for {code} within 120 s")

    # The faults: each waits for its moment in the stream, does its harm and returns at its end.

    async def no_fault(self, code: str) -> None:
        await self.some_cases(code, self.applications // 4)

    async def broker_stopped(self, code: str) -> None:
        await self.some_cases(code, self.applications // 4)
        rabbitmqctl("stop_app")
        await asyncio.sleep(5)  # the outage itself
        rabbitmqctl("start_app")

    async def database_connections_terminated(self, code: str) -> None:
        for at_least in (self.applications // 10, self.applications // 3):
            await self.some_cases(code, at_least)
            for service in SERVICES:
                database = database_name(self.system.database_url(service))
                await terminate_connections(self.system.postgres_server_url, database)

    def killed(self, service: str) -> Callable[[str], Awaitable[None]]:
        async def inject(code: str) -> None:
            await self.some_cases(code, self.applications // 4)
            self.system.kill(service)
            self.system.start(service)
            await asyncio.to_thread(self.system.wait_ready, service, seconds=240)

        return inject

    async def behind_proxies(self, code: str) -> None:
        database = FaultProxy(target_of(self.system.postgres_server_url)).start()
        broker = FaultProxy(target_of(self.system.amqp_url)).start()
        self.restart_all(database, broker)
        try:
            database.latency = broker.latency = 0.005
            for at_least in (self.applications // 10, self.applications // 3):
                await self.some_cases(code, at_least)
                database.reset_all()
                broker.reset_all()
            database.outage(True)
            broker.outage(True)
            await asyncio.sleep(3)  # the outage itself
            database.outage(False)
            broker.outage(False)
            database.latency = broker.latency = 0.0
            await self.some_cases(code, self.applications)
        finally:
            self.restart_all(None, None)
            database.stop()
            broker.stop()

    def restart_all(self, database: FaultProxy | None, broker: FaultProxy | None) -> None:
        for service in SERVICES:
            settings = {}
            if database is not None and broker is not None:
                settings = {
                    f"{service.upper()}_DATABASE_URL": database.url(
                        self.system.database_url(service)
                    ),
                    "BACKOFFICE_AMQP_URL": broker.url(self.system.amqp_url),
                }
            self.system.stop(service)
            self.system.start(service, settings=settings)
        self.system.wait_ready(*SERVICES, seconds=240)


def rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=120)


def make_vhost(amqp_url: str) -> tuple[str, str | None]:
    if os.geteuid() != 0 or not amqp_url.startswith("amqp://guest:guest@127.0.0.1"):
        return amqp_url, None
    vhost = f"bench-faults-{uuid.uuid4().hex[:8]}"
    rabbitmqctl("add_vhost", vhost)
    rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    return f"{amqp_url.rstrip('/')}/{vhost}", vhost


async def run(system: LocalSystem, arguments: argparse.Namespace) -> list[Figure]:
    key = system.admin("api-key", "create", "--org", "platform", "--role", "operator").strip()
    bench = Bench(system, key, arguments.applications)
    faults: dict[str, Callable[[str], Awaitable[None]]] = {
        "none": bench.no_fault,
        "database": bench.database_connections_terminated,
        "proxy": bench.behind_proxies,
    }
    if os.environ.get("BENCH_BROKER_IS_OURS") == "1":
        faults["broker"] = bench.broker_stopped
    for service in SERVICES:
        faults[f"kill-{service}"] = bench.killed(service)
    chosen = arguments.faults.split(",") if arguments.faults else list(faults)
    figures = []
    for name in chosen:
        if name not in faults:
            print(f"skipped {name} (unknown, or broker without BENCH_BROKER_IS_OURS=1)")
            continue
        started = time.monotonic()
        figure = await bench.run(name, faults[name])
        figures.append(figure)
        print(
            f"{figure.row()}  ({time.monotonic() - started:.0f} s, "
            f"{figure.publish_retries} publish retries)",
            flush=True,
        )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=300, help="N per fault")
    parser.add_argument("--faults", default="", help="comma-separated; default: all")
    arguments = parser.parse_args()
    amqp_url, vhost = make_vhost(
        os.environ.get("BENCH_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
    )
    system = LocalSystem(
        postgres_server_url=os.environ.get(
            "BENCH_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
        ),
        amqp_url=amqp_url,
        logs=Path(tempfile.mkdtemp(prefix="bench-faults-")),
    )
    try:
        system.migrate()
        system.admin("org", "seed")
        system.start_all(ready_seconds=300)
        print(f"system up; logs in {system.logs}", flush=True)
        figures = asyncio.run(run(system, arguments))
        print()
        print(HEADER)
        for figure in figures:
            print(figure.row())
    finally:
        system.stop_all()
        system.drop_databases()
        if vhost:
            subprocess.run(["rabbitmqctl", "-q", "delete_vhost", vhost], check=False)


if __name__ == "__main__":
    main()
