"""One case: household, status, history, memos, the handling actions, and the sections of
other services (documents, the advice: `sections`; the letters: `letters`). Their forms are
the screens of the owning feature (`gateway.documents.screens`, `gateway.assessment.screens`,
`gateway.correspondence.screens`)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from gateway.cases.screens import letters as case_letters
from gateway.cases.screens import sections as case_sections
from gateway.ui.backend import Answer, call
from gateway.ui.web import (
    CaseHandler,
    CaseReader,
    MemoWriter,
    PageNotFoundError,
    Staff,
    licence_of,
    render,
)
from servicekit.auth import Permission

router = APIRouter(prefix="/ui/cases", include_in_schema=False)

MAX_MEMO_LENGTH = 4000
MAX_REASON_LENGTH = 500
_DONE = {
    "memo": "De memo is toegevoegd.",
    "afwachting": "De case staat nu in afwachting.",
    "hervat": "De case is niet meer in afwachting.",
    "toegewezen": "De case is aan u toegewezen.",
    "vrijgegeven": "De case is niet meer toegewezen.",
    "status": "De status is gewijzigd.",
    "document": "Het document is toegevoegd.",
    "uitgenodigd": "Er is een nieuwe gegevenssessie bij Ockto gestart; een open uitnodiging is "
    "vervallen.",
    "besluit": "Het besluit is vastgelegd.",
    "opgevraagd": "Het verzoek om informatie is verstuurd; de termijn loopt.",
    "besluitbrief": "Akkoord gegeven: de besluitbrief wordt verzonden.",
}


def _is_case(data: object) -> bool:
    return (
        isinstance(data, dict)
        and isinstance(data.get("household"), dict)
        and "application_number" in data
    )


def _transitions(handling: dict[str, Any] | None) -> list[str]:
    """The statuses the role may move the case to now (`allowed_transitions` of the
    handling state), without the hold and its end: those have forms of their own."""
    if handling is None:
        return []
    allowed = handling.get("allowed_transitions")
    hold = handling.get("hold") if isinstance(handling.get("hold"), dict) else None
    back = hold.get("from_status") if hold else None
    return [
        status
        for status in (allowed if isinstance(allowed, list) else [])
        if isinstance(status, str) and status not in ("on_hold", back)
    ]


def _list(answer: Answer | None) -> tuple[list[Any], str]:
    """A list answer (a JSON list, or `{"items": [...]}`), or the message why it failed."""
    if answer is None:
        return [], ""
    if not answer.ok:
        return [], answer.message()
    data = answer.data
    items = data.get("items", []) if isinstance(data, dict) else data
    return (list(items) if isinstance(items, list) else []), ""


async def detail_page(
    request: Request,
    staff: Staff,
    case_id: uuid.UUID,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    failure: str = "",
    values: dict[str, Any] | None = None,
    section_failures: dict[str, str] | None = None,
) -> Response:
    """The case page; after a refused form, with its errors (per field), the values typed and
    a failure per section (`documenten`, `advies`) besides the page's own."""
    answer = await call(request, staff, "cases", "GET", f"/cases/{case_id}")
    if answer.status in (404, 422) and not answer.unavailable_feature:
        raise PageNotFoundError
    case = answer.data if answer.ok and _is_case(answer.data) else None
    handling: dict[str, Any] | None = None
    memos = history = None
    listed = assessed = None
    if case is not None:
        (state, memos, history), (listed, assessed) = await asyncio.gather(
            asyncio.gather(
                call(request, staff, "cases", "GET", f"/cases/{case_id}/handling"),
                call(request, staff, "cases", "GET", f"/cases/{case_id}/memos"),
                call(request, staff, "cases", "GET", f"/cases/{case_id}/history"),
            ),
            case_sections.load(
                request,
                staff,
                case_id,
                documents=staff.may(Permission.DOCUMENTS_READ),
                assessment=staff.may(Permission.ASSESSMENT_READ),
            ),
        )
        handling = state.data if state.ok and isinstance(state.data, dict) else None
    documents = case_sections.documents_of(staff, listed)
    assessment = case_sections.assessment_of(staff, assessed)
    assessment.version = await case_sections.parameter_version(request, staff, assessment)
    letters = (
        await case_letters.load(
            request, staff, case_id, municipality_code=str(case.get("municipality_code") or "")
        )
        if case is not None
        else case_letters.letters_of(staff, None)
    )
    memo_items, memo_error = _list(memos)
    history_items, history_error = _list(history)
    if history is not None and not history.ok and isinstance(case, dict):
        history_items, history_error = list(case.get("history") or []), ""
    hold = handling.get("hold") if handling and isinstance(handling.get("hold"), dict) else None
    # What this case's municipality's licence leaves out (for an ISD user: this case's, not the
    # ISD's), shown as "niet beschikbaar" with the reason instead of failing when used.
    held = (
        await licence_of(request, str(case["municipality_code"]))
        if isinstance(case, dict) and case.get("municipality_code")
        else None
    )
    done = _DONE.get(request.query_params.get("gedaan", ""), "")
    return render(
        request,
        "case.html",
        staff=staff,
        status_code=status_code,
        active="cases",
        case_id=str(case_id),
        case=case,
        case_error="" if case is not None else answer.message(),
        handling=handling or {},
        hold=hold,
        memos=memo_items,
        memo_error=memo_error,
        history=history_items,
        history_error=history_error,
        transitions=_transitions(handling),
        may_handle=staff.may(Permission.CASES_HANDLE),
        may_write_memos=staff.may(Permission.MEMOS_WRITE),
        me=staff.principal.subject,
        documents=documents,
        assessment=assessment,
        letters=letters,
        held=held,
        errors=errors or {},
        failure=failure,
        section_failures=section_failures or {},
        done=done,
        values=values or {},
    )


