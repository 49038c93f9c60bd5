"""A virus scan by clamd over its socket (the INSTREAM command), failing closed.

Written here instead of using the `clamd` package (unmaintained since 2014, blocking): the
protocol is a few lines, and this way it is asyncio, has timeouts, and never hangs a request.
clamd's `StreamMaxLength` must be at least `DOCUMENTS_MAX_FILE_BYTES`.
"""

from __future__ import annotations

import asyncio
import struct
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

import structlog

from documents.safety.errors import ScannerUnavailableError

log = structlog.get_logger(__name__)

_CHUNK: Final = 256 * 1024
_END: Final = struct.pack(">I", 0)


class ClamdScanner:
    """`unix:///path/to/clamd.sock` or `tcp://host:port`."""

    def __init__(self, url: str, *, timeout_seconds: float) -> None:
        self._url = urlsplit(url)
        self._timeout = timeout_seconds

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self._url.scheme == "unix":
            return await asyncio.open_unix_connection(self._url.path)
        return await asyncio.open_connection(self._url.hostname, self._url.port)

    async def scan(self, path: Path) -> str | None:
        """The name of the signature found in the file, or None when it is clean.

        `ScannerUnavailableError` when clamd cannot be reached, times out or answers with an
        error: the caller must then refuse the file.
        """
        try:
            async with asyncio.timeout(self._timeout):
                return await self._scan(path)
        except (OSError, TimeoutError, asyncio.IncompleteReadError) as error:
            log.warning("documents.scanner.unavailable", error=type(error).__name__)
            raise ScannerUnavailableError(type(error).__name__) from None

    async def _scan(self, path: Path) -> str | None:
        reader, writer = await self._connect()
        try:
            writer.write(b"zINSTREAM\0")
            with path.open("rb") as file:
                while chunk := file.read(_CHUNK):
                    writer.write(struct.pack(">I", len(chunk)) + chunk)
                    await writer.drain()
            writer.write(_END)
            await writer.drain()
            reply = (await reader.readuntil(b"\0")).rstrip(b"\0").decode("utf-8", "replace")
        finally:
            writer.close()
        verdict = reply.removeprefix("stream:").strip()
        if verdict == "OK":
            return None
        if verdict.endswith(" FOUND"):
            return verdict.removesuffix(" FOUND").strip()
        log.warning("documents.scanner.error", reply=verdict[:200])
        raise ScannerUnavailableError(verdict[:200])

    async def reachable(self) -> bool:
        try:
            async with asyncio.timeout(2):
                reader, writer = await self._connect()
                writer.write(b"zPING\0")
                await writer.drain()
                reply = await reader.readuntil(b"\0")
                writer.close()
        except (OSError, TimeoutError, asyncio.IncompleteReadError):
            return False
        return reply.rstrip(b"\0") == b"PONG"
