"""PDF helpers: split a batch document into its letters, merge letters, read metadata."""

from __future__ import annotations

import io
import itertools

import pikepdf


def letter_starts(document: pikepdf.Pdf) -> list[int]:
    """Page indexes where a letter begins: each letter restarts the page numbering at 1, which
    Typst writes as the PDF's page labels (`/PageLabels`), so no text has to be searched."""
    labels = document.Root.get("/PageLabels")
    if labels is None:
        return [0]
    numbers = list(labels.get("/Nums", []))
    starts = [
        int(numbers[i])
        for i in range(0, len(numbers) - 1, 2)
        if int(numbers[i + 1].get("/St", 1)) == 1
    ]
    return starts or [0]


def split_letters(pdf: bytes, expected: int) -> list[bytes]:
    """One PDF/A file per letter out of a document of `expected` letters.

    Each part keeps the XMP metadata and the output intent that PDF/A requires.
    """
    with pikepdf.open(io.BytesIO(pdf)) as document:
        starts = letter_starts(document)
        if len(starts) != expected:
            raise ValueError(f"expected {expected} letters, found {len(starts)} in the batch")
        metadata = document.Root.get("/Metadata")
        intents = document.Root.get("/OutputIntents")
        bounds = [*starts, len(document.pages)]
        parts: list[bytes] = []
        for first, end in itertools.pairwise(bounds):
            part = pikepdf.new()
            for index in range(first, end):
                part.pages.append(document.pages[index])
            if metadata is not None:
                part.Root.Metadata = part.copy_foreign(metadata)
            if intents is not None:
                part.Root.OutputIntents = part.copy_foreign(intents)
            buffer = io.BytesIO()
            # Keep the XMP as Typst wrote it (PDF/A identification included); a fresh /ID.
            part.save(buffer, fix_metadata_version=False, deterministic_id=False)
            parts.append(buffer.getvalue())
        return parts


def merge(pdfs: list[bytes]) -> bytes:
    """One document of several PDFs, in the given order (the post room's print batch)."""
    out = pikepdf.new()
    for data in pdfs:
        with pikepdf.open(io.BytesIO(data)) as part:
            out.pages.extend(part.pages)
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def page_count(pdf: bytes) -> int:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return len(document.pages)
