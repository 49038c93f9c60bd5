"""The journeys of issue 13, end to end in Debian's Chromium against the whole system as
`make up` starts it (the real services, Typst, the Ockto simulator, the mail catcher).

Each journey follows one resident's application from the website to the letter that ends it,
as the people involved see it: the behandelaar and the beslisser in the staff screens, the
resident on a phone in the Ockto simulator, and the e-mails the SMTP server catches. Every step
leaves a screenshot in `artifacts/screenshots/journeys/`; the Dutch user guide
(`docs/handleiding/`) shows some of them, and `UPDATE_GUIDE_SCREENSHOTS=1` copies those into
`docs/handleiding/img/` so the guide stays true when the screens change.

The journeys use municipalities of their own (94xx, the ISD `isd-reisroute`), so no other
e2e test changes their numbers. Steps that are not the point of a journey are set up through
the public API, as `demodata.stages` does.
"""

from __future__ import annotations

import copy
import io
import json
import os
import random
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from PIL import Image
from playwright.async_api import Browser, Locator, Page, ViewportSize, expect
from pypdf import PdfReader

from demodata.applications import ApplicationFactory, valid_bsn
from demodata.system import ROOT, LocalSystem
from tests.e2e_support import api_key, eventually, publish_as_website

from .conftest import SCREENSHOTS, Account, Browsing
from .test_case_documents_and_advice import _pdf as minimal_pdf

AMSTERDAM = ZoneInfo("Europe/Amsterdam")  # the day and term the screens show are local

e2e = pytest.mark.e2e
"""On each journey, not on the module: the guide's check below needs no system."""

JOURNEYS = SCREENSHOTS / "journeys"
GUIDE = ROOT / "docs" / "handleiding"
GUIDE_IMAGES = GUIDE / "img"
PHONE: ViewportSize = {"width": 390, "height": 844}
SLOW = 180_000
"""Milliseconds a screen may take to show what the system did: the machine is shared."""

ISD = "isd-reisroute"
MUNICIPALITIES = {
    "9401": "Reisdorp",  # checks vooraf (the default)
    "9402": "Routeveen",  # re-examinations
    "9403": "Achterhoven",  # checks achteraf
    "9404": "Basisstad",  # licence Basis
    "9405": "Extraveen",  # licence Extra
    "9406": "Premiumdorp",  # licence Premium with the Module Rechtmatigheid
}
LICENCES = {
    "9404": ["basis"],
    "9405": ["extra"],
    "9406": ["premium", "--addon", "rechtmatigheid"],
}
# Session ids are URL-safe base64: letters, digits, "_" and "-".
OCKTO_LINK = re.compile(r"https?://\S+/sessie/oks_[\w-]+")
ACCOUNTS = {
    "behandelaar": Account("behandelaar@isd-reisroute", "behandelaar", ISD),
    "beslisser": Account("beslisser@isd-reisroute", "beslisser", ISD),
    "beheerder": Account("beheerder@isd-reisroute", "functioneel_beheerder", ISD),
    "auditor": Account("auditor@isd-reisroute", "auditor", ISD),
    "operator": Account("operator@reisroute", "operator", "platform"),
}


def _create(account: Account) -> list[str]:
    return [
        "user",
        "create",
        "--org",
        account.organisation,
        "--role",
        account.role,
        "--username",
        account.username,
        "--name",
        account.username.split("@")[0].capitalize(),
        "--password",
        account.password,
        "--totp-secret",
        account.secret,
        "--no-password-change",
    ]


class Route:
    """The journeys' organisations, accounts, API keys and mail box."""

    def __init__(self, system: LocalSystem, keys: dict[str, dict[str, str]]) -> None:
        self.system = system
        self.keys = keys
        self.api = httpx.AsyncClient(base_url=system.url("gateway"), timeout=30)
        self._number = 9_400_000

    async def apply(self, code: str, last_name: str) -> dict[str, Any]:
        """An application through the website (see `application`)."""
        body = self.application(code, last_name)
        await publish_as_website(self.system.amqp_url, [json.dumps(body).encode()])
        return dict(body["application"])

    def application(self, code: str, last_name: str) -> dict[str, Any]:
        """The website's message of one adult with an e-mail address who consents to the
        data retrieval."""
        self._number += 1000
        factory = ApplicationFactory(seed=self._number, number_offset=self._number)
        body = factory.application(code, city=MUNICIPALITIES[code], submitted_at=datetime.now(UTC))
        application = body["application"]
        application["applicant"]["last_name"] = last_name
        application["applicant"]["email"] = f"{last_name.lower()}.{uuid.uuid4().hex[:8]}@example.nl"
        application["partner"] = None
        application["declared_monthly_net_income"]["partner"] = None
        application["consent_data_retrieval"] = True
        return body

    async def case_id(self, code: str, number: str) -> str:
        found: dict[str, str] = {}

        async def opened() -> bool:
            page = await self.api.get(
                "/api/v1/cases",
                params={"municipality": code, "q": number},
                headers=self.keys["behandelaar"],
            )
            items = page.json()["items"] if page.status_code == 200 else []
            if items:
                found["id"] = str(items[0]["id"])
            return bool(found)

        await eventually(opened, seconds=SLOW / 1000)
        return found["id"]

    async def assessment(self, case: str) -> dict[str, Any]:
        answer = await self.api.get(
            f"/api/v1/cases/{case}/assessment", headers=self.keys["behandelaar"]
        )
        return dict(answer.json()) if answer.status_code == 200 else {}

    async def status(self, case: str) -> str:
        answer = await self.api.get(f"/api/v1/cases/{case}", headers=self.keys["behandelaar"])
        return str(answer.json().get("status")) if answer.status_code == 200 else ""

    def mails_to(self, address: str) -> list[EmailMessage]:
        mail = self.system.start_mail()
        return [item.message() for item in mail.received() if address in item.recipients]

    async def mails(
        self, address: str, enough: Callable[[list[EmailMessage]], bool]
    ) -> list[EmailMessage]:
        async def arrived() -> bool:
            return enough(self.mails_to(address))

        try:
            await eventually(arrived, seconds=SLOW / 1000)
        except AssertionError:
            seen = [str(m.get("Subject")) for m in self.mails_to(address)]
            raise AssertionError(f"mails to the resident so far: {seen}") from None
        return self.mails_to(address)


