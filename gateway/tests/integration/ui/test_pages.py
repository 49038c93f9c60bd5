"""The staff pages through the real gateway, in front of the real cases and intake services.

Each test opens cases of its own (a submission day of its own where it counts them).
"""

from __future__ import annotations

import random
import re

from demodata.applications import valid_bsn
from servicekit.testing import eventually

from ..services import post_as_website, website_body
from .conftest import MakeUser, UiApp, csrf_of, log_in


def count_links(page: str, category: str) -> tuple[int, ...]:
    """Applications, adults and persons of a category row of the overview."""
    found = re.findall(rf'aria-label="(\d+) (aanvragen|volwassenen|personen) {category}"', page)
    return tuple(int(number) for number, _ in found)


def case_links(page: str) -> int:
    """How many cases a list page shows."""
    return len(re.findall(r'href="/ui/cases/[0-9a-f-]{36}"', page))


async def test_the_overview_counts_the_isd_and_a_municipality_and_links_to_the_list(
    ui: UiApp, make_user: MakeUser
) -> None:
    couple = await ui.services.open_case("0553", partner=True, children=2)
    day = couple.submitted_on
    waiting = await ui.services.open_case(
        "0553", children=1, submitted_on=day, status="awaiting_data"
    )
    other = await ui.services.open_case("0534", children=0, submitted_on=day)
    await log_in(ui.http, await make_user("isd-bollenstreek"))
    period = f"submitted_from={day}&submitted_to={day}"

    isd = await ui.http.get(f"/ui/?kind=application&{period}")
    lisse = await ui.http.get(f"/ui/?weergave=0553&kind=application&{period}")
    link = f"/ui/cases?municipality=0553&amp;kind=application&amp;submitted_from={day}"
    listed = await ui.http.get(
        f"/ui/cases?municipality=0553&kind=application&{period}&category=received"
    )

    assert count_links(isd.text, "Ontvangen") == (2, 3, 5)
    assert count_links(isd.text, "In behandeling") == (1, 1, 2)
    assert "Overzicht: Lisse" in lisse.text
    assert count_links(lisse.text, "Ontvangen") == (1, 2, 4)
    assert count_links(lisse.text, "In behandeling") == (1, 1, 2)
    assert f'href="{link}&amp;submitted_to={day}&amp;category=received"' in lisse.text
    assert listed.status_code == 200
    assert couple.application_number in listed.text
    assert waiting.application_number not in listed.text
    assert other.application_number not in listed.text


async def test_an_overview_outside_the_organisation_is_not_found(
    ui: UiApp, make_user: MakeUser
) -> None:
    await log_in(ui.http, await make_user("0363", "raadpleger"))

    other = await ui.http.get("/ui/?weergave=isd-bollenstreek")

    assert other.status_code == 404
    assert "valt buiten uw organisatie" in other.text


async def test_the_case_list_searches_filters_and_pages(ui: UiApp, make_user: MakeUser) -> None:
    tag = "".join(random.choices("bcdfghjklmnpqrstvwxz", k=6))
    name = f"Müller{tag}"
    same = [await ui.services.open_case("0534", last_name=name) for _ in range(26)]
    await ui.services.open_case("0534", last_name=name, status="awaiting_data")
    await log_in(ui.http, await make_user())

    page = await ui.http.get(f"/ui/cases?q=muller{tag}&status=received&municipality=0534")
    after = page.text.split('href="/ui/cases?')[-1].split('"')[0].replace("&amp;", "&")
    second = await ui.http.get("/ui/cases?" + after)
    outside = await ui.http.get("/ui/cases?municipality=0363")

    numbers = {case.application_number for case in same}
    assert page.status_code == 200
    assert sum(number in page.text for number in numbers) == 25, "found without the accent"
    assert ">Volgende<" in page.text
    assert "cursor=" in after
    assert sum(number in second.text for number in numbers) == 1, "not the one awaiting data"
    assert case_links(page.text) + case_links(second.text) == 26
    assert f"/ui/cases/export.csv?municipality=0534&amp;q=muller{tag}" in page.text
    assert outside.status_code == 404


