"""Which municipalities a key's Principal covers, and what an overview may ask for."""

from __future__ import annotations

import pytest

from gateway.organisations import Organisation
from gateway.scope import (
    OutOfScopeError,
    check_municipalities,
    isd_scope,
    municipality_scope,
    principal_for,
)

AMSTERDAM = Organisation(kind="municipality", id="0363", name="Amsterdam")
BOLLENSTREEK = Organisation(
    kind="isd", id="isd-bollenstreek", name="ISD Bollenstreek", members=("0534", "0553")
)
OTHER_ISD = Organisation(kind="isd", id="isd-elders", name="ISD Elders", members=("0363",))
PLATFORM = Organisation(kind="platform", id="platform", name="Platform")


def test_a_municipality_key_covers_only_that_municipality() -> None:
    principal = principal_for(AMSTERDAM, subject="api-key:k", role="behandelaar")

    assert principal.organisation == "0363"
    assert principal.municipalities == ("0363",)
    assert not principal.all_municipalities


def test_an_isd_key_covers_its_members() -> None:
    principal = principal_for(BOLLENSTREEK, subject="api-key:k", role="raadpleger")

    assert principal.organisation == "isd-bollenstreek"
    assert principal.municipalities == ("0534", "0553")


def test_a_platform_key_covers_all_municipalities() -> None:
    principal = principal_for(PLATFORM, subject="api-key:k", role="operator")

    assert principal.all_municipalities
    assert principal.municipalities == ()


def test_municipality_scope() -> None:
    isd_key = principal_for(BOLLENSTREEK, subject="s", role="raadpleger")
    platform_key = principal_for(PLATFORM, subject="s", role="operator")

    assert municipality_scope(isd_key, "0553", known=True) == ("0553",)
    assert municipality_scope(platform_key, "0363", known=True) == ("0363",)
    with pytest.raises(OutOfScopeError):
        municipality_scope(isd_key, "0363", known=True)
    with pytest.raises(OutOfScopeError):
        municipality_scope(platform_key, "9999", known=False)


def test_isd_scope_is_for_the_isd_itself_and_platform() -> None:
    own = principal_for(BOLLENSTREEK, subject="s", role="raadpleger")
    member = principal_for(
        Organisation(kind="municipality", id="0534", name="Hillegom"), subject="s", role="beslisser"
    )
    platform_key = principal_for(PLATFORM, subject="s", role="operator")

    assert isd_scope(own, BOLLENSTREEK) == ("0534", "0553")
    assert isd_scope(platform_key, BOLLENSTREEK) == ("0534", "0553")
    for principal, isd in [(own, OTHER_ISD), (member, BOLLENSTREEK), (own, None), (own, PLATFORM)]:
        with pytest.raises(OutOfScopeError):
            isd_scope(principal, isd)


def test_requested_municipalities_must_all_be_in_scope() -> None:
    principal = principal_for(BOLLENSTREEK, subject="s", role="raadpleger")

    check_municipalities(principal, [])
    check_municipalities(principal, ["0534", "0553"])
    with pytest.raises(OutOfScopeError):
        check_municipalities(principal, ["0534", "0363"])