@pytest.fixture(scope="module")
async def route(system: LocalSystem) -> AsyncIterator[Route]:
    commands = [["org", "add-municipality", code, name] for code, name in MUNICIPALITIES.items()]
    commands.append(["org", "add-isd", ISD, "ISD Reisroute", "--members", ",".join(MUNICIPALITIES)])
    commands.extend(_create(account) for account in ACCOUNTS.values())
    commands.extend(["org", "set-licence", code, *given] for code, given in LICENCES.items())
    system.admin_all(*commands)
    system.wait_until_municipalities_known(tuple(MUNICIPALITIES), seconds=SLOW / 1000)
    keys = {
        "behandelaar": await api_key(system, ISD, "behandelaar", label="journeys"),
        "beslisser": await api_key(system, ISD, "beslisser", label="journeys"),
        "functioneel_beheerder": await api_key(
            system, ISD, "functioneel_beheerder", label="journeys"
        ),
    }
    journeys = Route(system, keys)
    try:
        yield journeys
    finally:
        await journeys.api.aclose()


@pytest.fixture
async def staff(browser: Browser, system: LocalSystem) -> AsyncIterator[Browsing]:
    """Staff browsers whose sign-ins last the module (`_STATES`); no script error allowed."""
    browsing = Browsing(browser=browser, base_url=system.url("gateway"), _states=_STATES)
    expect.set_options(timeout=SLOW)
    try:
        yield browsing
    finally:
        expect.set_options(timeout=5_000)
        await browsing.close()
    assert browsing.console_errors == [], "script errors in the console:\n" + (
        "\n".join(browsing.console_errors)
    )


_STATES: dict[str, Any] = {}


def guide_images() -> set[str]:
    """The screenshots the guide's pages show (`img/<name>.png`)."""
    return {
        name
        for page in GUIDE.glob("*.md")
        for name in re.findall(r"\(img/([\w.-]+\.png)\)", page.read_text(encoding="utf-8"))
    }


async def shot(page: Page, name: str) -> None:
    """A screenshot of the step; copied into the guide when asked and the guide shows it."""
    JOURNEYS.mkdir(parents=True, exist_ok=True)
    path = JOURNEYS / f"{name}.png"
    # caret="initial": see conftest.screenshot (htmx would copy the hidden caret's style).
    await page.screenshot(path=str(path), full_page=True, caret="initial")
    if os.environ.get("UPDATE_GUIDE_SCREENSHOTS") == "1" and path.name in guide_images():
        copy_into_guide(path)


def copy_into_guide(path: Path) -> None:
    """A screenshot into the guide, in 128 colours: a third of the size in the repository,
    and screens of flat colours look the same."""
    GUIDE_IMAGES.mkdir(parents=True, exist_ok=True)
    with Image.open(path) as image:
        image.convert("RGB").quantize(colors=128).save(GUIDE_IMAGES / path.name, optimize=True)


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None, "every e-mail has a plain-text part"
    return str(part.get_content())


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF"), content[:80]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return re.sub(r"\s+", " ", text)


def attachments(message: EmailMessage) -> list[bytes]:
    return [
        bytes(part.get_content())
        for part in message.iter_attachments()
        if part.get_content_type() == "application/pdf"
    ]


async def show_mail(staff: Browsing, message: EmailMessage, name: str) -> None:
    """The e-mail as the resident's mail program shows its HTML part."""
    part = message.get_body(preferencelist=("html", "plain"))
    assert part is not None
    html = str(part.get_content())
    if part.get_content_type() == "text/plain":
        html = f"<pre>{html}</pre>"
    context = await staff.browser.new_context(viewport={"width": 800, "height": 900})
    try:
        page = await context.new_page()
        header = f"<p><b>Onderwerp:</b> {message.get('Subject')}</p><hr>"
        await page.set_content(header + html)
        await shot(page, name)
    finally:
        await context.close()


