"""Gebruikers: a functioneel beheerder manages the accounts of their own organisation.

An account of another organisation answers 404, as if it did not exist. A beheerder does
not change their own account here (another beheerder, or the admin CLI, does), so an
organisation never loses its last beheerder by a slip; nor makes or changes an auditor (the
admin CLI does), so whoever manages accounts cannot also read, or silence, the auditlog.
Every change is in the security audit.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.audit.service import Actor, user_ref
from gateway.client_address import client_address_of
from gateway.staff import accounts, repository
from gateway.staff.models import User
from gateway.ui.labels import ROLES
from gateway.ui.web import (
    PageNotFoundError,
    Staff,
    UserManager,
    now,
    render,
    runtime,
    secret_box,
)

router = APIRouter(prefix="/ui/gebruikers", include_in_schema=False)
ASSIGNABLE_ROLES = {
    role: label for role, label in ROLES.items() if role not in ("operator", "auditor")
}
MAX_NAME_LENGTH = 200
_DONE = {
    "rol": "De rol is gewijzigd. De gebruiker moet opnieuw inloggen.",
    "ontgrendelen": "Het account is ontgrendeld.",
    "uitschakelen": "Het account is uitgeschakeld; lopende sessies zijn beëindigd.",
    "inschakelen": "Het account is weer ingeschakeld.",
    "tweestapsverificatie-wissen": "De tweestapsverificatie is gewist. De gebruiker richt die "
    "bij de volgende keer inloggen opnieuw in.",
}
"""What the detail page says after each change (`?gedaan=`)."""
_OWN_ACCOUNT = (
    "Uw eigen account wijzigt u hier niet. Vraag een andere functioneel beheerder; uw "
    "wachtwoord wijzigt u onder Wachtwoord."
)
_TAKEN = "Deze gebruikersnaam is al in gebruik. Kies een andere."
_AUDITOR_ACCOUNT = (
    "Een auditor-account wijzigt u hier niet: dat doet de applicatiebeheerder, zodat wie "
    "accounts beheert niet ook het auditlog leest."
)


def _refusal(staff: Staff, user: User) -> str:
    """Why this account is not changed here; empty when it may be."""
    if user.id == staff.current.user.id:
        return _OWN_ACCOUNT
    if user.role == "auditor":
        return _AUDITOR_ACCOUNT
    return ""


def _actor(request: Request, staff: Staff) -> Actor:
    return Actor(user_ref(staff.current.user.username), client_address_of(request))


async def _managed(session: AsyncSession, staff: Staff, user_id: uuid.UUID) -> User:
    """An account of the beheerder's own organisation; any other answers 404."""
    user = await repository.get_user(session, user_id)
    if user is None or user.organisation != staff.current.user.organisation:
        raise PageNotFoundError
    return user


@router.get("")
async def users(request: Request, staff: UserManager) -> Response:
    async with runtime(request).database.transaction() as session:
        found = await repository.list_users_of(session, staff.current.user.organisation)
    return render(
        request, "users.html", staff=staff, active="gebruikers", users=found, moment=now(request)
    )