async def test_a_case_shows_household_history_memos_and_actions(
    ui: UiApp, make_user: MakeUser
) -> None:
    case = await ui.services.open_case("0534", partner=True, children=1)
    await log_in(ui.http, await make_user())

    page = await ui.http.get(f"/ui/cases/{case.id}")

    assert page.status_code == 200
    for text in (case.application_number, case.last_name, "Amrani", "Noor0"):
        assert text in page.text
    for text in ("Aan mij toewijzen", "Memo toevoegen", "Afgebroken", "Nog geen memo's."):
        assert text in page.text
    for heading in ("Rechtmatigheidsadvies", "Documenten", "Document toevoegen"):
        assert heading in page.text
    assert "Nog niet beschikbaar." not in page.text
    assert 'id="brieven-kop"' in page.text
    assert "Informatie opvragen" in page.text
    declared = page.text.split('id="opgegeven-kop"')[1].split("</section>")[0]
    for text in ("Zilveren Kruis", "Gemeentepolis Uitgebreid", "1.420,50", "01-01-2027"):
        assert text in declared
    assert re.search(r"Netto-inkomen partner per maand</dt><dd>Niet opgegeven", declared)
    assert re.search(r"Toestemming gegevens ophalen \(Ockto\)</dt><dd>Ja", declared)


async def test_a_case_outside_the_organisation_looks_like_a_missing_one(
    ui: UiApp, make_user: MakeUser
) -> None:
    case = await ui.services.open_case("0534")
    await log_in(ui.http, await make_user("0363"))

    outside = await ui.http.get(f"/ui/cases/{case.id}")
    missing = await ui.http.get("/ui/cases/00000000-0000-4000-8000-000000000000")
    malformed = await ui.http.get("/ui/cases/not-a-case")

    assert outside.status_code == missing.status_code == malformed.status_code == 404
    assert outside.text == missing.text
    assert case.last_name not in outside.text


async def test_adding_a_memo(ui: UiApp, make_user: MakeUser) -> None:
    case = await ui.services.open_case()
    account = await make_user()
    page = await log_in(ui.http, account)
    token = csrf_of(page)

    empty = await ui.http.post(
        f"/ui/cases/{case.id}/memos", data={"text": " ", "csrf_token": token}
    )
    added = await ui.http.post(
        f"/ui/cases/{case.id}/memos",
        data={"text": "Aanvrager gebeld over de loonstrook", "csrf_token": token},
        follow_redirects=True,
    )

    assert empty.status_code == 400
    assert 'id="text-fout"' in empty.text
    assert "Schrijf de memo." in empty.text
    assert added.status_code == 200
    assert "De memo is toegevoegd." in added.text
    assert "Aanvrager gebeld over de loonstrook" in added.text
    assert ("memo_added", None, None, f"user:{account.username}") in [
        (action, to, reason, actor)
        for action, to, reason, actor in await ui.services.history(case.id)
    ]


async def test_a_status_change_is_made_and_a_role_refused_in_dutch(
    ui: UiApp, make_user: MakeUser
) -> None:
    case = await ui.services.open_case()
    ready = await ui.services.open_case(status="advice_ready")
    page = await log_in(ui.http, await make_user())
    token = csrf_of(page)

    changed = await ui.http.post(
        f"/ui/cases/{case.id}/status",
        data={
            "to_status": "under_investigation",
            "reason": "Loonstrook ontbreekt",
            "csrf_token": token,
        },
    )
    refused = await ui.http.post(
        f"/ui/cases/{ready.id}/status",
        data={"to_status": "decided_granted", "reason": "Past", "csrf_token": token},
    )
    missing = await ui.http.post(
        f"/ui/cases/{case.id}/status", data={"reason": "", "csrf_token": token}
    )

    assert changed.status_code == 303
    history = await ui.services.history(case.id)
    assert history[-1][:3] == (
        "investigation_started",
        "under_investigation",
        "Loonstrook ontbreekt",
    )
    assert refused.status_code == 403
    assert "toekennen" in refused.text
    assert "beslisser" in refused.text
    assert [action for action, *_ in await ui.services.history(ready.id)] == ["opened"]
    assert missing.status_code == 400
    assert "Kies een nieuwe status." in missing.text
    assert "Geef een reden" in missing.text


