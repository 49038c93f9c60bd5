"""The password policy and hashing of staff accounts."""

from __future__ import annotations

import pytest

from gateway.staff import passwords


@pytest.mark.parametrize(
    "password",
    [
        "kort1!",
        "wachtwoord2026!",
        "Wachtwoord2025!",
        "wachtwoord123456",
        "qwertyuiop123",
        "aaaaaaaaaaaaaaa",
    ],
)
def test_weak_passwords_are_refused(password: str) -> None:
    assert passwords.policy_problems(password) != []


def test_too_short_says_so_in_dutch() -> None:
    assert "Gebruik minstens 12 tekens." in passwords.policy_problems("Zonnebloem1")


def test_common_dutch_passwords_are_on_the_list() -> None:
    common = passwords.common_passwords()

    assert {"welkom01", "wachtwoord", "123456", "password"} <= common
    assert len(common) > 10_000


def test_the_name_of_the_user_is_refused() -> None:
    problems = passwords.policy_problems(
        "jansen-tulpen-2026", username="p.jansen@lisse", display_name="Piet Jansen"
    )

    assert "Gebruik uw naam of gebruikersnaam niet in het wachtwoord." in problems


def test_a_long_passphrase_is_accepted() -> None:
    assert passwords.policy_problems("Tulpenvelden bij Lisse in april", username="a@b") == []


def test_hashes_are_argon2id_and_verify() -> None:
    stored = passwords.hash_password("Tulpenvelden bij Lisse in april")

    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$"), "RFC 9106's low-memory profile"
    assert passwords.verify_password("Tulpenvelden bij Lisse in april", stored)
    assert not passwords.verify_password("Tulpenvelden bij Lisse in mei", stored)
    assert not passwords.verify_password("x", "not a hash")


def test_generated_passwords_pass_the_policy() -> None:
    generated = {passwords.generate_password() for _ in range(5)}

    assert len(generated) == 5
    assert all(passwords.policy_problems(p) == [] for p in generated)
