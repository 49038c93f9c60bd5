"""HTTP models of the house style."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

COLOR = r"^#[0-9a-fA-F]{6}$"


class Image(BaseModel):
    model_config = ConfigDict(extra="forbid")

    content_type: Literal["image/png", "image/svg+xml"]
    data_base64: str = Field(max_length=3 * 1024 * 1024)

    def data(self) -> bytes:
        return base64.b64decode(self.data_base64, validate=True)


class HouseStyleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    primary_color: str = Field(pattern=COLOR)
    accent_color: str = Field(pattern=COLOR)
    sender_name: str = Field(min_length=1, max_length=200)
    sender_block: str = Field(max_length=1000, description="lines of the sender block")
    return_address: str = Field(max_length=200)
    signature_name: str = Field(max_length=200)
    signature_function: str = Field(max_length=200)
    footer: str = Field(max_length=500)
    objection_to: str = Field(min_length=1, max_length=300, examples=["het college van B&W"])
    objection_address: str = Field(min_length=1, max_length=300)
    objection_url: str | None = Field(None, max_length=300)
    contact_phone: str | None = Field(None, max_length=50)
    contact_email: str | None = Field(None, max_length=200)
    logo: Image | None = None
    signature_image: Image | None = None
    keep_logo: bool = Field(True, description="without `logo`: keep the current logo")


class HouseStyleOut(BaseModel):
    municipality_code: str
    version: int
    is_default: bool
    primary_color: str
    accent_color: str
    sender_name: str
    sender_block: str
    return_address: str
    signature_name: str
    signature_function: str
    footer: str
    objection_to: str
    objection_address: str
    objection_url: str | None
    contact_phone: str | None
    contact_email: str | None
    logo_type: str | None
    logo_base64: str | None
    signature_image_type: str | None
    updated_by: str | None
    updated_at: datetime | None
