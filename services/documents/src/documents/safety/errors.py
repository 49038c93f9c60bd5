"""Why a file is refused, in words a resident understands (Dutch, B1)."""

from __future__ import annotations


class RefusedFileError(Exception):
    """The file is not accepted; `message` says why and what to do (HTTP `status_code`)."""

    def __init__(self, message: str, *, status_code: int = 422, reason: str) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.reason = reason
        """A stable code for logs and tests (no personal data), e.g. `pdf_javascript`."""
        self.file_name: str | None = None
        """Which of several files it was (set by the caller that knows)."""


class ScannerUnavailableError(Exception):
    """The virus scanner did not answer: the upload is refused (fail closed, HTTP 503)."""


ACCEPTED = "Stuur een PDF, een foto (JPG, PNG of HEIC) of een Word-bestand (DOCX)."
