"""HTTP models of the parameters."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assessment.parameters.models import ParameterAudit, ParameterVersion
from contracts.ockto import IncomeKind, Source


class Norms(BaseModel):
    model_config = ConfigDict(extra="forbid")

    single_working_age: Decimal
    couple_working_age: Decimal
    single_pension_age: Decimal
    couple_pension_age: Decimal


class PerHousehold(BaseModel):
    model_config = ConfigDict(extra="forbid")

    single: Decimal
    single_parent: Decimal
    couple: Decimal


class NewVersion(BaseModel):
    """A new version from `valid_from`; every field left out keeps the value of the version
    that applied before."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "valid_from": "2026-07-01",
                    "income_percentage": 130,
                    "holiday_pay_included": False,
                    "four_eyes": True,
                    "note": "Besluit college 12 juni 2026",
                }
            ]
        },
    )

    valid_from: date
    valid_until: date | None = None
    note: str | None = Field(None, max_length=2000)
    income_limit_method: Literal["percentage", "fixed"] | None = None
    income_percentage: Decimal | None = Field(None, description="percentage of the norm")
    norms: Norms | None = Field(
        None, description="bijstandsnorm per month, 100%, incl. holiday pay"
    )
    fixed_limits: PerHousehold | None = Field(None, description="with method `fixed`")
    holiday_pay_included: bool | None = None
    holiday_allowance_rate: Decimal | None = Field(
        None, description="% added to (or removed from) incomes without (with) holiday pay"
    )
    counted_income_kinds: list[IncomeKind] | None = None
    reference_months: int | None = Field(None, description="months before the application")
    asset_test: bool | None = None
    asset_limits: PerHousehold | None = None
    margin_percent: Decimal | None = Field(
        None, description="% above a limit inside which the advice is Onderzoeken"
    )
    check_moment: Literal["vooraf", "achteraf"] | None = None
    four_eyes: bool | None = None
    pension_age_years: int | None = None
    session_term_days: int | None = Field(None, description="days an Ockto session stays open")
    required_sources: list[Source] | None = None

    def given_values(self) -> dict[str, Any]:
        """The value fields given, in the JSON form of a version."""
        given: dict[str, Any] = self.model_dump(
            mode="json", exclude_none=True, exclude={"valid_from", "valid_until", "note"}
        )
        return given


class VersionOut(BaseModel):
    id: uuid.UUID
    municipality_code: str
    valid_from: date
    valid_until: date | None
    note: str | None
    created_by: str
    created_at: datetime
    values: dict[str, Any]

    @classmethod
    def of(cls, version: ParameterVersion) -> VersionOut:
        return cls.model_validate(version, from_attributes=True)


class Versions(BaseModel):
    municipality_code: str
    versions: list[VersionOut] = Field(description="oldest first")
    applies_on: date | None = Field(None, description="the date asked for with `?on=`")
    applicable_version_id: uuid.UUID | None = Field(
        None, description="the version that applies on `applies_on`"
    )


class AuditOut(BaseModel):
    version_id: uuid.UUID
    action: str
    actor: str
    at: datetime
    changes: dict[str, Any]

    @classmethod
    def of(cls, row: ParameterAudit) -> AuditOut:
        return cls.model_validate(row, from_attributes=True)


class Problem(BaseModel):
    field: str
    message: str


class Refusal(BaseModel):
    detail: str
    errors: list[Problem]
