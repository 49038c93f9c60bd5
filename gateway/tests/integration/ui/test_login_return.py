"""Signing in brings a user back to the page asked for (only a page of this UI: no open
redirect), and the first login takes one password change and one authenticator code, a reload
of any step going on rather than signing out. The real gateway and database."""

from __future__ import annotations

import html
import re
import time
from urllib.parse import quote

import httpx
import pyotp
import pytest

from .conftest import PASSWORD, Account, MakeUser, UiApp, csrf_of

NEW_PASSWORD = "Krokussen langs de Leidsevaart"


def _hidden_next(page: httpx.Response) -> str | None:
    found = re.search(r'name="volgende" value="([^"]*)"', page.text)
    return html.unescape(found.group(1)) if found else None


async def _sign_in(http: httpx.AsyncClient, account: Account, next_page: str) -> httpx.Response:
    """Password and code with `volgende` as the login form carries it; the last redirect."""
    assert account.secret is not None
    form = await http.get("/ui/inloggen", params={"volgende": next_page})
    step = await http.post(
        "/ui/inloggen",
        data={
            "username": account.username,
            "password": account.password,
            "csrf_token": csrf_of(form),
            "volgende": _hidden_next(form) or "",
        },
        follow_redirects=True,
    )
    assert step.url.path == "/ui/mfa"
    return await http.post(
        "/ui/mfa",
        data={
            "code": pyotp.TOTP(account.secret).now(),
            "csrf_token": csrf_of(step),
            "volgende": _hidden_next(step) or "",
        },
    )


async def test_signing_in_opens_the_page_asked_for(ui: UiApp, make_user: MakeUser) -> None:
    account = await make_user()

    asked = await ui.http.get("/ui/cases?q=Jansen&kind=application")
    login = await ui.http.get(asked.headers["location"])
    done = await _sign_in(ui.http, account, _hidden_next(login) or "")

    assert asked.status_code == 303
    assert (
        "volgende=" + quote("/ui/cases?q=Jansen&kind=application", safe="")
        in (asked.headers["location"])
    )
    assert _hidden_next(login) == "/ui/cases?q=Jansen&kind=application"
    assert done.status_code == 303
    assert done.headers["location"] == "/ui/cases?q=Jansen&kind=application"
    assert (await ui.http.get(done.headers["location"])).status_code == 200


@pytest.mark.parametrize(
    "elsewhere",
    [
        "https://evil.example/ui/cases",
        "//evil.example/ui/cases",
        "/\\evil.example/ui/",
        "/ui//evil.example",
        "/uitgelogd",
        "javascript:alert(1)",
        "/ui/inloggen",
    ],
)
async def test_a_page_elsewhere_is_never_where_signing_in_leads(
    ui: UiApp, make_user: MakeUser, elsewhere: str
) -> None:
    done = await _sign_in(ui.http, await make_user(), elsewhere)

    assert done.status_code == 303
    assert done.headers["location"] == "/ui/"


async def test_the_first_login_takes_one_code_and_one_password_change_and_survives_reloads(
    ui: UiApp, make_user: MakeUser
) -> None:
    account = await make_user(enrolled=False, must_change_password=True)
    form = await ui.http.get("/ui/inloggen", params={"volgende": "/ui/cases"})
    enrol = await ui.http.post(
        "/ui/inloggen",
        data={
            "username": account.username,
            "password": PASSWORD,
            "csrf_token": csrf_of(form),
            "volgende": "/ui/cases",
        },
        follow_redirects=True,
    )
    reloaded = await ui.http.get(str(enrol.url))
    secret = enrol.text.split('<code class="secret">')[1].split("</code>")[0].replace(" ", "")
    sent = {
        "code": pyotp.TOTP(secret).at(time.time()),
        "csrf_token": csrf_of(enrol),
        "volgende": _hidden_next(enrol) or "",
    }
    codes = await ui.http.post("/ui/mfa-inrichten", data=sent)
    codes_again = await ui.http.post("/ui/mfa-inrichten", data=sent)  # the browser's reload
    onwards = re.search(r'class="button button--primary" href="([^"]+)"', codes.text)
    assert onwards is not None
    password_page = await ui.http.get(html.unescape(onwards.group(1)))
    password_again = await ui.http.get(html.unescape(onwards.group(1)))
    changed = await ui.http.post(
        "/ui/wachtwoord",
        data={
            "current": PASSWORD,
            "new": NEW_PASSWORD,
            "repeat": NEW_PASSWORD,
            "csrf_token": csrf_of(password_page),
            "volgende": _hidden_next(password_page) or "",
        },
    )
    after = await ui.http.get("/ui/cases")

    assert reloaded.status_code == 200
    assert reloaded.url.path == "/ui/mfa-inrichten"
    assert codes.status_code == 200
    assert "<li><code>" in codes.text
    assert codes_again.status_code == 303, "a reload goes on, it does not sign out"
    assert codes_again.headers["location"] == "/ui/wachtwoord?volgende=%2Fui%2Fcases"
    assert password_page.status_code == 200
    assert password_again.status_code == 200
    assert changed.status_code == 303
    assert changed.headers["location"] == "/ui/cases", "still signed in: no second code"
    assert after.status_code == 200
    assert "<h1>Cases</h1>" in after.text
