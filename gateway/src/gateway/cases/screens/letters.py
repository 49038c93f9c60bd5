"""The case page's Brieven section: the correspondence service's letters and e-mails of the
case, its bounces and pending schedules, the open information request, and (for a beslisser)
the drafted decision letter waiting for "akkoord en verzenden".

Fetched on its own like the other sections (`sections`): a correspondence service that
fails leaves a Dutch sentence in this section and the rest of the page working; a role without
`correspondence.read` gets no section and causes no call. The decision letter is rendered by
the service (a PDF), so it is asked for only when a decision letter waits as a draft and the
role may decide.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from typing import Any, Final

from fastapi import Request

from contracts.vocabulary import (
    CHANNEL_LABEL,
    DECISION_LETTER_KINDS,
    LETTER_KIND_LABEL,
    LETTER_STATUS_LABEL,
)
from gateway.ui.backend import Answer, call
from gateway.ui.web import Staff
from servicekit.auth import Permission

SERVICE: Final = "correspondence"
DEFAULT_TERM_DAYS = 14
MAX_TERM_DAYS = 90
MAX_ITEMS = 20
MAX_ITEM_LENGTH = 500
MAX_MESSAGE = 2000
MAX_ERROR = 240
SCHEDULES = {"reminder": "Herinnering", "term_expiry": "Einde hersteltermijn"}
REQUEST_STATUSES = {
    "open": "Open",
    "received": "Beantwoord",
    "expired": "Termijn verstreken",
}


@dataclass
class LettersSection:
    visible: bool
    letters: list[dict[str, Any]] = field(default_factory=list)
    bounces: list[dict[str, Any]] = field(default_factory=list)
    schedules: list[dict[str, Any]] = field(default_factory=list)
    """Only the pending ones (a reminder or the end of a term still to come), soonest first."""
    open_request: dict[str, Any] | None = None
    error: str = ""
    may_request: bool = False
    """`correspondence.send`: behandelaar, beslisser, functioneel beheerder."""
    decider_role: bool = False
    decision_letter: dict[str, Any] | None = None
    """The drafted decision letter (preview data) when one waits and the role may decide."""
    decision_error: str = ""
    default_term_days: int = DEFAULT_TERM_DAYS
    template_numbers: dict[str, int] = field(default_factory=dict)
    """Template version id → its number, for the versions in use now (one call)."""


def _dicts(value: object) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _shortened(text: str) -> str:
    """A long technical reason (a service's raw answer) cut to what fits in the table."""
    return text if len(text) <= MAX_ERROR else text[: MAX_ERROR - 1].rstrip() + "…"


def letter_view(letter: dict[str, Any]) -> dict[str, Any]:
    """One letter or e-mail, complete (every key present) and in Dutch for the template."""
    kind = str(letter.get("kind") or "")
    channel = str(letter.get("channel") or "")
    status = str(letter.get("status") or "")
    return {
        "id": str(letter.get("id") or ""),
        "kind": kind,
        "kind_label": LETTER_KIND_LABEL.get(kind) or str(letter.get("kind_label") or kind),
        "channel": channel,
        "channel_label": CHANNEL_LABEL.get(channel, channel),
        "status": status,
        "status_label": LETTER_STATUS_LABEL.get(status)
        or _capital(str(letter.get("status_label") or status)),
        "subject": letter.get("subject") or "",
        "recipient": letter.get("recipient") or "",
        "campaign": letter.get("campaign") or "",
        "error": _shortened(str(letter.get("error") or "")),
        "attempts": letter.get("attempts") or 0,
        "next_attempt_at": letter.get("next_attempt_at"),
        "created_at": letter.get("created_at"),
        "sent_at": letter.get("sent_at"),
        "print_date": letter.get("print_date"),
        "template_version": str(
            (letter.get("pdf_template_version_id") if channel == "post" else None)
            or letter.get("template_version_id")
            or ""
        ),
        "approved_by": letter.get("approved_by") or "",
        "problem": status in ("retry", "failed", "bounced"),
        "has_pdf": channel == "post" or bool(letter.get("document_id")),
        "has_html": channel == "email",
    }


def schedule_view(schedule: dict[str, Any]) -> dict[str, Any]:
    kind = str(schedule.get("kind") or "")
    return {
        "kind": kind,
        "kind_label": SCHEDULES.get(kind, kind),
        "due_at": schedule.get("due_at"),
        "status": schedule.get("status"),
    }


def request_view(item: dict[str, Any]) -> dict[str, Any]:
    status = str(item.get("status") or "")
    return {
        "items": [str(line) for line in item.get("items") or [] if line],
        "message": item.get("message") or "",
        "term_days": item.get("term_days"),
        "term_ends_on": item.get("term_ends_on"),
        "status": status,
        "status_label": REQUEST_STATUSES.get(status, status),
        "requested_by": item.get("requested_by") or "",
        "requested_at": item.get("requested_at"),
    }


def decision_view(data: object) -> dict[str, Any] | None:
    """The decision letter's preview, when it still waits for "akkoord en verzenden"."""
    if not isinstance(data, dict) or data.get("status") != "draft":
        return None
    versions = data.get("template_versions")
    return {
        "kind": str(data.get("kind") or ""),
        "kind_label": LETTER_KIND_LABEL.get(str(data.get("kind") or ""), ""),
        "subject": data.get("subject") or "",
        "channels": [CHANNEL_LABEL.get(str(c), str(c)) for c in data.get("channels") or []],
        "has_pdf": bool(data.get("pdf_base64")),
        "template_versions": {
            str(channel): str(version)
            for channel, version in (versions.items() if isinstance(versions, dict) else [])
            if channel in CHANNEL_LABEL and version
        },
        "errors": [str(error) for error in data.get("errors") or [] if error],
    }


def template_numbers(answer: Answer | None) -> dict[str, int]:
    """The version numbers of the templates in use (`GET /municipalities/{code}/templates`)."""
    if answer is None or not answer.ok:
        return {}
    return {
        str(item["id"]): int(item.get("version") or 0)
        for item in _dicts(answer.data)
        if item.get("id") and isinstance(item.get("version"), int)
    }


def letters_of(
    staff: Staff,
    listed: Answer | None,
    requests: Answer | None = None,
    decision: Answer | None = None,
    templates: Answer | None = None,
) -> LettersSection:
    """The section from `GET /cases/{id}/correspondence`, the information requests and the
    decision letter (each may be None: not asked)."""
    section = LettersSection(
        visible=staff.may(Permission.CORRESPONDENCE_READ),
        may_request=staff.may(Permission.CORRESPONDENCE_SEND),
        decider_role=staff.may(Permission.CASES_DECIDE),
    )
    if listed is None or not section.visible:
        return section
    if listed.status == 404 and not listed.unavailable_feature:
        return section  # the service has not heard of the case yet: no letters yet
    if not listed.ok or not isinstance(listed.data, dict):
        section.error = listed.message()
        return section
    letters = [letter_view(item) for item in _dicts(listed.data.get("letters"))]
    section.letters = sorted(letters, key=lambda item: str(item["created_at"] or ""))
    section.template_numbers = template_numbers(templates)
    section.bounces = _dicts(listed.data.get("bounces"))
    section.schedules = sorted(
        (
            schedule_view(item)
            for item in _dicts(listed.data.get("schedules"))
            if item.get("status") == "pending"
        ),
        key=lambda item: str(item["due_at"] or ""),
    )
    if requests is not None and requests.ok:
        opened = [item for item in _dicts(requests.data) if item.get("status") == "open"]
        if opened:
            newest = max(opened, key=lambda item: str(item.get("requested_at") or ""))
            section.open_request = request_view(newest)
    if decision is not None:
        if decision.ok:
            section.decision_letter = decision_view(decision.data)
        elif not (decision.status == 404 and not decision.unavailable_feature):
            section.decision_error = decision.message()
    return section


def draft_decision_waits(section: LettersSection) -> bool:
    return any(
        letter["status"] == "draft" and letter["kind"] in DECISION_LETTER_KINDS
        for letter in section.letters
    )


async def load(
    request: Request, staff: Staff, case_id: uuid.UUID, *, municipality_code: str = ""
) -> LettersSection:
    """The Brieven section of the case, with every call the role's permissions allow; with
    the municipality's code, the template versions are shown by number."""
    if not staff.may(Permission.CORRESPONDENCE_READ):
        return letters_of(staff, None)

    async def templates() -> Answer | None:
        if not (municipality_code.isdigit() and staff.may(Permission.TEMPLATES_READ)):
            return None
        path = f"/municipalities/{municipality_code}/templates"
        return await call(request, staff, SERVICE, "GET", path)

    listed, requests, in_use = await asyncio.gather(
        call(request, staff, SERVICE, "GET", f"/cases/{case_id}/correspondence"),
        call(request, staff, SERVICE, "GET", f"/cases/{case_id}/information-requests"),
        templates(),
    )
    section = letters_of(staff, listed, requests, templates=in_use)
    if section.decider_role and draft_decision_waits(section):
        decision = await call(request, staff, SERVICE, "GET", f"/cases/{case_id}/decision-letter")
        section = letters_of(staff, listed, requests, decision, in_use)
    return section
