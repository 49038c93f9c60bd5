"""The UI's plumbing: templates, the signed-in staff member, CSRF, security headers, errors."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Annotated, Any, cast

from fastapi import Depends, Request, Response
from fastapi.responses import RedirectResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contracts.permissions import allows
from gateway.cases.deadline import deadline_of
from gateway.licences.service import MunicipalityLicenceView, features_of
from gateway.organisations import find_organisation, list_organisations
from gateway.scope import principal_for
from gateway.staff import sessions
from gateway.staff.totp import SecretBox
from gateway.ui.labels import CONTEXT_FILTERS, FILTERS
from gateway.ui.names import Names, load_names
from gateway.ui.settings import UiSettings
from servicekit.auth import Permission, Principal, Role, mark
from servicekit.runtime import ServiceRuntime

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
STATIC = Path(__file__).resolve().parents[1] / "static"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
LOGIN_CSRF_COOKIE = "bo_login_csrf"
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"strict-transport-security", b"max-age=31536000; includeSubDomains"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (
        b"permissions-policy",
        b"camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
    ),
)


def running_version() -> str:
    """The gateway's installed version, shown in every page's footer."""
    try:
        return version("backoffice-gateway")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "onbekend"


@cache
def make_templates() -> Jinja2Templates:
    """One environment per process, shared by its apps with the templates it has compiled:
    autoescape on, undefined names are errors."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(FILTERS)
    environment.filters.update(CONTEXT_FILTERS)
    environment.filters["decision_term"] = deadline_of
    environment.globals["app_version"] = running_version()
    return Jinja2Templates(env=environment)


