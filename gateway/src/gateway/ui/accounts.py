"""Staff accounts: password and TOTP checks with lock-out and throttling, and their upkeep.

Functions take the caller's session and never commit; every security-relevant step writes an
audit record in the same transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.apikeys import validate_role
from gateway.errors import InvalidInputError
from gateway.organisations import find_organisation, validate_name
from gateway.ui import passwords, repository, totp
from gateway.ui.audit import CLI, UNKNOWN_USER, Actor, record, user_ref
from gateway.ui.models import User
from gateway.ui.settings import UiSettings
from servicekit.auth import Role

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@+-]{2,99}$")


@dataclass(frozen=True)
class Context:
    """What every check needs: settings, the TOTP key box, the caller's address and the time."""

    settings: UiSettings
    box: totp.SecretBox
    origin_ip: str
    now: datetime


async def _audit(session: AsyncSession, user: User, by: Actor, action: str, result: str) -> None:
    """The security-audit record of a step on an existing account."""
    await record(
        session,
        action=action,
        object_=user_ref(user.username),
        result=result,
        actor=by.ref,
        origin_ip=by.origin_ip,
        organisation=user.organisation,
    )


def _themselves(ctx: Context, user: User) -> Actor:
    """The account's own holder, signing in or changing their account from `ctx`'s address."""
    return Actor(user_ref(user.username), ctx.origin_ip)


async def _failed(
    session: AsyncSession, ctx: Context, *, user: User | None, action: str, result: str
) -> None:
    """Count a failure against the address and the account; lock the account at the limit.

    The account's count is one conditional UPDATE: parallel attempts each count, and one
    that finds the account locked meanwhile is refused as locked instead.
    """
    await repository.add_login_failure(session, origin_ip=ctx.origin_ip, now=ctx.now)
    failures = None
    if user is not None and not result.startswith("refused"):
        failures = await repository.count_failure(session, user.id, now=ctx.now)
        if failures is None:
            result = "refused: locked"
    object_ = user_ref(user.username) if user else UNKNOWN_USER
    await record(
        session,
        action=action,
        object_=object_,
        result=result,
        actor=object_,
        origin_ip=ctx.origin_ip,
        organisation=user.organisation if user else None,
    )
    if (
        user is not None
        and failures is not None
        and failures >= ctx.settings.max_failures_per_account
    ):
        until = ctx.now + timedelta(minutes=ctx.settings.account_lock_minutes)
        await repository.lock_account(session, user.id, until=until)
        await _audit(
            session,
            user,
            Actor("system", ctx.origin_ip),
            "account.locked",
            f"locked for {ctx.settings.account_lock_minutes:g} minutes",
        )


async def _ip_throttled(session: AsyncSession, ctx: Context) -> bool:
    since = ctx.now - timedelta(minutes=ctx.settings.ip_window_minutes)
    failures = await repository.count_login_failures(session, origin_ip=ctx.origin_ip, since=since)
    return failures >= ctx.settings.max_failures_per_ip


def _locked(user: User, now: datetime) -> bool:
    return user.locked_until is not None and user.locked_until > now


async def check_password(
    session: AsyncSession, ctx: Context, *, username: str, password: str
) -> User | None:
    """The account when the password is right and nothing blocks it; None otherwise, always
    after about the same time, so the answer reveals neither the account nor its lock.
    """
    if await _ip_throttled(session, ctx):
        passwords.burn_time_like_a_verification(password)
        await _failed(
            session, ctx, user=None, action="login.password", result="refused: address throttled"
        )
        return None
    # No row lock while the hash is checked: failures count atomically (`_failed`), and the
    # second factor opens only an account that is open when its code is used.
    user = await repository.find_user(session, username)
    if user is None:
        passwords.burn_time_like_a_verification(password)
        await _failed(session, ctx, user=None, action="login.password", result="failure")
        return None
    if user.disabled:
        passwords.burn_time_like_a_verification(password)
        await _failed(session, ctx, user=user, action="login.password", result="refused: disabled")
        return None
    if _locked(user, ctx.now):
        passwords.burn_time_like_a_verification(password)
        await _failed(session, ctx, user=user, action="login.password", result="refused: locked")
        return None
    if not passwords.verify_password(password, user.password_hash):
        await _failed(session, ctx, user=user, action="login.password", result="failure")
        return None
    if passwords.needs_rehash(user.password_hash):
        await repository.update_user(
            session, user.id, password_hash=passwords.hash_password(password)
        )
    await _audit(session, user, _themselves(ctx, user), "login.password", "success")
    return user


