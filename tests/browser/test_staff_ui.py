"""Staff work in a real browser against the whole system: login, overview, search, case
handling, export, import, and the organisation boundary."""

from __future__ import annotations

import csv
import io
import random
import re
from collections.abc import Callable
from pathlib import Path

import httpx
from playwright.async_api import Page, expect

from demodata.applications import valid_bsn
from demodata.system import LocalSystem
from tests.e2e_support import overview

from .conftest import (
    CELIK,
    ISD,
    MUNICIPALITIES,
    UNIQUE_IN_9102,
    Account,
    Browsing,
    Seeded,
    log_in,
    screenshot,
    submit_password,
)


async def _rows(page: Page) -> list[str]:
    """The application numbers in the case list."""
    return await page.locator("table.table tbody tr td:first-child a").all_inner_texts()


async def test_login_needs_the_password_and_a_current_code(
    browsing: Browsing, users: dict[str, Account]
) -> None:
    account = users["login"]
    page = await browsing.page()

    await submit_password(page, account.username, "niet mijn wachtwoord")
    await expect(page.get_by_role("alert")).to_contain_text("Inloggen is niet gelukt")
    await expect(page).to_have_url(re.compile(r"/ui/inloggen$"))

    await submit_password(page, account.username, account.password)
    await page.get_by_label("Code uit uw authenticator-app").fill("000000")
    await page.get_by_role("button", name="Controleren").click()
    await expect(page.locator("#code-fout")).to_contain_text("De code is niet juist")
    await expect(page.get_by_label("Code uit uw authenticator-app")).to_have_attribute(
        "aria-invalid", "true"
    )

    await page.get_by_label("Code uit uw authenticator-app").fill(account.next_code())
    await page.get_by_role("button", name="Controleren").click()
    await expect(page.get_by_role("heading", name="Aantallen per status")).to_be_visible()
    await expect(page.locator(".page-header__user")).to_contain_text("Raadpleger")


async def test_an_account_is_locked_after_repeated_failures(
    browsing: Browsing, users: dict[str, Account]
) -> None:
    account = users["lockout"]
    page = await browsing.page()
    for attempt in range(5):
        await submit_password(page, account.username, f"fout wachtwoord {attempt}")
        await expect(page.get_by_role("alert")).to_contain_text("Inloggen is niet gelukt")

    await submit_password(page, account.username, account.password)

    await expect(page.get_by_role("alert")).to_contain_text("Inloggen is niet gelukt")
    await expect(page.get_by_label("Code uit uw authenticator-app")).to_have_count(0)


async def test_the_overview_shows_the_numbers_and_links_to_the_list(
    browsing: Browsing, users: dict[str, Account], seeded: Seeded, api: httpx.AsyncClient
) -> None:
    async def in_progress(*codes: str) -> list[str]:
        """The API's counts of the category, summed over the municipalities."""
        rows = [
            next(
                c
                for c in (await overview(api, municipality=code))["categories"]
                if c["category"] == "in_progress"
            )
            for code in codes
        ]
        return [str(sum(row[key] for row in rows)) for key in ("applications", "adults", "persons")]

    page = await browsing.signed_in(users["isd"])
    await page.goto("/ui/")
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Overzicht: ISD Proefland (alle)"
    )
    # Invited through Ockto when they opened (vooraf toetsen): every seeded case is in progress.
    counted = page.get_by_role("row", name=re.compile("^In behandeling"))
    await expect(counted.get_by_role("cell")).to_have_text(await in_progress("9101", "9102"))

    await page.get_by_label("Organisatie").select_option("9101")
    await page.get_by_role("button", name="Toon").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Overzicht: Proefdorp")
    applications, adults, _ = (int(n) for n in await in_progress("9101"))
    await expect(counted.get_by_role("cell")).to_have_text(await in_progress("9101"))

    await page.get_by_role("link", name=f"{adults} volwassenen In behandeling").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Cases")
    await expect(page).to_have_url(re.compile(r"municipality=9101.*category=in_progress"))
    await expect(page.locator("table.table tbody tr")).to_have_count(applications)
    assert set(await _rows(page)) <= seeded.numbers("9101")


