"""`backoffice-admin`: manage organisations, API keys and staff users in the gateway's database.

Exit codes: 0 done, 1 the database is unreachable or not migrated, 2 bad input.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from gateway import apikeys, organisations, repository
from gateway.audit.service import CLI
from gateway.errors import InvalidInputError
from gateway.licences import service as licences
from gateway.settings import DEFAULT_SEED_FILE, MIGRATIONS, GatewaySettings
from gateway.staff import accounts
from gateway.staff import repository as user_repository
from gateway.staff.totp import SecretBox
from gateway.ui.settings import UiSettings
from servicekit.auth import STAFF_ROLES
from servicekit.db import Database
from servicekit.logs import new_correlation_id

Command = Callable[[AsyncSession, argparse.Namespace, "Console"], Awaitable[None]]


@dataclass(frozen=True)
class Console:
    """Where results (stdout) and notes and errors (stderr) go."""

    out: TextIO
    err: TextIO


class NotMigratedError(RuntimeError):
    pass


def _head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


async def _add_municipality(
    session: AsyncSession, args: argparse.Namespace, console: Console
) -> None:
    change = await organisations.register_municipality(
        session, code=args.code, name=args.name, correlation_id=new_correlation_id()
    )
    print(f"municipality {args.code}: {change}", file=console.out)


async def _add_isd(session: AsyncSession, args: argparse.Namespace, console: Console) -> None:
    change = await organisations.register_isd(
        session,
        isd_id=args.id,
        name=args.name,
        members=[code for code in args.members.split(",") if code.strip()],
        correlation_id=new_correlation_id(),
    )
    print(f"isd {args.id}: {change}", file=console.out)


async def _seed(session: AsyncSession, args: argparse.Namespace, console: Console) -> None:
    data = organisations.read_seed_file(args.file)
    results = await organisations.seed(session, data, correlation_id=new_correlation_id())
    for kind, identifier, change in results:
        print(f"{kind} {identifier}: {change}", file=console.out)
    counted = [change for kind, _, change in results if kind != "licence"]
    changed = sum(change != "unchanged" for change in counted)
    print(f"{changed} of {len(counted)} organisations added or changed", file=console.out)


async def _list_organisations(
    session: AsyncSession, _: argparse.Namespace, console: Console
) -> None:
    licences_by_code = await licences.all_licences(session)
    for organisation in await organisations.list_organisations(session):
        members = f"  members: {','.join(organisation.members)}" if organisation.members else ""
        held = licences_by_code.get(organisation.id)
        licence = f"  licence: {_licence_text(held)}" if held else ""
        print(
            f"{organisation.kind:<13} {organisation.id:<20} {organisation.name}{members}{licence}",
            file=console.out,
        )


def _licence_text(held: licences.MunicipalityLicenceView) -> str:
    return " + ".join([held.licence.value, *sorted(addon.value for addon in held.addons)])


async def _set_licence(session: AsyncSession, args: argparse.Namespace, console: Console) -> None:
    held, changed = await licences.set_licence(
        session,
        code=args.code,
        licence=args.licence,
        addons=args.addon,
        by=CLI,
        correlation_id=new_correlation_id(),
    )
    print(
        f"municipality {args.code}: licence {_licence_text(held)} "
        f"({'changed' if changed else 'unchanged'})",
        file=console.out,
    )


async def _create_key(session: AsyncSession, args: argparse.Namespace, console: Console) -> None:
    new, stored = await apikeys.create_key(
        session, organisation_id=args.org, role=args.role, label=args.label
    )
    print(new.token, file=console.out)
    print(
        f"API key {new.key_id} created for {stored.organisation} with role {stored.role}. "
        "Store it now: it is not shown again.",
        file=console.err,
    )


async def _revoke_key(session: AsyncSession, args: argparse.Namespace, console: Console) -> None:
    revoked = await apikeys.revoke_key(session, key_id=args.key_id)
    print(
        f"API key {args.key_id}: {'revoked' if revoked else 'was already revoked'}",
        file=console.out,
    )


async def _list_keys(session: AsyncSession, _: argparse.Namespace, console: Console) -> None:
    print(
        f"{'id':<8}  {'organisation':<18} {'role':<21} {'state':<8} last used  label",
        file=console.out,
    )
    for key in await repository.list_api_keys(session):
        state = "revoked" if key.revoked_at else "active"
        used = key.last_used_at.date().isoformat() if key.last_used_at else "never"
        print(
            f"{key.id:<8}  {key.organisation:<18} {key.role:<21} {state:<8} {used:<10} "
            f"{key.label or ''}",
            file=console.out,
        )


async def _create_user(session: AsyncSession, args: argparse.Namespace, console: Console) -> None:
    settings = UiSettings()
    for given, flag in (
        (args.totp_secret, "--totp-secret"),
        (args.no_password_change, "--no-password-change"),
    ):
        if given and settings.environment == "production":
            raise InvalidInputError(f"{flag} is for demo and development only, not production")
    new = await accounts.create_user(
        session,
        box=SecretBox(settings.totp_encryption_key),
        username=args.username,
        organisation_id=args.org,
        role=args.role,
        display_name=args.name,
        password=args.password,
        totp_secret=args.totp_secret,
        must_change_password=not args.no_password_change,
    )
    if new.password is not None:
        print(new.password, file=console.out)
        print(
            f"user {new.username} created; the initial password above is not shown again. "
            "It is changed, and MFA set up, at the first login.",
            file=console.err,
        )
    else:
        print(f"user {new.username} created", file=console.out)


async def _reset_mfa(session: AsyncSession, args: argparse.Namespace, console: Console) -> None:
    await accounts.reset_mfa(session, username=args.username)
    print(
        f"user {args.username}: MFA reset, sessions ended; enrols again at next login",
        file=console.out,
    )


async def _unlock(session: AsyncSession, args: argparse.Namespace, console: Console) -> None:
    await accounts.unlock(session, username=args.username)
    print(f"user {args.username}: unlocked", file=console.out)


async def _set_role(session: AsyncSession, args: argparse.Namespace, console: Console) -> None:
    old = await accounts.set_role(session, username=args.username, role=args.role)
    print(f"user {args.username}: role {old} -> {args.role}, sessions ended", file=console.out)


async def _disable(session: AsyncSession, args: argparse.Namespace, console: Console) -> None:
    await accounts.set_disabled(session, username=args.username, disabled=True)
    print(f"user {args.username}: disabled, sessions ended", file=console.out)


async def _enable(session: AsyncSession, args: argparse.Namespace, console: Console) -> None:
    await accounts.set_disabled(session, username=args.username, disabled=False)
    print(f"user {args.username}: enabled", file=console.out)


async def _reset_password(
    session: AsyncSession, args: argparse.Namespace, console: Console
) -> None:
    password = await accounts.reset_password(session, username=args.username)
    print(password, file=console.out)
    print(
        f"user {args.username}: the new initial password above is not shown again; "
        "it is changed at the next login. Sessions ended.",
        file=console.err,
    )


async def _list_users(session: AsyncSession, _: argparse.Namespace, console: Console) -> None:
    for user in await user_repository.list_users(session):
        state = "disabled" if user.disabled else ("mfa" if user.totp_enrolled else "no-mfa")
        print(
            f"{user.username:<40} {user.organisation:<18} {user.role:<21} {state:<8} "
            f"{user.display_name}",
            file=console.out,
        )


def _user_commands(groups: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    users = groups.add_parser("user", help="staff users of the web UI").add_subparsers(
        dest="command", required=True
    )
    create = users.add_parser("create", help="create a user; prints a one-time initial password")
    create.add_argument("--org", required=True, help="CBS code, ISD id or 'platform'")
    create.add_argument("--role", required=True, help=f"one of: {', '.join(STAFF_ROLES)}")
    create.add_argument("--username", required=True, help="e.g. j.jansen@amsterdam")
    create.add_argument("--name", help="display name")
    create.add_argument("--password", help="instead of a generated one (must pass the policy)")
    create.add_argument(
        "--totp-secret", help="pre-enrol TOTP with this base32 secret (demo/development only)"
    )
    create.add_argument(
        "--no-password-change",
        action="store_true",
        help="keep the password at the first login (demo/development only)",
    )
    create.set_defaults(run=_create_user)
    for name, run, text in (
        ("reset-mfa", _reset_mfa, "forget the TOTP secret and recovery codes"),
        ("unlock", _unlock, "lift a temporary lock-out"),
        ("disable", _disable, "disable the account and end its sessions"),
        ("enable", _enable, "enable a disabled account"),
        ("reset-password", _reset_password, "print a new one-time initial password"),
    ):
        command = users.add_parser(name, help=text)
        command.add_argument("username")
        command.set_defaults(run=run)
    role = users.add_parser("set-role", help="change a user's role (ends the sessions)")
    role.add_argument("username")
    role.add_argument("role", help=f"one of: {', '.join(STAFF_ROLES)}")
    role.set_defaults(run=_set_role)
    users.add_parser("list", help="list users (never secrets)").set_defaults(run=_list_users)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backoffice-admin",
        description="Manage organisations, API keys and staff users (GATEWAY_DATABASE_URL).",
    )
    groups = parser.add_subparsers(dest="group", required=True)

    org = groups.add_parser("org", help="customer organisations").add_subparsers(
        dest="command", required=True
    )
    add = org.add_parser("add-municipality", help="add a municipality, or rename it")
    add.add_argument("code", help="4-digit CBS code, e.g. 0363")
    add.add_argument("name")
    add.set_defaults(run=_add_municipality)
    isd = org.add_parser("add-isd", help="add an ISD, or change its name or members")
    isd.add_argument("id", help="e.g. isd-bollenstreek")
    isd.add_argument("name")
    isd.add_argument("--members", required=True, help="CBS codes, comma separated")
    isd.set_defaults(run=_add_isd)
    seed = org.add_parser("seed", help="load an organisations file (idempotent)")
    seed.add_argument("file", nargs="?", type=Path, default=DEFAULT_SEED_FILE)
    seed.set_defaults(run=_seed)
    org.add_parser("list", help="list all organisations").set_defaults(run=_list_organisations)
    licence = org.add_parser(
        "set-licence", help="set a municipality's licence (audited; announced to the services)"
    )
    licence.add_argument("code", help="4-digit CBS code, e.g. 0363")
    licence.add_argument("licence", help="basis, extra or premium")
    licence.add_argument(
        "--addon",
        action="append",
        default=[],
        help="an add-on of the licence, e.g. rechtmatigheid (Premium); repeat for several",
    )
    licence.set_defaults(run=_set_licence)

    keys = groups.add_parser("api-key", help="API keys").add_subparsers(
        dest="command", required=True
    )
    create = keys.add_parser("create", help="create a key and print it (only once)")
    create.add_argument("--org", required=True, help="CBS code, ISD id or 'platform'")
    create.add_argument("--role", required=True, help=f"one of: {', '.join(STAFF_ROLES)}")
    create.add_argument("--label", help="what the key is for, e.g. the system that uses it")
    create.set_defaults(run=_create_key)
    revoke = keys.add_parser("revoke", help="revoke a key (it stops working at once)")
    revoke.add_argument("key_id", help="the 8 characters after 'bo_'")
    revoke.set_defaults(run=_revoke_key)
    keys.add_parser("list", help="list keys (never their secrets)").set_defaults(run=_list_keys)
    _user_commands(groups)
    return parser


async def _execute(
    settings: GatewaySettings, command: Command, args: argparse.Namespace, console: Console
) -> None:
    database = Database(settings.database_url, pool_size=1)
    try:
        async with database.transaction() as session:
            revision = await repository.schema_revision(session)
            if revision is None or revision != _head_revision():
                raise NotMigratedError(
                    f"the gateway database is not migrated (revision {revision or 'none'}); "
                    "run `python -m gateway migrate` first"
                )
            await command(session, args, console)
    finally:
        await database.dispose()


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 2
    console = Console(out=sys.stdout, err=sys.stderr)
    try:
        asyncio.run(_execute(GatewaySettings(), args.run, args, console))
    except InvalidInputError as error:
        print(f"backoffice-admin: error: {error}", file=console.err)
        return 2
    except NotMigratedError as error:
        print(f"backoffice-admin: {error}", file=console.err)
        return 1
    except (OSError, OperationalError, DBAPIError) as error:
        print(
            f"backoffice-admin: cannot use the gateway database: {type(error).__name__}: "
            f"{str(error).splitlines()[0]}",
            file=console.err,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
