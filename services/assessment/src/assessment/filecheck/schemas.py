"""HTTP models of the file check."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from assessment.filecheck.models import FileCheck, FileCheckRow


class FileCheckOut(BaseModel):
    file_check_id: uuid.UUID
    municipality_code: str
    filename: str
    file_type: str
    uploaded_by: str
    uploaded_at: datetime
    rows_total: int
    rows_valid: int
    rows_rejected: int
    rows_duplicate: int
    current: bool

    @classmethod
    def of(cls, check: FileCheck) -> FileCheckOut:
        return cls(
            file_check_id=check.id,
            **{k: getattr(check, k) for k in cls.model_fields if k != "file_check_id"},
        )


class ReportRow(BaseModel):
    line: int
    outcome: str = Field(description="valid, rejected or duplicate")
    reason: str | None

    @classmethod
    def of(cls, row: FileCheckRow) -> ReportRow:
        return cls(line=row.line, outcome=row.outcome, reason=row.reason)


class FileCheckDetail(FileCheckOut):
    rows: list[ReportRow]
