"""Settings defaults, session timeouts, CSRF comparison and the security headers, in isolation."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from gateway.staff import sessions
from gateway.staff.models import StaffSession, User
from gateway.ui.settings import UiSettings
from gateway.ui.web import SecurityHeaders

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def test_cookies_are_secure_except_in_development() -> None:
    assert UiSettings(environment="development").secure_cookies is False
    assert UiSettings(environment="test").secure_cookies is True
    assert UiSettings(environment="development", cookie_secure=True).secure_cookies is True


def test_production_refuses_the_development_key_and_insecure_cookies() -> None:
    with pytest.raises(ValidationError):
        UiSettings(environment="production")
    key = "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE="
    with pytest.raises(ValidationError):
        UiSettings(environment="production", totp_encryption_key=key, cookie_secure=False)
    assert UiSettings(environment="production", totp_encryption_key=key).secure_cookies


def test_a_totp_key_that_is_no_fernet_key_is_refused_at_start_without_showing_it() -> None:
    not_a_key = "geen-fernet-sleutel-maar-wel-lang-genoeg-voor-44"

    with pytest.raises(ValidationError, match="GATEWAY_TOTP_ENCRYPTION_KEY must be a Fernet") as e:
        UiSettings(totp_encryption_key=not_a_key)

    assert not_a_key not in str(e.value)


def row(*, last_seen: datetime, expires: datetime) -> StaffSession:
    return StaffSession(
        id="x",
        user_id=uuid.uuid4(),
        csrf_token="token-1",
        mfa_passed=True,
        created_at=NOW - timedelta(hours=1),
        last_seen_at=last_seen,
        expires_at=expires,
    )


def user(**changes: object) -> User:
    values: dict[str, object] = {"disabled": False, "locked_until": None, **changes}
    return User(username="a@b", role="behandelaar", **values)


@pytest.mark.parametrize(
    ("last_seen", "expires", "usable"),
    [
        (NOW - timedelta(minutes=14), NOW + timedelta(hours=1), True),
        (NOW - timedelta(minutes=16), NOW + timedelta(hours=1), False),
        (NOW, NOW - timedelta(seconds=1), False),
    ],
    ids=["active", "idle", "past-absolute"],
)
def test_idle_and_absolute_timeouts(last_seen: datetime, expires: datetime, usable: bool) -> None:
    settings = UiSettings(session_idle_minutes=15)

    assert (
        sessions._usable(
            row(last_seen=last_seen, expires=expires), user(), settings=settings, now=NOW
        )
        is usable
    )


def test_a_locked_or_disabled_account_has_no_session() -> None:
    live = row(last_seen=NOW, expires=NOW + timedelta(hours=1))
    settings = UiSettings()

    assert not sessions._usable(live, user(disabled=True), settings=settings, now=NOW)
    locked = user()
    locked.locked_until = NOW + timedelta(minutes=5)
    assert not sessions._usable(live, locked, settings=settings, now=NOW)


def test_csrf_tokens_must_match_exactly() -> None:
    current = sessions.Current(session=row(last_seen=NOW, expires=NOW), user=user())

    assert sessions.csrf_matches(current, "token-1")
    assert not sessions.csrf_matches(current, "token-2")
    assert not sessions.csrf_matches(current, "")
    assert not sessions.csrf_matches(current, None)


async def test_security_headers_apply_to_ui_paths_only() -> None:
    async def hello(_: object) -> PlainTextResponse:
        return PlainTextResponse("hallo", headers={"Cache-Control": "max-age=60"})

    app = SecurityHeaders(Starlette(routes=[Route("/ui/x", hello), Route("/api/v1/x", hello)]))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as http:
        ui = await http.get("/ui/x")
        api = await http.get("/api/v1/x")

    assert ui.headers["x-frame-options"] == "DENY"
    assert ui.headers["cache-control"] == "no-store"
    assert "default-src 'self'" in ui.headers["content-security-policy"]
    assert "content-security-policy" not in api.headers
    assert api.headers["cache-control"] == "max-age=60"
