"""Huisstijl: the functioneel beheerder edits a municipality's house style, behind the gateway
the real correspondence service (`services.running_correspondence`), which keeps it and
sanitises its logo."""

from __future__ import annotations

import base64
import io
import re
import uuid

import httpx
import pikepdf
import pytest
from PIL import Image

from servicekit.testing import eventually

from ..services import CorrespondenceService, staff
from .conftest import MakeUser, UiApp, csrf_of, log_in
from .test_correspondence_screens import (  # noqa: F401 - the real service as fixtures
    MUNICIPALITY,
    correspondence,
    correspondence_service,
    smtp,
)

OTHER_MUNICIPALITY = "0363"
"""Amsterdam: not a member of ISD Bollenstreek."""
SCRIPTED_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script><rect width='10' height='10'/></svg>"
)


@pytest.fixture
def service(correspondence: CorrespondenceService) -> CorrespondenceService:  # noqa: F811
    """The real correspondence service behind this test's gateway."""
    return correspondence


def _image_sizes(pdf: bytes) -> list[tuple[int, int]]:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return [
            (int(image.Width), int(image.Height))
            for page in document.pages
            for image in page.get_images().values()
        ]


async def _knows(service: CorrespondenceService, case_id: uuid.UUID) -> bool:
    return await service.correspondence(case_id, MUNICIPALITY) is not None


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 2), (0, 90, 160)).save(out, format="PNG")
    return out.getvalue()


def _fields(page: httpx.Response, **changes: str) -> dict[str, str]:
    fields = {
        "csrf_token": csrf_of(page),
        "primary_color": "#005AA0",
        "accent_color": "#F0A000",
        "sender_name": "Gemeente Lisse",
        "sender_block": "Gemeente Lisse\nPostbus 200\n2160 AE Lisse",
        "return_address": "Postbus 200, 2160 AE Lisse",
        "signature_name": "A. de Tulp",
        "signature_function": "Teamleider Inkomen",
        "footer": "www.lisse.nl · 0252 433 500",
        "objection_to": "het college van burgemeester en wethouders",
        "objection_address": "Postbus 200, 2160 AE Lisse",
        "objection_url": "",
        "contact_phone": "0252 433 500",
        "contact_email": "",
    }
    fields.update(changes)
    return fields


async def test_the_functioneel_beheerder_saves_a_house_style_and_reads_it_back(
    ui: UiApp, make_user: MakeUser, service: CorrespondenceService
) -> None:
    await log_in(ui.http, await make_user("isd-bollenstreek", "functioneel_beheerder"))
    chooser = await ui.http.get("/ui/huisstijl")
    assert chooser.status_code == 200
    assert f'href="/ui/huisstijl/{MUNICIPALITY}"' in chooser.text
    assert 'href="/ui/huisstijl"' in chooser.text, "the menu item"
    page = await ui.http.get(f"/ui/huisstijl/{MUNICIPALITY}")
    assert page.status_code == 200, page.text
    assert "neutrale standaardhuisstijl" in page.text
    logo = png()

    saved = await ui.http.post(
        f"/ui/huisstijl/{MUNICIPALITY}",
        data=_fields(page),
        files={"logo": ("logo.png", logo, "image/png")},
        follow_redirects=True,
    )

    assert saved.status_code == 200, saved.text
    assert "De huisstijl is opgeslagen." in saved.text
    assert "neutrale standaardhuisstijl" not in saved.text
    for shown in (
        "Teamleider Inkomen",
        "2160 AE Lisse",
        'value="#005AA0"',
        "data:image/png;base64,",
    ):
        assert shown in saved.text
    stored = await service.call(
        staff("functioneel_beheerder", MUNICIPALITY),
        "GET",
        f"/municipalities/{MUNICIPALITY}/house-style",
    )
    style = stored.json()
    assert style["is_default"] is False
    assert style["primary_color"] == "#005AA0"
    assert style["signature_function"] == "Teamleider Inkomen"
    assert style["sender_block"] == "Gemeente Lisse\nPostbus 200\n2160 AE Lisse"
    assert style["objection_url"] is None
    assert style["logo_type"] == "image/png"
    assert Image.open(io.BytesIO(base64.b64decode(style["logo_base64"]))).size == (4, 2)
    case = await ui.services.open_case(MUNICIPALITY)
    await eventually(lambda: _knows(service, case.id), seconds=30)
    sample = await ui.http.post(
        f"/ui/sjablonen/{MUNICIPALITY}/decision_granted/post/voorbeeld.pdf",
        data={"case": case.application_number, "csrf_token": csrf_of(saved)},
    )
    assert 'action="/ui/sjablonen/0553/decision_granted/post/voorbeeld.pdf"' in saved.text
    assert sample.status_code == 200, sample.text
    assert sample.content.startswith(b"%PDF"), "a sample letter in the saved house style"
    assert (4, 2) in _image_sizes(sample.content), "the logo in the letter"

    again = await ui.http.post(
        f"/ui/huisstijl/{MUNICIPALITY}",
        data=_fields(saved, footer="Nieuwe voettekst"),
        follow_redirects=True,
    )
    kept = (
        await service.call(
            staff("functioneel_beheerder", MUNICIPALITY),
            "GET",
            f"/municipalities/{MUNICIPALITY}/house-style",
        )
    ).json()
    assert again.status_code == 200
    assert kept["footer"] == "Nieuwe voettekst"
    assert kept["logo_base64"] == style["logo_base64"], "no new file: the logo stays"
    assert kept["version"] == style["version"] + 1


