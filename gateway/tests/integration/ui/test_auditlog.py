"""Auditlog: the auditor reads the access log (from the cases service) and the security log
of their own organisation; nobody else reads either. Real app and database; the cases service
is the in-process fake of conftest."""

from __future__ import annotations

import pytest

from gateway.ui import accounts

from .conftest import ACCESS_ENTRY, CASE_ID, MakeUser, UiApp, log_in, submit_password


async def test_the_access_log_passes_the_filters_and_shows_the_entries(
    ui: UiApp, make_user: MakeUser
) -> None:
    await log_in(ui.http, await make_user("isd-bollenstreek", "auditor"))

    page = await ui.http.get(
        "/ui/auditlog",
        params={
            "van": "2026-11-01",
            "tot": "2026-11-30",
            "gebruiker": "B.Behandelaar@x",
            "case": CASE_ID,
        },
    )

    assert page.status_code == 200
    call = ui.cases.calls[-1]
    assert (call.path, call.principal.role) == ("/audit", "auditor")
    assert call.params == [
        ("limit", "50"),
        ("from", "2026-11-01"),
        ("to", "2026-11-30"),
        ("actor", "user:b.behandelaar@x"),
        ("case_id", CASE_ID),
    ]
    assert "Case bekeken" in page.text
    assert "b.behandelaar@isd-bollenstreek" in page.text
    assert str(ACCESS_ENTRY["purpose"]) in page.text
    assert "cursor=older" in page.text, "a link to the next page keeps the filters"
    assert "gebruiker=B.Behandelaar%40x" in page.text


async def test_a_wrong_filter_is_named_next_to_its_field(ui: UiApp, make_user: MakeUser) -> None:
    await log_in(ui.http, await make_user("isd-bollenstreek", "auditor"))
    calls = len(ui.cases.calls)

    page = await ui.http.get(
        "/ui/auditlog", params={"van": "2026-11-30", "tot": "2026-11-01", "case": "12"}
    )
    security = await ui.http.get("/ui/auditlog/beveiliging", params={"actie": "drop table"})

    assert page.status_code == 400
    assert 'id="tot-fout"' in page.text
    assert "vóór de begindatum" in page.text
    assert 'id="case-fout"' in page.text
    assert len(ui.cases.calls) == calls, "nothing asked of the service with a wrong filter"
    assert security.status_code == 400
    assert "Kies een handeling uit de lijst." in security.text


@pytest.mark.parametrize("role", ["behandelaar", "functioneel_beheerder", "operator"])
async def test_only_the_auditor_reads_the_logs(ui: UiApp, make_user: MakeUser, role: str) -> None:
    organisation = "platform" if role == "operator" else "isd-bollenstreek"
    await log_in(ui.http, await make_user(organisation, role))

    for path in ("/ui/auditlog", "/ui/auditlog/beveiliging"):
        assert (await ui.http.get(path)).status_code == 403


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
    assert "<td>j.clinckers@amsterdam</td>" in page.text, "names are shown as they are"
    assert "beheer-opdrachtregel" in page.text