async def reload_until(page: Page, shown: Callable[[], Awaitable[bool]]) -> None:
    """Reload the page until what another service does shows on it."""

    async def there() -> bool:
        await page.reload()
        return await shown()

    await eventually(there, seconds=SLOW / 1000)


def showing(rows: Locator, text: str) -> Callable[[], Awaitable[bool]]:
    """Whether the first of `rows` shows `text` (for `reload_until`: a page shows what was so
    when it loaded, and a letter goes from rendered to sent in between)."""

    async def shown() -> bool:
        return await rows.count() > 0 and text in await rows.first.inner_text()

    return shown


async def resident_shares(staff: Browsing, url: str, situation: str, name: str) -> None:
    """The resident opens the Ockto link on a phone, picks a situation and consents."""
    context = await staff.browser.new_context(viewport=PHONE, locale="nl-NL", is_mobile=True)
    try:
        page = await context.new_page()
        await page.goto(url)
        await expect(
            page.get_by_role("heading", name="Gegevens delen met uw gemeente")
        ).to_be_visible()
        await page.get_by_label(situation).check()
        await page.get_by_label(
            "Ik geef toestemming om deze gegevens te delen met de gemeente."
        ).check()
        await shot(page, f"{name}-telefoon-toestemming")
        await page.get_by_role("button", name="Gegevens delen").click()
        await expect(page.get_by_role("heading", name="Gelukt")).to_be_visible()
        await shot(page, f"{name}-telefoon-gelukt")
    finally:
        await context.close()


async def received_and_invited(
    route: Route, staff: Browsing, application: dict[str, Any], name: str
) -> tuple[str, str]:
    """The acknowledgement and the Ockto invitation reach the resident; the behandelaar sees
    the case waiting for data. Returns the case id and the Ockto link."""
    address = application["applicant"]["email"]
    code = application["municipality_code"]
    case = await route.case_id(code, application["application_number"])
    mails = await route.mails(
        address,
        lambda mails: len(mails) >= 2 and any(OCKTO_LINK.search(text_of(m)) for m in mails),
    )
    invitation = next(m for m in mails if OCKTO_LINK.search(text_of(m)))
    acknowledgement = next(m for m in mails if m is not invitation)
    assert application["application_number"] in text_of(acknowledgement)
    await show_mail(staff, acknowledgement, f"{name}-mail-ontvangstbevestiging")
    await show_mail(staff, invitation, f"{name}-mail-uitnodiging-ockto")
    link = OCKTO_LINK.search(text_of(invitation))
    assert link is not None

    page = await staff.signed_in(ACCOUNTS["behandelaar"])
    await page.goto(f"/ui/cases/{case}")
    letters = page.locator("#brieven table.letters")
    await expect(letters).to_contain_text("Ontvangstbevestiging")
    await expect(letters).to_contain_text("Uitnodiging gegevens aanleveren")
    await expect(page.locator("#advies")).to_contain_text("Uitgenodigd: wacht op de inwoner")
    await shot(page, f"{name}-case-wacht-op-gegevens")
    return case, link.group(0)


async def advised(route: Route, staff: Browsing, case: str, advice: str, name: str) -> None:
    """The advice shows on the case; the behandelaar cannot decide."""

    async def has_advice() -> bool:
        return (await route.assessment(case)).get("advice") is not None

    await eventually(has_advice, seconds=SLOW / 1000)
    page = await staff.signed_in(ACCOUNTS["behandelaar"])
    await page.goto(f"/ui/cases/{case}")
    section = page.locator("#advies")
    await expect(section.locator(".advice-result")).to_contain_text(f"Advies: {advice}")
    await expect(section.get_by_role("button", name="Besluit vastleggen")).to_have_count(0)
    await shot(page, f"{name}-advies")


async def decided_and_sent(
    route: Route,
    staff: Browsing,
    application: dict[str, Any],
    case: str,
    outcome: str,
    name: str,
    reason: str | None = None,
) -> tuple[str, EmailMessage | None]:
    """The beslisser decides as advised, previews the decision letter and approves it; the
    letter's PDF is on the case and the e-mail (with the PDF) reaches the resident. Returns
    the letter's text and the e-mail."""
    decider = await staff.signed_in(ACCOUNTS["beslisser"])
    await decider.goto(f"/ui/cases/{case}")
    await decider.get_by_label(outcome, exact=True).check()
    if reason is not None:
        await decider.get_by_label(reason, exact=True).check()
    await shot(decider, f"{name}-besluit-invullen")
    await decider.get_by_role("button", name="Besluit vastleggen").click()
    await expect(decider.get_by_role("status")).to_contain_text("Het besluit is vastgelegd.")
    await expect(decider.locator("#advies .decision")).to_contain_text(
        "Toegekend" if outcome == "Toekennen" else "Afgewezen"
    )
    await expect(decider.locator("#advies .decision")).to_contain_text(
        "het besluit volgt het advies"
    )
    kind = "Besluit: toegekend" if outcome == "Toekennen" else "Besluit: afgewezen"
    subject = (
        "Besluit: u krijgt de bijdrage" if outcome == "Toekennen" else "Besluit: u krijgt geen"
    )
    return await letter_approved(route, staff, decider, application, case, kind, subject, name)


