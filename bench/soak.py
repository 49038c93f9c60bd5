"""The soak run: the whole system under a steady, mixed load for a bounded time (10 minutes).

Starts the whole system as separate processes and keeps, until the time is up: a stream of
applications (as the website publishes them), Ockto deliveries for the cases that wait for
data (as residents consent), staff reads (the case list, the overview, a case file) and
searches, an export of the case list every minute, and a small re-examination campaign in the
first minutes. Per minute it prints the p95 per route, the RSS per process and the errors.

Before the clock starts, the municipality gets its existing cases (default 2,000, through the
same website path), and the system is left to finish their work: a real municipality does not
start empty, and from nothing every search's matches and every list's pages would grow through
the run by the data alone, not by anything the system keeps or leaks.

Target: no error; p95 flat (each route's p95 at the end within 20% of that at the start, after
the warm-up minute; from seven minutes on, three minutes pooled at each end, see
`start_and_end`; the export per 1,000 rows, as it grows with the data by design); RSS flat (no process grows more than 10% from the end of the warm-up minute to the end).

    uv run python bench/soak.py [--minutes 10] [--applications-per-second 2] [--existing 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable
from pathlib import Path

import httpx

from demodata import ApplicationFactory
from demodata.system import LocalSystem, cpu_seconds
from demodata.website import publish_as_website

MUNICIPALITY = "9401"
ISD = "isd-soak"
EXPORT = "GET /cases/export.csv"
EXPORT_PER_ROWS = "GET /cases/export.csv, per 1,000 rows"
SPARSE = 20
"""Fewer requests a minute than this (the export: one) and a route has no p95 worth the name."""
SCENARIOS = ("wages_under_limit", "savings_above_limit", "uwv_benefit", "self_employed")


class Meter:
    """Latencies per route and errors per minute of the run; RSS per process per minute."""

    def __init__(self, started: float) -> None:
        self.started = started
        self.latencies: defaultdict[int, defaultdict[str, list[float]]] = defaultdict(
            lambda: defaultdict(list)
        )
        self.errors: dict[int, list[str]] = defaultdict(list)
        self.rss: dict[int, dict[str, int]] = {}

    def minute(self) -> int:
        return int((time.monotonic() - self.started) // 60)

    async def timed(
        self, route: str, call: Awaitable[httpx.Response], *expected: int
    ) -> httpx.Response | None:
        began = time.monotonic()
        try:
            response = await call
        except httpx.HTTPError as error:
            self.errors[self.minute()].append(f"{route}: {type(error).__name__}")
            return None
        self.latencies[self.minute()][route].append(time.monotonic() - began)
        if response.status_code not in (expected or (200,)):
            self.errors[self.minute()].append(f"{route}: {response.status_code}")
            return None
        return response

    def error(self, what: str) -> None:
        self.errors[self.minute()].append(what)


def rss_kib(pid: int) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=20)[18]


class Soak:
    def __init__(self, system: LocalSystem, meter: Meter, keys: dict[str, str], rate: float):
        self.system = system
        self.meter = meter
        self.handler = {"Authorization": f"Bearer {keys['behandelaar']}"}
        self.manager = {"Authorization": f"Bearer {keys['functioneel_beheerder']}"}
        self.rate = rate
        self.factory = ApplicationFactory(seed=2026, number_offset=4_000_000)
        self.surnames: list[str] = []
        self.delivered: set[str] = set()
        self.published = 0

    async def existing_cases(self, api: httpx.AsyncClient, count: int) -> None:
        """Publish `count` applications and wait until they are cases and the system is quiet."""
        for start in range(0, count, 100):
            bodies = [
                self.factory.body(MUNICIPALITY, city="Soakdorp")
                for _ in range(min(100, count - start))
            ]
            self.surnames.extend(
                json.loads(b)["application"]["applicant"]["last_name"] for b in bodies
            )
            await publish_as_website(self.system.amqp_url, bodies)
        began = time.monotonic()
        deadline = began + 900
        cases = 0
        while cases < count:
            if time.monotonic() > deadline:
                raise RuntimeError(f"only {cases} of {count} existing cases after 15 minutes")
            await asyncio.sleep(2)
            overview = await api.get(
                "/api/v1/overview", params={"municipality": MUNICIPALITY}, headers=self.handler
            )
            cases = overview.json()["total"]["applications"] if overview.status_code == 200 else 0
        await wait_until_quiet(
            [process.pid for process in self.system.processes.values()], deadline=deadline
        )
        print(f"{count} existing cases in {time.monotonic() - began:.0f} s", flush=True)

    async def applications(self, until: float) -> None:
        while time.monotonic() < until:
            bodies = [self.factory.body(MUNICIPALITY, city="Soakdorp") for _ in range(5)]
            self.surnames.extend(
                json.loads(b)["application"]["applicant"]["last_name"] for b in bodies
            )
            try:
                await publish_as_website(self.system.amqp_url, bodies)
                self.published += len(bodies)
            except Exception as error:
                self.meter.error(f"publish: {type(error).__name__}")
            await asyncio.sleep(len(bodies) / self.rate)

    async def deliveries(
        self, api: httpx.AsyncClient, ockto: httpx.AsyncClient, until: float
    ) -> None:
        """Residents of waiting cases open their link and consent (two every two seconds)."""
        turn = 0
        while time.monotonic() < until:
            listed = await self.meter.timed(
                "GET /cases?status=awaiting_data",
                api.get(
                    "/api/v1/cases",
                    params={"municipality": MUNICIPALITY, "status": "awaiting_data", "limit": "20"},
                    headers=self.handler,
                ),
            )
            waiting = [
                c
                for c in (listed.json()["items"] if listed else [])
                if c["id"] not in self.delivered
            ]
            for case in waiting[:2]:
                self.delivered.add(case["id"])
                assessment = await self.meter.timed(
                    "GET /cases/{id}/assessment",
                    api.get(f"/api/v1/cases/{case['id']}/assessment", headers=self.handler),
                )
                sessions = assessment.json()["sessions"] if assessment else []
                invited = [s for s in sessions if s["state"] == "invited"]
                if invited:
                    turn += 1
                    await self.meter.timed(
                        "POST ockto deliver",
                        ockto.post(
                            f"/api/v1/sessions/{invited[0]['session_id']}/deliver",
                            json={"scenario": SCENARIOS[turn % len(SCENARIOS)]},
                        ),
                    )
            await asyncio.sleep(2)

    async def staff(self, api: httpx.AsyncClient, until: float) -> None:
        """A clerk's rhythm: the list, the overview, a case file, a search by surname."""
        turn = 0
        while time.monotonic() < until:
            turn += 1
            listed = await self.meter.timed(
                "GET /cases",
                api.get(
                    "/api/v1/cases",
                    params={"municipality": MUNICIPALITY, "limit": "50"},
                    headers=self.handler,
                ),
            )
            await self.meter.timed(
                "GET /overview",
                api.get(
                    "/api/v1/overview", params={"municipality": MUNICIPALITY}, headers=self.handler
                ),
            )
            items = listed.json()["items"] if listed else []
            if items:
                case = items[turn % len(items)]
                await self.meter.timed(
                    "GET /cases/{id}",
                    api.get(f"/api/v1/cases/{case['id']}", headers=self.handler),
                )
            if self.surnames:
                surname = self.surnames[turn % len(self.surnames)]
                await self.meter.timed(
                    "GET /cases?q=surname",
                    api.get(
                        "/api/v1/cases",
                        params={"municipality": MUNICIPALITY, "q": surname, "limit": "50"},
                        headers=self.handler,
                    ),
                )
            await asyncio.sleep(0.5)

    async def exports(self, api: httpx.AsyncClient, until: float) -> None:
        while time.monotonic() < until:
            began = time.monotonic()

            export = api.get(
                "/api/v1/cases/export.csv",
                params={"municipality": MUNICIPALITY},
                headers=self.handler,
                timeout=120,
            )
            response = await self.meter.timed(EXPORT, export)
            rows = response.text.count("\n") - 1 if response else 0
            if response and rows > 0:
                # An export's time grows with its rows by design: judged per 1,000 rows.
                seconds = time.monotonic() - began
                self.meter.latencies[self.meter.minute()][EXPORT_PER_ROWS].append(
                    seconds * 1000 / rows
                )
            await asyncio.sleep(max(0.0, 60 - (time.monotonic() - began)))

    async def campaign(self, api: httpx.AsyncClient, ockto: httpx.AsyncClient) -> None:
        """A small re-examination campaign (12 letters by post), as the demo runs one."""
        try:
            from demodata.stages import Roles, Stages
        except ImportError:
            print("campaign skipped: demodata.stages is not there")
            return
        roles = Roles(handler=self.handler, decider=self.handler, manager=self.manager)
        try:
            await Stages(api, ockto, roles).campaign(MUNICIPALITY, rows=12)
        except Exception as error:
            self.meter.error(f"campaign: {error}")

    async def sample_rss(self, until: float) -> None:
        while time.monotonic() < until + 1:
            self.meter.rss[self.meter.minute()] = {
                name: rss_kib(process.pid) for name, process in self.system.processes.items()
            }
            await asyncio.sleep(5)


