"""The assessment's throughput: the advice function alone, and signed deliveries end to end.

1. The pure advice function over N packages (the simulator's scenarios for varied households),
   in this process, on one core: advices/s.
2. The delivery path as processes: the gateway, the assessment and the Ockto simulator
   (`--whole-system`: every service, as `make up` runs them, so the services that follow each
   advice share the 2 cores). M cases opened (`cases.case.opened`, published as the cases
   service does), their sessions started at the simulator by the assessment, then M signed
   deliveries posted through the gateway's callback by C concurrent clients; then every case
   is read back through the gateway until `GET /api/v1/cases/{id}/assessment` shows its
   advice. Prints deliveries/s (posting), the end-to-end rate (first delivery until every
   advice is shown) and the callback's p50/p95.

    uv run python bench/assessment.py [-n 100000] [-m 10000] [-c 20] [--assessment-replicas 1]
        [--whole-system]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

# This script is named after the package it measures: keep its folder off the import path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import httpx

from assessment.advice.facts import HouseholdFacts
from assessment.advice.rules import assess
from assessment.ockto.delivery import package_document
from assessment.ockto.store import data_set
from assessment.parameters.values import default_parameters
from contracts.base import Envelope
from contracts.cases import CaseOpened
from contracts.household import Adult, Household
from contracts.ockto import OcktoDelivery, sign
from demodata.applications import valid_bsn
from demodata.system import OCKTO, LocalSystem
from ockto_simulator.scenarios import SCENARIOS, Person, build

MUNICIPALITY = "9301"
DELIVERY_PATH = ("gateway", "assessment")
"""The services a delivery passes through until its advice is shown (with the simulator)."""


def _household(rng: random.Random, index: int) -> Household:
    born = date(rng.randint(1940, 2004), rng.randint(1, 12), rng.randint(1, 28))
    applicant = Adult(
        bsn=valid_bsn(rng), initials="J.", last_name=f"Bench{index}", date_of_birth=born
    )
    partner = (
        Adult(
            bsn=valid_bsn(rng),
            initials="A.",
            last_name=f"Bench{index}",
            date_of_birth=born + timedelta(days=400),
        )
        if rng.random() < 0.35
        else None
    )
    return Household(applicant=applicant, partner=partner)


def advice_alone(count: int) -> float:
    rng = random.Random(11)
    parameters = default_parameters("0363")
    reference = date(2026, 12, 3)
    scenarios = sorted(SCENARIOS)
    packages = []
    for index in range(count):
        home = _household(rng, index)
        persons = [Person("applicant", home.applicant.bsn, home.applicant.date_of_birth)]
        if home.partner:
            persons.append(Person("partner", home.partner.bsn, home.partner.date_of_birth))
        body, _ = build(
            scenarios[index % len(scenarios)],
            session_id="oks_bench_" + uuid.uuid4().hex[:12],
            persons=persons,
            reference_date=reference,
            purpose="bench",
            now=datetime(2026, 12, 3, 10, tzinfo=UTC),
        )
        document = package_document(OcktoDelivery.model_validate(body))
        facts = HouseholdFacts(
            home.applicant.date_of_birth,
            home.partner.date_of_birth if home.partner else None,
            rng.randint(0, 2),
            reference,
        )
        packages.append((facts, (data_set("ockto", document),)))
    started = time.process_time()
    outcomes: dict[str, int] = {}
    for facts, data in packages:
        advice = assess(facts, data, parameters).advice
        outcomes[advice] = outcomes.get(advice, 0) + 1
    elapsed = time.process_time() - started
    print(
        f"advice alone: {count:,} packages in {elapsed:.2f} s CPU: {count / elapsed:,.0f} advices/s ({outcomes})",
        flush=True,
    )
    return count / elapsed


async def _open_cases(system: LocalSystem, count: int) -> dict[uuid.UUID, Household]:
    import aio_pika

    rng = random.Random(7)
    cases: dict[uuid.UUID, Household] = {}
    connection = await aio_pika.connect_robust(system.amqp_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.declare_exchange(
            "backoffice.events", aio_pika.ExchangeType.TOPIC, durable=True
        )
        batch = []
        for index in range(count):
            home = _household(rng, index)
            case_id = uuid.uuid4()
            cases[case_id] = home
            event = CaseOpened(
                case_id=case_id,
                kind="application",
                application_number=f"GV-BENCH-{index:07d}",
                municipality_code=MUNICIPALITY,
                status="received",
                adults=home.adults,
                persons=home.persons,
                submitted_at=datetime.now(UTC),
                household=home,
            )
            envelope = Envelope.wrap(event, correlation_id=uuid.uuid4().hex)
            batch.append(
                exchange.publish(
                    aio_pika.Message(
                        envelope.model_dump_json().encode(),
                        content_type="application/json",
                        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                        message_id=str(envelope.event_id),
                        type=event.event_type,
                        headers={"version": 1},
                    ),
                    routing_key=event.routing_key(),
                )
            )
            if len(batch) == 500:
                await asyncio.gather(*batch)
                batch = []
        await asyncio.gather(*batch)
    return cases


async def _sessions(system: LocalSystem, count: int) -> list[dict[str, Any]]:
    async with system.ockto_client(timeout=60) as client:
        deadline = time.monotonic() + 900
        while True:
            sessions: list[dict[str, Any]] = (await client.get("/api/v1/sessions")).json()
            if len(sessions) >= count:
                return sessions
            if time.monotonic() > deadline:
                raise SystemExit(f"only {len(sessions)} of {count} sessions started")
            await asyncio.sleep(1)


async def end_to_end(system: LocalSystem, count: int, clients: int, api_key: str) -> None:
    started_at = time.perf_counter()
    await _open_cases(system, count)
    sessions = await _sessions(system, count)
    print(
        f"{count:,} cases opened and their sessions started in {time.perf_counter() - started_at:.1f} s",
        flush=True,
    )
    bodies = []
    for session in sessions:
        persons = [
            Person(p["role"], p["bsn"], date.fromisoformat(p["date_of_birth"]))
            for p in session["persons"]
        ]
        body, _ = build(
            "wages_under_limit",
            session_id=session["session_id"],
            persons=persons,
            reference_date=date.fromisoformat(session["reference_date"]),
            purpose=session["purpose"],
        )
        bodies.append(json.dumps(body).encode())
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for raw in bodies:
        queue.put_nowait(raw)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def poster(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            raw = queue.get_nowait()
            headers = {
                "Content-Type": "application/json",
                "X-Ockto-Signature": sign(
                    raw, secret=system.ockto_secret, timestamp=int(time.time())
                ),
            }
            begin = time.perf_counter()
            response = await client.post("/api/v1/ockto/deliveries", content=raw, headers=headers)
            latencies.append(time.perf_counter() - begin)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            if len(latencies) % 1000 == 0:
                done = sorted(latencies)
                print(
                    f"  {len(done):,} posted, {len(done) / (time.perf_counter() - first):,.0f}/s, "
                    f"p95 {done[int(len(done) * 0.95) - 1] * 1000:.0f} ms",
                    flush=True,
                )

    async with httpx.AsyncClient(
        base_url=system.url("gateway"), timeout=60, limits=limits
    ) as client:
        first = time.perf_counter()
        await asyncio.gather(*(poster(client) for _ in range(clients)))
        posted = time.perf_counter() - first
        case_ids = await _case_ids(system, count)
        missing = list(case_ids)
        headers = {"Authorization": f"Bearer {api_key}"}

        async def shows(case_id: str) -> bool:
            response = await client.get(f"/api/v1/cases/{case_id}/assessment", headers=headers)
            return response.status_code == 200 and response.json()["advice"] is not None

        while missing:
            results: list[bool] = []
            for start in range(0, len(missing), clients * 10):
                chunk = missing[start : start + clients * 10]
                results += await asyncio.gather(*(shows(c) for c in chunk))
            missing = [c for c, ok in zip(missing, results, strict=True) if not ok]
        shown = time.perf_counter() - first
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    print(f"callback answers: {statuses}")
    print(
        f"{count:,} signed deliveries through the gateway, {clients} clients: {count / posted:,.0f} deliveries/s "
        f"posting; every advice shown after {shown:.1f} s: {count / shown:,.0f}/s end to end; "
        f"callback p50 {statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"
    )


async def _case_ids(system: LocalSystem, count: int) -> list[str]:
    import asyncpg

    url = system.database_url("assessment").replace("postgresql+asyncpg", "postgresql")
    connection = await asyncpg.connect(url)
    try:
        rows = await connection.fetch(
            "SELECT case_id::text FROM cases WHERE municipality_code = $1", MUNICIPALITY
        )
    finally:
        await connection.close()
    assert len(rows) == count
    return [row[0] for row in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=100_000, help="packages for the advice alone")
    parser.add_argument("-m", type=int, default=10_000, help="deliveries end to end (0: skip)")
    parser.add_argument("-c", type=int, default=20, help="concurrent clients posting deliveries")
    parser.add_argument("--assessment-replicas", type=int, default=1)
    parser.add_argument(
        "--whole-system",
        action="store_true",
        help="also run intake, cases, documents and correspondence (they react to the advice "
        "events and share the 2 cores); without, the delivery path alone is measured",
    )
    arguments = parser.parse_args()
    advice_alone(arguments.n)
    if not arguments.m:
        return
    amqp = os.environ.get("BENCH_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
    vhost = None
    if os.geteuid() == 0 and amqp.startswith("amqp://guest:guest@127.0.0.1"):
        vhost = f"bench-{uuid.uuid4().hex[:8]}"
        subprocess.run(["rabbitmqctl", "-q", "add_vhost", vhost], check=True)
        subprocess.run(
            ["rabbitmqctl", "-q", "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"],
            check=True,
        )
        amqp = f"{amqp.rstrip('/')}/{vhost}"
    system = LocalSystem(
        postgres_server_url=os.environ.get(
            "BENCH_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
        ),
        amqp_url=amqp,
        logs=Path(tempfile.mkdtemp(prefix="bench-assessment-")),
        extra_env={"BACKOFFICE_LOG_LEVEL": "WARNING", "ASSESSMENT_WORKER_BATCH_SIZE": "200"},
    )
    try:
        if arguments.whole_system:
            system.migrate()
            system.start_all()
        else:
            for service in DELIVERY_PATH:
                system.run("-m", service, "migrate")
            system.start(OCKTO)
            for service in DELIVERY_PATH:
                system.start(service)
        for replica in range(2, arguments.assessment_replicas + 1):
            system.start("assessment", name=f"assessment-{replica}")
        system.wait_ready()
        system.admin("org", "add-municipality", MUNICIPALITY, "Benchdorp")
        key = system.admin(
            "api-key", "create", "--org", MUNICIPALITY, "--role", "behandelaar"
        ).strip()
        deadline = time.monotonic() + 60
        while True:
            response = httpx.get(
                f"{system.url('gateway')}/api/v1/municipalities/{MUNICIPALITY}/parameters",
                headers={"Authorization": f"Bearer {key}"},
            )
            if response.status_code == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        print(f"end to end on {os.cpu_count()} cores; logs in {system.logs}", flush=True)
        asyncio.run(end_to_end(system, arguments.m, arguments.c, key))
    finally:
        system.stop_all()
        system.drop_databases()
        if vhost:
            subprocess.run(["rabbitmqctl", "-q", "delete_vhost", vhost], check=False)


if __name__ == "__main__":
    main()