class SecurityHeaders:
    """Adds the UI's security headers (and no-store for pages) to /ui, / and /static answers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not (path == "/" or path.startswith(("/ui", "/static/"))):
            await self.app(scope, receive, send)
            return
        static = path.startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if name.lower() not in {b"cache-control"} or static
                ]
                headers.extend(SECURITY_HEADERS)
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def now(request: Request) -> datetime:
    """The gateway's time: its runtime's clock, which end-to-end tests move (`PUT
    /testing/clock`) to let a session expire instead of waiting for it."""
    return runtime(request).clock.now()


def ui_settings(request: Request) -> UiSettings:
    return cast(UiSettings, request.app.state.ui_settings)


def secret_box(request: Request) -> SecretBox:
    return SecretBox(ui_settings(request).totp_encryption_key)


def runtime(request: Request) -> ServiceRuntime:
    return cast(ServiceRuntime, request.app.state.runtime)


async def municipalities_of(request: Request, staff: Staff) -> list[tuple[str, str]]:
    """(code, name) of the municipalities this user may see (an ISD user: its members), by name."""
    async with runtime(request).database.transaction() as session:
        organisations = await list_organisations(session)
    return sorted(
        (
            (o.id, o.name)
            for o in organisations
            if o.kind == "municipality" and staff.principal.may_see(o.id)
        ),
        key=lambda item: item[1],
    )


async def choose_municipality(
    request: Request, staff: Staff, *, path: str, template: str, active: str
) -> Response:
    """The page that picks one of the staff member's municipalities for `path`, skipped when
    there is only one."""
    municipalities = await municipalities_of(request, staff)
    if len(municipalities) == 1:
        return RedirectResponse(f"{path}/{municipalities[0][0]}", status_code=303)
    return render(request, template, staff=staff, active=active, municipalities=municipalities)


async def licence_of(request: Request, code: str) -> MunicipalityLicenceView:
    """The licence of municipality `code` (for an ISD user: the case's municipality), for a
    screen that shows what it does not include as "niet beschikbaar" with `.refusal(feature)`
    (the `_licence.html` macros), never as an error page."""
    async with runtime(request).database.transaction() as session:
        return await features_of(session, code)


def session_token(request: Request) -> str | None:
    return request.cookies.get(sessions.cookie_name(ui_settings(request)))


def set_session_cookie(response: Response, request: Request, token: str) -> None:
    settings = ui_settings(request)
    response.set_cookie(
        sessions.cookie_name(settings),
        token,  # no max-age: a browser-session cookie; the server enforces every timeout
        path="/",
        secure=settings.secure_cookies,
        httponly=True,
        samesite="strict",
    )


def clear_session_cookie(response: Response, request: Request) -> None:
    settings = ui_settings(request)
    response.delete_cookie(
        sessions.cookie_name(settings),
        path="/",
        secure=settings.secure_cookies,
        httponly=True,
        samesite="strict",
    )


class LoginRequiredError(Exception):
    """No live session (or one that still waits for its second factor)."""


class CsrfError(Exception):
    """A state-changing request without the session's CSRF token."""


class PageNotFoundError(Exception):
    """Answered with the 404 page, which says nothing about whether the thing exists."""


class ForbiddenError(Exception):
    """The role does not allow this page."""


class PasswordChangeRequiredError(Exception):
    """The account still has an initial password: only the password page and logout open."""


_OPEN_WITH_INITIAL_PASSWORD = frozenset({"/ui/wachtwoord", "/ui/uitloggen"})


@dataclass(frozen=True)
class Staff:
    """The signed-in staff member: session, account and the Principal services see."""

    current: sessions.Current
    principal: Principal
    organisation_name: str
    organisation_kind: str
    names: Names = field(default_factory=Names)
    """The names behind the codes services answer with (people, API keys, municipalities)."""

    @property
    def csrf_token(self) -> str:
        return self.current.session.csrf_token

    @property
    def role(self) -> str:
        return self.principal.role

    def may(self, permission: Permission | str) -> bool:
        """Whether the staff member's role holds the permission (screens hide the rest)."""
        return allows(self.principal.role, Permission(permission))


async def _resolve(request: Request, *, mfa_passed: bool) -> sessions.Current:
    async with runtime(request).database.transaction() as session:
        current = await sessions.resolve(
            session, session_token(request), settings=ui_settings(request), now=now(request)
        )
    if current is None or current.session.mfa_passed != mfa_passed:
        raise LoginRequiredError
    return current


async def _check_csrf(request: Request, current: sessions.Current) -> None:
    if request.method not in _UNSAFE:
        return
    submitted = request.headers.get(CSRF_HEADER)
    if submitted is None:
        form = await request.form()
        # An upload's spooled file is closed when the request ends, whatever the route does
        # (a refusal of the role or the token leaves it unread), as FastAPI does for its own.
        files = request.scope.get("fastapi_middleware_astack")
        if isinstance(files, AsyncExitStack):
            files.push_async_callback(form.close)
        value = form.get(CSRF_FIELD)
        submitted = value if isinstance(value, str) else None
    if not sessions.csrf_matches(current, submitted):
        raise CsrfError


async def _pending(request: Request) -> sessions.Current:
    """A session between password and second factor (CSRF checked on POST)."""
    current = await _resolve(request, mfa_passed=False)
    await _check_csrf(request, current)
    return current


async def _staff(request: Request) -> Staff:
    """The fully signed-in staff member (CSRF checked on every state-changing request)."""
    current = await _resolve(request, mfa_passed=True)
    await _check_csrf(request, current)
    if current.user.must_change_password and request.url.path not in _OPEN_WITH_INITIAL_PASSWORD:
        raise PasswordChangeRequiredError
    async with runtime(request).database.transaction() as session:
        organisation = await find_organisation(session, current.user.organisation)
        names = await load_names(session)
    principal = principal_for(
        organisation, subject=f"user:{current.user.username}", role=cast(Role, current.user.role)
    )
    return Staff(
        current=current,
        principal=principal,
        organisation_name=organisation.name,
        organisation_kind=organisation.kind,
        names=names,
    )


PendingLogin = Annotated[sessions.Current, Depends(_pending)]
SignedIn = Annotated[Staff, Depends(_staff)]


def require(permission: Permission) -> Callable[[Staff], Staff]:
    """A screen's declaration of its permission: the signed-in staff member's role must hold
    it (the 403 page otherwise). The permission table is `contracts.permissions`."""

    def check(staff: SignedIn) -> Staff:
        if not staff.may(permission):
            raise ForbiddenError
        return staff

    check.__name__ = f"staff_{permission.value.replace('.', '_')}"
    mark(check, permission)
    return check


OverviewStaff = Annotated[Staff, Depends(require(Permission.OVERVIEW_READ))]
CaseReader = Annotated[Staff, Depends(require(Permission.CASES_READ))]
CaseHandler = Annotated[Staff, Depends(require(Permission.CASES_HANDLE))]
MemoWriter = Annotated[Staff, Depends(require(Permission.MEMOS_WRITE))]
Exporter = Annotated[Staff, Depends(require(Permission.CASES_EXPORT))]
ImportStaff = Annotated[Staff, Depends(require(Permission.IMPORTS_CREATE))]
QuarantineStaff = Annotated[Staff, Depends(require(Permission.QUARANTINE_MANAGE))]
UserManager = Annotated[Staff, Depends(require(Permission.USERS_MANAGE))]
"""A beheerder manages the accounts of their own organisation (operators use the CLI)."""
AuditReader = Annotated[Staff, Depends(require(Permission.AUDIT_READ))]
DocumentReader = Annotated[Staff, Depends(require(Permission.DOCUMENTS_READ))]
DocumentAdder = Annotated[Staff, Depends(require(Permission.DOCUMENTS_ADD))]
AssessmentPreparer = Annotated[Staff, Depends(require(Permission.ASSESSMENT_PREPARE))]
Decider = Annotated[Staff, Depends(require(Permission.CASES_DECIDE))]
ParameterReader = Annotated[Staff, Depends(require(Permission.PARAMETERS_READ))]
ParameterManager = Annotated[Staff, Depends(require(Permission.PARAMETERS_MANAGE))]
LicenceManager = Annotated[Staff, Depends(require(Permission.LICENCES_MANAGE))]


def new_login_csrf() -> str:
    return secrets.token_urlsafe(32)


def render(
    request: Request,
    template: str,
    *,
    staff: Staff | None = None,
    status_code: int = 200,
    **context: Any,
) -> Response:
    """A page; the layout gets the staff member (or None) and the CSRF token."""
    templates: Jinja2Templates = request.app.state.ui_templates
    return templates.TemplateResponse(
        request,
        template,
        {
            "staff": staff,
            "csrf_token": staff.csrf_token if staff else context.pop("csrf_token", ""),
            "active": context.pop("active", ""),
            **context,
        },
        status_code=status_code,
    )
