"""The resident's side of Ockto in Debian's Chromium, on a phone-sized screen: the invitation
link of a seeded case opens the simulator's page, the resident picks a situation and consents,
and the case's assessment shows the advice that follows from the delivery."""

from __future__ import annotations

from typing import Any

import httpx
from playwright.async_api import Browser, expect

from demodata.system import LocalSystem
from tests.e2e_support import api_key, eventually

from .conftest import Seeded, screenshot

PHONE = {"width": 390, "height": 844}


async def test_a_resident_consents_on_a_phone_and_the_advice_follows(
    browser: Browser, system: LocalSystem, seeded: Seeded
) -> None:
    handler = await api_key(system, "9101", "behandelaar")
    case_id = seeded.case_ids[sorted(seeded.numbers("9101"))[0]]
    async with httpx.AsyncClient(
        base_url=system.url("gateway"), headers=handler, timeout=10
    ) as api:
        seen: dict[str, Any] = {}

        async def invited() -> bool:
            response = await api.get(f"/api/v1/cases/{case_id}/assessment")
            seen.update(response.json() if response.status_code == 200 else {})
            return any(s["state"] == "invited" for s in seen.get("sessions", []))

        await eventually(invited)
        url = next(s["url"] for s in seen["sessions"] if s["state"] == "invited")
        context = await browser.new_context(viewport=PHONE, locale="nl-NL", is_mobile=True)
        page = await context.new_page()
        await page.goto(url)
        await expect(
            page.get_by_role("heading", name="Gegevens delen met uw gemeente")
        ).to_be_visible()
        await page.get_by_label("Ik heb spaargeld boven de grens").check()
        await page.get_by_role("button", name="Gegevens delen").click()
        await expect(page.get_by_role("alert")).to_contain_text("geef toestemming")
        await page.get_by_label("Ik heb spaargeld boven de grens").check()
        await page.get_by_label(
            "Ik geef toestemming om deze gegevens te delen met de gemeente."
        ).check()
        await screenshot(page, "ockto-simulator-toestemming")
        await page.get_by_role("button", name="Gegevens delen").click()
        await expect(page.get_by_role("heading", name="Gelukt")).to_be_visible()
        await context.close()

        async def advised() -> bool:
            response = await api.get(f"/api/v1/cases/{case_id}/assessment")
            seen.update(response.json())
            return seen.get("advice") is not None

        await eventually(advised)
    assert seen["advice"]["advice"] == "reject"
    assert "assets_above_limit" in seen["advice"]["reasons"]
    assert any("vermogensgrens" in line for line in seen["advice"]["explanation"])
