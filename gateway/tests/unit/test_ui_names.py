"""Names instead of codes: who acted and which municipality, as a person reads them."""

from __future__ import annotations

from gateway.ui.names import Names

NAMES = Names(
    people={"demo.behandelaar@teylingen": "Demo Behandelaar"},
    keys={"k1": "Website"},
    organisations={"1525": "Teylingen", "isd-bollenstreek": "ISD Bollenstreek"},
)


def test_a_staff_member_is_named_and_the_system_is_systeem() -> None:
    assert NAMES.actor("user:demo.behandelaar@teylingen") == "Demo Behandelaar"
    assert NAMES.actor("system") == "Systeem"
    assert NAMES.actor("service:assessment") == "Systeem"
    assert NAMES.actor("api-key:k1") == "API-sleutel Website"
    assert NAMES.actor(None) == ""


def test_an_unknown_account_shows_without_its_prefix() -> None:
    assert NAMES.actor("user:weg@teylingen") == "weg@teylingen"
    assert NAMES.actor("api-key:k9") == "API-sleutel k9"


def test_a_municipality_is_named() -> None:
    assert NAMES.organisation("1525") == "Teylingen"
    assert NAMES.organisation("0363") == "0363"
    assert NAMES.organisation(None) == ""
