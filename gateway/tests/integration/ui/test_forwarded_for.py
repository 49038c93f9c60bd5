"""Behind a reverse proxy: the login throttle and the security log see the client's address
from a trusted proxy's X-Forwarded-For, and ignore the header from anyone else."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager

import httpx
import pytest
from sqlalchemy import text

from gateway.settings import GatewaySettings
from servicekit.db import Database

from ..services import Services, gateway_before
from .conftest import MakeUser, UiApp, csrf_of

PROXY = "10.0.0.2"
WRONG = "Verkeerd wachtwoord 123"
Peer = Callable[[str], AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
async def behind_proxy(
    settings: GatewaySettings, seeded: Database, services: Services
) -> AsyncIterator[tuple[UiApp, Peer]]:
    """The gateway trusting 10.0.0.0/24, and clients that connect from a given address."""
    trusting = GatewaySettings.model_validate(
        {**settings.model_dump(), "trusted_proxies": "10.0.0.0/24"}
    )
    async with gateway_before(services, trusting) as (app, http):
        ui = UiApp(app=app, http=http, database=seeded, services=services)
        ui.configure(max_failures_per_ip=2)

        def peer(address: str) -> AbstractAsyncContextManager[httpx.AsyncClient]:
            transport = httpx.ASGITransport(app=app, client=(address, 40000))
            return httpx.AsyncClient(transport=transport, base_url="http://gw")

        yield ui, peer


async def attempt(http: httpx.AsyncClient, username: str, password: str, client: str) -> int:
    headers = {"X-Forwarded-For": client}
    page = await http.get("/ui/inloggen", headers=headers)
    answer = await http.post(
        "/ui/inloggen",
        data={"username": username, "password": password, "csrf_token": csrf_of(page)},
        headers=headers,
    )
    return answer.status_code


async def origins(ui: UiApp) -> list[str]:
    """The origins of the security log's login records, oldest first."""
    async with ui.database.sessions() as session:
        rows = await session.scalars(
            text("SELECT origin_ip FROM security_audit WHERE action LIKE 'login.%' ORDER BY id")
        )
        return list(rows)


async def failure_addresses(ui: UiApp) -> set[str]:
    async with ui.database.sessions() as session:
        return set(await session.scalars(text("SELECT DISTINCT origin_ip FROM login_failures")))


async def test_clients_behind_a_trusted_proxy_are_throttled_each_on_their_own(
    behind_proxy: tuple[UiApp, Peer], make_user: MakeUser
) -> None:
    ui, peer = behind_proxy
    account = await make_user()
    async with peer(PROXY) as proxy:
        for _ in range(2):
            await attempt(proxy, "niemand@nergens", WRONG, "198.51.100.1")

        throttled = await attempt(proxy, account.username, account.password, "198.51.100.1")
        # The header's left part is the client's own claim: it cannot pick another bucket.
        spoofed = await attempt(
            proxy, account.username, account.password, "198.51.100.77, 198.51.100.1"
        )
        neighbour = await attempt(proxy, account.username, account.password, "198.51.100.2")

    assert throttled == spoofed == 401
    assert neighbour == 303, "another client behind the same proxy is not throttled"
    assert await failure_addresses(ui) == {"198.51.100.1"}
    assert await origins(ui) == ["198.51.100.1"] * 4 + ["198.51.100.2"]


async def test_an_untrusted_peer_cannot_choose_its_address(
    behind_proxy: tuple[UiApp, Peer], make_user: MakeUser
) -> None:
    ui, peer = behind_proxy
    account = await make_user()
    async with peer("203.0.113.5") as direct:
        for n in range(2):
            await attempt(direct, "niemand@nergens", WRONG, f"198.51.100.{n + 10}")

        refused = await attempt(direct, account.username, account.password, "198.51.100.99")

    assert refused == 401, "all its attempts count against its own address"
    assert await failure_addresses(ui) == {"203.0.113.5"}
    assert await origins(ui) == ["203.0.113.5"] * 3