async def letter_approved(
    route: Route,
    staff: Browsing,
    decider: Page,
    application: dict[str, Any],
    case: str,
    kind: str,
    subject: str,
    name: str,
) -> tuple[str, EmailMessage | None]:
    """The beslisser previews the drafted decision letter and approves it; its PDF is on the
    case and the e-mail with the PDF reaches the resident (a letter by post goes into the
    day's print batch). Returns the letter's text and the e-mail."""
    preview = decider.get_by_role("link", name=re.compile("^Besluitbrief bekijken"))
    await reload_until(decider, preview.is_visible)
    await expect(decider.locator("#besluitbrief-kop")).to_have_text(
        "Besluitbrief wacht op uw akkoord"
    )
    await shot(decider, f"{name}-besluitbrief-wacht-op-akkoord")
    shown = await decider.request.get(await preview.get_attribute("href") or "")
    assert shown.status == 200, await shown.text()
    letter = pdf_text(await shown.body())
    assert application["application_number"] in letter
    assert "Bent u het niet eens met dit besluit?" in letter

    await decider.get_by_role("button", name="Akkoord en verzenden").click()
    await expect(decider.get_by_role("status")).to_contain_text(
        "Akkoord gegeven: de besluitbrief wordt verzonden."
    )
    row = decider.locator("#brieven table.letters tbody tr").filter(has_text=kind)
    pdf_link = row.get_by_role("link", name=re.compile("^PDF bekijken"))
    await reload_until(decider, pdf_link.first.is_visible)
    await expect(row.first).to_contain_text("Akkoord: Beslisser")
    await shot(decider, f"{name}-besluitbrief-verzonden")
    stored = await decider.request.get(await pdf_link.first.get_attribute("href") or "")
    assert stored.status == 200, await stored.text()
    assert application["application_number"] in pdf_text(await stored.body())

    address = application["applicant"].get("email")
    if not address:
        return letter, None  # by post: in the day's print batch
    await reload_until(decider, showing(row, "Verzonden"))
    mails = await route.mails(
        address, lambda mails: any(str(m.get("Subject")).startswith(subject) for m in mails)
    )
    decision = next(m for m in mails if str(m.get("Subject")).startswith(subject))
    assert attachments(decision), "the decision letter is attached as PDF"
    await show_mail(staff, decision, f"{name}-mail-besluit")
    return letter, decision


@e2e
async def test_journey_1_website_application_granted(route: Route, staff: Browsing) -> None:
    """Checked vooraf: acknowledgement and Ockto invitation by e-mail, the resident shares
    wages under the limit on a phone, advice Toekennen, the beslisser grants and approves the
    letter, which goes out by e-mail with its PDF."""
    application = await route.apply("9401", "Reiziger")
    case, link = await received_and_invited(route, staff, application, "reis1")
    await resident_shares(
        staff, link, "Ik werk in loondienst en verdien minder dan de grens", "reis1"
    )
    await advised(route, staff, case, "Toekennen", "reis1")
    letter, mail = await decided_and_sent(route, staff, application, case, "Toekennen", "reis1")
    assert "U krijgt de bijdrage" in letter
    assert mail is not None
    assert "bezwaar" in text_of(mail).lower() or "bezwaar" in letter.lower()

    async def granted() -> bool:
        return await route.status(case) == "decided_granted"

    await eventually(granted, seconds=SLOW / 1000)


@e2e
async def test_journey_2_savings_above_the_limit_rejected(route: Route, staff: Browsing) -> None:
    """The same with savings above the limit: advice Afwijzen, the beslisser rejects with the
    reason, and the letter says why in plain Dutch and how to object."""
    application = await route.apply("9401", "Spaarzaam")
    case, link = await received_and_invited(route, staff, application, "reis2")
    await resident_shares(staff, link, "Ik heb spaargeld boven de grens", "reis2")
    await advised(route, staff, case, "Afwijzen", "reis2")
    letter, _ = await decided_and_sent(
        route, staff, application, case, "Afwijzen", "reis2", reason="Vermogen te hoog"
    )
    assert "U krijgt de bijdrage niet" in letter
    assert "vermogensgrens" in letter
    # The objection clause (Awb 6:7): six weeks.
    assert "bezwaar" in letter.lower()
    assert "zes weken" in letter.lower() or "6 weken" in letter.lower()

    async def rejected() -> bool:
        return await route.status(case) == "decided_rejected"

    await eventually(rejected, seconds=SLOW / 1000)


