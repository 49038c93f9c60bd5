"""Sessions, CSRF and headers of the staff UI against the real app and database."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
from sqlalchemy import text

from gateway.ui import sweeper
from servicekit.testing import eventually

from .conftest import MakeUser, UiApp, csrf_of, log_in, submit_password


async def session_count(ui: UiApp) -> int:
    async with ui.database.sessions() as session:
        return int((await session.execute(text("SELECT count(*) FROM sessions"))).scalar_one())


async def test_logout_ends_the_session_on_the_server(ui: UiApp, make_user: MakeUser) -> None:
    page = await log_in(ui.http, await make_user())
    cookie = dict(ui.http.cookies)

    out = await ui.http.post("/ui/uitloggen", data={"csrf_token": csrf_of(page)})

    assert out.status_code == 303
    assert out.headers["location"] == "/ui/inloggen?melding=uitgelogd"
    assert await session_count(ui) == 0
    ui.http.cookies.update(cookie)  # replaying the old cookie does not help
    assert (await ui.http.get("/ui/")).headers["location"].startswith("/ui/inloggen")


async def test_a_post_without_the_csrf_token_is_refused(ui: UiApp, make_user: MakeUser) -> None:
    case = await ui.services.open_case()
    page = await log_in(ui.http, await make_user())

    missing = await ui.http.post("/ui/uitloggen")
    wrong = await ui.http.post("/ui/uitloggen", data={"csrf_token": "x" * 43})
    memo = await ui.http.post(f"/ui/cases/{case.id}/memos", data={"text": "Zonder formuliertoken"})
    shown = await ui.http.get(f"/ui/cases/{case.id}")
    header = await ui.http.post(
        "/ui/uitloggen", headers={"X-CSRF-Token": csrf_of(page), "HX-Request": "true"}
    )

    assert missing.status_code == wrong.status_code == memo.status_code == 403
    assert "Formulier verlopen" in missing.text
    assert shown.status_code == 200
    assert "Zonder formuliertoken" not in shown.text, "the memo never reached the service"
    assert header.status_code == 303, "htmx sends the token in a header"


async def test_the_login_form_needs_its_csrf_token(ui: UiApp, make_user: MakeUser) -> None:
    account = await make_user()

    refused = await ui.http.post(
        "/ui/inloggen", data={"username": account.username, "password": account.password}
    )

    assert refused.status_code == 403


async def test_an_idle_session_ends(ui: UiApp, make_user: MakeUser) -> None:
    await log_in(ui.http, await make_user())
    idle = timedelta(minutes=ui.settings.session_idle_minutes)

    # The clock is the wall clock plus what a test moved it: a minute either side of the limit
    # leaves room for a slow machine's requests.
    ui.advance(idle - timedelta(minutes=1))
    just_in_time = await ui.http.get("/ui/")
    ui.advance(idle - timedelta(minutes=1))
    used_again = await ui.http.get("/ui/")
    ui.advance(idle + timedelta(minutes=1))
    expired = await ui.http.get("/ui/")

    assert just_in_time.status_code == 200
    assert used_again.status_code == 200, "each use starts the idle time again"
    assert expired.status_code == 303
    assert expired.headers["location"] == "/ui/inloggen?melding=verlopen"
    assert await session_count(ui) == 0


async def test_a_session_ends_after_its_absolute_lifetime(ui: UiApp, make_user: MakeUser) -> None:
    ui.configure(session_absolute_hours=1)
    await log_in(ui.http, await make_user())
    step = timedelta(minutes=ui.settings.session_idle_minutes) - timedelta(minutes=1)
    lifetime = timedelta(hours=1)

    answers = []
    used = timedelta()
    while used + step < lifetime:  # in use all the time: never idle too long
        ui.advance(step)
        used += step
        answers.append((await ui.http.get("/ui/")).status_code)
    ui.advance(lifetime - used + timedelta(minutes=1))  # idle for 5 minutes only
    ended = await ui.http.get("/ui/")

    assert answers == [200] * 4, "used every 14 minutes, it lived its hour"
    assert ended.status_code == 303
    assert ended.headers["location"] == "/ui/inloggen?melding=verlopen"


async def test_a_half_way_login_opens_no_pages(ui: UiApp, make_user: MakeUser) -> None:
    account = await make_user()
    page = await ui.http.get("/ui/inloggen")
    await ui.http.post(
        "/ui/inloggen",
        data={
            "username": account.username,
            "password": account.password,
            "csrf_token": csrf_of(page),
        },
    )

    assert (await ui.http.get("/ui/")).status_code == 303
    assert (await ui.http.get("/ui/cases")).status_code == 303


async def test_ui_answers_carry_security_headers(ui: UiApp) -> None:
    page = await ui.http.get("/ui/inloggen")
    asset = await ui.http.get("/static/app.js")

    for response in (page, asset):
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["strict-transport-security"].startswith("max-age=")
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert "camera=()" in response.headers["permissions-policy"]
    assert page.headers["cache-control"] == "no-store"
    assert "<script>" not in page.text
    assert " on" + "click=" not in page.text


async def test_the_session_cookie_is_strict(ui: UiApp, make_user: MakeUser) -> None:
    ui.configure(cookie_secure=True)
    account = await make_user()
    page = await ui.http.get("https://gw/ui/inloggen")

    answer = await ui.http.post(
        "https://gw/ui/inloggen",
        data={
            "username": account.username,
            "password": account.password,
            "csrf_token": csrf_of(page),
        },
    )

    cookie = next(
        value
        for name, value in answer.headers.multi_items()
        if name == "set-cookie" and value.startswith("__Host-bo_session=")
    )
    assert "HttpOnly" in cookie
    assert "Secure" in cookie
    assert "SameSite=strict" in cookie
    assert "Path=/" in cookie


async def count(ui: UiApp, table: str) -> int:
    async with ui.database.sessions() as session:
        return int((await session.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())


async def test_ended_sessions_and_old_failures_are_swept_without_a_login(
    ui: UiApp, make_user: MakeUser
) -> None:
    stays = await make_user()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=ui.app), base_url="http://gw"
    ) as other_browser:
        await log_in(other_browser, stays)
        await submit_password(ui.http, "niemand@nergens", "Niet het goede wachtwoord")
        await log_in(ui.http, await make_user())
        async with ui.database.transaction() as session:
            # The last session idle for longer than any gateway allows (2 hours), the failure
            # older than the throttle's window; no login since.
            await session.execute(
                text(
                    "UPDATE sessions SET last_seen_at = now() - interval '3 hours' "
                    "WHERE created_at = (SELECT max(created_at) FROM sessions)"
                )
            )
            await session.execute(
                text("UPDATE login_failures SET occurred_at = now() - interval '1 hour'")
            )
        assert (await count(ui, "sessions"), await count(ui, "login_failures")) == (2, 1)
        often = ui.app.state.ui_settings.with_overrides(sweep_minutes=0.001)

        async def swept() -> bool:
            return (await count(ui, "sessions"), await count(ui, "login_failures")) == (1, 0)

        assert "ui-session-sweeper" in {task.get_name() for task in asyncio.all_tasks()}
        async with sweeper.sweeping(ui.database, lambda: often):
            await eventually(swept)
        assert (await other_browser.get("/ui/")).status_code == 200, "the live session stays"
