"""The case page's Documenten and Rechtmatigheidsadvies in Debian's Chromium against the whole
system, and the Parameters screen: a behandelaar adds a payslip received by post, sees it
listed as the medewerker's, downloads it (through the documents service, which logs it), and
invites the resident again; the resident consents on the Ockto simulator's page; the advice
Toekennen shows with its figures; a beslisser meets the service's rule (a motivation when the
decision differs) and grants. A functioneel beheerder adds a parameter version after a refusal
field by field. axe-core finds no serious problem on these pages."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import httpx
import pikepdf
from playwright.async_api import Page, expect

from demodata.system import LocalSystem
from tests.e2e_support import Readers, eventually

from .conftest import CELIK, Account, Browsing, Seeded, screenshot
from .test_accessibility import AXE, _violations

PAYSLIP = "loonstrook-oktober.pdf"


def _pdf() -> bytes:
    document = pikepdf.new()
    document.add_blank_page()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


async def _axe(page: Page, found: list[str]) -> None:
    """axe-core's serious findings on the page (loaded by `with_axe`, past the CSP)."""
    found.extend(await _violations(page))


async def with_axe(page: Page) -> Page:
    await page.context.add_init_script(path=AXE)
    return page


async def _consent(url: str) -> None:
    """The resident opens the invitation on the phone and shares wages under the limit."""
    async with httpx.AsyncClient(timeout=30) as phone:
        page = await phone.get(url)
        assert page.status_code == 200, page.text
        action = re.search(r'action="([^"]+)"', page.text)
        assert action is not None
        consented = await phone.post(
            httpx.URL(url).join(action.group(1)),
            data={"scenario": "wages_under_limit", "toestemming": "ja"},
        )
    assert consented.status_code == 200, consented.text
    assert "Gelukt" in consented.text


async def test_documents_advice_and_decision_on_the_case_page(
    browsing: Browsing,
    users: dict[str, Account],
    seeded: Seeded,
    system: LocalSystem,
    readers: Readers,
    tmp_path: Path,
) -> None:
    found: list[str] = []
    number = sorted(seeded.numbers("9101") - {seeded.number_of(CELIK)})[-1]
    case = seeded.case_ids[number]
    content = _pdf()
    payslip = tmp_path / PAYSLIP
    payslip.write_bytes(content)
    note = tmp_path / "notitie.txt"
    note.write_text("Geen PDF, maar een tekstbestand.\n")
    async with httpx.AsyncClient(
        base_url=system.url("gateway"), headers=await readers.headers("9101"), timeout=10
    ) as api:

        async def documents_know_the_case() -> bool:
            listed = await api.get(f"/api/v1/cases/{case}/documents")
            return listed.status_code == 200

        await eventually(documents_know_the_case)

        page = await with_axe(await browsing.signed_in(users["proefdorp"]))
        await page.goto(f"/ui/cases/{case}")
        documents = page.locator("#documenten")
        await expect(documents.get_by_role("heading", name="Documenten")).to_be_visible()

        await page.get_by_label("Soort document").select_option(label="Loonstrook")
        await page.get_by_label("Bestand").set_input_files(note)
        await page.get_by_role("button", name="Document toevoegen").click()
        await expect(page.get_by_role("alert")).to_contain_text("Het document is niet opgeslagen.")
        await expect(page.locator("#document_file-fout")).to_contain_text(
            "Dit bestand kunnen wij niet aannemen"
        )
        await screenshot(page, "case-document-refused")

        await page.get_by_label("Soort document").select_option(label="Loonstrook")
        await page.get_by_label("Bestand").set_input_files(payslip)
        await page.get_by_role("button", name="Document toevoegen").click()
        await expect(page.get_by_role("status")).to_contain_text("Het document is toegevoegd.")
        row = documents.locator("tbody tr").filter(has_text=PAYSLIP)
        await expect(row).to_have_count(1)
        await expect(row.get_by_role("cell")).to_have_text(
            [
                "Loonstrook",
                re.compile(PAYSLIP),
                "Medewerker",
                re.compile("kB|bytes"),
                re.compile("."),
            ]
        )
        async with page.expect_download() as started:
            await row.get_by_role("link", name=f"{PAYSLIP} downloaden").click()
        download = await started.value
        saved = tmp_path / "gedownload.pdf"
        await download.save_as(saved)
        assert download.suggested_filename == PAYSLIP
        assert saved.read_bytes() == content

        advice = page.locator("#advies")
        await page.get_by_role("button", name=re.compile("uitnodigen$", re.IGNORECASE)).click()
        await expect(page.get_by_role("status")).to_contain_text(
            "Er is een nieuwe gegevenssessie bij Ockto gestart"
        )
        await expect(advice).to_contain_text("Uitgenodigd: wacht op de inwoner")
        # The staff member by name (made as "Behandelaar"), not by username.
        await expect(advice).to_contain_text("met de hand door Behandelaar")
        await _axe(page, found)
        await screenshot(page, "case-documents-and-invitation")

        invited: dict[str, Any] = {}

        async def invited_by_hand() -> bool:
            answer = await api.get(f"/api/v1/cases/{case}/assessment")
            sessions = answer.json()["sessions"] if answer.status_code == 200 else []
            invited.update(
                next(
                    (s for s in sessions if s["trigger"] == "manual" and s["state"] == "invited"),
                    {},
                )
            )
            return bool(invited)

        await eventually(invited_by_hand)
        await _consent(invited["url"])

        async def advised() -> bool:
            answer = await api.get(f"/api/v1/cases/{case}/assessment")
            return answer.status_code == 200 and answer.json()["advice"] is not None

        await eventually(advised)

    await page.reload()
    await expect(advice.locator(".advice-result")).to_contain_text("Advies: Toekennen")
    await expect(advice).to_contain_text("Daarom is het advies: toekennen.")
    await expect(advice).to_contain_text("Inkomensgrens per maand")
    await expect(advice).to_contain_text("Geldig vanaf 01-01-2026")
    await expect(advice.get_by_role("heading", name="Ockto", exact=True)).to_be_visible()
    await expect(advice).to_contain_text("Gegevens ontvangen")
    await expect(advice.get_by_role("button", name="Besluit vastleggen")).to_have_count(0)
    await screenshot(page, "case-advice")

    decider = await with_axe(await browsing.signed_in(users["beslisser"]))
    await decider.goto(f"/ui/cases/{case}")
    await decider.get_by_label("Afwijzen", exact=True).check()
    await decider.get_by_label("Inkomen te hoog", exact=True).check()
    await decider.get_by_role("button", name="Besluit vastleggen").click()
    await expect(decider.locator("#motivation-fout")).to_contain_text(
        "Het besluit wijkt af van het advies (toekennen); geef een motivering"
    )
    await expect(decider.get_by_label("Motivering")).to_have_attribute("aria-invalid", "true")
    await _axe(decider, found)
    await screenshot(decider, "case-decision-refused")

    await decider.get_by_label("Inkomen te hoog", exact=True).uncheck()
    await decider.get_by_label("Toekennen", exact=True).check()
    await decider.get_by_role("button", name="Besluit vastleggen").click()
    await expect(decider.get_by_role("status")).to_contain_text("Het besluit is vastgelegd.")
    decided = decider.locator("#advies .decision")
    await expect(decided).to_contain_text("Toegekend")
    await expect(decided).to_contain_text("het besluit volgt het advies")
    await expect(decided).to_contain_text("door Beslisser")  # by name, not username
    await expect(decider.get_by_role("button", name="Besluit vastleggen")).to_have_count(0)
    await _axe(decider, found)
    await screenshot(decider, "case-decided")

    assert found == [], "\n".join(found)