async def decided_at_once(
    route: Route, staff: Browsing, application: dict[str, Any], name: str, basis: str
) -> None:
    """Decided by the system as the case opened: granted, no Ockto invitation, and the
    decision letter goes out without a beslisser's akkoord (with its PDF)."""
    case = await route.case_id(application["municipality_code"], application["application_number"])

    async def granted() -> bool:
        return await route.status(case) == "decided_granted"

    await eventually(granted, seconds=SLOW / 1000)
    mails = await route.mails(
        application["applicant"]["email"],
        lambda mails: any(
            str(m.get("Subject")).startswith("Besluit: u krijgt de bijdrage") for m in mails
        ),
    )
    decision = next(m for m in mails if str(m.get("Subject")).startswith("Besluit: u krijgt"))
    assert attachments(decision), "the decision letter is attached as PDF"
    assert not any(OCKTO_LINK.search(text_of(m)) for m in mails), "no Ockto invitation"
    letter = pdf_text(attachments(decision)[0])
    assert application["application_number"] in letter
    assert "Bent u het niet eens met dit besluit?" in letter
    await show_mail(staff, decision, f"{name}-mail-besluit")

    page = await staff.signed_in(ACCOUNTS["behandelaar"])
    await page.goto(f"/ui/cases/{case}")
    await expect(page.locator("#advies .decision")).to_contain_text("Toegekend")
    row = page.locator("#brieven table.letters tbody tr").filter(has_text="Besluit: toegekend")
    await expect(row.get_by_role("link", name=re.compile("^PDF bekijken"))).to_be_visible()
    await expect(page.locator("main")).to_contain_text(basis)
    await shot(page, f"{name}-besloten")


@e2e
async def test_journey_5_achteraf_toetsen_and_the_file_check(
    route: Route, staff: Browsing, system: LocalSystem
) -> None:
    """A municipality that checks afterwards, and a resident on the municipality's file check
    list: both applications are decided at once, and the letter goes out."""
    changed = await route.api.post(
        "/api/v1/municipalities/9403/parameters",
        json={"valid_from": datetime.now(UTC).date().isoformat(), "check_moment": "achteraf"},
        headers=route.keys["functioneel_beheerder"],
    )
    assert changed.status_code == 201, changed.text
    afterwards = await route.apply("9403", "Achteraf")
    await decided_at_once(route, staff, afterwards, "reis5a", "achteraf")

    body = route.application("9401", "Bestandscheck")
    bsn = body["application"]["applicant"]["bsn"]
    uploaded = await route.api.post(
        "/api/v1/municipalities/9401/file-check",
        files={"file": ("bestandscheck.csv", f"bsn\n{bsn}\n".encode(), "text/csv")},
        headers=route.keys["functioneel_beheerder"],
    )
    assert uploaded.status_code == 201, uploaded.text
    await publish_as_website(system.amqp_url, [json.dumps(body).encode()])
    await decided_at_once(route, staff, dict(body["application"]), "reis5b", "bestand")


@e2e
async def test_the_screens_of_each_role_for_the_guide(route: Route, staff: Browsing) -> None:
    """The screens the guide shows per role, each opened from the main menu."""
    menu_pages = {
        "behandelaar": [("Te doen", "rol-behandelaar-te-doen"), ("Cases", "rol-behandelaar-cases")],
        "beslisser": [("Te doen", "rol-beslisser-te-doen")],
        "beheerder": [
            ("Parameters", "rol-beheerder-parameters"),
            ("Sjablonen", "rol-beheerder-sjablonen"),
            ("Huisstijl", "rol-beheerder-huisstijl"),
            ("Gebruikers", "rol-beheerder-gebruikers"),
        ],
        "auditor": [("Auditlog", "rol-auditor-auditlog")],
        "operator": [
            ("Organisaties", "rol-operator-organisaties"),
            ("Geparkeerde berichten", "rol-operator-geparkeerd"),
        ],
    }
    for role, pages in menu_pages.items():
        page = await staff.signed_in(ACCOUNTS[role])
        for link, name in pages:
            await page.goto("/ui/")
            menu = page.get_by_role("navigation", name="Hoofdmenu")
            href = await menu.get_by_role("link", name=link, exact=True).get_attribute("href")
            assert href is not None
            await page.goto(href)
            await expect(page.get_by_role("heading", level=1)).to_contain_text(
                re.compile(link.split()[0], re.IGNORECASE)
            )
            await expect(page.locator("body")).not_to_contain_text("Er ging iets mis")
            await shot(page, name)


def test_every_image_the_guide_shows_exists() -> None:
    """Each `img/...png` a page of the guide shows is committed in `docs/handleiding/img/`."""
    pages = sorted(GUIDE.glob("*.md"))
    assert pages, "the guide has pages"
    shown = guide_images()
    assert shown, "the guide shows screenshots"
    missing = sorted(name for name in shown if not (GUIDE_IMAGES / name).is_file())
    assert missing == [], f"run the journeys with UPDATE_GUIDE_SCREENSHOTS=1 for: {missing}"
    for page in pages:
        for name in re.findall(r"\(img/([\w.-]+\.png)\)", page.read_text(encoding="utf-8")):
            assert f"artifacts/screenshots/journeys/{name}" in page.read_text(encoding="utf-8"), (
                f"{page.name} names where {name} comes from"
            )


CAMPAIGN = "Heronderzoek Reisroute"


RE_EXAMINATION_COLUMNS = (
    "bsn;initials;prefix;last_name;date_of_birth;street;house_number;house_number_suffix;"
    "postal_code;city;email;children_count"
)


