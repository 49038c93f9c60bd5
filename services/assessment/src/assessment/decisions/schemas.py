"""HTTP models of the decision."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class DecisionIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"outcome": "rejected", "reasons": ["income_too_high"], "motivation": None},
                {
                    "outcome": "granted",
                    "reasons": [],
                    "motivation": "Zelfstandige: jaarcijfers 2025 tonen een inkomen onder de grens.",
                },
            ]
        },
    )

    outcome: Literal["granted", "rejected"]
    reasons: list[Literal["income_too_high", "assets_too_high", "custom"]] = Field(
        default_factory=list, description="inkomen te hoog, vermogen te hoog, aangepast"
    )
    custom_reason: str | None = Field(
        None, max_length=2000, description="the text of the `custom` (aangepast) reason"
    )
    motivation: str | None = Field(
        None, max_length=5000, description="required when the decision differs from the advice"
    )
