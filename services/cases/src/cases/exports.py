"""Case lists as CSV or XLSX, written row by row while they stream out of the database.

Memory stays flat whatever the size: rows come from a server-side cursor in batches; a CSV
batch is encoded and sent before the next is read; an XLSX sheet is written by openpyxl's
write-only workbook, which keeps its rows in a temporary file, not in memory, and the finished
file is sent in chunks. Cells a spreadsheet would run as a formula are neutralised.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import os
import tempfile
from collections.abc import AsyncIterator, Sequence
from typing import IO, Any, Final

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from cases import search
from cases.filters import CaseFilter
from servicekit.auth import Role
from servicekit.db import Database

BSN_ROLES: Final[frozenset[Role]] = frozenset({"behandelaar", "beslisser", "functioneel_beheerder"})
"""Roles whose exports include the applicant's BSN: those who handle or decide cases, and the
functional administrator who answers for the municipality's data. A raadpleger (read only)
gets the list without it: a BSN in a spreadsheet is easily copied beyond the case file."""
EXPORT_ROLES: Final[frozenset[Role]] = BSN_ROLES | {"raadpleger"}
"""Roles that may export at all; auditors and operators have no business with case lists."""

HEADERS: Final = (
    "aanvraagnummer",
    "soort",
    "status",
    "advies",
    "besluit",
    "ingediend op",
    "laatste wijziging",
    "volwassenen",
    "personen",
    "gemeente",
)
BSN_HEADER: Final = "bsn aanvrager"

KIND_LABELS: Final = {"application": "aanvraag", "re_examination": "heronderzoek"}
STATUS_LABELS: Final = {
    "received": "ontvangen",
    "invited": "uitgenodigd",
    "awaiting_data": "wacht op gegevens",
    "advice_ready": "advies gereed",
    "on_hold": "in afwachting",
    "under_investigation": "in onderzoek",
    "decided_granted": "toegekend",
    "decided_rejected": "afgewezen",
    "not_processed": "buiten behandeling",
    "aborted": "afgebroken",
    "closed": "afgesloten",
}
ADVICE_LABELS: Final = {"grant": "Toekennen", "investigate": "Onderzoeken", "reject": "Afwijzen"}
DECISION_LABELS: Final = {
    "granted": "toegekend",
    "rejected": "afgewezen",
    "not_processed": "buiten behandeling",
}
_FORMULA_STARTS: Final = frozenset("=+-@\t\r")
_CSV_BOM: Final = "\ufeff"
_FILE_CHUNK: Final = 64 * 1024


def neutralised(text: str) -> str:
    """A cell a spreadsheet will show as text, never run as a formula (OWASP CSV injection)."""
    return "'" + text if text and text[0] in _FORMULA_STARTS else text


def _label(labels: dict[str, str], code: str | None) -> str | None:
    if code is None:
        return None
    return labels.get(code) or neutralised(code)


def headers(*, with_bsn: bool) -> list[str]:
    return [*HEADERS, BSN_HEADER] if with_bsn else list(HEADERS)


def cells(row: tuple[Any, ...]) -> list[Any]:
    """One export row as cells: Dutch labels for codes, every free text neutralised; the
    times come formatted (CSV) or as local timestamps (XLSX) from the query."""
    number, kind, status, advice, decision, submitted, changed, adults, persons, *rest = row
    return [
        neutralised(number),
        _label(KIND_LABELS, kind),
        _label(STATUS_LABELS, status),
        _label(ADVICE_LABELS, advice),
        _label(DECISION_LABELS, decision),
        submitted,
        changed,
        adults,
        persons,
        *(neutralised(value) if value is not None else None for value in rest),
    ]


def xlsx_cells(row: tuple[Any, ...]) -> list[Any]:
    """Cells without the control characters XML cannot hold (openpyxl refuses them)."""
    return [
        ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value
        for value in cells(row)
    ]


async def csv_stream(
    database: Database, *, case_filter: CaseFilter, with_bsn: bool
) -> AsyncIterator[bytes]:
    """`;`-separated UTF-8 with a byte order mark (so Excel reads the accents), CRLF lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers(with_bsn=with_bsn))
    yield (_CSV_BOM + buffer.getvalue()).encode()
    async with database.transaction() as session:
        async for batch in search.stream_export_rows(
            session, case_filter=case_filter, with_bsn=with_bsn, times_as_text=True
        ):
            buffer.seek(0)
            buffer.truncate()
            writer.writerows(map(cells, batch))
            yield buffer.getvalue().encode()


def _append(sheet: WriteOnlyWorksheet, batch: Sequence[tuple[Any, ...]]) -> None:
    for row in batch:
        sheet.append(xlsx_cells(row))


async def xlsx_stream(
    database: Database, *, case_filter: CaseFilter, with_bsn: bool
) -> AsyncIterator[bytes]:
    """One sheet `Zaken`; written in a worker thread batch by batch, then sent in chunks."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Zaken")
    sheet.append(headers(with_bsn=with_bsn))
    try:
        async with database.transaction() as session:
            async for batch in search.stream_export_rows(
                session, case_filter=case_filter, with_bsn=with_bsn, times_as_text=False
            ):
                await asyncio.to_thread(_append, sheet, batch)
    except BaseException:
        _discard(sheet)
        raise
    with tempfile.TemporaryFile(suffix=".xlsx") as file:
        await asyncio.to_thread(workbook.save, file)
        file.seek(0)
        while chunk := await asyncio.to_thread(_read, file):
            yield chunk


def _read(file: IO[bytes]) -> bytes:
    return file.read(_FILE_CHUNK)


def _discard(sheet: WriteOnlyWorksheet) -> None:
    """Remove the temporary file of a sheet that will never be saved (export aborted)."""
    writer = getattr(sheet, "_writer", None)
    if writer is not None and isinstance(writer.out, str) and os.path.exists(writer.out):
        with contextlib.suppress(Exception):
            writer.close()
        writer.cleanup()
