"""HTTP models of the contact preferences."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from correspondence.templates.schemas import Kind


class ConsentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email_allowed: dict[Kind, bool] = Field(
        description="per kind of message: may it go by e-mail (the resident agreed)?"
    )


class ConsentOut(BaseModel):
    kind: str
    email_allowed: bool
    recorded_by: str
    recorded_at: datetime
