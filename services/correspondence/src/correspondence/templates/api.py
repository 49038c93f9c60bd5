"""Template routes: the merge-field list, versions per kind and channel, save, preview."""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter, HTTPException, Request, status
from starlette.datastructures import UploadFile

from contracts.vocabulary import CHANNEL_LABEL, LETTER_KIND_LABEL
from correspondence.access import Designer, TemplateReader
from correspondence.rendering.compose import Renderer, pdf_base64
from correspondence.rendering.office import OfficeUnavailableError
from correspondence.scope import (
    clock_of,
    municipality_name,
    settings_of,
    state,
    visible_case,
    visible_municipality,
)
from correspondence.templates import defaults, repository, service
from correspondence.templates.fields import FIELDS
from correspondence.templates.models import TemplateVersion
from correspondence.templates.preview import render_preview
from correspondence.templates.sandbox import TemplateProblem, fields_in
from correspondence.templates.schemas import (
    ChannelName,
    Kind,
    MergeFieldOut,
    PreviewIn,
    PreviewOut,
    TemplateIn,
    TemplateOut,
)
from servicekit.http import DbSession

router = APIRouter(tags=["templates"])
_DOCX_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/octet-stream",
}


@router.get("/merge-fields", response_model=list[MergeFieldOut])
async def merge_fields(principal: TemplateReader) -> list[MergeFieldOut]:
    """Every field a template may use, for the editor's list (`$VELD$`)."""
    return [
        MergeFieldOut(
            name=f.name, placeholder=f"${f.name}$", description=f.description, example=f.example
        )
        for f in FIELDS
    ]


def _virtual_default(code: str, kind: str, channel: str) -> TemplateOut:
    template = defaults.default(kind, channel)
    return TemplateOut(
        id=uuid.UUID(int=0),
        municipality_code=code,
        kind=kind,
        kind_label=LETTER_KIND_LABEL[kind],
        channel=channel,
        channel_label=CHANNEL_LABEL[channel],
        version=0,
        format="html",
        subject=template.subject,
        body=template.body,
        file_name=None,
        fields=sorted(fields_in(template.body)),
        is_default=True,
        created_by="system",
        created_at=datetime(2026, 1, 1).astimezone(),
    )


@router.get("/municipalities/{code}/templates", response_model=list[TemplateOut])
async def list_templates(
    code: str, principal: TemplateReader, session: DbSession
) -> list[TemplateOut]:
    """The template in use for every kind and channel (version 0: the default, never saved)."""
    await visible_municipality(session, principal, code)
    stored = {
        (t.kind, t.channel): t for t in await repository.latest_of_municipality(session, code)
    }
    return [
        TemplateOut.of(stored[(kind, channel)])
        if (kind, channel) in stored
        else _virtual_default(code, kind, channel)
        for kind in defaults.KINDS
        for channel in defaults.CHANNELS
    ]


@router.get("/municipalities/{code}/templates/{kind}/{channel}", response_model=TemplateOut)
async def get_template(
    code: str, kind: Kind, channel: ChannelName, principal: TemplateReader, session: DbSession
) -> TemplateOut:
    await visible_municipality(session, principal, code)
    found = await repository.latest(session, code=code, kind=kind, channel=channel)
    return TemplateOut.of(found) if found else _virtual_default(code, kind, channel)


@router.get(
    "/municipalities/{code}/templates/{kind}/{channel}/versions", response_model=list[TemplateOut]
)
async def template_versions(
    code: str, kind: Kind, channel: ChannelName, principal: TemplateReader, session: DbSession
) -> list[TemplateOut]:
    await visible_municipality(session, principal, code)
    rows = await repository.versions(session, code=code, kind=kind, channel=channel)
    return [TemplateOut.of(row) for row in rows]


