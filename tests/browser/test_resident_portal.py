"""A resident uploads evidence on a phone (390 px wide) in Debian's Chromium, through the
gateway of the whole system: the link's page, two files at once with progress, the receipt,
the case listing them in the public API, and the link refused once the case is closed."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pikepdf
from PIL import Image
from playwright.async_api import expect

from contracts.base import Envelope
from contracts.cases import CaseStatusChanged
from demodata.system import LocalSystem
from servicekit.bus import Bus
from tests.e2e_support import api_key, eventually

from .conftest import CELIK, Browsing, Seeded, screenshot
from .test_accessibility import AXE, _violations

PHONE = {"width": 390, "height": 844}


def _pdf(path: Path) -> None:
    document = pikepdf.new()
    document.add_blank_page()
    document.save(path)


def _photo(path: Path) -> None:
    image = Image.new("RGB", (120, 90), (30, 90, 160))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (52.0, 9.0, 0.0), 3: "E", 4: (4.0, 29.0, 0.0)}
    image.save(path, format="JPEG", exif=exif.tobytes())


async def _close(system: LocalSystem, case_id: str, municipality: str) -> None:
    """Close the case as the cases service announces it (its workflow is not what is tested)."""
    event = CaseStatusChanged(
        case_id=uuid.UUID(case_id),
        kind="application",
        municipality_code=municipality,
        from_status="decided_granted",
        to_status="closed",
        transition="closed",
        changed_at=datetime.now(UTC),
        actor="behandelaar@proefdorp",
    )
    bus = Bus(system.amqp_url, service="browser-test")
    await bus.connect()
    try:
        await bus.publish_envelope(
            event.routing_key(), Envelope.wrap(event, correlation_id=uuid.uuid4().hex)
        )
    finally:
        await bus.close()


async def test_a_resident_uploads_two_files_on_a_phone(
    browsing: Browsing, system: LocalSystem, seeded: Seeded, tmp_path: Path
) -> None:
    handler = await api_key(system, "9101", "behandelaar")
    # A case no other browser test uses: this one closes it (the first and the last are taken).
    number = sorted(seeded.numbers("9101") - {seeded.number_of(CELIK)})[2]
    case_id = seeded.case_ids[number]
    async with httpx.AsyncClient(
        base_url=system.url("gateway"), headers=handler, timeout=15
    ) as api:

        async def documents_know_the_case() -> bool:
            return (await api.get(f"/api/v1/cases/{case_id}/documents")).status_code == 200

        await eventually(documents_know_the_case)
        created = await api.post(
            f"/api/v1/cases/{case_id}/upload-links",
            json={
                "purpose": "income_evidence",
                "expires_at": (datetime.now(UTC) + timedelta(days=14)).isoformat(),
                "message": "Stuur uw loonstrook van november en een foto van uw bankpas.",
            },
        )
        assert created.status_code == 201, created.text
        link = created.json()["url"]
        assert link.startswith(system.url("gateway") + "/inwoner/upload/")

        context = await browsing.browser.new_context(
            viewport=PHONE, is_mobile=True, has_touch=True, locale="nl-NL"
        )
        browsing._contexts.append(context)
        await context.add_init_script(path=AXE)
        page = await context.new_page()
        browsing.watch(page)
        await page.goto(link)
        await expect(page.get_by_role("heading", name="Stuur uw bestanden")).to_be_visible()
        await expect(page.get_by_text("Stuur uw loonstrook van november")).to_be_visible()
        assert await page.evaluate("document.documentElement.scrollWidth <= innerWidth")
        found: list[str] = await _violations(page)
        await screenshot(page, "portal-upload-phone")

        _pdf(tmp_path / "loonstrook november.pdf")
        _photo(tmp_path / "bankpas.jpg")
        await page.get_by_label("Uw bestanden").set_input_files(
            [tmp_path / "loonstrook november.pdf", tmp_path / "bankpas.jpg"]
        )
        await page.get_by_role("button", name="Versturen").click()

        await expect(
            page.get_by_role("heading", name="Wij hebben uw bestanden ontvangen")
        ).to_be_visible()
        await expect(page.get_by_text("loonstrook november.pdf")).to_be_visible()
        await expect(page.get_by_text("bankpas.jpg")).to_be_visible()
        assert await page.evaluate("document.documentElement.scrollWidth <= innerWidth")
        found += await _violations(page)
        await screenshot(page, "portal-receipt-phone")

        listing = (await api.get(f"/api/v1/cases/{case_id}/documents")).json()["items"]
        # Beside the resident's files the case holds the letters correspondence archived.
        shown: list[tuple[Any, Any]] = sorted(
            (d["file_name"], d["source"]) for d in listing if d["source"] != "system"
        )
        assert shown == [("bankpas.jpg", "resident"), ("loonstrook november.pdf", "resident")]

        await _close(system, case_id, "9101")

        async def refused() -> bool:
            response = await api.get(link.removeprefix(system.url("gateway")))
            return response.status_code == 410

        await eventually(refused)
        await page.goto(link)
        await expect(page.get_by_role("heading", name="Uw aanvraag is afgerond")).to_be_visible()
        await expect(page.get_by_text("contact op met de gemeente Proefdorp")).to_be_visible()
        found += await _violations(page)
        await screenshot(page, "portal-closed-phone")
    assert found == []
