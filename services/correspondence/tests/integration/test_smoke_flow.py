"""Case opened → acknowledgement by e-mail, received by a real SMTP server with both parts."""

from __future__ import annotations

import io

from pypdf import PdfReader

from servicekit.testing import eventually

from .conftest import Correspondence
from .support import BEHANDELAAR, case_opened, publish


async def test_application_acknowledged_by_email_with_html_text_and_pdf(
    correspondence: Correspondence,
) -> None:
    opened = case_opened()
    await publish(correspondence.bus, opened)
    await correspondence.letters_with(opened.case_id, "sent")
    await eventually(lambda: _count(correspondence, 1))
    (received,) = correspondence.smtp.received()
    message = received.message()
    assert received.recipients == ("j.devries@example.org",)
    assert message["Subject"] == "Wij hebben uw aanvraag ontvangen"
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None
    assert html is not None
    assert "Beste J.P. de Vries" in text.get_content()
    assert opened.application_number in text.get_content()
    assert 'style="' in html.get_content()  # CSS inlined
    attachments = list(message.iter_attachments())
    assert [a.get_content_type() for a in attachments] == ["application/pdf"]
    pdf = PdfReader(io.BytesIO(attachments[0].get_content()))
    assert opened.application_number in pdf.pages[0].extract_text()
    response = await correspondence.client.get(
        f"/cases/{opened.case_id}/correspondence", headers=correspondence.headers(BEHANDELAAR)
    )
    assert response.status_code == 200, response.text
    (letter,) = response.json()["letters"]
    assert letter["status"] == "sent"
    assert letter["kind"] == "acknowledgement"
    assert letter["message_id"] == message["Message-ID"]


async def _count(correspondence: Correspondence, n: int) -> bool:
    return correspondence.smtp.count() >= n
