"""Reading a file check: BSNs from a CSV (one per line, `;` or `,`, optional header `bsn`) or
the first sheet of an XLSX (the column headed `bsn`, else the first column). Type by content."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

FileType = Literal["csv", "xlsx"]
MAX_ROWS = 500_000


class FileCheckFileError(Exception):
    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


@dataclass(frozen=True)
class Line:
    line: int
    value: str


def detect(content: bytes) -> FileType:
    if not content.strip():
        raise FileCheckFileError(422, "het bestand is leeg")
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                if "xl/workbook.xml" not in archive.namelist():
                    raise FileCheckFileError(415, "het ZIP-bestand is geen Excel-werkmap (.xlsx)")
        except zipfile.BadZipFile:
            raise FileCheckFileError(415, "het ZIP-bestand is beschadigd") from None
        return "xlsx"
    if content.startswith(b"%PDF") or b"\x00" in content[:4096]:
        raise FileCheckFileError(
            415, "het bestand is geen CSV-bestand en geen Excel-werkmap (.xlsx)"
        )
    try:
        content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileCheckFileError(
            415, "het bestand is geen geldige UTF-8-tekst; sla het op als CSV UTF-8"
        ) from None
    return "csv"


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv(content: bytes) -> Iterator[list[str]]:
    text = content.decode("utf-8-sig")
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = "," if first.count(",") > first.count(";") else ";"
    yield from csv.reader(io.StringIO(text), delimiter=delimiter)


def _xlsx(content: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(
            io.BytesIO(content), read_only=True, data_only=True, keep_links=False
        )
    except Exception as error:  # openpyxl raises many types for a damaged workbook
        raise FileCheckFileError(
            422, f"de Excel-werkmap is onleesbaar ({type(error).__name__})"
        ) from None
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield [_cell(v) for v in values]
    finally:
        workbook.close()


def lines(content: bytes, file_type: FileType) -> list[Line]:
    """One value per non-empty data line, with its line number (a header line is skipped)."""
    rows = _csv(content) if file_type == "csv" else _xlsx(content)
    column = 0
    found: list[Line] = []
    for number, raw in enumerate(rows, start=1):
        cells = [c.strip() for c in raw]
        if not any(cells):
            continue
        lowered = [c.lower() for c in cells]
        if not found and "bsn" in lowered:
            column = lowered.index("bsn")
            continue
        found.append(Line(number, cells[column] if column < len(cells) else ""))
        if len(found) > MAX_ROWS:
            raise FileCheckFileError(
                422, f"meer dan {MAX_ROWS} regels; splits het bestand niet, maar neem contact op"
            )
    if not found:
        raise FileCheckFileError(422, "het bestand bevat geen BSN's")
    return found
