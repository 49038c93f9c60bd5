"""The checks in order: size, virus scan (before any parser reads the bytes), type from the
content, the type's own checks, re-encoding of images, the file name."""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from documents.safety import detection, images, structure
from documents.safety.errors import RefusedFileError
from documents.safety.filetypes import DOCX, IMAGES, PDF, FileType
from documents.safety.names import stored_name
from documents.safety.scanner import ClamdScanner

_HASH_CHUNK: Final = 1024 * 1024


@dataclass(frozen=True)
class Policy:
    max_file_bytes: int
    max_image_pixels: int
    max_docx_uncompressed_bytes: int


@dataclass(frozen=True)
class Received:
    """A file as it arrived, spooled to disk while counted and hashed."""

    path: Path
    declared_name: str | None
    size: int
    sha256: str


@dataclass(frozen=True)
class Checked:
    """What is stored: the file (re-encoded for images), its type, name, size and checksum."""

    path: Path
    file_type: FileType
    content_type: str
    file_name: str
    size: int
    sha256: str
    received_sha256: str


def too_large(limit: int) -> RefusedFileError:
    megabytes = max(1, limit // (1024 * 1024))
    return RefusedFileError(
        f"Het bestand is groter dan {megabytes} MB. Stuur een kleiner bestand, of verdeel "
        "het over meer bestanden.",
        status_code=413,
        reason="too_large",
    )


def _digest(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as file:
        while chunk := file.read(_HASH_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _inspect(received: Received, policy: Policy) -> Checked:
    """The CPU part (runs in a worker thread)."""
    file_type = detection.detect(received.path)
    name = stored_name(received.declared_name, file_type)
    path = received.path
    sha256, size = received.sha256, received.size
    if file_type is PDF:
        structure.check_pdf(path)
    elif file_type is DOCX:
        structure.check_docx(path, max_uncompressed=policy.max_docx_uncompressed_bytes)
    elif file_type.key in IMAGES:
        path = received.path.with_name(received.path.name + ".clean")
        images.reencode(
            received.path, path, file_type=file_type, max_pixels=policy.max_image_pixels
        )
        sha256, size = _digest(path)
        if size > policy.max_file_bytes:
            raise too_large(policy.max_file_bytes)
    return Checked(
        path=path,
        file_type=file_type,
        content_type=file_type.stored_type,
        file_name=name,
        size=size,
        sha256=sha256,
        received_sha256=received.sha256,
    )


class Inspector:
    """Checks files, a bounded number at once (decoding an image takes memory)."""

    def __init__(self, *, policy: Policy, scanner: ClamdScanner | None, concurrency: int) -> None:
        self.policy = policy
        self.scanner = scanner
        self._slots = asyncio.Semaphore(concurrency)

    async def check(self, received: Received) -> Checked:
        """The file as it will be stored, or `RefusedFileError` / `ScannerUnavailableError`."""
        if received.size == 0:
            raise RefusedFileError(
                "Het bestand is leeg (0 bytes). Kies het bestand opnieuw.",
                status_code=422,
                reason="empty",
            )
        if received.size > self.policy.max_file_bytes:
            raise too_large(self.policy.max_file_bytes)
        async with self._slots:
            if self.scanner is not None:
                found = await self.scanner.scan(received.path)
                if found is not None:
                    raise RefusedFileError(
                        "In dit bestand is een virus gevonden. Het is niet opgeslagen. "
                        "Controleer uw computer of telefoon en stuur een schoon bestand.",
                        status_code=422,
                        reason="virus",
                    )
            return await asyncio.to_thread(_inspect, received, self.policy)
