"""Loads demo data into a running system by publishing applications as the website would,
then takes cases of the demo ISD through every stage as residents and staff would
(`demodata.stages`: the Ockto simulator, the gateway's public API with API keys per role).

Deterministic (a fixed seed), so running it again only produces duplicates that intake ignores;
the stages run once per fresh system (a second start finds them done and says so).
    uv run python deploy/local/demo_data.py [-n 300] [--no-stages]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from contracts.gezondverzekerd import example_bodies
from demodata import ApplicationFactory
from demodata.stages import DemoError, Municipalities, Report, Roles, run
from demodata.website import publish_as_website
from ockto_simulator.__main__ import DEVELOPMENT_API_KEY
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


ISD = "isd-bollenstreek"
BANNER = Path(".run/demo-stages.txt")
"""Where the stages leave their 'where to look' lines for the banner `make up` prints."""


def _api_key(role: str) -> dict[str, str]:
    """A key of the demo ISD for one role, made by the admin CLI as an operator would."""
    token = subprocess.run(  # noqa: S603 - our own CLI
        [
            sys.executable,
            "-m",
            "gateway.admin",
            "api-key",
            "create",
            "--org",
            ISD,
            "--role",
            role,
            "--label",
            "demo data",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return {"Authorization": f"Bearer {token}"}


def _where_to_look(report: Report, gateway_url: str) -> str:
    advised = report.advised
    lines = [
        "  Demo cases at every stage (ISD Bollenstreek):",
        f"    a case with advice Toekennen:  {gateway_url}/ui/cases/{advised['grant'][-1]}",
        f"    a case with advice Afwijzen:   {gateway_url}/ui/cases/{advised['reject'][-1]}",
        f"    a case with advice Onderzoeken: {gateway_url}/ui/cases/{advised['investigate'][-1]}",
        f"    a decision letter sent:        {gateway_url}/ui/cases/{report.letters_sent[0]}",
    ]
    if report.term_running:
        lines.append(
            f"    a term to complete running:    {gateway_url}/ui/cases/{report.term_running}"
        )
    if report.upload:
        lines.append(f"    a resident's upload:           {gateway_url}/ui/cases/{report.upload}")
    lines.append(
        f"    a re-examination campaign: {report.campaign_letters} invitation letters in "
        "today's print batch (Lisse)"
    )
    counts = ", ".join(f"{status} {n}" for status, n in report.statuses.items() if n)
    lines.append(f"    cases per status: {counts}")
    return "\n".join(lines) + "\n"


async def _stages(arguments: argparse.Namespace) -> Report:
    roles = Roles(
        handler=_api_key("behandelaar"),
        decider=_api_key("beslisser"),
        manager=_api_key("functioneel_beheerder"),
    )
    simulator_key = os.environ.get("OCKTO_SIMULATOR_API_KEY", DEVELOPMENT_API_KEY)

    async def website(bodies: list[bytes]) -> None:
        await publish_as_website(arguments.amqp_url, bodies)

    async with (
        httpx.AsyncClient(base_url=arguments.gateway_url, timeout=30, trust_env=False) as api,
        httpx.AsyncClient(
            base_url=arguments.simulator_url,
            headers={"Authorization": f"Bearer {simulator_key}"},
            timeout=30,
            trust_env=False,
        ) as simulator,
    ):
        return await run(api, simulator, roles, website)


def _staged_before(cases_url: str) -> bool:
    """Whether an earlier start took the demo cases through the stages (a decision exists)."""
    response = httpx.get(
        f"{cases_url}/cases",
        params={"municipality": Municipalities().main, "status": "decided_granted", "limit": 1},
        headers=_headers(),
        timeout=5,
    )
    return response.status_code == 200 and bool(response.json()["items"])


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
    parser.add_argument(
        "--gateway-url", default=f"http://127.0.0.1:{os.environ.get('GATEWAY_PORT', '8000')}"
    )
    parser.add_argument(
        "--simulator-url", default=f"http://127.0.0.1:{os.environ.get('OCKTO_PORT', '8010')}"
    )
    parser.add_argument("--no-stages", action="store_true", help="only publish applications")
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
    if arguments.no_stages:
        return
    if _staged_before(arguments.cases_url):
        print("demo data: the stages ran on an earlier start; their cases are still there")
        return
    wait_for(f"{arguments.gateway_url}/health/ready", '"ready":true')
    try:
        report = asyncio.run(_stages(arguments))
    except DemoError as error:
        print(f"demo data: not every stage was reached: {error}", file=sys.stderr)
        return
    BANNER.parent.mkdir(exist_ok=True)
    BANNER.write_text(_where_to_look(report, arguments.gateway_url))
    print("demo data: every stage reached through the services")


if __name__ == "__main__":
    main()
