"""HTTP API of upload links (staff and services; the resident's side is the portal)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, HTTPException, Request, Response, status
from fastapi.responses import JSONResponse

from documents.access import LinkManager, Reader
from documents.deps import runtime_of, settings_of
from documents.known_cases.service import visible_case
from documents.links import repository, service
from documents.links.schemas import LinkCreated, LinkList, LinkOut, LinkRequest
from documents.schemas import COMMON, problem
from servicekit.http import DbSession

router = APIRouter(tags=["upload links"])


@router.post(
    "/cases/{case_id}/upload-links",
    status_code=status.HTTP_201_CREATED,
    response_model=LinkCreated,
    responses={
        200: {"model": LinkCreated, "description": "made before with this idempotency key"},
        409: problem("the case is decided, aborted or closed"),
        422: problem("expiry in the past or too far ahead, unknown purpose"),
        **COMMON,
    },
    summary="A resident's personal upload link for a case and purpose",
)
async def create_upload_link(
    request: Request,
    case_id: uuid.UUID,
    body: LinkRequest,
    principal: LinkManager,
    session: DbSession,
) -> JSONResponse:
    settings = settings_of(request)
    case = await visible_case(session=session, principal=principal, case_id=case_id)
    try:
        link, created = await service.create_link(
            session,
            principal=principal,
            case=case,
            purpose=body.purpose,
            expires_at=body.expires_at,
            message=body.message,
            idempotency_key=body.idempotency_key,
            secret=settings.link_secret,
            now=runtime_of(request).clock.now(),
            max_days=settings.link_max_days,
        )
    except service.InvalidLinkRequestError as error:
        raise HTTPException(error.status_code, error.message) from None
    answer = LinkCreated(
        id=link.id,
        url=service.url_of(link, base_url=settings.public_base_url, secret=settings.link_secret),
        expires_at=link.expires_at,
    )
    return JSONResponse(answer.model_dump(mode="json"), status_code=201 if created else 200)


@router.get(
    "/cases/{case_id}/upload-links",
    response_model=LinkList,
    responses=COMMON,
    summary="The case's upload links, newest first, with their state (no URLs)",
)
async def list_upload_links(
    request: Request, case_id: uuid.UUID, principal: Reader, session: DbSession
) -> LinkList:
    case = await visible_case(session=session, principal=principal, case_id=case_id)
    now = runtime_of(request).clock.now()
    return LinkList(
        items=[
            LinkOut(
                id=link.id,
                case_id=link.case_id,
                purpose=link.purpose,
                message=link.message,
                expires_at=link.expires_at,
                state=service.state_of(link, case, now=now),
                created_by=link.created_by,
                created_at=link.created_at,
                withdrawn_at=link.withdrawn_at,
                documents=count,
            )
            for link, count in await repository.of_case(session, case.id)
        ]
    )


@router.delete(
    "/upload-links/{link_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=COMMON,
    summary="Withdraw a link: the resident's page then says so and whom to contact",
)
async def withdraw_upload_link(
    request: Request, link_id: uuid.UUID, principal: LinkManager, session: DbSession
) -> Response:
    await service.withdraw(
        session, principal=principal, link_id=link_id, now=runtime_of(request).clock.now()
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
