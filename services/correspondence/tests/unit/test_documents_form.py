"""The letter upload's multipart body, written at once, reads back through the same parser the
documents service (FastAPI/Starlette) uses: every field and the PDF byte for byte."""

from __future__ import annotations

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.types import Message

from correspondence.peers import form_data


async def test_the_letter_upload_reads_back_field_by_field() -> None:
    pdf = b"%PDF-1.7\r\n" + bytes(range(256)) * 50 + b"\r\n--not-a-boundary\r\n%%EOF"
    body, content_type = form_data(
        {"kind": "letter", "purpose": "letter", "idempotency_key": "a1b2"},
        file_name='brief "x".pdf',
        content=pdf,
        content_type="application/pdf",
    )
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    request = Request(
        {
            "type": "http",
            "method": "POST",
            "path": "/",
            "headers": [
                (b"content-type", content_type.encode()),
                (b"content-length", str(len(body)).encode()),
            ],
        },
        receive,
    )
    async with request.form() as form:
        assert_fields(form, pdf)


def assert_fields(form: FormData, pdf: bytes) -> None:
    assert form["kind"] == "letter"
    assert form["purpose"] == "letter"
    assert form["idempotency_key"] == "a1b2"
    upload = form["file"]
    assert isinstance(upload, UploadFile)
    assert upload.filename == "brief__x_.pdf"
    assert upload.content_type == "application/pdf"
    upload.file.seek(0)
    assert upload.file.read() == pdf
