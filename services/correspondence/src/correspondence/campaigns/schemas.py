"""HTTP models of the campaigns."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class ChannelProgress(BaseModel):
    pending: int = 0
    """Waiting: held for the campaign, queued, or waiting for a retry."""
    rendered: int = 0
    sent: int = 0
    failed: int = 0


class CampaignProgress(BaseModel):
    municipality_code: str
    campaign: str
    status: str
    """`not_started`, `running`, `paused`, or `completed` (nothing pending any more)."""
    started_at: datetime | None
    started_by: str | None
    paused_reason: str | None = None
    """Why the system paused the campaign (e.g. a smaller licence), in Dutch."""
    total: int
    channels: dict[str, ChannelProgress]
