"""Which accepted type a file is, from its content; refuses anything else and polyglots."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Final

import puremagic

from documents.safety.errors import ACCEPTED, RefusedFileError
from documents.safety.filetypes import DOCX, PDF, FileType, sniff

_HEAD_BYTES: Final = 4096
_MARKUP = re.compile(rb"<\s*(?:!doctype\s+html|html|script|svg|iframe|body|head)\b", re.IGNORECASE)


def _named(path: Path) -> str:
    """What the file seems to be, for the message (puremagic), or a neutral word."""
    try:
        found = puremagic.magic_file(str(path))
    except (puremagic.PureError, OSError, ValueError):
        found = []
    if not found:
        return "een onbekend soort bestand"
    best = found[0]
    label = (best.name or best.extension.lstrip(".")).strip()
    return f"een {label}-bestand" if label else "een onbekend soort bestand"


def detect(path: Path) -> FileType:
    """The file's type from its first bytes; `RefusedFileError` for another type or for a
    file that is also another format (a polyglot: e.g. a PDF that is a ZIP as well)."""
    with path.open("rb") as file:
        head = file.read(_HEAD_BYTES)
    found = sniff(head)
    if found is None:
        raise RefusedFileError(
            f"Dit bestand kunnen wij niet aannemen: het is {_named(path)}. {ACCEPTED}",
            status_code=415,
            reason="type_not_accepted",
        )
    polyglot = RefusedFileError(
        f"Dit bestand lijkt een {found.label}-bestand, maar bevat ook een ander soort bestand. "
        f"Zulke bestanden nemen wij niet aan. Maak het bestand opnieuw, bijvoorbeeld met "
        f"'Opslaan als' of 'Afdrukken als PDF'.",
        status_code=415,
        reason="polyglot",
    )
    if found is not PDF and b"%PDF-" in head[:1024]:
        raise polyglot
    if _MARKUP.search(head[:1024]):
        raise polyglot
    if found is not DOCX and zipfile.is_zipfile(path):
        raise polyglot
    return found
