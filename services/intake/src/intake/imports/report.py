"""The per-row report as CSV for Excel: `;`, UTF-8 with BOM, no cell that Excel would run."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator

from intake.imports.models import ReExaminationImport
from intake.imports.schemas import ReportRow

PAGE_SIZE = 5000
HEADER = ("regel", "uitkomst", "reden")
OUTCOME_LABELS = {"imported": "geïmporteerd", "rejected": "afgekeurd", "duplicate": "dubbel"}
_RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """A leading `'` makes Excel show a would-be formula as text."""
    return "'" + cell if cell.startswith(_RISKY_STARTS) else cell


def _lines(rows: list[tuple[str, ...]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return buffer.getvalue()


async def render(pages: AsyncIterator[list[ReportRow]]) -> AsyncIterator[bytes]:
    yield ("\ufeff" + _lines([HEADER])).encode()
    async for page in pages:
        yield _lines(
            [(str(r.line), OUTCOME_LABELS[r.outcome], r.reason or "") for r in page]
        ).encode()


def filename(job: ReExaminationImport) -> str:
    campaign = re.sub(r"[^A-Za-z0-9]+", "-", job.campaign).strip("-").lower() or "import"
    return f"rapport-{job.municipality_code}-{campaign}-{job.created_at:%Y%m%d-%H%M}.csv"
