"""Authorisation is ONE table: every route of every app and every role (each asserted by calling it).

`TABLE` lists every API route of the cases service, the intake service and the gateway (public
API and staff screens) with the permission it declares (`OPEN` for the routes that are open on
purpose). A route that is not in the table, or that declares nothing (or something else),
fails `test_every_route_declares_what_the_table_says`. Then every route is called through the
real app as every role: the services with an internal token of that role, the public API with
an API key of that role, the screens signed in as a staff member of that role. A role answers
403 exactly where `contracts.permissions.ROLES_OF` does not give it the route's permission.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Final

import httpx
import pyotp
import pytest
from fastapi import FastAPI

from assessment.main import create_app as create_assessment_app
from assessment.settings import AssessmentSettings
from cases.main import create_app as create_cases_app
from cases.settings import CasesSettings
from contracts.permissions import ROLES_OF, Permission
from contracts.vocabulary import STAFF_ROLES, Role
from correspondence.main import create_app as create_correspondence_app
from correspondence.settings import CorrespondenceSettings
from documents.main import create_app as create_documents_app
from documents.settings import DocumentsSettings
from gateway.main import create_app as create_gateway_app
from gateway.settings import GatewaySettings
from gateway.staff import accounts
from gateway.staff.totp import SecretBox
from gateway.ui.settings import UiSettings
from intake.main import create_app as create_intake_app
from intake.settings import IntakeSettings
from servicekit.auth import TOKEN_HEADER, Principal, Public, api_routes, issue_token
from servicekit.db import Database
from servicekit.settings import DEVELOPMENT_SECRET

from .conftest import MakeKey, bearer
from .services import Services, gateway_before, post_as_website, website_body
from .ui.conftest import PASSWORD, Account, csrf_of, log_in

P = Permission
OPEN: Final = None
_ANY = "00000000-0000-4000-8000-000000000001"

TABLE: Final[dict[str, dict[str, Permission | None]]] = {
    "cases": {
        "GET /health/live": OPEN,
        "GET /health/ready": OPEN,
        "PUT /testing/clock": OPEN,
        "GET /metrics": OPEN,
        "GET /parked": P.PARKED_MANAGE,
        "POST /parked/replay-all": P.PARKED_MANAGE,
        "POST /parked/{parked_id}/replay": P.PARKED_MANAGE,
        "POST /parked/{parked_id}/discard": P.PARKED_MANAGE,
        "GET /overview": P.OVERVIEW_READ,
        "GET /cases": P.CASES_READ,
        "GET /cases/{case_id}": P.CASES_READ,
        "GET /cases/{case_id}/handling": P.CASES_READ,
        "GET /cases/{case_id}/history": P.CASES_READ,
        "GET /cases/{case_id}/memos": P.CASES_READ,
        "POST /cases/{case_id}/memos": P.MEMOS_WRITE,
        "POST /cases/{case_id}/transitions": P.CASES_HANDLE,
        "PUT /cases/{case_id}/hold": P.CASES_HANDLE,
        "DELETE /cases/{case_id}/hold": P.CASES_HANDLE,
        "PUT /cases/{case_id}/assignee": P.CASES_HANDLE,
        "GET /cases/export.csv": P.CASES_EXPORT,
        "GET /cases/export.xlsx": P.CASES_EXPORT,
        "GET /audit": P.AUDIT_READ,
        "GET /worklist": P.CASES_READ,
    },
    "intake": {
        "GET /health/live": OPEN,
        "GET /health/ready": OPEN,
        "PUT /testing/clock": OPEN,
        "GET /metrics": OPEN,
        "GET /parked": P.PARKED_MANAGE,
        "POST /parked/replay-all": P.PARKED_MANAGE,
        "POST /parked/{parked_id}/replay": P.PARKED_MANAGE,
        "POST /parked/{parked_id}/discard": P.PARKED_MANAGE,
        "POST /applications": P.APPLICATIONS_SUBMIT,
        "GET /municipalities": P.MUNICIPALITIES_READ,
        "GET /quarantine": P.QUARANTINE_MANAGE,
        "GET /quarantine/{quarantine_id}": P.QUARANTINE_MANAGE,
        "POST /quarantine/{quarantine_id}/reprocess": P.QUARANTINE_MANAGE,
        "POST /quarantine/{quarantine_id}/discard": P.QUARANTINE_MANAGE,
        "POST /imports/re-examinations": P.IMPORTS_CREATE,
        "GET /imports": P.IMPORTS_CREATE,
        "GET /imports/{import_id}": P.IMPORTS_CREATE,
        "GET /imports/{import_id}/report.csv": P.IMPORTS_CREATE,
    },
    "documents": {
        "GET /health/live": OPEN,
        "GET /health/ready": OPEN,
        "PUT /testing/clock": OPEN,
        "GET /metrics": OPEN,
        "GET /parked": P.PARKED_MANAGE,
        "POST /parked/replay-all": P.PARKED_MANAGE,
        "POST /parked/{parked_id}/replay": P.PARKED_MANAGE,
        "POST /parked/{parked_id}/discard": P.PARKED_MANAGE,
        "POST /cases/{case_id}/documents": P.DOCUMENTS_ADD,
        "GET /cases/{case_id}/documents": P.DOCUMENTS_READ,
        "GET /documents/{document_id}": P.DOCUMENTS_READ,
        "GET /documents/{document_id}/content": P.DOCUMENTS_READ,
        "POST /cases/{case_id}/upload-links": P.UPLOAD_LINKS_MANAGE,
        "GET /cases/{case_id}/upload-links": P.DOCUMENTS_READ,
        "DELETE /upload-links/{link_id}": P.UPLOAD_LINKS_MANAGE,
        "GET /municipalities/{code}/retention": P.DOCUMENTS_READ,
        "PUT /municipalities/{code}/retention": P.RETENTION_MANAGE,
        "PUT /cases/{case_id}/legal-hold": P.LEGAL_HOLDS_MANAGE,
        "DELETE /cases/{case_id}/legal-hold": P.LEGAL_HOLDS_MANAGE,
        "GET /inwoner/upload/{token}": OPEN,
        "POST /inwoner/upload/{token}": OPEN,
        "GET /inwoner/upload/{token}/ontvangen": OPEN,
    },
    "assessment": {
        "GET /health/live": OPEN,
        "GET /health/ready": OPEN,
        "PUT /testing/clock": OPEN,
        "GET /metrics": OPEN,
        "GET /parked": P.PARKED_MANAGE,
        "POST /parked/replay-all": P.PARKED_MANAGE,
        "POST /parked/{parked_id}/replay": P.PARKED_MANAGE,
        "POST /parked/{parked_id}/discard": P.PARKED_MANAGE,
        "GET /municipalities/{code}/parameters": P.PARAMETERS_READ,
        "POST /municipalities/{code}/parameters": P.PARAMETERS_MANAGE,
        "GET /municipalities/{code}/parameters/audit": P.PARAMETERS_READ,
        "POST /cases/{case_id}/data-sessions": P.ASSESSMENT_PREPARE,
        "GET /cases/{case_id}/data-sessions/{session_id}/qr.svg": P.ASSESSMENT_READ,
        "POST /ockto/deliveries": P.OCKTO_DELIVER,
        "GET /ockto/refused-deliveries": P.DELIVERIES_MONITOR,
        "PUT /cases/{case_id}/manual-data": P.ASSESSMENT_PREPARE,
        "GET /cases/{case_id}/assessment": P.ASSESSMENT_READ,
        "POST /cases/{case_id}/advice": P.ASSESSMENT_PREPARE,
        "POST /cases/{case_id}/decision": P.CASES_DECIDE,
        "POST /municipalities/{code}/file-check": P.FILE_CHECK_MANAGE,
        "GET /municipalities/{code}/file-check": P.FILE_CHECK_MANAGE,
        "GET /municipalities/{code}/file-check/report.csv": P.FILE_CHECK_MANAGE,
    },
    "correspondence": {
        "GET /health/live": OPEN,
        "GET /health/ready": OPEN,
        "PUT /testing/clock": OPEN,
        "GET /metrics": OPEN,
        "GET /parked": P.PARKED_MANAGE,
        "POST /parked/replay-all": P.PARKED_MANAGE,
        "POST /parked/{parked_id}/replay": P.PARKED_MANAGE,
        "POST /parked/{parked_id}/discard": P.PARKED_MANAGE,
        "GET /municipalities/{code}/house-style": P.TEMPLATES_READ,
        "PUT /municipalities/{code}/house-style": P.TEMPLATES_MANAGE,
        "GET /merge-fields": P.TEMPLATES_READ,
        "GET /municipalities/{code}/templates": P.TEMPLATES_READ,
        "GET /municipalities/{code}/templates/{kind}/{channel}": P.TEMPLATES_READ,
        "GET /municipalities/{code}/templates/{kind}/{channel}/versions": P.TEMPLATES_READ,
        "PUT /municipalities/{code}/templates/{kind}/{channel}": P.TEMPLATES_MANAGE,
        "POST /municipalities/{code}/templates/{kind}/{channel}/preview": P.TEMPLATES_READ,
        "GET /cases/{case_id}/correspondence": P.CORRESPONDENCE_READ,
        "GET /correspondence/{letter_id}/content": P.CORRESPONDENCE_READ,
        "GET /cases/{case_id}/decision-letter": P.CORRESPONDENCE_READ,
        "POST /cases/{case_id}/decision-letter/send": P.CASES_DECIDE,
        "POST /cases/{case_id}/information-requests": P.CORRESPONDENCE_SEND,
        "GET /cases/{case_id}/information-requests": P.CORRESPONDENCE_READ,
        "GET /cases/{case_id}/contact-preferences": P.CORRESPONDENCE_READ,
        "PUT /cases/{case_id}/contact-preferences": P.CORRESPONDENCE_SEND,
        "POST /campaigns/{code}/{campaign}": P.CAMPAIGNS_MANAGE,
        "GET /campaigns/{code}/{campaign}": P.CAMPAIGNS_READ,
        "POST /campaigns/{code}/{campaign}/pause": P.CAMPAIGNS_MANAGE,
        "POST /campaigns/{code}/{campaign}/resume": P.CAMPAIGNS_MANAGE,
        "GET /municipalities/{code}/print-batches/{day}": P.CORRESPONDENCE_SEND,
        "POST /bounces": OPEN,  # the mail server's hook, with its own token
    },
    "gateway": {
        "GET /health/live": OPEN,
        "GET /health/ready": OPEN,
        "PUT /testing/clock": OPEN,
        "GET /metrics": OPEN,
        "POST /api/v1/intake/applications": OPEN,  # HMAC-signed by the website
        "GET /api/v1/overview": P.OVERVIEW_READ,
        "GET /api/v1/cases": P.CASES_READ,
        "GET /api/v1/cases/{case_id}": P.CASES_READ,
        "GET /api/v1/cases/{case_id}/handling": P.CASES_READ,
        "GET /api/v1/cases/{case_id}/history": P.CASES_READ,
        "GET /api/v1/cases/{case_id}/memos": P.CASES_READ,
        "POST /api/v1/cases/{case_id}/memos": P.MEMOS_WRITE,
        "POST /api/v1/cases/{case_id}/transitions": P.CASES_HANDLE,
        "PUT /api/v1/cases/{case_id}/hold": P.CASES_HANDLE,
        "DELETE /api/v1/cases/{case_id}/hold": P.CASES_HANDLE,
        "PUT /api/v1/cases/{case_id}/assignee": P.CASES_HANDLE,
        "GET /api/v1/cases/export.csv": P.CASES_EXPORT,
        "GET /api/v1/cases/export.xlsx": P.CASES_EXPORT,
        "GET /api/v1/audit": P.AUDIT_READ,
        "GET /api/v1/quarantine": P.QUARANTINE_MANAGE,
        "POST /api/v1/quarantine/{quarantine_id}/reprocess": P.QUARANTINE_MANAGE,
        "GET /api/v1/operations/parked": P.PARKED_MANAGE,
        "POST /api/v1/operations/parked/{service}/replay-all": P.PARKED_MANAGE,
        "POST /api/v1/operations/parked/{service}/{parked_id}/replay": P.PARKED_MANAGE,
        "POST /api/v1/operations/parked/{service}/{parked_id}/discard": P.PARKED_MANAGE,
        "POST /api/v1/imports/re-examinations": P.IMPORTS_CREATE,
        "GET /api/v1/imports/{import_id}": P.IMPORTS_CREATE,
        "GET /api/v1/imports/{import_id}/report.csv": P.IMPORTS_CREATE,
        "GET /api/v1/cases/{case_id}/documents": P.DOCUMENTS_READ,
        "POST /api/v1/cases/{case_id}/documents": P.DOCUMENTS_ADD,
        "GET /api/v1/documents/{document_id}": P.DOCUMENTS_READ,
        "GET /api/v1/documents/{document_id}/content": P.DOCUMENTS_READ,
        "POST /api/v1/cases/{case_id}/upload-links": P.UPLOAD_LINKS_MANAGE,
        "DELETE /api/v1/upload-links/{link_id}": P.UPLOAD_LINKS_MANAGE,
        "GET /inwoner/{path:path}": OPEN,  # the resident's signed link is the credential
        "POST /inwoner/{path:path}": OPEN,
        "GET /api/v1/municipalities/{code}/parameters": P.PARAMETERS_READ,
        "POST /api/v1/municipalities/{code}/parameters": P.PARAMETERS_MANAGE,
        "GET /api/v1/municipalities/{code}/parameters/audit": P.PARAMETERS_READ,
        "GET /api/v1/cases/{case_id}/assessment": P.ASSESSMENT_READ,
        "POST /api/v1/cases/{case_id}/data-sessions": P.ASSESSMENT_PREPARE,
        "GET /api/v1/cases/{case_id}/data-sessions/{session_id}/qr.svg": P.ASSESSMENT_READ,
        "PUT /api/v1/cases/{case_id}/manual-data": P.ASSESSMENT_PREPARE,
        "POST /api/v1/cases/{case_id}/advice": P.ASSESSMENT_PREPARE,
        "POST /api/v1/cases/{case_id}/decision": P.CASES_DECIDE,
        "POST /api/v1/municipalities/{code}/file-check": P.FILE_CHECK_MANAGE,
        "GET /api/v1/municipalities/{code}/file-check": P.FILE_CHECK_MANAGE,
        "GET /api/v1/municipalities/{code}/file-check/report.csv": P.FILE_CHECK_MANAGE,
        "POST /api/v1/ockto/deliveries": OPEN,  # signed by Ockto
        "GET /api/v1/ockto/refused-deliveries": P.DELIVERIES_MONITOR,
        "GET /api/v1/municipalities/{code}/house-style": P.TEMPLATES_READ,
        "PUT /api/v1/municipalities/{code}/house-style": P.TEMPLATES_MANAGE,
        "GET /api/v1/merge-fields": P.TEMPLATES_READ,
        "GET /api/v1/municipalities/{code}/templates": P.TEMPLATES_READ,
        "GET /api/v1/municipalities/{code}/templates/{kind}/{channel}": P.TEMPLATES_READ,
        "GET /api/v1/municipalities/{code}/templates/{kind}/{channel}/versions": P.TEMPLATES_READ,
        "PUT /api/v1/municipalities/{code}/templates/{kind}/{channel}": P.TEMPLATES_MANAGE,
        "POST /api/v1/municipalities/{code}/templates/{kind}/{channel}/preview": P.TEMPLATES_READ,
        "GET /api/v1/cases/{case_id}/correspondence": P.CORRESPONDENCE_READ,
        "GET /api/v1/correspondence/{letter_id}/content": P.CORRESPONDENCE_READ,
        "POST /api/v1/cases/{case_id}/information-requests": P.CORRESPONDENCE_SEND,
        "GET /api/v1/cases/{case_id}/information-requests": P.CORRESPONDENCE_READ,
        "GET /api/v1/cases/{case_id}/contact-preferences": P.CORRESPONDENCE_READ,
        "PUT /api/v1/cases/{case_id}/contact-preferences": P.CORRESPONDENCE_SEND,
        "GET /api/v1/cases/{case_id}/decision-letter": P.CORRESPONDENCE_READ,
        "POST /api/v1/cases/{case_id}/decision-letter/send": P.CASES_DECIDE,
        "POST /api/v1/campaigns/{code}/{campaign}": P.CAMPAIGNS_MANAGE,
        "GET /api/v1/campaigns/{code}/{campaign}": P.CAMPAIGNS_READ,
        "POST /api/v1/campaigns/{code}/{campaign}/pause": P.CAMPAIGNS_MANAGE,
        "POST /api/v1/campaigns/{code}/{campaign}/resume": P.CAMPAIGNS_MANAGE,
        "GET /api/v1/municipalities/{code}/print-batches/{day}": P.CORRESPONDENCE_SEND,
        "GET /api/v1/municipalities/{code}/licence": P.LICENCES_READ,
        "PUT /api/v1/municipalities/{code}/licence": P.LICENCES_MANAGE,
        "GET /docs": OPEN,
        "GET /redoc": OPEN,
        # The staff screens.
        "GET /": OPEN,
        "GET /ui": OPEN,
        "GET /ui/inloggen": OPEN,
        "POST /ui/inloggen": OPEN,
        "GET /ui/mfa": OPEN,
        "POST /ui/mfa": OPEN,
        "GET /ui/mfa-inrichten": OPEN,
        "POST /ui/mfa-inrichten": OPEN,
        "GET /ui/wachtwoord": OPEN,
        "POST /ui/wachtwoord": OPEN,
        "POST /ui/uitloggen": OPEN,
        "GET /ui/": P.OVERVIEW_READ,
        "GET /ui/cases": P.CASES_READ,
        "GET /ui/te-doen": P.CASES_READ,
        "GET /ui/cases/{case_id}": P.CASES_READ,
        "POST /ui/cases/{case_id}/documenten": P.DOCUMENTS_ADD,
        "GET /ui/documenten/{document_id}": P.DOCUMENTS_READ,
        "POST /ui/cases/{case_id}/uitnodigen": P.ASSESSMENT_PREPARE,
        "POST /ui/cases/{case_id}/besluit": P.CASES_DECIDE,
        "GET /ui/cases/{case_id}/handmatig": P.ASSESSMENT_PREPARE,
        "POST /ui/cases/{case_id}/handmatig": P.ASSESSMENT_PREPARE,
        "GET /ui/parameters": P.PARAMETERS_READ,
        "GET /ui/parameters/{code}": P.PARAMETERS_READ,
        "POST /ui/parameters/{code}": P.PARAMETERS_MANAGE,
        "GET /ui/brieven/{letter_id}/inhoud": P.CORRESPONDENCE_READ,
        "POST /ui/cases/{case_id}/informatie-opvragen": P.CORRESPONDENCE_SEND,
        "GET /ui/cases/{case_id}/besluitbrief": P.CORRESPONDENCE_READ,
        "POST /ui/cases/{case_id}/besluitbrief/verzenden": P.CASES_DECIDE,
        "GET /ui/sjablonen": P.TEMPLATES_READ,
        "GET /ui/sjablonen/{code}": P.TEMPLATES_READ,
        "GET /ui/sjablonen/{code}/{kind}/{channel}": P.TEMPLATES_READ,
        "POST /ui/sjablonen/{code}/{kind}/{channel}": P.TEMPLATES_MANAGE,
        "POST /ui/sjablonen/{code}/{kind}/{channel}/voorbeeld": P.TEMPLATES_READ,
        "POST /ui/sjablonen/{code}/{kind}/{channel}/voorbeeld.pdf": P.TEMPLATES_READ,
        "POST /ui/sjablonen/{code}/{kind}/post/word": P.TEMPLATES_MANAGE,
        "GET /ui/huisstijl": P.TEMPLATES_MANAGE,
        "GET /ui/huisstijl/{code}": P.TEMPLATES_MANAGE,
        "POST /ui/huisstijl/{code}": P.TEMPLATES_MANAGE,
        "GET /ui/campagnes": P.CAMPAIGNS_READ,
        "POST /ui/campagnes/pauzeren": P.CAMPAIGNS_MANAGE,
        "POST /ui/campagnes/hervatten": P.CAMPAIGNS_MANAGE,
        "GET /ui/printbatches": P.CORRESPONDENCE_SEND,
        "GET /ui/cases/export.csv": P.CASES_EXPORT,
        "GET /ui/cases/export.xlsx": P.CASES_EXPORT,
        "POST /ui/cases/{case_id}/memos": P.MEMOS_WRITE,
        "POST /ui/cases/{case_id}/afwachting": P.CASES_HANDLE,
        "POST /ui/cases/{case_id}/afwachting/opheffen": P.CASES_HANDLE,
        "POST /ui/cases/{case_id}/toewijzen": P.CASES_HANDLE,
        "POST /ui/cases/{case_id}/vrijgeven": P.CASES_HANDLE,
        "POST /ui/cases/{case_id}/status": P.CASES_HANDLE,
        "GET /ui/heronderzoek": P.IMPORTS_CREATE,
        "GET /ui/heronderzoek/voorbeeld.csv": P.IMPORTS_CREATE,
        "GET /ui/heronderzoek/voorbeeld.xlsx": P.IMPORTS_CREATE,
        "POST /ui/heronderzoek": P.IMPORTS_CREATE,
        "GET /ui/heronderzoek/{import_id}": P.IMPORTS_CREATE,
        "GET /ui/heronderzoek/{import_id}/rapport.csv": P.IMPORTS_CREATE,
        "GET /ui/quarantaine": P.QUARANTINE_MANAGE,
        "POST /ui/quarantaine/{quarantine_id}/opnieuw": P.QUARANTINE_MANAGE,
        "POST /ui/quarantaine/{quarantine_id}/afwijzen": P.QUARANTINE_MANAGE,
        "GET /ui/geparkeerd": P.PARKED_MANAGE,
        "POST /ui/geparkeerd/{service}/alles-opnieuw": P.PARKED_MANAGE,
        "POST /ui/geparkeerd/{service}/{parked_id}/opnieuw": P.PARKED_MANAGE,
        "POST /ui/geparkeerd/{service}/{parked_id}/afwijzen": P.PARKED_MANAGE,
        "GET /ui/gebruikers": P.USERS_MANAGE,
        "GET /ui/gebruikers/nieuw": P.USERS_MANAGE,
        "POST /ui/gebruikers/nieuw": P.USERS_MANAGE,
        "GET /ui/gebruikers/{user_id}": P.USERS_MANAGE,
        "POST /ui/gebruikers/{user_id}/rol": P.USERS_MANAGE,
        "POST /ui/gebruikers/{user_id}/wachtwoord-herstellen": P.USERS_MANAGE,
        "POST /ui/gebruikers/{user_id}/{action}": P.USERS_MANAGE,
        "GET /ui/auditlog": P.AUDIT_READ,
        "GET /ui/auditlog/beveiliging": P.SECURITY_LOG_READ,
        "GET /ui/organisaties": P.LICENCES_MANAGE,
        "GET /ui/organisaties/{code}": P.LICENCES_MANAGE,
        "POST /ui/organisaties/{code}": P.LICENCES_MANAGE,
        "GET /ui/releasenotes": P.OVERVIEW_READ,
    },
}
"""What every route needs. A new route gets its line here, or this test fails."""

ROLE_COLUMNS: Final = (
    "raadpleger",
    "behandelaar",
    "beslisser",
    "functioneel_beheerder",
    "auditor",
    "operator",
    "system",
)
MATRIX: Final[dict[Permission, str]] = {
    # permission                 rb bh bs fb au op sy
    P.OVERVIEW_READ:            "x  x  x  x  x  x  .",
    P.CASES_READ:               "x  x  x  x  x  .  .",
    P.CASES_HANDLE:             ".  x  x  .  .  .  .",
    P.CASES_DECIDE:             ".  .  x  .  .  .  .",
    P.MEMOS_WRITE:              ".  x  x  x  .  .  .",
    P.CASES_EXPORT:             "x  x  x  x  .  .  .",
    P.CASES_EXPORT_BSN:         ".  x  x  x  .  .  .",
    P.AUDIT_READ:               ".  .  .  .  x  .  .",
    P.SECURITY_LOG_READ:        ".  .  .  x  x  .  .",
    P.QUARANTINE_MANAGE:        ".  .  .  x  .  x  .",
    P.PARKED_MANAGE:            ".  .  .  .  .  x  .",
    P.IMPORTS_CREATE:           ".  x  x  x  .  x  .",
    P.USERS_MANAGE:             ".  .  .  x  .  .  .",
    P.MUNICIPALITIES_READ:      "x  x  x  x  x  x  x",
    P.APPLICATIONS_SUBMIT:      ".  .  .  .  .  .  x",
    P.DOCUMENTS_READ:           "x  x  x  x  .  .  x",
    P.DOCUMENTS_ADD:            ".  x  x  .  .  .  x",
    P.UPLOAD_LINKS_MANAGE:      ".  x  x  .  .  .  x",
    P.LEGAL_HOLDS_MANAGE:       ".  .  x  x  .  .  .",
    P.RETENTION_MANAGE:         ".  .  .  x  .  .  .",
    P.ASSESSMENT_READ:          "x  x  x  x  .  .  .",
    P.ASSESSMENT_PREPARE:       ".  x  x  .  .  .  .",
    P.PARAMETERS_READ:          "x  x  x  x  .  .  .",
    P.PARAMETERS_MANAGE:        ".  .  .  x  .  .  .",
    P.FILE_CHECK_MANAGE:        ".  .  .  x  .  .  .",
    P.DELIVERIES_MONITOR:       ".  .  .  x  .  x  .",
    P.OCKTO_DELIVER:            ".  .  .  .  .  .  x",
    P.CORRESPONDENCE_READ:      "x  x  x  x  .  .  x",
    P.CORRESPONDENCE_SEND:      ".  x  x  x  .  .  .",
    P.TEMPLATES_READ:           "x  x  x  x  .  .  .",
    P.TEMPLATES_MANAGE:         ".  .  .  x  .  .  .",
    P.CAMPAIGNS_READ:           "x  x  x  x  .  x  .",
    P.CAMPAIGNS_MANAGE:         ".  x  x  x  .  .  .",
    P.LICENCES_READ:            "x  x  x  x  x  x  .",
    P.LICENCES_MANAGE:          ".  .  .  .  .  x  .",
}  # fmt: skip
"""The permission table as it stands (`contracts.permissions.ROLES_OF`), pinned: a change of
who holds what is a visible change here, not only there."""

SERVICE_SECRET = DEVELOPMENT_SECRET
"""The internal token secret of the services in `services.py` (their default settings)."""


def _apps() -> dict[str, FastAPI]:
    """Each app as its factory builds it (nothing connects until a lifespan starts)."""
    return {
        "cases": create_cases_app(CasesSettings()),
        "intake": create_intake_app(IntakeSettings()),
        "documents": create_documents_app(DocumentsSettings()),
        "assessment": create_assessment_app(AssessmentSettings()),
        "correspondence": create_correspondence_app(CorrespondenceSettings()),
        "gateway": create_gateway_app(GatewaySettings()),
    }


def _entries(table: dict[str, Permission | None]) -> list[tuple[str, str, Permission | None]]:
    return [(*key.split(" ", 1), permission) for key, permission in table.items()]


def _url(path: str) -> str:
    """The path with every parameter filled (an id no record has: allowed roles get 404)."""
    return (
        path.replace("{case_id}", _ANY)
        .replace("{quarantine_id}", _ANY)
        .replace("{import_id}", _ANY)
        .replace("{user_id}", _ANY)
        .replace("{action}", "uitschakelen")
        .replace("{document_id}", _ANY)
        .replace("{link_id}", _ANY)
        .replace("{code}", "0363")
        .replace("{session_id}", "oks_0000000000000000")
        .replace("{letter_id}", _ANY)
        .replace("{kind}", "acknowledgement")
        .replace("{channel}", "email")
        .replace("{campaign}", "Heronderzoek 2027")
        .replace("{day}", "2026-12-01")
        .replace("{parked_id}", _ANY)
        .replace("{service}", "cases")
    )


def _refused(permission: Permission, role: Role, answer: httpx.Response, where: str) -> None:
    expected = role not in ROLES_OF[permission]
    assert (answer.status_code == 403) is expected, (
        f"{where} as {role}: {answer.status_code}, the table says "
        f"{'refused' if expected else 'allowed'} ({permission}); {answer.text[:200]}"
    )


def test_the_roles_of_each_permission_are_the_pinned_matrix() -> None:
    assert set(MATRIX) == set(Permission)
    assert tuple(role.value for role in Role) == ROLE_COLUMNS
    for permission, row in MATRIX.items():
        pinned = {Role(r) for r, cell in zip(ROLE_COLUMNS, row.split(), strict=True) if cell == "x"}
        assert ROLES_OF[permission] == pinned, permission


def test_every_route_declares_what_the_table_says() -> None:
    for name, app in _apps().items():
        declared = {f"{r.method} {r.path}": r.access for r in api_routes(app)}
        missing = sorted(set(declared) - set(TABLE[name]))
        assert not missing, f"{name}: routes without an entry in TABLE: {missing}"
        gone = sorted(set(TABLE[name]) - set(declared))
        assert not gone, f"{name}: TABLE names routes the app does not have: {gone}"
        for key, access in declared.items():
            assert len(access) == 1, f"{name} {key} declares {list(access) or 'nothing'}"
            expected = TABLE[name][key]
            if expected is OPEN:
                assert isinstance(access[0], Public), f"{name} {key}: {access[0]} is not open"
            else:
                assert access[0] == expected, f"{name} {key}: {access[0]}, table: {expected}"


def _token(role: Role) -> dict[str, str]:
    principal = Principal(
        subject=f"test:{role}",
        organisation="platform" if role in (Role.OPERATOR, Role.SYSTEM) else "0363",
        role=role,
        municipalities=() if role in (Role.OPERATOR, Role.SYSTEM) else ("0363",),
        all_municipalities=role in (Role.OPERATOR, Role.SYSTEM),
    )
    return {TOKEN_HEADER: issue_token(principal, secret=SERVICE_SECRET)}


@pytest.mark.parametrize("service", ["cases", "intake"])
async def test_each_service_refuses_exactly_the_roles_the_table_refuses(
    services: Services, service: str
) -> None:
    async with services.client(service) as client:
        for method, path, permission in _entries(TABLE[service]):
            if permission is OPEN:
                body = {"offset_seconds": 0} if path == "/testing/clock" else None
                answer = await client.request(method, path, json=body)
                assert answer.status_code == 200, f"{service} {path} is open: {answer.text}"
                continue
            for role in Role:
                answer = await client.request(method, _url(path), headers=_token(role))
                _refused(permission, role, answer, f"{service} {method} {path}")


async def _keys(make_key: MakeKey) -> dict[Role, str]:
    return {
        role: await make_key("platform" if role is Role.OPERATOR else "0363", role.value)
        for role in STAFF_ROLES
    }


async def test_the_public_api_refuses_exactly_the_roles_the_table_refuses(
    client: httpx.AsyncClient, make_key: MakeKey
) -> None:
    keys = await _keys(make_key)
    for method, path, permission in _entries(TABLE["gateway"]):
        if not path.startswith("/api/"):
            continue
        if permission is OPEN:
            if path != "/api/v1/intake/applications":
                continue  # Ockto's signed callback: tests/test_assessment_path.py and others
            # Open to the website without an API key: the signature is what counts.
            accepted = await post_as_website(client, website_body("0363"))
            assert accepted.status_code == 202, accepted.text
            continue
        for role, key in keys.items():
            params = {"municipality": "0363"} if path.endswith("/overview") else None
            answer = await client.request(method, _url(path), headers=bearer(key), params=params)
            _refused(permission, role, answer, f"gateway {method} {path}")


@pytest.fixture
async def signed_in(
    settings: GatewaySettings, seeded: Database, services: Services
) -> AsyncIterator[dict[Role, httpx.AsyncClient]]:
    """A signed-in browser session of each staff role (its own cookie jar each)."""
    async with gateway_before(services, settings) as (app, _):
        sessions: dict[Role, httpx.AsyncClient] = {}
        try:
            for role in STAFF_ROLES:
                organisation = "platform" if role is Role.OPERATOR else "0363"
                secret = pyotp.random_base32(32)
                username = f"tabel.{role.value.replace('_', '-')}.{uuid.uuid4().hex[:6]}@x"
                async with seeded.transaction() as session:
                    await accounts.create_user(
                        session,
                        box=SecretBox(UiSettings().totp_encryption_key),
                        username=username,
                        organisation_id=organisation,
                        role=role.value,
                        display_name="Tabel",
                        password=PASSWORD,
                        totp_secret=secret,
                        must_change_password=False,
                    )
                browser = httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=app), base_url="http://gw"
                )
                sessions[role] = browser
                home = await log_in(browser, Account(username, PASSWORD, secret))
                assert home.status_code in (200, 403), home.text
            yield sessions
        finally:
            for browser in sessions.values():
                await browser.aclose()


async def test_the_staff_screens_refuse_exactly_the_roles_the_table_refuses(
    signed_in: dict[Role, httpx.AsyncClient],
) -> None:
    csrf = {
        role: csrf_of(await browser.get("/ui/wachtwoord")) for role, browser in signed_in.items()
    }
    for method, path, permission in _entries(TABLE["gateway"]):
        if not path.startswith("/ui/") or permission is OPEN:
            continue
        for role, browser in signed_in.items():
            answer = await browser.request(method, _url(path), headers={"X-CSRF-Token": csrf[role]})
            _refused(permission, role, answer, f"screen {method} {path}")
            if answer.status_code == 403:
                assert "Geen toegang" in answer.text


async def test_the_open_screens_answer_without_a_session(client: httpx.AsyncClient) -> None:
    for method, path, permission in _entries(TABLE["gateway"]):
        if permission is OPEN and method == "GET" and not path.startswith(("/api/", "/inwoner/")):
            answer = await client.get(path)
            assert answer.status_code in (200, 303), f"{path}: {answer.status_code}"
