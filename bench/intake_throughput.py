"""Applications/s from the website's exchange until the last case exists, next to the raw broker rate.

Starts the pipeline's services as separate processes (gateway, intake, cases; with
`--whole-system` also those that follow a new case), on fresh databases and a fresh RabbitMQ
vhost when `rabbitmqctl` is at hand, publishes N valid applications as the website would (persistent,
with publisher confirms), and polls the cases database until all N cases exist. In the same
run, a bare aio-pika script publishes the same N bodies with confirms to a plain queue and
consumes them with acks. Prints both rates and their ratio.

    uv run python bench/intake_throughput.py [-n 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import aio_pika
import asyncpg

from contracts.gezondverzekerd import EXCHANGE, ROUTING_KEY
from demodata import ApplicationFactory
from demodata.system import LocalSystem
from demodata.website import publish_with_confirms

MUNICIPALITIES = ("0363", "0599", "0534", "0553", "0575", "1525")


async def raw_broker_rate(amqp_url: str, bodies: list[bytes]) -> float:
    connection = await aio_pika.connect_robust(amqp_url)
    async with connection:
        publish_channel = await connection.channel(publisher_confirms=True)
        consume_channel = await connection.channel()
        await consume_channel.set_qos(prefetch_count=200)
        queue = await consume_channel.declare_queue(
            f"bench.raw.{uuid.uuid4().hex[:6]}", durable=True, arguments={"x-queue-type": "quorum"}
        )
        done = asyncio.Event()
        received = 0

        async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            nonlocal received
            await message.ack()
            received += 1
            if received == len(bodies):
                done.set()

        started = time.perf_counter()
        await queue.consume(on_message)
        await publish_with_confirms(publish_channel.default_exchange, queue.name, bodies)
        await done.wait()
        elapsed = time.perf_counter() - started
        await queue.delete(if_unused=False, if_empty=False)
    return len(bodies) / elapsed


async def pipeline_rate(system: LocalSystem, bodies: list[bytes]) -> float:
    cases_dsn = system.database_url("cases").replace("+asyncpg", "")
    database = await asyncpg.connect(cases_dsn)
    connection = await aio_pika.connect_robust(system.amqp_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.declare_exchange(
            EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True
        )
        started = time.perf_counter()
        publishing = asyncio.create_task(publish_with_confirms(exchange, ROUTING_KEY, bodies))
        while (await database.fetchval("SELECT count(*) FROM cases")) < len(bodies):
            await asyncio.sleep(0.1)
        elapsed = time.perf_counter() - started
        await publishing
    await database.close()
    return len(bodies) / elapsed


def make_vhost(amqp_url: str) -> tuple[str, str | None]:
    if os.geteuid() != 0 or not amqp_url.startswith("amqp://guest:guest@127.0.0.1"):
        return amqp_url, None
    vhost = f"bench-{uuid.uuid4().hex[:8]}"
    subprocess.run(["rabbitmqctl", "-q", "add_vhost", vhost], check=True)
    subprocess.run(
        ["rabbitmqctl", "-q", "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"], check=True
    )
    return f"{amqp_url.rstrip('/')}/{vhost}", vhost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=10_000, help="applications to publish")
    parser.add_argument(
        "--intake-replicas",
        type=int,
        default=2,
        help="intake processes consuming the website queue (an operator scales intake out)",
    )
    parser.add_argument(
        "--cases-replicas", type=int, default=2, help="cases processes consuming intake's events"
    )
    parser.add_argument(
        "--whole-system",
        action="store_true",
        help="also run the services that follow a new case (assessment, correspondence, "
        "documents): they share the 2 cores, so the pipeline's own rate is measured without",
    )
    arguments = parser.parse_args()
    amqp_url, vhost = make_vhost(
        os.environ.get("BENCH_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
    )
    system = LocalSystem(
        postgres_server_url=os.environ.get(
            "BENCH_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
        ),
        amqp_url=amqp_url,
        logs=Path(tempfile.mkdtemp(prefix="bench-intake-")),
    )
    factory = ApplicationFactory(seed=7)
    bodies = [factory.body(MUNICIPALITIES[i % len(MUNICIPALITIES)]) for i in range(arguments.n)]
    try:
        system.migrate()
        system.admin("org", "seed")
        if arguments.whole_system:
            system.start_all()
        else:
            # The pipeline itself: the gateway (whose events tell intake the customers),
            # intake and cases. Measured so since the first figures in the README.
            for service in ("gateway", "intake", "cases"):
                system.start(service)
        for service, replicas in (
            ("intake", arguments.intake_replicas),
            ("cases", arguments.cases_replicas),
        ):
            for replica in range(2, replicas + 1):
                system.start(service, name=f"{service}-{replica}")
        system.wait_ready()
        system.wait_until_municipalities_known(MUNICIPALITIES)
        print(
            f"publishing {arguments.n} applications on 2 cores; logs in {system.logs}", flush=True
        )
        raw = asyncio.run(raw_broker_rate(amqp_url, bodies))
        pipeline = asyncio.run(pipeline_rate(system, bodies))
    finally:
        system.stop_all()
        system.drop_databases()
        if vhost:
            subprocess.run(["rabbitmqctl", "-q", "delete_vhost", vhost], check=False)
    print(f"raw broker (publish with confirms + consume with acks): {raw:,.0f} msg/s")
    print(
        f"pipeline (website exchange -> intake -> outbox -> cases):  {pipeline:,.0f} applications/s"
    )
    print(f"ratio: {pipeline / raw:.0%} of the raw broker rate (target at least 30%)")


if __name__ == "__main__":
    main()