async def test_an_svg_logo_with_a_script_is_refused_in_dutch_at_the_upload(
    ui: UiApp, make_user: MakeUser, service: CorrespondenceService
) -> None:
    await log_in(ui.http, await make_user("isd-bollenstreek", "functioneel_beheerder"))
    page = await ui.http.get(f"/ui/huisstijl/{MUNICIPALITY}")
    before = (
        await service.call(
            staff("functioneel_beheerder", MUNICIPALITY),
            "GET",
            f"/municipalities/{MUNICIPALITY}/house-style",
        )
    ).json()

    refused = await ui.http.post(
        f"/ui/huisstijl/{MUNICIPALITY}",
        data=_fields(page, sender_name="Gemeente Lisse (nieuw)"),
        files={"logo": ("logo.svg", SCRIPTED_SVG, "image/svg+xml")},
    )
    bad_colour = await ui.http.post(
        f"/ui/huisstijl/{MUNICIPALITY}", data=_fields(page, primary_color="blauw")
    )

    assert refused.status_code == 422
    error = re.search(r'<p class="field__error" id="logo-fout">(.*?)</p>', refused.text)
    assert error is not None, refused.text
    assert "Het SVG-logo bevat een niet toegestaan onderdeel: &lt;script&gt;." in error.group(1)
    assert "De huisstijl is niet opgeslagen." in refused.text
    assert 'value="Gemeente Lisse (nieuw)"' in refused.text, "what was typed stays"
    assert bad_colour.status_code == 400
    assert 'id="primary_color-fout"' in bad_colour.text
    after = (
        await service.call(
            staff("functioneel_beheerder", MUNICIPALITY),
            "GET",
            f"/municipalities/{MUNICIPALITY}/house-style",
        )
    ).json()
    assert after["version"] == before["version"]


async def test_another_organisations_municipality_and_other_roles_are_refused(
    ui: UiApp, make_user: MakeUser, service: CorrespondenceService
) -> None:
    await log_in(ui.http, await make_user("isd-bollenstreek", "functioneel_beheerder"))
    own = await ui.http.get(f"/ui/huisstijl/{MUNICIPALITY}")

    other = await ui.http.get(f"/ui/huisstijl/{OTHER_MUNICIPALITY}")
    other_save = await ui.http.post(
        f"/ui/huisstijl/{OTHER_MUNICIPALITY}", data=_fields(own, sender_name="Niet van ons")
    )

    assert other.status_code == 404
    assert other_save.status_code == 404
    assert f"/municipalities/{OTHER_MUNICIPALITY}/house-style" not in service.paths("PUT")
    reader = httpx.AsyncClient(transport=httpx.ASGITransport(app=ui.app), base_url="http://gw")
    async with reader:
        await log_in(reader, await make_user("isd-bollenstreek", "behandelaar"))
        menu = await reader.get("/ui/")
        refused = await reader.get(f"/ui/huisstijl/{MUNICIPALITY}")
    assert refused.status_code == 403
    assert 'href="/ui/huisstijl"' not in menu.text
