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
from gateway.main import create_app
from servicekit.auth import Public, api_routes

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


@pytest.fixture(scope="session")
def keys(system: LocalSystem) -> dict[Role, str]:
    """An API key of each staff role: of Amsterdam, the operator's of the platform."""
    return {
        role: system.admin(
            "api-key", "create", "--org", "platform" if role is Role.OPERATOR else "0363",
            "--role", role.value,
        ).strip()
        for role in STAFF_ROLES
    }  # fmt: skip


schema = schemathesis.openapi.from_dict(create_app().openapi())
"""The document the gateway serves at `/openapi.json`, built by the same code (so the operations
are known when pytest collects, before the system runs); the calls go to the running gateway."""


@schema.parametrize()
@settings(
    max_examples=8,
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
