"""axe-core finds no serious or critical accessibility problem on the main pages; each page is
also kept as a screenshot in artifacts/screenshots/ for a person to look at."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.async_api import Page, expect

from .conftest import CELIK, Account, Browsing, Seeded, screenshot, submit_password

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
SERIOUS = ("serious", "critical")


async def _violations(page: Page) -> list[str]:
    results: dict[str, Any] = await page.evaluate(
        "axe.run(document, {resultTypes: ['violations']})"
    )
    return [
        f"{page.url} {violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:5])
        for violation in results["violations"]
        if violation["impact"] in SERIOUS
    ]


async def _check(page: Page, name: str, found: list[str]) -> None:
    await expect(page.locator("main h1")).to_be_visible()
    found.extend(await _violations(page))
    await screenshot(page, name)


async def test_the_main_pages_have_no_serious_accessibility_problems(
    browsing: Browsing, users: dict[str, Account], seeded: Seeded, tmp_path: Path
) -> None:
    found: list[str] = []
    anonymous = await browsing.page()
    await anonymous.context.add_init_script(path=AXE)
    await anonymous.goto("/ui/inloggen")
    await _check(anonymous, "login", found)
    await submit_password(anonymous, users["login"].username, "fout wachtwoord, met fouttekst")
    await _check(anonymous, "login-failed", found)

    page = await browsing.signed_in(users["isd"])
    await page.context.add_init_script(path=AXE)
    case = seeded.case_ids[seeded.number_of(CELIK)]
    for name, url in (
        ("overview", "/ui/"),
        ("cases", "/ui/cases?q=celik"),
        ("case", f"/ui/cases/{case}"),
        ("import-upload", "/ui/heronderzoek"),
        ("password", "/ui/wachtwoord"),
    ):
        await page.goto(url)
        await _check(page, name, found)

    await page.goto("/ui/heronderzoek")
    await page.get_by_role("button", name="Importeren").click()
    await _check(page, "import-upload-errors", found)
    bad = tmp_path / "fout.csv"
    bad.write_text(
        "bsn;initials;last_name;date_of_birth;street;house_number;postal_code;city\r\n"
        "123456789;E.;Fout;1980-01-01;Kerkstraat;1;9102 AB;Testveen\r\n"
    )
    await page.get_by_label("Gemeente").select_option("9102")
    await page.get_by_label("Campagne").fill("Toegankelijkheid 2027")
    await page.get_by_label("Bestand", exact=True).set_input_files(bad)
    await page.get_by_role("button", name="Importeren").click()
    await expect(page.locator(".import-status")).to_have_text("Klaar", timeout=30_000)
    await expect(page).to_have_url(re.compile(r"/ui/heronderzoek/[0-9a-f-]{36}$"))
    await _check(page, "import-status", found)

    manager = await browsing.signed_in(users["beheerder"])
    await manager.context.add_init_script(path=AXE)
    await manager.goto("/ui/quarantaine")
    await _check(manager, "quarantine", found)
    await manager.goto("/ui/gebruikers")
    await _check(manager, "users", found)
    await manager.get_by_role("link", name="Nieuwe gebruiker").click()
    await manager.get_by_role("button", name="Aanmaken").click()
    await expect(manager.locator("#username-fout")).to_be_visible()
    await _check(manager, "user-new-errors", found)
    await manager.goto("/ui/gebruikers")
    await manager.locator("table.table tbody a").first.click()
    await _check(manager, "user", found)
    await manager.goto("/ui/parameters")
    await _check(manager, "parameters-choose", found)

    auditor = await browsing.signed_in(users["auditor"])
    await auditor.context.add_init_script(path=AXE)
    for name, url in (
        ("auditlog-access", "/ui/auditlog"),
        ("auditlog-security", "/ui/auditlog/beveiliging"),
        ("auditlog-errors", "/ui/auditlog?van=2026-12-01&tot=2026-11-01"),
    ):
        await auditor.goto(url)
        await _check(auditor, name, found)

    assert found == [], "\n".join(found)
