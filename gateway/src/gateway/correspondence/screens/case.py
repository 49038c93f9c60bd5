"""The case's Brieven: a letter's content (PDF, or the e-mail's HTML or text), "informatie
opvragen" with a term, and the beslisser's decision letter ("Besluitbrief bekijken", "Akkoord
en verzenden").

The correspondence service owns the letters and their rules: it refuses in Dutch (a template
changed since the preview: 409), and that sentence is shown in the section. Content is
streamed through from the service (`backend.stream`); the decision letter's preview PDF comes
from the service's preview answer (base64 in JSON) and is passed on as a PDF.
"""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.responses import RedirectResponse

from gateway.cases.screens.detail import detail_page
from gateway.cases.screens.letters import (
    DEFAULT_TERM_DAYS,
    MAX_ITEM_LENGTH,
    MAX_ITEMS,
    MAX_MESSAGE,
    MAX_TERM_DAYS,
    SERVICE,
)
from gateway.correspondence.screens.pdf import decoded_pdf, inline_pdf
from gateway.ui.backend import Answer, call, stream
from gateway.ui.web import Decider, PageNotFoundError, Staff, render, require
from servicekit.auth import Permission

router = APIRouter(prefix="/ui", include_in_schema=False)

CorrespondenceReader = Annotated[Staff, Depends(require(Permission.CORRESPONDENCE_READ))]
CorrespondenceSender = Annotated[Staff, Depends(require(Permission.CORRESPONDENCE_SEND))]

SECTION = "brieven"
_NOT_REQUESTED = "De informatie is niet opgevraagd. Controleer de gemarkeerde velden."
_NOT_SENT = "De besluitbrief is niet verzonden"
_VERSION = re.compile(r"^[0-9a-fA-F-]{36}$")
# What the UI adds itself: dropped from the service's answer so that no header comes twice.
_OWN_HEADERS = (
    "x-content-type-options",
    "x-frame-options",
    "referrer-policy",
    "permissions-policy",
    "content-security-policy",
)
# An e-mail's HTML is the resident's mail, not a page of ours: no scripts, no forms, nothing
# fetched; its inlined styles may apply. Sent besides the UI's own policy (both apply).
EMAIL_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"
_FORMATS = {"pdf": "pdf", "html": "html", "tekst": "text"}


@router.get("/brieven/{letter_id}/inhoud")
async def letter_content(
    request: Request,
    staff: CorrespondenceReader,
    letter_id: uuid.UUID,
    vorm: Annotated[Literal["pdf", "html", "tekst"], Query()] = "pdf",
) -> Response:
    """A letter as PDF, or an e-mail's HTML or text part, streamed from the service."""
    path = f"/correspondence/{letter_id}/content"
    params = [("format", _FORMATS[vorm])]
    response, failure = await stream(request, staff, SERVICE, path, params=params)
    if failure is None:
        for name in _OWN_HEADERS:
            if name in response.headers:
                del response.headers[name]
        if vorm == "html":
            response.headers["content-security-policy"] = EMAIL_CSP
        return response
    if failure.status in (404, 422) and not failure.unavailable_feature:
        message = failure.service_message or "Deze brief is niet gevonden."
        return render(
            request,
            "message.html",
            staff=staff,
            status_code=404,
            title="Brief niet beschikbaar",
            message=message if message.endswith(".") else message + ".",
        )
    return render(
        request,
        "message.html",
        staff=staff,
        status_code=failure.status if failure.status >= 400 else 502,
        title="De brief openen is niet gelukt",
        message=failure.message(),
    )


