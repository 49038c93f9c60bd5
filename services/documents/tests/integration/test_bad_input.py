"""Every bad upload of the issue's list through the API, one at a time: a clear answer with a
reason, and nothing kept of it (no document, no object, no event, no pending key, no spool)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from .. import samples
from .support import Harness, files_in


async def _nothing_kept(
    harness: Harness, case_id: uuid.UUID, objects: set[str], spool: Path
) -> None:
    assert await harness.documents_of(case_id) == []
    assert await harness.objects() == objects
    assert await harness.outbox("documents.document.added", case_id) == []
    assert await harness.pending() == 0
    assert files_in(spool) == []


@pytest.mark.parametrize(
    ("make", "name", "status", "reason"),
    [
        (lambda: b"", "leeg.pdf", 422, "empty"),
        (samples.pdf, "foto.jpg", 415, "name_type_mismatch"),
        (samples.html, "factuur.pdf", 415, "type_not_accepted"),
        (samples.pdf_zip_polyglot, "loonstrook.pdf", 415, "polyglot"),
        (samples.jpeg_html_polyglot, "foto.jpg", 415, "polyglot"),
        (samples.pdf_with_javascript, "brief.pdf", 422, "pdf_javascript"),
        (samples.pdf_with_embedded_file, "brief.pdf", 422, "pdf_embedded_file"),
        (samples.plain_zip, "brief.docx", 415, "docx_not_word"),
        (samples.docx_with_macros, "brief.docx", 422, "docx_macros"),
        (samples.png_bomb, "scan.png", 422, "image_bomb"),
    ],
    ids=[
        "zero-bytes",
        "pdf-named-jpg",
        "html-named-pdf",
        "pdf-zip-polyglot",
        "jpeg-html-polyglot",
        "pdf-javascript",
        "pdf-embedded-file",
        "zip-named-docx",
        "docx-macros",
        "image-bomb",
    ],
)
async def test_a_bad_file_is_refused_with_its_reason_and_nothing_is_kept(
    harness: Harness, spool: Path, make: Callable[[], bytes], name: str, status: int, reason: str
) -> None:
    case_id = await harness.open_case("0363")
    objects = await harness.objects()

    response = await harness.upload(case_id, make(), name)

    assert response.status_code == status, response.text
    assert response.json()["reason"] == reason
    assert len(response.json()["detail"]) > 20  # a Dutch sentence, not a code
    await _nothing_kept(harness, case_id, objects, spool)


async def test_a_file_over_the_limit_is_refused_while_it_streams(
    harness: Harness, spool: Path
) -> None:
    case_id = await harness.open_case("0363")
    objects = await harness.objects()
    chunk = b"%PDF-1.7\n" + b"0" * (256 * 1024 - 9)
    total_chunks = 4 * harness.settings.max_file_bytes // len(chunk)
    sent = 0
    boundary = "grens"

    async def body() -> AsyncIterator[bytes]:
        nonlocal sent
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\npayslip\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="groot.pdf"'
            "\r\nContent-Type: application/pdf\r\n\r\n"
        ).encode()
        for _ in range(total_chunks):
            sent += 1
            yield chunk
        yield f"\r\n--{boundary}--\r\n".encode()

    response = await harness.client.post(
        f"/cases/{case_id}/documents",
        content=body(),
        headers={**harness.headers(), "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )

    assert response.status_code == 413
    assert response.json()["reason"] == "too_large"
    assert "groter dan 6 MB" in response.json()["detail"]
    assert sent < total_chunks / 2, "the rest of the body should never have been read"
    await _nothing_kept(harness, case_id, objects, spool)


async def test_a_declared_length_over_the_limit_is_refused_before_reading(harness: Harness) -> None:
    case_id = await harness.open_case("0363")
    response = await harness.client.post(
        f"/cases/{case_id}/documents",
        content=b"x",
        headers={
            **harness.headers(),
            "Content-Type": "multipart/form-data; boundary=x",
            "Content-Length": str(10 * harness.settings.max_file_bytes),
        },
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("../../etc/passwd", "passwd.pdf"),
        ("..\\..\\windows\\system32\\loonstrook.pdf", "loonstrook.pdf"),
        ("x" * 2000 + ".pdf", "x" * 116 + ".pdf"),
        ("loon\x01strook\x7f\u202e.pdf", "loonstrook.pdf"),
    ],
    ids=["path", "windows-path", "2000-characters", "control-characters"],
)
async def test_a_bad_file_name_is_not_kept(harness: Harness, raw: str, stored: str) -> None:
    case_id = await harness.open_case("0363")
    # Written by hand: httpx (like a browser) would percent-encode the control characters.
    boundary = "grens"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\npayslip\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{raw}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + samples.pdf()
        + f"\r\n--{boundary}--\r\n".encode()
    )

    response = await harness.client.post(
        f"/cases/{case_id}/documents",
        content=body,
        headers={**harness.headers(), "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )

    assert response.status_code == 201, response.text
    assert response.json()["file_name"] == stored
    download = await harness.client.get(
        f"/documents/{response.json()['id']}/content", headers=harness.headers()
    )
    disposition = download.headers["content-disposition"]
    assert ".." not in disposition
    assert "/" not in disposition.split("filename", 1)[1].replace("utf-8''", "")


@pytest.mark.parametrize(
    ("fields", "detail"),
    [
        ({"kind": "selfie"}, "kind"),
        ({"kind": "payslip", "purpose": "Niet Geldig!"}, "purpose"),
        ({"kind": "payslip", "sha256": "abc"}, "sha256"),
    ],
)
async def test_bad_form_fields_are_named(
    harness: Harness, fields: dict[str, str], detail: str
) -> None:
    case_id = await harness.open_case("0363")
    response = await harness.client.post(
        f"/cases/{case_id}/documents",
        data=fields,
        files={"file": ("a.pdf", samples.pdf(), "application/pdf")},
        headers=harness.headers(),
    )
    assert response.status_code == 422
    assert response.json()["detail"].startswith(detail)


async def test_a_form_without_a_file_is_refused(harness: Harness) -> None:
    case_id = await harness.open_case("0363")
    response = await harness.client.post(
        f"/cases/{case_id}/documents",
        files={"kind": (None, "payslip")},
        headers=harness.headers(),
    )
    assert response.status_code == 422
    assert "bestand ontbreekt" in response.json()["detail"]