@router.get("/{case_id}")
async def case_detail(request: Request, staff: CaseReader, case_id: uuid.UUID) -> Response:
    return await detail_page(request, staff, case_id)


async def _act(
    request: Request,
    staff: Staff,
    case_id: uuid.UUID,
    *,
    method: str,
    path: str,
    body: dict[str, Any] | None,
    done: str,
    values: dict[str, str] | None = None,
    params: list[tuple[str, str]] | None = None,
) -> Response:
    """Call the service; back to the case with a message, or the case with what went wrong."""
    answer = await call(
        request, staff, "cases", method, f"/cases/{case_id}{path}", body=body, params=params or []
    )
    if answer.ok:
        return RedirectResponse(f"/ui/cases/{case_id}?gedaan={done}", status_code=303)
    return await detail_page(
        request,
        staff,
        case_id,
        status_code=answer.refusal_status,
        failure=answer.message(),
        values=values,
    )


@router.post("/{case_id}/memos")
async def add_memo(
    request: Request,
    staff: MemoWriter,
    case_id: uuid.UUID,
    text: Annotated[str, Form(max_length=MAX_MEMO_LENGTH * 2)] = "",
) -> Response:
    cleaned = text.strip()
    if not cleaned or len(cleaned) > MAX_MEMO_LENGTH:
        message = (
            "Schrijf de memo."
            if not cleaned
            else f"Een memo is hoogstens {MAX_MEMO_LENGTH} tekens lang."
        )
        return await detail_page(
            request,
            staff,
            case_id,
            status_code=400,
            errors={"text": message},
            values={"text": text},
        )
    return await _act(
        request,
        staff,
        case_id,
        method="POST",
        path="/memos",
        body={"text": cleaned, "corrects": None},
        done="memo",
        values={"text": text},
    )


@router.post("/{case_id}/afwachting")
async def put_on_hold(
    request: Request,
    staff: CaseHandler,
    case_id: uuid.UUID,
    reason: Annotated[str, Form(max_length=MAX_REASON_LENGTH * 2)] = "",
    until: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    errors = {}
    if not reason.strip() or len(reason.strip()) > MAX_REASON_LENGTH:
        errors["hold_reason"] = f"Geef een reden (hoogstens {MAX_REASON_LENGTH} tekens)."
    until_date = None
    if until.strip():
        try:
            until_date = date.fromisoformat(until.strip())
        except ValueError:
            errors["hold_until"] = "Vul een geldige datum in (dd-mm-jjjj)."
        else:
            if until_date < date.today():  # noqa: DTZ011 - a calendar date the user typed
                errors["hold_until"] = "Kies vandaag of een latere datum."
    values = {"hold_reason": reason, "hold_until": until}
    if errors:
        return await detail_page(
            request, staff, case_id, status_code=400, errors=errors, values=values
        )
    body: dict[str, Any] = {"reason": reason.strip()}
    if until_date is not None:
        body["until"] = until_date.isoformat()
    return await _act(
        request,
        staff,
        case_id,
        method="PUT",
        path="/hold",
        body=body,
        done="afwachting",
        values=values,
    )


@router.post("/{case_id}/afwachting/opheffen")
async def resume(
    request: Request,
    staff: CaseHandler,
    case_id: uuid.UUID,
    reason: Annotated[str, Form(max_length=MAX_REASON_LENGTH * 2)] = "",
) -> Response:
    cleaned = reason.strip()
    if len(cleaned) > MAX_REASON_LENGTH:
        return await detail_page(
            request,
            staff,
            case_id,
            status_code=400,
            errors={"resume_reason": f"Een reden is hoogstens {MAX_REASON_LENGTH} tekens lang."},
            values={"resume_reason": reason},
        )
    return await _act(
        request,
        staff,
        case_id,
        method="DELETE",
        path="/hold",
        body=None,
        params=[("reason", cleaned)] if cleaned else [],
        done="hervat",
        values={"resume_reason": reason},
    )


@router.post("/{case_id}/toewijzen")
async def assign_to_me(request: Request, staff: CaseHandler, case_id: uuid.UUID) -> Response:
    return await _act(
        request,
        staff,
        case_id,
        method="PUT",
        path="/assignee",
        body={"assignee": "me"},
        done="toegewezen",
    )


@router.post("/{case_id}/vrijgeven")
async def unassign(request: Request, staff: CaseHandler, case_id: uuid.UUID) -> Response:
    return await _act(
        request,
        staff,
        case_id,
        method="PUT",
        path="/assignee",
        body={"assignee": None},
        done="vrijgegeven",
    )


@router.post("/{case_id}/status")
async def change_status(
    request: Request,
    staff: CaseHandler,
    case_id: uuid.UUID,
    to_status: Annotated[str, Form(max_length=64)] = "",
    reason: Annotated[str, Form(max_length=MAX_REASON_LENGTH * 2)] = "",
) -> Response:
    errors = {}
    if not to_status.strip():
        errors["to_status"] = "Kies een nieuwe status."
    if not reason.strip() or len(reason.strip()) > MAX_REASON_LENGTH:
        errors["reason"] = f"Geef een reden (hoogstens {MAX_REASON_LENGTH} tekens)."
    values = {"to_status": to_status, "reason": reason}
    if errors:
        return await detail_page(
            request, staff, case_id, status_code=400, errors=errors, values=values
        )
    return await _act(
        request,
        staff,
        case_id,
        method="POST",
        path="/transitions",
        body={"to": to_status.strip(), "reason": reason.strip()},
        done="status",
        values=values,
    )