def _items(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


@router.post("/cases/{case_id}/informatie-opvragen")
async def request_information(
    request: Request,
    staff: CorrespondenceSender,
    case_id: uuid.UUID,
    items: Annotated[str, Form(max_length=MAX_ITEMS * MAX_ITEM_LENGTH * 2)] = "",
    term_days: Annotated[str, Form(max_length=10)] = "",
    message: Annotated[str, Form(max_length=MAX_MESSAGE * 2)] = "",
) -> Response:
    values = {"request_items": items, "request_term": term_days, "request_message": message}
    errors: dict[str, str] = {}
    wanted = _items(items)
    if not wanted:
        errors["request_items"] = "Schrijf op wat de inwoner moet sturen (één ding per regel)."
    elif len(wanted) > MAX_ITEMS:
        errors["request_items"] = f"Vraag hoogstens {MAX_ITEMS} dingen tegelijk op."
    elif any(len(item) > MAX_ITEM_LENGTH for item in wanted):
        errors["request_items"] = f"Een regel is hoogstens {MAX_ITEM_LENGTH} tekens."
    term = term_days.strip() or str(DEFAULT_TERM_DAYS)
    if not term.isdigit() or not 1 <= int(term) <= MAX_TERM_DAYS:
        errors["request_term"] = f"Geef de termijn in hele dagen, van 1 tot en met {MAX_TERM_DAYS}."
    if len(message.strip()) > MAX_MESSAGE:
        errors["request_message"] = f"Het bericht is hoogstens {MAX_MESSAGE} tekens."
    if errors:
        return await detail_page(
            request,
            staff,
            case_id,
            status_code=400,
            errors=errors,
            values=values,
            section_failures={SECTION: _NOT_REQUESTED},
        )
    body = {"items": wanted, "term_days": int(term), "message": message.strip() or None}
    answer = await call(
        request, staff, SERVICE, "POST", f"/cases/{case_id}/information-requests", body=body
    )
    if answer.ok:
        return _back(case_id, "opgevraagd")
    if answer.status == 422 and answer.field_problems:
        field = answer.field_problems[0][0].split(".")[0]
        where = {"items": "request_items", "term_days": "request_term"}.get(
            field, "request_message"
        )
        return await detail_page(
            request,
            staff,
            case_id,
            status_code=422,
            errors={where: "Deze invoer is niet geldig."},
            values=values,
            section_failures={SECTION: _NOT_REQUESTED},
        )
    return await detail_page(
        request,
        staff,
        case_id,
        status_code=_failed(answer.status),
        values=values,
        section_failures={SECTION: "De informatie is niet opgevraagd. " + _sentence(answer)},
    )


@router.get("/cases/{case_id}/besluitbrief")
async def decision_letter_pdf(
    request: Request, staff: CorrespondenceReader, case_id: uuid.UUID
) -> Response:
    """The decision letter exactly as "akkoord en verzenden" sends it, as a PDF."""
    answer = await call(request, staff, SERVICE, "GET", f"/cases/{case_id}/decision-letter")
    if answer.status == 422:
        raise PageNotFoundError
    data = answer.data if answer.ok and isinstance(answer.data, dict) else None
    pdf = decoded_pdf(data.get("pdf_base64") if data else None)
    if pdf is not None:
        return inline_pdf(pdf, f"besluitbrief-{case_id}.pdf")
    if data is not None:
        errors = [str(error) for error in data.get("errors") or [] if error]
        message = "De besluitbrief heeft (nog) geen PDF." + (
            " " + " ".join(errors) if errors else ""
        )
        status_code = 409
    else:
        message = _sentence(answer)
        status_code = _failed(answer.status)
    return render(
        request,
        "message.html",
        staff=staff,
        status_code=status_code,
        title="Besluitbrief niet beschikbaar",
        message=message,
    )


@router.post("/cases/{case_id}/besluitbrief/verzenden")
async def send_decision_letter(
    request: Request,
    staff: Decider,
    case_id: uuid.UUID,
    version_email: Annotated[str, Form(max_length=40)] = "",
    version_post: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """ "Akkoord en verzenden", with the template versions the preview showed: the service
    refuses (409) when a template changed since."""
    versions = {
        channel: value
        for channel, value in (("email", version_email), ("post", version_post))
        if _VERSION.fullmatch(value)
    }
    body = {"template_versions": versions} if versions else {}
    answer = await call(
        request, staff, SERVICE, "POST", f"/cases/{case_id}/decision-letter/send", body=body
    )
    if answer.ok:
        return _back(case_id, "besluitbrief")
    return await detail_page(
        request,
        staff,
        case_id,
        status_code=_failed(answer.status),
        section_failures={SECTION: f"{_NOT_SENT}. {_sentence(answer)}"},
    )


def _sentence(answer: Answer) -> str:
    """The service's own Dutch sentence (or the UI's), capitalised and ended."""
    if answer.status == 404 and not answer.unavailable_feature:
        text = answer.service_message or (
            "De correspondentiedienst kent deze case nog niet. Probeer het later opnieuw."
        )
    else:
        text = answer.message()
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else text + "."


def _failed(status: int) -> int:
    if status == 404:
        return 409
    return status if status >= 400 else 502


def _back(case_id: uuid.UUID, done: str) -> Response:
    return RedirectResponse(f"/ui/cases/{case_id}?gedaan={done}#{SECTION}", status_code=303)
