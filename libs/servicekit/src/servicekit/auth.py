"""The short-lived internal token, and how every route says who may call it.

The token says who acts (subject), for which organisation, in which role, and which
municipalities that organisation covers. The gateway signs it for staff and API keys; a
service signs one for itself (`system_principal`, role `system`) to call another service
(`servicekit.peers.Peer`). Every service checks the token again itself and enforces the scope
in its own queries, so a bug in the gateway cannot leak another municipality's case. Its
claims are validated strictly (`Claims`): an unknown role, a string where a boolean belongs or
a malformed municipality code make the token invalid (401).

Every route declares its access in one of two ways, so a test can tell "forgotten" from "open":

    Reader = Annotated[Principal, Depends(require(Permission.CASES_READ))]

    @router.get("/cases/{case_id}")
    async def get_case(case_id: uuid.UUID, principal: Reader) -> CaseDetail: ...

    @router.get("/health/live", dependencies=[Depends(public("liveness probe"))])

`require` answers 403 with a Dutch sentence to a role the permission table
(`contracts.permissions.ROLES_OF`) does not allow; `route_access(route)` reads what a route
declared (see `gateway/tests/integration/test_authorization_table.py`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Final

import jwt
from fastapi import Depends, FastAPI, Header, HTTPException, Request, status
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictStr,
    StringConstraints,
    ValidationError,
)

from contracts.permissions import REFUSAL, Permission, allows
from contracts.vocabulary import ROLE_LABEL, STAFF_ROLES, Role

__all__ = [
    "ROLES",
    "STAFF_ROLES",
    "TOKEN_HEADER",
    "Claims",
    "CurrentPrincipal",
    "DeclaredRoute",
    "InvalidTokenError",
    "Permission",
    "Principal",
    "Public",
    "Role",
    "api_routes",
    "forbidden",
    "issue_token",
    "public",
    "read_token",
    "require",
    "route_access",
    "system_principal",
]

ROLES: Final[tuple[Role, ...]] = tuple(Role)
"""Every role a token may carry, `system` included (people and API keys: `STAFF_ROLES`)."""
TOKEN_HEADER = "X-Internal-Token"  # noqa: S105 - a header name
PLATFORM: Final = "platform"
_AUDIENCE = "backoffice-services"
_ISSUER = "backoffice-gateway"
_ALGORITHM = "HS256"
_SERVICE_NAME = re.compile(r"^[a-z][a-z0-9-]{0,62}$")

MunicipalityCode = Annotated[StrictStr, StringConstraints(pattern=r"^[0-9]{4}$")]
Text = Annotated[StrictStr, StringConstraints(min_length=1, max_length=200)]


class Principal(BaseModel):
    """Who is asking, and which municipalities they may see (`all_municipalities` for platform)."""

    model_config = ConfigDict(frozen=True)

    subject: str
    organisation: str
    role: Role
    municipalities: tuple[str, ...] = ()
    all_municipalities: bool = False
    purpose: str = Field("case_handling", description="processing activity, for the access log")

    def may_see(self, municipality_code: str | None) -> bool:
        if self.all_municipalities:
            return True
        return municipality_code is not None and municipality_code in self.municipalities

    def visible(self, requested: Iterable[str]) -> tuple[str, ...]:
        """The requested municipalities, all of which must be in scope (else 404 upstream)."""
        return tuple(code for code in requested if self.may_see(code))


def system_principal(service_name: str, *, purpose: str = "system") -> Principal:
    """A service acting for itself (role `system`, every municipality): for its calls to
    another service. Only routes whose permission grants `system` admit it."""
    if not _SERVICE_NAME.fullmatch(service_name):
        raise ValueError(f"not a service name: {service_name!r}")
    return Principal(
        subject=f"service:{service_name}",
        organisation=PLATFORM,
        role=Role.SYSTEM,
        all_municipalities=True,
        purpose=purpose,
    )


class Claims(BaseModel):
    """The token's own claims, strictly typed: anything else makes the token invalid."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    sub: Text
    org: Text
    role: Role
    mun: tuple[MunicipalityCode, ...]
    all: StrictBool
    pur: Text

    def principal(self) -> Principal:
        return Principal(
            subject=self.sub,
            organisation=self.org,
            role=self.role,
            municipalities=self.mun,
            all_municipalities=self.all,
            purpose=self.pur,
        )


