"""Constants, the JSON schema and a typed model of the website's application message."""

from __future__ import annotations

import json
import uuid
from datetime import date
from decimal import Decimal
from importlib import resources
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict

from contracts.household import Adult, Child

EXCHANGE = "gezondverzekerd"
ROUTING_KEY = "application.submitted"

_PACKAGE = resources.files(__package__)
SCHEMA: dict[str, Any] = json.loads(
    (_PACKAGE / "application-submitted.v1.schema.json").read_text(encoding="utf-8")
)


class DeclaredIncome(BaseModel):
    model_config = ConfigDict(frozen=True)

    applicant: Decimal | None = None
    partner: Decimal | None = None


class SubmittedApplication(BaseModel):
    model_config = ConfigDict(frozen=True)

    application_number: str
    municipality_code: str
    submitted_at: AwareDatetime
    requested_start_date: date
    insurer: str | None = None
    package: str | None = None
    applicant: Adult
    partner: Adult | None = None
    children: tuple[Child, ...]
    declared_monthly_net_income: DeclaredIncome | None = None
    consent_data_retrieval: bool = False


class ApplicationSubmitted(BaseModel):
    """A message body that already passed the JSON schema, in typed form."""

    model_config = ConfigDict(frozen=True)

    event_id: uuid.UUID
    event_type: Literal["application.submitted"]
    schema_version: Literal[1]
    occurred_at: AwareDatetime
    application: SubmittedApplication


def example_bodies() -> dict[str, bytes]:
    """The contract's example messages, by file stem (for tests and demo data)."""
    folder = _PACKAGE / "examples"
    return {
        entry.name.removesuffix(".json"): entry.read_bytes()
        for entry in folder.iterdir()
        if entry.name.endswith(".json")
    }
