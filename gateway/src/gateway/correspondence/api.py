"""The correspondence service in the public API: forwarded as it is, scope checked there too.

Templates and the house style take bodies (JSON, or a multipart .docx) passed on byte for byte;
PDFs (letter content, print batches) come back as the service sent them.
"""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Request, Response

from contracts.api.common import errors
from gateway.passthrough import content_type, pass_on, read_body
from gateway.proxy import Services
from gateway.security import require
from servicekit.auth import Permission, Principal

router = APIRouter(prefix="/api/v1", tags=["correspondence"])
Code = Annotated[str, Path(pattern=r"^[0-9]{4}$", description="CBS code, e.g. `0363`")]
Kind = Annotated[str, Path(pattern=r"^[a-z_]{3,40}$", examples=["decision_rejected"])]
Channel = Annotated[str, Path(pattern=r"^(email|post)$")]
Campaign = Annotated[str, Path(min_length=3, max_length=100, examples=["Heronderzoek 2027"])]
MAX_BODY = 12 * 1024 * 1024
# Every route is forwarded: it answers what the service answers (a refusal by role or state, a
# case or municipality outside the caller's scope, a Dutch reason for what cannot be done).
_ANSWERS = errors(401, 403, 404, 409, 422, 503, 504)
_ANSWERS_WITH_BODY = errors(401, 403, 404, 409, 413, 415, 422, 503, 504)

_CampaignsManage = Annotated[Principal, Depends(require(Permission.CAMPAIGNS_MANAGE))]
_CampaignsRead = Annotated[Principal, Depends(require(Permission.CAMPAIGNS_READ))]
_CasesDecide = Annotated[Principal, Depends(require(Permission.CASES_DECIDE))]
_CorrespondenceRead = Annotated[Principal, Depends(require(Permission.CORRESPONDENCE_READ))]
_CorrespondenceSend = Annotated[Principal, Depends(require(Permission.CORRESPONDENCE_SEND))]
_TemplatesManage = Annotated[Principal, Depends(require(Permission.TEMPLATES_MANAGE))]
_TemplatesRead = Annotated[Principal, Depends(require(Permission.TEMPLATES_READ))]


async def _forward(
    request: Request, services: Services, principal: Principal, path: str, method: str = "GET"
) -> Response:
    body = None
    headers: dict[str, str] = {}
    if method in {"POST", "PUT"}:
        body = await read_body(request, limit=MAX_BODY)
        headers = content_type(request)
    return await pass_on(
        request,
        services.correspondence,
        principal,
        method=method,
        path=path,
        content=body,
        headers=headers,
        timeout_seconds=120,
    )


@router.get(
    "/municipalities/{code}/house-style",
    summary="The municipality's house style",
    responses=_ANSWERS,
)
async def get_house_style(
    request: Request, principal: _TemplatesRead, services: Services, code: Code
) -> Response:
    return await _forward(request, services, principal, f"/municipalities/{code}/house-style")


@router.put(
    "/municipalities/{code}/house-style",
    summary="Save the house style (logo checked)",
    responses=_ANSWERS_WITH_BODY,
)
async def put_house_style(
    request: Request, principal: _TemplatesManage, services: Services, code: Code
) -> Response:
    return await _forward(
        request, services, principal, f"/municipalities/{code}/house-style", "PUT"
    )


@router.get(
    "/merge-fields",
    summary="Every merge field (`$VELD$`) a template may use",
    responses=_ANSWERS,
)
async def merge_fields(request: Request, principal: _TemplatesRead, services: Services) -> Response:
    return await _forward(request, services, principal, "/merge-fields")


@router.get(
    "/municipalities/{code}/templates",
    summary="The template in use per kind and channel",
    responses=_ANSWERS,
)
async def list_templates(
    request: Request, principal: _TemplatesRead, services: Services, code: Code
) -> Response:
    return await _forward(request, services, principal, f"/municipalities/{code}/templates")


@router.get(
    "/municipalities/{code}/templates/{kind}/{channel}",
    summary="One template",
    responses=_ANSWERS,
)
async def get_template(
    request: Request,
    principal: _TemplatesRead,
    services: Services,
    code: Code,
    kind: Kind,
    channel: Channel,
) -> Response:
    return await _forward(
        request, services, principal, f"/municipalities/{code}/templates/{kind}/{channel}"
    )


@router.get(
    "/municipalities/{code}/templates/{kind}/{channel}/versions",
    summary="Its versions",
    responses=_ANSWERS,
)
async def template_versions(
    request: Request,
    principal: _TemplatesRead,
    services: Services,
    code: Code,
    kind: Kind,
    channel: Channel,
) -> Response:
    return await _forward(
        request, services, principal, f"/municipalities/{code}/templates/{kind}/{channel}/versions"
    )


@router.put(
    "/municipalities/{code}/templates/{kind}/{channel}",
    summary="Save a new version: JSON {subject, body} or multipart `file` (.docx)",
    responses=_ANSWERS_WITH_BODY,
)
async def put_template(
    request: Request,
    principal: _TemplatesManage,
    services: Services,
    code: Code,
    kind: Kind,
    channel: Channel,
) -> Response:
    return await _forward(
        request, services, principal, f"/municipalities/{code}/templates/{kind}/{channel}", "PUT"
    )


