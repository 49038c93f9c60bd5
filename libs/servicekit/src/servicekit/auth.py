"""The short-lived internal token the gateway signs and every service checks again itself.

The token says who acts (subject), for which organisation, in which role, and which
municipalities that organisation covers. Services enforce the scope in their own queries,
so a bug in the gateway cannot leak another municipality's case.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

import jwt
from fastapi import Depends, Header, HTTPException, Request, status
from pydantic import BaseModel, ConfigDict, Field

Role = Literal[
    "raadpleger",
    "behandelaar",
    "beslisser",
    "functioneel_beheerder",
    "auditor",
    "operator",
    "system",
]
ROLES: tuple[Role, ...] = (
    "raadpleger",
    "behandelaar",
    "beslisser",
    "functioneel_beheerder",
    "auditor",
    "operator",
    "system",
)
"""`system` is a service calling another service (`system_principal`); the gateway never gives
it to an API key or a staff user."""
ISSUABLE_ROLES: tuple[Role, ...] = tuple(role for role in ROLES if role != "system")
"""The roles of API keys and staff users."""
TOKEN_HEADER = "X-Internal-Token"  # noqa: S105 - a header name
_AUDIENCE = "backoffice-services"
_ISSUER = "backoffice-gateway"
_ALGORITHM = "HS256"


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


def system_principal(service_name: str, *, purpose: str = "case_handling") -> Principal:
    """Who a service is when it calls another service's internal API itself."""
    return Principal(
        subject=f"service:{service_name}",
        organisation="platform",
        role="system",
        all_municipalities=True,
        purpose=purpose,
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
        "role": principal.role,
        "mun": list(principal.municipalities),
        "all": principal.all_municipalities,
        "pur": principal.purpose,
    }
    return jwt.encode(claims, secret, algorithm=_ALGORITHM)


class InvalidTokenError(Exception):
    pass


def read_token(token: str, *, secret: str) -> Principal:
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[_ALGORITHM],
            audience=_AUDIENCE,
            issuer=_ISSUER,
            options={"require": ["exp", "iat", "sub", "aud", "iss"]},
        )
        return Principal(
            subject=claims["sub"],
            organisation=claims["org"],
            role=claims["role"],
            municipalities=tuple(claims.get("mun", ())),
            all_municipalities=bool(claims.get("all", False)),
            purpose=claims.get("pur", "case_handling"),
        )
    except (jwt.PyJWTError, KeyError, ValueError) as error:
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


def require_roles(*roles: Role) -> Callable[[Principal], Principal]:
    """A dependency that admits only the given roles (403 for the others)."""

    def check(principal: CurrentPrincipal) -> Principal:
        if principal.role not in roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "your role does not allow this")
        return principal

    return check
