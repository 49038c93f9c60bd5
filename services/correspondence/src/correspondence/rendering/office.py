"""Word letters to PDF through LibreOffice kept running behind `unoserver` (XML-RPC).

One LibreOffice serves every conversion (never a process per letter). A conversion that
fails (LibreOffice crashed, restarting, or hangs) raises `OfficeUnavailableError`: the letter
is retried with backoff and parked with the reason when it keeps failing.
"""

from __future__ import annotations

import asyncio
import http.client
import xmlrpc.client
from urllib.parse import urlsplit


class OfficeUnavailableError(RuntimeError):
    """LibreOffice could not convert the letter now; retrying later may help."""


class _Transport(xmlrpc.client.Transport):
    def __init__(self, timeout: float) -> None:
        super().__init__()
        self._timeout = timeout

    def make_connection(self, host: object) -> http.client.HTTPConnection:
        connection = super().make_connection(host)  # type: ignore[arg-type]
        connection.timeout = self._timeout
        return connection


class OfficeConverter:
    """Converts .docx to PDF/A-2b with the LibreOffice behind `url` (e.g. http://127.0.0.1:2003)."""

    def __init__(self, url: str, *, timeout_seconds: float = 60.0) -> None:
        parts = urlsplit(url)
        self._url = f"{parts.scheme or 'http'}://{parts.netloc}"
        self._timeout = timeout_seconds
        # One conversion at a time per process: LibreOffice works on one document anyway.
        self._lock = asyncio.Lock()

    def _convert(self, docx: bytes) -> bytes:
        proxy = xmlrpc.client.ServerProxy(
            self._url, allow_none=True, transport=_Transport(self._timeout)
        )
        try:
            result = proxy.convert(
                None,
                xmlrpc.client.Binary(docx),
                None,
                "pdf",
                "writer_pdf_Export",
                ["SelectPdfVersion=2"],  # PDF/A-2b
                False,
                "MS Word 2007 XML",
                None,
            )
        except (OSError, xmlrpc.client.Error, http.client.HTTPException) as error:
            raise OfficeUnavailableError(
                f"LibreOffice kon de Word-brief niet omzetten ({type(error).__name__})"
            ) from error
        finally:
            proxy("close")()
        data = result.data if isinstance(result, xmlrpc.client.Binary) else b""
        if not data.startswith(b"%PDF"):
            raise OfficeUnavailableError("LibreOffice gaf geen PDF terug")
        return data

    async def to_pdf(self, docx: bytes) -> bytes:
        async with self._lock:
            return await asyncio.to_thread(self._convert, docx)

    def _ping(self) -> bool:
        proxy = xmlrpc.client.ServerProxy(self._url, transport=_Transport(2.0))
        try:
            info = proxy.info()
        except (OSError, xmlrpc.client.Error, http.client.HTTPException):
            return False
        return isinstance(info, dict)

    async def reachable(self) -> bool:
        return await asyncio.to_thread(self._ping)
