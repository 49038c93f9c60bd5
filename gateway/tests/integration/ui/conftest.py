"""The real gateway app and database for the staff UI, in front of the real cases and intake
services running in this process (see `services.py`), and where a test puts them there the real
documents and assessment services; logins and sessions for the tests.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
import pyotp
import pytest
from fastapi import FastAPI
from starlette.types import ASGIApp

from gateway.settings import GatewaySettings
from gateway.staff import accounts
from gateway.staff.totp import SecretBox
from gateway.ui.settings import UiSettings
from servicekit.db import Database

from ..services import UNREACHABLE, Services, gateway_before

PASSWORD = "Tulpenvelden bij Lisse in april"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class UiApp:
    app: FastAPI
    http: httpx.AsyncClient
    database: Database
    services: Services
    unreachable: list[httpx.AsyncClient] = field(default_factory=list)
    """Clients the test put behind a downstream (closed after it)."""

    @property
    def settings(self) -> UiSettings:
        settings: UiSettings = self.app.state.ui_settings
        return settings

    def configure(self, **changes: Any) -> None:
        """Change UI settings on the running app (e.g. short timeouts)."""
        self.app.state.ui_settings = self.settings.with_overrides(**changes)

    def advance(self, delta: timedelta) -> None:
        """Move the gateway's clock on (sessions expire without a wait)."""
        self.app.state.runtime.clock.advance(delta)

    def take_down(self, service: str) -> None:
        """Point the gateway at an address where nothing answers, as if `service` were down."""
        client = httpx.AsyncClient(base_url=UNREACHABLE)
        self.unreachable.append(client)
        getattr(self.app.state.downstreams, service).client = client

    def use(self, service: str, app: ASGIApp) -> None:
        """Put `app` (run in this process) behind the gateway's downstream `service`: the real
        documents or assessment service."""
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=f"http://{service}"
        )
        self.unreachable.append(client)
        getattr(self.app.state.downstreams, service).client = client


@pytest.fixture
async def ui(
    settings: GatewaySettings, seeded: Database, services: Services
) -> AsyncIterator[UiApp]:
    async with gateway_before(services, settings) as (app, http):
        ui = UiApp(app=app, http=http, database=seeded, services=services)
        yield ui
        for client in ui.unreachable:
            await client.aclose()


@dataclass(frozen=True)
class Account:
    username: str
    password: str
    secret: str | None


MakeUser = Callable[..., Awaitable[Account]]


@pytest.fixture
def make_user(seeded: Database) -> MakeUser:
    async def make(
        organisation: str = "isd-bollenstreek",
        role: str = "behandelaar",
        *,
        username: str | None = None,
        enrolled: bool = True,
        must_change_password: bool = False,
    ) -> Account:
        secret = pyotp.random_base32(32) if enrolled else None
        name = username or f"test.{uuid.uuid4().hex[:8]}@{organisation}"
        async with seeded.transaction() as session:
            await accounts.create_user(
                session,
                box=SecretBox(UiSettings().totp_encryption_key),
                username=name,
                organisation_id=organisation,
                role=role,
                display_name="Test Gebruiker",
                password=PASSWORD,
                totp_secret=secret,
                must_change_password=must_change_password,
            )
        return Account(username=name, password=PASSWORD, secret=secret)

    return make


def csrf_of(page: httpx.Response) -> str:
    match = _CSRF.search(page.text)
    assert match, f"no CSRF token on {page.url}"
    return match.group(1)


async def submit_password(http: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    page = await http.get("/ui/inloggen")
    return await http.post(
        "/ui/inloggen",
        data={"username": username, "password": password, "csrf_token": csrf_of(page)},
        follow_redirects=True,
    )


async def log_in(http: httpx.AsyncClient, account: Account, *, step: int = 0) -> httpx.Response:
    """Password, then the TOTP code of the current step (+ `step`, for a second login)."""
    assert account.secret is not None
    mfa = await submit_password(http, account.username, account.password)
    assert mfa.url.path == "/ui/mfa", mfa.text
    code = pyotp.TOTP(account.secret).at(time.time() + step * 30)
    return await http.post(
        "/ui/mfa", data={"code": code, "csrf_token": csrf_of(mfa)}, follow_redirects=True
    )