async def test_search_open_hold_memo_assign_and_export(
    browsing: Browsing, users: dict[str, Account], seeded: Seeded, tmp_path: Path
) -> None:
    page = await browsing.signed_in(users["isd"])
    number = seeded.number_of(CELIK)
    for query in ("celik", CELIK, "CELIK"):
        await page.goto("/ui/cases")
        await page.get_by_role("searchbox", name="Zoeken").fill(query)
        await page.get_by_role("button", name="Zoeken").click()
        await expect(page.locator("table.table tbody tr")).to_have_count(1)
        assert await _rows(page) == [number], query

    await page.get_by_role("link", name=number).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(f"Aanvraag {number}")
    await expect(page.get_by_text(CELIK).first).to_be_visible()

    await page.locator("#hold_reason").fill("Wacht op loonstroken")
    await page.get_by_role("button", name="In afwachting zetten").click()
    await expect(page.get_by_role("status")).to_contain_text("De case staat nu in afwachting.")
    await expect(page.locator(".facts").first).to_contain_text("In afwachting")
    await page.get_by_role("button", name="Niet meer in afwachting").click()
    await expect(page.get_by_role("status")).to_contain_text("niet meer in afwachting")
    await expect(page.locator(".facts").first).to_contain_text("Wacht op gegevens")

    await page.get_by_label("Nieuwe memo").fill("Aanvrager gebeld; stuurt loonstroken.")
    await page.get_by_role("button", name="Memo toevoegen").click()
    await expect(page.locator(".memos")).to_contain_text("Aanvrager gebeld; stuurt loonstroken.")

    await page.get_by_role("button", name="Aan mij toewijzen").click()
    await expect(page.get_by_role("status")).to_contain_text("De case is aan u toegewezen.")
    await expect(page.get_by_role("button", name="Toewijzing opheffen")).to_be_visible()
    history = page.locator("#geschiedenis-kop + .table-scroll table")
    for action in ("In afwachting gezet", "Uit afwachting gehaald", "Toegewezen"):
        await expect(history).to_contain_text(action)
    await screenshot(page, "case-handled")

    await page.goto("/ui/cases?assigned_to=me")
    assert await _rows(page) == [number]
    await page.goto("/ui/cases?municipality=9101")
    async with page.expect_download() as started:
        await page.get_by_role("link", name="CSV").click()
    download = await started.value
    target = tmp_path / download.suggested_filename
    await download.save_as(target)
    rows = list(csv.DictReader(io.StringIO(target.read_text("utf-8-sig")), delimiter=";"))
    assert download.suggested_filename.endswith(".csv")
    assert {row["aanvraagnummer"] for row in rows} == seeded.numbers("9101")
    assert {row["gemeente"] for row in rows} == {MUNICIPALITIES["9101"]}  # by name
    assert all(re.fullmatch(r"[0-9]{9}", row["bsn aanvrager"]) for row in rows)


def _import_file() -> tuple[bytes, list[str]]:
    """Two good rows, a repeat of the first BSN, a bad BSN and a missing name."""
    rng = random.Random(9102)
    header = "bsn;initials;last_name;date_of_birth;street;house_number;postal_code;city"
    first, second = valid_bsn(rng), valid_bsn(rng)
    lines = [
        header,
        f"{first};A.;Vermeulen;1970-03-01;Dorpsstraat;1;9102 AB;Testveen",
        f"{second};B.;Hofman;15-06-1985;Kerkstraat;22;9102 CD;Testveen",
        f"{first};A.;Vermeulen;1970-03-01;Dorpsstraat;1;9102 AB;Testveen",
        "123456789;C.;Fout;1990-01-01;Molenweg;3;9102 EF;Testveen",
        f"{valid_bsn(rng)};D.;;1991-02-02;Molenweg;4;9102 EF;Testveen",
    ]
    return ("\r\n".join(lines) + "\r\n").encode(), [first, second]


async def test_importing_a_re_examination_file_shows_the_report(
    browsing: Browsing, users: dict[str, Account], tmp_path: Path
) -> None:
    content, _good = _import_file()
    upload = tmp_path / "heronderzoek-testveen.csv"
    upload.write_bytes(content)
    page = await browsing.signed_in(users["isd"])
    await page.goto("/ui/")
    await page.get_by_role("link", name="Heronderzoek importeren").click()

    await page.get_by_role("button", name="Importeren").click()
    await expect(page.locator("#municipality-fout")).to_contain_text("Kies de gemeente")
    await expect(page.locator("#file-fout")).to_be_visible()

    await page.get_by_label("Gemeente").select_option("9102")
    await page.get_by_label("Campagne").fill("Heronderzoek 2027")
    await page.get_by_label("Bestand", exact=True).set_input_files(upload)
    await page.get_by_role("button", name="Importeren").click()

    await expect(page.get_by_role("heading", level=1)).to_have_text("Import heronderzoek")
    await expect(page.locator(".import-status")).to_have_text("Klaar", timeout=30_000)
    counts = {
        name: await page.locator(f'[data-count="{name}"]').inner_text()
        for name in ("total", "imported", "rejected", "duplicate")
    }
    assert counts == {"total": "5", "imported": "2", "rejected": "3", "duplicate": "0"}
    rejected = page.locator("tr.report-row--rejected")
    await expect(page.locator("tr.report-row")).to_have_count(5)
    await expect(rejected.nth(0)).to_contain_text("BSN staat ook op regel 2")
    await expect(rejected.nth(1)).to_contain_text("bsn")
    await expect(rejected.nth(2)).to_contain_text("last_name")
    await screenshot(page, "import-report")

    async with page.expect_download() as started:
        await page.get_by_role("link", name="Rapport per regel downloaden (CSV)").click()
    saved = tmp_path / "rapport.csv"
    await (await started.value).save_as(saved)
    lines = list(csv.reader(io.StringIO(saved.read_text("utf-8-sig")), delimiter=";"))
    assert lines[0] == ["regel", "uitkomst", "reden"]
    assert [line[1] for line in lines[1:]] == [
        "geïmporteerd",
        "geïmporteerd",
        "afgekeurd",
        "afgekeurd",
        "afgekeurd",
    ]

    await page.get_by_role("link", name="Afgekeurd").click()
    await expect(page.locator("tr.report-row")).to_have_count(3)


