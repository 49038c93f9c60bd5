"""The correspondence screens in Debian's Chromium against the whole system (the real
correspondence service, Typst, the mail catcher): the case's Brieven with the acknowledgement
and the Ockto invitation the seeded cases got, "informatie opvragen" with a term, and the
functioneel beheerder's Sjablonen (the list, the editor, the service's refusal of an unknown
merge field next to the text, a preview on a real case with its PDF, a new version).
axe-core finds no serious problem on these pages."""

from __future__ import annotations

import re
from typing import Any

import httpx
from playwright.async_api import Page, expect

from demodata.system import LocalSystem
from tests.e2e_support import Readers, eventually

from .conftest import CELIK, SCREENSHOTS, Account, Browsing, Seeded, screenshot
from .test_accessibility import AXE, _violations


async def _with_axe(page: Page) -> Page:
    await page.context.add_init_script(path=AXE)
    return page


async def test_the_case_letters_and_informatie_opvragen(
    browsing: Browsing,
    users: dict[str, Account],
    seeded: Seeded,
    system: LocalSystem,
    readers: Readers,
) -> None:
    found: list[str] = []
    number = sorted(seeded.numbers("9101") - {seeded.number_of(CELIK)})[0]
    case = seeded.case_ids[number]
    async with httpx.AsyncClient(
        base_url=system.url("gateway"), headers=await readers.headers("9101"), timeout=10
    ) as api:
        listed: dict[str, Any] = {}

        async def letters_made() -> bool:
            answer = await api.get(f"/api/v1/cases/{case}/correspondence")
            kinds = {item["kind"] for item in answer.json()["letters"]} if answer.is_success else {}
            listed.update(answer.json() if answer.is_success else {})
            return {"acknowledgement", "data_invitation"} <= set(kinds)

        await eventually(letters_made, seconds=90)

    page = await _with_axe(await browsing.signed_in(users["proefdorp"]))
    await page.goto(f"/ui/cases/{case}")
    letters = page.locator("#brieven")
    await expect(letters.get_by_role("heading", name="Brieven", exact=True)).to_be_visible()
    rows = letters.locator("table.letters tbody tr")
    await expect(rows.filter(has_text="Ontvangstbevestiging")).not_to_have_count(0)
    await expect(rows.filter(has_text="Uitnodiging gegevens aanleveren")).not_to_have_count(0)
    await expect(letters).not_to_contain_text("Akkoord en verzenden")
    first = listed["letters"][0]
    link = letters.locator(f'a[href^="/ui/brieven/{first["id"]}/inhoud"]').first
    await expect(link).to_be_visible()
    shown = await page.request.get(await link.get_attribute("href") or "")
    assert shown.status == 200, await shown.text()
    assert shown.headers["content-type"].startswith(("application/pdf", "text/html"))
    found.extend(await _violations(page))
    await screenshot(page, "case-letters")

    await page.get_by_label("Wat moet de inwoner sturen?").fill("")
    await page.get_by_role("button", name="Informatie opvragen").click()
    await expect(page.locator("#request_items-fout")).to_contain_text("Schrijf op wat")
    found.extend(await _violations(page))
    await screenshot(page, "case-letters-request-refused")

    await page.get_by_label("Wat moet de inwoner sturen?").fill(
        "Loonstrook oktober\nBankafschrift november"
    )
    await expect(page.get_by_label("Termijn in dagen")).to_have_value("14")
    await page.get_by_label("Bericht aan de inwoner (optioneel)").fill("Graag binnen de termijn.")
    await page.get_by_role("button", name="Informatie opvragen").click()
    await expect(page.get_by_role("status")).to_contain_text(
        "Het verzoek om informatie is verstuurd"
    )
    letters = page.locator("#brieven")
    await expect(letters).to_contain_text("Loonstrook oktober")
    await expect(letters).to_contain_text("Tot en met")
    await expect(letters).to_contain_text("Einde hersteltermijn")
    await expect(letters.locator("table.letters")).to_contain_text("Verzoek om informatie")
    found.extend(await _violations(page))
    await screenshot(page, "case-letters-information-requested")
    assert found == [], "\n".join(found)


