"""Limits on an XLSX workbook, checked in the ZIP before openpyxl opens it.

openpyxl streams the worksheets but reads every other part whole: the shared strings into one
list (about 100 bytes a string, however short) and the rest as XML trees many times their size.
A small upload can unpack into millions of either. So before openpyxl: the ZIP directory is
small, the parts unpack to at most MAX_UNPACKED_BYTES together and each part other than a
worksheet to MAX_PART_BYTES, and the shared strings are counted as a stream, in constant memory.
The sizes are those the ZIP declares: zipfile, and so openpyxl, never unpacks more than that.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from xml.parsers import expat

from openpyxl.xml.constants import (
    ARC_CONTENT_TYPES,
    ARC_SHARED_STRINGS,
    SHARED_STRINGS,
    WORKSHEET_TYPE,
)

MiB = 1024 * 1024
MAX_ENTRIES = 10_000
"""ZIP entries: zipfile builds an object of about 600 bytes for each before anything else."""
MAX_UNPACKED_BYTES = 256 * MiB
"""A sheet of 50,000 rows (the contract's size) of 18 columns unpacks to 30 to 70 MiB."""
MAX_PART_BYTES = 16 * MiB
MAX_SHARED_STRINGS_BYTES = 64 * MiB
MAX_SHARED_STRINGS = 1_000_000
"""50,000 rows of 18 columns, every cell a text of its own, make 900,000; openpyxl holds this
many in about 100 MiB."""

_READ = 64 * 1024
_DIRECTORY_ENTRY = b"PK\x01\x02"
_WORKSHEET_PATH = re.compile(r"xl/worksheets/[^/]+\.xml")


def _dutch(number: int) -> str:
    return f"{number:,}".replace(",", ".")


TOO_MANY_PARTS = "de Excel-werkmap bestaat uit te veel onderdelen om te verwerken"
TOO_LARGE_UNPACKED = "de Excel-werkmap is uitgepakt te groot om te verwerken"
TOO_LARGE_PART = (
    "een onderdeel van de Excel-werkmap is uitgepakt te groot om te verwerken; "
    "sla het bestand op als CSV UTF-8"
)
TOO_LARGE_STRINGS = (
    f"de teksten in de Excel-werkmap zijn samen groter dan {MAX_SHARED_STRINGS_BYTES // MiB} MB; "
    "splits het bestand"
)
TOO_MANY_STRINGS = (
    f"de Excel-werkmap bevat meer dan {_dutch(MAX_SHARED_STRINGS)} verschillende teksten; "
    "splits het bestand"
)


class _EnoughError(Exception):
    """Ends a scan early: the answer is known."""


def damaged(error: Exception) -> str:
    return f"de Excel-werkmap is beschadigd of onleesbaar ({type(error).__name__})"


def directory_reason(path: Path) -> str | None:
    """Too many ZIP entries, counted before zipfile reads its directory.

    Each entry zipfile reads starts with the directory signature somewhere in the file.
    """
    found = 0
    tail = b""
    with path.open("rb") as file:
        while chunk := file.read(1024 * 1024):
            data = tail + chunk
            found += data.count(_DIRECTORY_ENTRY)
            tail = data[-(len(_DIRECTORY_ENTRY) - 1) :]  # a signature split over two reads
            if found > MAX_ENTRIES:
                return TOO_MANY_PARTS
    return None


def workbook_reason(path: Path) -> str | None:
    """Why openpyxl must not open this workbook, or None."""
    if reason := directory_reason(path):
        return reason
    try:
        with zipfile.ZipFile(path) as archive:
            return _archive_reason(archive)
    except (
        zipfile.BadZipFile,
        zlib.error,
        OSError,
        EOFError,
        NotImplementedError,
        expat.ExpatError,
        ValueError,
        LookupError,
    ) as error:
        return damaged(error)


def _archive_reason(archive: zipfile.ZipFile) -> str | None:
    infos = archive.infolist()
    if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
        return TOO_LARGE_UNPACKED
    sizes = {info.filename: info.file_size for info in infos}  # zipfile opens the last of a name
    described = [name for name in sizes if name == ARC_CONTENT_TYPES or name.endswith(".rels")]
    if any(sizes[name] > MAX_PART_BYTES for name in described):
        return TOO_LARGE_PART
    shared, other_uses = _shared_strings_and_other_uses(archive, set(sizes))
    for name, size in sizes.items():
        if name in shared:
            if size > MAX_SHARED_STRINGS_BYTES:
                return TOO_LARGE_STRINGS
        elif size > MAX_PART_BYTES and (name in other_uses or not _WORKSHEET_PATH.fullmatch(name)):
            return TOO_LARGE_PART
    if any(_count_strings(archive, name) > MAX_SHARED_STRINGS for name in sorted(shared)):
        return TOO_MANY_STRINGS
    return None


def _shared_strings_and_other_uses(
    archive: zipfile.ZipFile, names: set[str]
) -> tuple[set[str], set[str]]:
    """The shared-strings parts, and the parts the content types or a relationship name as
    anything but a worksheet: openpyxl reads those whole, whatever their path."""
    shared = {ARC_SHARED_STRINGS} & names
    other: set[str] = set()

    def override(tag: str, attributes: dict[str, str]) -> None:
        if tag.endswith("}Override"):
            name = attributes.get("PartName", "").removeprefix("/")
            kind = attributes.get("ContentType")
            if name in names and kind != WORKSHEET_TYPE:
                (shared if kind == SHARED_STRINGS else other).add(name)

    if ARC_CONTENT_TYPES in names:
        _scan(archive, ARC_CONTENT_TYPES, override)
    for rels in sorted(name for name in names if name.endswith(".rels")):
        # Resolved as openpyxl does: relative to the folder that holds the `_rels` folder.
        parent = posixpath.dirname(posixpath.dirname(rels))

        def relationship(tag: str, attributes: dict[str, str], parent: str = parent) -> None:
            if not tag.endswith("}Relationship") or attributes.get("TargetMode") == "External":
                return
            target = attributes.get("Target", "")
            name = (
                target[1:]
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(parent, target))
            )
            if name in names and not attributes.get("Type", "").endswith("/worksheet"):
                other.add(name)

        _scan(archive, rels, relationship)
    return shared, other


def _count_strings(archive: zipfile.ZipFile, name: str) -> int:
    """The shared strings (`si` elements), counted up to one past the limit; a declared count
    above the limit is believed at once."""
    count = 0

    def start(tag: str, attributes: dict[str, str]) -> None:
        nonlocal count
        if tag.endswith("}si"):
            count += 1
            if count > MAX_SHARED_STRINGS:
                raise _EnoughError
        elif tag.endswith("}sst"):
            declared = attributes.get("uniqueCount", "")
            if declared.isdecimal() and len(declared) < 19 and int(declared) > MAX_SHARED_STRINGS:
                count = int(declared)
                raise _EnoughError

    _scan(archive, name, start)
    return count


def _scan(
    archive: zipfile.ZipFile, name: str, start: Callable[[str, dict[str, str]], None]
) -> None:
    """Stream a part through expat, calling `start` per element (tag as `namespace}name`).
    No text is kept, and a document type declaration (the way to entity expansion) is refused."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = start

    def no_document_type(*_: object) -> None:
        raise ValueError("document type declaration")

    parser.StartDoctypeDeclHandler = no_document_type
    try:
        with archive.open(name) as part:
            while chunk := part.read(_READ):
                parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _EnoughError:
        pass
