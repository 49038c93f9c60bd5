"""Document uploads and downloads through the gateway, next to a direct minio client upload.

Starts the whole system as separate processes (moto_server as the S3 endpoint), opens cases
in the documents service by publishing `cases.case.opened`, then through the gateway's public
API: N small (default 200 x 1 MB) and M large (default 20 x 20 MB) PDF uploads, then every
download. Prints MB/s and p95 per phase, the peak RSS (and its growth over the idle process)
of the gateway and of the documents service during the large uploads, and in the same run the
rate of a direct `minio` client upload of the same files to the same endpoint, with the ratio.
For the 1 MB phases it also prints the CPU seconds per upload of every process (each service
with its PostgreSQL backends, moto_server, this bench): on a machine where the whole system
shares two cores, the ratio is that of the CPU both paths spend per file.

    uv run python bench/documents.py [--small 200] [--large 20] [--concurrency 4]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import os
import random
import statistics
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pikepdf
from minio import Minio

from contracts.base import Envelope
from contracts.cases import CaseOpened
from demodata.system import LocalSystem, cpu_seconds
from servicekit.bus import Bus

MB = 1024 * 1024
MUNICIPALITY = "0363"


def pdf_of(size: int, seed: int) -> bytes:
    """A valid PDF of about `size` bytes (one page and an incompressible private stream)."""
    document = pikepdf.new()
    document.add_blank_page()
    blob = pikepdf.Stream(document, random.Random(seed).randbytes(size - 600))
    document.pages[0].obj["/PieceInfo"] = pikepdf.Dictionary(
        {"/Bench": pikepdf.Dictionary({"/Private": document.make_indirect(blob)})}
    )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


@dataclass
class RssWatch:
    pids: dict[str, int]
    peaks: dict[str, int] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.baseline = {name: rss_bytes(pid) for name, pid in self.pids.items()}
        self.peaks = dict(self.baseline)
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for name, pid in self.pids.items():
                self.peaks[name] = max(self.peaks[name], rss_bytes(pid))
            time.sleep(0.02)

    def __enter__(self) -> RssWatch:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


class CpuAccount:
    """CPU seconds (user + system) per process group between `start` and `stop`: the services
    (their PostgreSQL backends counted with them, by database name), moto_server, this bench."""

    def __init__(self, system: LocalSystem) -> None:
        self._groups: dict[int, str] = {p.pid: n for n, p in system.processes.items()}
        if system.storage.process is not None:
            self._groups[system.storage.process.pid] = "moto_server"
        self._groups[os.getpid()] = "bench"
        self._databases = {f"sys_{n}_{system.suffix}": n for n in system.processes}
        self._started: dict[str, float] = {}
        self.seconds: dict[str, float] = {}

    def _sample(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            group = self._groups.get(int(entry.name))
            if group is None:
                with contextlib.suppress(OSError):
                    command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                    if command.startswith("postgres:"):
                        group = next((n for d, n in self._databases.items() if d in command), None)
            seconds = cpu_seconds(int(entry.name)) if group is not None else None
            if group is not None and seconds is not None:
                totals[group] = totals.get(group, 0.0) + seconds
        return totals

    def start(self) -> None:
        self._started = self._sample()

    def stop(self) -> None:
        now = self._sample()
        self.seconds = {n: now[n] - self._started.get(n, 0.0) for n in now}

    def lines(self, name: str, files: int) -> list[str]:
        ranked = sorted(self.seconds.items(), key=lambda item: -item[1])
        parts = [f"{group} {seconds / files * 1000:.1f}" for group, seconds in ranked if seconds]
        total = sum(self.seconds.values()) / files * 1000
        return [f"CPU ms per file, {name}: total {total:.1f} = " + ", ".join(parts)]


@dataclass(frozen=True)
class Phase:
    name: str
    seconds: float
    total_bytes: int
    latencies: list[float]

    @property
    def mb_per_s(self) -> float:
        return self.total_bytes / MB / self.seconds

    @property
    def p95(self) -> float:
        return (
            statistics.quantiles(self.latencies, n=20)[-1]
            if len(self.latencies) > 1
            else self.latencies[0]
        )

    def line(self) -> str:
        return (
            f"{self.name:<34} {self.mb_per_s:7.1f} MB/s   p95 {self.p95 * 1000:7.0f} ms   "
            f"({len(self.latencies)} x {self.total_bytes / len(self.latencies) / MB:.1f} MB)"
        )


async def open_cases(system: LocalSystem, count: int) -> list[uuid.UUID]:
    bus = Bus(system.amqp_url, service="bench-documents")
    await bus.connect()
    cases = [uuid.uuid4() for _ in range(count)]
    try:
        for case_id in cases:
            event = CaseOpened(
                case_id=case_id,
                kind="application",
                application_number=f"GV-2026-{uuid.uuid4().int % 10**7:07d}",
                municipality_code=MUNICIPALITY,
                status="received",
                adults=1,
                persons=1,
                submitted_at=datetime.now(UTC),
            )
            await bus.publish_envelope(
                event.routing_key(), Envelope.wrap(event, correlation_id=uuid.uuid4().hex)
            )
    finally:
        await bus.close()
    return cases


async def gather_limited(jobs: Sequence[Callable[[], object]], concurrency: int) -> list[object]:
    slots = asyncio.Semaphore(concurrency)

    async def one(job: Callable[[], object]) -> object:
        async with slots:
            return await job()  # type: ignore[misc]

    return await asyncio.gather(*(one(job) for job in jobs))


async def upload_phase(
    api: httpx.AsyncClient, name: str, files: list[bytes], cases: list[uuid.UUID], concurrency: int
) -> tuple[Phase, list[str]]:
    latencies: list[float] = []
    ids: list[str] = []

    def job(index: int) -> Callable[[], object]:
        async def run() -> None:
            started = time.perf_counter()
            response = await api.post(
                f"/api/v1/cases/{cases[index % len(cases)]}/documents",
                data={"kind": "payslip"},
                files={"file": (f"bench-{index}.pdf", files[index], "application/pdf")},
            )
            latencies.append(time.perf_counter() - started)
            if response.status_code != 201:
                raise RuntimeError(f"upload {index}: {response.status_code} {response.text[:200]}")
            ids.append(response.json()["id"])

        return run

    started = time.perf_counter()
    await gather_limited([job(i) for i in range(len(files))], concurrency)
    phase = Phase(name, time.perf_counter() - started, sum(map(len, files)), latencies)
    return phase, ids


async def download_phase(
    api: httpx.AsyncClient, name: str, ids: list[str], concurrency: int
) -> Phase:
    latencies: list[float] = []
    total = 0

    def job(document_id: str) -> Callable[[], object]:
        async def run() -> None:
            nonlocal total
            started = time.perf_counter()
            async with api.stream("GET", f"/api/v1/documents/{document_id}/content") as response:
                if response.status_code != 200:
                    raise RuntimeError(f"download: {response.status_code}")
                async for chunk in response.aiter_bytes():
                    total += len(chunk)
            latencies.append(time.perf_counter() - started)

        return run

    started = time.perf_counter()
    await gather_limited([job(i) for i in ids], concurrency)
    return Phase(name, time.perf_counter() - started, total, latencies)


def direct_phase(
    endpoint: str,
    name: str,
    files: list[bytes],
    concurrency: int,
    *,
    warmup: int = 0,
    cpu: CpuAccount | None = None,
) -> Phase:
    client = Minio(
        endpoint.removeprefix("http://"),
        access_key="bench",
        secret_key="bench-secret",  # noqa: S106 - moto takes any
        secure=False,
        region="us-east-1",
    )
    bucket = f"bench-direct-{uuid.uuid4().hex[:8]}"
    client.make_bucket(bucket)
    latencies: list[float] = []

    def put(index: int) -> None:
        started = time.perf_counter()
        data = files[index]
        client.put_object(
            bucket, uuid.uuid4().hex, io.BytesIO(data), length=len(data), part_size=8 * MB
        )
        latencies.append(time.perf_counter() - started)

    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(put, range(min(warmup, len(files)))))
        latencies.clear()
        if cpu is not None:
            cpu.start()
        started = time.perf_counter()
        list(pool.map(put, range(len(files))))
        seconds = time.perf_counter() - started
        if cpu is not None:
            cpu.stop()
    for item in client.list_objects(bucket):
        client.remove_object(bucket, item.object_name or "")
    client.remove_bucket(bucket)
    return Phase(name, seconds, sum(map(len, files)), latencies)


def make_vhost(amqp_url: str) -> tuple[str, str | None]:
    if os.geteuid() != 0 or not amqp_url.startswith("amqp://guest:guest@127.0.0.1"):
        return amqp_url, None
    vhost = f"bench-{uuid.uuid4().hex[:8]}"
    subprocess.run(["rabbitmqctl", "-q", "add_vhost", vhost], check=True)
    subprocess.run(
        ["rabbitmqctl", "-q", "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"], check=True
    )
    return f"{amqp_url.rstrip('/')}/{vhost}", vhost


async def run(system: LocalSystem, arguments: argparse.Namespace) -> None:
    key = system.admin("api-key", "create", "--org", MUNICIPALITY, "--role", "behandelaar").strip()
    small = [pdf_of(1 * MB, seed) for seed in range(arguments.small)]
    large = [pdf_of(20 * MB, 1000 + seed) for seed in range(arguments.large)]
    # The limit per case (250 MB by default) fits ten large files or 200 small ones: several.
    cases = await open_cases(system, max(1, arguments.large // 10 + arguments.small // 200 + 1))
    await asyncio.sleep(2)  # the documents service learns the cases from the bus
    async with httpx.AsyncClient(
        base_url=system.url("gateway"),
        headers={"Authorization": f"Bearer {key}"},
        timeout=httpx.Timeout(300, connect=5),
    ) as api:
        # Both paths first send a few uncounted files (connections, caches, lazy imports):
        # the figures are the steady state.
        await upload_phase(api, "warm-up", small[: arguments.warmup], cases, arguments.concurrency)
        gateway_cpu = CpuAccount(system)
        print(f"uploading {len(small)} x 1 MB through the gateway", flush=True)
        gateway_cpu.start()
        small_up, small_ids = await upload_phase(
            api, "upload 1 MB via gateway", small, cases, arguments.concurrency
        )
        gateway_cpu.stop()
        pids = {name: system.processes[name].pid for name in ("gateway", "documents")}
        with RssWatch(pids) as watch:
            large_up, large_ids = await upload_phase(
                api, "upload 20 MB via gateway", large, cases, arguments.large_concurrency
            )
        small_down = await download_phase(
            api, "download 1 MB via gateway", small_ids, arguments.concurrency
        )
        large_down = await download_phase(
            api, "download 20 MB via gateway", large_ids, arguments.large_concurrency
        )
    direct_cpu = CpuAccount(system)
    direct_small = direct_phase(
        system.storage.url,
        "direct minio upload 1 MB",
        small,
        arguments.concurrency,
        warmup=arguments.warmup,
        cpu=direct_cpu,
    )
    direct_large = direct_phase(
        system.storage.url, "direct minio upload 20 MB", large, arguments.large_concurrency
    )
    print()
    for phase in (small_up, large_up, small_down, large_down, direct_small, direct_large):
        print(phase.line())
    print()
    for name in pids:
        print(
            f"{name:<10} RSS idle {watch.baseline[name] / MB:6.1f} MB, peak during 20 MB uploads "
            f"{watch.peaks[name] / MB:6.1f} MB (growth {(watch.peaks[name] - watch.baseline[name]) / MB:5.1f} MB, "
            f"{arguments.large_concurrency} uploads at once)"
        )
    print()
    print(f"ratio 1 MB:  {small_up.mb_per_s / direct_small.mb_per_s:.0%} of a direct minio upload")
    print(f"ratio 20 MB: {large_up.mb_per_s / direct_large.mb_per_s:.0%} of a direct minio upload")
    print()
    for line in gateway_cpu.lines("1 MB via gateway", len(small)) + direct_cpu.lines(
        "1 MB direct", len(small)
    ):
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=200, help="uploads of 1 MB")
    parser.add_argument("--large", type=int, default=20, help="uploads of 20 MB")
    parser.add_argument("--concurrency", type=int, default=4, help="1 MB requests at once")
    parser.add_argument(
        "--warmup",
        type=lambda value: max(0, int(value)),
        default=20,
        help="uncounted 1 MB uploads before each 1 MB phase",
    )
    parser.add_argument("--large-concurrency", type=int, default=1, help="20 MB requests at once")
    arguments = parser.parse_args()
    amqp_url, vhost = make_vhost(
        os.environ.get("BENCH_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
    )
    system = LocalSystem(
        postgres_server_url=os.environ.get(
            "BENCH_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
        ),
        amqp_url=amqp_url,
        logs=Path(tempfile.mkdtemp(prefix="bench-documents-")),
    )
    try:
        system.migrate()
        system.admin("org", "seed")
        system.start_all(ready_seconds=240)
        print(f"system up on 2 cores; logs in {system.logs}", flush=True)
        asyncio.run(run(system, arguments))
    finally:
        system.stop_all()
        system.drop_databases()
        if vhost:
            subprocess.run(["rabbitmqctl", "-q", "delete_vhost", vhost], check=False)


if __name__ == "__main__":
    main()
