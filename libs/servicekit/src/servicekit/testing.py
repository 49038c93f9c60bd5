"""Pytest fixtures for tests against real PostgreSQL and RabbitMQ (a pytest plugin).

The servers come from `TEST_DATABASE_URL` / `TEST_AMQP_URL` when set (CI and `make test` set
them to the local servers); otherwise from testcontainers when a Docker engine is reachable.
Every test session gets its own RabbitMQ virtual host where `rabbitmqctl` can make one, and
every test that asks gets a database of its own, so tests cannot leak into each other.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from sqlalchemy.engine import make_url

from servicekit.db import create_database_if_missing, drop_database


def _docker_available() -> bool:
    return Path("/var/run/docker.sock").exists() or bool(os.environ.get("DOCKER_HOST"))


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """A PostgreSQL server URL (asyncpg driver) whose `postgres` user may create databases."""
    configured = os.environ.get("TEST_DATABASE_URL")
    if configured:
        yield configured
        return
    if not _docker_available():
        pytest.fail("set TEST_DATABASE_URL (make test does) or run a Docker engine")
    from testcontainers.postgres import PostgresContainer

    with PostgresContainer("postgres:16-alpine", driver="asyncpg") as container:
        yield container.get_connection_url()


@pytest.fixture(scope="session")
def amqp_server_url() -> Iterator[str]:
    configured = os.environ.get("TEST_AMQP_URL")
    if configured:
        yield configured
        return
    if not _docker_available():
        pytest.fail("set TEST_AMQP_URL (make test does) or run a Docker engine")
    from testcontainers.rabbitmq import RabbitMqContainer

    with RabbitMqContainer("rabbitmq:3.13-alpine") as container:
        params = container.get_connection_params()
        yield f"amqp://guest:guest@{params.host}:{params.port}/"


def _rabbitmqctl(*args: str) -> None:
    done = subprocess.run(  # noqa: S603
        ["rabbitmqctl", "-q", *args],  # noqa: S607
        check=False,
        capture_output=True,
        text=True,
        timeout=90,
    )
    if done.returncode != 0:
        # Say what the broker answered: "exit status 64" alone tells nobody what to fix.
        raise RuntimeError(
            f"rabbitmqctl {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}"
            " (deploy/local/ensure-infra.sh restarts a broker that does not answer)"
        )


@pytest.fixture(scope="session")
def amqp_url(amqp_server_url: str) -> Iterator[str]:
    """The server URL with a virtual host of this test session's own, when one can be made."""
    parts = urlsplit(amqp_server_url)
    local = parts.hostname in {"127.0.0.1", "localhost", "::1"}
    if not (local and shutil.which("rabbitmqctl") and os.geteuid() == 0):
        yield amqp_server_url
        return
    vhost = f"test-{uuid.uuid4().hex[:12]}"
    _rabbitmqctl("add_vhost", vhost)
    _rabbitmqctl("set_permissions", "-p", vhost, parts.username or "guest", ".*", ".*", ".*")
    try:
        yield urlunsplit(parts._replace(path="/" + quote(vhost, safe="")))
    finally:
        _rabbitmqctl("delete_vhost", vhost)


def database_url_for(server_url: str, name: str) -> str:
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


async def fresh_database(server_url: str, prefix: str) -> str:
    """Create an empty database with a unique name; returns its URL."""
    url = database_url_for(server_url, f"{prefix}_{uuid.uuid4().hex[:10]}")
    await create_database_if_missing(url)
    return url


@pytest.fixture
async def scratch_database_url(postgres_server_url: str) -> AsyncIterator[str]:
    """A new, empty database for one test, dropped afterwards."""
    url = await fresh_database(postgres_server_url, "test_scratch")
    yield url
    await drop_database(url)


async def eventually(
    check: Callable[[], Awaitable[bool]], *, seconds: float = 15.0, interval: float = 0.05
) -> None:
    """Poll until `check` holds; fail at the deadline (never sleep a fixed time and hope)."""
    deadline = time.monotonic() + seconds
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met before the deadline")
        await asyncio.sleep(interval)
