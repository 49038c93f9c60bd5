"""Routes of a case's letters: the list (status, errors, bounces, schedules), the content,
and the decision letter's preview and "akkoord en verzenden"."""

from __future__ import annotations

import uuid
from typing import Literal

from fastapi import APIRouter, HTTPException, Request, Response, status

from correspondence.access import Decider, Reader
from correspondence.letters import repository
from correspondence.letters.schemas import (
    BounceOut,
    CaseCorrespondence,
    DecisionLetterOut,
    LetterOut,
    ScheduleOut,
    SendDecisionIn,
)
from correspondence.letters.service import queue
from correspondence.rendering.compose import Renderer, pdf_base64
from correspondence.schedules import repository as schedules
from correspondence.scope import clock_of, municipality_name, state, visible_case
from correspondence.templates.preview import render_preview
from servicekit.http import DbSession, correlation_id_of
from servicekit.tenants import get_tenant

router = APIRouter(tags=["letters"])
NO_DRAFT = "Er is geen besluitbrief die op akkoord wacht voor deze zaak."


@router.get("/cases/{case_id}/correspondence", response_model=CaseCorrespondence)
async def case_correspondence(
    case_id: uuid.UUID, principal: Reader, session: DbSession
) -> CaseCorrespondence:
    """Every letter and e-mail of the case with its status and error, bounces, and schedules."""
    await visible_case(session, principal, case_id)
    return CaseCorrespondence(
        case_id=case_id,
        letters=[LetterOut.of(row) for row in await repository.of_case(session, case_id)],
        bounces=[BounceOut.of(row) for row in await repository.bounces_of_case(session, case_id)],
        schedules=[
            ScheduleOut(
                id=s.id,
                kind=s.kind,
                due_at=s.due_at,
                status=s.status,
                outcome=s.outcome,
                request_id=s.request_id,
            )
            for s in await schedules.of_case(session, case_id)
        ],
    )


@router.get(
    "/correspondence/{letter_id}/content",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}, "text/html": {}, "text/plain": {}}}},
)
async def letter_content(
    letter_id: uuid.UUID,
    principal: Reader,
    session: DbSession,
    format: Literal["pdf", "html", "text"] = "pdf",
) -> Response:
    """The letter as PDF (default), or the e-mail's HTML or text part."""
    letter = await repository.get(session, letter_id, content=True)
    if letter is None or not principal.may_see(letter.municipality_code):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "brief niet gevonden")
    if format == "pdf" and letter.pdf:
        name = f"brief-{letter.kind}-{str(letter.id)[:8]}.pdf"
        return Response(
            letter.pdf,
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="{name}"'},
        )
    if format == "html" and letter.html:
        return Response(letter.html, media_type="text/html; charset=utf-8")
    if format == "text" and letter.text_body:
        return Response(letter.text_body, media_type="text/plain; charset=utf-8")
    raise HTTPException(status.HTTP_404_NOT_FOUND, "deze brief heeft (nog) geen inhoud in die vorm")


@router.get("/cases/{case_id}/decision-letter", response_model=DecisionLetterOut)
async def decision_letter(
    case_id: uuid.UUID, request: Request, principal: Reader, session: DbSession
) -> DecisionLetterOut:
    """The decision letter for the beslisser's preview: exactly what "akkoord en verzenden" sends."""
    case = await visible_case(session, principal, case_id)
    letters = await repository.draft_decision(session, case_id) or await repository.latest_decision(
        session, case_id
    )
    if not letters:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Er is (nog) geen besluit voor deze zaak.")
    cause = letters[0].cause
    letters = [letter for letter in letters if letter.cause == cause]
    first = next((letter for letter in letters if letter.channel == "email"), letters[0])
    tenant = await get_tenant(session, case.municipality_code)
    renderer: Renderer = state(request, "renderer")
    output, versions = await render_preview(
        session,
        renderer=renderer,
        case=case,
        municipality_name=municipality_name(tenant)
        if tenant
        else f"Gemeente {case.municipality_code}",
        kind=first.kind,
        channel=first.channel,
        now=clock_of(request).now(),
        letter_values=first.values or {},
    )
    errors = [letter.last_error for letter in letters if letter.last_error]
    if output.error:
        errors.append(output.error)
    return DecisionLetterOut(
        case_id=case_id,
        kind=first.kind,
        status="draft" if all(letter.status == "draft" for letter in letters) else first.status,
        letter_ids=[letter.id for letter in letters],
        channels=[letter.channel for letter in letters],
        subject=output.subject,
        html=output.html or output.fragment or "",
        text=output.text or "",
        pdf_base64=pdf_base64(output.pdf),
        template_versions=versions,
        errors=errors,
    )


@router.post(
    "/cases/{case_id}/decision-letter/send",
    response_model=list[LetterOut],
    status_code=status.HTTP_202_ACCEPTED,
    responses={409: {"description": "no draft waiting, or a template changed since the preview"}},
)
async def send_decision_letter(
    case_id: uuid.UUID,
    request: Request,
    principal: Decider,
    session: DbSession,
    body: SendDecisionIn | None = None,
) -> list[LetterOut]:
    """ "Akkoord en verzenden": the drafted decision letter goes (by the contact rules)."""
    await visible_case(session, principal, case_id)
    drafts = await repository.draft_decision(session, case_id)
    if not drafts:
        raise HTTPException(status.HTTP_409_CONFLICT, NO_DRAFT)
    cause = drafts[0].cause
    drafts = [letter for letter in drafts if letter.cause == cause]
    if body is not None and body.template_versions is not None:
        from correspondence.templates import repository as templates

        for channel, expected in body.template_versions.items():
            latest = await templates.latest(
                session, code=drafts[0].municipality_code, kind=drafts[0].kind, channel=channel
            )
            if expected is not None and latest is not None and latest.id != expected:
                raise HTTPException(
                    status.HTTP_409_CONFLICT,
                    "Het sjabloon is gewijzigd sinds de voorvertoning. Bekijk de brief opnieuw.",
                )
        for letter in drafts:
            letter.template_version_id = (
                body.template_versions.get("email") if letter.channel == "email" else None
            )
            letter.pdf_template_version_id = body.template_versions.get("post")
    for letter in drafts:
        letter.approved_by = principal.subject
    await queue(session, drafts, correlation_id=correlation_id_of(request))
    return [LetterOut.of(letter) for letter in drafts]
