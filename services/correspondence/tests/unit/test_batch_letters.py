"""A batch of letters is compiled as one Typst document and split: every resident's PDF holds
that resident's letter and nobody else's, and each part is a PDF/A file of its own. The QR
code and the hand-written e-mail are checked against what they stand for."""

from __future__ import annotations

import email
import email.policy
import io
import re
import uuid
from datetime import UTC, datetime

import pikepdf
import segno
from pypdf import PdfReader

from correspondence.housestyle.service import neutral
from correspondence.rendering import email as mail
from correspondence.rendering.compose import Job, Renderer
from correspondence.rendering.markup import QR_MASK, qr_svg
from correspondence.rendering.office import OfficeConverter

from .cases import case_opened
from .test_rendering import TODAY, as_dict_of, template

NAMES = ["Bakker", "Visser", "Smit", "Meijer", "Mulder", "Dekker", "Brouwer", "Jacobs",
         "Vermeulen", "Hendriks", "Kok", "Peters"]  # fmt: skip
"""No name is part of another, so finding one in a letter means that resident's letter."""


def job(index: int, name: str) -> Job:
    case = as_dict_of(case_opened(number=f"GP-B-{index:06d}"))
    case["household"]["applicant"]["last_name"] = name
    channel = "email" if index % 2 else "post"
    return Job(
        key=index,
        case=case,
        style=neutral("0363", "Gemeente Amsterdam"),
        municipality_name="Gemeente Amsterdam",
        letter_values={
            "ockto_link": f"https://ockto.example/s/session-{index:04d}",
            "upload_link": f"https://gw.example/inwoner/upload/token-{index:04d}",
        },
        today=TODAY,
        channel=channel,
        email_template=template("data_invitation", "email") if channel == "email" else None,
        pdf_template=template("data_invitation", "post"),
    )


def text_of(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return re.sub(r"\s+", " ", "".join(page.extract_text() for page in pages))


async def test_each_batch_rendered_letter_holds_only_its_own_resident() -> None:
    renderer = Renderer(
        office=OfficeConverter("http://127.0.0.1:9"), max_seconds=2, max_bytes=10**6
    )
    jobs = [job(index, name) for index, name in enumerate(NAMES)]

    outputs = await renderer.render(jobs)

    for index, (name, output) in enumerate(zip(NAMES, outputs, strict=True)):
        assert output.error is None, (name, output.error)
        assert output.pdf is not None
        text = text_of(output.pdf)
        assert f"J.P. de {name}" in text, name
        assert f"GP-B-{index:06d}" in text, name
        assert f"session-{index:04d}" in text, name
        others = [other for other in NAMES if other != name]
        assert [other for other in others if other in text] == [], name
        assert set(re.findall(r"GP-B-\d{6}", text)) == {f"GP-B-{index:06d}"}, name
        assert set(re.findall(r"session-\d{4}", text)) == {f"session-{index:04d}"}, name
        with pikepdf.open(io.BytesIO(output.pdf)) as pdf:
            assert len(pdf.pages) == 1, name  # a one-page letter, no neighbour's page
            metadata = pdf.open_metadata()
            assert metadata.pdfa_status == "3B", name
            assert metadata.get("dc:title"), name
            intents = pdf.Root.OutputIntents
            assert intents[0].S == "/GTS_PDFA1", name
            assert intents[0].DestOutputProfile.read_bytes(), name
            assert "/ID" in pdf.trailer, name
            fonts = pdf.pages[0].Resources.Font
            assert all("/FontFile2" in f.DescendantFonts[0].FontDescriptor for f in fonts.values())


def test_the_qr_code_draws_exactly_the_modules_of_the_link() -> None:
    url = "https://ockto.example/s/session-0042"
    svg = qr_svg(url)
    expected = segno.make(url, error="m", mask=QR_MASK, micro=False).matrix
    drawn = [[0] * len(expected) for _ in expected]
    for x, y, run in re.findall(r"M(\d+) ([\d.]+)h(\d+)", svg):
        row = int(float(y) - 0.5) - 2
        for column in range(int(x) - 2, int(x) - 2 + int(run)):
            drawn[row][column] = 1
    assert drawn == [[int(bool(module)) for module in row] for row in expected]


def test_the_e_mail_parses_with_its_parts_and_keeps_headers_on_one_line() -> None:
    letter_id, pdf = uuid.uuid4(), b"%PDF-1.7\n" + bytes(range(256)) * 40
    raw = mail.build(
        letter_id=letter_id,
        case_id=uuid.uuid4(),
        sender="Gemeente Súdwest-Fryslân <noreply@example.org>",
        reply_to=None,
        recipient="j.devries@example.org",
        subject="Uw gegevens\r\nBcc: someone@example.org",
        html="<p>Beste J.P. de Vriës,</p>\n<p>.een punt vooraan</p>\n",
        text="Beste J.P. de Vriës,\n\n" + "een lange regel " * 20 + "\n",
        pdf=pdf,
        pdf_name="brief-data_invitation-1234abcd.pdf",
        domain="example.org",
        date=datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
    )

    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    assert b"\n" not in raw.replace(b"\r\n", b"")
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, email.message.EmailMessage)
    assert message["Bcc"] is None
    assert message["Subject"] == "Uw gegevens Bcc: someone@example.org"
    assert message["From"] == "Gemeente Súdwest-Fryslân <noreply@example.org>"
    assert message["Message-ID"] == f"<letter-{letter_id}@example.org>"
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert plain is not None
    assert html is not None
    assert plain.get_content().replace("\r\n", "\n").startswith("Beste J.P. de Vriës,\n\n")
    assert ".een punt vooraan" in html.get_content()
    (attachment,) = message.iter_attachments()
    assert attachment.get_filename() == "brief-data_invitation-1234abcd.pdf"
    assert attachment.get_content() == pdf
    assert all(not part.defects for part in message.walk())
