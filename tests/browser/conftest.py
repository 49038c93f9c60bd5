"""Debian's Chromium through Playwright against the whole system, as staff use it.

The tests use municipalities of their own (91xx, with the ISD `isd-proefland` over 9101 and
9102; 9103 outside it), so no other e2e test changes their numbers. Users are made with the
admin CLI, each with a known TOTP secret; a user signs in through the browser once, and its
signed-in browser state is reused by later tests.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pyotp
import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright, expect

from demodata.applications import ApplicationFactory
from demodata.system import ROOT, LocalSystem
from tests.e2e_support import Readers, all_cases, eventually, overview, publish_as_website

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
PASSWORD = "Duinen bij Proefdorp in oktober"
ISD = "isd-proefland"
MUNICIPALITIES = {"9101": "Proefdorp", "9102": "Testveen", "9103": "Buitenstad"}
ISD_MEMBERS = ("9101", "9102")
CELIK = "Çelik"
UNIQUE_IN_9102 = "Zwartbroek"

pytestmark = pytest.mark.e2e


@dataclass
class Account:
    username: str
    role: str
    organisation: str
    secret: str = field(default_factory=lambda: pyotp.random_base32(32))
    password: str = PASSWORD
    last_step: int = 0
    """The last TOTP step used: each code works once, so the next login takes a later one."""

    def next_code(self) -> str:
        """A code the server accepts now (it allows one step of drift either way)."""
        while True:
            current = int(time.time() // 30)
            step = max(current, self.last_step + 1)
            if step <= current + 1:
                self.last_step = step
                return pyotp.TOTP(self.secret).at(step * 30)
            time.sleep(current * 30 + 30.5 - time.time())


@dataclass(frozen=True)
class Seeded:
    """What was published, so tests can check the numbers the UI shows."""

    bodies: dict[str, list[dict[str, Any]]]
    case_ids: dict[str, str]
    """application number → case id"""

    def counts(self, *codes: str) -> tuple[int, int, int]:
        """Applications, adults and persons of these municipalities."""
        apps = [body["application"] for code in codes for body in self.bodies[code]]
        adults = sum(1 + (app["partner"] is not None) for app in apps)
        return len(apps), adults, adults + sum(len(app["children"]) for app in apps)

    def numbers(self, code: str) -> set[str]:
        return {body["application"]["application_number"] for body in self.bodies[code]}

    def number_of(self, last_name: str) -> str:
        return next(
            body["application"]["application_number"]
            for bodies in self.bodies.values()
            for body in bodies
            if body["application"]["applicant"]["last_name"] == last_name
        )


def _applications() -> dict[str, list[dict[str, Any]]]:
    """A few applications per municipality; exactly one applicant is named Çelik (in 9101)
    and one Zwartbroek (in 9102)."""
    factory = ApplicationFactory(seed=91, number_offset=9_100_000)
    bodies = {
        "9101": [factory.application("9101", city="Proefdorp") for _ in range(6)],
        "9102": [factory.application("9102", city="Testveen") for _ in range(4)],
        "9103": [factory.application("9103", city="Buitenstad") for _ in range(3)],
    }
    for app in (body["application"] for group in bodies.values() for body in group):
        for person in (app["applicant"], app["partner"]):
            if person is not None and person["last_name"] in (CELIK, UNIQUE_IN_9102):
                person["last_name"] = "Jansen"
    bodies["9101"][2]["application"]["applicant"]["last_name"] = CELIK
    bodies["9102"][1]["application"]["applicant"]["last_name"] = UNIQUE_IN_9102
    return bodies


@pytest.fixture(scope="session")
async def seeded(
    system: LocalSystem,
    operator_key: str,
    readers: Readers,
    tmp_path_factory: pytest.TempPathFactory,
) -> Seeded:
    organisations = {
        "municipalities": [{"code": code, "name": name} for code, name in MUNICIPALITIES.items()],
        "isds": [{"id": ISD, "name": "ISD Proefland", "members": list(ISD_MEMBERS)}],
    }
    seed = tmp_path_factory.mktemp("browser") / "organisations.json"
    seed.write_text(json.dumps(organisations))
    system.admin_all(["org", "seed", str(seed)], *(_create(a) for a in USERS.values()))
    system.wait_until_municipalities_known(tuple(MUNICIPALITIES))
    bodies = _applications()
    await publish_as_website(
        system.amqp_url,
        [json.dumps(body).encode() for group in bodies.values() for body in group],
    )
    async with httpx.AsyncClient(
        base_url=system.url("gateway"),
        headers={"Authorization": f"Bearer {operator_key}"},
        timeout=10,
    ) as api:

        async def all_arrived() -> bool:
            for code, group in bodies.items():
                counts = await overview(api, municipality=code)
                if counts["total"]["applications"] != len(group):
                    return False
            return True

        await eventually(all_arrived, seconds=60)

        async def all_invited() -> bool:
            # The municipalities check vooraf (the default): the assessment invites every new
            # case through Ockto and cases follows to awaiting_data. Settled before any test.
            for code in MUNICIPALITIES:
                statuses = {case["status"] for case in await all_cases(api, code, readers)}
                if statuses != {"awaiting_data"}:
                    return False
            return True

        await eventually(all_invited, seconds=60)
        case_ids = {
            case["application_number"]: case["id"]
            for code in MUNICIPALITIES
            for case in await all_cases(api, code, readers)
        }
    return Seeded(bodies=bodies, case_ids=case_ids)


USERS = {
    "isd": Account("behandelaar@isd-proefland", "behandelaar", ISD),
    "proefdorp": Account("behandelaar@proefdorp", "behandelaar", "9101"),
    "beheerder": Account("beheerder@isd-proefland", "functioneel_beheerder", ISD),
    "login": Account("inlogger@proefdorp", "raadpleger", "9101"),
    "lockout": Account("vergeetachtig@proefdorp", "raadpleger", "9101"),
    "logout": Account("uitlogger@proefdorp", "behandelaar", "9101"),
    "idle": Account("koffiepauze@proefdorp", "behandelaar", "9101"),
    "auditor": Account("auditor@isd-proefland", "auditor", ISD),
    "beslisser": Account("beslisser@proefdorp", "beslisser", "9101"),
}


def _create(account: Account) -> list[str]:
    return [
        "user",
        "create",
        "--org",
        account.organisation,
        "--role",
        account.role,
        "--username",
        account.username,
        "--name",
        account.username.split("@")[0].capitalize(),
        "--password",
        account.password,
        "--totp-secret",
        account.secret,
        "--no-password-change",
    ]


@pytest.fixture(scope="session")
def users(seeded: Seeded) -> dict[str, Account]:
    """The accounts (made with the organisations, in `seeded`)."""
    return USERS


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium; missing is a failure, not a skip (CI installs it)."""
    if not CHROMIUM.exists():
        pytest.fail(
            "The browser tests need Debian's Chromium at /usr/bin/chromium; install it with "
            "`apt-get install chromium fonts-dejavu-core` (deploy/local/ensure-infra.sh does).",
            pytrace=False,
        )
    return CHROMIUM


