"""The file types accepted, recognised from their first bytes (never from the name)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class FileType:
    key: str
    label: str
    """As the resident knows it, in messages."""
    name_extensions: tuple[str, ...]
    """Name endings a file of this type may arrive with."""
    stored_type: str
    """The content type of what is stored (a HEIC photo is stored as JPEG)."""
    stored_extension: str


PDF: Final = FileType("pdf", "PDF", ("pdf",), "application/pdf", "pdf")
JPEG: Final = FileType("jpeg", "JPG", ("jpg", "jpeg", "jfif", "jpe"), "image/jpeg", "jpg")
PNG: Final = FileType("png", "PNG", ("png",), "image/png", "png")
HEIC: Final = FileType("heic", "HEIC", ("heic", "heif", "hif"), "image/jpeg", "jpg")
DOCX: Final = FileType(
    "docx",
    "Word",
    ("docx",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "docx",
)
ACCEPTED_TYPES: Final = (PDF, JPEG, PNG, HEIC, DOCX)
IMAGES: Final = frozenset({JPEG.key, PNG.key, HEIC.key})
_HEIF_BRANDS: Final = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1"})


def sniff(head: bytes) -> FileType | None:
    """The accepted type whose signature starts the file, if any."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return HEIC
    if head.startswith(b"PK\x03\x04"):
        return DOCX
    return None
