"""Loads demo data into a running system by publishing applications as the website would.

Deterministic (a fixed seed), so running it again only produces duplicates that intake ignores.
    uv run python deploy/local/demo_data.py [-n 300]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time

import httpx

from contracts.gezondverzekerd import example_bodies
from demodata import ApplicationFactory
from demodata.website import publish_as_website
from servicekit.auth import TOKEN_HEADER, Principal, issue_token
from servicekit.settings import DEVELOPMENT_SECRET

MUNICIPALITIES = {
    "0363": "Amsterdam",
    "0599": "Rotterdam",
    "0344": "Utrecht",
    "0518": "'s-Gravenhage",
    "0534": "Hillegom",
    "0553": "Lisse",
    "0575": "Noordwijk",
    "1525": "Teylingen",
}


def _headers() -> dict[str, str]:
    secret = os.environ.get("BACKOFFICE_INTERNAL_TOKEN_SECRET", DEVELOPMENT_SECRET)
    operator = Principal(
        subject="demo-loader", organisation="platform", role="operator", all_municipalities=True
    )
    return {TOKEN_HEADER: issue_token(operator, secret=secret)}


def wait_for(url: str, check: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            response = httpx.get(url, headers=_headers(), timeout=3)
            if response.status_code == 200 and check in response.text:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"demo data: {url} did not become ready in {seconds:.0f} s")
        time.sleep(0.5)


def _count_cases(cases_url: str) -> int:
    response = httpx.get(
        f"{cases_url}/overview",
        params=[("municipality", code) for code in MUNICIPALITIES],
        headers=_headers(),
        timeout=5,
    )
    return int(response.json()["total"]["applications"]) if response.status_code == 200 else 0


def main() -> None:
    parser = argparse.ArgumentParser(description="publish demo applications as the website would")
    parser.add_argument(
        "-n", type=int, default=300, help="generated applications (plus the 2 contract examples)"
    )
    parser.add_argument(
        "--amqp-url",
        default=os.environ.get("BACKOFFICE_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/"),
    )
    parser.add_argument("--intake-url", default="http://127.0.0.1:8001")
    parser.add_argument("--cases-url", default="http://127.0.0.1:8002")
    arguments = parser.parse_args()

    for url in (arguments.intake_url, arguments.cases_url):
        wait_for(f"{url}/health/ready", '"ready":true')
    for code in MUNICIPALITIES:
        wait_for(f"{arguments.intake_url}/municipalities", f'"{code}"')

    factory = ApplicationFactory(seed=2026, number_offset=100)
    codes = list(MUNICIPALITIES)
    bodies = list(example_bodies().values()) + [
        factory.body(codes[i % len(codes)], city=MUNICIPALITIES[codes[i % len(codes)]])
        for i in range(arguments.n)
    ]
    asyncio.run(publish_as_website(arguments.amqp_url, bodies))
    expected = len(bodies)
    deadline = time.monotonic() + 120
    while True:
        total = _count_cases(arguments.cases_url)
        if total >= expected or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    print(f"demo data: {total} cases from {expected} applications published as the website would")


if __name__ == "__main__":
    sys.exit(main())
