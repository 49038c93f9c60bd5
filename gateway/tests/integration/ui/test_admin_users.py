"""`backoffice-admin user ...` against a real migrated database."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from gateway.admin import main
from gateway.staff import passwords
from servicekit.db import Database


@pytest.fixture
def use_database(
    gateway_database_url: str, seeded: Database, monkeypatch: pytest.MonkeyPatch
) -> str:
    monkeypatch.setenv("GATEWAY_DATABASE_URL", gateway_database_url)
    return gateway_database_url


async def admin(*argv: str) -> int:
    return await asyncio.to_thread(main, list(argv))


async def test_create_a_user_with_a_one_time_password(
    use_database: str, seeded: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    code = await admin(
        "user",
        "create",
        "--org",
        "isd-bollenstreek",
        "--role",
        "behandelaar",
        "--username",
        "P.Jansen@Bollenstreek",
        "--name",
        "Piet Jansen",
    )

    out, err = capsys.readouterr()
    assert code == 0
    initial = out.strip()
    assert passwords.policy_problems(initial) == []
    assert "not shown again" in err
    async with seeded.sessions() as session:
        stored = (
            await session.execute(
                text("SELECT username, isd_id, role, password_hash, totp_enrolled FROM users")
            )
        ).one()
    assert stored[:3] == ("p.jansen@bollenstreek", "isd-bollenstreek", "behandelaar")
    assert passwords.verify_password(initial, stored.password_hash)
    assert stored.totp_enrolled is False


async def test_an_initial_password_is_changed_at_first_login_unless_told_otherwise(
    use_database: str, seeded: Database
) -> None:
    base = ["user", "create", "--org", "0363", "--role", "raadpleger"]
    secret = ["--password", "Grachtengordel bij nacht"]
    assert await admin(*base, "--username", "eerst@amsterdam", *secret) == 0
    assert await admin(*base, "--username", "demo@amsterdam", *secret, "--no-password-change") == 0

    async with seeded.sessions() as session:
        flags = dict(
            (await session.execute(text("SELECT username, must_change_password FROM users"))).all()
        )
    assert flags == {"eerst@amsterdam": True, "demo@amsterdam": False}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--org", "0363", "--role", "operator"], "role 'operator'"),
        (["--org", "platform", "--role", "system"], "role 'system' is for the services"),
        (["--org", "0363", "--role", "system"], "never given to an API key or a user"),
        (["--org", "0363", "--role", "behandelaar", "--password", "welkom01"], "password refused"),
        (["--org", "9999", "--role", "behandelaar"], "unknown municipality"),
        (["--org", "0363", "--role", "koning"], "unknown role"),
    ],
)
async def test_bad_input_is_refused(
    use_database: str, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code = await admin("user", "create", "--username", "x.y@amsterdam", *argv)

    assert code == 2
    assert message in capsys.readouterr().err


async def test_a_totp_secret_is_refused_in_production(
    use_database: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BACKOFFICE_ENVIRONMENT", "production")
    monkeypatch.setenv(
        "BACKOFFICE_INTERNAL_TOKEN_SECRET", "a-real-secret-of-at-least-32-characters"
    )
    monkeypatch.setenv(
        "GATEWAY_TOTP_ENCRYPTION_KEY", "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE="
    )

    code = await admin(
        "user",
        "create",
        "--org",
        "0363",
        "--role",
        "behandelaar",
        "--username",
        "a.b@amsterdam",
        "--totp-secret",
        "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
    )

    assert code == 2
    assert "demo and development only" in capsys.readouterr().err


async def test_every_account_change_by_the_cli_is_audited(
    use_database: str, seeded: Database
) -> None:
    await admin(
        "user",
        "create",
        "--org",
        "0363",
        "--role",
        "behandelaar",
        "--username",
        "a.b@amsterdam",
        "--password",
        "Grachtengordel bij nacht",
        "--totp-secret",
        "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
    )

    assert await admin("user", "reset-mfa", "a.b@amsterdam") == 0
    assert await admin("user", "unlock", "a.b@amsterdam") == 0
    assert await admin("user", "set-role", "a.b@amsterdam", "beslisser") == 0
    assert await admin("user", "disable", "a.b@amsterdam") == 0
    assert await admin("user", "enable", "a.b@amsterdam") == 0
    assert await admin("user", "reset-password", "a.b@amsterdam") == 0
    assert await admin("user", "unlock", "nobody@amsterdam") == 2

    async with seeded.sessions() as session:
        audit = (
            await session.execute(
                text("SELECT action, result, actor FROM security_audit ORDER BY id")
            )
        ).all()
        enrolled = (await session.execute(text("SELECT totp_enrolled FROM users"))).scalar_one()
    assert [row.action for row in audit] == [
        "user.create",
        "mfa.reset",
        "account.unlock",
        "role.change",
        "account.disable",
        "account.enable",
        "password.reset",
    ]
    assert audit[3].result == "success: behandelaar -> beslisser"
    assert all(row.actor == "cli" for row in audit)
    assert enrolled is False
