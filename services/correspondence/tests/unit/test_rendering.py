"""Every kind rendered for a single resident and a couple: the PDF's text holds the merged
values (and, in decisions, the objection clause); the PDF is PDF/A; e-mails have both parts."""

from __future__ import annotations

import io
import re
import uuid
from datetime import date
from typing import Any

import pikepdf
import pytest
from pypdf import PdfReader

from contracts.vocabulary import DECISION_LETTER_KINDS
from correspondence.housestyle.service import neutral
from correspondence.rendering.compose import Job, Renderer
from correspondence.rendering.office import OfficeConverter
from correspondence.residents.service import as_dict
from correspondence.templates import defaults
from correspondence.templates.models import TemplateVersion

from .cases import case_opened

TODAY = date(2026, 12, 1)
VALUES: dict[str, dict[str, Any]] = {
    "data_invitation": {
        "ockto_link": "https://ockto.example/s/abc123",
        "upload_link": "https://gw.example/inwoner/upload/tok",
    },
    "re_examination_invitation": {
        "ockto_link": "https://ockto.example/s/abc123",
        "upload_link": "https://gw.example/inwoner/upload/tok",
    },
    "information_request": {
        "items": ["loonstrook oktober"],
        "term_days": 14,
        "term_ends_on": "2026-12-15",
        "upload_link": "https://gw.example/inwoner/upload/tok",
    },
    "reminder": {"term_ends_on": "2026-12-15", "ockto_link": "https://ockto.example/s/abc123"},
    "decision_granted": {"effective_from": "2027-01-01"},
    "decision_rejected": {
        "reasons": ["income_too_high", "custom"],
        "custom_reason": "U woont niet in de gemeente.",
    },
    "not_processed": {"term_ends_on": "2026-12-15"},
}
EXPECTED = {
    "data_invitation": ["https://ockto.example/s/abc123", "https://gw.example/inwoner/upload/tok"],
    "information_request": ["loonstrook oktober", "15 december 2026", "14 dagen"],
    "decision_granted": ["1 januari 2027"],
    "decision_rejected": ["inkomen is hoger dan de inkomensgrens", "U woont niet in de gemeente."],
    "not_processed": ["15 december 2026"],
}


def template(kind: str, channel: str) -> TemplateVersion:
    body = defaults.default(kind, channel)
    return TemplateVersion(
        id=uuid.uuid4(),
        municipality_code="0363",
        kind=kind,
        channel=channel,
        version=1,
        format="html",
        subject=body.subject,
        body=body.body,
        fields=[],
        is_default=True,
        created_by="system",
    )


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(office=OfficeConverter("http://127.0.0.1:9"), max_seconds=2, max_bytes=10**6)


def plain(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("couple", [False, True], ids=["single", "couple"])
async def test_every_kind_renders_with_its_values(renderer: Renderer, couple: bool) -> None:
    kind_of_case = {"re_examination_invitation": "re_examination"}
    jobs = []
    for kind in defaults.KINDS:
        opened = case_opened(
            couple=couple,
            kind=kind_of_case.get(kind, "application"),
            campaign="Heronderzoek 2027",
            number=f"GP-{kind[:6]}",
        )
        jobs.append(
            Job(
                key=kind,
                case=as_dict_of(opened),
                style=neutral("0363", "Gemeente Amsterdam"),
                municipality_name="Gemeente Amsterdam",
                letter_values=VALUES.get(kind, {}),
                today=TODAY,
                channel="post",
                email_template=None,
                pdf_template=template(kind, "post"),
            )
        )
    outputs = await renderer.render(jobs)
    for kind, output in zip(defaults.KINDS, outputs, strict=True):
        assert output.error is None, (kind, output.error)
        assert output.pdf is not None
        text = plain(
            "".join(page.extract_text() for page in PdfReader(io.BytesIO(output.pdf)).pages)
        )
        for value in [
            "J.P. de Vries",
            "Dorpsstraat 12a",
            "1011 AB",
            "Amsterdam",
            f"GP-{kind[:6]}",
            "1 december 2026",
            *EXPECTED.get(kind, []),
        ]:
            assert value in text, (kind, value)
        assert ("M. Jansen" in text) is couple, kind
        if kind in DECISION_LETTER_KINDS:
            assert "binnen zes weken" in text, kind
            assert "bezwaar" in text, kind
            assert "6:7" in text, kind
            assert "college van burgemeester en wethouders van Gemeente Amsterdam" in text, kind
        with pikepdf.open(io.BytesIO(output.pdf)) as pdf:
            metadata = pdf.open_metadata()
            assert metadata.pdfa_status == "3B", kind
            assert "/OutputIntents" in pdf.Root
            page = pdf.pages[0]
            assert [round(float(v)) for v in page.MediaBox] == [0, 0, 595, 842]  # A4


def as_dict_of(opened: Any) -> dict[str, Any]:
    from correspondence.residents.models import CaseCopy

    return as_dict(
        CaseCopy(
            case_id=opened.case_id,
            municipality_code=opened.municipality_code,
            kind=opened.kind,
            application_number=opened.application_number,
            submitted_at=opened.submitted_at,
            requested_start_date=None,
            campaign=opened.campaign,
            household=opened.household.model_dump(mode="json"),
            status="received",
        )
    )


async def test_email_has_inlined_html_and_a_text_part(renderer: Renderer) -> None:
    opened = case_opened()
    job = Job(
        key=1,
        case=as_dict_of(opened),
        style=neutral("0363", "Gemeente Amsterdam"),
        municipality_name="Gemeente Amsterdam",
        letter_values=VALUES["data_invitation"],
        today=TODAY,
        channel="email",
        email_template=template("data_invitation", "email"),
        pdf_template=template("data_invitation", "post"),
    )
    (output,) = await renderer.render([job])
    assert output.error is None
    assert output.html
    assert output.text
    assert output.pdf
    assert "<style" not in output.html
    assert 'style="' in output.html
    assert "https://ockto.example/s/abc123" in output.text
    assert "<p>" not in output.text
    assert "Beste J.P. de Vries" in output.text
    assert output.subject == "Lever uw gegevens aan voor de Gemeentepolis"


async def test_address_sits_in_the_window_of_a_dutch_envelope(renderer: Renderer) -> None:
    opened = case_opened()
    job = Job(
        key=1,
        case=as_dict_of(opened),
        style=neutral("0363", "Gemeente Amsterdam"),
        municipality_name="Gemeente Amsterdam",
        letter_values={},
        today=TODAY,
        channel="post",
        email_template=None,
        pdf_template=template("acknowledgement", "post"),
    )
    (output,) = await renderer.render([job])
    found: list[tuple[float, float]] = []

    def visitor(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if text.strip() == "J.P. de Vries":
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append((x, y))

    PdfReader(io.BytesIO(output.pdf or b"")).pages[0].extract_text(visitor_text=visitor)
    x, y = max(found, key=lambda position: position[1])  # the topmost: the address block
    mm = 25.4 / 72
    assert 20 <= x * mm <= 30, x * mm  # from the left edge
    assert 45 <= (842 - y) * mm <= 85, (842 - y) * mm  # from the top edge
