"""Templates through the API: the field list, versions, refusals on save, Word letters through
LibreOffice, previews with a real case of the municipality only; the house style's logo."""

from __future__ import annotations

import base64
import io
from pathlib import Path

from pypdf import PdfReader

from .conftest import Correspondence
from .helpers import opened
from .support import BEHANDELAAR, BEHEERDER, CODE, ROTTERDAM

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "brief-besluit-toekenning.docx"
PATH = f"/municipalities/{CODE}/templates"


async def test_merge_fields_listed_for_the_editor(correspondence: Correspondence) -> None:
    response = await correspondence.client.get(
        "/merge-fields", headers=correspondence.headers(BEHEERDER)
    )
    assert response.status_code == 200
    names = {item["name"] for item in response.json()}
    assert {
        "VOORNAAM",
        "ACHTERNAAM",
        "AANVRAAGNUMMER",
        "TERMIJN_DATUM",
        "REDENEN",
        "BEZWAARCLAUSULE",
    } <= names
    assert response.json()[0]["placeholder"].startswith("$")


async def test_every_save_is_a_new_version_and_unknown_fields_are_named(
    correspondence: Correspondence,
) -> None:
    headers = correspondence.headers(BEHEERDER)
    listed = await correspondence.client.get(PATH, headers=headers)
    assert len(listed.json()) == 16
    assert all(t["is_default"] for t in listed.json())
    url = f"{PATH}/acknowledgement/email"
    first = await correspondence.client.put(
        url,
        json={"subject": "Ontvangen: $AANVRAAGNUMMER$", "body": "<p>$AANHEF$,</p>"},
        headers=headers,
    )
    second = await correspondence.client.put(
        url, json={"subject": "Ontvangen", "body": "<p>$AANHEF$, dank.</p>"}, headers=headers
    )
    assert (first.status_code, second.status_code) == (201, 201), first.text
    assert (first.json()["version"], second.json()["version"]) == (1, 2)
    refused = await correspondence.client.put(
        url, json={"subject": "x", "body": "<p>$VOORNAM$ $IBAN$</p>"}, headers=headers
    )
    assert refused.status_code == 422
    assert "$IBAN$" in refused.json()["detail"]
    assert "$VOORNAM$" in refused.json()["detail"]
    for body, reason in [
        ("{{ ''.__class__.__mro__ }}", "niet is toegestaan"),
        ("{% if PARTNER_NAAM %}", "niet afgesloten"),
        ("{% for i in range(1000000000) %}x{% endfor %}", "te groot"),
        ("x" * (5 * 1024 * 1024), "te groot"),
    ]:
        response = await correspondence.client.put(
            url, json={"subject": "x", "body": body}, headers=headers
        )
        assert response.status_code == 422, body[:40]
        assert reason in response.json()["detail"]
    versions = await correspondence.client.get(f"{url}/versions", headers=headers)
    assert [v["version"] for v in versions.json()] == [2, 1]
    behandelaar = await correspondence.client.put(
        url, json={"subject": "x", "body": "<p>x</p>"}, headers=correspondence.headers(BEHANDELAAR)
    )
    assert behandelaar.status_code == 403


async def test_word_letter_uploaded_and_rendered_by_libreoffice(
    correspondence: Correspondence,
) -> None:
    case = await opened(correspondence)
    headers = correspondence.headers(BEHEERDER)
    upload = await correspondence.client.put(
        f"{PATH}/decision_granted/post",
        files={
            "file": (
                "besluit.docx",
                EXAMPLE.read_bytes(),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            )
        },
        data={"subject": "Besluit Gemeentepolis"},
        headers=headers,
    )
    assert upload.status_code == 201, upload.text
    assert upload.json()["format"] == "docx"
    assert "TUSSENVOEGSEL" in upload.json()["fields"]
    preview = await correspondence.client.post(
        f"{PATH}/decision_granted/post/preview",
        json={"case_id": str(case.case_id)},
        headers=headers,
    )
    assert preview.status_code == 200, preview.text
    pdf = base64.b64decode(preview.json()["pdf_base64"])
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "J.P. de Vries" in text
    assert case.application_number in text
    assert "Dorpsstraat 12a" in text
    renamed = await correspondence.client.put(
        f"{PATH}/decision_granted/post",
        files={"file": ("besluit.docx", b"%PDF-1.7 fake", "application/pdf")},
        headers=headers,
    )
    assert renamed.status_code == 422
    assert "PDF" in renamed.json()["detail"]
    macro = await correspondence.client.put(
        f"{PATH}/decision_granted/post",
        files={"file": ("besluit.docm", EXAMPLE.read_bytes(), "application/octet-stream")},
        headers=headers,
    )
    assert macro.status_code == 422
    assert "macro" in macro.json()["detail"]


async def test_live_preview_of_an_unsaved_body_and_no_other_municipalitys_case(
    correspondence: Correspondence,
) -> None:
    ours = await opened(correspondence)
    theirs = await opened(correspondence, code="0599")
    headers = correspondence.headers(BEHEERDER)
    body = {
        "case_id": str(ours.case_id),
        "body": "<p>Hallo $VOORLETTERS$ $ACHTERNAAM$</p>{% if PARTNER_NAAM %}partner{% endif %}",
    }
    preview = await correspondence.client.post(
        f"{PATH}/reminder/email/preview", json=body, headers=headers
    )
    assert preview.status_code == 200, preview.text
    assert "Hallo J.P. Vries" in preview.json()["html"]
    assert "partner" not in preview.json()["text"]
    assert preview.json()["pdf_base64"]
    other = await correspondence.client.post(
        f"{PATH}/reminder/email/preview", json={"case_id": str(theirs.case_id)}, headers=headers
    )
    assert other.status_code == 404
    rotterdam = await correspondence.client.post(
        f"{PATH}/reminder/email/preview",
        json={"case_id": str(ours.case_id)},
        headers=correspondence.headers(ROTTERDAM),
    )
    assert rotterdam.status_code == 404


async def test_house_style_logo_checked(correspondence: Correspondence) -> None:
    headers = correspondence.headers(BEHEERDER)
    url = f"/municipalities/{CODE}/house-style"
    default = await correspondence.client.get(url, headers=headers)
    assert default.status_code == 200
    assert default.json()["is_default"]
    style = {
        key: default.json()[key]
        for key in (
            "primary_color",
            "accent_color",
            "sender_name",
            "sender_block",
            "return_address",
            "signature_name",
            "signature_function",
            "footer",
            "objection_to",
            "objection_address",
            "objection_url",
            "contact_phone",
            "contact_email",
        )
    }
    for svg, reason in [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "<script>"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="https://evil.example/x.png"/></svg>',
            "extern",
        ),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "onload"),
    ]:
        logo = {"content_type": "image/svg+xml", "data_base64": base64.b64encode(svg).decode()}
        response = await correspondence.client.put(
            url, json={**style, "logo": logo}, headers=headers
        )
        assert response.status_code == 422, svg
        assert reason in response.json()["detail"]
    good = b'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect width="120" height="40" fill="#c00"/></svg>'
    logo = {"content_type": "image/svg+xml", "data_base64": base64.b64encode(good).decode()}
    saved = await correspondence.client.put(
        url, json={**style, "primary_color": "#aa0000", "logo": logo}, headers=headers
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["version"] == 1
    assert saved.json()["logo_type"] == "image/svg+xml"
