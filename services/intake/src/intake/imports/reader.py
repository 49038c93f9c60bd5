"""Reading an import file as a stream of records: type by content, CSV or the first XLSX sheet.

Nothing here holds more than one row in memory. `inspect` runs at upload and refuses a file
that is not a spreadsheet, has no usable header or no rows; `records` is what the worker reads,
from the line after the last one committed.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Literal

from intake.imports import workbook_limits
from intake.imports.workbook_limits import damaged

FileType = Literal["csv", "xlsx"]
Cell = str | int | float | bool | datetime | date | time | None
Rows = Generator[tuple[int, list[Cell]], None, None]

REQUIRED_COLUMNS = (
    "bsn",
    "initials",
    "last_name",
    "date_of_birth",
    "street",
    "house_number",
    "postal_code",
    "city",
)
OPTIONAL_COLUMNS = (
    "prefix",
    "house_number_suffix",
    "email",
    "partner_bsn",
    "partner_initials",
    "partner_prefix",
    "partner_last_name",
    "partner_date_of_birth",
    "children_count",
    "policy_number",
)
KNOWN_COLUMNS = frozenset(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
_CHUNK = 1024 * 1024
_NOT_A_SPREADSHEET = (
    "het bestand is geen CSV-bestand (UTF-8) en geen Excel-werkmap (.xlsx); "
    "sla het op als CSV UTF-8 of als .xlsx"
)


class ImportFileError(Exception):
    """The file as a whole cannot be imported; `status_code` is the HTTP answer at upload."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


@dataclass(frozen=True)
class Record:
    """One non-empty data line: its line (row) number, and its cells by known column name."""

    line: int
    values: dict[str, Cell]
    extra_cells: bool = False


@dataclass(frozen=True)
class Inspection:
    file_type: FileType
    columns: tuple[str, ...]


def detect_type(path: Path) -> FileType:
    """XLSX when the content is a ZIP holding a workbook; CSV when it is UTF-8 text; else 415."""
    with path.open("rb") as file:
        head = file.read(8)
    if not head:
        raise ImportFileError(422, "het bestand is leeg")
    if head.startswith(b"PK\x03\x04"):
        return _check_workbook(path)
    if head.startswith(b"%PDF"):
        raise ImportFileError(
            415, "het bestand is een PDF, geen spreadsheet; " + _NOT_A_SPREADSHEET
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            415,
            "het bestand is een oud Excel-bestand (.xls) of een versleutelde werkmap; "
            "sla het op als .xlsx zonder wachtwoord, of als CSV UTF-8",
        )
    _check_utf8_text(path)
    return "csv"


def _check_workbook(path: Path) -> FileType:
    if reason := workbook_limits.directory_reason(path):
        raise ImportFileError(422, reason)
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportFileError(415, "het ZIP-bestand is beschadigd; " + _NOT_A_SPREADSHEET) from None
    if "xl/workbook.xml" not in names:
        raise ImportFileError(415, "het ZIP-bestand is geen Excel-werkmap; " + _NOT_A_SPREADSHEET)
    return "xlsx"