@pytest.fixture(scope="session")
async def browser(chromium: Path) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(chromium), args=ARGS)
        try:
            yield launched
        finally:
            await launched.close()


@dataclass
class Browsing:
    """New browser contexts against the system's gateway; every page's console is watched."""

    browser: Browser
    base_url: str
    console_errors: list[str] = field(default_factory=list)
    _states: dict[str, Any] = field(default_factory=dict)
    _contexts: list[BrowserContext] = field(default_factory=list)

    async def context(self, *, storage_state: Any = None) -> BrowserContext:
        context = await self.browser.new_context(
            base_url=self.base_url,
            accept_downloads=True,
            storage_state=storage_state,
            locale="nl-NL",
            timezone_id="Europe/Amsterdam",
        )
        context.set_default_timeout(15_000)
        self._contexts.append(context)
        return context

    async def page(self) -> Page:
        page = await (await self.context()).new_page()
        self.watch(page)
        return page

    def watch(self, page: Page) -> None:
        """Collect script errors and CSP violations; an error status (401, 403, 404) the test
        asked for is reported by Chromium as 'Failed to load resource' and is not one."""
        page.on(
            "console",
            lambda message: (
                self.console_errors.append(
                    f"{page.url} ({message.location.get('url')}): {message.text[:90]}"
                )
                if message.type == "error"
                and not message.text.startswith("Failed to load resource")
                else None
            ),
        )
        page.on("pageerror", lambda error: self.console_errors.append(f"{page.url}: {error}"))

    async def signed_in(self, account: Account) -> Page:
        """A page of a context signed in as `account` (through the login form, once)."""
        if account.username not in self._states:
            page = await self.page()
            await log_in(page, account)
            self._states[account.username] = await page.context.storage_state()
            return page
        context = await self.context(storage_state=self._states[account.username])
        page = await context.new_page()
        self.watch(page)
        return page

    async def close(self) -> None:
        for context in self._contexts:
            with contextlib.suppress(Exception):
                await context.close()
        self._contexts.clear()


_STATES: dict[str, Any] = {}


@pytest.fixture
async def browsing(
    browser: Browser, system: LocalSystem, users: dict[str, Account]
) -> AsyncIterator[Browsing]:
    """Per test; the signed-in states live for the session (in `_STATES`)."""
    browsing = Browsing(browser=browser, base_url=system.url("gateway"), _states=_STATES)
    try:
        yield browsing
    finally:
        await browsing.close()
    assert browsing.console_errors == [], "CSP violations or script errors in the console:\n" + (
        "\n".join(browsing.console_errors)
    )


async def submit_password(page: Page, username: str, password: str) -> None:
    await page.goto("/ui/inloggen")
    await page.get_by_label("Gebruikersnaam").fill(username)
    await page.get_by_label("Wachtwoord").fill(password)
    await page.get_by_role("button", name="Inloggen").click()


async def log_in(page: Page, account: Account) -> None:
    await submit_password(page, account.username, account.password)
    await page.get_by_label("Code uit uw authenticator-app").fill(account.next_code())
    await page.get_by_role("button", name="Controleren").click()
    await expect(page.get_by_role("heading", name="Aantallen per status")).to_be_visible()


async def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # caret="initial": hiding the caret leaves style="" on inputs, which htmx then copies
    # while swapping the next page in, and the CSP rightly refuses.
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True, caret="initial")


@pytest.fixture
def second_gateway(system: LocalSystem) -> Iterator[Callable[..., str]]:
    """Start another gateway process on the same databases with changed settings (e.g. a
    short idle timeout); returns its URL. Cookies do not depend on the port, so a session
    made on the main gateway is sent to this one too."""
    names: list[str] = []

    def start(**settings: str) -> str:
        name = f"gateway-extra-{len(names) + 1}"
        names.append(name)
        system.start("gateway", name=name, settings=settings)
        system.wait_ready(name, seconds=30)
        return system.url(name)

    yield start
    for name in names:
        system.stop(name)
