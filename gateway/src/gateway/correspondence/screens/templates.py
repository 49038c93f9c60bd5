"""Sjablonen: a municipality's letter and e-mail templates per kind and channel, and the editor
(functioneel beheerder): subject and body with `$VELD$` merge fields, a preview on a real case
of the municipality, saving a new version, and a Word letter (.docx) for the post channel.

The correspondence service owns the templates: it checks every save in its sandbox and refuses
in Dutch (an unknown merge field is named); that sentence is shown next to the field. The
preview is the service's rendering of the (unsaved) text on the chosen case: its HTML is shown
in a sandboxed frame, its PDF is fetched by posting the same form again.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData, UploadFile

from contracts.correspondence import Channel, LetterKind
from contracts.vocabulary import CHANNEL_LABEL, LETTER_KIND_LABEL
from gateway.cases.screens.letters import SERVICE
from gateway.correspondence.screens.pdf import decoded_pdf, inline_pdf
from gateway.settings import settings_of
from gateway.ui.backend import Answer, call
from gateway.ui.web import (
    PageNotFoundError,
    Staff,
    choose_municipality,
    municipalities_of,
    render,
    require,
)
from servicekit.auth import Permission

router = APIRouter(prefix="/ui/sjablonen", include_in_schema=False)

TemplateReader = Annotated[Staff, Depends(require(Permission.TEMPLATES_READ))]
TemplateManager = Annotated[Staff, Depends(require(Permission.TEMPLATES_MANAGE))]
Code = Annotated[str, Path(pattern=r"^[0-9]{4}$")]
Kind = LetterKind

MAX_SUBJECT = 300
MAX_BODY = 256 * 1024
MAX_DOCX = 10 * 1024 * 1024
_CHUNK = 256 * 1024
_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{2,40}$")
_NOT_SAVED = "Het sjabloon is niet opgeslagen."
# The preview's HTML is shown in a sandboxed frame of this page, under this page's policy
# (styles from this site only): its inlined styles would only be refused, one console error
# each. The PDF shows the letter as it is laid out.
_STYLE_ELEMENT = re.compile(r"<style\b[^>]*>.*?</style\s*>", re.IGNORECASE | re.DOTALL)
_STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""", re.IGNORECASE)
_DONE = {
    "opgeslagen": "Het sjabloon is opgeslagen als nieuwe versie.",
    "word": "De Word-brief is opgeslagen als nieuwe versie.",
}


async def _name_of(request: Request, staff: Staff, code: str) -> str:
    names = dict(await municipalities_of(request, staff))
    if code not in names:
        raise PageNotFoundError
    return names[code]


def _dicts(value: object) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


@router.get("")
async def choose(request: Request, staff: TemplateReader) -> Response:
    return await choose_municipality(
        request, staff, path="/ui/sjablonen", template="templates_choose.html", active="sjablonen"
    )


@router.get("/{code}")
async def template_list(request: Request, staff: TemplateReader, code: Code) -> Response:
    name = await _name_of(request, staff, code)
    answer = await call(request, staff, SERVICE, "GET", f"/municipalities/{code}/templates")
    found = {
        (str(item.get("kind")), str(item.get("channel"))): item for item in _dicts(answer.data)
    }
    rows = [
        {
            "kind": kind,
            "kind_label": label,
            "cells": [
                {
                    "channel": channel,
                    "channel_label": channel_label,
                    "version": (found.get((kind, channel)) or {}).get("version"),
                    "format": (found.get((kind, channel)) or {}).get("format") or "html",
                    "created_at": (found.get((kind, channel)) or {}).get("created_at"),
                    "created_by": (found.get((kind, channel)) or {}).get("created_by") or "",
                }
                for channel, channel_label in CHANNEL_LABEL.items()
            ],
        }
        for kind, label in LETTER_KIND_LABEL.items()
    ]
    return render(
        request,
        "templates_list.html",
        staff=staff,
        active="sjablonen",
        code=code,
        name=name,
        rows=rows if answer.ok else [],
        error="" if answer.ok else answer.message(),
        channels=CHANNEL_LABEL,
        may_manage=staff.may(Permission.TEMPLATES_MANAGE),
    )


