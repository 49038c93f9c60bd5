"""The gateway's public API answers what its OpenAPI document says, and never a 5xx.

Schemathesis generates requests for every operation of the gateway's OpenAPI document
(in front of the real cases and intake services, all started as processes, see `conftest.py`),
a few examples each, and validates every answer: no server error, a documented status code,
the documented content type and headers, and a body that matches the documented schema
(refusals `{"detail": str}`, validation errors FastAPI's list). Each operation is called with an
API key of a role that holds the operation's permission (the permission table), so the calls
get past authorisation and reach the services.
"""

from __future__ import annotations

import asyncio
from functools import cache
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from contracts.permissions import ROLES_OF, Permission
from contracts.vocabulary import STAFF_ROLES, Role
from demodata.system import LocalSystem
from gateway import apikeys
from gateway.main import create_app
from servicekit.auth import Public, api_routes
from servicekit.db import Database

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    unsupported_method,
]


@cache
def _permissions() -> dict[tuple[str, str], Permission | None]:
    """(METHOD, path) → the permission the gateway's route declares (None: open)."""
    return {
        (route.method, route.path): None
        if isinstance(route.access[0], Public)
        else Permission(route.access[0])
        for route in api_routes(create_app())
    }


async def _make_keys(database_url: str) -> dict[Role, str]:
    database = Database(database_url, pool_size=1)
    try:
        async with database.transaction() as session:
            made = {
                role: await apikeys.create_key(
                    session,
                    organisation_id="platform" if role is Role.OPERATOR else "0363",
                    role=role.value,
                    label="schemathesis",
                )
                for role in STAFF_ROLES
            }
    finally:
        await database.dispose()
    return {role: new.token for role, (new, _) in made.items()}


@pytest.fixture(scope="session")
def keys(system: LocalSystem) -> dict[Role, str]:
    """An API key of each staff role: of Amsterdam, the operator's of the platform (made in
    the gateway's database as the admin CLI makes them, without a process per key)."""
    return asyncio.run(_make_keys(system.database_url("gateway")))


schema = schemathesis.openapi.from_dict(create_app().openapi())
"""The document the gateway serves at `/openapi.json`, built by the same code (so the operations
are known when pytest collects, before the system runs); the calls go to the running gateway."""


@schema.parametrize()
@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_every_operation_answers_as_documented(
    case: Any, keys: dict[Role, str], system: LocalSystem
) -> None:
    permission = _permissions().get((case.method.upper(), case.operation.path))
    headers: dict[str, str] = {}
    if permission is not None:
        role = next(role for role in STAFF_ROLES if role in ROLES_OF[permission])
        headers["Authorization"] = f"Bearer {keys[role]}"
    case.call_and_validate(
        base_url=system.url("gateway"), headers=headers, checks=CHECKS, timeout=30
    )
