"""Gebruikers: a beheerder manages the accounts of their own organisation, and a new account
changes its initial password at the first login. Real app, real database."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pyotp
import pytest
from sqlalchemy import text

from .conftest import PASSWORD, Account, MakeUser, UiApp, csrf_of, log_in, submit_password

_PASSWORD_SHOWN = re.compile(r'<code class="secret" id="tijdelijk-wachtwoord">([^<]+)</code>')
_USER_LINK = re.compile(r'href="/ui/gebruikers/([0-9a-f-]{36})"')
NEW_PASSWORD = "Zeilboten op de Kagerplassen"


@pytest.fixture
async def other_browser(ui: UiApp) -> AsyncIterator[httpx.AsyncClient]:
    """A second browser (its own cookies) on the same app."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=ui.app), base_url="http://gw"
    ) as client:
        yield client


async def _manager(ui: UiApp, make_user: MakeUser, organisation: str = "isd-bollenstreek") -> None:
    await log_in(ui.http, await make_user(organisation, "functioneel_beheerder"))


async def _user_id(ui: UiApp, username: str) -> str:
    async with ui.database.sessions() as session:
        found = await session.execute(
            text("SELECT id FROM users WHERE username = :u"), {"u": username}
        )
        return str(found.scalar_one())


async def _audit(ui: UiApp, username: str) -> list[tuple[str, str, str, str | None]]:
    async with ui.database.sessions() as session:
        rows = await session.execute(
            text(
                "SELECT action, result, actor, organisation FROM security_audit "
                "WHERE object = :o ORDER BY id"
            ),
            {"o": f"user:{username}"},
        )
        return [(r.action, r.result, r.actor, r.organisation) for r in rows]


async def _post(ui: UiApp, path: str, **data: str) -> httpx.Response:
    page = await ui.http.get("/ui/gebruikers")
    return await ui.http.post(path, data={"csrf_token": csrf_of(page), **data})


async def test_the_list_holds_only_the_organisation_s_own_accounts(
    ui: UiApp, make_user: MakeUser
) -> None:
    colleague = await make_user("isd-bollenstreek", "beslisser")
    member = await make_user("0553", "behandelaar")
    elsewhere = await make_user("0363", "behandelaar")
    await _manager(ui, make_user)

    page = await ui.http.get("/ui/gebruikers")

    assert page.status_code == 200
    assert colleague.username in page.text
    assert "Beslisser" in page.text
    assert member.username not in page.text, "a member municipality is another organisation"
    assert elsewhere.username not in page.text
    foreign = await ui.http.get(f"/ui/gebruikers/{await _user_id(ui, elsewhere.username)}")
    assert foreign.status_code == 404
    assert elsewhere.username not in foreign.text
    refused = await _post(
        ui, f"/ui/gebruikers/{await _user_id(ui, elsewhere.username)}/uitschakelen"
    )
    assert refused.status_code == 404
    assert (await _audit(ui, elsewhere.username))[-1][0] == "user.create"


async def test_only_a_beheerder_reaches_the_page(ui: UiApp, make_user: MakeUser) -> None:
    await log_in(ui.http, await make_user("isd-bollenstreek", "behandelaar"))

    page = await ui.http.get("/ui/gebruikers")

    assert page.status_code == 403
    assert "Geen toegang" in page.text
    assert 'href="/ui/gebruikers"' not in (await ui.http.get("/ui/")).text