def total_cpu_seconds(pids: list[int]) -> float:
    return sum(cpu_seconds(pid) or 0.0 for pid in pids)


async def wait_until_quiet(pids: list[int], *, deadline: float, cores: float = 0.15) -> None:
    """Until the processes together use under `cores` of CPU over five seconds: the work the
    existing cases started (advice, invitations, letters) is done."""
    while time.monotonic() < deadline:
        before = total_cpu_seconds(pids)
        await asyncio.sleep(5)
        if total_cpu_seconds(pids) - before < cores * 5:
            return
    raise RuntimeError("the system did not become quiet after the existing cases")


def start_and_end(meter: Meter, route: str, minutes: int) -> tuple[float, float, str]:
    """The route's p95 at the start and at the end of the run, and how they were taken.

    A one-minute p95 of a route asked ~100 times is its five slowest answers, which a single
    export or campaign batch on the same two cores decides (in one run the case list's
    per-minute p95 went 60 -> 86 -> 60 ms without a trend). So from seven minutes on, the start
    is minutes 2-4 and the end the last three minutes, each as one pool of answers; a route
    asked less often (the export, once a minute) takes the median of those minutes' values."""
    if minutes < 7:
        first = min(1, minutes - 1)
        return (
            p95(meter.latencies[first][route]) * 1000,
            p95(meter.latencies[minutes - 1][route]) * 1000,
            "single minutes",
        )
    early, late = range(1, 4), range(minutes - 3, minutes)
    if min(len(meter.latencies[m][route]) for m in range(minutes)) < SPARSE:
        return (
            statistics.median(p95(meter.latencies[m][route]) for m in early) * 1000,
            statistics.median(p95(meter.latencies[m][route]) for m in late) * 1000,
            "median of minutes 2-4 and of the last three",
        )
    return (
        p95([v for m in early for v in meter.latencies[m][route]]) * 1000,
        p95([v for m in late for v in meter.latencies[m][route]]) * 1000,
        "minutes 2-4 and the last three, pooled",
    )


