"""The staff screens as a case worker works from them, in Debian's Chromium against the whole
system: the MFA enrolment's QR code scans (decoded from a screenshot with zxing-cpp), no screen
spills off the page on a 1366 px screen or a 390 px phone, and no internal code shows where a
person reads words (names, municipalities, statuses, history actions)."""

from __future__ import annotations

import base64
import re

import pyotp
import zxingcpp
from playwright.async_api import Page, expect

from contracts.vocabulary import CATEGORY_LABEL, HISTORY_ACTION_LABEL, ROLE_LABEL, STATUS_LABEL
from demodata.system import LocalSystem

from .conftest import (
    CELIK,
    PASSWORD,
    Account,
    Browsing,
    Seeded,
    screenshot,
    submit_password,
)

WIDTHS = {"1366": (1366, 768), "390": (390, 844)}
ISSUER = "Gemeentepolis backoffice"

_GREY = """async (png) => {
  const image = new Image();
  image.src = "data:image/png;base64," + png;
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = image.naturalWidth;
  canvas.height = image.naturalHeight;
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  const rgba = context.getImageData(0, 0, canvas.width, canvas.height).data;
  const grey = new Uint8Array(canvas.width * canvas.height);
  for (let i = 0; i < grey.length; i++) {
    grey[i] = (rgba[4 * i] * 299 + rgba[4 * i + 1] * 587 + rgba[4 * i + 2] * 114) / 1000;
  }
  let text = "";
  for (let i = 0; i < grey.length; i += 8192) {
    text += String.fromCharCode.apply(null, grey.subarray(i, i + 8192));
  }
  return [canvas.width, canvas.height, btoa(text)];
}"""


async def _qr_codes_in(page: Page, browsing: Browsing) -> list[str]:
    """The texts of the QR codes in a screenshot of what the page shows (the viewport): the
    picture becomes grey pixels in a blank page of the browser (no Pillow or numpy needed)."""
    png = await page.screenshot(caret="initial")
    blank = await (await browsing.context()).new_page()
    width, height, grey = await blank.evaluate(_GREY, base64.b64encode(png).decode())
    pixels = memoryview(base64.b64decode(grey)).cast("B", (height, width))
    return [code.text for code in zxingcpp.read_barcodes(pixels, formats=zxingcpp.QRCode)]


async def test_the_mfa_enrolment_qr_code_scans_at_both_widths(
    browsing: Browsing, system: LocalSystem, seeded: Seeded
) -> None:
    username = "scanner@proefdorp"
    system.admin(
        "user",
        "create",
        "--org",
        "9101",
        "--role",
        "raadpleger",
        "--username",
        username,
        "--name",
        "Scanner",
        "--password",
        PASSWORD,
        "--no-password-change",
    )
    page = await browsing.page()
    await submit_password(page, username, PASSWORD)
    await expect(page.get_by_role("heading", name="Tweestapsverificatie instellen")).to_be_visible()
    secret = (await page.locator("code.secret").inner_text()).replace(" ", "")
    expected = pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)

    for name, (width, height) in WIDTHS.items():
        await page.set_viewport_size({"width": width, "height": height})
        await page.locator(".qr svg").scroll_into_view_if_needed()
        assert await _qr_codes_in(page, browsing) == [expected], f"at {name} px"
        await screenshot(page, f"mfa-enrol-{name}")


async def _spill(page: Page) -> int:
    """How many pixels the page is wider than the window (0: nothing spills off)."""
    width: int = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    return width


_OFFENDERS = """() => [...document.querySelectorAll("body *")]
  .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
  .filter((e) => !e.parentElement.closest(".table-scroll, input, select"))
  .sort((a, b) => b.getBoundingClientRect().right - a.getBoundingClientRect().right)
  .slice(0, 4)
  .map((e) => e.tagName.toLowerCase() + (e.className ? "." + e.className : "")
    + (e.id ? "#" + e.id : "") + " " + Math.round(e.getBoundingClientRect().width) + "px")"""


async def test_no_screen_spills_off_the_page_at_1366_or_390_pixels(
    browsing: Browsing, users: dict[str, Account], seeded: Seeded
) -> None:
    case = seeded.case_ids[seeded.number_of(CELIK)]
    screens = {
        "isd": [
            ("overview", "/ui/"),
            ("cases", "/ui/cases"),
            ("case", f"/ui/cases/{case}"),
            ("import", "/ui/heronderzoek"),
        ],
        "beheerder": [
            ("quarantine", "/ui/quarantaine"),
            ("users", "/ui/gebruikers"),
            ("parameters", "/ui/parameters/9101"),
        ],
        "auditor": [
            ("auditlog", "/ui/auditlog"),
            ("auditlog-security", "/ui/auditlog/beveiliging"),
        ],
    }
    spilled: list[str] = []
    for role, pages in screens.items():
        page = await browsing.signed_in(users[role])
        for width_name, (width, height) in WIDTHS.items():
            await page.set_viewport_size({"width": width, "height": height})
            for name, url in pages:
                await page.goto(url)
                await expect(page.locator("main h1")).to_be_visible()
                extra = await _spill(page)
                if extra > 0:
                    offenders = ", ".join(await page.evaluate(_OFFENDERS))
                    spilled.append(
                        f"{name} ({url}) at {width_name} px: {extra} px too wide ({offenders})"
                    )
                await screenshot(page, f"screen-{name}-{width_name}")
    assert spilled == [], "\n".join(spilled)