def issue_token(principal: Principal, *, secret: str, ttl_seconds: int = 60) -> str:
    now = datetime.now(UTC)
    claims = {
        "iss": _ISSUER,
        "aud": _AUDIENCE,
        "iat": now,
        "exp": now + timedelta(seconds=ttl_seconds),
        "sub": principal.subject,
        "org": principal.organisation,
        "role": principal.role.value,
        "mun": list(principal.municipalities),
        "all": principal.all_municipalities,
        "pur": principal.purpose,
    }
    return jwt.encode(claims, secret, algorithm=_ALGORITHM)


class InvalidTokenError(Exception):
    pass


def read_token(token: str, *, secret: str) -> Principal:
    """The Principal of a valid token; InvalidTokenError for a bad signature, an expired
    token, or claims of the wrong type or value."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[_ALGORITHM],
            audience=_AUDIENCE,
            issuer=_ISSUER,
            options={"require": ["exp", "iat", "sub", "aud", "iss"]},
        )
        return Claims.model_validate(claims).principal()
    except (jwt.PyJWTError, ValidationError) as error:
        raise InvalidTokenError(str(error)) from error


def _principal(
    request: Request, token: Annotated[str | None, Header(alias=TOKEN_HEADER)] = None
) -> Principal:
    if not token:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "internal token missing")
    secret: str = request.app.state.internal_token_secret
    try:
        return read_token(token, secret=secret)
    except InvalidTokenError:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "internal token invalid or expired"
        ) from None


CurrentPrincipal = Annotated[Principal, Depends(_principal)]
"""Any valid token, whatever its role: for `require` and the like, not for routes themselves."""

# ---- what a route declares -------------------------------------------------------------

ACCESS_MARK: Final = "__backoffice_access__"
"""The attribute by which `require`/`public` (and the gateway's own variants) mark the
dependency they return; `route_access` finds it in a route's dependency tree."""


class Public(str):
    """The reason a route is deliberately open to any caller (no role is checked)."""

    __slots__ = ()


def refusal(role: Role | str, permission: Permission) -> str:
    """The 403 sentence, e.g. 'Uw rol auditor mag geen cases behandelen.'"""
    try:
        label = ROLE_LABEL[Role(role)].lower()
    except ValueError:
        label = str(role)
    return f"Uw rol {label} mag {REFUSAL[permission]}."


def forbidden(role: Role | str, permission: Permission) -> HTTPException:
    return HTTPException(status.HTTP_403_FORBIDDEN, refusal(role, permission))


def mark(dependency: Callable[..., Any], access: Permission | Public) -> None:
    """Mark a dependency as a route's access declaration (for `route_access`)."""
    setattr(dependency, ACCESS_MARK, access)


def require(permission: Permission) -> Callable[[Principal], Principal]:
    """The dependency that admits the roles holding `permission` (403 for the others) and
    returns the caller's Principal."""

    def check(principal: CurrentPrincipal) -> Principal:
        if not allows(principal.role, permission):
            raise forbidden(principal.role, permission)
        return principal

    check.__name__ = f"require_{permission.value.replace('.', '_')}"
    mark(check, permission)
    return check


def public(reason: str) -> Callable[[], None]:
    """The dependency that declares a route open on purpose, and why (health probes, the
    website's HMAC-signed intake); use as `dependencies=[Depends(public("..."))]`."""
    if not reason.strip():
        raise ValueError("say why the route is open")

    def open_route() -> None:
        return None

    mark(open_route, Public(reason))
    return open_route


def _marks(dependant: Dependant) -> list[Permission | Public]:
    found: list[Permission | Public] = []
    access = getattr(dependant.call, ACCESS_MARK, None)
    if isinstance(access, Permission | Public):
        found.append(access)
    for sub in dependant.dependencies:
        found.extend(_marks(sub))
    return found


def route_access(route: Any) -> list[Permission | Public]:
    """What the route (an APIRoute, or one of `api_routes`) declared: one permission or one
    public reason; more than one, or none, is a mistake the authorisation test reports."""
    dependant: Dependant | None = getattr(route, "dependant", None)
    return [] if dependant is None else list(dict.fromkeys(_marks(dependant)))


@dataclass(frozen=True)
class DeclaredRoute:
    """One API route of an app as it is served (router prefixes and dependencies applied)."""

    method: str
    path: str
    access: tuple[Permission | Public, ...]


def api_routes(app: FastAPI) -> list[DeclaredRoute]:
    """Every (method, path) of the app's API routes, with what each declared; FastAPI's own
    documentation pages (`/docs`, `/openapi.json`) are plain routes and not listed."""
    found: list[DeclaredRoute] = []
    for context in iter_route_contexts(app.routes):
        if not isinstance(context.original_route, APIRoute):
            continue
        access = tuple(route_access(context))
        found.extend(
            DeclaredRoute(method, str(context.path), access)
            for method in sorted(context.methods or ())
        )
    return found