async def test_the_form_names_each_problem_next_to_its_field(
    ui: UiApp, make_user: MakeUser
) -> None:
    taken = await make_user("0363")
    await _manager(ui, make_user)
    form = await ui.http.get("/ui/gebruikers/nieuw")

    bad = await ui.http.post(
        "/ui/gebruikers/nieuw",
        data={"csrf_token": csrf_of(form), "username": "J Jansen", "display_name": " "},
    )
    duplicate = await ui.http.post(
        "/ui/gebruikers/nieuw",
        data={
            "csrf_token": csrf_of(form),
            "username": taken.username.upper(),
            "display_name": "Iemand",
            "role": "operator",
        },
    )

    assert bad.status_code == 400
    assert 'id="username-fout"' in bad.text
    assert "Gebruik 3 tot 100 tekens" in bad.text
    assert 'id="display_name-fout"' in bad.text
    assert 'id="role-fout"' in bad.text
    assert duplicate.status_code == 400
    assert "al in gebruik" in duplicate.text
    assert "Kies een rol." in duplicate.text, "a beheerder cannot make an operator"
    system = await ui.http.post(
        "/ui/gebruikers/nieuw",
        data={
            "csrf_token": csrf_of(form),
            "username": "s.ysteem@amsterdam",
            "display_name": "Systeem",
            "role": "system",
        },
    )
    assert system.status_code == 400
    assert "Kies een rol." in system.text, "nor an account with the role system"
    async with ui.database.sessions() as session:
        count = await session.execute(text("SELECT count(*) FROM users WHERE username LIKE 'j%'"))
    assert count.scalar_one() == 0


async def test_a_new_account_enrols_totp_and_changes_its_initial_password(
    ui: UiApp, make_user: MakeUser, other_browser: httpx.AsyncClient
) -> None:
    await _manager(ui, make_user)
    form = await ui.http.get("/ui/gebruikers/nieuw")
    created = await ui.http.post(
        "/ui/gebruikers/nieuw",
        data={
            "csrf_token": csrf_of(form),
            "username": "N.Nieuw@Bollenstreek",
            "display_name": "Nina  Nieuw",
            "role": "behandelaar",
        },
    )
    assert created.status_code == 200
    shown = _PASSWORD_SHOWN.search(created.text)
    assert shown, created.text
    initial = shown.group(1)
    listed = await ui.http.get("/ui/gebruikers")
    assert "Nina Nieuw" in listed.text
    assert "Moet tweestapsverificatie nog inrichten" in listed.text

    enrol = await submit_password(other_browser, "n.nieuw@bollenstreek", initial)
    assert enrol.url.path == "/ui/mfa-inrichten"
    secret = enrol.text.split('<code class="secret">')[1].split("</code>")[0].replace(" ", "")
    await other_browser.post(
        "/ui/mfa-inrichten",
        data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf_of(enrol)},
    )
    # Every page leads to the password form until a password of their own is chosen.
    forced = await other_browser.get("/ui/cases", follow_redirects=True)
    assert forced.url.path == "/ui/wachtwoord"
    assert "tijdelijk wachtwoord" in forced.text
    assert 'href="/ui/cases"' not in forced.text, "the menu waits for the new password"
    same = await other_browser.post(
        "/ui/wachtwoord",
        data={
            "csrf_token": csrf_of(forced),
            "current": initial,
            "new": initial,
            "repeat": initial,
        },
    )
    assert same.status_code == 400
    assert "Kies een ander wachtwoord dan het huidige." in same.text
    changed = await other_browser.post(
        "/ui/wachtwoord",
        data={
            "csrf_token": csrf_of(forced),
            "current": initial,
            "new": NEW_PASSWORD,
            "repeat": NEW_PASSWORD,
        },
        follow_redirects=True,
    )
    assert changed.url.path == "/ui/", "the first login goes on signed in: no second code"
    assert "Aantallen per status" in changed.text
    await other_browser.post("/ui/uitloggen", data={"csrf_token": csrf_of(changed)})
    again = await log_in(
        other_browser, Account("n.nieuw@bollenstreek", NEW_PASSWORD, secret), step=1
    )
    assert again.url.path == "/ui/"
    assert "Aantallen per status" in again.text

    audit = await _audit(ui, "n.nieuw@bollenstreek")
    create = audit[0]
    assert create[0] == "user.create"
    assert create[2].startswith("user:test.")
    assert create[2].endswith("@isd-bollenstreek")
    assert create[3] == "isd-bollenstreek"
    assert [a for a, *_ in audit].count("password.change") == 2, "the refusal and the change"
    assert initial not in str(audit)
    assert NEW_PASSWORD not in str(audit)


