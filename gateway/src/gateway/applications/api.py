"""The website's signed applications in the public API, for sites that cannot publish to AMQP:
passed on to the intake service byte for byte, which checks the signature."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response, status

from contracts.api.common import errors
from contracts.api.intake import IntakeResult, QuarantineResult
from gateway.applications.schemas import application_request_schema
from gateway.passthrough import content_type, pass_on, read_body
from gateway.proxy import Services
from gateway.settings import settings_of
from servicekit.auth import public, system_principal

WEBSITE = system_principal("gateway", purpose="intake")
"""Who hands the website's signed application to intake: the gateway itself (role `system`,
the only role that may submit applications)."""

router = APIRouter(prefix="/api/v1")


@router.post(
    "/intake/applications",
    tags=["intake"],
    summary="Submit an application (for sites that cannot publish to AMQP)",
    description=(
        "Not API-key authenticated: sign the raw body with HMAC-SHA256 and the shared secret "
        "and send `X-Signature: sha256=<hex>`. The body follows the GezondVerzekerd "
        "`application.submitted` v1 schema and is passed on byte for byte."
    ),
    response_model=None,
    dependencies=[Depends(public("the website signs the body (HMAC); intake checks it"))],
    openapi_extra={
        "parameters": [
            {
                "name": "X-Signature",
                "in": "header",
                "required": True,
                "schema": {"type": "string", "pattern": "^sha256=[0-9a-f]{64}$"},
                "description": "`sha256=` and the hex HMAC-SHA256 of the raw body",
            }
        ],
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": application_request_schema()}},
        },
    },
    status_code=status.HTTP_202_ACCEPTED,
    responses={
        202: {"model": IntakeResult, "description": "accepted, a correction, or a duplicate"},
        **errors(401, 413, 503, 504, e401="signature missing or wrong"),
        422: {
            "model": QuarantineResult,
            "description": "rejected, with the reason, and kept in quarantine for staff",
        },
    },
)
async def submit_application(request: Request, services: Services) -> Response:
    body = await read_body(request, limit=settings_of(request).max_intake_body_bytes)
    headers = content_type(request)
    if "x-signature" in request.headers:
        headers["X-Signature"] = request.headers["x-signature"]
    return await pass_on(
        request,
        services.intake,
        WEBSITE,
        method="POST",
        path="/applications",
        query=False,
        content=body,
        headers=headers,
    )
