"""The public API of parked messages: forwarded to the service that parked them, every action
audited. For operators only."""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Depends, Query, Request, Response

from contracts.api.common import errors
from gateway.operations.service import DISCARD, REPLAY, REPLAY_ALL, ParkingService, audit
from gateway.passthrough import pass_on
from gateway.proxy import Downstream, Downstreams, Services
from gateway.schemas import PROBLEMS
from gateway.security import require
from servicekit.auth import Permission, Principal
from servicekit.http import correlation_id_of
from servicekit.parking_api import DiscardIn, ParkedMessageOut, ParkedPage, ReplayAllResult

router = APIRouter(prefix="/api/v1/operations/parked", tags=["operations"])
Operator = Annotated[Principal, Depends(require(Permission.PARKED_MANAGE))]
_DESCRIPTION = "For the role `operator`; every replay and discard is in the security log."


def _downstream(services: Downstreams, service: ParkingService) -> Downstream:
    downstream: Downstream = getattr(services, service)
    return downstream


@router.get(
    "",
    summary="A service's parked messages, oldest first, with reason and original headers",
    description=_DESCRIPTION + " Never the message body: it holds personal data.",
    response_model=None,
    responses={
        200: {"model": ParkedPage, "description": "one page, oldest first"},
        **errors(403, 422),
        **PROBLEMS,
    },
)
async def list_parked(
    request: Request,
    principal: Operator,
    services: Services,
    service: Annotated[ParkingService, Query(description="the service that parked them")],
    status: Annotated[Literal["parked", "replayed", "discarded"], Query()] = "parked",
    queue: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Response:
    params = [("status", status), ("limit", str(limit))] + ([("queue", queue)] if queue else [])
    return await _downstream(services, service).forward(
        method="GET",
        path="/parked",
        principal=principal,
        correlation_id=correlation_id_of(request),
        params=params,
    )


@router.post(
    "/{service}/replay-all",
    summary="Replay every parked message of the service (of one queue)",
    description=_DESCRIPTION + " The consumers' inbox makes a message handled once.",
    response_model=None,
    responses={
        200: {"model": ReplayAllResult, "description": "how many were replayed"},
        **errors(403, 422),
        **PROBLEMS,
    },
)
async def replay_all(
    request: Request,
    principal: Operator,
    services: Services,
    service: ParkingService,
    queue: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    answer = await _downstream(services, service).forward(
        method="POST",
        path="/parked/replay-all",
        principal=principal,
        correlation_id=correlation_id_of(request),
        params=[("queue", queue)] if queue else [],
    )
    await audit(
        request,
        principal,
        action=REPLAY_ALL,
        service=service,
        parked_id=None,
        status_code=answer.status_code,
    )
    return answer


@router.post(
    "/{service}/{parked_id}/replay",
    summary="Publish one parked message back into its queue",
    description=_DESCRIPTION + " A message its consumer still refuses is parked again.",
    response_model=None,
    responses={
        200: {"model": ParkedMessageOut, "description": "the message as it is now"},
        **errors(403, 404, 409, 422),
        **PROBLEMS,
    },
)
async def replay(
    request: Request,
    principal: Operator,
    services: Services,
    service: ParkingService,
    parked_id: uuid.UUID,
) -> Response:
    answer = await pass_on(
        request,
        _downstream(services, service),
        principal,
        path=f"/parked/{parked_id}/replay",
        method="POST",
        query=False,
    )
    await audit(
        request,
        principal,
        action=REPLAY,
        service=service,
        parked_id=str(parked_id),
        status_code=answer.status_code,
    )
    return answer


@router.post(
    "/{service}/{parked_id}/discard",
    summary='Discard one parked message, with a reason (`{"reason": "..."}`)',
    description=_DESCRIPTION + " Without a reason: 422. The message is kept, marked discarded.",
    response_model=None,
    responses={
        200: {"model": ParkedMessageOut, "description": "the message as it is now"},
        **errors(403, 404, 409, 422),
        **PROBLEMS,
    },
)
async def discard(
    request: Request,
    principal: Operator,
    services: Services,
    service: ParkingService,
    parked_id: uuid.UUID,
    body: Annotated[DiscardIn | None, Body()] = None,
) -> Response:
    # The service checks the reason (and answers 422 in Dutch without one).
    reason = body.reason if body is not None else None
    answer = await pass_on(
        request,
        _downstream(services, service),
        principal,
        path=f"/parked/{parked_id}/discard",
        method="POST",
        query=False,
        content=json.dumps({"reason": reason}).encode(),
        headers={"Content-Type": "application/json"},
    )
    await audit(
        request,
        principal,
        action=DISCARD,
        service=service,
        parked_id=str(parked_id),
        status_code=answer.status_code,
    )
    return answer
