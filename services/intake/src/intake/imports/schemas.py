"""HTTP models of the re-examination import."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from intake.imports.models import ReExaminationImport, ReExaminationImportRow

Outcome = Literal["imported", "rejected", "duplicate"]


class ImportSummary(BaseModel):
    import_id: uuid.UUID = Field(validation_alias="id")
    status: Literal["processing", "completed", "failed"]
    municipality_code: str
    campaign: str
    filename: str
    file_type: Literal["csv", "xlsx"]
    rows_total: int
    rows_imported: int
    rows_rejected: int
    rows_duplicate: int
    last_line: int = Field(description="the last line processed so far (1 is the header)")
    created_at: datetime
    finished_at: datetime | None
    error: str | None = Field(description="why a failed import stopped")

    model_config = ConfigDict(
        populate_by_name=True,
        json_schema_extra={
            "examples": [
                {
                    "import_id": "0b0f4d4e-5b8a-4a47-9d53-3f6f2d6a9c11",
                    "status": "completed",
                    "municipality_code": "0363",
                    "campaign": "Heronderzoek 2027",
                    "filename": "heronderzoek-2027.xlsx",
                    "file_type": "xlsx",
                    "rows_total": 3,
                    "rows_imported": 1,
                    "rows_rejected": 1,
                    "rows_duplicate": 1,
                    "last_line": 4,
                    "created_at": "2027-01-10T09:00:00Z",
                    "finished_at": "2027-01-10T09:00:02Z",
                    "error": None,
                }
            ]
        },
    )

    @classmethod
    def of(cls, job: ReExaminationImport) -> ImportSummary:
        return cls.model_validate(job, from_attributes=True)


class ReportRow(BaseModel):
    line: int
    outcome: Outcome
    reason: str | None

    @classmethod
    def of(cls, row: ReExaminationImportRow) -> ReportRow:
        return cls.model_validate(row, from_attributes=True)


class ImportDetail(ImportSummary):
    rows: list[ReportRow] = Field(description="the per-row report, one page, in line order")
    next_cursor: str | None
