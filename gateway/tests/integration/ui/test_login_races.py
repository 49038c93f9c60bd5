"""The same code, or many wrong ones, sent at once from several sessions: the real app (each
request its own transaction) against the real database, requests truly in parallel.

A code works once and failures lock the account at the limit however the requests interleave.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import httpx
import pyotp
from sqlalchemy import text

from gateway.staff import repository, totp

from .conftest import Account, MakeUser, UiApp, csrf_of, submit_password

WRONG_PASSWORD = "Verkeerd wachtwoord 123"


@asynccontextmanager
async def browsers(ui: UiApp, count: int) -> AsyncIterator[list[httpx.AsyncClient]]:
    """`count` browsers on the same app, each with cookies of its own."""
    async with AsyncExitStack() as stack:
        yield [
            await stack.enter_async_context(
                httpx.AsyncClient(transport=httpx.ASGITransport(app=ui.app), base_url="http://gw")
            )
            for _ in range(count)
        ]


async def half_way(http: httpx.AsyncClient, account: Account) -> str:
    """Sign in with the password; the CSRF token of the second-factor form."""
    mfa = await submit_password(http, account.username, account.password)
    assert mfa.url.path == "/ui/mfa", mfa.text
    return csrf_of(mfa)


def outcome(answer: httpx.Response) -> str:
    """`signed in` for the redirect to the overview; a refusal is the form again (401) or,
    once the account is locked, the half-way session ends (a redirect to the login page)."""
    if answer.status_code == 303 and answer.headers["location"] == "/ui/":
        return "signed in"
    where = answer.headers.get("location")
    return f"refused ({answer.status_code}{' to ' + where if where else ''})"


async def send_codes(
    clients: list[httpx.AsyncClient], tokens: list[str], codes: list[str]
) -> list[str]:
    """Every client posts its code at the same time; the outcome of each."""
    answers = await asyncio.gather(
        *(
            http.post("/ui/mfa", data={"code": code, "csrf_token": token})
            for http, token, code in zip(clients, tokens, codes, strict=True)
        )
    )
    return [outcome(answer) for answer in answers]


async def signed_in(http: httpx.AsyncClient) -> bool:
    return (await http.get("/ui/", follow_redirects=False)).status_code == 200


async def account_state(ui: UiApp, username: str) -> tuple[bool, int, int]:
    """(locked now, failed_logins, account.locked records)"""
    async with ui.database.sessions() as session:
        row = (
            await session.execute(
                text(
                    "SELECT coalesce(locked_until > now(), false) AS locked, failed_logins, "
                    "(SELECT count(*) FROM security_audit WHERE action = 'account.locked' "
                    " AND object = 'user:' || username) AS locks "
                    "FROM users WHERE username = :u"
                ),
                {"u": username},
            )
        ).one()
    return bool(row.locked), int(row.failed_logins), int(row.locks)


async def test_a_totp_code_sent_twice_at_once_logs_in_only_once(
    ui: UiApp, make_user: MakeUser
) -> None:
    for _ in range(3):
        account = await make_user()
        assert account.secret is not None
        async with browsers(ui, 2) as clients:
            tokens = [await half_way(http, account) for http in clients]
            code = pyotp.TOTP(account.secret).now()

            outcomes = await send_codes(clients, tokens, [code, code])

            assert sorted(outcomes) == ["refused (401)", "signed in"], outcomes
            assert [await signed_in(http) for http in clients].count(True) == 1


async def test_a_recovery_code_sent_twice_at_once_logs_in_only_once(
    ui: UiApp, make_user: MakeUser
) -> None:
    account = await make_user()
    codes = totp.new_recovery_codes()
    async with ui.database.transaction() as session:
        user = await repository.find_user(session, account.username)
        assert user is not None
        await repository.update_user(
            session, user.id, recovery_code_hashes=[totp.hash_recovery_code(c) for c in codes]
        )
    async with browsers(ui, 2) as clients:
        tokens = [await half_way(http, account) for http in clients]

        outcomes = await send_codes(clients, tokens, [codes[0], codes[0]])

        assert sorted(outcomes) == ["refused (401)", "signed in"], outcomes
    async with ui.database.sessions() as session:
        left = await session.scalar(
            text("SELECT cardinality(recovery_code_hashes) FROM users WHERE username = :u"),
            {"u": account.username},
        )
    assert left == len(codes) - 1


async def test_wrong_codes_sent_at_once_lock_the_account_and_the_right_code_is_refused(
    ui: UiApp, make_user: MakeUser
) -> None:
    account = await make_user()
    assert account.secret is not None
    async with browsers(ui, 11) as clients:
        tokens = [await half_way(http, account) for http in clients]
        wrong = [f"{n:06d}" for n in range(10)]
        right = pyotp.TOTP(account.secret).now()
        wrong = [code if code != right else "999999" for code in wrong]

        outcomes = await send_codes(clients[:10], tokens[:10], wrong)
        late = await send_codes(clients[10:], tokens[10:], [right])

        assert "signed in" not in outcomes
        assert late != ["signed in"], "the right code after the lock-out"
        assert not await signed_in(clients[10])
    locked, _, locks = await account_state(ui, account.username)
    assert locked
    assert locks == 1, "one lock at the limit; later attempts are refused as locked"


async def test_wrong_passwords_sent_at_once_lock_the_account(
    ui: UiApp, make_user: MakeUser
) -> None:
    account = await make_user()
    async with browsers(ui, 10) as clients:
        pages = [await http.get("/ui/inloggen") for http in clients]
        answers = await asyncio.gather(
            *(
                http.post(
                    "/ui/inloggen",
                    data={
                        "username": account.username,
                        "password": WRONG_PASSWORD,
                        "csrf_token": csrf_of(page),
                    },
                )
                for http, page in zip(clients, pages, strict=True)
            )
        )
        assert [answer.status_code for answer in answers] == [401] * 10

        afterwards = await submit_password(clients[0], account.username, account.password)

    assert afterwards.status_code == 401, "the right password after the lock-out"
    locked, _, locks = await account_state(ui, account.username)
    assert locked
    assert locks == 1


async def test_an_enrolment_confirmed_twice_at_once_gives_one_set_of_recovery_codes(
    ui: UiApp, make_user: MakeUser
) -> None:
    account = await make_user(enrolled=False)
    async with browsers(ui, 2) as clients:
        pages = [
            await submit_password(http, account.username, account.password) for http in clients
        ]
        secrets = {
            page.text.split('<code class="secret">')[1].split("</code>")[0].replace(" ", "")
            for page in pages
        }
        assert len(secrets) == 1, "both enrolment pages show the one stored secret"
        code = pyotp.TOTP(secrets.pop()).now()

        answers = await asyncio.gather(
            *(
                http.post("/ui/mfa-inrichten", data={"code": code, "csrf_token": csrf_of(page)})
                for http, page in zip(clients, pages, strict=True)
            )
        )

    # The other is refused (401) or, when it starts after the first finished, finds the account
    # enrolled and is sent to the code step (303): never a second set of codes.
    assert sorted(answer.status_code for answer in answers) in ([200, 303], [200, 401])
    shown = next(answer for answer in answers if answer.status_code == 200)
    codes = [part.split("</code>")[0] for part in shown.text.split("<li><code>")[1:]]
    async with ui.database.sessions() as session:
        stored = await session.scalar(
            text("SELECT recovery_code_hashes FROM users WHERE username = :u"),
            {"u": account.username},
        )
    assert sorted(stored) == sorted(totp.hash_recovery_code(c) for c in codes)
