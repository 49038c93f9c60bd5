"""The HTTP models of the intake service: the website's intake, the quarantine, the
re-examination import. Intake's routes and the gateway's public routes share them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class IntakeResult(BaseModel):
    outcome: Literal["accepted", "corrected", "duplicate"]
    application_number: str
    revision: int | None = None

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"outcome": "accepted", "application_number": "GV-2026-0001234", "revision": 1}
            ]
        }
    )


class QuarantineResult(BaseModel):
    outcome: Literal["quarantined"] = "quarantined"
    quarantine_id: uuid.UUID
    reason_code: str
    reason: str

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "outcome": "quarantined",
                    "quarantine_id": "5f0b3c1e-3c55-4c6e-9d8e-0a2b6f1d2e33",
                    "reason_code": "invalid_bsn",
                    "reason": "BSN of the partner fails the eleven-test",
                }
            ]
        }
    )


class QuarantinedItem(BaseModel):
    id: uuid.UUID
    received_at: datetime
    channel: str
    message_id: str | None
    municipality_code: str | None
    reason_code: str
    reason: str
    status: Literal["quarantined", "reprocessed", "discarded"]
    times_received: int
    attempts: int
    last_attempt_at: datetime
    resolved_at: datetime | None
    resolved_by: str | None


class QuarantinedDetail(QuarantinedItem):
    body: str = Field(description="the raw message body as received (personal data)")


class QuarantinePage(BaseModel):
    items: list[QuarantinedItem]
    next_cursor: str | None


class DiscardRequest(BaseModel):
    """Close a quarantined message without accepting it; why is kept with it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"reason": "Testbericht van de website"}]},
    )

    reason: str = Field(min_length=3, max_length=500)


class ReprocessResult(BaseModel):
    """What became of a quarantined message run through intake again."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"outcome": "accepted", "application_number": "GV-2026-0001234"},
                {
                    "outcome": "quarantined",
                    "reason_code": "unknown_municipality",
                    "reason": "municipality 9999 is not a customer",
                },
            ]
        }
    )

    outcome: Literal["accepted", "corrected", "duplicate", "quarantined"]
    application_number: str | None = None
    reason_code: str | None = None
    reason: str | None = None


class Municipality(BaseModel):
    """A customer municipality intake accepts applications for."""

    code: str
    name: str


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


class ImportListItem(ImportSummary):
    """An import in the list of earlier imports: who uploaded it too."""

    uploaded_by: str = Field(
        description="the subject of who uploaded it, e.g. `user:j.jansen@0363`"
    )


class ImportList(BaseModel):
    items: list[ImportListItem] = Field(description="newest first")


class ReportRow(BaseModel):
    line: int
    outcome: Outcome
    reason: str | None


class ImportDetail(ImportSummary):
    rows: list[ReportRow] = Field(description="the per-row report, one page, in line order")
    next_cursor: str | None
