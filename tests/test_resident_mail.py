"""The e-mails a resident gets, through the running system: an application is acknowledged,
and the invitation to share data carries the Ockto session link and a personal upload link that opens
the resident's portal (the documents service made it for this case)."""

from __future__ import annotations

import json
import re
from email.message import EmailMessage

import httpx
import pytest

from demodata import ApplicationFactory
from demodata.system import LocalSystem

from .e2e_support import eventually, publish_as_website

pytestmark = pytest.mark.e2e
UPLOAD_LINK = re.compile(r"https?://[^\s\"<>]+/inwoner/[^\s\"<>]+")


def _text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None, "every e-mail has a plain-text part"
    return str(part.get_content())


async def _letters(system: LocalSystem, api: httpx.AsyncClient, number: str) -> object:
    """What correspondence says of the case's letters (to explain a failure)."""
    token = system.admin("api-key", "create", "--org", "0599", "--role", "behandelaar").strip()
    headers = {"Authorization": f"Bearer {token}"}
    page = await api.get(
        "/api/v1/cases", params={"municipality": "0599", "q": number}, headers=headers
    )
    case_id = page.json()["items"][0]["id"]
    letters = await api.get(f"/api/v1/cases/{case_id}/correspondence", headers=headers)
    assessment = await api.get(f"/api/v1/cases/{case_id}/assessment", headers=headers)
    return letters.json(), assessment.json().get("sessions")


async def test_the_invitation_mail_carries_an_upload_link_that_opens_the_portal(
    system: LocalSystem, api: httpx.AsyncClient
) -> None:
    body = ApplicationFactory(seed=31, number_offset=3_100_000).body("0599", city="Rotterdam")
    address = json.loads(body)["application"]["applicant"]["email"]
    number = json.loads(body)["application"]["application_number"]
    await publish_as_website(system.amqp_url, [body])
    mail = system.start_mail()
    found: dict[str, EmailMessage] = {}

    async def both_mails_arrived() -> bool:
        for item in mail.received():
            if address in item.recipients:
                message = item.message()
                found[str(message.get("X-Letter-Kind", "")) or item.message_id] = message
        kinds = {_text(m) for m in found.values()}
        return len(found) >= 2 and any(UPLOAD_LINK.search(text) for text in kinds)

    try:
        await eventually(both_mails_arrived, seconds=90)
    except AssertionError:
        seen = [(item.recipients, item.message().get("Subject")) for item in mail.received()]
        raise AssertionError(
            f"mails for {address!r} not complete; caught: {seen[-10:]}; "
            f"the case's letters: {await _letters(system, api, number)}"
        ) from None
    invitation = next(m for m in found.values() if UPLOAD_LINK.search(_text(m)))
    text = _text(invitation)
    assert re.search(r"https?://\S+/sessie/oks_[\w-]+", text), "the Ockto session link"
    link = UPLOAD_LINK.search(text)
    assert link is not None
    async with httpx.AsyncClient(timeout=30) as phone:
        # A sentence may end right after the link, as a mail program reads it too.
        url = link.group(0).rstrip(".,;:)")
        portal = await phone.get(url)
    assert portal.status_code == 200, (url, portal.text[:300])
    assert "Stuur uw bestanden" in portal.text
