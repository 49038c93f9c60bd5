"""Authorisation as ONE table: named permissions, and which roles hold each.

Every route of every service declares the one permission it needs with
`servicekit.auth.require(Permission.X)` (the gateway: `gateway.security.require`, its staff
screens `gateway.ui.web.require`), or says why it is open with `servicekit.auth.public(reason)`.
Nothing else decides by role: the workflow's and the exports' role sets are read from here
(`roles_with`). `gateway/tests/integration/test_authorization_table.py` calls every route of
every app as every role and fails on a route that declares nothing.

A new service adds its permissions to `Permission` and `ROLES_OF` below (one line each), and
declares them on its routes; `system` gets a permission only where a service must call another
for itself (e.g. correspondence storing a letter in documents).
"""

from __future__ import annotations

from enum import StrEnum
from types import MappingProxyType
from typing import Final

from contracts.vocabulary import Role


class Permission(StrEnum):
    OVERVIEW_READ = "overview.read"
    """Counts per status category: no personal data."""
    CASES_READ = "cases.read"
    """Case files: lists and searches (by name or BSN), the household, history, memos."""
    CASES_HANDLE = "cases.handle"
    """Status changes the workflow allows, holds, assignment."""
    CASES_DECIDE = "cases.decide"
    """The workflow's decisions: grant, reject, not processed, restore an aborted case."""
    MEMOS_WRITE = "memos.write"
    CASES_EXPORT = "cases.export"
    """The filtered case list as CSV or XLSX."""
    CASES_EXPORT_BSN = "cases.export_bsn"
    """The applicant's BSN as a column of the export (a BSN in a spreadsheet is easily copied
    beyond the case file)."""
    AUDIT_READ = "audit.read"
    """The access log and the security log."""
    SECURITY_LOG_READ = "security_log.read"
    """The security log (logins, account changes) of the caller's own organisation."""
    QUARANTINE_MANAGE = "quarantine.manage"
    """Intake's rejected messages: read (raw bodies: personal data), reprocess, discard."""
    PARKED_MANAGE = "parked.manage"
    """Every service's parked (dead-lettered) messages: list (reason and headers, never the
    body), replay, discard."""
    IMPORTS_CREATE = "imports.create"
    """Upload a re-examination file and follow its per-row report."""
    USERS_MANAGE = "users.manage"
    """Staff accounts of the caller's own organisation."""
    MUNICIPALITIES_READ = "municipalities.read"
    """The customer municipalities a service knows (reference data)."""
    APPLICATIONS_SUBMIT = "applications.submit"
    """Hand intake an application from the website (the gateway, for the website's signed
    request)."""
    DOCUMENTS_READ = "documents.read"
    """A case's documents: the list, metadata and content (evidence holds personal data)."""
    DOCUMENTS_ADD = "documents.add"
    """Store a document for a case: received by post, a generated letter, an Ockto source."""
    UPLOAD_LINKS_MANAGE = "upload_links.manage"
    """Make and withdraw a resident's personal upload link."""
    LEGAL_HOLDS_MANAGE = "legal_holds.manage"
    """Stop (and release) the removal of a case's documents after their retention period."""
    RETENTION_MANAGE = "retention.manage"
    """The municipality's retention periods."""
    ASSESSMENT_READ = "assessment.read"
    """A case's data sessions, income and asset data, the advice and the decision."""
    ASSESSMENT_PREPARE = "assessment.prepare"
    """Start a data session, enter data by hand, have the advice computed again."""
    PARAMETERS_READ = "parameters.read"
    """The municipality's income and asset parameters (no personal data)."""
    PARAMETERS_MANAGE = "parameters.manage"
    """Add a parameter version."""
    FILE_CHECK_MANAGE = "file_check.manage"
    """Upload the municipality's file check (a list of residents known to qualify)."""
    DELIVERIES_MONITOR = "deliveries.monitor"
    """The Ockto deliveries that were refused, with their reasons (no personal data)."""
    OCKTO_DELIVER = "ockto.deliver"
    """Hand the assessment service an Ockto delivery (the gateway, for Ockto's signed call)."""
    CORRESPONDENCE_READ = "correspondence.read"
    """A case's letters and e-mails, their content, bounces and schedules."""
    CORRESPONDENCE_SEND = "correspondence.send"
    """Ask for information with a term, record contact preferences, fetch the print batch."""
    TEMPLATES_READ = "templates.read"
    """The municipality's templates, house style and merge fields."""
    TEMPLATES_MANAGE = "templates.manage"
    """Edit templates and the house style."""
    CAMPAIGNS_READ = "campaigns.read"
    """A campaign's progress (counts only, no personal data)."""
    CAMPAIGNS_MANAGE = "campaigns.manage"
    """Start, pause and resume a re-examination campaign."""
    LICENCES_READ = "licences.read"
    """A municipality's licence, add-ons and the features they include (no personal data)."""
    LICENCES_MANAGE = "licences.manage"
    """Set a municipality's licence and add-ons (the platform's operators)."""