def report(meter: Meter, minutes: int) -> bool:
    routes = sorted({r for minute in meter.latencies.values() for r in minute})
    print("\np95 per route per minute (ms)")
    print("| route | " + " | ".join(f"min {m + 1}" for m in range(minutes)) + " |")
    print("|---" * (minutes + 1) + "|")
    flat = True
    verdicts = []
    for route in routes:
        values = [p95(meter.latencies[m][route]) * 1000 for m in range(minutes)]
        print(f"| {route} | " + " | ".join(f"{v:.0f}" for v in values) + " |")
        if route == EXPORT:
            continue  # judged per 1,000 rows
        first, last, how = start_and_end(meter, route, minutes)
        grew = last > first * 1.2 if first else False
        flat = flat and not grew
        verdicts.append(
            f"  {route}: {how} {first:.0f} -> {last:.0f} ms ({last / first - 1:+.0%})"
            f"{'  NOT FLAT' if grew else ''}; single minutes 2 -> {minutes}: "
            f"{values[min(1, minutes - 1)]:.0f} -> {values[-1]:.0f} ms"
        )
    print("\np95 at the start and at the end (first minute: warm-up)")
    print("\n".join(verdicts))
    print("\nRSS per process per minute (MiB, at the minute's end)")
    names = sorted({n for sample in meter.rss.values() for n in sample})
    print("| process | " + " | ".join(f"min {m + 1}" for m in range(minutes)) + " |")
    print("|---" * (minutes + 1) + "|")
    rss_flat = True
    for name in names:
        values = [meter.rss.get(m, {}).get(name, 0) / 1024 for m in range(minutes)]
        print(f"| {name} | " + " | ".join(f"{v:.0f}" for v in values) + " |")
        warm, end = values[0], values[-1]
        if warm and end > warm * 1.1:
            rss_flat = False
            print(f"  RSS of {name} grew {warm:.0f} -> {end:.0f} MiB after the warm-up")
    errors = sum(len(e) for e in meter.errors.values())
    print("\nerrors per minute: " + ", ".join(str(len(meter.errors[m])) for m in range(minutes)))
    for minute, found in sorted(meter.errors.items()):
        for what in sorted(set(found))[:10]:
            print(f"  minute {minute + 1}: {what} (x{found.count(what)})")
    verdict = errors == 0 and flat and rss_flat
    print(f"\nno error: {errors == 0}; p95 flat: {flat}; RSS flat: {rss_flat}")
    return verdict