async def test_the_functioneel_beheerder_edits_a_template(
    browsing: Browsing, users: dict[str, Account], seeded: Seeded
) -> None:
    found: list[str] = []
    number = sorted(seeded.numbers("9101"))[0]
    page = await _with_axe(await browsing.signed_in(users["beheerder"]))
    await page.goto("/ui/")
    await (
        page.get_by_role("navigation", name="Hoofdmenu")
        .get_by_role("link", name="Sjablonen")
        .click()
    )
    await expect(page.get_by_role("heading", name="Sjablonen", exact=True)).to_be_visible()
    await page.get_by_role("link", name="Proefdorp (9101)").click()
    await expect(page.get_by_role("heading", name="Sjablonen Proefdorp")).to_be_visible()
    found.extend(await _violations(page))
    await screenshot(page, "templates-list")

    await page.get_by_role("link", name=re.compile("Besluit: afgewezen, post$")).click()
    await expect(page.get_by_role("heading", name="Besluit: afgewezen: post")).to_be_visible()
    fields = page.locator("table.merge-fields")
    await expect(fields).to_contain_text("$AANVRAAGNUMMER$")
    body = page.get_by_label("Tekst (HTML)")
    original = await body.input_value()
    assert "$" in original

    await body.fill(original + "<p>$ONBEKEND_VELD$</p>")
    await page.get_by_role("button", name="Opslaan als nieuwe versie").click()
    await expect(page.locator("#body-fout")).to_contain_text("ONBEKEND_VELD")
    await expect(page.get_by_label("Tekst (HTML)")).to_have_value(
        re.compile(re.escape("$ONBEKEND_VELD$"))
    )
    found.extend(await _violations(page))
    await screenshot(page, "template-edit-refused")

    await page.get_by_label("Tekst (HTML)").fill(original + "<p>Kenmerk: $AANVRAAGNUMMER$</p>")
    await page.get_by_label("Voorbeeld op case").fill(number)
    await page.get_by_role("button", name="Voorbeeld", exact=True).click()
    preview = page.locator("#voorbeeld")
    await expect(preview.get_by_role("heading", name=re.compile("^Voorbeeld"))).to_be_visible()
    frame = page.frame_locator("iframe.preview-frame")
    await expect(frame.locator("body")).to_contain_text(f"Kenmerk: {number}")
    form = preview.locator("form")
    action = await form.get_attribute("action") or ""
    assert action.endswith("/voorbeeld.pdf")
    posted = {
        name: await form.locator(f'input[name="{name}"]').input_value()
        for name in ("csrf_token", "case", "subject", "body")
    }
    pdf = await page.request.post(action, form=posted)
    assert pdf.status == 200, await pdf.text()
    assert pdf.headers["content-type"] == "application/pdf"
    assert (await pdf.body()).startswith(b"%PDF")
    found.extend(await _violations(page))
    await screenshot(page, "template-edit-preview")
    await preview.scroll_into_view_if_needed()
    await preview.screenshot(
        path=str(SCREENSHOTS / "template-edit-preview-frame.png"), caret="initial"
    )

    await page.get_by_label("Tekst (HTML)").fill(original + "<p>Kenmerk: $AANVRAAGNUMMER$</p>")
    await page.get_by_role("button", name="Opslaan als nieuwe versie").click()
    await expect(page.get_by_role("status")).to_contain_text(
        "Het sjabloon is opgeslagen als nieuwe versie."
    )
    versions = page.locator("section", has=page.get_by_role("heading", name="Versies"))
    await expect(versions.locator("tbody tr")).not_to_have_count(0)
    found.extend(await _violations(page))
    await screenshot(page, "template-edit-saved")
    assert found == [], "\n".join(found)