_R = Role
_STAFF_READERS = frozenset(
    {_R.RAADPLEGER, _R.BEHANDELAAR, _R.BESLISSER, _R.FUNCTIONEEL_BEHEERDER, _R.AUDITOR}
)

_HANDLERS = frozenset({_R.BEHANDELAAR, _R.BESLISSER})
_CASE_WORKERS = _HANDLERS | {_R.FUNCTIONEEL_BEHEERDER}

ROLES_OF: Final[MappingProxyType[Permission, frozenset[Role]]] = MappingProxyType(
    {
        Permission.OVERVIEW_READ: _STAFF_READERS | {_R.OPERATOR},
        # The operator runs the platform and sees what is stuck, never a case file.
        Permission.CASES_READ: _STAFF_READERS,
        # A beslisser handles too, and besides may decide and restore.
        Permission.CASES_HANDLE: frozenset({_R.BEHANDELAAR, _R.BESLISSER}),
        Permission.CASES_DECIDE: frozenset({_R.BESLISSER}),
        Permission.MEMOS_WRITE: frozenset({_R.BEHANDELAAR, _R.BESLISSER, _R.FUNCTIONEEL_BEHEERDER}),
        # Auditors and operators have no business with case lists.
        Permission.CASES_EXPORT: frozenset(
            {_R.RAADPLEGER, _R.BEHANDELAAR, _R.BESLISSER, _R.FUNCTIONEEL_BEHEERDER}
        ),
        # Who handles or decides, and the beheerder who answers for the municipality's data;
        # not the raadpleger (read only).
        Permission.CASES_EXPORT_BSN: frozenset(
            {_R.BEHANDELAAR, _R.BESLISSER, _R.FUNCTIONEEL_BEHEERDER}
        ),
        # Who grants access (the beheerder) is not also the one who reviews its use.
        Permission.AUDIT_READ: frozenset({_R.AUDITOR}),
        # The beheerder answers for the accounts of the organisation, so reads their log
        # (not the access log of personal data: see AUDIT_READ).
        Permission.SECURITY_LOG_READ: frozenset({_R.AUDITOR, _R.FUNCTIONEEL_BEHEERDER}),
        Permission.QUARANTINE_MANAGE: frozenset({_R.FUNCTIONEEL_BEHEERDER, _R.OPERATOR}),
        # The platform's plumbing: no municipality's beheerder replays another's messages.
        Permission.PARKED_MANAGE: frozenset({_R.OPERATOR}),
        Permission.IMPORTS_CREATE: frozenset(
            {_R.BEHANDELAAR, _R.BESLISSER, _R.FUNCTIONEEL_BEHEERDER, _R.OPERATOR}
        ),
        Permission.USERS_MANAGE: frozenset({_R.FUNCTIONEEL_BEHEERDER}),
        Permission.MUNICIPALITIES_READ: frozenset(Role),
        Permission.APPLICATIONS_SUBMIT: frozenset({_R.SYSTEM}),
        # The services store letters and Ockto sources, and make links for their letters.
        Permission.DOCUMENTS_READ: _CASE_WORKERS | {_R.RAADPLEGER, _R.SYSTEM},
        Permission.DOCUMENTS_ADD: _HANDLERS | {_R.SYSTEM},
        Permission.UPLOAD_LINKS_MANAGE: _HANDLERS | {_R.SYSTEM},
        Permission.LEGAL_HOLDS_MANAGE: frozenset({_R.BESLISSER, _R.FUNCTIONEEL_BEHEERDER}),
        Permission.RETENTION_MANAGE: frozenset({_R.FUNCTIONEEL_BEHEERDER}),
        Permission.ASSESSMENT_READ: _CASE_WORKERS | {_R.RAADPLEGER},
        Permission.ASSESSMENT_PREPARE: _HANDLERS,
        Permission.PARAMETERS_READ: _CASE_WORKERS | {_R.RAADPLEGER},
        Permission.PARAMETERS_MANAGE: frozenset({_R.FUNCTIONEEL_BEHEERDER}),
        Permission.FILE_CHECK_MANAGE: frozenset({_R.FUNCTIONEEL_BEHEERDER}),
        Permission.DELIVERIES_MONITOR: frozenset({_R.FUNCTIONEEL_BEHEERDER, _R.OPERATOR}),
        Permission.OCKTO_DELIVER: frozenset({_R.SYSTEM}),
        Permission.CORRESPONDENCE_READ: _CASE_WORKERS | {_R.RAADPLEGER, _R.SYSTEM},
        Permission.CORRESPONDENCE_SEND: _CASE_WORKERS,
        Permission.TEMPLATES_READ: _CASE_WORKERS | {_R.RAADPLEGER},
        Permission.TEMPLATES_MANAGE: frozenset({_R.FUNCTIONEEL_BEHEERDER}),
        # Counts only: the operator watches a campaign that scales out.
        Permission.CAMPAIGNS_READ: _CASE_WORKERS | {_R.RAADPLEGER, _R.OPERATOR},
        Permission.CAMPAIGNS_MANAGE: _CASE_WORKERS,
        Permission.LICENCES_READ: _STAFF_READERS | {_R.OPERATOR},
        # The customer's contract: set by the platform, never by the municipality itself.
        Permission.LICENCES_MANAGE: frozenset({_R.OPERATOR}),
    }
)
"""The ONE mapping: permission → the roles that hold it."""

