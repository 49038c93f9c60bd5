"""Bad files are refused whole; large files stream in batches; a broken-off import resumes."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from intake.imports import service
from intake.imports.models import ReExaminationImport, ReExaminationImportChunk
from intake.imports.reader import records
from intake.imports.repository import try_lock, unlock
from intake.imports.rows import check
from intake.imports.worker import ImportWorker, _lock_key

from ..import_files import COLUMNS, csv_bytes, csv_lines, resident, xlsx_bytes
from .conftest import Intake
from .imports_support import AMSTERDAM, count_events, finished, imported, known, report, upload

LIMIT = [{"import_max_bytes": 8 * 1024}]
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"


def resident_memory() -> int:
    """This process's resident set size now, in bytes (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


async def import_rows(intake: Intake) -> int:
    async with intake.database.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(ReExaminationImport)) or 0)


@pytest.mark.parametrize("intake_overrides", LIMIT, indirect=True)
@pytest.mark.parametrize(
    ("filename", "content", "status", "fragment"),
    [
        ("heronderzoek.xlsx", PDF, 415, "het bestand is een PDF"),
        ("heronderzoek.xlsx", bytes(range(256)) * 4, 415, "geen CSV-bestand"),
        ("heronderzoek.csv", b"", 422, "het bestand is leeg"),
        ("heronderzoek.csv", csv_bytes([]), 422, "geen rijen, alleen een kopregel"),
        ("leeg.xlsx", xlsx_bytes([COLUMNS]), 422, "geen rijen, alleen een kopregel"),
        (
            "heronderzoek.csv",
            csv_bytes([resident(1)], columns=COLUMNS[1:]),
            422,
            "verplichte kolommen ontbreken in de kopregel: bsn",
        ),
        ("groot.csv", csv_bytes([resident(i) for i in range(200)]), 413, "groter dan"),
    ],
)
async def test_a_file_that_cannot_be_imported_is_refused_whole(
    intake: Intake, filename: str, content: bytes, status: int, fragment: str
) -> None:
    await known(intake, "0363")
    response = await upload(intake, content, filename=filename)
    assert response.status_code == status, response.text
    assert fragment in response.json()["detail"]
    assert await import_rows(intake) == 0


@pytest.mark.parametrize("intake_overrides", LIMIT, indirect=True)
async def test_a_streamed_upload_is_cut_off_at_the_limit(intake: Intake) -> None:
    await known(intake, "0363")
    boundary = "grens"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="municipality"\r\n\r\n0363\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="campaign"\r\n\r\nH 2027\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()

    async def body() -> AsyncIterator[bytes]:
        yield head
        for _ in range(10_000):  # 10 MB, without a Content-Length
            yield b"x" * 1024

    response = await intake.client.post(
        "/imports/re-examinations",
        content=body(),
        headers={
            **intake.headers(AMSTERDAM),
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    assert response.status_code == 413
    assert await import_rows(intake) == 0


@pytest.mark.parametrize(
    "intake_overrides", [{"import_max_bytes": 20 * 1024 * 1024}], indirect=True
)
async def test_fifty_thousand_rows_import_in_batches_with_bounded_memory(intake: Intake) -> None:
    await known(intake, "0363")
    total = 50_000
    rows = [resident(i, bsn="123456789") if i % 1000 == 0 else resident(i) for i in range(total)]
    content = "".join(csv_lines(rows)).encode()
    del rows
    assert len(content) > 6_000_000

    baseline = resident_memory()
    peak = baseline
    sampling = True

    async def sample() -> None:
        nonlocal peak
        while sampling:
            peak = max(peak, resident_memory())
            await asyncio.sleep(0.02)

    sampler = asyncio.create_task(sample())
    started = time.monotonic()
    try:
        done = await imported(intake, content)
    finally:
        sampling = False
        await sampler
    elapsed = time.monotonic() - started

    assert done["status"] == "completed", done
    assert (done["rows_total"], done["rows_rejected"]) == (total, 50)
    assert done["rows_imported"] == total - 50
    assert await count_events(intake) == total - 50
    # The file is ~7 MB, its rows as Python objects (and their events) hundreds of MB; what the
    # import holds at once is one batch, plus the upload passing through.
    growth = (peak - baseline) / 1024 / 1024
    print(f"50,000 rows in {elapsed:.1f} s, resident memory grew {growth:.0f} MiB")  # noqa: T201
    assert growth < 60, f"resident memory grew {growth:.0f} MiB"
    async with intake.database.sessions() as session:
        chunks = await session.scalar(select(func.count()).select_from(ReExaminationImportChunk))
    assert chunks == 0, "the file is dropped once the import is done"


@pytest.mark.parametrize(
    "intake_overrides", [{"import_batch_size": 3, "import_poll_seconds": 60}], indirect=True
)
async def test_an_import_broken_off_after_a_batch_resumes_where_it_stopped(
    intake: Intake, tmp_path: Path
) -> None:
    await known(intake, "0363")
    path = tmp_path / "upload.csv"
    path.write_bytes(csv_bytes([resident(i) for i in range(8)]))
    async with intake.database.transaction() as session:
        job = await service.register_import(
            session,
            path=path,
            file_type="csv",
            filename="upload.csv",
            sha256="0" * 64,
            size=path.stat().st_size,
            municipality_code="0363",
            campaign="Heronderzoek 2027",
            principal=AMSTERDAM,
            correlation_id="resume",
        )
    # A worker committed the first batch and then the process died.
    first = [check(r) for r, _ in zip(records(path, "csv"), range(3), strict=False)]
    async with intake.database.transaction() as session:
        await service.record_batch(
            session, job=service.Job.of(job), checked=first, secret=intake.settings.bsn_hash_secret
        )

    worker = ImportWorker(database=intake.database, settings=intake.settings)
    async with intake.database.engine.connect() as other:
        assert await try_lock(other, _lock_key(job.id))
        assert await worker.process(job.id) is False, "another worker holds it"
        await unlock(other, _lock_key(job.id))
    assert await worker.process(job.id) is True

    done = await finished(intake, str(job.id))
    assert (done["status"], done["rows_imported"], done["last_line"]) == ("completed", 8, 9)
    assert await report(intake, str(job.id)) == [(line, "imported", None) for line in range(2, 10)]
    assert await count_events(intake) == 8


async def test_an_unknown_import_is_not_found(intake: Intake) -> None:
    response = await intake.client.get(
        f"/imports/{uuid.uuid4()}", headers=intake.headers(AMSTERDAM)
    )
    assert response.status_code == 404