async def test_a_functioneel_beheerder_adds_a_parameter_version(
    browsing: Browsing, users: dict[str, Account], seeded: Seeded
) -> None:
    found: list[str] = []
    page = await with_axe(await browsing.signed_in(users["beheerder"]))
    await page.goto("/ui/")
    await (
        page.get_by_role("navigation", name="Hoofdmenu")
        .get_by_role("link", name="Parameters")
        .click()
    )
    await expect(page.get_by_role("heading", level=1)).to_have_text("Parameters")
    await page.get_by_role("link", name="Testveen (9102)").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Parameters Testveen")
    versions = page.locator("table.parameters tbody tr")
    await expect(versions).to_have_count(1)
    await expect(versions.first).to_contain_text("120% van de bijstandsnorm")
    await expect(page.locator(".applies")).to_contain_text("geldt de versie vanaf 01-01-2026")

    await page.get_by_label("Geldt vanaf", exact=True).fill("2099-01-01")
    await page.get_by_label("Percentage van de bijstandsnorm", exact=True).fill("500")
    await page.get_by_label("Toelichting (optioneel)").fill("Besluit college 2098")
    await page.get_by_role("button", name="Versie toevoegen").click()
    await expect(page.get_by_role("alert").first).to_contain_text(
        "De nieuwe versie is niet opgeslagen."
    )
    await expect(page.locator("#p-income-percentage-fout")).to_contain_text(
        "Moet tussen 10 en 300 procent liggen."
    )
    await expect(page.get_by_label("Percentage van de bijstandsnorm", exact=True)).to_have_value(
        "500"
    )
    await _axe(page, found)
    await screenshot(page, "parameters-refused")

    await page.get_by_label("Percentage van de bijstandsnorm", exact=True).fill("130")
    await page.get_by_role("button", name="Versie toevoegen").click()
    await expect(page.get_by_role("status").first).to_contain_text(
        "De nieuwe versie is opgeslagen."
    )
    await expect(versions).to_have_count(2)
    await expect(versions.first).to_contain_text("130% van de bijstandsnorm")
    await expect(versions.first).to_contain_text("Besluit college 2098")
    await page.get_by_label("Datum", exact=True).fill("2099-03-01")
    await page.get_by_role("button", name="Toon").click()
    await expect(page.locator(".applies")).to_contain_text(
        "Op 01-03-2099 geldt de versie vanaf 01-01-2099."
    )
    await expect(versions.first).to_contain_text("Geldt op 01-03-2099")
    await _axe(page, found)
    await screenshot(page, "parameters")

    assert found == [], "\n".join(found)