@e2e
async def test_journey_3_re_examination_by_post_and_by_hand(
    route: Route, staff: Browsing, tmp_path: Path
) -> None:
    """A re-examination import, the campaign started, the invitation letters in the day's
    print batch; the resident uploads payslips through the portal on a phone, the behandelaar
    enters the figures by hand, the advice follows and the beslisser decides."""
    bsns = [valid_bsn(random.Random(9402 + i)) for i in range(2)]
    names = ("Heronderzocht", "Tweedelijst")
    rows = [
        f"{bsn};H.;;{name};1961-04-12;Stationsweg;{7 + i};;9402 AB;Routeveen;;0"
        for i, (bsn, name) in enumerate(zip(bsns, names, strict=True))
    ]
    upload = tmp_path / "heronderzoek-reisroute.csv"
    upload.write_text("\n".join([RE_EXAMINATION_COLUMNS, *rows]) + "\n", encoding="utf-8")

    page = await staff.signed_in(ACCOUNTS["behandelaar"])
    await page.goto("/ui/")
    await (
        page.get_by_role("navigation", name="Hoofdmenu")
        .get_by_role("link", name="Heronderzoek importeren")
        .click()
    )
    await page.get_by_label("Gemeente", exact=True).select_option("9402")
    await page.get_by_label("Campagne", exact=True).fill(CAMPAIGN)
    await page.get_by_label("Bestand", exact=True).set_input_files(upload)
    await shot(page, "reis3-import-kiezen")
    await page.get_by_role("button", name="Importeren").click()
    await expect(page.locator("main")).to_contain_text("heronderzoek-reisroute.csv")

    async def opened() -> bool:
        listed = await route.api.get(
            "/api/v1/cases",
            params={"municipality": "9402", "campaign": CAMPAIGN, "limit": "50"},
            headers=route.keys["behandelaar"],
        )
        return listed.status_code == 200 and len(listed.json()["items"]) >= len(rows)

    await eventually(opened, seconds=SLOW / 1000)
    await page.reload()
    await shot(page, "reis3-import-klaar")

    # A campaign cannot start without an invitation template (DOMAIN.md): the functioneel
    # beheerder writes Routeveen's.
    template = await route.api.put(
        "/api/v1/municipalities/9402/templates/re_examination_invitation/post",
        json={
            "subject": "Uitnodiging heronderzoek Gemeentepolis",
            "body": "<p>$AANHEF$,</p><p>Elk jaar kijken wij of u nog recht heeft op de bijdrage "
            "voor de Gemeentepolis. Stuur uw gegevens via $UPLOAD_LINK$.</p>",
        },
        headers=route.keys["functioneel_beheerder"],
    )
    assert template.status_code in (200, 201), template.text
    path = f"/api/v1/campaigns/9402/{CAMPAIGN}"

    async def started() -> bool:
        response = await route.api.post(path, headers=route.keys["behandelaar"])
        return response.status_code == 202

    await eventually(started, seconds=SLOW / 1000)

    async def completed() -> bool:
        progress = await route.api.get(path, headers=route.keys["behandelaar"])
        return progress.status_code == 200 and progress.json()["status"] == "completed"

    await eventually(completed, seconds=SLOW / 1000)
    await page.goto("/ui/campagnes")
    await page.locator("#gemeente").select_option("9402")
    await page.get_by_label("Naam van de campagne").fill(CAMPAIGN)
    await page.get_by_role("button", name="Voortgang tonen").click()
    await expect(page.locator("main")).to_contain_text("Post")
    await shot(page, "reis3-campagne-voortgang")

    batch = await page.request.get(
        "/ui/printbatches",
        params={"gemeente": "9402", "datum": datetime.now(AMSTERDAM).date().isoformat()},
    )
    assert batch.status == 200, await batch.text()
    printed = pdf_text(await batch.body())
    for name in names:
        assert name in printed, f"{name}'s invitation is in the day's print batch"

    found = await route.api.get(
        "/api/v1/cases",
        params={"municipality": "9402", "q": names[0]},
        headers=route.keys["behandelaar"],
    )
    case = str(found.json()["items"][0]["id"])
    await page.goto(f"/ui/cases/{case}")
    invitation = page.locator("#brieven table.letters tbody tr").filter(
        has_text="Uitnodiging heronderzoek"
    )
    await expect(invitation.first).to_contain_text("Printbatch")
    await shot(page, "reis3-case-uitnodiging-in-printbatch")

    created = await route.api.post(
        f"/api/v1/cases/{case}/upload-links",
        json={
            "purpose": "income_evidence",
            "expires_at": (datetime.now(UTC) + timedelta(days=14)).isoformat(),
            "message": "Stuur uw loonstroken van de laatste drie maanden.",
        },
        headers=route.keys["behandelaar"],
    )
    assert created.status_code == 201, created.text
    payslips = [tmp_path / f"loonstrook {month}.pdf" for month in ("september", "oktober")]
    for payslip in payslips:
        payslip.write_bytes(minimal_pdf())
    phone = await staff.browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="nl-NL"
    )
    try:
        resident = await phone.new_page()
        await resident.goto(created.json()["url"])
        await expect(resident.get_by_role("heading", name="Stuur uw bestanden")).to_be_visible()
        await resident.get_by_label("Uw bestanden").set_input_files(payslips)
        await shot(resident, "reis3-telefoon-portaal")
        await resident.get_by_role("button", name="Versturen").click()
        await expect(
            resident.get_by_role("heading", name="Wij hebben uw bestanden ontvangen")
        ).to_be_visible()
        await shot(resident, "reis3-telefoon-ontvangen")
    finally:
        await phone.close()

    documents = page.locator("#documenten tbody tr").filter(has_text="loonstrook oktober.pdf")
    await reload_until(page, documents.first.is_visible)
    await page.get_by_role("link", name=re.compile("handmatig", re.IGNORECASE)).first.click()
    await page.get_by_label("Soort inkomen").first.select_option("wages")
    await page.get_by_label("Betaler").first.fill("Bakkerij Van Dijk")
    await page.get_by_label("Netto bedrag").first.fill("1.250,00")
    await page.get_by_label("Periode van").first.fill("2026-10-01")
    await page.get_by_label("Periode tot en met").first.fill("2026-10-31")
    await page.get_by_label(re.compile("loonstrook oktober.pdf")).check()
    await shot(page, "reis3-handmatig-invoeren")
    await page.get_by_role("button", name="Gegevens opslaan").click()
    await expect(page.locator("#advies")).to_contain_text(
        "Dit advies gebruikt gegevens die handmatig ingevoerd zijn."
    )
    await expect(page.locator("#advies .advice-result")).to_contain_text("Advies: Toekennen")
    await shot(page, "reis3-advies")

    details = await route.api.get(f"/api/v1/cases/{case}", headers=route.keys["behandelaar"])
    application = {
        "application_number": str(details.json().get("application_number")),
        "applicant": {"email": None},
    }
    await decided_and_sent(route, staff, application, case, "Toekennen", "reis3")


