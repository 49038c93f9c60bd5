"""The case page's sections that other services own: Documenten (the documents service) and
Rechtmatigheidsadvies (the assessment service).

Each section is fetched on its own; a service that fails leaves a Dutch sentence in its
section and the rest of the page working. A role without the permission gets no section (and
causes no call).
"""

from __future__ import annotations

import asyncio
import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request

from gateway.ui.backend import Answer, Service, call
from gateway.ui.labels import DOCUMENT_KINDS, REJECTION_REASONS, UPLOAD_KINDS
from gateway.ui.web import Staff
from servicekit.auth import Permission

NOT_KNOWN_YET = (
    "Voor deze case zijn nog geen gegevens voor het advies. Zodra de aanvraag verwerkt is, "
    "vraagt het systeem ze op."
)


@dataclass
class DocumentsSection:
    visible: bool
    items: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""
    may_add: bool = False
    kinds: list[tuple[str, str]] = field(default_factory=list)
    idempotency_key: str = ""


@dataclass
class AssessmentSection:
    visible: bool
    known: bool = False
    """The assessment service answered with the case's assessment."""
    municipality_code: str = ""
    check_moment: str = ""
    four_eyes: bool = False
    advice: dict[str, Any] | None = None
    earlier_advice: list[dict[str, Any]] = field(default_factory=list)
    data: list[dict[str, Any]] = field(default_factory=list)
    sessions: list[dict[str, Any]] = field(default_factory=list)
    """Oldest first: the last is the current one."""
    decision: dict[str, Any] | None = None
    error: str = ""
    note: str = ""
    """A plain sentence where there is nothing yet (not an error)."""
    may_prepare: bool = False
    may_decide: bool = False
    decider_role: bool = False
    version: dict[str, Any] | None = None
    """The parameter version the advice used (its dates and note), when it could be read."""
    may_read_parameters: bool = False
    reasons: list[tuple[str, str]] = field(default_factory=list)


def _is_assessment(data: object) -> bool:
    return (
        isinstance(data, dict)
        and isinstance(data.get("sessions"), list)
        and isinstance(data.get("data"), list)
        and "advice" in data
        and "decision" in data
    )


def documents_of(staff: Staff, answer: Answer | None) -> DocumentsSection:
    """The section from the documents service's listing (`{"items": [...]}`)."""
    section = DocumentsSection(
        visible=staff.may(Permission.DOCUMENTS_READ),
        may_add=staff.may(Permission.DOCUMENTS_ADD),
        kinds=[(kind, DOCUMENT_KINDS[kind]) for kind in UPLOAD_KINDS],
        idempotency_key=secrets.token_urlsafe(18),
    )
    if answer is None or not section.visible:
        return section
    if answer.status == 404 and not answer.unavailable_feature:
        return section  # the documents service has not heard of the case yet: none yet
    if not answer.ok:
        section.error = answer.message()
        return section
    items = answer.data.get("items") if isinstance(answer.data, dict) else None
    if not isinstance(items, list):
        section.error = answer.message()
        return section
    section.items = [item for item in items if isinstance(item, dict) and "id" in item]
    return section


def assessment_of(staff: Staff, answer: Answer | None) -> AssessmentSection:
    """The section from the assessment service's `GET /cases/{id}/assessment`."""
    section = AssessmentSection(
        visible=staff.may(Permission.ASSESSMENT_READ),
        may_prepare=staff.may(Permission.ASSESSMENT_PREPARE),
        decider_role=staff.may(Permission.CASES_DECIDE),
        may_read_parameters=staff.may(Permission.PARAMETERS_READ),
        reasons=list(REJECTION_REASONS.items()),
    )
    if answer is None or not section.visible:
        return section
    if answer.status == 404 and not answer.unavailable_feature:
        section.note = NOT_KNOWN_YET
        return section
    if not answer.ok or not _is_assessment(answer.data):
        section.error = answer.message()
        return section
    data: dict[str, Any] = answer.data
    section.known = True
    section.municipality_code = str(data.get("municipality_code") or "")
    section.check_moment = str(data.get("check_moment") or "")
    section.four_eyes = bool(data.get("four_eyes"))
    section.advice = advice_view(data.get("advice"))
    section.earlier_advice = [
        {"label": str(item.get("label") or ""), "given_at": item.get("given_at")}
        for item in _dicts(data.get("advice_history"))[1:]
    ]
    section.data = [data_view(source) for source in _dicts(data.get("data"))]
    section.sessions = [session_view(session) for session in _dicts(data.get("sessions"))]
    section.decision = decision_view(data.get("decision"))
    section.may_decide = (
        section.decider_role and bool(data.get("may_decide")) and section.decision is None
    )
    return section


def version_of(answer: Answer | None, version_id: object) -> dict[str, Any] | None:
    """The version with this id from the parameters listing, if it is there."""
    if answer is None or not answer.ok or not isinstance(answer.data, dict):
        return None
    versions = answer.data.get("versions")
    for version in versions if isinstance(versions, list) else []:
        if isinstance(version, dict) and version.get("id") == version_id:
            return version
    return None


