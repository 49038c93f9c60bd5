"""A real browser (Debian's Chromium through Playwright) logs in and sees the overview.

Skipped where Chromium or Playwright is missing; never downloads a browser. The screenshot
lands in artifacts/screenshots/ so a person can look at the page.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pyotp
import pytest
import uvicorn

from gateway.main import create_app
from gateway.settings import GatewaySettings
from servicekit.db import Database

from .conftest import FakeCases, MakeUser

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[4] / "artifacts" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
playwright_api = pytest.importorskip("playwright.async_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium")


@pytest.fixture
async def served(settings: GatewaySettings, seeded: Database) -> AsyncIterator[str]:
    """The real gateway app over real HTTP on a free local port, cases faked in-process."""
    import httpx

    app = create_app(settings)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(
        uvicorn.Config(app, log_config=None, access_log=False, ws="none", lifespan="on")
    )
    task = asyncio.create_task(server.serve(sockets=[sock]))
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline, "the gateway did not start"
        await asyncio.sleep(0.02)
    cases = FakeCases()
    async with httpx.AsyncClient(
        transport=httpx.MockTransport(cases.handle), base_url="http://cases"
    ) as fake:
        app.state.downstreams.cases.client = fake
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
        server.should_exit = True
        await task
    sock.close()


async def test_a_browser_logs_in_with_password_and_totp(served: str, make_user: MakeUser) -> None:
    account = await make_user("isd-bollenstreek", "behandelaar")
    assert account.secret is not None
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = await browser.new_page()
            errors: list[str] = []
            page.on(
                "console",
                lambda message: errors.append(message.text) if message.type == "error" else None,
            )
            await page.goto(f"{served}/ui/inloggen")
            await page.get_by_label("Gebruikersnaam").fill(account.username)
            await page.get_by_label("Wachtwoord").fill(account.password)
            await page.get_by_role("button", name="Inloggen").click()
            await page.get_by_label("Code uit uw authenticator-app").fill(
                pyotp.TOTP(account.secret).now()
            )
            await page.get_by_role("button", name="Controleren").click()
            await page.get_by_role("heading", name="Aantallen per status").wait_for()
            await page.screenshot(path=str(SCREENSHOTS / "ui-overview.png"), full_page=True)
            await page.get_by_role("link", name="Cases", exact=True).click()
            await page.get_by_role("link", name="GV-2026-0001234").click()
            await page.get_by_role("heading", name="Huishouden").wait_for()
            await page.screenshot(path=str(SCREENSHOTS / "ui-case.png"), full_page=True)
        finally:
            await browser.close()
    assert errors == [], "no CSP violations or script errors in the console"
