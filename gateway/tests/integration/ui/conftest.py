"""The real gateway app and database for the staff UI, with a fake cases service in-process.

The fake answers as the cases service does (overview, list, detail, memos) and records every
call with the Principal decoded from the internal token.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pyotp
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from gateway.main import create_app
from gateway.settings import GatewaySettings
from gateway.ui import accounts
from gateway.ui.settings import UiSettings
from gateway.ui.totp import SecretBox
from servicekit.auth import TOKEN_HEADER, Principal, read_token
from servicekit.db import Database
from servicekit.settings import DEVELOPMENT_SECRET

PASSWORD = "Tulpenvelden bij Lisse in april"
CASE_ID = "5f0c6a8e-3b1d-4c2e-9f47-0e8a1d2b3c4d"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')

OVERVIEW = {
    "categories": [
        {"category": "received", "applications": 7, "adults": 9, "persons": 15},
        {"category": "in_progress", "applications": 3, "adults": 4, "persons": 8},
    ],
    "total": {"applications": 10, "adults": 13, "persons": 23},
}
ADULT = {
    "bsn": "111222333",
    "initials": "J.",
    "first_name": "Jan",
    "prefix": "de",
    "last_name": "Vries",
    "date_of_birth": "1981-04-17",
    "email": None,
    "phone": None,
    "address": None,
}
SUMMARY = {
    "id": CASE_ID,
    "application_number": "GV-2026-0001234",
    "kind": "application",
    "status": "received",
    "municipality_code": "0534",
    "adults": 1,
    "persons": 2,
    "submitted_at": "2026-11-29T08:15:00Z",
}
DETAIL = {
    **SUMMARY,
    "category": "received",
    "household": {
        "applicant": ADULT,
        "partner": None,
        "children": [{"bsn": "312966210", "first_name": "Noor", "date_of_birth": "2012-06-30"}],
    },
    "history": [],
}
HISTORY = [
    {
        "occurred_at": "2026-11-29T08:15:02Z",
        "action": "opened",
        "actor": "system",
        "from_status": None,
        "to_status": "received",
        "reason": None,
        "details": {},
    }
]
HANDLING = {
    **SUMMARY,
    "status_changed_at": "2026-11-29T08:15:02Z",
    "advice": None,
    "assigned_to": None,
    "campaign": None,
    "decision": None,
    "hold": None,
    "seconds_on_hold": 0,
    "handling_seconds": 60,
    "handling_ended_at": None,
    "allowed_transitions": ["awaiting_data", "on_hold", "under_investigation", "aborted"],
}
MEMO = {
    "id": "0b7e3c1a-5d2f-4a8e-9c6b-1e2d3f4a5b6c",
    "created_at": "2026-11-29T09:00:00Z",
    "author": "user:x",
    "organisation": "isd-bollenstreek",
    "text": "Gebeld",
    "corrects": None,
    "corrected_by": [],
}

ACCESS_ENTRY = {
    "id": 41,
    "occurred_at": "2026-11-29T09:30:00Z",
    "actor": "user:b.behandelaar@isd-bollenstreek",
    "organisation": "isd-bollenstreek",
    "role": "behandelaar",
    "action": "case.viewed",
    "municipality_code": "0534",
    "case_id": CASE_ID,
    "purpose": "Gemeentepolis: beoordelen aanvraag",
    "trace_id": "trace-1",
    "data_subject_hash": "ab" * 32,
    "row_count": None,
    "details": {},
}


@dataclass
class Call:
    method: str
    path: str
    params: list[tuple[str, str]]
    principal: Principal
    body: Any


@dataclass
class FakeCases:
    calls: list[Call] = field(default_factory=list)
    down: bool = False

    def handle(self, request: httpx.Request) -> httpx.Response:  # noqa: PLR0912 - one fake
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        principal = read_token(request.headers[TOKEN_HEADER], secret=DEVELOPMENT_SECRET)
        body = json.loads(request.content) if request.content else None
        self.calls.append(
            Call(
                request.method,
                request.url.path,
                list(request.url.params.multi_items()),
                principal,
                body,
            )
        )
        path, method = request.url.path, request.method
        if path == "/overview":
            return httpx.Response(200, json=OVERVIEW)
        if path == "/cases":
            return httpx.Response(200, json={"items": [SUMMARY], "next_cursor": "next-page"})
        if path.startswith(f"/cases/{CASE_ID}") and not principal.may_see("0534"):
            return httpx.Response(404, json={"detail": "case not found"})
        if path == f"/cases/{CASE_ID}":
            return httpx.Response(200, json=DETAIL)
        if path == f"/cases/{CASE_ID}/memos" and method == "GET":
            return httpx.Response(200, json=[MEMO])
        if path == f"/cases/{CASE_ID}/memos" and method == "POST":
            return httpx.Response(201, json=MEMO | {"id": str(uuid.uuid4()), **body})
        if path == f"/cases/{CASE_ID}/history":
            return httpx.Response(200, json=HISTORY)
        if path == f"/cases/{CASE_ID}/handling":
            return httpx.Response(200, json=HANDLING)
        if path == f"/cases/{CASE_ID}/transitions" and body["to"] == "decided_granted":
            return httpx.Response(
                403,
                json={
                    "detail": "Uw rol behandelaar mag een aanvraag niet toekennen; dat mag "
                    "alleen een beslisser."
                },
            )
        if path in (
            f"/cases/{CASE_ID}/transitions",
            f"/cases/{CASE_ID}/hold",
            f"/cases/{CASE_ID}/assignee",
        ):
            return httpx.Response(200, json=HANDLING)
        if path == "/audit":
            return httpx.Response(200, json={"items": [ACCESS_ENTRY], "next_cursor": "older"})
        if path == "/cases/export.csv":
            return httpx.Response(
                200,
                content="\ufeffaanvraagnummer;soort\r\nGV-2026-0001234;aanvraag\r\n".encode(),
                headers={
                    "content-type": "text/csv; charset=utf-8",
                    "content-disposition": 'attachment; filename="zaken-2026-11-29.csv"',
                },
            )
        if path.startswith("/cases/") and path.count("/") == 2:
            return httpx.Response(404, json={"detail": "case not found"})
        return httpx.Response(404, json={"detail": "Not Found"})


IMPORT_ID = "0b0f4d4e-5b8a-4a47-9d53-3f6f2d6a9c11"
IMPORT = {
    "import_id": IMPORT_ID,
    "status": "processing",
    "municipality_code": "0534",
    "campaign": "Heronderzoek 2027",
    "filename": "heronderzoek.csv",
    "file_type": "csv",
    "rows_total": 2,
    "rows_imported": 1,
    "rows_rejected": 1,
    "rows_duplicate": 0,
    "last_line": 3,
    "created_at": "2027-01-10T09:00:00Z",
    "finished_at": None,
    "error": None,
}


@dataclass
class FakeIntake:
    """Answers as intake does for the import; records the uploads it receives."""

    uploads: list[tuple[str, bytes]] = field(default_factory=list)
    status: str = "processing"

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/imports/re-examinations" and request.method == "POST":
            self.uploads.append((request.headers["content-type"], request.read()))
            return httpx.Response(202, json=IMPORT)
        if path == f"/imports/{IMPORT_ID}":
            rows = [
                {"line": 2, "outcome": "imported", "reason": None},
                {"line": 3, "outcome": "rejected", "reason": "bsn: geen geldig BSN"},
            ]
            return httpx.Response(
                200, json=IMPORT | {"status": self.status, "rows": rows, "next_cursor": None}
            )
        if path == f"/imports/{IMPORT_ID}/report.csv":
            return httpx.Response(
                200,
                content="\ufeffregel;uitkomst;reden\r\n".encode(),
                headers={"content-type": "text/csv; charset=utf-8"},
            )
        if path == "/quarantine":
            return httpx.Response(200, json={"items": [], "next_cursor": None})
        if path.startswith("/imports/"):
            return httpx.Response(404, json={"detail": "import niet gevonden"})
        return httpx.Response(404, json={"detail": "Not Found"})


@dataclass
class UiApp:
    app: FastAPI
    http: httpx.AsyncClient
    cases: FakeCases
    database: Database
    intake: FakeIntake = field(default_factory=FakeIntake)

    def configure(self, **changes: Any) -> None:
        """Change UI settings on the running app (e.g. short timeouts)."""
        current: UiSettings = self.app.state.ui_settings
        self.app.state.ui_settings = current.with_overrides(**changes)


@pytest.fixture
async def ui(settings: GatewaySettings, seeded: Database) -> AsyncIterator[UiApp]:
    app = create_app(settings)
    cases = FakeCases()
    intake = FakeIntake()
    async with (
        LifespanManager(app),
        httpx.AsyncClient(
            transport=httpx.MockTransport(cases.handle), base_url="http://cases"
        ) as fake,
        httpx.AsyncClient(
            transport=httpx.MockTransport(intake.handle), base_url="http://intake"
        ) as fake_intake,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw") as http,
    ):
        app.state.downstreams.cases.client = fake
        app.state.downstreams.intake.client = fake_intake
        yield UiApp(app=app, http=http, cases=cases, database=seeded, intake=intake)


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
