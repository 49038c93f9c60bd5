"""Signing in: the password and TOTP checks with lock-out and per-address throttling, the
second factor's enrolment, and the signed-in holder changing their own password.

Functions take the caller's session and never commit; every security-relevant step writes an
audit record in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.audit.service import UNKNOWN_USER, Actor, record, record_account_step, user_ref
from gateway.errors import InvalidInputError
from gateway.staff import passwords, repository, totp
from gateway.staff.models import User
from gateway.ui.settings import UiSettings


@dataclass(frozen=True)
class Context:
    """What every check needs: settings, the TOTP key box, the caller's address and the time."""

    settings: UiSettings
    box: totp.SecretBox
    origin_ip: str
    now: datetime


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
        await record_account_step(
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
    await record_account_step(session, user, _themselves(ctx, user), "login.password", "success")
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
        await record_account_step(
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
    await record_account_step(session, user, _themselves(ctx, user), "login.mfa", "success")
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
    await record_account_step(session, user, _themselves(ctx, user), "mfa.enrol", "success")
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
        await record_account_step(
            session, user, _themselves(ctx, user), "password.change", "failure"
        )
        return problems
    await repository.update_user(
        session,
        user.id,
        password_hash=passwords.hash_password(new),
        password_changed_at=ctx.now,
        must_change_password=False,
    )
    await record_account_step(session, user, _themselves(ctx, user), "password.change", "success")
    return {}