def _new_user_page(
    request: Request,
    staff: Staff,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    return render(
        request,
        "user_new.html",
        staff=staff,
        status_code=status_code,
        active="gebruikers",
        roles=ASSIGNABLE_ROLES,
        errors=errors or {},
        values=values or {},
    )


@router.get("/nieuw")
async def new_user_form(request: Request, staff: UserManager) -> Response:
    return _new_user_page(request, staff)


async def _new_user_problems(
    session: AsyncSession, *, username: str, display_name: str, role: str
) -> dict[str, str]:
    errors: dict[str, str] = {}
    problem = accounts.username_problem(username)
    if problem:
        errors["username"] = problem
    elif await repository.find_user(session, username) is not None:
        errors["username"] = _TAKEN
    if not display_name:
        errors["display_name"] = "Vul de naam in."
    elif len(display_name) > MAX_NAME_LENGTH:
        errors["display_name"] = f"Gebruik hoogstens {MAX_NAME_LENGTH} tekens."
    if role not in ASSIGNABLE_ROLES:
        errors["role"] = "Kies een rol."
    return errors


@router.post("/nieuw")
async def create_user(
    request: Request,
    staff: UserManager,
    username: Annotated[str, Form(max_length=200)] = "",
    display_name: Annotated[str, Form(max_length=1000)] = "",
    role: Annotated[str, Form(max_length=50)] = "",
) -> Response:
    values = {
        "username": username.strip().lower(),
        "display_name": " ".join(display_name.split()),
        "role": role,
    }
    new = None
    try:
        async with runtime(request).database.transaction() as session:
            errors = await _new_user_problems(session, **values)
            if not errors:
                new = await accounts.create_user(
                    session,
                    box=secret_box(request),
                    username=values["username"],
                    organisation_id=staff.current.user.organisation,
                    role=role,
                    display_name=values["display_name"],
                    password=None,
                    totp_secret=None,
                    by=_actor(request, staff),
                )
    except IntegrityError:  # the same name, made at the same moment by someone else
        errors = {"username": _TAKEN}
    if new is None or new.password is None:
        return _new_user_page(request, staff, status_code=400, errors=errors, values=values)
    return render(
        request,
        "user_password.html",
        staff=staff,
        active="gebruikers",
        title="Gebruiker aangemaakt",
        first_login=True,
        username=new.username,
        user_id=new.user_id,
        password=new.password,
    )


@router.get("/{user_id}")
async def user_detail(request: Request, staff: UserManager, user_id: uuid.UUID) -> Response:
    return await _detail_page(request, staff, user_id)


async def _detail_page(
    request: Request,
    staff: Staff,
    user_id: uuid.UUID,
    *,
    status_code: int = 200,
    failure: str = "",
) -> Response:
    async with runtime(request).database.transaction() as session:
        user = await _managed(session, staff, user_id)
    return render(
        request,
        "user.html",
        staff=staff,
        status_code=status_code,
        active="gebruikers",
        user=user,
        refusal=_refusal(staff, user),
        roles=ASSIGNABLE_ROLES,
        moment=now(request),
        failure=failure,
        done=_DONE.get(request.query_params.get("gedaan", ""), ""),
    )


Change = Callable[[AsyncSession, User, Actor], Awaitable[object]]


async def _change(
    request: Request, staff: Staff, user_id: uuid.UUID, change: Change, done: str
) -> Response:
    """Apply a change to another account of the organisation, then show it again."""
    async with runtime(request).database.transaction() as session:
        user = await _managed(session, staff, user_id)
        refusal = _refusal(staff, user)
        if not refusal:
            await change(session, user, _actor(request, staff))
    if refusal:
        return await _detail_page(request, staff, user_id, status_code=409, failure=refusal)
    return RedirectResponse(f"/ui/gebruikers/{user_id}?gedaan={done}", status_code=303)


@router.post("/{user_id}/rol")
async def change_role(
    request: Request,
    staff: UserManager,
    user_id: uuid.UUID,
    role: Annotated[str, Form(max_length=50)] = "",
) -> Response:
    if role not in ASSIGNABLE_ROLES:
        return await _detail_page(
            request, staff, user_id, status_code=400, failure="Kies een geldige rol."
        )

    async def set_role(session: AsyncSession, user: User, by: Actor) -> None:
        await accounts.set_role(session, username=user.username, role=role, by=by)

    return await _change(request, staff, user_id, set_role, "rol")


@router.post("/{user_id}/wachtwoord-herstellen")
async def reset_password(request: Request, staff: UserManager, user_id: uuid.UUID) -> Response:
    async with runtime(request).database.transaction() as session:
        user = await _managed(session, staff, user_id)
        refusal = _refusal(staff, user)
        password = None
        if not refusal:
            password = await accounts.reset_password(
                session, username=user.username, by=_actor(request, staff)
            )
    if password is None:
        return await _detail_page(request, staff, user_id, status_code=409, failure=refusal)
    return render(
        request,
        "user_password.html",
        staff=staff,
        active="gebruikers",
        title="Nieuw tijdelijk wachtwoord",
        first_login=False,
        username=user.username,
        user_id=str(user.id),
        password=password,
    )


_CHANGES: dict[str, Change] = {
    "ontgrendelen": lambda session, user, by: accounts.unlock(
        session, username=user.username, by=by
    ),
    "uitschakelen": lambda session, user, by: accounts.set_disabled(
        session, username=user.username, disabled=True, by=by
    ),
    "inschakelen": lambda session, user, by: accounts.set_disabled(
        session, username=user.username, disabled=False, by=by
    ),
    "tweestapsverificatie-wissen": lambda session, user, by: accounts.reset_mfa(
        session, username=user.username, by=by
    ),
}
"""The changes that need no more than the button: URL action -> what it does."""
_CONFIRMED = {"uitschakelen": "Vink aan dat u dit account wilt uitschakelen."}
"""The changes that also need the box ticked that confirms them (works without JavaScript)."""


@router.post("/{user_id}/{action}")
async def change_account(
    request: Request,
    staff: UserManager,
    user_id: uuid.UUID,
    action: str,
    bevestigd: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    if action not in _CHANGES:
        raise PageNotFoundError
    if action in _CONFIRMED and bevestigd != "ja":
        return await _detail_page(
            request, staff, user_id, status_code=400, failure=_CONFIRMED[action]
        )
    return await _change(request, staff, user_id, _CHANGES[action], action)
