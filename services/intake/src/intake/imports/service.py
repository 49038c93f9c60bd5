"""The rules of the re-examination import: register a file, and record one batch of its rows.

Takes a session, never commits: the caller owns each transaction (one per batch).
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.household import Household
from contracts.intake import ReExaminationRequested
from intake.imports import repository
from intake.imports.models import ReExaminationImport
from intake.imports.reader import FileType
from intake.imports.rows import RejectedRow, ValidRow
from servicekit.auth import Principal
from servicekit.outbox import add_events

CHUNK_BYTES = 1024 * 1024


class ProgressConflictError(RuntimeError):
    """Another worker moved the import on; this batch is rolled back."""


@dataclass(frozen=True)
class Job:
    """What processing needs to know of an import, detached from any session."""

    id: uuid.UUID
    municipality_code: str
    campaign: str
    file_type: FileType
    correlation_id: str
    created_at: datetime
    last_line: int
    uploaded_by: str

    @classmethod
    def of(cls, job: ReExaminationImport) -> Job:
        file_type: FileType = "xlsx" if job.file_type == "xlsx" else "csv"
        return cls(
            id=job.id,
            municipality_code=job.municipality_code,
            campaign=job.campaign,
            file_type=file_type,
            correlation_id=job.correlation_id,
            created_at=job.created_at,
            last_line=job.last_line,
            uploaded_by=job.uploaded_by,
        )


@dataclass(frozen=True)
class BatchResult:
    last_line: int
    imported: int
    rejected: int
    duplicate: int


def bsn_hash(bsn: str, *, secret: str) -> str:
    """The pseudonym of a BSN: HMAC-SHA256 with the service's secret (hex)."""
    return hmac.new(secret.encode(), bsn.encode(), hashlib.sha256).hexdigest()


async def register_import(
    session: AsyncSession,
    *,
    path: Path,
    file_type: FileType,
    filename: str,
    sha256: str,
    size: int,
    municipality_code: str,
    campaign: str,
    principal: Principal,
    correlation_id: str,
) -> ReExaminationImport:
    """Create the import (status processing) and keep its file in the database until done."""
    job = ReExaminationImport(
        id=uuid.uuid4(),
        municipality_code=municipality_code,
        campaign=campaign,
        filename=filename,
        file_type=file_type,
        file_sha256=sha256,
        file_size=size,
        uploaded_by=principal.subject,
        organisation=principal.organisation,
        correlation_id=correlation_id,
        status="processing",
        rows_total=0,
        rows_imported=0,
        rows_rejected=0,
        rows_duplicate=0,
        last_line=1,
        attempts=0,
    )
    await repository.add_import(session, job)
    with path.open("rb") as file:
        seq = 0
        while data := file.read(CHUNK_BYTES):
            await repository.add_chunk(session, import_id=job.id, seq=seq, data=data)
            seq += 1
    await session.refresh(job)
    return job


def _duplicate_reason(column: str, holder: repository.Holder, job: Job, role: str) -> str:
    if holder.import_id == job.id:
        as_other = " (als partner)" if holder.role == "partner" else " (als aanvrager)"
        suffix = as_other if holder.role != role else ""
        return f"{column}: BSN staat ook op regel {holder.line}{suffix}"
    who = "deze inwoner" if role == "applicant" else "de partner"
    return f"{column}: {who} heeft al een heronderzoek in deze campagne (eerdere import)"


async def record_batch(
    session: AsyncSession,
    *,
    job: Job,
    checked: Sequence[ValidRow | RejectedRow],
    secret: str,
) -> BatchResult:
    """Report every row, guard and publish the new residents, and move the progress on."""
    hashes: dict[int, list[tuple[str, str, str]]] = {}
    for item in checked:
        if isinstance(item, ValidRow):
            people = [("bsn", "applicant", bsn_hash(item.applicant.bsn, secret=secret))]
            if item.partner is not None:
                people.append(("partner_bsn", "partner", bsn_hash(item.partner.bsn, secret=secret)))
            hashes[item.line] = people
    taken = await repository.holders(
        session,
        municipality_code=job.municipality_code,
        campaign=job.campaign,
        bsn_hashes=(h for people in hashes.values() for _, _, h in people),
    )
    reports: list[dict[str, Any]] = []
    residents: list[dict[str, Any]] = []
    events: list[tuple[ReExaminationRequested, str, uuid.UUID | None]] = []
    counts = {"imported": 0, "rejected": 0, "duplicate": 0}
    for item in checked:
        outcome, reason = "imported", None
        if isinstance(item, RejectedRow):
            outcome, reason = "rejected", item.reason
        else:
            for column, role, key in hashes[item.line]:
                holder = taken.get(key)
                if holder is not None:
                    outcome = "rejected" if holder.import_id == job.id else "duplicate"
                    reason = _duplicate_reason(column, holder, job, role)
                    break
        counts[outcome] += 1
        reports.append(
            {"import_id": job.id, "line": item.line, "outcome": outcome, "reason": reason}
        )
        if outcome != "imported" or not isinstance(item, ValidRow):
            continue
        for _, role, key in hashes[item.line]:
            taken[key] = repository.Holder(job.id, item.line, role)
            residents.append(
                {
                    "municipality_code": job.municipality_code,
                    "campaign": job.campaign,
                    "bsn_hash": key,
                    "role": role,
                    "import_id": job.id,
                    "line": item.line,
                }
            )
        events.append(
            (_event(job, item, applicant_hash=hashes[item.line][0][2]), job.correlation_id, None)
        )
    await repository.add_report_rows(session, reports)
    await repository.add_residents(session, residents)
    await add_events(session, events)
    last_line = checked[-1].line
    moved = await repository.advance(
        session,
        import_id=job.id,
        from_line=job.last_line,
        to_line=last_line,
        imported=counts["imported"],
        rejected=counts["rejected"],
        duplicate=counts["duplicate"],
    )
    if not moved:
        raise ProgressConflictError(str(job.id))
    return BatchResult(last_line, counts["imported"], counts["rejected"], counts["duplicate"])


def _event(job: Job, row: ValidRow, *, applicant_hash: str) -> ReExaminationRequested:
    return ReExaminationRequested(
        import_id=job.id,
        line=row.line,
        campaign=job.campaign,
        municipality_code=job.municipality_code,
        re_examination_key=f"{job.municipality_code}:{job.campaign}:{applicant_hash}",
        household=Household(applicant=row.applicant, partner=row.partner),
        children_count=row.children_count,
        email=row.email,
        policy_number=row.policy_number,
        requested_at=job.created_at,
        imported_by=job.uploaded_by,
    )