def _check_utf8_text(path: Path) -> None:
    """The whole file must decode as UTF-8 and hold no NUL bytes (a binary file does not)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as file:
        try:
            while chunk := file.read(_CHUNK):
                if b"\x00" in chunk:
                    raise ImportFileError(415, _NOT_A_SPREADSHEET)
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise ImportFileError(
                415, "het bestand is geen geldige UTF-8-tekst; " + _NOT_A_SPREADSHEET
            ) from None


def inspect(path: Path) -> Inspection:
    """Refuse, with the HTTP status to answer, a file that cannot be imported at all."""
    file_type = detect_type(path)
    rows = _rows(path, file_type)
    try:
        columns = _header(rows)
        first = next(_records(rows, columns, after_line=1), None)
    finally:
        rows.close()
    if first is None:
        raise ImportFileError(422, "het bestand bevat geen rijen, alleen een kopregel")
    return Inspection(file_type, tuple(c for c in columns if c is not None))


def records(
    path: Path, file_type: FileType, *, after_line: int = 1
) -> Generator[Record, None, None]:
    """The non-empty data records after `after_line` (1 is the header), in file order."""
    rows = _rows(path, file_type)
    try:
        columns = _header(rows)
        yield from _records(rows, columns, after_line=after_line)
    finally:
        rows.close()


def _header(rows: Iterator[tuple[int, list[Cell]]]) -> list[str | None]:
    for _, cells in rows:
        if _blank(cells):
            continue
        names = [str(c).strip().lower() if c is not None else "" for c in cells]
        seen = {n for n in names if n}
        doubled = sorted({n for n in seen if names.count(n) > 1})
        if doubled:
            raise ImportFileError(422, "kolom staat dubbel in de kopregel: " + ", ".join(doubled))
        missing = [c for c in REQUIRED_COLUMNS if c not in seen]
        if missing:
            raise ImportFileError(
                422, "verplichte kolommen ontbreken in de kopregel: " + ", ".join(missing)
            )
        return [n if n in KNOWN_COLUMNS else None for n in names]
    raise ImportFileError(422, "het bestand bevat geen kopregel en geen rijen")


def _records(
    rows: Iterator[tuple[int, list[Cell]]], columns: list[str | None], *, after_line: int
) -> Iterator[Record]:
    width = len(columns)
    for line, cells in rows:
        if line <= after_line or _blank(cells):
            continue
        values = {name: cells[i] for i, name in enumerate(columns[: len(cells)]) if name}
        extra = any(not _blank_cell(c) for c in cells[width:])
        yield Record(line=line, values=values, extra_cells=extra)


def _blank_cell(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _blank(cells: list[Cell]) -> bool:
    return all(_blank_cell(c) for c in cells)


def _rows(path: Path, file_type: FileType) -> Rows:
    return _csv_rows(path) if file_type == "csv" else _xlsx_rows(path)


def _csv_rows(path: Path) -> Rows:
    """(first line number, fields) per CSV record; quoted fields may span lines."""
    delimiter, skip = _csv_dialect(path)
    with path.open("rb") as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text:
        for _ in range(skip):
            text.readline()
        reader = csv.reader(text, delimiter=delimiter, strict=False)
        previous = skip
        try:
            for fields in reader:
                cells: list[Cell] = list(fields)
                yield previous + 1, cells
                previous = skip + reader.line_num
        except (csv.Error, UnicodeDecodeError) as error:
            raise ImportFileError(
                422, f"het CSV-bestand is onleesbaar vanaf regel {previous + 1} ({error})"
            ) from None


def _csv_dialect(path: Path) -> tuple[str, int]:
    """The separator, from the header line (or Excel's `sep=;` line, then skipped)."""
    with path.open("rb") as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text:
        for number, line in enumerate(text):
            if not line.strip():
                continue
            if line.lower().startswith("sep=") and len(line.strip()) == 5:
                return line.strip()[4], number + 1
            return ("," if line.count(",") > line.count(";") else ";"), 0
    return ";", 0


def _xlsx_rows(path: Path) -> Rows:
    """(row number, values) of the first sheet, streamed; formulas come as their text."""
    from openpyxl import load_workbook

    # Checked here, not only at upload: the worker reads the file again, and the limits bound
    # what openpyxl holds in memory whatever the file contains.
    if reason := workbook_limits.workbook_reason(path):
        raise ImportFileError(422, reason)
    line = 0
    # A file object, not a path: openpyxl would refuse a path not named .xlsx, and the type
    # was decided by the content already.
    with path.open("rb") as file:
        try:
            # data_only=False: a formula is seen as "=..." and refused, not run or replaced.
            workbook = load_workbook(file, read_only=True, data_only=False, keep_links=False)
        except Exception as error:  # openpyxl raises many types for a damaged workbook
            raise ImportFileError(422, damaged(error)) from None
        try:
            if not workbook.worksheets:
                raise ImportFileError(422, "de Excel-werkmap bevat geen werkblad")
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()  # the dimensions written by other tools may be wrong
            for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield line, [_plain(v) for v in values]
        except ImportFileError:
            raise
        except Exception as error:
            raise ImportFileError(
                422, f"de Excel-werkmap is onleesbaar vanaf rij {line + 1} ({damaged(error)})"
            ) from None
        finally:
            workbook.close()


def _plain(value: object) -> Cell:
    if value is None or isinstance(value, str | int | float | bool | datetime | date | time):
        return value
    text = str(getattr(value, "text", "") or "")  # an array formula object
    return text if text.startswith("=") else "=" + text
