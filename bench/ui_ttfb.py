"""Time to first byte of the staff web UI's overview and filtered case list, through the gateway.

Seeds N cases (default 1,000,000) over the 20 municipalities of bench/cases_queries.py into
a fresh cases database (its COPY seeding, reused), registers those municipalities and an
ISD of 4 of them in a fresh gateway database with the admin CLI, creates a behandelaar of
that ISD with a known password and TOTP secret, starts cases and gateway as processes,
logs in as a browser would (form with CSRF token, password, TOTP code) and reports p50/p95
time to first byte (response headers and the first body chunk) over R requests of
`GET /ui/` (the ISD's overview) and `GET /ui/cases?status=received` after 10 warm-up
requests each. Target: p95 under 150 ms.

    uv run python bench/ui_ttfb.py [-n 1000000] [--requests 200]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import re
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from types import ModuleType

import httpx
import pyotp

from demodata.system import LocalSystem

TARGET_MS = 150.0
WARM_UP = 10
ISD_ID = "isd-bench"
USERNAME = "bench.behandelaar@isd-bench"
PASSWORD = "Zeven zwanen zwemmen zuidwaarts"  # noqa: S105 - a benchmark account
TOTP_SECRET = pyotp.random_base32(32)
PAGES = {
    "overview (ISD of 4)   GET /ui/": ("/ui/", {}, '<td class="numeric"><a href="/ui/cases?'),
    "case list, filtered   GET /ui/cases?status=received": (
        "/ui/cases",
        {"status": "received"},
        '<td><a href="/ui/cases/',
    ),
}
"""Name: path, query and a piece of HTML that shows the page has its data (counts, rows)."""
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _cases_bench() -> ModuleType:
    """bench/cases_queries.py as a module: its seeding and municipalities."""
    path = Path(__file__).resolve().parent / "cases_queries.py"
    spec = importlib.util.spec_from_file_location("cases_queries", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _csrf(html: str) -> str:
    match = _CSRF.search(html)
    if match is None:
        raise RuntimeError("no CSRF token in the form")
    return match.group(1)


def log_in(client: httpx.Client) -> None:
    form = client.get("/ui/inloggen")
    form.raise_for_status()
    answer = client.post(
        "/ui/inloggen",
        data={"username": USERNAME, "password": PASSWORD, "csrf_token": _csrf(form.text)},
    )
    if answer.status_code != 303 or answer.headers["location"] != "/ui/mfa":
        raise RuntimeError(f"password step failed: {answer.status_code} {answer.text[:500]}")
    mfa = client.get("/ui/mfa")
    mfa.raise_for_status()
    answer = client.post(
        "/ui/mfa", data={"code": pyotp.TOTP(TOTP_SECRET).now(), "csrf_token": _csrf(mfa.text)}
    )
    if answer.status_code != 303 or answer.headers["location"] != "/ui/":
        raise RuntimeError(f"TOTP step failed: {answer.status_code} {answer.text[:500]}")


def first_byte_ms(client: httpx.Client, path: str, params: dict[str, str]) -> tuple[float, str]:
    """Milliseconds until the headers and the first body chunk are in; and the whole page."""
    started = time.perf_counter()
    with client.stream("GET", path, params=params) as response:
        chunks = response.iter_bytes()
        first = next(chunks, b"")
        elapsed = (time.perf_counter() - started) * 1000
        body = first + b"".join(chunks)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path}: {response.status_code} {body[:500]!r}")
    return elapsed, body.decode()


def measure(base_url: str, requests: int) -> dict[str, tuple[float, float]]:
    results = {}
    with httpx.Client(base_url=base_url, timeout=60) as client:
        log_in(client)
        for name, (path, params, marker) in PAGES.items():
            for _ in range(WARM_UP):
                _, page = first_byte_ms(client, path, params)
            if marker not in page or "alert--error" in page:
                raise RuntimeError(f"GET {path} does not show its data: {page[:2000]}")
            timings = [first_byte_ms(client, path, params)[0] for _ in range(requests)]
            p95 = statistics.quantiles(timings, n=100)[94]
            results[name] = (statistics.median(timings), p95)
            print(f"{name:<54} {results[name][0]:8.1f} {p95:8.1f}", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1_000_000, help="cases to seed")
    parser.add_argument("--requests", type=int, default=200, help="requests per page")
    args = parser.parse_args()
    bench = _cases_bench()
    municipalities: tuple[str, ...] = bench.MUNICIPALITIES
    isd: tuple[str, ...] = bench.ISD
    service = f"benchcases{uuid.uuid4().hex[:6]}"
    logs = Path(tempfile.mkdtemp(prefix="bench-ui-ttfb-"))
    system = LocalSystem(
        postgres_server_url=os.environ.get(
            "BENCH_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
        ),
        amqp_url=os.environ.get("BENCH_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/"),
        logs=logs,
        # Plain HTTP on 127.0.0.1; queues of its own, so no running system is disturbed.
        extra_env={"GATEWAY_COOKIE_SECURE": "false", "CASES_SERVICE_NAME": service},
    )
    try:
        system.migrate()
        asyncio.run(bench.seed(system.database_url("cases"), args.n))
        organisations = logs / "organisations.json"
        organisations.write_text(
            json.dumps(
                {
                    "municipalities": [
                        {"code": code, "name": f"Gemeente {code}"} for code in municipalities
                    ],
                    "isds": [{"id": ISD_ID, "name": "ISD Bench", "members": list(isd)}],
                }
            )
        )
        system.admin("org", "seed", str(organisations))
        system.admin(
            *("user", "create", "--org", ISD_ID, "--role", "behandelaar"),
            *("--username", USERNAME, "--password", PASSWORD, "--totp-secret", TOTP_SECRET),
            "--no-password-change",
        )
        system.start("cases")
        system.start("gateway")
        system.wait_ready("cases", "gateway")
        print(
            f"\n{'page':<54} {'p50 ms':>8} {'p95 ms':>8}   ({args.requests} requests each, "
            f"TTFB; logs in {logs})",
            flush=True,
        )
        results = measure(system.url("gateway"), args.requests)
        worst = max(p95 for _, p95 in results.values())
        verdict = "met" if worst < TARGET_MS else "NOT met"
        print(f"\ntarget p95 < {TARGET_MS:.0f} ms: {verdict} (worst p95 {worst:.1f} ms)")
    finally:
        system.stop_all()
        system.drop_databases()
        asyncio.run(bench.delete_queues(system.amqp_url, service))


if __name__ == "__main__":
    main()
