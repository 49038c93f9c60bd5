"""The internal token's claims are validated strictly; routes declare their access."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import httpx
import jwt
import pytest
from fastapi import Depends, FastAPI

from servicekit.auth import (
    TOKEN_HEADER,
    InvalidTokenError,
    Permission,
    Principal,
    Public,
    Role,
    issue_token,
    public,
    read_token,
    require,
    route_access,
    system_principal,
)

SECRET = "unit-test-internal-token-secret-0123456789abcdef"


def hand_made(**overrides: Any) -> str:
    """A token signed with the right key, with claims as given (None: left out)."""
    now = datetime.now(UTC)
    claims: dict[str, Any] = {
        "iss": "backoffice-gateway",
        "aud": "backoffice-services",
        "iat": now,
        "exp": now + timedelta(seconds=60),
        "sub": "user:j.jansen",
        "org": "0363",
        "role": "behandelaar",
        "mun": ["0363"],
        "all": False,
        "pur": "case_handling",
    }
    claims.update(overrides)
    claims = {name: value for name, value in claims.items() if value is not None}
    return jwt.encode(claims, SECRET, algorithm="HS256")


def test_a_well_formed_token_gives_its_principal() -> None:
    principal = read_token(hand_made(), secret=SECRET)
    assert principal == Principal(
        subject="user:j.jansen",
        organisation="0363",
        role=Role.BEHANDELAAR,
        municipalities=("0363",),
        all_municipalities=False,
    )
    assert not principal.may_see("0599")


def test_issue_and_read_round_trip_for_every_role() -> None:
    for role in Role:
        principal = Principal(subject="s", organisation="o", role=role, municipalities=("0014",))
        assert read_token(issue_token(principal, secret=SECRET), secret=SECRET) == principal


@pytest.mark.parametrize(
    ("claims", "why"),
    [
        ({"all": "false"}, "the string 'false' is not a boolean (it read as true before)"),
        ({"all": "true"}, "nor is 'true'"),
        ({"all": 1}, "nor is 1"),
        ({"all": None}, "`all` is required"),
        ({"role": "superuser"}, "unknown role"),
        ({"role": "Behandelaar"}, "roles are exact"),
        ({"role": None}, "role is required"),
        ({"mun": "0363"}, "a string is not a list of codes"),
        ({"mun": ["363"]}, "a code has four digits"),
        ({"mun": ["0363 "]}, "exactly four digits"),
        ({"mun": [363]}, "a code is a string"),
        ({"mun": None}, "`mun` is required"),
        ({"org": ""}, "an organisation is named"),
        ({"sub": 42}, "a subject is a string"),
        ({"pur": None}, "the purpose is required"),
    ],
)
def test_claims_of_the_wrong_type_or_value_make_the_token_invalid(
    claims: dict[str, Any], why: str
) -> None:
    with pytest.raises(InvalidTokenError):
        read_token(hand_made(**claims), secret=SECRET)


def test_expired_or_foreign_tokens_are_invalid() -> None:
    with pytest.raises(InvalidTokenError):
        read_token(hand_made(exp=datetime.now(UTC) - timedelta(seconds=1)), secret=SECRET)
    with pytest.raises(InvalidTokenError):
        read_token(hand_made(), secret=SECRET[::-1])
    with pytest.raises(InvalidTokenError):
        read_token(hand_made(aud="someone-else"), secret=SECRET)


def test_system_principal_is_a_service_acting_for_itself() -> None:
    principal = system_principal("correspondence")
    assert principal.subject == "service:correspondence"
    assert principal.organisation == "platform"
    assert principal.role is Role.SYSTEM
    assert principal.all_municipalities
    assert read_token(issue_token(principal, secret=SECRET), secret=SECRET) == principal
    with pytest.raises(ValueError, match="not a service name"):
        system_principal("Correspondence Service")


Reader = Annotated[Principal, Depends(require(Permission.CASES_READ))]


def _app() -> FastAPI:
    app = FastAPI()
    app.state.internal_token_secret = SECRET

    @app.get("/cases")
    async def cases(principal: Reader) -> dict[str, str]:
        return {"subject": principal.subject}

    @app.get("/live", dependencies=[Depends(public("probe"))])
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/forgotten")
    async def forgotten() -> dict[str, str]:
        return {}

    return app


async def test_require_admits_the_permission_table_s_roles_only() -> None:
    app = _app()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        assert (await client.get("/cases")).status_code == 401
        bad = await client.get("/cases", headers={TOKEN_HEADER: hand_made(all="false")})
        assert bad.status_code == 401
        for role in Role:
            token = hand_made(role=role.value)
            answer = await client.get("/cases", headers={TOKEN_HEADER: token})
            if role in (Role.OPERATOR, Role.SYSTEM):
                assert answer.status_code == 403, role
                assert answer.json()["detail"].endswith("mag geen cases inzien.")
            else:
                assert answer.status_code == 200, role
    operator = hand_made(role="operator")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        refused = await client.get("/cases", headers={TOKEN_HEADER: operator})
    assert refused.json() == {"detail": "Uw rol operator mag geen cases inzien."}


def test_route_access_tells_declared_from_open_from_forgotten() -> None:
    routes = {route.path: route for route in _app().router.routes if hasattr(route, "dependant")}
    assert route_access(routes["/cases"]) == [Permission.CASES_READ]  # type: ignore[arg-type]
    assert route_access(routes["/live"]) == [Public("probe")]  # type: ignore[arg-type]
    assert route_access(routes["/forgotten"]) == []  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="say why"):
        public(" ")