async def run(system: LocalSystem, arguments: argparse.Namespace) -> bool:
    system.admin("org", "add-municipality", MUNICIPALITY, "Soakdorp")
    system.admin("org", "add-isd", ISD, "ISD Soak", "--members", MUNICIPALITY)
    system.wait_until_municipalities_known((MUNICIPALITY,))
    keys = {
        role: system.admin("api-key", "create", "--org", ISD, "--role", role).strip()
        for role in ("behandelaar", "functioneel_beheerder")
    }
    meter = Meter(time.monotonic())
    soak = Soak(system, meter, keys, arguments.applications_per_second)
    async with (
        httpx.AsyncClient(base_url=system.url("gateway"), timeout=30) as api,
        system.ockto_client() as ockto,
    ):
        await soak.existing_cases(api, arguments.existing)
        meter.started = time.monotonic()
        until = meter.started + arguments.minutes * 60
        await asyncio.gather(
            soak.applications(until),
            soak.deliveries(api, ockto, until),
            soak.staff(api, until),
            soak.exports(api, until),
            soak.campaign(api, ockto),
            soak.sample_rss(until),
        )
    print(
        f"{soak.published} applications published, {len(soak.delivered)} Ockto deliveries, "
        f"in {arguments.minutes} minutes"
    )
    return report(meter, arguments.minutes)


def make_vhost(amqp_url: str) -> tuple[str, str | None]:
    if os.geteuid() != 0 or not amqp_url.startswith("amqp://guest:guest@127.0.0.1"):
        return amqp_url, None
    vhost = f"bench-soak-{uuid.uuid4().hex[:8]}"
    subprocess.run(["rabbitmqctl", "-q", "add_vhost", vhost], check=True)
    subprocess.run(
        ["rabbitmqctl", "-q", "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"], check=True
    )
    return f"{amqp_url.rstrip('/')}/{vhost}", vhost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=int, default=10, help="bounded run time (max 10)")
    parser.add_argument("--applications-per-second", type=float, default=2.0)
    parser.add_argument(
        "--existing", type=int, default=2000, help="the municipality's cases before the clock"
    )
    arguments = parser.parse_args()
    arguments.minutes = max(2, min(arguments.minutes, 10))
    amqp_url, vhost = make_vhost(
        os.environ.get("BENCH_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
    )
    system = LocalSystem(
        postgres_server_url=os.environ.get(
            "BENCH_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
        ),
        amqp_url=amqp_url,
        logs=Path(tempfile.mkdtemp(prefix="bench-soak-")),
    )
    try:
        system.migrate()
        system.admin("org", "seed")
        system.start_all(ready_seconds=300)
        print(f"system up; logs in {system.logs}", flush=True)
        ok = asyncio.run(run(system, arguments))
    finally:
        system.stop_all()
        system.drop_databases()
        if vhost:
            subprocess.run(["rabbitmqctl", "-q", "delete_vhost", vhost], check=False)
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
