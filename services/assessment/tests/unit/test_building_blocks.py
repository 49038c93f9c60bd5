"""Dutch amounts, the signature, the keyring, parameter checks and the production settings."""

from __future__ import annotations

import base64
import os
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from pydantic import ValidationError

from assessment.bsn import is_valid_bsn
from assessment.crypto import Keyring, KeyringError
from assessment.money import euro, percentage
from assessment.ockto.signature import SignatureError, verify
from assessment.parameters import rules
from assessment.parameters.values import default_parameters
from assessment.settings import AssessmentSettings
from contracts.ockto import sign
from contracts.vocabulary import long_date


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("1702", "€ 1.702,00"),
        ("1681.8", "€ 1.681,80"),
        ("0.005", "€ 0,01"),
        ("-1200", "€ -1.200,00"),
        ("1234567.891", "€ 1.234.567,89"),
    ],
)
def test_amounts_are_written_the_dutch_way(amount: str, text: str) -> None:
    assert euro(Decimal(amount)) == text


def test_dates_and_percentages_the_dutch_way() -> None:
    assert long_date(date(2026, 12, 1)) == "1 december 2026"
    assert percentage(Decimal("112.5")) == "112,5%"
    assert percentage(Decimal(120)) == "120%"


def test_the_signature_is_checked_against_the_body_the_secret_and_the_time() -> None:
    now = datetime(2026, 12, 3, 12, tzinfo=UTC)
    body = b'{"a": 1}'
    header = sign(body, secret="s" * 20, timestamp=int(now.timestamp()))
    verify(body, header, secret="s" * 20, now=now)
    for wrong, code in [
        ((body + b" ", header, "s" * 20, now), "signature_mismatch"),
        ((body, header, "t" * 20, now), "signature_mismatch"),
        ((body, None, "s" * 20, now), "signature_missing"),
        ((body, "v1=abc", "s" * 20, now), "signature_malformed"),
        ((body, header, "s" * 20, now.replace(minute=6)), "signature_expired"),
        ((body, header, "s" * 20, now.replace(hour=11, minute=54)), "signature_from_future"),
    ]:
        with pytest.raises(SignatureError) as error:
            verify(wrong[0], wrong[1], secret=wrong[2], now=wrong[3])
        assert error.value.code == code


def test_the_keyring_opens_with_old_keys_and_refuses_other_rows() -> None:
    old, new = base64.b64encode(os.urandom(32)).decode(), base64.b64encode(os.urandom(32)).decode()
    before = Keyring.parse(f"k1:{old}", active="k1")
    sealed = before.seal(b"111222333", associated=b"row-1")
    rotated = Keyring.parse(f"k1:{old},k2:{new}", active="k2")
    assert rotated.open(sealed, associated=b"row-1") == b"111222333"
    assert rotated.seal(b"x", associated=b"r").key_id == "k2"
    with pytest.raises(KeyringError):
        rotated.open(sealed, associated=b"row-2")
    with pytest.raises(KeyringError):
        Keyring.parse(f"k2:{new}", active="k2").open(sealed, associated=b"row-1")


def test_parameter_values_are_checked_field_by_field() -> None:
    good = default_parameters("0363")
    assert rules.check(good) == []
    bad = rules.from_json(
        {
            **rules.to_json(good),
            "income_percentage": "1000",
            "margin_percent": "-1",
            "asset_limits": {"single": "-5", "single_parent": "16000", "couple": "16000"},
        },
        version_id=uuid.uuid4(),
        municipality_code="0363",
        valid_from=date(2026, 1, 1),
        valid_until=date(2025, 1, 1),
    )
    assert [p.field for p in rules.check(bad)] == [
        "income_percentage",
        "asset_limits.single",
        "margin_percent",
        "valid_until",
    ]
    round_trip = rules.from_json(
        rules.to_json(good),
        version_id=good.version_id,
        municipality_code="0363",
        valid_from=good.valid_from,
        valid_until=None,
    )
    assert round_trip == good


def test_production_refuses_the_development_secrets() -> None:
    with pytest.raises(ValidationError) as error:
        AssessmentSettings(environment="production", internal_token_secret="x" * 40)
    message = str(error.value)
    for name in (
        "ASSESSMENT_OCKTO_WEBHOOK_SECRET",
        "ASSESSMENT_OCKTO_API_KEY",
        "ASSESSMENT_PACKAGE_KEYS",
        "ASSESSMENT_BSN_HASH_SECRET",
    ):
        assert name in message


def test_the_eleven_test() -> None:
    assert all(is_valid_bsn(bsn) for bsn in ("111222333", "123456782", "999999990"))
    assert not any(is_valid_bsn(bsn) for bsn in ("123456789", "000000000", "12345678"))
