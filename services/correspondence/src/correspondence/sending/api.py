"""Print batches for the post room, and bounces reported by the mail server."""

from __future__ import annotations

import hmac
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Header, HTTPException, Request, Response, status
from pydantic import BaseModel

from correspondence.access import Handler
from correspondence.scope import clock_of, settings_of, visible_municipality
from correspondence.sending import bounces, service
from servicekit.auth import public
from servicekit.http import DbSession

router = APIRouter(tags=["sending"])
MAX_DSN_BYTES = 512 * 1024


@router.get(
    "/municipalities/{code}/print-batches/{day}",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {}}},
        404: {"description": "no letters that day"},
    },
)
async def print_batch(code: str, day: date, principal: Handler, session: DbSession) -> Response:
    """The day's letters by post as one PDF, in address order (postal code, street, number)."""
    await visible_municipality(session, principal, code)
    pdf, count = await service.print_batch(session, code=code, day=day)
    if pdf is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, f"Geen brieven voor de post op {day.isoformat()}."
        )
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="printbatch-{code}-{day.isoformat()}.pdf"',
            "X-Letter-Count": str(count),
        },
    )


class BounceResult(BaseModel):
    recorded: bool
    letter_id: str | None = None


@router.post(
    "/bounces",
    response_model=BounceResult,
    dependencies=[Depends(public("the mail server's bounce hook: X-Bounce-Token is checked"))],
)
async def report_bounce(
    request: Request,
    session: DbSession,
    token: Annotated[str | None, Header(alias="X-Bounce-Token")] = None,
) -> BounceResult:
    """A DSN (RFC 3464 `multipart/report`) as the raw body, from the mail server's bounce hook
    (authenticated with `CORRESPONDENCE_BOUNCE_SECRET` in `X-Bounce-Token`)."""
    secret = settings_of(request).bounce_secret
    if not token or not hmac.compare_digest(token, secret):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "bounce token missing or wrong")
    raw = await request.body()
    if len(raw) > MAX_DSN_BYTES:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, "DSN te groot")
    try:
        dsn = bounces.parse(raw)
    except bounces.NotADsnError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(error)) from None
    bounce = await bounces.record(session, dsn, now=clock_of(request).now())
    return BounceResult(
        recorded=bounce is not None, letter_id=str(bounce.letter_id) if bounce else None
    )
