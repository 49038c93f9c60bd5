import json
from datetime import UTC, datetime
from typing import Any

from contracts.gezondverzekerd import ApplicationSubmitted, example_bodies
from intake.validation import Rejection, check_rules, parse_body

NOW = datetime(2026, 11, 29, 12, tzinfo=UTC)


def couple() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(example_bodies()["couple-with-children"])
    return document


def rejection_of(document: Any) -> Rejection:
    parsed = parse_body(json.dumps(document).encode())
    if isinstance(parsed, ApplicationSubmitted):
        rejection = check_rules(parsed, now=NOW)
        assert rejection is not None
        return rejection
    return parsed


def test_examples_are_valid() -> None:
    for body in example_bodies().values():
        parsed = parse_body(body)
        assert isinstance(parsed, ApplicationSubmitted)
        assert check_rules(parsed, now=NOW) is None


def test_malformed_json_names_the_problem() -> None:
    rejection = parse_body(b'{"event_id": ')
    assert isinstance(rejection, Rejection)
    assert rejection.code == "malformed_json"
    assert rejection.reason.startswith("malformed JSON: Expecting value")


def test_wrong_schema_version_is_named() -> None:
    document = couple() | {"schema_version": 2}
    rejection = rejection_of(document)
    assert (rejection.code, rejection.reason) == (
        "unsupported_schema_version",
        "unsupported schema_version 2: only version 1 is accepted",
    )
    assert rejection.municipality_code == "0363"


def test_schema_violation_names_field_not_value() -> None:
    document = couple()
    document["application"]["partner"]["bsn"] = "12345"
    rejection = rejection_of(document)
    assert rejection.code == "schema_violation"
    assert "application.partner" in rejection.reason
    assert "12345" not in rejection.reason


def test_missing_field_and_extra_field() -> None:
    document = couple()
    del document["application"]["applicant"]["last_name"]
    document["application"]["surprise"] = 1
    rejection = rejection_of(document)
    assert "'last_name' is a required property" in rejection.reason
    assert "'surprise' was unexpected" in rejection.reason


def test_bsn_failing_the_eleven_test() -> None:
    document = couple()
    document["application"]["children"][1]["bsn"] = "111222334"
    rejection = rejection_of(document)
    assert (rejection.code, rejection.reason) == (
        "invalid_bsn",
        "BSN of child 2 fails the eleven-test",
    )


def test_implausible_dates() -> None:
    document = couple()
    document["application"]["applicant"]["date_of_birth"] = "2020-01-01"
    assert rejection_of(document).reason == "date_of_birth of the applicant is implausible"
    document = couple()
    document["application"]["submitted_at"] = "2027-06-01T10:00:00+02:00"
    assert rejection_of(document).reason == "submitted_at lies in the future"
    document = couple()
    document["application"]["requested_start_date"] = "2030-01-01"
    assert rejection_of(document).code == "implausible_date"


def test_duplicate_bsn_in_household() -> None:
    document = couple()
    document["application"]["partner"]["bsn"] = document["application"]["applicant"]["bsn"]
    assert rejection_of(document).code == "duplicate_bsn"


def test_fast_and_full_schema_validators_agree() -> None:
    """The compiled validator decides the common case; it must never accept what the full one rejects."""
    from intake.validation import _VALIDATOR, _conforms

    mutations: list[tuple[tuple[str, ...], Any]] = [
        (("event_id",), "not-a-uuid"),
        (("occurred_at",), "2026-13-01T00:00:00Z"),
        (("schema_version",), 1.5),
        (("application", "application_number"), "GV-26-1"),
        (("application", "municipality_code"), "363"),
        (("application", "requested_start_date"), "2027-02-30"),
        (("application", "applicant", "bsn"), "12345678"),
        (("application", "applicant", "email"), "no-at-sign"),
        (("application", "applicant", "address", "postal_code"), "1016gv"),
        (("application", "applicant", "address", "house_number"), 0),
        (("application", "children"), [{"bsn": "312966210"}]),
        (("application", "partner"), {"bsn": "123456782"}),
        (("application", "declared_monthly_net_income"), {"applicant": -1}),
        (("application", "unexpected"), True),
    ]
    for path, value in mutations:
        document = couple()
        target = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        full_accepts = not list(_VALIDATOR.iter_errors(document))
        assert _conforms(document) == full_accepts, path
    assert _conforms(couple())
