"""Account administration: create accounts, reset their second factor or password, unlock,
change role, disable. The admin CLI and the users screens call the same functions.

Functions take the caller's session and never commit; every step writes an audit record in the
same transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import cast

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.apikeys import validate_role
from gateway.audit.service import CLI, Actor, record, record_account_step, user_ref
from gateway.errors import InvalidInputError
from gateway.organisations import find_organisation, validate_name
from gateway.staff import passwords, repository, totp
from gateway.staff.models import User
from servicekit.auth import Role

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@+-]{2,99}$")


@dataclass(frozen=True)
class NewUser:
    user_id: str
    username: str
    password: str | None
    """Only when it was generated: shown once, to whoever created the account."""


def username_problem(username: str) -> str | None:
    """What is wrong with the form of a username, in Dutch; None when it is fine."""
    if USERNAME.fullmatch(username.strip().lower()):
        return None
    return (
        "Gebruik 3 tot 100 tekens: kleine letters, cijfers en . _ @ + - "
        "(bijvoorbeeld j.jansen@gemeente)."
    )


async def create_user(
    session: AsyncSession,
    *,
    box: totp.SecretBox,
    username: str,
    organisation_id: str,
    role: str,
    display_name: str | None,
    password: str | None,
    totp_secret: str | None,
    must_change_password: bool = True,
    by: Actor = CLI,
) -> NewUser:
    """Add an account; a generated password when none is given. The password is an initial
    one (changed at the first login) unless `must_change_password` is off. `totp_secret`
    pre-enrols TOTP (demo and development only; the CLI refuses both in production).
    """
    username = username.strip().lower()
    if not USERNAME.fullmatch(username):
        raise InvalidInputError(
            f"username {username!r} is malformed: 3-100 of a-z, 0-9 and . _ @ + -"
        )
    if await repository.find_user(session, username) is not None:
        raise InvalidInputError(f"user {username!r} exists already")
    organisation = await find_organisation(session, organisation_id)
    checked_role = validate_role(role, organisation_kind=organisation.kind)
    name = validate_name(display_name or username)
    generated = passwords.generate_password() if password is None else None
    chosen = password if password is not None else cast(str, generated)
    problems = passwords.policy_problems(chosen, username=username, display_name=name)
    if problems:
        raise InvalidInputError("password refused: " + " ".join(problems))
    if totp_secret is not None and not totp.valid_secret(totp_secret):
        raise InvalidInputError("the TOTP secret must be base32 of at least 128 bits")
    user_id = await repository.add_user(
        session,
        username=username,
        municipality_code=organisation.id if organisation.kind == "municipality" else None,
        isd_id=organisation.id if organisation.kind == "isd" else None,
        role=checked_role,
        display_name=name,
        password_hash=passwords.hash_password(chosen),
        must_change_password=must_change_password,
        totp_secret_encrypted=box.seal(totp_secret.replace(" ", "").upper())
        if totp_secret
        else None,
        totp_enrolled=totp_secret is not None,
    )
    await record(
        session,
        action="user.create",
        object_=user_ref(username),
        result=f"success: {organisation.id}, {checked_role}",
        actor=by.ref,
        origin_ip=by.origin_ip,
        organisation=organisation.id,
    )
    return NewUser(user_id=str(user_id), username=username, password=generated)


async def _existing(session: AsyncSession, username: str) -> User:
    user = await repository.find_user(session, username, lock=True)
    if user is None:
        raise InvalidInputError(f"unknown user {username!r}")
    return user


async def reset_mfa(session: AsyncSession, *, username: str, by: Actor = CLI) -> None:
    """Forget the TOTP secret and recovery codes and end the sessions: enrol at next login."""
    user = await _existing(session, username)
    await repository.update_user(
        session,
        user.id,
        totp_secret_encrypted=None,
        totp_enrolled=False,
        totp_last_step=None,
        recovery_code_hashes=[],
    )
    await repository.delete_sessions_of(session, user.id)
    await record_account_step(session, user, by, "mfa.reset", "success")


async def unlock(session: AsyncSession, *, username: str, by: Actor = CLI) -> None:
    user = await _existing(session, username)
    await repository.update_user(session, user.id, failed_logins=0, locked_until=None)
    await record_account_step(session, user, by, "account.unlock", "success")


async def set_role(session: AsyncSession, *, username: str, role: str, by: Actor = CLI) -> str:
    """Change the role (sessions end, so the new role applies at once); the old role."""
    user = await _existing(session, username)
    organisation = await find_organisation(session, user.organisation)
    new_role: Role = validate_role(role, organisation_kind=organisation.kind)
    old_role = user.role
    await repository.update_user(session, user.id, role=new_role)
    await repository.delete_sessions_of(session, user.id)
    await record_account_step(
        session, user, by, "role.change", f"success: {old_role} -> {new_role}"
    )
    return old_role


async def set_disabled(
    session: AsyncSession, *, username: str, disabled: bool, by: Actor = CLI
) -> None:
    """Disable an account (its sessions end at once) or enable it again."""
    user = await _existing(session, username)
    await repository.update_user(session, user.id, disabled=disabled)
    if disabled:
        await repository.delete_sessions_of(session, user.id)
    await record_account_step(
        session, user, by, "account.disable" if disabled else "account.enable", "success"
    )


async def reset_password(session: AsyncSession, *, username: str, by: Actor = CLI) -> str:
    """A new generated initial password (to be changed at the next login), the lock lifted
    and the sessions ended; returns the password, which exists nowhere else."""
    user = await _existing(session, username)
    password = passwords.generate_password()
    await repository.update_user(
        session,
        user.id,
        password_hash=passwords.hash_password(password),
        password_changed_at=func.now(),
        must_change_password=True,
        failed_logins=0,
        locked_until=None,
    )
    await repository.delete_sessions_of(session, user.id)
    await record_account_step(session, user, by, "password.reset", "success")
    return password
