"""Campaign routes: start, live progress, pause and resume."""

from __future__ import annotations

from fastapi import APIRouter, Request

from contracts.licences import Feature
from correspondence.access import CampaignManager, CampaignReader
from correspondence.campaigns import service
from correspondence.campaigns.schemas import CampaignProgress
from correspondence.scope import clock_of, visible_municipality
from servicekit.http import DbSession, correlation_id_of
from servicekit.tenants import require_feature

router = APIRouter(tags=["campaigns"])


@router.post("/campaigns/{code}/{campaign}", response_model=CampaignProgress, status_code=202)
async def start_campaign(
    code: str, campaign: str, request: Request, principal: CampaignManager, session: DbSession
) -> CampaignProgress:
    """Start sending the campaign's invitations (409 without an invitation template)."""
    await visible_municipality(session, principal, code)
    await require_feature(session, code, Feature.RE_EXAMINATIONS)
    await service.start(
        session,
        code=code,
        name=campaign,
        actor=principal.subject,
        now=clock_of(request).now(),
        correlation_id=correlation_id_of(request),
    )
    return await service.progress(session, code=code, name=campaign)


@router.get("/campaigns/{code}/{campaign}", response_model=CampaignProgress)
async def campaign_progress(
    code: str, campaign: str, principal: CampaignReader, session: DbSession
) -> CampaignProgress:
    """Pending, rendered, sent and failed per channel, counted live from the letters."""
    await visible_municipality(session, principal, code)
    return await service.progress(session, code=code, name=campaign)


async def _pause(
    request: Request, code: str, campaign: str, paused: bool, actor: str, session: DbSession
) -> CampaignProgress:
    await service.set_paused(
        session,
        code=code,
        name=campaign,
        paused=paused,
        actor=actor,
        now=clock_of(request).now(),
        correlation_id=correlation_id_of(request),
    )
    return await service.progress(session, code=code, name=campaign)


@router.post("/campaigns/{code}/{campaign}/pause", response_model=CampaignProgress)
async def pause_campaign(
    code: str, campaign: str, request: Request, principal: CampaignManager, session: DbSession
) -> CampaignProgress:
    await visible_municipality(session, principal, code)
    return await _pause(request, code, campaign, True, principal.subject, session)


@router.post("/campaigns/{code}/{campaign}/resume", response_model=CampaignProgress)
async def resume_campaign(
    code: str, campaign: str, request: Request, principal: CampaignManager, session: DbSession
) -> CampaignProgress:
    await visible_municipality(session, principal, code)
    await require_feature(session, code, Feature.RE_EXAMINATIONS)
    return await _pause(request, code, campaign, False, principal.subject, session)
