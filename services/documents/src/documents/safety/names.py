"""File names as they are kept and shown: no path, no control characters, NFC, capped."""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from documents.safety.errors import RefusedFileError
from documents.safety.filetypes import FileType

MAX_NAME_LENGTH: Final = 120
_EXTENSION = re.compile(r"[A-Za-z][A-Za-z0-9]{1,4}")
_FALLBACK = "document"


def clean_name(raw: str | None) -> str:
    """The last path segment, in NFC, without control or format characters (bidi overrides
    included), whitespace collapsed, no leading or trailing dots or spaces."""
    name = unicodedata.normalize("NFC", raw or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    kept = (
        " " if unicodedata.category(ch)[0] == "Z" else ch
        for ch in name
        if unicodedata.category(ch)[0] != "C"
    )
    return " ".join("".join(kept).split()).strip(" .")


def stored_name(raw: str | None, file_type: FileType) -> str:
    """The name to keep: cleaned, its extension the stored type's, at most 120 characters.

    A name that claims another type (a PDF called `foto.jpg`) is refused: the resident would
    not find back what they think they sent.
    """
    name = clean_name(raw)
    stem, dot, extension = name.rpartition(".")
    if dot and _EXTENSION.fullmatch(extension):
        if extension.lower() not in file_type.name_extensions:
            raise RefusedFileError(
                f"De naam van het bestand eindigt op .{extension.lower()}, maar het is een "
                f"{file_type.label}-bestand. Geef het bestand de juiste naam of kies een "
                "ander bestand.",
                status_code=415,
                reason="name_type_mismatch",
            )
        name = stem.strip(" .")
    suffix = "." + file_type.stored_extension
    name = name[: MAX_NAME_LENGTH - len(suffix)].rstrip(" .") or _FALLBACK
    return unicodedata.normalize("NFC", name + suffix)
