"""Latency of the work list (Te doen) and the decision-term filter over 1,000,000 cases.

Seeds N cases (default 1,000,000) over 20 municipalities into a fresh, migrated database the
way `bench/cases_queries.py` does (COPY, indexes built after the load from their migrated
definitions, then VACUUM ANALYZE as autovacuum would): open cases submitted in the last
sixteen weeks (so some decision terms passed), decided ones over two years, terms to complete,
arrived data, failed letters and reminders in realistic shares. Only the cases table: the work
list reads no persons. Starts the real service as its own process and reports p50/p95 over R
requests of `GET /worklist` for an ISD of 4, one municipality and one user, and of the list
pages its counts link to.

    uv run python bench/worklist.py [-n 1000000] [--requests 200]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aio_pika
import asyncpg
import httpx

from servicekit.auth import Principal, issue_token
from servicekit.db import create_database_if_missing, drop_database
from servicekit.migrations import upgrade

MIGRATIONS = Path(__file__).resolve().parents[1] / "services" / "cases" / "migrations"
SECRET = "bench-internal-token-secret-0123456789abcdef"  # noqa: S105
MUNICIPALITIES = tuple(f"{code:04d}" for code in range(300, 2300, 100))
ISD = MUNICIPALITIES[4:8]
STATUSES = (
    ("received", 12),
    ("awaiting_data", 14),
    ("advice_ready", 8),
    ("on_hold", 3),
    ("under_investigation", 4),
    ("decided_granted", 30),
    ("decided_rejected", 9),
    ("not_processed", 3),
    ("aborted", 2),
    ("closed", 15),
)
UNDECIDED = {"received", "awaiting_data", "advice_ready", "on_hold", "under_investigation"}
CASE_COLUMNS = [
    *("id", "kind", "application_number", "application_id", "municipality_code", "status"),
    *("submitted_at", "status_changed_at", "adults", "persons", "revision", "corrected"),
    *("advice", "decision", "assigned_to", "campaign"),
    *("term_ends_on", "term_request_id", "term_requested_on", "data_arrived_at"),
    *("failed_letter_ids", "reminder_sent_at", "four_eyes"),
]
FOUR_EYES = frozenset(MUNICIPALITIES[::3])
"""Municipalities whose parameters require four eyes (the advice says so, the case keeps it)."""
TODAY = datetime.now(ZoneInfo("Europe/Amsterdam")).date()
NOW = datetime.now(UTC)


def cases(count: int, seed: int = 11) -> Iterator[list[tuple[Any, ...]]]:
    """Cases in chunks of 50,000, for COPY."""
    rng = random.Random(seed)
    statuses = [status for status, weight in STATUSES for _ in range(weight)]
    chunk: list[tuple[Any, ...]] = []
    for n in range(count):
        municipality = MUNICIPALITIES[rng.randrange(len(MUNICIPALITIES))]
        status = rng.choice(statuses)
        undecided = status in UNDECIDED
        re_examination = rng.random() < 0.2
        adults = 2 if rng.random() < 0.45 else 1
        children = rng.choice((0, 0, 0, 1, 1, 2, 2, 3, 4))
        age = timedelta(seconds=rng.randrange((16 * 7 if undecided else 730) * 24 * 3600))
        submitted = NOW - age
        changed = submitted + (NOW - submitted) * rng.random()
        term: tuple[Any, Any, Any] = (None, None, None)
        if status == "under_investigation":
            ends = TODAY + timedelta(days=rng.randrange(-10, 15))
            term = (ends, uuid.uuid4(), ends - timedelta(days=14))
        arrived = None
        if status in {"awaiting_data", "on_hold", "under_investigation"} and rng.random() < 0.3:
            arrived = changed
        reminded = None
        if status == "awaiting_data" and rng.random() < 0.15:
            reminded = NOW - timedelta(seconds=rng.randrange(14 * 24 * 3600))
        chunk.append(
            (
                uuid.uuid4(),
                "re_examination" if re_examination else "application",
                f"{'HO' if re_examination else 'GV'}-{n:08d}",
                uuid.uuid4(),
                municipality,
                status,
                submitted,
                changed,
                adults,
                adults + children,
                1,
                False,
                rng.choice(("grant", "investigate", "reject")) if status != "received" else None,
                {"decided_granted": "granted", "decided_rejected": "rejected"}.get(status),
                f"staff-{municipality}-{rng.randrange(8)}" if undecided else None,
                rng.choice(("2026", "2027")) if re_examination else None,
                *term,
                arrived,
                [uuid.uuid4()] if rng.random() < 0.005 else [],
                reminded,
                status != "received" and municipality in FOUR_EYES,
            )
        )
        if len(chunk) == 50_000:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


async def seed(url: str, count: int) -> None:
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        indexes = await connection.fetch(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'cases' "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)"
        )
        for index in indexes:
            await connection.execute(f'DROP INDEX "{index["indexname"]}"')
        started = time.perf_counter()
        for chunk in cases(count):
            await connection.copy_records_to_table("cases", records=chunk, columns=CASE_COLUMNS)
        loaded = time.perf_counter()
        await connection.execute("SET maintenance_work_mem = '512MB'")
        for index in indexes:
            await connection.execute(index["indexdef"])
        indexed = time.perf_counter()
        await connection.execute("VACUUM ANALYZE cases")
        print(
            f"seeded {count:,} cases: load {loaded - started:.0f}s, {len(indexes)} indexes "
            f"{indexed - loaded:.0f}s, vacuum analyze {time.perf_counter() - indexed:.0f}s",
            flush=True,
        )
    finally:
        await connection.close()


def headers(*municipalities: str, subject: str = "bench") -> dict[str, str]:
    principal = Principal(
        subject=subject, organisation="bench", role="behandelaar", municipalities=municipalities
    )
    return {"X-Internal-Token": issue_token(principal, secret=SECRET, ttl_seconds=900)}


async def latencies(
    client: httpx.AsyncClient, requests: list[tuple[str, Any, dict[str, str]]]
) -> tuple[float, float, Any]:
    timings = []
    body: Any = None
    for path, params, auth in requests:
        started = time.perf_counter()
        response = await client.get(path, params=params, headers=auth)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.text
        body = response.json()
    quantiles = statistics.quantiles(timings, n=100)
    return statistics.median(timings), quantiles[94], body


async def measure(base_url: str, args: argparse.Namespace) -> None:
    n = args.requests
    one = [headers(code) for code in MUNICIPALITIES]
    isd = headers(*ISD)
    users = [
        headers(code, subject=f"staff-{code}-{i % 8}") for i, code in enumerate(MUNICIPALITIES * 2)
    ]
    suites: dict[str, list[tuple[str, Any, dict[str, str]]]] = {
        "work list, ISD of 4": [("/worklist", {}, isd)] * n,
        "work list, one municipality": [
            ("/worklist", {"municipality": MUNICIPALITIES[i % 20]}, one[i % 20]) for i in range(n)
        ],
        "work list, one user": [
            ("/worklist", {"assignee": "me"}, users[i % len(users)]) for i in range(n)
        ],
        "list page: worklist=term_passed, ISD": [("/cases", {"worklist": "term_passed"}, isd)] * n,
        "list page: deadline=passed, one mun.": [
            ("/cases", {"deadline": "passed"}, one[i % 20]) for i in range(n)
        ],
        "overview with deadlines, ISD of 4": [("/overview", {"municipality": ISD}, isd)] * n,
    }
    async with httpx.AsyncClient(base_url=base_url, timeout=600) as client:
        print(f"\n{'query':<40} {'p50 ms':>8} {'p95 ms':>8}   ({n} requests each)")
        for name, requests in suites.items():
            await latencies(client, requests[: min(10, n)])  # warm the connection pool
            p50, p95, body = await latencies(client, requests)
            print(f"{name:<40} {p50:8.1f} {p95:8.1f}", flush=True)
            if name == "work list, ISD of 4":
                counts = ", ".join(f"{i['item']} {i['count']:,}" for i in body["items"])
                print(f"  (counts: {counts})", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1_000_000, help="cases to seed")
    parser.add_argument("--requests", type=int, default=200, help="requests per query")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    server = os.environ.get(
        "BENCH_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
    )
    amqp_url = os.environ.get("BENCH_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
    database_url = server.rsplit("/", 1)[0] + f"/bench_worklist_{uuid.uuid4().hex[:8]}"
    service = f"benchworklist{uuid.uuid4().hex[:6]}"
    asyncio.run(create_database_if_missing(database_url))
    process: subprocess.Popen[bytes] | None = None
    try:
        upgrade(MIGRATIONS, database_url)
        asyncio.run(seed(database_url, args.n))
        port = free_port()
        env = {
            **os.environ,
            "CASES_DATABASE_URL": database_url,
            "CASES_SERVICE_NAME": service,
            "BACKOFFICE_AMQP_URL": amqp_url,
            "BACKOFFICE_INTERNAL_TOKEN_SECRET": SECRET,
            "BACKOFFICE_LOG_LEVEL": "WARNING",
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "cases", "serve", "--port", str(port)], env=env
        )
        base_url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base_url}/health/live", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("the cases service did not start")
            time.sleep(0.2)
        asyncio.run(measure(base_url, args))
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
        asyncio.run(delete_queues(amqp_url, service))
        if not args.keep:
            asyncio.run(drop_database(database_url))


async def delete_queues(amqp_url: str, service: str) -> None:
    connection = await aio_pika.connect_robust(amqp_url)
    async with connection:
        channel = await connection.channel()
        for purpose in (
            "applications",
            "re_examinations",
            "assessment",
            "documents",
            "correspondence",
            "parking",
        ):
            await channel.queue_delete(f"{service}.{purpose}")


if __name__ == "__main__":
    main()
