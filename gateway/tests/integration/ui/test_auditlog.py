"""Auditlog: the auditor reads the access log (from the cases service) and the security log
of their own organisation; nobody else reads either. The real gateway, cases service and
databases."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from gateway.staff import accounts

from .conftest import MakeUser, UiApp, log_in, submit_password


async def test_the_access_log_shows_who_viewed_a_case_and_pages_with_the_filters(
    ui: UiApp, make_user: MakeUser
) -> None:
    case = await ui.services.open_case("0553")
    viewer = await make_user("isd-bollenstreek", "behandelaar")
    await log_in(ui.http, viewer)
    for _ in range(26):  # each view is logged more than once (case, memos): over a page of 50
        assert (await ui.http.get(f"/ui/cases/{case.id}")).status_code == 200
    ui.http.cookies.clear()
    await log_in(ui.http, await make_user("isd-bollenstreek", "auditor"))
    today = datetime.now(ZoneInfo("Europe/Amsterdam")).date().isoformat()

    page = await ui.http.get(
        "/ui/auditlog",
        params={
            "van": today,
            "tot": today,
            "gebruiker": viewer.username.upper(),
            "case": str(case.id),
        },
    )
    link = page.text.split('href="/ui/auditlog?')[-1].split('"')[0].replace("&amp;", "&")
    second = await ui.http.get("/ui/auditlog?" + link)

    assert page.status_code == 200
    assert "Case bekeken" in page.text
    assert viewer.username in page.text
    assert "Gemeentepolis" in page.text, "the purpose of the processing"
    assert page.text.count("<tr>") == 51, "a header and 50 entries"
    assert "cursor=" in link, "a link to the next page"
    assert f"case={case.id}" in link, "that keeps the filters"
    assert second.status_code == 200
    assert viewer.username in second.text


async def test_a_wrong_filter_is_named_next_to_its_field(ui: UiApp, make_user: MakeUser) -> None:
    await log_in(ui.http, await make_user("isd-bollenstreek", "auditor"))

    page = await ui.http.get(
        "/ui/auditlog", params={"van": "2026-11-30", "tot": "2026-11-01", "case": "12"}
    )
    security = await ui.http.get("/ui/auditlog/beveiliging", params={"actie": "drop table"})

    assert page.status_code == 400
    assert 'id="tot-fout"' in page.text
    assert "vóór de begindatum" in page.text
    assert 'id="case-fout"' in page.text
    assert security.status_code == 400
    assert "Kies een handeling uit de lijst." in security.text


@pytest.mark.parametrize("role", ["behandelaar", "functioneel_beheerder", "operator"])
async def test_only_the_auditor_reads_the_access_log(
    ui: UiApp, make_user: MakeUser, role: str
) -> None:
    organisation = "platform" if role == "operator" else "isd-bollenstreek"
    await log_in(ui.http, await make_user(organisation, role))

    assert (await ui.http.get("/ui/auditlog")).status_code == 403
    security = await ui.http.get("/ui/auditlog/beveiliging")
    assert security.status_code == (200 if role == "functioneel_beheerder" else 403)


async def test_the_beheerder_reads_the_security_log_of_their_own_organisation_only(
    ui: UiApp, make_user: MakeUser
) -> None:
    own = await make_user("0363", "behandelaar")
    other = await make_user("0553", "behandelaar")
    for account in (own, other):
        await submit_password(ui.http, account.username, "Niet het goede wachtwoord")
    home = await log_in(ui.http, await make_user("0363", "functioneel_beheerder"))

    page = await ui.http.get("/ui/auditlog/beveiliging")

    assert page.status_code == 200
    assert own.username in page.text
    assert other.username not in page.text
    assert 'href="/ui/auditlog/beveiliging"' in home.text, "the menu item"
    assert 'href="/ui/auditlog"' not in page.text, "no tab for the access log"


async def test_the_access_log_names_cases_by_number_and_filters_on_it(
    ui: UiApp, make_user: MakeUser
) -> None:
    case = await ui.services.open_case("0553")
    other = await ui.services.open_case("0553")
    viewer = await make_user("isd-bollenstreek", "behandelaar")
    await log_in(ui.http, viewer)
    for opened in (case, other):
        assert (await ui.http.get(f"/ui/cases/{opened.id}")).status_code == 200
    ui.http.cookies.clear()
    await log_in(ui.http, await make_user("isd-bollenstreek", "auditor"))

    page = await ui.http.get(
        "/ui/auditlog",
        params={"case": case.application_number.lower(), "gebruiker": viewer.username},
    )

    assert page.status_code == 200
    assert f">{case.application_number}</a>" in page.text
    assert other.application_number not in page.text
    assert str(case.id) not in page.text, "the number, not the internal id"


async def test_the_security_log_shows_the_organisation_and_its_municipalities_only(
    ui: UiApp, make_user: MakeUser
) -> None:
    isd_user = await make_user("isd-bollenstreek", "behandelaar")
    member_user = await make_user("0553", "behandelaar")
    outside_user = await make_user("0363", "behandelaar")
    for account in (isd_user, member_user, outside_user):
        await submit_password(ui.http, account.username, "Niet het goede wachtwoord")
    await submit_password(ui.http, "niemand@nergens", "Niet het goede wachtwoord")
    await log_in(ui.http, await make_user("isd-bollenstreek", "auditor"))

    page = await ui.http.get("/ui/auditlog/beveiliging")
    failures = await ui.http.get(
        "/ui/auditlog/beveiliging",
        params={"actie": "login.password", "gebruiker": member_user.username},
    )

    assert page.status_code == 200
    assert isd_user.username in page.text
    assert member_user.username in page.text
    assert outside_user.username not in page.text
    assert "(onbekend)" not in page.text, "attempts on unknown accounts belong to no one"
    assert "Inloggen: wachtwoord" in page.text
    assert "Mislukt" in page.text
    assert member_user.username in failures.text
    assert isd_user.username not in failures.text
    assert failures.text.count("<tr>") == 2, "a header and the one failure"


async def test_the_security_log_pages_backwards_in_time(ui: UiApp, make_user: MakeUser) -> None:
    ui.configure(max_failures_per_ip=1000, max_failures_per_account=100)
    account = await make_user("0363", "raadpleger")
    for _ in range(55):
        await submit_password(ui.http, account.username, "Niet het goede wachtwoord")
    await log_in(ui.http, await make_user("0363", "auditor"))

    first = await ui.http.get("/ui/auditlog/beveiliging", params={"gebruiker": account.username})
    link = first.text.split('href="/ui/auditlog/beveiliging?')[-1].split('"')[0]
    second = await ui.http.get("/ui/auditlog/beveiliging?" + link.replace("&amp;", "&"))

    assert first.text.count("<tr>") == 51, "a header and 50 records"
    assert "voor=" in link
    assert "gebruiker=" in link
    assert second.text.count("<tr>") == 1 + 56 - 50, "55 failures and the creation in all"
    assert 'rel="next"' not in second.text


async def test_attempts_on_a_disabled_account_reach_its_auditor(
    ui: UiApp, make_user: MakeUser
) -> None:
    gone = await make_user("0363", "behandelaar", username="j.clinckers@amsterdam")
    async with ui.database.transaction() as session:
        await accounts.set_disabled(session, username=gone.username, disabled=True)
    await submit_password(ui.http, gone.username, gone.password)
    await log_in(ui.http, await make_user("0363", "auditor"))

    page = await ui.http.get("/ui/auditlog/beveiliging", params={"voor": "²", "actie": ""})

    assert page.status_code == 200
    assert "Geweigerd: account uitgeschakeld" in page.text
    assert "<td>Test Gebruiker (j.clinckers@amsterdam)</td>" in page.text, "name and account"
    assert "beheer-opdrachtregel" in page.text
