"""The PDFs the correspondence service hands over inside JSON (base64), shown in the browser."""

from __future__ import annotations

import base64
import binascii

from fastapi import Response


def decoded_pdf(encoded: object) -> bytes | None:
    """The PDF in a service's `pdf_base64`, or None when there is none or it is no PDF."""
    if not isinstance(encoded, str):
        return None
    try:
        pdf = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return None
    return pdf if pdf.startswith(b"%PDF") else None


def inline_pdf(pdf: bytes, filename: str) -> Response:
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )
