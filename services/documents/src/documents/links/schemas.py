"""HTTP models of upload links."""

from __future__ import annotations

import uuid

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from documents.links.purposes import LinkPurpose
from documents.links.service import LinkState


class LinkRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "purpose": "information_request",
                    "expires_at": "2026-12-15T23:59:00+01:00",
                    "message": "Stuur uw loonstroken van september, oktober en november.",
                    "idempotency_key": "information-request-5b1f",
                }
            ]
        },
    )

    purpose: LinkPurpose
    expires_at: AwareDatetime = Field(description="at most DOCUMENTS_LINK_MAX_DAYS ahead")
    message: str = Field(
        min_length=1, max_length=2000, description="what is asked, shown to the resident"
    )
    idempotency_key: str | None = Field(
        None, min_length=1, max_length=200, description="the same key returns the same link"
    )


class LinkCreated(BaseModel):
    id: uuid.UUID
    url: str = Field(description="the resident's page; the token in it is the credential")
    expires_at: AwareDatetime


class LinkOut(BaseModel):
    id: uuid.UUID
    case_id: uuid.UUID
    purpose: LinkPurpose
    message: str
    expires_at: AwareDatetime
    state: LinkState
    created_by: str
    created_at: AwareDatetime
    withdrawn_at: AwareDatetime | None
    documents: int = Field(description="documents received through it")


class LinkList(BaseModel):
    items: list[LinkOut]
