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
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import IO, Any, Final

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy.ext.asyncio import AsyncSession

from cases.reporting import search
from cases.reporting.filters import CaseFilter
from contracts.permissions import Permission, roles_with
from contracts.vocabulary import ADVICE_LABEL, DECISION_LABEL, KIND_LABEL, STATUS_LABEL, Role
from servicekit.db import Database
from servicekit.tenants import list_tenants

BSN_ROLES: Final[frozenset[Role]] = roles_with(Permission.CASES_EXPORT_BSN)
"""Roles whose exports include the applicant's BSN (the permission table says why)."""
EXPORT_ROLES: Final[frozenset[Role]] = roles_with(Permission.CASES_EXPORT)
"""Roles that may export at all."""

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

_LABELS: Final[dict[str, Mapping[Any, str]]] = {
    "kind": KIND_LABEL,
    "status": STATUS_LABEL,
    "advice": ADVICE_LABEL,
    "decision": DECISION_LABEL,
}
"""The Dutch words of the coded columns: the one vocabulary, as on screen."""
_FORMULA_STARTS: Final = frozenset("=+-@\t\r")
_CSV_BOM: Final = "\ufeff"
_FILE_CHUNK: Final = 64 * 1024


def neutralised(text: str) -> str:
    """A cell a spreadsheet will show as text, never run as a formula (OWASP CSV injection)."""
    return "'" + text if text and text[0] in _FORMULA_STARTS else text


def _label(column: str, code: str | None) -> str | None:
    if code is None:
        return None
    return _LABELS[column].get(code) or neutralised(code)


def headers(*, with_bsn: bool) -> list[str]:
    return [*HEADERS, BSN_HEADER] if with_bsn else list(HEADERS)


def cells(row: tuple[Any, ...], names: Mapping[str, str] | None = None) -> list[Any]:
    """One export row as cells: Dutch labels for codes, the municipality by its name (`names`,
    cases' copy of the gateway's list; the code while a municipality is not announced yet),
    every free text neutralised; the times come formatted (CSV) or as local timestamps (XLSX)
    from the query."""
    number, kind, status, advice, decision, submitted, changed, adults, persons, *rest = row
    if rest and names:
        rest = [names.get(rest[0], rest[0]), *rest[1:]]
    return [
        neutralised(number),
        _label("kind", kind),
        _label("status", status),
        _label("advice", advice),
        _label("decision", decision),
        submitted,
        changed,
        adults,
        persons,
        *(neutralised(value) if value is not None else None for value in rest),
    ]


def xlsx_cells(row: tuple[Any, ...], names: Mapping[str, str] | None = None) -> list[Any]:
    """Cells without the control characters XML cannot hold (openpyxl refuses them)."""
    return [
        ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value
        for value in cells(row, names)
    ]


async def municipality_names(session: AsyncSession) -> dict[str, str]:
    return {tenant.code: tenant.name for tenant in await list_tenants(session)}


async def csv_stream(
    database: Database, *, case_filter: CaseFilter, with_bsn: bool
) -> AsyncIterator[bytes]:
    """`;`-separated UTF-8 with a byte order mark (so Excel reads the accents), CRLF lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers(with_bsn=with_bsn))
    yield (_CSV_BOM + buffer.getvalue()).encode()
    async with database.transaction() as session:
        names = await municipality_names(session)
        async for batch in search.stream_export_rows(
            session, case_filter=case_filter, with_bsn=with_bsn, times_as_text=True
        ):
            buffer.seek(0)
            buffer.truncate()
            writer.writerows(cells(row, names) for row in batch)
            yield buffer.getvalue().encode()


def _append(
    sheet: WriteOnlyWorksheet, batch: Sequence[tuple[Any, ...]], names: Mapping[str, str]
) -> None:
    for row in batch:
        sheet.append(xlsx_cells(row, names))


async def xlsx_stream(
    database: Database, *, case_filter: CaseFilter, with_bsn: bool
) -> AsyncIterator[bytes]:
    """One sheet `Cases`; written in a worker thread batch by batch, then sent in chunks."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Cases")
    sheet.append(headers(with_bsn=with_bsn))
    try:
        async with database.transaction() as session:
            names = await municipality_names(session)
            async for batch in search.stream_export_rows(
                session, case_filter=case_filter, with_bsn=with_bsn, times_as_text=False
            ):
                await asyncio.to_thread(_append, sheet, batch, names)
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