async def test_a_municipality_user_sees_nothing_of_another_municipality(
    browsing: Browsing, users: dict[str, Account], seeded: Seeded
) -> None:
    page = await browsing.signed_in(users["proefdorp"])
    other = seeded.case_ids[seeded.number_of(UNIQUE_IN_9102)]

    await page.goto(f"/ui/cases/{other}")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Niet gevonden")

    await page.goto("/ui/cases")
    await page.get_by_role("searchbox", name="Zoeken").fill(UNIQUE_IN_9102)
    await page.get_by_role("button", name="Zoeken").click()
    await expect(page.get_by_text("Geen cases gevonden.")).to_be_visible()

    await page.goto("/ui/")
    await expect(page.get_by_label("Organisatie")).to_have_count(0)
    applications, _, _ = seeded.counts("9101")
    total = page.locator("tfoot td").first
    assert int(await total.inner_text()) == applications
    for url in ("/ui/?weergave=9102", f"/ui/?weergave={ISD}", "/ui/cases?municipality=9102"):
        answer = await page.request.get(url)
        assert answer.status == 404, url
        assert "Niet gevonden" in await answer.text()
    outside = await page.request.get("/ui/cases/export.csv?municipality=9102")
    assert outside.status == 404
    mine = await page.request.get(f"/ui/cases/export.csv?q={UNIQUE_IN_9102}")
    assert mine.status == 200
    assert (await mine.text()).lstrip("\ufeff").strip().count("\n") == 0, "only the header"


async def test_a_form_post_without_the_csrf_token_is_refused(
    browsing: Browsing, users: dict[str, Account], seeded: Seeded
) -> None:
    page = await browsing.signed_in(users["isd"])
    case = seeded.case_ids[seeded.number_of(CELIK)]
    await page.goto(f"/ui/cases/{case}")

    missing = await page.request.post(f"/ui/cases/{case}/memos", form={"text": "Zonder token"})
    wrong = await page.request.post(
        f"/ui/cases/{case}/memos", form={"text": "Fout token", "csrf_token": "raden"}
    )

    assert missing.status == wrong.status == 403
    assert "Formulier verlopen" in await missing.text()
    await page.reload()
    memos = page.locator("#memos-kop").locator("..")
    await expect(memos).to_be_visible()
    await expect(memos).not_to_contain_text("Zonder token")
    await expect(memos).not_to_contain_text("Fout token")


async def test_the_session_ends_at_logout(
    browsing: Browsing, users: dict[str, Account], system: LocalSystem
) -> None:
    page = await browsing.page()
    await log_in(page, users["logout"])
    [cookie] = [c for c in await page.context.cookies() if c["name"] == "bo_session"]

    await page.get_by_role("button", name="Uitloggen").click()

    await expect(page.get_by_role("status")).to_contain_text("U bent uitgelogd.")
    await page.goto("/ui/cases")
    await expect(page).to_have_url(re.compile(r"/ui/inloggen"))
    async with httpx.AsyncClient(
        base_url=system.url("gateway"), cookies={"bo_session": cookie["value"]}
    ) as client:
        replayed = await client.get("/ui/")
    assert replayed.status_code == 303, "the old session token no longer works"
    assert replayed.headers["location"] == "/ui/inloggen?melding=verlopen"


async def test_the_session_ends_after_the_idle_timeout(
    browsing: Browsing,
    users: dict[str, Account],
    second_gateway: Callable[..., str],
) -> None:
    short = second_gateway(GATEWAY_SESSION_IDLE_MINUTES="5")
    page = await browsing.page()
    await log_in(page, users["idle"])

    await page.goto(f"{short}/ui/cases")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Cases")
    # Six idle minutes pass on that gateway's clock (moved, not waited for).
    async with httpx.AsyncClient(base_url=short) as client:
        moved = await client.put("/testing/clock", json={"offset_seconds": 6 * 60})
    assert moved.status_code == 200, moved.text
    await page.goto(f"{short}/ui/cases")

    # Signing in again brings the user back to the page asked for.
    await expect(page).to_have_url(
        re.compile(r"/ui/inloggen\?melding=verlopen&volgende=%2Fui%2Fcases$")
    )
    await expect(page.get_by_role("status")).to_contain_text("Uw sessie is verlopen.")
