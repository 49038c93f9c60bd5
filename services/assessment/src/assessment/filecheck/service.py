"""The file check: an upload of BSNs replaces the municipality's list (kept as keyed hashes
only) and gets a report per line; an applicant on the list is decided at once.

Takes a session, never commits.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from assessment.bsn import bsn_hash, is_valid_bsn
from assessment.filecheck import reader, repository
from assessment.filecheck.models import FileCheck


async def upload(
    session: AsyncSession,
    *,
    code: str,
    content: bytes,
    filename: str,
    secret: str,
    uploaded_by: str,
    at: datetime,
) -> FileCheck:
    """Read, check and store a file check; raises `reader.FileCheckFileError` for a file that
    cannot be used at all."""
    file_type = reader.detect(content)
    lines = reader.lines(content, file_type)
    check_id = uuid.uuid4()
    seen: dict[str, int] = {}
    entries: list[dict[str, Any]] = []
    report: list[dict[str, Any]] = []
    counts = {"valid": 0, "rejected": 0, "duplicate": 0}
    for line in lines:
        value = line.value.replace(" ", "")
        if value.isdigit() and len(value) == 8:
            value = "0" + value  # Excel drops the leading zero of a BSN stored as a number
        outcome, reason = "valid", None
        if not is_valid_bsn(value):
            outcome, reason = "rejected", "geen geldig BSN (9 cijfers, elfproef)"
        else:
            key = bsn_hash(value, secret=secret)
            if key in seen:
                outcome, reason = "duplicate", f"BSN staat ook op regel {seen[key]}"
            else:
                seen[key] = line.line
                entries.append(
                    {
                        "municipality_code": code,
                        "bsn_hash": key,
                        "file_check_id": check_id,
                        "line": line.line,
                    }
                )
        counts[outcome] += 1
        report.append(
            {"file_check_id": check_id, "line": line.line, "outcome": outcome, "reason": reason}
        )
    check = FileCheck(
        id=check_id,
        municipality_code=code,
        filename=filename[:255],
        file_type=file_type,
        file_sha256=hashlib.sha256(content).hexdigest(),
        file_size=len(content),
        uploaded_by=uploaded_by,
        uploaded_at=at,
        rows_total=len(lines),
        rows_valid=counts["valid"],
        rows_rejected=counts["rejected"],
        rows_duplicate=counts["duplicate"],
        current=True,
    )
    await repository.replace_current(session, code, check)
    await repository.add_entries(session, entries)
    await repository.add_report(session, report)
    return check


async def is_listed(session: AsyncSession, *, code: str, bsn: str, secret: str) -> bool:
    return await repository.matches(session, code, bsn_hash(bsn, secret=secret))
