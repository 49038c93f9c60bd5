"""Key generation, parsing and verification, and which roles an organisation may have."""

from __future__ import annotations

import pytest

from gateway import apikeys
from gateway.errors import InvalidInputError


def test_a_new_key_has_the_documented_shape_and_parses_back() -> None:
    new = apikeys.generate_key()

    assert new.token == f"bo_{new.key_id}_{new.secret}"
    assert len(new.key_id) == 8
    assert new.key_id.isalnum()
    assert len(new.secret) >= 43
    assert apikeys.parse_key(new.token) == (new.key_id, new.secret)


def test_keys_are_unique() -> None:
    keys = {apikeys.generate_key().token for _ in range(200)}

    assert len(keys) == 200


def test_only_the_right_secret_matches_its_stored_hash() -> None:
    new = apikeys.generate_key()
    stored = apikeys.hash_secret(new.secret)

    assert new.secret not in stored
    assert len(stored) == 64
    assert apikeys.secret_matches(new.secret, stored)
    # Change the last character to one it is not (a fixed "A" matched 1 in 64 times).
    altered = new.secret[:-1] + ("B" if new.secret.endswith("A") else "A")
    assert not apikeys.secret_matches(altered, stored)
    assert not apikeys.secret_matches(apikeys.generate_key().secret, stored)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "bo_",
        "bo_abcdefgh",
        "bo_abcdefgh_short",
        "xx_abcdefgh_" + "a" * 43,
        "bo_ABCDEFGH_" + "a" * 43,
        "bo_abc_" + "a" * 43,
        "bo_abcdefgh_" + "a" * 42 + "!",
        " bo_abcdefgh_" + "a" * 43,
    ],
)
def test_malformed_keys_do_not_parse(token: str) -> None:
    assert apikeys.parse_key(token) is None


def test_a_secret_may_contain_underscores() -> None:
    assert apikeys.parse_key("bo_abcd1234_" + "a_b-" * 11) == ("abcd1234", "a_b-" * 11)


@pytest.mark.parametrize(
    ("role", "kind"),
    [("behandelaar", "municipality"), ("auditor", "isd"), ("operator", "platform")],
)
def test_allowed_roles(role: str, kind: str) -> None:
    assert apikeys.validate_role(role, organisation_kind=kind) == role


@pytest.mark.parametrize(
    ("role", "kind", "message"),
    [
        ("operator", "municipality", "only for the organisation 'platform'"),
        ("operator", "isd", "only for the organisation 'platform'"),
        ("beslisser", "platform", "only for the organisation 'platform'"),
        ("admin", "municipality", "unknown role"),
        ("system", "platform", "role 'system' is for the services themselves"),
        ("system", "municipality", "never given to an API key or a user"),
        ("system", "isd", "never given to an API key or a user"),
    ],
)
def test_refused_roles(role: str, kind: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        apikeys.validate_role(role, organisation_kind=kind)