@router.put(
    "/municipalities/{code}/templates/{kind}/{channel}",
    response_model=TemplateOut,
    status_code=status.HTTP_201_CREATED,
    responses={
        415: {"description": "not JSON and not a multipart .docx upload"},
        422: {"description": "refused, with the reason in Dutch (unknown field, syntax, ...)"},
    },
)
async def put_template(
    code: str,
    kind: Kind,
    channel: ChannelName,
    request: Request,
    principal: Designer,
    session: DbSession,
) -> TemplateOut:
    """Save a new version: JSON `{"subject", "body"}` from the editor, or multipart `file`
    (a Word letter, .docx; letters only) with `subject`."""
    await visible_municipality(session, principal, code)
    settings, now = settings_of(request), clock_of(request).now()
    content_type = request.headers.get("content-type", "")
    try:
        if content_type.startswith("multipart/form-data"):
            if channel != "post":
                raise TemplateProblem("Een Word-document kan alleen een brief zijn, geen e-mail.")
            form = await request.form(
                max_files=1, max_fields=5, max_part_size=settings.docx_max_bytes + 1
            )
            try:
                upload = form.get("file")
                if not isinstance(upload, UploadFile):
                    raise TemplateProblem("Kies een Word-bestand (.docx) om te uploaden.")
                name = upload.filename or "brief.docx"
                if name.lower().endswith(".docm"):
                    raise TemplateProblem(
                        "Het Word-document bevat macro's (.docm). Dat is niet toegestaan."
                    )
                data = await upload.read(settings.docx_max_bytes + 1)
                subject = str(form.get("subject") or defaults.default(kind, "post").subject)
            finally:
                await form.close()
            saved = await service.save_docx(
                session,
                code=code,
                kind=kind,
                subject=subject,
                data=data,
                file_name=name,
                actor=principal.subject,
                now=now,
                max_bytes=settings.docx_max_bytes,
                max_unpacked=settings.docx_max_unpacked_bytes,
            )
        elif content_type.startswith("application/json"):
            raw = await request.body()
            if len(raw) > settings.template_max_bytes + 4096:
                raise TemplateProblem(
                    f"Het sjabloon is te groot; de grens is {settings.template_max_bytes // 1024} KB."
                )
            body = TemplateIn.model_validate_json(raw)
            saved = await service.save_html(
                session,
                code=code,
                kind=kind,
                channel=channel,
                subject=body.subject,
                body=body.body,
                actor=principal.subject,
                now=now,
                max_bytes=settings.template_max_bytes,
                max_seconds=settings.render_max_seconds,
            )
        else:
            raise HTTPException(
                status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                "stuur JSON (subject, body) of een multipart-upload van een .docx",
            )
    except TemplateProblem as problem:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(problem)) from None
    return TemplateOut.of(saved)


@router.post(
    "/municipalities/{code}/templates/{kind}/{channel}/preview",
    response_model=PreviewOut,
    responses={404: {"description": "the case is not of this municipality (or not yours)"}},
)
async def preview_template(
    code: str,
    kind: Kind,
    channel: ChannelName,
    body: PreviewIn,
    request: Request,
    principal: TemplateReader,
    session: DbSession,
) -> PreviewOut:
    """The template filled with a real case of the municipality: PDF, HTML and text. An unsaved
    `body` previews the editor's text without saving it (live preview)."""
    tenant = await visible_municipality(session, principal, code)
    case = await visible_case(session, principal, body.case_id)
    if case.municipality_code != code:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "zaak niet gevonden bij deze gemeente")
    settings, now = settings_of(request), clock_of(request).now()
    unsaved = None
    if body.body is not None:
        try:
            used = fields_in(body.body)
            from correspondence.templates import sandbox

            sandbox.check(body.body, max_bytes=settings.template_max_bytes)
        except TemplateProblem as problem:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(problem)) from None
        unsaved = TemplateVersion(
            id=None,
            municipality_code=code,
            kind=kind,
            channel=channel,
            version=0,
            format="html",
            subject=body.subject or defaults.default(kind, channel).subject,
            body=body.body,
            fields=sorted(used),
            is_default=False,
            created_by=principal.subject,
            created_at=now,
        )
    renderer: Renderer = state(request, "renderer")
    output, versions = await render_preview(
        session,
        renderer=renderer,
        case=case,
        municipality_name=municipality_name(tenant),
        kind=kind,
        channel=channel,
        now=now,
        unsaved=unsaved,
        with_pdf=True,
    )
    if output.error:
        status_code = status.HTTP_503_SERVICE_UNAVAILABLE if output.retryable else 422
        raise HTTPException(status_code, output.error)
    return PreviewOut(
        case_id=case.case_id,
        template_version_id=versions.get(channel),
        subject=output.subject,
        html=output.html or output.fragment or "",
        text=output.text or "",
        pdf_base64=pdf_base64(output.pdf),
    )


__all__ = ["OfficeUnavailableError", "router"]
