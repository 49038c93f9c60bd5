"""The case's Rechtmatigheidsadvies: start a data session by hand ("Opnieuw uitnodigen") and
a beslisser's decision.

The assessment service enforces the decision's rules (the fixed reasons, the text of an
adjusted reason, a motivation when the decision differs from the advice, four eyes); its
refusals are shown next to the field they name, with its codes in Dutch words.
"""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from gateway.cases.screens.detail import detail_page
from gateway.ui.backend import Answer, call
from gateway.ui.labels import REJECTION_REASONS
from gateway.ui.web import AssessmentPreparer, Decider

router = APIRouter(prefix="/ui/cases", include_in_schema=False)

MAX_CUSTOM_REASON = 2000
MAX_MOTIVATION = 5000
_NOT_RECORDED = "Het besluit is niet vastgelegd. Controleer de gemarkeerde velden."
_FIELDS = {
    "outcome": "decision_outcome",
    "reasons": "decision_reasons",
    "custom_reason": "custom_reason",
    "motivation": "motivation",
}
_PREFIX = re.compile(r"^(outcome|reasons|custom_reason|motivation)\s*:\s*(.+)$", re.DOTALL)
_WORDS = (
    (re.compile(r"\bincome_too_high\b"), "inkomen te hoog"),
    (re.compile(r"\bassets_too_high\b"), "vermogen te hoog"),
    (re.compile(r"\bcustom\b"), "aangepast"),
    (re.compile(r"\(grant\)"), "(toekennen)"),
    (re.compile(r"\(investigate\)"), "(onderzoeken)"),
    (re.compile(r"\(reject\)"), "(afwijzen)"),
)


def in_words(message: str) -> str:
    """The service's sentence with its codes in the words of the screen, capitalised."""
    for code, words in _WORDS:
        message = code.sub(words, message)
    message = message.strip()
    return message[:1].upper() + message[1:] + ("" if message.endswith((".", "?", "!")) else ".")


def _refusal(answer: Answer) -> tuple[dict[str, str], str]:
    """The field errors and the message above the form, from the service's refusal."""
    detail = answer.service_message
    found = _PREFIX.match(detail.lower()[:1] + detail[1:]) if detail else None
    if answer.status == 422 and found:
        return {_FIELDS[found.group(1)]: in_words(found.group(2))}, _NOT_RECORDED
    if answer.status == 422 and answer.field_problems:
        errors = {
            _FIELDS.get(name.split(".")[0], "decision_outcome"): "Deze keuze is niet geldig."
            for name, _ in answer.field_problems
        }
        return errors, _NOT_RECORDED
    if answer.status in (403, 409) and detail:
        return {}, "Het besluit is niet vastgelegd: " + in_words(detail)
    return {}, "Het besluit is niet vastgelegd. " + answer.message()


@router.post("/{case_id}/uitnodigen")
async def start_data_session(
    request: Request, staff: AssessmentPreparer, case_id: uuid.UUID
) -> Response:
    answer = await call(request, staff, "assessment", "POST", f"/cases/{case_id}/data-sessions")
    if answer.ok:
        return RedirectResponse(f"/ui/cases/{case_id}?gedaan=uitgenodigd", status_code=303)
    if answer.status in (404, 422) and not answer.unavailable_feature:
        message = "De rechtmatigheidsdienst kent deze case nog niet. Probeer het later opnieuw."
    else:
        message = answer.message()
    return await detail_page(
        request,
        staff,
        case_id,
        status_code=409 if answer.status in (404, 422) else max(answer.status, 400),
        section_failures={"advies": "Opnieuw uitnodigen is niet gelukt: " + message},
    )


@router.post("/{case_id}/besluit")
async def decide(
    request: Request,
    staff: Decider,
    case_id: uuid.UUID,
    outcome: Annotated[str, Form(max_length=20)] = "",
    reasons: Annotated[list[str] | None, Form(max_length=40)] = None,
    custom_reason: Annotated[str, Form(max_length=MAX_CUSTOM_REASON * 2)] = "",
    motivation: Annotated[str, Form(max_length=MAX_MOTIVATION * 2)] = "",
) -> Response:
    chosen = [reason for reason in reasons or [] if reason]
    values: dict[str, Any] = {
        "decision_outcome": outcome,
        "decision_reasons": chosen,
        "custom_reason": custom_reason,
        "motivation": motivation,
    }
    errors: dict[str, str] = {}
    if outcome not in ("granted", "rejected"):
        errors["decision_outcome"] = "Kies toekennen of afwijzen."
    if any(reason not in REJECTION_REASONS for reason in chosen):
        errors["decision_reasons"] = "Kies een van de vaste redenen."
    if len(custom_reason.strip()) > MAX_CUSTOM_REASON:
        errors["custom_reason"] = f"De aangepaste reden is hoogstens {MAX_CUSTOM_REASON} tekens."
    if len(motivation.strip()) > MAX_MOTIVATION:
        errors["motivation"] = f"De motivering is hoogstens {MAX_MOTIVATION} tekens."
    if errors:
        return await detail_page(
            request,
            staff,
            case_id,
            status_code=400,
            errors=errors,
            values=values,
            section_failures={"advies": _NOT_RECORDED},
        )
    body = {
        "outcome": outcome,
        "reasons": chosen,
        "custom_reason": custom_reason.strip() or None,
        "motivation": motivation.strip() or None,
    }
    answer = await call(
        request, staff, "assessment", "POST", f"/cases/{case_id}/decision", body=body
    )
    if answer.ok:
        return RedirectResponse(f"/ui/cases/{case_id}?gedaan=besluit", status_code=303)
    field_errors, message = _refusal(answer)
    status_code = answer.refusal_status
    return await detail_page(
        request,
        staff,
        case_id,
        status_code=409 if status_code == 404 else status_code,
        errors=field_errors,
        values=values,
        section_failures={"advies": message},
    )
