"""Checks of the document types: PDFs without scripts or attachments, Word without macros."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Final

import pikepdf

from documents.safety.errors import RefusedFileError

_PDF_SCRIPT_KEYS: Final = frozenset({"/JS", "/JavaScript"})
_PDF_EMBEDDED_KEYS: Final = frozenset({"/EmbeddedFiles", "/EmbeddedFile", "/EF"})
_PDF_ACTIVE_KEYS: Final = frozenset({"/RichMedia", "/XFA"})
_PDF_ACTIONS: Final = frozenset({"/JavaScript", "/Launch", "/ImportData", "/RichMediaExecute"})
_DOCX_REQUIRED: Final = ("[Content_Types].xml", "word/document.xml")
_DOCX_MACRO_MARKERS: Final = (b"macroenabled", b"vbaproject", b"vbadata")
_DOCX_MAX_ENTRIES: Final = 2000
_DOCX_MAX_RATIO: Final = 200


def _refuse(message: str, reason: str) -> RefusedFileError:
    return RefusedFileError(message, status_code=422, reason=reason)


def check_pdf(path: Path) -> None:
    """A PDF that opens, has pages, and carries no JavaScript, attachments or launch actions."""
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError:
        raise _refuse(
            "Deze PDF is beveiligd met een wachtwoord. Stuur de PDF zonder wachtwoord.",
            "pdf_encrypted",
        ) from None
    except pikepdf.PdfError:
        raise _refuse(
            "Deze PDF is beschadigd en kan niet worden geopend. Maak de PDF opnieuw.",
            "pdf_damaged",
        ) from None
    with pdf:
        if len(pdf.pages) == 0:
            raise _refuse("Deze PDF heeft geen pagina's.", "pdf_empty")
        for item in pdf.objects:
            if not isinstance(item, pikepdf.Dictionary | pikepdf.Stream):
                continue
            keys = set(item.keys())
            action = item.get("/S")
            if keys & _PDF_SCRIPT_KEYS or (action is not None and str(action) in _PDF_ACTIONS):
                raise _refuse(
                    "Deze PDF bevat een script of een actie die iets start. Zulke PDF's nemen "
                    "wij niet aan. Maak de PDF opnieuw met 'Afdrukken als PDF'.",
                    "pdf_javascript",
                )
            if keys & _PDF_EMBEDDED_KEYS or item.get("/Type") == pikepdf.Name.EmbeddedFile:
                raise _refuse(
                    "In deze PDF zit een ander bestand verborgen (een bijlage). Stuur de "
                    "bestanden los, of maak de PDF opnieuw met 'Afdrukken als PDF'.",
                    "pdf_embedded_file",
                )
            if keys & _PDF_ACTIVE_KEYS:
                raise _refuse(
                    "Deze PDF bevat een interactief formulier of media. Maak de PDF opnieuw "
                    "met 'Afdrukken als PDF'.",
                    "pdf_active_content",
                )


def check_docx(path: Path, *, max_uncompressed: int) -> None:
    """A real Word document (not just any ZIP), without macros, ActiveX or embedded programs,
    and not a ZIP bomb."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise _refuse(
            "Dit Word-bestand is beschadigd en kan niet worden geopend.", "docx_damaged"
        ) from None
    with archive:
        entries = archive.infolist()
        names = {entry.filename for entry in entries}
        if not all(required in names for required in _DOCX_REQUIRED):
            raise RefusedFileError(
                "Dit is geen Word-document maar een ander soort bestand (een ZIP-bestand). "
                "Stuur de bestanden los, als PDF, foto of Word-document.",
                status_code=415,
                reason="docx_not_word",
            )
        total = sum(entry.file_size for entry in entries)
        ratio_too_high = any(
            entry.file_size > 1024 * 1024
            and entry.file_size > _DOCX_MAX_RATIO * max(entry.compress_size, 1)
            for entry in entries
        )
        if len(entries) > _DOCX_MAX_ENTRIES or total > max_uncompressed or ratio_too_high:
            raise _refuse(
                "Dit Word-bestand is uitgepakt veel te groot. Maak er een PDF van.", "docx_bomb"
            )
        lowered = [name.lower() for name in names]
        content_types = archive.read("[Content_Types].xml")[: 1024 * 1024].lower()
        if (
            any(marker in content_types for marker in _DOCX_MACRO_MARKERS)
            or any(name.endswith(("vbaproject.bin", "vbadata.xml")) for name in lowered)
            or any(name.startswith(("word/activex/", "word/embeddings/")) for name in lowered)
        ):
            raise _refuse(
                "Dit Word-bestand bevat macro's of ingesloten programma's. Sla het op als "
                "gewoon Word-document (.docx) of als PDF en stuur het opnieuw.",
                "docx_macros",
            )
