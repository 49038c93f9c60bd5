"""Latency of the cases service's overview, search and list, and throughput of its exports.

Seeds N cases (default 1,000,000) with realistic households over 20 municipalities into a
fresh, migrated database (COPY, indexes built after the load from their migrated
definitions, then VACUUM ANALYZE as autovacuum would), starts the real service as its own
process, and reports p50/p95 over R requests of each query, and rows/s and peak RSS
(VmHWM of the service process) of a CSV and an XLSX export.

    uv run python bench/cases_queries.py [-n 1000000] [--requests 200] [--export-rows 100000]
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
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import aio_pika
import asyncpg
import httpx

from demodata.applications import FIRST_NAMES
from servicekit.auth import Principal, issue_token
from servicekit.db import create_database_if_missing, drop_database
from servicekit.migrations import upgrade

MIGRATIONS = Path(__file__).resolve().parents[1] / "services" / "cases" / "migrations"
SECRET = "bench-internal-token-secret-0123456789abcdef"  # noqa: S105
MUNICIPALITIES = tuple(f"{code:04d}" for code in range(300, 2300, 100))
ISD = MUNICIPALITIES[4:8]
FIRST = FIRST_NAMES  # the demo data's first names
COMMON: tuple[str, ...] = (
    "Jong",
    "Jansen",
    "Vries",
    "Berg",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "Bos",
    "Mulder",
)
COMMON += ("Çelik", "Yılmaz", "El Amrani", "Boukhari", "Kaya", "Öztürk", "Pinas", "Nguyễn")
SYLLABLES: tuple[str, ...] = (
    "kra",
    "mer",
    "hof",
    "stra",
    "lin",
    "ga",
    "bro",
    "dijk",
    "wel",
    "ter",
    "ma",
    "sen",
)
SYLLABLES += ("vel", "hui", "zin", "bo", "ker", "tel", "pe", "ruw", "gel", "dam", "laan", "mon")
SYLLABLES += ("sto", "ven", "gra", "nie", "wer", "kamp", "hol", "ris", "ba", "tuin", "ste", "do")
PREFIXES = (None, None, None, None, "de", "van", "van der", "van den", "el")
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
CASE_COLUMNS = [
    *("id", "kind", "application_number", "application_id", "municipality_code", "status"),
    *("submitted_at", "status_changed_at", "adults", "persons", "revision", "corrected"),
    *("advice", "decision", "assigned_to", "campaign"),
]
PERSON_COLUMNS = [
    *("case_id", "position", "role", "bsn", "initials", "first_name", "prefix", "last_name"),
    *("date_of_birth", "street", "house_number", "postal_code", "city", "municipality_code"),
]


def surnames(rng: random.Random) -> list[str]:
    """A long tail of surnames behind common ones, roughly as in the Netherlands."""
    tail = {
        (rng.choice(SYLLABLES) + rng.choice(SYLLABLES) + rng.choice(SYLLABLES)).capitalize()
        for _ in range(30_000)
    }
    return list(COMMON) * 60 + sorted(tail)


def households(count: int, seed: int = 7) -> Iterator[tuple[list[Any], list[Any]]]:
    """Cases and persons in chunks of 50,000 cases, for COPY."""
    rng = random.Random(seed)
    names = surnames(rng)
    statuses = [status for status, weight in STATUSES for _ in range(weight)]
    start = datetime(2025, 1, 1, tzinfo=UTC)
    span = 2 * 365 * 24 * 3600
    bsn = 100_000_000
    cases: list[Any] = []
    persons: list[Any] = []
    for n in range(count):
        case_id = uuid.uuid4()
        municipality = MUNICIPALITIES[rng.randrange(len(MUNICIPALITIES))]
        status = rng.choice(statuses)
        re_examination = rng.random() < 0.2
        adults = 2 if rng.random() < 0.45 else 1
        children = rng.choice((0, 0, 0, 1, 1, 2, 2, 3, 4))
        submitted = start + timedelta(seconds=rng.randrange(span))
        decided = status.startswith("decided") or status in {"closed", "not_processed"}
        cases.append(
            (
                case_id,
                "re_examination" if re_examination else "application",
                f"{'HO' if re_examination else 'GV'}-{n:08d}",
                uuid.uuid4(),
                municipality,
                status,
                submitted,
                submitted + timedelta(hours=rng.randrange(24 * 60)),
                adults,
                adults + children,
                1,
                False,
                rng.choice(("grant", "grant", "investigate", "reject")) if decided else None,
                {"decided_granted": "granted", "decided_rejected": "rejected"}.get(status),
                f"staff-{municipality}-{rng.randrange(8)}" if not decided else None,
                rng.choice(("2026", "2027")) if re_examination else None,
            )
        )
        last, prefix = rng.choice(names), rng.choice(PREFIXES)
        postal = (
            f"{1000 + rng.randrange(9000)} {rng.choice('ABCDEFGHJK')}{rng.choice('LMNPRSTVWX')}"
        )
        for position in range(adults + children):
            bsn += 1
            adult = position < adults
            persons.append(
                (
                    case_id,
                    position,
                    ("applicant", "partner")[position] if adult else "child",
                    str(bsn),
                    rng.choice(FIRST)[0] + "." if adult else None,
                    rng.choice(FIRST),
                    prefix if adult else None,
                    (last if position == 0 else rng.choice(names)) if adult else None,
                    date(1950 + rng.randrange(70), 1 + rng.randrange(12), 1 + rng.randrange(28)),
                    "Dorpsstraat" if adult else None,
                    1 + rng.randrange(200) if adult else None,
                    postal if adult else None,
                    "Plaats" if adult else None,
                    municipality,
                )
            )
        if len(cases) == 50_000:
            yield cases, persons
            cases, persons = [], []
    if cases:
        yield cases, persons


async def seed(url: str, count: int) -> None:
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        indexes = await connection.fetch(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN "
            "('cases', 'case_persons') AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint)"
        )
        for index in indexes:
            await connection.execute(f'DROP INDEX "{index["indexname"]}"')
        # A bulk load sets the persons' municipality itself instead of a lookup per row.
        await connection.execute(
            "ALTER TABLE case_persons DISABLE TRIGGER case_persons_municipality"
        )
        started = time.perf_counter()
        for cases, persons in households(count):
            await connection.copy_records_to_table("cases", records=cases, columns=CASE_COLUMNS)
            await connection.copy_records_to_table(
                "case_persons", records=persons, columns=PERSON_COLUMNS
            )
        loaded = time.perf_counter()
        await connection.execute(
            "ALTER TABLE case_persons ENABLE TRIGGER case_persons_municipality"
        )
        await connection.execute("SET maintenance_work_mem = '512MB'")
        for index in indexes:
            await connection.execute(index["indexdef"])
        indexed = time.perf_counter()
        await connection.execute("VACUUM ANALYZE cases")
        await connection.execute("VACUUM ANALYZE case_persons")
        persons_total = await connection.fetchval("SELECT count(*) FROM case_persons")
        print(
            f"seeded {count:,} cases, {persons_total:,} persons: load "
            f"{loaded - started:.0f}s, {len(indexes)} indexes {indexed - loaded:.0f}s, "
            f"vacuum analyze {time.perf_counter() - indexed:.0f}s",
            flush=True,
        )
    finally:
        await connection.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def headers(*municipalities: str) -> dict[str, str]:
    principal = Principal(
        subject="bench", organisation="bench", role="behandelaar", municipalities=municipalities
    )
    return {"X-Internal-Token": issue_token(principal, secret=SECRET, ttl_seconds=600)}


async def latencies(
    client: httpx.AsyncClient, requests: list[tuple[str, Any, dict[str, str]]]
) -> tuple[float, float]:
    timings = []
    for path, params, auth in requests:
        started = time.perf_counter()
        response = await client.get(path, params=params, headers=auth)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.text
    quantiles = statistics.quantiles(timings, n=100)
    return statistics.median(timings), quantiles[94]


async def measure(base_url: str, pid: int, database_url: str, args: argparse.Namespace) -> None:
    dsn = database_url.replace("postgresql+asyncpg", "postgresql")
    connection = await asyncpg.connect(dsn)
    bsns = [
        r["bsn"]
        for r in await connection.fetch(
            "SELECT bsn FROM case_persons TABLESAMPLE SYSTEM (1) LIMIT $1", args.requests
        )
    ]
    per_municipality = await connection.fetch(
        "SELECT municipality_code, count(*) FROM cases GROUP BY 1 ORDER BY 1"
    )
    await connection.close()
    # Municipalities enough for the export size, from the largest down.
    export_scope: list[str] = []
    rows = 0
    for record in sorted(per_municipality, key=lambda r: -r["count"]):
        if rows >= args.export_rows:
            break
        export_scope.append(record["municipality_code"])
        rows += record["count"]
    one = [headers(code) for code in MUNICIPALITIES]
    names = ["jansen", "de vries", "celik", "amrani", "el amrani", "yilmaz", "krahof"]
    names += ["bakker", "nguyen", "zoe mulder", "ozturk", "stradijk", "brolinga", "vries jan"]
    n = args.requests
    suites: dict[str, list[tuple[str, Any, dict[str, str]]]] = {
        "overview, one municipality": [
            ("/overview", {"municipality": MUNICIPALITIES[i % 20]}, one[i % 20]) for i in range(n)
        ],
        "overview, ISD of 4": [("/overview", {"municipality": ISD}, headers(*ISD))] * n,
        "overview, ISD of 4, filtered": [
            (
                "/overview",
                {"municipality": ISD, "kind": "application", "submitted_from": "2026-01-01"},
                headers(*ISD),
            )
        ]
        * n,
        "name search (one municipality)": [
            ("/cases", {"q": names[i % len(names)]}, one[i % 20]) for i in range(n)
        ],
        "name search (ISD of 4)": [
            ("/cases", {"q": names[i % len(names)]}, headers(*ISD)) for i in range(n)
        ],
        "BSN search (ISD of 4, logged)": [
            ("/cases", {"bsn": bsns[i % len(bsns)]}, headers(*ISD)) for i in range(n)
        ],
        "list page: status + kind filter": [
            (
                "/cases",
                {"status": ["awaiting_data", "advice_ready"], "kind": "application"},
                one[i % 20],
            )
            for i in range(n)
        ],
        "list page: ISD, newest first": [("/cases", {}, headers(*ISD))] * n,
    }
    async with httpx.AsyncClient(base_url=base_url, timeout=600) as client:
        print(f"\n{'query':<36} {'p50 ms':>8} {'p95 ms':>8}   ({n} requests each)")
        for name, requests in suites.items():
            await latencies(client, requests[: min(10, n)])  # warm the connection pool
            p50, p95 = await latencies(client, requests)
            print(f"{name:<36} {p50:8.1f} {p95:8.1f}", flush=True)
        print(f"\nserver peak RSS before exports: {peak_rss_mb(pid):.0f} MB")
        for file_format in ("csv", "xlsx"):
            started = time.perf_counter()
            size = 0
            async with client.stream(
                "GET",
                f"/cases/export.{file_format}",
                params={"municipality": export_scope},
                headers=headers(*export_scope),
            ) as response:
                assert response.status_code == 200
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
            elapsed = time.perf_counter() - started
            print(
                f"export {file_format}: {rows:,} rows in {elapsed:.1f}s = {rows / elapsed:,.0f} "
                f"rows/s, {size / 1e6:.1f} MB; server peak RSS now {peak_rss_mb(pid):.0f} MB",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1_000_000, help="cases to seed")
    parser.add_argument("--requests", type=int, default=200, help="requests per query")
    parser.add_argument("--export-rows", type=int, default=100_000, help="rows to export")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    server = os.environ.get(
        "BENCH_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
    )
    amqp_url = os.environ.get("BENCH_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
    database_url = server.rsplit("/", 1)[0] + f"/bench_cases_{uuid.uuid4().hex[:8]}"
    service = f"benchcases{uuid.uuid4().hex[:6]}"
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
        asyncio.run(measure(base_url, process.pid, database_url, args))
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
        for purpose in ("applications", "re_examinations", "parking"):
            await channel.queue_delete(f"{service}.{purpose}")


if __name__ == "__main__":
    main()
