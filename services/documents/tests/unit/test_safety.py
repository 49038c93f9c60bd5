"""The safety checks on files made in the test: every accepted type passes, every unsafe one
is refused with its reason, names are cleaned."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from documents.safety.errors import RefusedFileError
from documents.safety.filetypes import DOCX, JPEG, PDF
from documents.safety.names import clean_name, stored_name
from documents.safety.service import Checked, Inspector, Policy, Received

from .. import samples

POLICY = Policy(
    max_file_bytes=5 * 1024 * 1024,
    max_image_pixels=50_000_000,
    max_docx_uncompressed_bytes=10 * 1024 * 1024,
)


async def _check(tmp_path: Path, data: bytes, name: str | None) -> Checked:
    path = tmp_path / "upload"
    path.write_bytes(data)
    received = Received(
        path=path, declared_name=name, size=len(data), sha256=hashlib.sha256(data).hexdigest()
    )
    return await Inspector(policy=POLICY, scanner=None, concurrency=1).check(received)


@pytest.mark.parametrize(
    ("make", "name", "content_type", "stored"),
    [
        (samples.pdf, "loonstrook.pdf", "application/pdf", "loonstrook.pdf"),
        (samples.jpeg, "IMG_0001.JPG", "image/jpeg", "IMG_0001.jpg"),
        (samples.png, "scan.png", "image/png", "scan.png"),
        (samples.heic, "IMG_0002.HEIC", "image/jpeg", "IMG_0002.jpg"),
        (samples.docx, "brief.docx", DOCX.stored_type, "brief.docx"),
        (samples.pdf, "bankafschrift", "application/pdf", "bankafschrift.pdf"),
    ],
)
async def test_accepted_types_are_recognised_from_their_content(
    tmp_path: Path, make: Callable[[], bytes], name: str, content_type: str, stored: str
) -> None:
    checked = await _check(tmp_path, make(), name)
    assert (checked.content_type, checked.file_name) == (content_type, stored)


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
        (lambda: samples.EICAR, "eicar.pdf", 415, "type_not_accepted"),
    ],
)
async def test_unsafe_files_are_refused_with_their_reason(
    tmp_path: Path, make: Callable[[], bytes], name: str, status: int, reason: str
) -> None:
    with pytest.raises(RefusedFileError) as refused:
        await _check(tmp_path, make(), name)
    assert (refused.value.status_code, refused.value.reason) == (status, reason)
    assert refused.value.message  # a Dutch sentence for the resident


async def test_images_lose_their_location_and_other_metadata(tmp_path: Path) -> None:
    for data, name in ((samples.jpeg(gps=True), "a.jpg"), (samples.heic(gps=True), "b.heic")):
        with Image.open(io.BytesIO(data)) as original:
            assert samples.GPS_IFD in original.getexif()
        checked = await _check(tmp_path, data, name)
        with Image.open(checked.path) as cleaned:
            assert cleaned.format == "JPEG"
            assert len(cleaned.getexif()) == 0
        assert checked.sha256 == hashlib.sha256(checked.path.read_bytes()).hexdigest()
        assert checked.received_sha256 == hashlib.sha256(data).hexdigest() != checked.sha256


async def test_an_over_the_limit_file_is_refused(tmp_path: Path) -> None:
    data = samples.pdf(padding=POLICY.max_file_bytes)
    with pytest.raises(RefusedFileError) as refused:
        await _check(tmp_path, data, "groot.pdf")
    assert refused.value.reason == "too_large"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd.pdf"),
        ("C:\\Users\\jan\\loonstrook.pdf", "loonstrook.pdf"),
        ("loon\x00strook\x1b[31m.pdf", "loonstrook[31m.pdf"),
        ("fac\u202etxt.pdf", "factxt.pdf"),
        ("  ..verborgen.pdf  ", "verborgen.pdf"),
        ("Cafe\u0301 overzicht.pdf", "Café overzicht.pdf"),
        ("a\tb\nc.pdf", "abc.pdf"),
    ],
)
def test_names_are_cleaned(raw: str, expected: str) -> None:
    assert stored_name(raw, PDF) == expected


def test_a_long_name_is_capped_and_keeps_its_extension() -> None:
    name = stored_name("x" * 2000 + ".jpg", JPEG)
    assert len(name) == 120
    assert name.endswith(".jpg")
    assert clean_name("") == ""
    assert stored_name("...", PDF) == "document.pdf"
