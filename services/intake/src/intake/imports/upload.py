"""Receiving the multipart upload: streamed to a temporary file, refused once it is too large."""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from fastapi import HTTPException, Request, status
from starlette.datastructures import UploadFile
from starlette.types import Message, Receive

_MULTIPART_OVERHEAD = 64 * 1024
_COPY_CHUNK = 1024 * 1024


class _TooLargeError(Exception):
    pass


@dataclass(frozen=True)
class Upload:
    path: Path
    filename: str
    size: int
    sha256: str
    fields: dict[str, str]


def too_large(limit: int) -> HTTPException:
    return HTTPException(
        status.HTTP_413_CONTENT_TOO_LARGE,
        f"het bestand is groter dan {limit // (1024 * 1024) or 1} MB; splits het bestand",
    )


def _limited(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def limited_receive() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _TooLargeError
        return message

    return limited_receive


def _copy(source: IO[bytes], target: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with target.open("wb") as out:
        while chunk := source.read(_COPY_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return size, digest.hexdigest()


async def receive_upload(request: Request, *, limit: int, folder: Path) -> Upload:
    """The form's text fields and its one file (`file`), the file written to `folder`.

    The body is counted as it arrives: more than `limit` (plus the multipart overhead) is
    refused with 413 without reading the rest. Starlette spools the part to disk past 1 MiB.
    """
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + _MULTIPART_OVERHEAD:
        raise too_large(limit)
    limited = Request(request.scope, _limited(request.receive, limit + _MULTIPART_OVERHEAD))
    try:
        form = await limited.form(max_files=1, max_fields=10, max_part_size=64 * 1024)
    except _TooLargeError:
        raise too_large(limit) from None
    try:
        file = form.get("file")
        if not isinstance(file, UploadFile):
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_CONTENT, "het bestand ontbreekt (formulierveld file)"
            )
        path = folder / "upload"
        size, sha256 = await asyncio.to_thread(_copy, file.file, path)
        fields = {name: value for name, value in form.items() if isinstance(value, str)}
        filename = Path(file.filename or "upload").name[:255] or "upload"
    finally:
        await form.close()
    if size > limit:
        raise too_large(limit)
    return Upload(path=path, filename=filename, size=size, sha256=sha256, fields=fields)
