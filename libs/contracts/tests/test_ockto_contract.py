"""The Ockto contract copied from the shared folder: its examples pass its schema and the typed
model, and the signature is the one section 4 describes."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from jsonschema import Draft202012Validator

from contracts.ockto import SCHEMA, OcktoDelivery, example_bodies, sign


@pytest.mark.parametrize("name", sorted(example_bodies()))
def test_each_example_passes_the_schema_and_the_model(name: str) -> None:
    body = example_bodies()[name]
    Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(
        json.loads(body)
    )
    delivery = OcktoDelivery.model_validate_json(body)
    assert delivery.persons[0].role == "applicant"
    assert all(income.net_amount >= 0 for income in delivery.incomes)


def test_the_signature_is_an_hmac_of_the_timestamp_and_the_raw_body() -> None:
    body = b'{"delivery_id": "x"}'
    expected = hmac.new(b"secret", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert sign(body, secret="secret", timestamp=1_700_000_000) == f"t=1700000000,v1={expected}"
