"""A multipart form received as a stream: each file spooled to its own bounded file on disk,
counted and hashed as it arrives, refused the moment it passes the limit.

Nothing holds a whole file in memory: the parser hands over slices of the network chunks,
and each slice goes to disk and into the hash at once. A client that goes away mid-upload
raises `ClientDisconnect`; the caller's temporary folder then goes with everything in it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Final

from fastapi import Request
from python_multipart.multipart import MultipartParser, parse_options_header

from documents.safety.errors import RefusedFileError
from documents.safety.service import Received, too_large

_MAX_FIELD_BYTES: Final = 4096
_MAX_FIELDS: Final = 20
_FORM_OVERHEAD: Final = 64 * 1024


class FormError(Exception):
    """The request is not a usable form (HTTP `status_code`, Dutch `message`)."""

    def __init__(self, message: str, *, status_code: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code


@dataclass
class Form:
    fields: dict[str, str] = field(default_factory=dict)
    files: list[Received] = field(default_factory=list)


@dataclass
class _FilePart:
    path: Path
    name: str | None
    out: IO[bytes]
    digest: hashlib._Hash = field(default_factory=hashlib.sha256)
    size: int = 0


class _Parser:
    def __init__(
        self, *, folder: Path, file_fields: frozenset[str], max_file_bytes: int, max_files: int
    ) -> None:
        self.form = Form()
        self.ended = False
        self._folder = folder
        self._file_fields = file_fields
        self._max_file_bytes = max_file_bytes
        self._max_files = max_files
        self._header_name = bytearray()
        self._header_value = bytearray()
        self._disposition = b""
        self._field_name: str | None = None
        self._field_value: bytearray | None = None
        self._file: _FilePart | None = None
        self._parts = 0

    def callbacks(self) -> dict[str, object]:
        return {
            "on_part_begin": self._part_begin,
            "on_header_field": lambda data, start, end: self._header_name.extend(data[start:end]),
            "on_header_value": lambda data, start, end: self._header_value.extend(data[start:end]),
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
            "on_end": self._end,
        }

    def _part_begin(self) -> None:
        self._parts += 1
        if self._parts > _MAX_FIELDS + self._max_files:
            raise FormError("het formulier heeft te veel velden")
        self._disposition = b""
        self._field_name = None
        self._field_value = None
        self._file = None

    def _header_end(self) -> None:
        if bytes(self._header_name).strip().lower() == b"content-disposition":
            self._disposition = bytes(self._header_value)
        self._header_name.clear()
        self._header_value.clear()

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition.decode("latin-1"))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" not in options:
            self._field_name, self._field_value = name, bytearray()
            return
        if name not in self._file_fields:
            raise FormError(f"onbekend bestandsveld {name[:40]!r}")
        if len(self.form.files) >= self._max_files:
            raise FormError(
                f"stuur ten hoogste {self._max_files} bestanden tegelijk", status_code=413
            )
        path = self._folder / f"part-{len(self.form.files) + 1}"
        declared = options[b"filename"].decode("utf-8", "replace")
        self._file = _FilePart(path=path, name=declared, out=path.open("wb"))

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = memoryview(data)[start:end]
        if self._file is not None:
            self._file.size += len(chunk)
            if self._file.size > self._max_file_bytes:
                raise too_large(self._max_file_bytes)
            self._file.digest.update(chunk)
            self._file.out.write(chunk)
        elif self._field_value is not None:
            self._field_value.extend(chunk)
            if len(self._field_value) > _MAX_FIELD_BYTES:
                raise FormError(f"het veld {self._field_name!r} is te lang")

    def _part_end(self) -> None:
        part, self._file = self._file, None
        if part is not None:
            part.out.close()
            if part.size == 0 and not part.name:
                part.path.unlink(missing_ok=True)  # a file input left empty
                return
            self.form.files.append(
                Received(
                    path=part.path,
                    declared_name=part.name,
                    size=part.size,
                    sha256=part.digest.hexdigest(),
                )
            )
        elif self._field_name is not None and self._field_value is not None:
            try:
                value = self._field_value.decode("utf-8")
            except UnicodeDecodeError:
                raise FormError(f"het veld {self._field_name!r} is geen UTF-8") from None
            self.form.fields.setdefault(self._field_name, value)

    def _end(self) -> None:
        self.ended = True

    def close(self) -> None:
        if self._file is not None:
            self._file.out.close()


async def receive_form(
    request: Request,
    *,
    folder: Path,
    file_fields: frozenset[str],
    max_file_bytes: int,
    max_files: int,
) -> Form:
    """The form's text fields and files (each in `folder`), or `FormError`/`RefusedFileError`
    (413 for a file over `max_file_bytes`, raised before the rest of the body is read)."""
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise FormError("stuur een formulier (multipart/form-data)", status_code=415)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_files * max_file_bytes + _FORM_OVERHEAD:
        raise too_large(max_file_bytes)
    state = _Parser(
        folder=folder, file_fields=file_fields, max_file_bytes=max_file_bytes, max_files=max_files
    )
    parser = MultipartParser(boundary, state.callbacks())  # type: ignore[arg-type]
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except (FormError, RefusedFileError):
        raise
    except ValueError as error:
        raise FormError(f"het formulier is niet goed opgebouwd ({error})"[:200]) from None
    finally:
        state.close()
    if not state.ended:
        raise FormError("het formulier is niet volledig ontvangen", status_code=400)
    return state.form