async def letters_of(route: Route, case: str) -> list[dict[str, Any]]:
    answer = await route.api.get(
        f"/api/v1/cases/{case}/correspondence", headers=route.keys["behandelaar"]
    )
    return list(answer.json()["letters"]) if answer.status_code == 200 else []


@e2e
async def test_journey_6_one_case_under_three_licences(route: Route, staff: Browsing) -> None:
    """The same resident's application in a Basis, an Extra and a Premium municipality: only
    Premium invites through Ockto, Basis sends no e-mail (its acknowledgement goes by post)
    and refuses a decision, naming the licence; Extra sends e-mail and takes a decision."""
    operator = await staff.signed_in(ACCOUNTS["operator"])
    await operator.goto("/ui/organisaties")
    for code, licence in (("9404", "Basis"), ("9405", "Extra"), ("9406", "Premium")):
        await expect(operator.locator("main tr").filter(has_text=code).first).to_contain_text(
            licence
        )
    await shot(operator, "reis6-organisaties-licenties")

    first = route.application("9406", "Licentie")
    applications: dict[str, dict[str, Any]] = {}
    for code in LICENCES:
        body = route.application(code, "Licentie")
        application = body["application"]
        for same in ("applicant", "children", "declared_monthly_net_income", "insurer"):
            application[same] = copy.deepcopy(first["application"][same])
        application["applicant"]["email"] = f"licentie.{code}.{uuid.uuid4().hex[:6]}@example.nl"
        applications[code] = application
        await publish_as_website(route.system.amqp_url, [json.dumps(body).encode()])
    cases = {
        code: await route.case_id(code, application["application_number"])
        for code, application in applications.items()
    }

    premium = applications["9406"]["applicant"]["email"]
    await route.mails(premium, lambda mails: any(OCKTO_LINK.search(text_of(m)) for m in mails))
    extra = applications["9405"]["applicant"]["email"]
    await route.mails(extra, lambda mails: len(mails) >= 1)

    basis_letters = await letters_of(route, cases["9404"])
    assert all(letter["channel"] != "email" for letter in basis_letters), basis_letters
    assert route.mails_to(applications["9404"]["applicant"]["email"]) == [], "Basis: no e-mail"
    assert not any(OCKTO_LINK.search(text_of(m)) for m in route.mails_to(extra)), "Extra: no Ockto"
    for code in ("9404", "9405"):
        assert not (await route.assessment(cases[code])).get("sessions"), f"{code}: no Ockto"

    page = await staff.signed_in(ACCOUNTS["behandelaar"])
    for code, name in (("9404", "basis"), ("9405", "extra"), ("9406", "premium")):
        await page.goto(f"/ui/cases/{cases[code]}")
        if code == "9406":
            await expect(page.locator("#advies")).to_contain_text(
                "Uitgenodigd: wacht op de inwoner"
            )
        else:
            await expect(page.locator("#advies")).not_to_contain_text("Uitgenodigd")
        await shot(page, f"reis6-case-{name}")

    decider = await staff.signed_in(ACCOUNTS["beslisser"])
    for code, allowed in (("9404", False), ("9405", True)):
        await decider.goto(f"/ui/cases/{cases[code]}")
        await decider.get_by_label("Toekennen", exact=True).check()
        await decider.get_by_label("Motivering").fill("Loonstrook gezien; onder de grens.")
        await decider.get_by_role("button", name="Besluit vastleggen").click()
        if allowed:
            await expect(decider.get_by_role("status")).to_contain_text(
                "Het besluit is vastgelegd."
            )
        else:
            await expect(decider.locator("main")).to_contain_text(
                "De licentie van deze gemeente (Basis) omvat niet besluiten vastleggen"
            )
            await shot(decider, "reis6-besluit-basis-geweigerd")