def _known_codes() -> set[str]:
    """Internal codes of the vocabulary a person should never read on a screen: statuses,
    categories, history actions and roles (the roles that are also Dutch words, such as
    *behandelaar*, only with an underscore or in English: they may be part of a name)."""
    codes = {str(code) for table in (STATUS_LABEL, CATEGORY_LABEL) for code in table}
    codes |= {str(code) for code in HISTORY_ACTION_LABEL}
    codes |= {str(role) for role in ROLE_LABEL if "_" in str(role) or role in ("system",)}
    return codes


_SUBJECT = re.compile(r"\b(?:user|api-key|key|service):\S+")


def _raw_codes(text: str, codes: set[str]) -> list[str]:
    found = [code for code in codes if re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text)]
    return sorted(found) + _SUBJECT.findall(text)


async def test_a_behandelaar_reads_names_and_words_never_internal_codes(
    browsing: Browsing, users: dict[str, Account], seeded: Seeded
) -> None:
    account = users["proefdorp"]
    number = sorted(seeded.numbers("9101") - {seeded.number_of(CELIK)})[0]
    case = seeded.case_ids[number]
    page = await browsing.signed_in(account)
    await page.goto(f"/ui/cases/{case}")
    await page.get_by_label("Nieuwe memo").fill("Gebeld over de loonstroken.")
    await page.get_by_role("button", name="Memo toevoegen").click()
    await expect(page.locator(".memos")).to_contain_text("Gebeld over de loonstroken.")
    await page.get_by_role("button", name="Aan mij toewijzen").click()
    await expect(page.get_by_role("status")).to_contain_text("De case is aan u toegewezen.")

    name = account.username.split("@")[0].capitalize()
    facts = page.locator(".facts").first
    await expect(facts).to_contain_text("Proefdorp")
    await expect(facts).to_contain_text(f"U ({name})")
    await expect(page.locator(".memos")).to_contain_text(name)
    history = page.locator("#geschiedenis-kop + .table-scroll table")
    await expect(history).to_contain_text("Memo toegevoegd")
    await expect(history.get_by_role("cell", name="Systeem").first).to_be_visible()
    await expect(history.get_by_role("cell", name=name, exact=True).first).to_be_visible()

    codes = _known_codes()
    found: list[str] = []
    for url in (
        "/ui/",
        "/ui/cases",
        "/ui/cases?assigned_to=me",
        "/ui/cases?on_hold=true",
        f"/ui/cases/{case}",
        f"/ui/cases/{seeded.case_ids[seeded.number_of(CELIK)]}",
        "/ui/heronderzoek",
        "/ui/wachtwoord",
    ):
        await page.goto(url)
        await expect(page.locator("main h1")).to_be_visible()
        text = await page.locator("body").inner_text()
        found.extend(f"{url}: {code}" for code in _raw_codes(text, codes))
    assert found == [], "internal codes on screen:\n" + "\n".join(found)

    await page.goto("/ui/cases")
    column = await page.locator("table.table thead th").all_inner_texts()
    where = column.index("Gemeente") + 1
    shown = await page.locator(f"table.table tbody td:nth-child({where})").all_inner_texts()
    assert set(shown) == {"Proefdorp"}


async def test_the_case_list_counts_names_pages_and_finds_part_of_a_number(
    browsing: Browsing, users: dict[str, Account], seeded: Seeded
) -> None:
    page = await browsing.signed_in(users["proefdorp"])
    number = seeded.number_of(CELIK)
    await page.goto("/ui/cases")
    rows = page.locator("table.table tbody tr")
    count = await rows.count()
    await expect(page.get_by_role("heading", name=f"{count} cases gevonden")).to_be_visible()
    await expect(page.get_by_role("link", name="Alle cases")).to_have_attribute(
        "aria-current", "page"
    )
    await expect(rows.filter(has_text=number)).to_contain_text(CELIK)
    await expect(rows.filter(has_text=number)).to_contain_text("Proefdorp")

    await page.get_by_role("link", name="In afwachting").click()
    await expect(page.get_by_role("link", name="In afwachting")).to_have_attribute(
        "aria-current", "page"
    )
    await expect(page.get_by_text("Filter: In afwachting.")).to_be_visible()

    serial = number.rsplit("-", 1)[1]
    for query in (serial, "2026-" + serial):
        await page.goto("/ui/cases")
        await page.get_by_role("searchbox", name="Zoeken").fill(query)
        await page.get_by_role("button", name="Zoeken").click()
        await expect(page.get_by_role("heading", name="1 case gevonden")).to_be_visible()
        await expect(rows).to_have_count(1)
        await expect(rows.first).to_contain_text(number)

    await rows.first.get_by_role("link", name=number).click()
    term = page.locator(".facts dd.deadline")
    await expect(term).to_contain_text("8 weken na ontvangst op")
    await expect(term).to_contain_text(
        re.compile(r"nog \d+ dag|verloopt vandaag|\d+ dagen? verlopen")
    )
