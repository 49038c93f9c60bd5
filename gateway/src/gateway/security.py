"""Authentication of public API callers: a dependency that resolves a Principal.

Today only API keys (`Authorization: Bearer bo_...`); staff login adds another way later,
behind the same `Authenticated` dependency.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from contracts.permissions import allows
from gateway import apikeys
from servicekit.auth import Permission, Principal, forbidden, mark
from servicekit.runtime import ServiceRuntime

_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    description="An API key `bo_<id>_<secret>`, issued with `backoffice-admin api-key create`.",
)


def _unauthorized() -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED,
        "API-sleutel ontbreekt, is ongeldig of ingetrokken",
        headers={"WWW-Authenticate": "Bearer"},
    )


async def _authenticated(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None:
        raise _unauthorized()
    runtime: ServiceRuntime = request.app.state.runtime
    # A short transaction of its own: no connection is held while a service is called.
    async with runtime.database.transaction() as session:
        principal = await apikeys.authenticate(session, credentials.credentials)
    if principal is None:
        raise _unauthorized()
    return principal


Authenticated = Annotated[Principal, Depends(_authenticated)]


def require(permission: Permission) -> Callable[[Principal], Principal]:
    """The public API's declaration of a route's permission: the API key's role must hold it
    (403 otherwise, before anything is forwarded); the service behind checks it again."""

    def check(principal: Authenticated) -> Principal:
        if not allows(principal.role, permission):
            raise forbidden(principal.role, permission)
        return principal

    check.__name__ = f"api_key_{permission.value.replace('.', '_')}"
    mark(check, permission)
    return check
