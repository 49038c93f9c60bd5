"""Campaigns: invitations of a re-examination campaign, held until staff start it.

Starting queues every held invitation of the campaign for the replicas (competing consumers of
`correspondence.letters`); pausing holds what has not gone yet; resuming queues it again.
A letter is made once per case and cause, and sent once: pausing and resuming never repeat one.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import HTTPException, status
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.licences import Feature, Licence, licence_refusal
from correspondence.campaigns import repository
from correspondence.campaigns.models import Campaign
from correspondence.campaigns.schemas import CampaignProgress, ChannelProgress
from correspondence.letters import repository as letters
from correspondence.letters.service import queue
from correspondence.templates import repository as templates

NO_TEMPLATE = (
    "De campagne kan niet starten: de gemeente heeft nog geen eigen uitnodiging voor het "
    "heronderzoek vastgesteld. Sla eerst het sjabloon 'Uitnodiging heronderzoek' (brief) op."
)
_PENDING = {"held", "queued", "retry", "draft"}
_FAILED = {"failed", "bounced", "cancelled"}


async def start(
    session: AsyncSession, *, code: str, name: str, actor: str, now: datetime, correlation_id: str
) -> Campaign:
    invitation = await templates.latest(
        session, code=code, kind="re_examination_invitation", channel="post"
    )
    if invitation is None or invitation.is_default:
        raise HTTPException(status.HTTP_409_CONFLICT, NO_TEMPLATE)
    await repository.lock(session, code=code, name=name)
    await repository.add(
        session,
        {
            "municipality_code": code,
            "name": name,
            "status": "running",
            "template_version_id": invitation.id,
            "started_by": actor,
            "started_at": now,
            "changed_by": actor,
            "changed_at": now,
        },
    )
    campaign = await repository.get(session, code=code, name=name, for_update=True)
    if campaign is None:  # pragma: no cover
        raise RuntimeError("campaign vanished")
    if campaign.status == "running":
        await _release(session, code=code, name=name, correlation_id=correlation_id)
    return campaign


async def _release(session: AsyncSession, *, code: str, name: str, correlation_id: str) -> None:
    held = await letters.move_campaign(
        session, code=code, campaign=name, from_statuses=("held",), to="queued"
    )
    await queue(session, held, correlation_id=correlation_id)


async def set_paused(
    session: AsyncSession,
    *,
    code: str,
    name: str,
    paused: bool,
    actor: str,
    now: datetime,
    correlation_id: str,
) -> Campaign:
    await repository.lock(session, code=code, name=name)
    campaign = await repository.get(session, code=code, name=name, for_update=True)
    if campaign is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "campagne niet gestart of niet gevonden")
    campaign.status = "paused" if paused else "running"
    campaign.changed_by, campaign.changed_at = actor, now
    campaign.paused_reason = None
    if paused:
        await _hold(session, code=code, name=name)
    else:
        await _release(session, code=code, name=name, correlation_id=correlation_id)
    return campaign


async def _hold(session: AsyncSession, *, code: str, name: str) -> None:
    """What has not gone waits; a letter already being sent goes whole (never half a batch)."""
    await letters.move_campaign(
        session, code=code, campaign=name, from_statuses=("queued", "retry"), to="held"
    )


async def pause_for_licence(
    session: AsyncSession, *, code: str, licence: Licence, now: datetime
) -> None:
    """A smaller licence without campaigns pauses the municipality's running ones, with the
    reason staff read on the campaign; resuming needs the licence back."""
    reason = "Gepauzeerd door het systeem. " + licence_refusal(Feature.RE_EXAMINATIONS, licence)
    for name in await repository.running_names(session, code=code):
        await repository.lock(session, code=code, name=name)
        campaign = await repository.get(session, code=code, name=name, for_update=True)
        if campaign is None or campaign.status != "running":
            continue
        campaign.status, campaign.paused_reason = "paused", reason
        campaign.changed_by, campaign.changed_at = "system", now
        await _hold(session, code=code, name=name)


async def progress(session: AsyncSession, *, code: str, name: str) -> CampaignProgress:
    campaign = await repository.get(session, code=code, name=name)
    channels: dict[str, ChannelProgress] = {}
    total = 0
    for channel, letter_status, count in await letters.progress(session, code=code, campaign=name):
        entry = channels.setdefault(channel, ChannelProgress())
        total += count
        if letter_status in _PENDING:
            entry.pending += count
        elif letter_status == "rendered":
            entry.rendered += count
        elif letter_status == "sent":
            entry.sent += count
        elif letter_status in _FAILED:
            entry.failed += count
    state = "not_started" if campaign is None else campaign.status
    if (
        campaign is not None
        and campaign.status == "running"
        and total
        and not any(c.pending or c.rendered for c in channels.values())
    ):
        state = "completed"
    return CampaignProgress(
        municipality_code=code,
        campaign=name,
        status=state,
        started_at=campaign.started_at if campaign else None,
        started_by=campaign.started_by if campaign else None,
        paused_reason=campaign.paused_reason if campaign else None,
        total=total,
        channels=channels,
    )
