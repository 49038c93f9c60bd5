"""Staff login against the real gateway app and a real database: password, TOTP, lock-out."""

from __future__ import annotations

import pyotp
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from servicekit.db import Database

from .conftest import MakeUser, UiApp, csrf_of, log_in, submit_password

LOGIN_FAILED = "Inloggen is niet gelukt"


async def audit_rows(database: Database) -> list[tuple[str, str, str, str]]:
    async with database.sessions() as session:
        rows = await session.execute(
            text("SELECT action, object, result, actor FROM security_audit ORDER BY id")
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


async def test_password_and_totp_open_the_overview(ui: UiApp, make_user: MakeUser) -> None:
    case = await ui.services.open_case("1525")
    account = await make_user("isd-bollenstreek", "behandelaar")

    page = await log_in(ui.http, account)
    opened = await ui.http.get(f"/ui/cases/{case.id}")

    assert page.status_code == 200
    assert page.url.path == "/ui/"
    assert "Overzicht: ISD Bollenstreek (alle)" in page.text
    assert "Aantallen per status" in page.text
    assert opened.status_code == 200, "Teylingen is one of the ISD's municipalities"
    assert (
        "case.viewed",
        f"user:{account.username}",
        "isd-bollenstreek",
        "behandelaar",
    ) in [row[:4] for row in await ui.services.accesses(case.id)], "who asked, from the token"
    actions = [(action, result) for action, _, result, _ in await audit_rows(ui.database)]
    assert ("login.password", "success") in actions
    assert ("login.mfa", "success") in actions


async def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(
    ui: UiApp, make_user: MakeUser
) -> None:
    account = await make_user()

    wrong = await submit_password(ui.http, account.username, "Niet het goede wachtwoord")
    unknown = await submit_password(ui.http, "niemand@nergens", "Niet het goede wachtwoord")

    assert wrong.status_code == unknown.status_code == 401
    assert LOGIN_FAILED in wrong.text
    assert LOGIN_FAILED in unknown.text
    assert (await ui.http.get("/ui/", follow_redirects=False)).status_code == 303


async def test_a_wrong_totp_code_does_not_log_in(ui: UiApp, make_user: MakeUser) -> None:
    account = await make_user()
    mfa = await submit_password(ui.http, account.username, account.password)

    refused = await ui.http.post(
        "/ui/mfa", data={"code": "000000", "csrf_token": csrf_of(mfa)}, follow_redirects=True
    )

    assert refused.status_code == 401
    assert "De code is niet juist" in refused.text
    overview = await ui.http.get("/ui/", follow_redirects=True)
    assert overview.url.path == "/ui/inloggen"


async def test_a_totp_code_works_only_once(ui: UiApp, make_user: MakeUser) -> None:
    account = await make_user()
    assert account.secret is not None
    code = pyotp.TOTP(account.secret).now()
    for expected in (303, 401):
        mfa = await submit_password(ui.http, account.username, account.password)
        answer = await ui.http.post("/ui/mfa", data={"code": code, "csrf_token": csrf_of(mfa)})
        assert answer.status_code == expected


async def test_repeated_failures_lock_the_account_without_saying_so(
    ui: UiApp, make_user: MakeUser
) -> None:
    ui.configure(max_failures_per_account=3)
    account = await make_user()

    for _ in range(3):
        await submit_password(ui.http, account.username, "Verkeerd wachtwoord 123")
    locked = await submit_password(ui.http, account.username, account.password)

    assert locked.status_code == 401
    assert LOGIN_FAILED in locked.text
    rows = await audit_rows(ui.database)
    assert any(action == "account.locked" for action, *_ in rows)
    assert ("login.password", f"user:{account.username}", "refused: locked") in [
        row[:3] for row in rows
    ]
    assert not any(account.password in str(row) or "Verkeerd" in str(row) for row in rows)


async def test_too_many_failures_from_one_address_are_throttled(
    ui: UiApp, make_user: MakeUser
) -> None:
    ui.configure(max_failures_per_ip=2)
    account = await make_user()
    for name in ("a@x", "b@x"):
        await submit_password(ui.http, name, "Verkeerd wachtwoord 123")

    refused = await submit_password(ui.http, account.username, account.password)

    assert refused.status_code == 401
    assert LOGIN_FAILED in refused.text


async def test_first_login_enrols_totp_and_shows_recovery_codes_once(
    ui: UiApp, make_user: MakeUser
) -> None:
    account = await make_user(enrolled=False)

    enrol = await submit_password(ui.http, account.username, account.password)
    assert enrol.url.path == "/ui/mfa-inrichten"
    assert "<svg" in enrol.text
    secret = enrol.text.split('<code class="secret">')[1].split("</code>")[0].replace(" ", "")
    done = await ui.http.post(
        "/ui/mfa-inrichten",
        data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf_of(enrol)},
    )
    codes = [part.split("</code>")[0] for part in done.text.split("<li><code>")[1:]]

    assert done.status_code == 200
    assert len(codes) == 10
    assert (await ui.http.get("/ui/")).status_code == 200
    logout_page = await ui.http.get("/ui/")
    await ui.http.post("/ui/uitloggen", data={"csrf_token": csrf_of(logout_page)})
    # A recovery code replaces the TOTP code once.
    mfa = await submit_password(ui.http, account.username, account.password)
    again = await ui.http.post(
        "/ui/mfa", data={"code": codes[0], "csrf_token": csrf_of(mfa)}, follow_redirects=True
    )
    assert again.url.path == "/ui/"
    actions = [action for action, *_ in await audit_rows(ui.database)]
    assert "mfa.enrol" in actions
    async with ui.database.sessions() as session:
        stored = (
            await session.execute(
                text("SELECT totp_secret_encrypted FROM users WHERE username = :u"),
                {"u": account.username},
            )
        ).scalar_one()
    assert secret.encode() not in stored, "the TOTP secret is stored encrypted"


async def test_the_security_log_cannot_be_changed(ui: UiApp, make_user: MakeUser) -> None:
    await make_user()
    async with ui.database.sessions() as session:
        with pytest.raises(DBAPIError, match="append-only"):
            await session.execute(text("UPDATE security_audit SET result = 'x'"))
