import json
from datetime import UTC, datetime
from typing import Any

import pytest

from contracts.gezondverzekerd import ApplicationSubmitted, example_bodies
from intake.service import body_preview
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
        # `$` of a pattern is the end of the text, not "before a final newline".
        (("application", "application_number"), "GV-2026-8136324\n"),
        (("application", "municipality_code"), "0363\n"),
        (("application", "applicant", "bsn"), "111222333\n"),
        (("application", "applicant", "address", "postal_code"), "1016 GV\n"),
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


def body_with(document: dict[str, Any], old: str, new: str) -> bytes:
    text = json.dumps(document)
    assert old in text
    return text.replace(old, new, 1).encode()


def rejection_of_body(body: bytes) -> Rejection:
    parsed = parse_body(body)
    assert isinstance(parsed, Rejection)
    return parsed


def test_a_trailing_newline_does_not_pass_a_pattern() -> None:
    document = couple()
    document["application"]["application_number"] = "GV-2026-8136324\n"
    rejection = rejection_of(document)
    assert (rejection.code, rejection.reason) == (
        "schema_violation",
        "schema violation: application.application_number: "
        "does not match the pattern ^GV-[0-9]{4}-[0-9]{7}$",
    )


def test_a_key_twice_in_one_object_is_refused() -> None:
    body = body_with(
        couple(),
        '"municipality_code": "0363"',
        '"municipality_code": "0363", "municipality_code": "0599"',
    )
    rejection = rejection_of_body(body)
    assert (rejection.code, rejection.reason) == (
        "duplicate_key",
        'duplicate key "municipality_code": a key may appear once in an object',
    )
    hidden = rejection_of_body(b'{"Jan de Vries": 1, "Jan de Vries": 2}')
    assert hidden.reason == "duplicate key (not shown): a key may appear once in an object"


def test_deep_nesting_is_refused_whether_or_not_it_reaches_the_recursion_limit() -> None:
    for depth in (100_000, 33):
        for body in (b"[" * depth + b"]" * depth, b'{"a":' * depth + b"1" + b"}" * depth):
            rejection = rejection_of_body(body)
            assert (rejection.code, rejection.reason) == (
                "too_deeply_nested",
                "the message is nested more than 32 levels deep",
            ), (depth, body[:8])
    assert rejection_of_body(b"[" * 32 + b"]" * 32).code == "schema_violation"


def test_an_integer_of_thousands_of_digits_is_refused() -> None:
    for digits in (5000, 101):
        body = body_with(couple(), '"house_number": 263', '"house_number": ' + "7" * digits)
        rejection = rejection_of_body(body)
        assert (rejection.code, rejection.reason) == (
            "number_too_long",
            "a number has more than 100 digits",
        ), digits


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ('"Vries"', '"Vr\\u0000ies"', "application.applicant.last_name:"),
        ('"Vries"', '"Vr\\ud800ies"', "application.applicant.last_name:"),
        ('"Vries"', '"Vr\\udc00"', "application.applicant.last_name:"),
        ('"Noor"', '"\\ude00\\ud83d"', "application.children.0.first_name:"),
        ('"last_name"', '"last\\u0000name"', "application.applicant: a key"),
    ],
)
def test_nul_and_unpaired_surrogates_are_refused_naming_the_field(
    old: str, new: str, where: str
) -> None:
    rejection = rejection_of_body(body_with(couple(), old, new))
    assert (rejection.code, rejection.reason) == (
        "forbidden_character",
        f"{where} contains a NUL character or an unpaired surrogate",
    )
    assert rejection.municipality_code == "0363"


def test_escaped_text_that_postgresql_stores_is_accepted() -> None:
    body = body_with(couple(), '"Vries"', '"Vr\\u00ebs \\ud83d\\ude00 \\\\u0000"')
    parsed = parse_body(body)
    assert isinstance(parsed, ApplicationSubmitted), parsed
    assert parsed.application.applicant.last_name == "Vrës \U0001f600 \\u0000"


def test_the_preview_of_a_refused_body_is_its_text() -> None:
    for body in (
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a": "\\ud800", "a": 1}',
        b'{"n": ' + b"7" * 5000 + b"}",
    ):
        assert body_preview(body) == body.decode()
    assert body_preview(b'{"a":"\\u00eb"}') == '{\n  "a": "\u00eb"\n}'


def test_a_refusal_of_the_fast_validator_stands_when_the_full_one_finds_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("intake.validation._conforms", lambda document: False)
    rejection = parse_body(json.dumps(couple()).encode())
    assert isinstance(rejection, Rejection)
    assert (rejection.code, rejection.reason) == (
        "schema_violation",
        "schema violation: the message breaks the contract",
    )