async def load(
    request: Request, staff: Staff, case_id: uuid.UUID, *, documents: bool, assessment: bool
) -> tuple[Answer | None, Answer | None]:
    """The documents listing and the assessment, each when the role may see it."""

    async def fetch(service: Service, path: str, wanted: bool) -> Answer | None:
        return await call(request, staff, service, "GET", path) if wanted else None

    listed, assessed = await asyncio.gather(
        fetch("documents", f"/cases/{case_id}/documents", documents),
        fetch("assessment", f"/cases/{case_id}/assessment", assessment),
    )
    return listed, assessed


async def parameter_version(
    request: Request, staff: Staff, section: AssessmentSection
) -> dict[str, Any] | None:
    """The parameter version of the advice shown (one more call, only when there is one)."""
    code = section.municipality_code
    if section.advice is None or not code.isdigit() or not section.may_read_parameters:
        return None
    answer = await call(request, staff, "assessment", "GET", f"/municipalities/{code}/parameters")
    return version_of(answer, section.advice["parameter_version_id"])


def _at(data: object, *keys: str) -> Any:
    """`data[k1][k2]...`, or None where a level is missing (a service's answer read safely)."""
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _dicts(value: object) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _strings(value: object) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []


def advice_view(advice: object) -> dict[str, Any] | None:
    """The advice with its figures, flat and complete (every key present) for the template."""
    if not isinstance(advice, dict) or not isinstance(advice.get("advice"), str):
        return None
    figures = advice.get("figures")
    return {
        "advice": advice["advice"],
        "label": str(advice.get("label") or advice["advice"]),
        "reasons": _strings(advice.get("reason_labels")),
        "explanation": _strings(advice.get("explanation")),
        "given_at": advice.get("given_at"),
        "parameter_version_id": advice.get("parameter_version_id"),
        "household_type": _at(figures, "household_type"),
        "age_band": _at(figures, "age_band"),
        "period_first": _at(figures, "period", "first"),
        "period_last": _at(figures, "period", "last"),
        "income_total": _at(figures, "income", "total"),
        "income_limit": _at(figures, "income", "limit"),
        "derivation": _at(figures, "income", "limit_derivation") or "",
        "assets_total": _at(figures, "assets", "total"),
        "asset_limit": _at(figures, "assets", "limit"),
        "asset_test": bool(_at(figures, "assets", "asset_test")),
        "margin_percent": _at(figures, "margin_percent"),
        "per_person": [
            {
                "person": person.get("person"),
                "origin": person.get("origin"),
                "monthly": person.get("monthly"),
                "items": [
                    {
                        "kind": item.get("kind"),
                        "payer": item.get("payer") or "",
                        "source": item.get("source"),
                        "monthly": item.get("monthly"),
                        "counted": bool(item.get("counted")),
                    }
                    for item in _dicts(person.get("items"))
                ],
            }
            for person in _dicts(_at(figures, "income", "per_person"))
        ],
    }


def data_view(source: dict[str, Any]) -> dict[str, Any]:
    """One package of data (Ockto or manual), complete for the template."""
    sources = source.get("sources")
    return {
        "origin": source.get("origin"),
        "current": bool(source.get("current")),
        "recorded_by": source.get("recorded_by") or "",
        "recorded_at": source.get("recorded_at"),
        "persons": _strings(source.get("persons")),
        "sources": {
            str(role): _strings(logged_in)
            for role, logged_in in (sources.items() if isinstance(sources, dict) else [])
        },
        "period_first": source.get("period_first"),
        "period_last": source.get("period_last"),
        "partner_detected": source.get("partner_detected"),
        "incomes": [
            {
                "person": item.get("person"),
                "kind": item.get("kind"),
                "payer": item.get("payer") or "",
                "source": item.get("source"),
                "period_start": item.get("period_start"),
                "period_end": item.get("period_end"),
                "frequency": item.get("frequency"),
                "net_amount": item.get("net_amount"),
            }
            for item in _dicts(source.get("incomes"))
        ],
        "assets": [
            {
                "person": item.get("person"),
                "kind": item.get("kind"),
                "institution": item.get("institution") or "",
                "reference_date": item.get("reference_date"),
                "balance": item.get("balance"),
            }
            for item in _dicts(source.get("assets"))
        ],
        "documents": [
            {"kind": item.get("kind"), "state": item.get("state")}
            for item in _dicts(source.get("documents"))
        ],
    }


def session_view(session: dict[str, Any]) -> dict[str, Any]:
    return {
        key: session.get(key)
        for key in (
            "state",
            "trigger",
            "started_by",
            "requested_at",
            "started_at",
            "expires_at",
            "delivered_at",
            "ended_at",
            "last_error",
        )
    }


def decision_view(decision: object) -> dict[str, Any] | None:
    if not isinstance(decision, dict) or not isinstance(decision.get("outcome"), str):
        return None
    return {
        "outcome": decision["outcome"],
        "basis": decision.get("basis"),
        "reasons": _strings(decision.get("reasons")),
        "custom_reason": decision.get("custom_reason") or "",
        "motivation": decision.get("motivation") or "",
        "advice": decision.get("advice"),
        "differs_from_advice": bool(decision.get("differs_from_advice")),
        "effective_from": decision.get("effective_from"),
        "decided_by": decision.get("decided_by") or "",
        "decided_at": decision.get("decided_at"),
    }