async def test_role_disable_and_password_reset_end_the_user_s_sessions(
    ui: UiApp, make_user: MakeUser, other_browser: httpx.AsyncClient
) -> None:
    worker = await make_user("isd-bollenstreek", "behandelaar")
    await log_in(other_browser, worker)
    await _manager(ui, make_user)
    worker_id = await _user_id(ui, worker.username)

    role = await _post(ui, f"/ui/gebruikers/{worker_id}/rol", role="beslisser")
    assert role.status_code == 303
    assert (await other_browser.get("/ui/")).status_code == 303, "signed out by the change"
    detail = await ui.http.get(f"/ui/gebruikers/{worker_id}?gedaan=rol")
    assert "De rol is gewijzigd" in detail.text
    assert "Beslisser" in detail.text

    unconfirmed = await _post(ui, f"/ui/gebruikers/{worker_id}/uitschakelen")
    assert unconfirmed.status_code == 400
    assert "Vink aan dat u dit account wilt uitschakelen." in unconfirmed.text
    still = await submit_password(other_browser, worker.username, PASSWORD)
    assert still.url.path == "/ui/mfa", "without the box ticked nothing happens"
    other_browser.cookies.clear()
    await _post(ui, f"/ui/gebruikers/{worker_id}/uitschakelen", bevestigd="ja")
    refused = await submit_password(other_browser, worker.username, PASSWORD)
    assert refused.status_code == 401
    await _post(ui, f"/ui/gebruikers/{worker_id}/inschakelen")

    reset = await _post(ui, f"/ui/gebruikers/{worker_id}/wachtwoord-herstellen")
    shown = _PASSWORD_SHOWN.search(reset.text)
    assert reset.status_code == 200
    assert shown
    assert (await submit_password(other_browser, worker.username, PASSWORD)).status_code == 401
    new_login = await log_in(
        other_browser, Account(worker.username, shown.group(1), worker.secret), step=1
    )
    assert new_login.url.path == "/ui/wachtwoord", "a reset password is an initial one"

    actions = [(a, r) for a, r, *_ in await _audit(ui, worker.username)]
    assert ("role.change", "success: behandelaar -> beslisser") in actions
    assert ("account.disable", "success") in actions
    assert ("account.enable", "success") in actions
    assert ("password.reset", "success") in actions


async def test_a_beheerder_does_not_change_their_own_account_here(
    ui: UiApp, make_user: MakeUser
) -> None:
    await _manager(ui, make_user)
    listed = await ui.http.get("/ui/gebruikers")
    own_id = _USER_LINK.search(listed.text)
    assert own_id

    refused = await _post(ui, f"/ui/gebruikers/{own_id.group(1)}/rol", role="raadpleger")

    assert refused.status_code == 409
    assert "Uw eigen account wijzigt u hier niet" in refused.text
    assert (await ui.http.get("/ui/gebruikers")).status_code == 200, "still a beheerder"


async def test_auditor_accounts_are_left_to_the_admin_cli(ui: UiApp, make_user: MakeUser) -> None:
    auditor = await make_user("isd-bollenstreek", "auditor")
    worker = await make_user("isd-bollenstreek", "behandelaar")
    await _manager(ui, make_user)

    reset = await _post(
        ui, f"/ui/gebruikers/{await _user_id(ui, auditor.username)}/wachtwoord-herstellen"
    )
    promote = await _post(
        ui, f"/ui/gebruikers/{await _user_id(ui, worker.username)}/rol", role="auditor"
    )
    form = await ui.http.get("/ui/gebruikers/nieuw")

    assert reset.status_code == 409
    assert "auditor-account wijzigt u hier niet" in reset.text
    assert promote.status_code == 400
    assert 'value="auditor"' not in form.text
    assert [a for a, *_ in await _audit(ui, auditor.username)] == ["user.create"]
    assert [a for a, *_ in await _audit(ui, worker.username)] == ["user.create"]
