"""What routes take from the app's state (built in the lifespan)."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from fastapi import Request

from documents.files.storing import Storing
from documents.settings import DocumentsSettings
from servicekit.runtime import ServiceRuntime


def settings_of(request: Request) -> DocumentsSettings:
    settings: DocumentsSettings = request.app.state.settings
    return settings


def runtime_of(request: Request) -> ServiceRuntime:
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime


def storing_of(request: Request) -> Storing:
    storing: Storing = request.app.state.storing
    return storing


@contextlib.contextmanager
def spool_folder(settings: DocumentsSettings) -> Iterator[Path]:
    """A private temporary folder for one request's files, removed with everything in it."""
    folder = Path(tempfile.mkdtemp(prefix="documents-", dir=settings.spool_dir))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