async def test_hold_resume_assign_and_release(ui: UiApp, make_user: MakeUser) -> None:
    case = await ui.services.open_case()
    account = await make_user()
    page = await log_in(ui.http, account)
    token = csrf_of(page)

    held = await ui.http.post(
        f"/ui/cases/{case.id}/afwachting",
        data={"reason": "Wacht op loonstrook", "until": "2999-12-31", "csrf_token": token},
    )
    on_hold = await ui.http.get(f"/ui/cases/{case.id}")
    resumed = await ui.http.post(
        f"/ui/cases/{case.id}/afwachting/opheffen",
        data={"reason": "Loonstrook binnen", "csrf_token": token},
    )
    assigned = await ui.http.post(f"/ui/cases/{case.id}/toewijzen", data={"csrf_token": token})
    mine = await ui.http.get(f"/ui/cases?assigned_to=me&q={case.application_number}")
    released = await ui.http.post(f"/ui/cases/{case.id}/vrijgeven", data={"csrf_token": token})

    assert [held.status_code, resumed.status_code, assigned.status_code] == [303, 303, 303]
    assert released.status_code == 303
    assert "Wacht op loonstrook" in on_hold.text
    assert case.application_number in mine.text, "in 'mijn cases' while assigned"
    assert [
        (action, to, reason) for action, to, reason, _ in await ui.services.history(case.id)
    ] == [
        ("opened", "received", None),
        ("put_on_hold", "on_hold", "Wacht op loonstrook"),
        ("hold_lifted", "received", "Loonstrook binnen"),
        ("assigned", None, None),
        ("unassigned", None, None),
    ]


async def test_a_raadpleger_sees_no_actions(ui: UiApp, make_user: MakeUser) -> None:
    case = await ui.services.open_case()
    page = await log_in(ui.http, await make_user(role="raadpleger"))

    shown = await ui.http.get(f"/ui/cases/{case.id}")
    refused = await ui.http.post(
        f"/ui/cases/{case.id}/toewijzen", data={"csrf_token": csrf_of(page)}
    )

    assert shown.status_code == 200
    assert "Aan mij toewijzen" not in shown.text
    assert "Memo toevoegen" not in shown.text
    assert refused.status_code == 403
    assert [action for action, *_ in await ui.services.history(case.id)] == ["opened"]


async def test_a_category_becomes_its_statuses_and_nine_digits_a_bsn(
    ui: UiApp, make_user: MakeUser
) -> None:
    bsn = valid_bsn(random.Random())
    waiting = await ui.services.open_case(applicant_bsn=bsn, status="awaiting_data")
    received = await ui.services.open_case(applicant_bsn=bsn, submitted_on=waiting.submitted_on)
    await log_in(ui.http, await make_user())

    in_progress = await ui.http.get(f"/ui/cases?category=in_progress&q={bsn}")
    export = await ui.http.get(f"/ui/cases/export.csv?category=received&q={bsn}")

    assert waiting.application_number in in_progress.text
    assert received.application_number not in in_progress.text
    assert export.status_code == 200
    assert export.headers["content-disposition"].startswith('attachment; filename="cases-')
    lines = export.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("aanvraagnummer;")
    assert [line.split(";")[0] for line in lines[1:]] == [received.application_number]


async def test_an_upload_is_imported_by_intake_and_its_report_shown(
    ui: UiApp, make_user: MakeUser
) -> None:
    page = await log_in(ui.http, await make_user("isd-bollenstreek", "behandelaar"))
    form = await ui.http.get("/ui/heronderzoek")
    campaign = f"Heronderzoek {random.randrange(10**6)}"
    good = valid_bsn(random.Random())
    csv = (
        "bsn;initials;last_name;date_of_birth;street;house_number;postal_code;city\r\n"
        f"{good};J.;Vermeulen;1970-03-01;Dorpsstraat;1;2181 AB;Hillegom\r\n"
        "123456789;C.;Fout;1990-01-01;Molenweg;3;2181 EF;Hillegom\r\n"
    ).encode()

    uploaded = await ui.http.post(
        "/ui/heronderzoek",
        data={"municipality": "0534", "campaign": campaign, "csrf_token": csrf_of(page)},
        files={"file": ("heronderzoek.csv", csv, "text/csv")},
    )
    status_url = uploaded.headers["location"]
    fragment = await ui.http.get(
        status_url, headers={"HX-Request": "true", "HX-Target": "import-status"}
    )

    async def finished() -> bool:
        return "Klaar" in (await ui.http.get(status_url)).text

    await eventually(finished)
    done = await ui.http.get(status_url)
    report = await ui.http.get(f"{status_url}/rapport.csv")

    async def case_opened() -> bool:
        listed = await ui.http.get("/ui/cases", params={"campaign": campaign})
        return case_links(listed.text) == 1

    await eventually(case_opened)
    assert "(0534)" in form.text
    assert uploaded.status_code == 303
    assert fragment.text.lstrip().startswith('<div id="import-status"')
    assert "<html" not in fragment.text
    assert "hx-trigger" not in done.text
    assert "BSN" in done.text, "the rejected row's reason"
    lines = report.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("regel;")
    assert len(lines) == 3, "a header and a line per row"


