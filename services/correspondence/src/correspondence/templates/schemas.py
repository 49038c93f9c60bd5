"""HTTP models of the templates."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from contracts.correspondence import Channel, LetterKind
from contracts.vocabulary import CHANNEL_LABEL, LETTER_KIND_LABEL
from correspondence.templates.models import TemplateVersion

Kind = LetterKind
ChannelName = Channel


class TemplateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: str = Field(min_length=1, max_length=300)
    body: str = Field(description="HTML with `$VELD$` fields and Jinja2 blocks")


class TemplateOut(BaseModel):
    id: uuid.UUID
    municipality_code: str
    kind: str
    kind_label: str
    channel: str
    channel_label: str
    version: int
    format: str
    subject: str | None
    body: str | None
    file_name: str | None
    fields: list[str]
    is_default: bool
    created_by: str
    created_at: datetime

    @classmethod
    def of(cls, row: TemplateVersion) -> TemplateOut:
        return cls(
            id=row.id,
            municipality_code=row.municipality_code,
            kind=row.kind,
            kind_label=LETTER_KIND_LABEL[row.kind],
            channel=row.channel,
            channel_label=CHANNEL_LABEL[row.channel],
            version=row.version,
            format=row.format,
            subject=row.subject,
            body=row.body,
            file_name=row.file_name,
            fields=list(row.fields),
            is_default=row.is_default,
            created_by=row.created_by,
            created_at=row.created_at,
        )


class MergeFieldOut(BaseModel):
    name: str
    placeholder: str
    description: str
    example: str


class PreviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    case_id: uuid.UUID
    subject: str | None = Field(None, description="an unsaved subject to preview instead")
    body: str | None = Field(None, description="an unsaved body to preview (the live editor)")


class PreviewOut(BaseModel):
    case_id: uuid.UUID
    template_version_id: uuid.UUID | None
    subject: str
    html: str
    text: str
    pdf_base64: str | None
