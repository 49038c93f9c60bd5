"""HTTP models of manual entry: incomes and assets staff take from uploaded evidence."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.ockto.contract import AllowanceKind, AssetKind, Frequency, IncomeKind


class ManualIncome(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person: Literal["applicant", "partner"]
    kind: IncomeKind
    allowance_kind: AllowanceKind | None = None
    payer: str = Field(min_length=1, max_length=120)
    period_start: date
    period_end: date
    frequency: Frequency
    net_amount: Decimal = Field(ge=0, decimal_places=2)
    holiday_allowance_included: bool
    document_ids: list[uuid.UUID] = Field(default_factory=list, max_length=20)


class ManualAsset(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person: Literal["applicant", "partner", "joint"]
    kind: AssetKind
    institution: str = Field(min_length=1, max_length=120)
    reference_date: date
    balance: Decimal = Field(decimal_places=2, description="negative for debts and mortgages")
    document_ids: list[uuid.UUID] = Field(default_factory=list, max_length=20)


class ManualData(BaseModel):
    """The figures of the persons listed; a new entry replaces the previous manual one."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "persons": ["applicant"],
                    "incomes": [
                        {
                            "person": "applicant",
                            "kind": "wages",
                            "payer": "Bakkerij Van Dijk",
                            "period_start": "2026-11-01",
                            "period_end": "2026-11-30",
                            "frequency": "monthly",
                            "net_amount": "1512.40",
                            "holiday_allowance_included": False,
                            "document_ids": ["0b7e3c1a-5d2f-4a8e-9c6b-1e2d3f4a5b6c"],
                        }
                    ],
                    "assets": [
                        {
                            "person": "applicant",
                            "kind": "savings",
                            "institution": "ING",
                            "reference_date": "2026-12-01",
                            "balance": "2150.00",
                            "document_ids": [],
                        }
                    ],
                    "document_ids": [],
                }
            ]
        },
    )

    persons: list[Literal["applicant", "partner"]] = Field(min_length=1, max_length=2)
    incomes: list[ManualIncome] = Field(default_factory=list, max_length=200)
    assets: list[ManualAsset] = Field(default_factory=list, max_length=200)
    document_ids: list[uuid.UUID] = Field(default_factory=list, max_length=50)
    note: str | None = Field(None, max_length=2000)