async def test_an_upload_with_mistakes_is_refused_next_to_the_fields(
    ui: UiApp, make_user: MakeUser
) -> None:
    page = await log_in(ui.http, await make_user("0363", "behandelaar"))

    refused = await ui.http.post(
        "/ui/heronderzoek",
        data={"municipality": "0534", "campaign": "x", "csrf_token": csrf_of(page)},
        files={"file": ("leeg.csv", b"", "text/csv")},
    )

    assert refused.status_code == 400
    for field in ("municipality", "campaign", "file"):
        assert f'id="{field}-fout"' in refused.text
    assert "Kies de gemeente waarvoor u importeert." in refused.text
    assert "leeg.csv" not in await ui.services.import_filenames(), "nothing reached intake"


async def test_a_service_that_is_down_leaves_the_rest_of_the_page_working(
    ui: UiApp, make_user: MakeUser
) -> None:
    await log_in(ui.http, await make_user())
    ui.take_down("cases")

    page = await ui.http.get("/ui/")

    assert page.status_code == 200
    assert "De casussen-dienst is op dit moment niet bereikbaar" in page.text
    assert "Hoofdmenu" in page.text


async def test_quarantine_shows_a_rejected_message_to_its_managers_who_discard_it(
    ui: UiApp, make_user: MakeUser
) -> None:
    bad = website_body("0575").replace(b'"schema_version": 1', b'"schema_version": 2')
    quarantined = await post_as_website(ui.http, bad)
    item = quarantined.json()["quarantine_id"]
    await log_in(ui.http, await make_user("0575", "behandelaar"))
    refused = await ui.http.get("/ui/quarantaine")
    ui.http.cookies.clear()
    await log_in(ui.http, await make_user("0363", "functioneel_beheerder"))
    elsewhere = await ui.http.get("/ui/quarantaine")
    ui.http.cookies.clear()
    page = await log_in(ui.http, await make_user("0575", "functioneel_beheerder"))

    listed = await ui.http.get("/ui/quarantaine")
    short = await ui.http.post(
        f"/ui/quarantaine/{item}/afwijzen",
        data={"reason": "x", "bevestigd": "ja", "csrf_token": csrf_of(page)},
    )
    unconfirmed = await ui.http.post(
        f"/ui/quarantaine/{item}/afwijzen",
        data={"reason": "Testbericht van de website", "csrf_token": csrf_of(page)},
    )
    kept = await ui.http.get("/ui/quarantaine")
    discarded = await ui.http.post(
        f"/ui/quarantaine/{item}/afwijzen",
        data={
            "reason": "Testbericht van de website",
            "bevestigd": "ja",
            "csrf_token": csrf_of(page),
        },
        follow_redirects=True,
    )

    assert quarantined.status_code == 422
    assert refused.status_code == 403
    assert item not in elsewhere.text, "another municipality's manager does not see it"
    assert item in listed.text
    assert "unsupported_schema_version" in listed.text
    assert short.status_code == 400
    assert "Geef een reden van 3 tot 500 tekens." in short.text
    assert unconfirmed.status_code == 400
    assert "Vink aan dat u het bericht definitief afwijst." in unconfirmed.text
    assert item in kept.text, "without the box ticked nothing happens"
    assert discarded.status_code == 200
    assert item not in discarded.text


async def test_changing_the_password_checks_the_policy(ui: UiApp, make_user: MakeUser) -> None:
    account = await make_user()
    page = await log_in(ui.http, account)
    token = csrf_of(page)

    weak = await ui.http.post(
        "/ui/wachtwoord",
        data={
            "current": account.password,
            "new": "welkom01",
            "repeat": "welkom01",
            "csrf_token": token,
        },
    )
    changed = await ui.http.post(
        "/ui/wachtwoord",
        data={
            "current": account.password,
            "new": "Hyacinten geuren in maart",
            "repeat": "Hyacinten geuren in maart",
            "csrf_token": token,
        },
    )

    assert weak.status_code == 400
    assert "Gebruik minstens 12 tekens." in weak.text
    assert changed.status_code == 303
    assert (await ui.http.get("/ui/")).status_code == 303, "every session ended"