REFUSAL: Final[MappingProxyType[Permission, str]] = MappingProxyType(
    {
        Permission.OVERVIEW_READ: "geen overzicht inzien",
        Permission.CASES_READ: "geen cases inzien",
        Permission.CASES_HANDLE: "geen cases behandelen",
        Permission.CASES_DECIDE: "geen besluiten nemen",
        Permission.MEMOS_WRITE: "geen memo's toevoegen",
        Permission.CASES_EXPORT: "geen cases exporteren",
        Permission.CASES_EXPORT_BSN: "geen BSN exporteren",
        Permission.AUDIT_READ: "het auditlog niet inzien",
        Permission.SECURITY_LOG_READ: "het beveiligingslog niet inzien",
        Permission.QUARANTINE_MANAGE: "de quarantaine niet beheren",
        Permission.PARKED_MANAGE: "geen geparkeerde berichten beheren",
        Permission.IMPORTS_CREATE: "geen heronderzoeken importeren",
        Permission.USERS_MANAGE: "geen gebruikers beheren",
        Permission.MUNICIPALITIES_READ: "geen gemeenten opvragen",
        Permission.APPLICATIONS_SUBMIT: "geen aanvragen indienen",
        Permission.DOCUMENTS_READ: "geen documenten inzien",
        Permission.DOCUMENTS_ADD: "geen documenten toevoegen",
        Permission.UPLOAD_LINKS_MANAGE: "geen uploadlinks beheren",
        Permission.LEGAL_HOLDS_MANAGE: "geen bewaarplicht instellen",
        Permission.RETENTION_MANAGE: "geen bewaartermijnen beheren",
        Permission.ASSESSMENT_READ: "geen rechtmatigheidsgegevens inzien",
        Permission.ASSESSMENT_PREPARE: "geen gegevens voor het advies aanleveren",
        Permission.PARAMETERS_READ: "geen normen inzien",
        Permission.PARAMETERS_MANAGE: "geen normen wijzigen",
        Permission.FILE_CHECK_MANAGE: "geen bestandscheck uploaden",
        Permission.DELIVERIES_MONITOR: "geen geweigerde leveringen inzien",
        Permission.OCKTO_DELIVER: "geen Ockto-leveringen aanbieden",
        Permission.CORRESPONDENCE_READ: "geen brieven inzien",
        Permission.CORRESPONDENCE_SEND: "geen brieven versturen",
        Permission.TEMPLATES_READ: "geen sjablonen inzien",
        Permission.TEMPLATES_MANAGE: "geen sjablonen of huisstijl wijzigen",
        Permission.CAMPAIGNS_READ: "geen campagnes inzien",
        Permission.CAMPAIGNS_MANAGE: "geen campagnes starten of pauzeren",
        Permission.LICENCES_READ: "geen licenties inzien",
        Permission.LICENCES_MANAGE: "geen licenties wijzigen",
    }
)
"""What a role without the permission may not do, for the 403 message: 'Uw rol auditor mag
geen cases behandelen.'"""


def roles_with(permission: Permission) -> frozenset[Role]:
    """The roles that hold `permission`."""
    return ROLES_OF[permission]


def allows(role: Role | str, permission: Permission) -> bool:
    """Whether `role` holds `permission`."""
    return role in ROLES_OF[permission]


def permissions_of(role: Role) -> frozenset[Permission]:
    """Every permission `role` holds (e.g. for a screen that hides what a role cannot do)."""
    return frozenset(p for p, roles in ROLES_OF.items() if role in roles)