def move_correspondence_clock(route: Route, offset: timedelta) -> None:
    """The correspondence service's test clock (it fires reminders and ends terms)."""
    moved = httpx.put(
        f"{route.system.url('correspondence')}/testing/clock",
        json={"offset_seconds": offset.total_seconds()},
        timeout=30,
    )
    assert moved.status_code == 200, moved.text


@e2e
async def test_journey_4_information_request_not_answered(route: Route, staff: Browsing) -> None:
    """An information request with a 14-day term: the reminder goes out once (time moved
    through the correspondence service's test clock, not waited for), the term passes, the
    case shows the proposal buiten behandeling, the beslisser decides it and approves the
    letter."""
    application = await route.apply("9401", "Stilzwijgend")
    case, _ = await received_and_invited(route, staff, application, "reis4")
    address = application["applicant"]["email"]
    page = await staff.signed_in(ACCOUNTS["behandelaar"])
    await page.goto(f"/ui/cases/{case}")
    await page.get_by_label("Wat moet de inwoner sturen?").fill(
        "Loonstrook oktober\nBankafschrift november"
    )
    await expect(page.get_by_label("Termijn in dagen")).to_have_value("14")
    await page.get_by_role("button", name="Informatie opvragen").click()
    await expect(page.get_by_role("status")).to_contain_text(
        "Het verzoek om informatie is verstuurd"
    )
    await expect(page.locator("#brieven")).to_contain_text("Tot en met")
    await shot(page, "reis4-informatie-opgevraagd")

    async def kinds() -> list[str]:
        return [letter["kind"] for letter in await letters_of(route, case)]

    async def requested() -> bool:
        return "information_request" in await kinds()

    await eventually(requested, seconds=SLOW / 1000)
    try:
        # Past the term: its reminder fires (once), then its end.
        move_correspondence_clock(route, timedelta(days=15))

        async def reminded() -> bool:
            return "reminder" in await kinds()

        await eventually(reminded, seconds=SLOW / 1000)
        reminders = (await kinds()).count("reminder")

        await page.goto(f"/ui/cases/{case}")
        await reload_until(
            page, lambda: page.get_by_text(re.compile("voorstel: buiten behandeling")).is_visible()
        )
        move_correspondence_clock(route, timedelta(days=40))
        assert (await kinds()).count("reminder") == reminders, "the reminder went out once"
        await expect(page.locator("#brieven table.letters")).to_contain_text("Herinnering")
        await shot(page, "reis4-termijn-verstreken")

        def reminder_mails(mails: list[EmailMessage]) -> list[EmailMessage]:
            return [m for m in mails if str(m.get("Subject")).startswith("Herinnering")]

        await route.mails(address, lambda mails: len(reminder_mails(mails)) >= reminders)
        reminded_by_mail = reminder_mails(route.mails_to(address))
        assert len(reminded_by_mail) == reminders, "each reminder reached the resident once"
        await show_mail(staff, reminded_by_mail[-1], "reis4-mail-herinnering")

        decider = await staff.signed_in(ACCOUNTS["beslisser"])
        await decider.goto(f"/ui/cases/{case}")
        await decider.get_by_label("Buiten behandeling", exact=True).check()
        status_form = decider.locator("form").filter(
            has=decider.get_by_role("button", name="Status wijzigen")
        )
        await status_form.get_by_label("Reden", exact=True).fill(
            "Hersteltermijn verstreken zonder de gevraagde stukken"
        )
        await shot(decider, "reis4-buiten-behandeling-kiezen")
        await decider.get_by_role("button", name="Status wijzigen").click()
        await expect(decider.locator("main")).to_contain_text("Buiten behandeling")

        # The beslisser's status change is the decision: its letter goes out at once (there is
        # no draft to approve), by e-mail with the PDF, and shows on the case.
        subject = "Besluit: wij behandelen uw aanvraag niet verder"
        mails = await route.mails(
            address, lambda mails: any(str(m.get("Subject")).startswith(subject) for m in mails)
        )
        decision = next(m for m in mails if str(m.get("Subject")).startswith(subject))
        pdfs = attachments(decision)
        assert pdfs, "the letter is attached as PDF"
        letter = pdf_text(pdfs[0])
        assert application["application_number"] in letter
        assert "artikel 4:5 van de Algemene wet bestuursrecht" in letter
        assert "Bent u het niet eens met dit besluit?" in letter
        await show_mail(staff, decision, "reis4-mail-besluit")
        row = decider.locator("#brieven table.letters tbody tr").filter(
            has_text="Besluit: buiten behandeling"
        )
        await reload_until(decider, showing(row, "Verzonden"))
        await shot(decider, "reis4-besluitbrief-verzonden")
    finally:
        move_correspondence_clock(route, timedelta())