@router.post(
    "/municipalities/{code}/templates/{kind}/{channel}/preview",
    summary="Preview with a real case of the municipality: PDF, HTML and text",
    responses=_ANSWERS_WITH_BODY,
)
async def preview(
    request: Request,
    principal: _TemplatesRead,
    services: Services,
    code: Code,
    kind: Kind,
    channel: Channel,
) -> Response:
    return await _forward(
        request,
        services,
        principal,
        f"/municipalities/{code}/templates/{kind}/{channel}/preview",
        "POST",
    )


@router.get(
    "/cases/{case_id}/correspondence",
    summary="A case's letters with status, errors, bounces, schedules",
    responses=_ANSWERS,
)
async def case_correspondence(
    request: Request, principal: _CorrespondenceRead, services: Services, case_id: uuid.UUID
) -> Response:
    return await _forward(request, services, principal, f"/cases/{case_id}/correspondence")


@router.get(
    "/correspondence/{letter_id}/content",
    summary="A letter as PDF (`?format=html|text` for e-mails)",
    responses=_ANSWERS,
)
async def content(
    request: Request, principal: _CorrespondenceRead, services: Services, letter_id: uuid.UUID
) -> Response:
    return await _forward(request, services, principal, f"/correspondence/{letter_id}/content")


@router.post(
    "/cases/{case_id}/information-requests",
    summary="Ask for information with a term",
    responses=_ANSWERS_WITH_BODY,
)
async def request_information(
    request: Request, principal: _CorrespondenceSend, services: Services, case_id: uuid.UUID
) -> Response:
    return await _forward(
        request, services, principal, f"/cases/{case_id}/information-requests", "POST"
    )


@router.get(
    "/cases/{case_id}/information-requests",
    summary="The case's information requests",
    responses=_ANSWERS,
)
async def information_requests(
    request: Request, principal: _CorrespondenceRead, services: Services, case_id: uuid.UUID
) -> Response:
    return await _forward(request, services, principal, f"/cases/{case_id}/information-requests")


@router.get(
    "/cases/{case_id}/contact-preferences",
    summary="Consent to e-mail per kind of message",
    responses=_ANSWERS,
)
async def get_preferences(
    request: Request, principal: _CorrespondenceRead, services: Services, case_id: uuid.UUID
) -> Response:
    return await _forward(request, services, principal, f"/cases/{case_id}/contact-preferences")


@router.put(
    "/cases/{case_id}/contact-preferences",
    summary="Record the resident's consent to e-mail",
    responses=_ANSWERS_WITH_BODY,
)
async def put_preferences(
    request: Request, principal: _CorrespondenceSend, services: Services, case_id: uuid.UUID
) -> Response:
    return await _forward(
        request, services, principal, f"/cases/{case_id}/contact-preferences", "PUT"
    )


@router.get(
    "/cases/{case_id}/decision-letter",
    summary="The decision letter's preview",
    responses=_ANSWERS,
)
async def decision_letter(
    request: Request, principal: _CorrespondenceRead, services: Services, case_id: uuid.UUID
) -> Response:
    return await _forward(request, services, principal, f"/cases/{case_id}/decision-letter")


@router.post(
    "/cases/{case_id}/decision-letter/send",
    summary="Akkoord en verzenden (beslisser)",
    responses=_ANSWERS_WITH_BODY,
)
async def send_decision_letter(
    request: Request, principal: _CasesDecide, services: Services, case_id: uuid.UUID
) -> Response:
    return await _forward(
        request, services, principal, f"/cases/{case_id}/decision-letter/send", "POST"
    )


def _campaign(code: str, campaign: str) -> str:
    return f"/campaigns/{code}/{quote(campaign, safe='')}"


@router.post(
    "/campaigns/{code}/{campaign}",
    summary="Start a re-examination campaign",
    responses=_ANSWERS_WITH_BODY,
)
async def start_campaign(
    request: Request,
    principal: _CampaignsManage,
    services: Services,
    code: Code,
    campaign: Campaign,
) -> Response:
    return await _forward(request, services, principal, _campaign(code, campaign), "POST")


@router.get(
    "/campaigns/{code}/{campaign}",
    summary="Campaign progress per channel",
    responses=_ANSWERS,
)
async def campaign_progress(
    request: Request, principal: _CampaignsRead, services: Services, code: Code, campaign: Campaign
) -> Response:
    return await _forward(request, services, principal, _campaign(code, campaign))


@router.post(
    "/campaigns/{code}/{campaign}/pause",
    summary="Pause the campaign",
    responses=_ANSWERS_WITH_BODY,
)
async def pause_campaign(
    request: Request,
    principal: _CampaignsManage,
    services: Services,
    code: Code,
    campaign: Campaign,
) -> Response:
    return await _forward(
        request, services, principal, _campaign(code, campaign) + "/pause", "POST"
    )


@router.post(
    "/campaigns/{code}/{campaign}/resume",
    summary="Resume the campaign",
    responses=_ANSWERS_WITH_BODY,
)
async def resume_campaign(
    request: Request,
    principal: _CampaignsManage,
    services: Services,
    code: Code,
    campaign: Campaign,
) -> Response:
    return await _forward(
        request, services, principal, _campaign(code, campaign) + "/resume", "POST"
    )


@router.get(
    "/municipalities/{code}/print-batches/{day}",
    summary="The day's print batch (one PDF)",
    responses=_ANSWERS,
)
async def print_batch(
    request: Request,
    principal: _CorrespondenceSend,
    services: Services,
    code: Code,
    day: Annotated[str, Path(pattern=r"^\d{4}-\d{2}-\d{2}$")],
) -> Response:
    return await _forward(
        request, services, principal, f"/municipalities/{code}/print-batches/{day}"
    )