async def _editor(
    request: Request,
    staff: Staff,
    code: str,
    kind: str,
    channel: str,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    failure: str = "",
    preview: dict[str, Any] | None = None,
) -> Response:
    name = await _name_of(request, staff, code)
    base = f"/municipalities/{code}/templates/{kind}/{channel}"
    current = await call(request, staff, SERVICE, "GET", base)
    fields = await call(request, staff, SERVICE, "GET", "/merge-fields")
    versions = await call(request, staff, SERVICE, "GET", f"{base}/versions")
    template = current.data if current.ok and isinstance(current.data, dict) else None
    entered = dict(values or {})
    if template is not None:
        entered.setdefault("subject", str(template.get("subject") or ""))
        entered.setdefault("body", str(template.get("body") or ""))
    done = _DONE.get(request.query_params.get("gedaan", ""), "")
    return render(
        request,
        "template_edit.html",
        staff=staff,
        status_code=status_code,
        active="sjablonen",
        code=code,
        name=name,
        kind=kind,
        kind_label=LETTER_KIND_LABEL[kind],
        channel=channel,
        channel_label=CHANNEL_LABEL[channel],
        current=template,
        current_error="" if template is not None else current.message(),
        merge_fields=_dicts(fields.data) if fields.ok else [],
        fields_error="" if fields.ok else fields.message(),
        versions=sorted(_dicts(versions.data), key=lambda item: -int(item.get("version") or 0))
        if versions.ok
        else [],
        may_manage=staff.may(Permission.TEMPLATES_MANAGE),
        values=entered,
        errors=errors or {},
        failure=failure,
        done=done,
        preview=preview,
        max_docx_mb=MAX_DOCX // (1024 * 1024),
    )


@router.get("/{code}/{kind}/{channel}")
async def edit(
    request: Request, staff: TemplateReader, code: Code, kind: Kind, channel: Channel
) -> Response:
    return await _editor(request, staff, code, kind, channel)


def _save_refusal(answer: Answer) -> tuple[dict[str, str], str]:
    """The refusal next to its field: the sandbox's Dutch sentence belongs to the text."""
    if answer.status == 422 and answer.field_problems:
        errors: dict[str, str] = {}
        for name, _ in answer.field_problems:
            where = "subject" if name.startswith("subject") else "body"
            errors[where] = (
                f"Het onderwerp is verplicht en hoogstens {MAX_SUBJECT} tekens."
                if where == "subject"
                else "De tekst is niet geldig."
            )
        return errors, _NOT_SAVED
    if answer.status in (413, 422) and answer.service_message:
        return {"body": answer.service_message}, _NOT_SAVED
    return {}, f"{_NOT_SAVED} {answer.message()}"


