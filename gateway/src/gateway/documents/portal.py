"""`/inwoner/...`: the resident's upload portal, forwarded to the documents service.

No API key: the token in the path is the credential (so no path is ever logged here). The
gateway tells the service the client's address in `X-Backoffice-Client-Address` (it replaces
whatever a client sent under that name), next to an internal token of a principal that may
see nothing; the service believes the address only with that token.
"""

from __future__ import annotations

from typing import Annotated, Final

import httpx
from fastapi import APIRouter, Depends, Path, Request, Response, status
from fastapi.responses import HTMLResponse

from gateway.documents.streaming import body_headers
from gateway.passthrough import BodyTooLargeError, limited
from gateway.proxy import downstreams_of
from gateway.settings import settings_of
from servicekit.auth import Principal, public
from servicekit.http import correlation_id_of

router = APIRouter(prefix="/inwoner", include_in_schema=False)
ADDRESS_HEADER: Final = "X-Backoffice-Client-Address"
"""The documents service reads it (`documents.portal.api.ADDRESS_HEADER`)."""
PORTAL: Final = Principal(
    subject="gateway:inwoner", organisation="platform", role="raadpleger", purpose="resident_upload"
)
"""Who the gateway is towards the portal: no municipalities, so no case data anywhere."""
PortalPath = Annotated[str, Path(pattern=r"^[A-Za-z0-9_./-]{1,300}$")]
_TOO_LARGE = (
    '<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Te groot</title></head>'
    "<body><main><h1>Te groot</h1><p>U stuurt in één keer te veel. Stuur minder bestanden "
    "tegelijk.</p></main></body></html>"
)


async def _forward(request: Request, path: str, method: str) -> Response:
    settings = settings_of(request)
    headers = body_headers(request)
    headers[ADDRESS_HEADER] = request.client.host if request.client else "unknown"
    declared = request.headers.get("content-length", "")
    limit = settings.documents_max_body_bytes
    if declared.isdigit() and int(declared) > limit:
        return HTMLResponse(_TOO_LARGE, status_code=status.HTTP_413_CONTENT_TOO_LARGE)
    try:
        return await downstreams_of(request).documents.relay(
            principal=PORTAL,
            correlation_id=correlation_id_of(request),
            method=method,
            path=f"/inwoner/{path}",
            read_timeout=httpx.Timeout(
                settings.documents_upload_timeout_seconds,
                connect=settings.downstream_connect_timeout_seconds,
            ),
            content=limited(request, limit) if method == "POST" else None,
            headers=headers,
        )
    except BodyTooLargeError:
        return HTMLResponse(_TOO_LARGE, status_code=status.HTTP_413_CONTENT_TOO_LARGE)


_OPEN = "residents have no account: the signed, expiring link in the path is the credential"


@router.get("/{path:path}", dependencies=[Depends(public(_OPEN))])
async def portal_page(request: Request, path: PortalPath) -> Response:
    return await _forward(request, path, "GET")


@router.post("/{path:path}", dependencies=[Depends(public(_OPEN))])
async def portal_upload(request: Request, path: PortalPath) -> Response:
    return await _forward(request, path, "POST")
