"""Campagnes: a re-examination campaign's progress per channel (waiting, laid out, sent, not
sent), pausing and resuming it; and the day's print batch of a municipality as one PDF.

The correspondence service owns the campaigns; its refusals (409: no own invitation template,
a state that changed) are shown in its own Dutch words. The print batch is streamed through.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.responses import RedirectResponse

from contracts.vocabulary import CHANNEL_LABEL
from gateway.cases.screens.letters import SERVICE
from gateway.ui.backend import call, stream
from gateway.ui.web import Staff, municipalities_of, render, require
from servicekit.auth import Permission

router = APIRouter(prefix="/ui", include_in_schema=False)

CampaignReader = Annotated[Staff, Depends(require(Permission.CAMPAIGNS_READ))]
CampaignManager = Annotated[Staff, Depends(require(Permission.CAMPAIGNS_MANAGE))]
PrintBatchReader = Annotated[Staff, Depends(require(Permission.CORRESPONDENCE_SEND))]

_CODE = re.compile(r"^[0-9]{4}$")
STATUSES = {
    "not_started": "Nog niet gestart",
    "running": "Loopt",
    "paused": "Gepauzeerd",
    "completed": "Klaar (niets meer in de wachtrij)",
}
_DONE = {"gepauzeerd": "De campagne is gepauzeerd.", "hervat": "De campagne loopt weer."}
# What the UI adds itself: dropped from the service's answer so that no header comes twice.
_OWN_HEADERS = (
    "x-content-type-options",
    "x-frame-options",
    "referrer-policy",
    "permissions-policy",
    "content-security-policy",
)


def _campaign_path(code: str, campaign: str) -> str:
    return f"/campaigns/{code}/{quote(campaign, safe='')}"


async def _page(
    request: Request,
    staff: Staff,
    *,
    code: str,
    campaign: str,
    status_code: int = 200,
    failure: str = "",
    errors: dict[str, str] | None = None,
    print_day: str = "",
) -> Response:
    municipalities = await municipalities_of(request, staff)
    names = dict(municipalities)
    errors = dict(errors or {})
    progress = None
    error = ""
    if code or campaign:
        if code not in names:
            errors["gemeente"] = "Kies een gemeente."
        if not 3 <= len(campaign) <= 100:
            errors["campagne"] = "Vul de naam van de campagne in (3 tot 100 tekens)."
    if code in names and 3 <= len(campaign) <= 100:
        answer = await call(request, staff, SERVICE, "GET", _campaign_path(code, campaign))
        if answer.ok and isinstance(answer.data, dict):
            progress = answer.data
        elif answer.status == 404 and not answer.unavailable_feature:
            error = "Deze campagne is (nog) niet bekend bij deze gemeente."
        else:
            error = answer.message()
    channels = []
    if progress is not None:
        per_channel = progress.get("channels")
        for channel, label in CHANNEL_LABEL.items():
            counts = per_channel.get(channel) if isinstance(per_channel, dict) else None
            if isinstance(counts, dict):
                channels.append({"label": label, **{k: counts.get(k, 0) for k in _COUNTS}})
    done = _DONE.get(request.query_params.get("gedaan", ""), "")
    return render(
        request,
        "campaigns.html",
        staff=staff,
        status_code=status_code,
        active="campagnes",
        municipalities=municipalities,
        code=code,
        campaign=campaign,
        name=names.get(code, ""),
        progress=progress,
        status_label=STATUSES.get(str((progress or {}).get("status")), ""),
        channels=channels,
        error=error,
        failure=failure,
        errors=errors,
        done=done,
        may_manage=staff.may(Permission.CAMPAIGNS_MANAGE),
        may_print=staff.may(Permission.CORRESPONDENCE_SEND),
        print_day=print_day or date.today().isoformat(),  # noqa: DTZ011 - the calendar day
    )


_COUNTS = ("pending", "rendered", "sent", "failed")


@router.get("/campagnes")
async def progress(
    request: Request,
    staff: CampaignReader,
    gemeente: Annotated[str, Query(max_length=4)] = "",
    campagne: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    return await _page(request, staff, code=gemeente, campaign=campagne.strip())


async def _act(
    request: Request, staff: Staff, code: str, campaign: str, action: str, done: str
) -> Response:
    campaign = campaign.strip()
    names = dict(await municipalities_of(request, staff))
    if code not in names or not 3 <= len(campaign) <= 100:
        return await _page(request, staff, code=code, campaign=campaign, status_code=400)
    answer = await call(
        request, staff, SERVICE, "POST", f"{_campaign_path(code, campaign)}/{action}"
    )
    if answer.ok:
        query = urlencode({"gemeente": code, "campagne": campaign, "gedaan": done})
        return RedirectResponse(f"/ui/campagnes?{query}", status_code=303)
    what = "gepauzeerd" if action == "pause" else "hervat"
    message = answer.service_message if answer.status == 409 else answer.message()
    return await _page(
        request,
        staff,
        code=code,
        campaign=campaign,
        status_code=answer.refusal_status,
        failure=f"De campagne is niet {what}. {message}",
    )


@router.post("/campagnes/pauzeren")
async def pause(
    request: Request,
    staff: CampaignManager,
    gemeente: Annotated[str, Form(max_length=4)] = "",
    campagne: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    return await _act(request, staff, gemeente, campagne, "pause", "gepauzeerd")


@router.post("/campagnes/hervatten")
async def resume(
    request: Request,
    staff: CampaignManager,
    gemeente: Annotated[str, Form(max_length=4)] = "",
    campagne: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    return await _act(request, staff, gemeente, campagne, "resume", "hervat")


@router.get("/printbatches")
async def print_batch(
    request: Request,
    staff: PrintBatchReader,
    gemeente: Annotated[str, Query(max_length=4)] = "",
    datum: Annotated[str, Query(max_length=10)] = "",
) -> Response:
    """The day's letters by post of a municipality as one PDF (address order), streamed."""
    errors: dict[str, str] = {}
    names = dict(await municipalities_of(request, staff))
    if gemeente not in names or not _CODE.fullmatch(gemeente):
        errors["print_gemeente"] = "Kies een gemeente."
    try:
        day = date.fromisoformat(datum)
    except ValueError:
        errors["print_datum"] = "Kies een datum."
    if errors:
        return await _page(
            request, staff, code="", campaign="", status_code=400, errors=errors, print_day=datum
        )
    path = f"/municipalities/{gemeente}/print-batches/{day.isoformat()}"
    response, failure = await stream(request, staff, SERVICE, path)
    if failure is None:
        for name in _OWN_HEADERS:
            if name in response.headers:
                del response.headers[name]
        if "content-disposition" not in response.headers:
            response.headers["content-disposition"] = (
                f'attachment; filename="printbatch-{gemeente}-{day.isoformat()}.pdf"'
            )
        return response
    if failure.status == 404 and not failure.unavailable_feature:
        message = failure.service_message or "Er zijn op deze dag geen brieven per post."
    else:
        message = failure.message()
    return await _page(
        request,
        staff,
        code="",
        campaign="",
        status_code=failure.status if failure.status >= 400 else 502,
        errors={"print_datum": message},
        print_day=datum,
    )