@router.post("/{code}/{kind}/{channel}")
async def save(
    request: Request,
    staff: TemplateManager,
    code: Code,
    kind: Kind,
    channel: Channel,
    subject: Annotated[str, Form(max_length=MAX_SUBJECT * 4)] = "",
    body: Annotated[str, Form(max_length=MAX_BODY * 2)] = "",
    case: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    await _name_of(request, staff, code)
    values = {"subject": subject, "body": body, "case": case}
    errors: dict[str, str] = {}
    if not subject.strip():
        errors["subject"] = "Schrijf het onderwerp."
    elif len(subject.strip()) > MAX_SUBJECT:
        errors["subject"] = f"Het onderwerp is hoogstens {MAX_SUBJECT} tekens."
    if not body.strip():
        errors["body"] = "Schrijf de tekst van het sjabloon."
    if errors:
        return await _editor(
            request,
            staff,
            code,
            kind,
            channel,
            status_code=400,
            errors=errors,
            values=values,
            failure=_NOT_SAVED,
        )
    path = f"/municipalities/{code}/templates/{kind}/{channel}"
    answer = await call(
        request, staff, SERVICE, "PUT", path, body={"subject": subject.strip(), "body": body}
    )
    if answer.ok:
        return RedirectResponse(
            f"/ui/sjablonen/{code}/{kind}/{channel}?gedaan=opgeslagen", status_code=303
        )
    field_errors, message = _save_refusal(answer)
    return await _editor(
        request,
        staff,
        code,
        kind,
        channel,
        status_code=answer.refusal_status,
        errors=field_errors,
        values=values,
        failure=message,
    )


async def _case_id(request: Request, staff: Staff, code: str, given: str) -> uuid.UUID | str:
    """The case chosen for the preview (an id, or an application number looked up in the
    cases service within the municipality), or the Dutch reason it was not found."""
    text = given.strip()
    if not text:
        return "Kies een case van deze gemeente: vul het aanvraagnummer of de case-id in."
    try:
        return uuid.UUID(text)
    except ValueError:
        pass
    if not _NUMBER.fullmatch(text):
        return "Vul een aanvraagnummer (zoals GV-2026-0001234) of een case-id in."
    answer = await call(
        request,
        staff,
        "cases",
        "GET",
        "/cases",
        params=[("q", text), ("municipality", code), ("limit", "5")],
    )
    if not answer.ok:
        return answer.message()
    items = answer.data.get("items") if isinstance(answer.data, dict) else answer.data
    for item in _dicts(items):
        if str(item.get("application_number") or "").lower() == text.lower() and item.get("id"):
            return uuid.UUID(str(item["id"]))
    return f"Geen case met nummer {text} bij deze gemeente."


async def _preview(
    request: Request,
    staff: Staff,
    code: str,
    kind: str,
    channel: str,
    form: dict[str, str],
) -> tuple[dict[str, Any] | None, dict[str, str], str]:
    """(the preview, field errors, message) for the form's case and (unsaved) text."""
    found = await _case_id(request, staff, code, form.get("case", ""))
    if isinstance(found, str):
        return None, {"case": found}, "Er is geen voorbeeld gemaakt."
    body: dict[str, Any] = {"case_id": str(found)}
    if staff.may(Permission.TEMPLATES_MANAGE) and form.get("body", "").strip():
        body["body"] = form["body"]
        if form.get("subject", "").strip():
            body["subject"] = form["subject"].strip()
    path = f"/municipalities/{code}/templates/{kind}/{channel}/preview"
    answer = await call(request, staff, SERVICE, "POST", path, body=body)
    if answer.ok and isinstance(answer.data, dict):
        return answer.data, {}, ""
    if answer.status == 404 and not answer.unavailable_feature:
        return None, {"case": "Deze case hoort niet bij deze gemeente (of is onbekend)."}, ""
    if answer.status == 422 and answer.service_message:
        return None, {"body": answer.service_message}, "Er is geen voorbeeld gemaakt."
    return None, {}, "Er is geen voorbeeld gemaakt. " + answer.message()


def _without_styles(html: str) -> str:
    return _STYLE_ATTRIBUTE.sub("", _STYLE_ELEMENT.sub("", html))


@router.post("/{code}/{kind}/{channel}/voorbeeld")
async def preview(
    request: Request,
    staff: TemplateReader,
    code: Code,
    kind: Kind,
    channel: Channel,
    subject: Annotated[str, Form(max_length=MAX_SUBJECT * 4)] = "",
    body: Annotated[str, Form(max_length=MAX_BODY * 2)] = "",
    case: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    await _name_of(request, staff, code)
    form = {"subject": subject, "body": body, "case": case}
    shown, errors, message = await _preview(request, staff, code, kind, channel, form)
    values = dict(form) if staff.may(Permission.TEMPLATES_MANAGE) else {"case": case}
    if shown is not None:
        shown = {
            "subject": str(shown.get("subject") or ""),
            "html": _without_styles(str(shown.get("html") or "")),
            "text": str(shown.get("text") or ""),
            "has_pdf": bool(shown.get("pdf_base64")),
            "unsaved": "body" in values and bool(body.strip()),
        }
    return await _editor(
        request,
        staff,
        code,
        kind,
        channel,
        status_code=200 if shown is not None else 422,
        errors=errors,
        values=values,
        failure=message,
        preview=shown,
    )


@router.post("/{code}/{kind}/{channel}/voorbeeld.pdf")
async def preview_pdf(
    request: Request,
    staff: TemplateReader,
    code: Code,
    kind: Kind,
    channel: Channel,
    subject: Annotated[str, Form(max_length=MAX_SUBJECT * 4)] = "",
    body: Annotated[str, Form(max_length=MAX_BODY * 2)] = "",
    case: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """The same preview as a PDF (the form posted again), shown in the browser."""
    await _name_of(request, staff, code)
    form = {"subject": subject, "body": body, "case": case}
    shown, errors, message = await _preview(request, staff, code, kind, channel, form)
    pdf = decoded_pdf(shown.get("pdf_base64") if shown else None)
    if pdf is not None:
        return inline_pdf(pdf, f"voorbeeld-{kind}-{channel}.pdf")
    reason = " ".join(errors.values()) or message or "Deze voorvertoning heeft geen PDF."
    return render(
        request,
        "message.html",
        staff=staff,
        status_code=422,
        title="Geen PDF van het voorbeeld",
        message=reason,
    )


async def _multipart(boundary: str, subject: str, upload: UploadFile) -> AsyncIterator[bytes]:
    """The form for the service: the subject, then the Word file in chunks."""
    yield (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="subject"\r\n'
            "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        ).encode()
        + subject.encode()
        + b"\r\n"
    )
    name = (upload.filename or "brief.docx").replace('"', "%22").replace("\r", "")
    name = name.replace("\n", "").replace("\\", "")
    yield (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        "\r\n\r\n"
    ).encode()
    await upload.seek(0)
    while chunk := await upload.read(_CHUNK):
        yield chunk
    yield f"\r\n--{boundary}--\r\n".encode()


@router.post("/{code}/{kind}/post/word")
async def upload_word(request: Request, staff: TemplateManager, code: Code, kind: Kind) -> Response:
    await _name_of(request, staff, code)
    form = await request.form(max_files=1, max_fields=5, max_part_size=MAX_DOCX + 1)
    try:
        return await _upload_word(request, staff, code, kind, form)
    finally:
        await form.close()


async def _upload_word(
    request: Request, staff: Staff, code: str, kind: str, form: FormData
) -> Response:
    settings = settings_of(request)
    file = form.get("file")
    subject = str(form.get("word_subject") or "").strip()
    errors: dict[str, str] = {}
    if not isinstance(file, UploadFile) or not file.filename or not file.size:
        errors["word_file"] = "Kies een Word-bestand (.docx) dat niet leeg is."
    elif not file.filename.lower().endswith(".docx"):
        errors["word_file"] = "Alleen een Word-bestand (.docx) kan een briefsjabloon zijn."
    elif file.size > MAX_DOCX:
        errors["word_file"] = f"Het bestand is groter dan {MAX_DOCX // (1024 * 1024)} MB."
    if len(subject) > MAX_SUBJECT:
        errors["word_subject"] = f"Het onderwerp is hoogstens {MAX_SUBJECT} tekens."
    if errors or not isinstance(file, UploadFile):
        return await _editor(
            request,
            staff,
            code,
            kind,
            "post",
            status_code=400,
            errors=errors,
            values={"word_subject": subject},
            failure="De Word-brief is niet opgeslagen.",
        )
    boundary = "ui-" + secrets.token_hex(16)
    answer = await call(
        request,
        staff,
        SERVICE,
        "PUT",
        f"/municipalities/{code}/templates/{kind}/post",
        content=_multipart(boundary, subject, file),
        content_type=f"multipart/form-data; boundary={boundary}",
        timeout_seconds=settings.documents_upload_timeout_seconds,
    )
    if answer.ok:
        return RedirectResponse(f"/ui/sjablonen/{code}/{kind}/post?gedaan=word", status_code=303)
    sentence = answer.service_message if answer.status in (413, 415, 422) else ""
    return await _editor(
        request,
        staff,
        code,
        kind,
        "post",
        status_code=answer.refusal_status,
        errors={"word_file": sentence} if sentence else {},
        values={"word_subject": subject},
        failure="De Word-brief is niet opgeslagen." + ("" if sentence else " " + answer.message()),
    )
