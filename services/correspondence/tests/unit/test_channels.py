"""The residents' contact rules with the licence: which channel a message goes by."""

from __future__ import annotations

from typing import Any

import pytest

from contracts.licences import Addon, Licence, features
from correspondence.letters.channels import NO_ADDRESS, NO_CHANNEL, Route, routes

ADDRESS = {"street": "Dorpsstraat", "house_number": 1, "postal_code": "1234 AB", "city": "Dorp"}


def case(
    kind: str = "application", *, email: str | None = "jan@example.nl", address: bool = True
) -> dict[str, Any]:
    applicant = {"email": email, "address": ADDRESS if address else None}
    return {"kind": kind, "household": {"applicant": applicant}}


def licence(name: Licence) -> Any:
    return features(
        name, frozenset({Addon.RECHTMATIGHEID}) if name is Licence.PREMIUM else frozenset()
    )


def test_basis_has_no_channel_so_nothing_is_sent_and_nothing_fails() -> None:
    for kind in ("application", "re_examination"):
        assert (
            routes(
                case=case(kind),
                kind="acknowledgement",
                email_consent=True,
                features=licence(Licence.BASIS),
            )
            == []
        )


@pytest.mark.parametrize(
    ("name", "given", "expected"),
    [
        (Licence.EXTRA, case(), [Route("email", "jan@example.nl")]),
        (Licence.EXTRA, case(email="geen-adres"), [Route("email", None, NO_CHANNEL)]),
        (Licence.PREMIUM, case(), [Route("email", "jan@example.nl")]),
        (Licence.PREMIUM, case(email=None), [Route("post", None)]),
        (Licence.PREMIUM, case(email=None, address=False), [Route("post", None, NO_ADDRESS)]),
    ],
)
def test_an_application_is_answered_by_email_and_by_post_only_without_one(
    name: Licence, given: dict[str, Any], expected: list[Route]
) -> None:
    assert (
        routes(case=given, kind="acknowledgement", email_consent=False, features=licence(name))
        == expected
    )


def test_a_re_examination_goes_by_post_and_by_email_only_with_consent() -> None:
    premium = licence(Licence.PREMIUM)
    given = case("re_examination")

    assert routes(
        case=given, kind="re_examination_invitation", email_consent=False, features=premium
    ) == [Route("post", None)]
    assert routes(
        case=given, kind="re_examination_invitation", email_consent=True, features=premium
    ) == [
        Route("post", None),
        Route("email", "jan@example.nl"),
    ]