async def check_second_factor(
    session: AsyncSession, ctx: Context, *, user: User, code: str
) -> bool:
    """A current TOTP code or an unused recovery code completes the login; each works once,
    also when sent twice at once (it is used up by one conditional UPDATE)."""
    if user.disabled or _locked(user, ctx.now) or await _ip_throttled(session, ctx):
        await _failed(session, ctx, user=user, action="login.mfa", result="refused: locked")
        return False
    if totp.looks_like_recovery_code(code):
        left = await repository.use_recovery_code(
            session, user.id, code_hash=totp.hash_recovery_code(code), now=ctx.now
        )
        if left is None:
            await _failed(session, ctx, user=user, action="login.mfa", result="failure")
            return False
        await _audit(
            session,
            user,
            _themselves(ctx, user),
            "login.mfa",
            f"success: recovery code ({left} left)",
        )
        return True
    secret = ctx.box.open(user.totp_secret_encrypted) if user.totp_secret_encrypted else None
    step = (
        totp.matching_step(secret, code, last_step=user.totp_last_step, now=ctx.now.timestamp())
        if secret and user.totp_enrolled
        else None
    )
    if step is None or not await repository.use_totp_step(session, user.id, step=step, now=ctx.now):
        await _failed(session, ctx, user=user, action="login.mfa", result="failure")
        return False
    await _audit(session, user, _themselves(ctx, user), "login.mfa", "success")
    return True


async def pending_totp_secret(session: AsyncSession, ctx: Context, *, user: User) -> str:
    """The secret being enrolled; made (and stored encrypted) on the first visit."""
    if user.totp_enrolled:
        raise InvalidInputError("TOTP is already set up for this account")
    secret = ctx.box.open(user.totp_secret_encrypted) if user.totp_secret_encrypted else None
    if secret is None:
        stored = await repository.store_pending_totp_secret(
            session, user.id, ctx.box.seal(totp.new_secret())
        )
        secret = ctx.box.open(stored) if stored is not None else None
        if secret is None:
            raise InvalidInputError("TOTP is already set up for this account")
    return secret


async def confirm_enrolment(
    session: AsyncSession, ctx: Context, *, user: User, code: str
) -> list[str] | None:
    """Finish enrolment when the code matches the pending secret; the new recovery codes
    (once: a second confirmation at the same time gets None)."""
    secret = ctx.box.open(user.totp_secret_encrypted) if user.totp_secret_encrypted else None
    step = (
        totp.matching_step(secret, code, last_step=None, now=ctx.now.timestamp())
        if secret
        else None
    )
    codes = totp.new_recovery_codes()
    if (
        user.totp_enrolled
        or step is None
        or not await repository.finish_enrolment(
            session,
            user.id,
            step=step,
            recovery_code_hashes=[totp.hash_recovery_code(c) for c in codes],
        )
    ):
        await _failed(session, ctx, user=user, action="mfa.enrol", result="failure")
        return None
    await _audit(session, user, _themselves(ctx, user), "mfa.enrol", "success")
    return codes


async def change_password(
    session: AsyncSession, ctx: Context, *, user: User, current: str, new: str
) -> dict[str, list[str]]:
    """Change the password; the problems per form field (empty when it was changed)."""
    problems: dict[str, list[str]] = {}
    if not passwords.verify_password(current, user.password_hash):
        problems["current"] = ["Het huidige wachtwoord is niet juist."]
    policy = passwords.policy_problems(new, username=user.username, display_name=user.display_name)
    if not policy and passwords.verify_password(new, user.password_hash):
        policy = ["Kies een ander wachtwoord dan het huidige."]
    if policy:
        problems["new"] = policy
    if problems:
        await _audit(session, user, _themselves(ctx, user), "password.change", "failure")
        return problems
    await repository.update_user(
        session,
        user.id,
        password_hash=passwords.hash_password(new),
        password_changed_at=ctx.now,
        must_change_password=False,
    )
    await _audit(session, user, _themselves(ctx, user), "password.change", "success")
    return {}


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
    await _audit(session, user, by, "mfa.reset", "success")


async def unlock(session: AsyncSession, *, username: str, by: Actor = CLI) -> None:
    user = await _existing(session, username)
    await repository.update_user(session, user.id, failed_logins=0, locked_until=None)
    await _audit(session, user, by, "account.unlock", "success")


async def set_role(session: AsyncSession, *, username: str, role: str, by: Actor = CLI) -> str:
    """Change the role (sessions end, so the new role applies at once); the old role."""
    user = await _existing(session, username)
    organisation = await find_organisation(session, user.organisation)
    new_role: Role = validate_role(role, organisation_kind=organisation.kind)
    old_role = user.role
    await repository.update_user(session, user.id, role=new_role)
    await repository.delete_sessions_of(session, user.id)
    await _audit(session, user, by, "role.change", f"success: {old_role} -> {new_role}")
    return old_role


async def set_disabled(
    session: AsyncSession, *, username: str, disabled: bool, by: Actor = CLI
) -> None:
    """Disable an account (its sessions end at once) or enable it again."""
    user = await _existing(session, username)
    await repository.update_user(session, user.id, disabled=disabled)
    if disabled:
        await repository.delete_sessions_of(session, user.id)
    await _audit(session, user, by, "account.disable" if disabled else "account.enable", "success")


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
    await _audit(session, user, by, "password.reset", "success")
    return password
