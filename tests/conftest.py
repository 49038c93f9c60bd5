"""The whole system started as processes, as `make up` starts it, shared by the e2e tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from demodata.system import LocalSystem

from .e2e_support import Readers

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
SEEDED = ("0363", "0599", "0344", "0518", "0014", "0772", "0534", "0553", "0575", "1525")


@pytest.fixture(scope="session")
def system(postgres_server_url: str, amqp_url: str) -> Iterator[LocalSystem]:
    local = LocalSystem(
        postgres_server_url=postgres_server_url,
        amqp_url=amqp_url,
        logs=ARTIFACTS / "e2e-logs",
        # Plain HTTP on 127.0.0.1: the browser tests need a session cookie without Secure.
        extra_env={"GATEWAY_COOKIE_SECURE": "false"},
    )
    try:
        local.migrate()
        local.admin("org", "seed")
        # Five processes and moto_server start at once on 2 shared cores: allow for a busy CI.
        local.start_all(ready_seconds=240)
        local.wait_until_municipalities_known(SEEDED)
        yield local
    finally:
        local.stop_all()
        local.drop_databases()


@pytest.fixture(scope="session")
def operator_key(system: LocalSystem) -> str:
    return system.admin("api-key", "create", "--org", "platform", "--role", "operator").strip()


@pytest.fixture(scope="session")
def readers(system: LocalSystem) -> Readers:
    return Readers(system)


@pytest.fixture
async def api(system: LocalSystem, operator_key: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        base_url=system.url("gateway"),
        headers={"Authorization": f"Bearer {operator_key}"},
        timeout=10,
    ) as client:
        yield client
