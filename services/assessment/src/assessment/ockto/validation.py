"""A delivery body to a typed, checked delivery, or the specific reason it is refused.

Order: size, media type, UTF-8, JSON, an object, the schema version, the schema (formats
included), then the rules the schema cannot say (eleven-test, persons and their sources,
plausible amounts and dates). Reasons name the field and the rule, never the value: they are
stored and shown to staff and operators.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError
from pydantic import ValidationError

from assessment.bsn import is_valid_bsn
from contracts.ockto import SCHEMA, OcktoDelivery

_VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
MAX_PERIOD_AMOUNT = Decimal(250_000)
"""More than this net per period (a year's pay at the highest frequency) is not plausible."""
MAX_BALANCE = Decimal(50_000_000)
_CLOCK_SKEW = timedelta(minutes=5)


@dataclass
class Refused(Exception):  # noqa: N818 - an outcome the caller answers with, not a fault
    """Why a delivery is refused, with the HTTP status to answer."""

    code: str
    reason: str
    status: int = 422
    delivery_id: str | None = None
    session_id: str | None = None


@functools.cache
def _fast_validator() -> Callable[[Any], Any]:
    """The schema compiled to Python: fast on the valid deliveries that are nearly all traffic;
    one it rejects is described by the full validator, which names every problem."""
    return fastjsonschema.compile({k: v for k, v in SCHEMA.items() if k != "$id"})


def _path(parts: Any) -> str:
    return ".".join(str(part) for part in parts) or "(body)"


def _describe(error: SchemaError) -> str:
    where = _path(error.absolute_path)
    rule, value = error.validator, error.validator_value
    if rule in {"required", "additionalProperties"}:
        return f"{where}: {error.message}"
    if rule == "pattern":
        return f"{where}: does not match the pattern {value}"
    if rule in {"const", "enum"}:
        return f"{where}: must be one of {json.dumps(value)}"
    if rule == "format":
        return f"{where}: is not a valid {value}"
    if rule == "type":
        return f"{where}: must be of type {value}"
    return f"{where}: violates {rule} {value}"


def _ids(document: Any) -> tuple[str | None, str | None]:
    if not isinstance(document, dict):
        return None, None
    ids = [document.get("delivery_id"), document.get("session_id")]
    delivery, session = (v[:64] if isinstance(v, str) else None for v in ids)
    return delivery, session


def parse(body: bytes, *, content_type: str | None) -> OcktoDelivery:
    """The typed delivery; raises `Refused` for anything the contract does not allow."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media != "application/json":
        raise Refused("unsupported_media_type", "Content-Type must be application/json", 415)
    try:
        document = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise Refused("not_utf8", "the body is not UTF-8 text", 400) from None
    except json.JSONDecodeError as error:
        raise Refused(
            "malformed_json", f"malformed JSON: {error.msg} at line {error.lineno}", 400
        ) from None
    if not isinstance(document, dict):
        raise Refused("not_an_object", "the body must be a JSON object", 422)
    delivery_id, session_id = _ids(document)
    if "schema_version" in document and document["schema_version"] != 1:
        raise Refused(
            "unsupported_schema_version",
            "schema_version: only version 1 is accepted",
            422,
            delivery_id,
            session_id,
        )
    try:
        _fast_validator()(document)
    except fastjsonschema.JsonSchemaException:
        errors = sorted(_VALIDATOR.iter_errors(document), key=lambda e: list(e.absolute_path))
        if errors:
            reasons = "; ".join(_describe(e) for e in errors[:5])
            more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
            raise Refused(
                "schema_violation",
                f"schema violation: {reasons}{more}",
                422,
                delivery_id,
                session_id,
            ) from None
    # Formats fastjsonschema leaves alone (uuid, date, date-time) the typed model checks.
    try:
        return OcktoDelivery.model_validate(document)
    except ValidationError as error:
        problems = error.errors(include_input=False, include_url=False)
        text = "; ".join(f"{_path(p['loc'])}: {p['msg']}" for p in problems[:5])
        raise Refused(
            "schema_violation", f"schema violation: {text}", 422, delivery_id, session_id
        ) from None


def check(delivery: OcktoDelivery, *, now: datetime) -> None:  # noqa: PLR0912 - a branch per rule
    """The rules the schema cannot say; raises `Refused` with the first one broken."""
    ids = {"delivery_id": str(delivery.delivery_id), "session_id": delivery.session_id}

    def refuse(code: str, reason: str) -> Refused:
        return Refused(code, reason, 422, **ids)

    roles = [person.role for person in delivery.persons]
    if roles.count("applicant") != 1 or len(set(roles)) != len(roles):
        raise refuse("persons_invalid", "persons: exactly one applicant and at most one partner")
    for index, person in enumerate(delivery.persons):
        if not is_valid_bsn(person.bsn):
            raise refuse("invalid_bsn", f"persons.{index}.bsn: fails the eleven-test")
    if len({p.bsn for p in delivery.persons}) != len(delivery.persons):
        raise refuse("persons_invalid", "persons: the same BSN appears twice")
    sources = {person.role: set(person.sources) for person in delivery.persons}
    today = now.date()
    if delivery.delivered_at > now + _CLOCK_SKEW:
        raise refuse("implausible_date", "delivered_at: lies in the future")
    if delivery.consent.given_at > delivery.delivered_at:
        raise refuse("implausible_date", "consent.given_at: lies after delivered_at")
    for index, income in enumerate(delivery.incomes):
        where = f"incomes.{index}"
        if income.person not in sources:
            raise refuse("unknown_person", f"{where}.person: {income.person} is not among persons")
        if income.source not in sources[income.person]:
            raise refuse(
                "source_not_consented",
                f"{where}.source: {income.source} is not among the sources of the {income.person}",
            )
        if (income.kind == "allowance") != (income.allowance_kind is not None):
            raise refuse(
                "allowance_kind_mismatch",
                f"{where}.allowance_kind: given exactly when kind is allowance",
            )
        if income.period_start > today:
            raise refuse("future_period", f"{where}.period_start: lies in the future")
        if income.period_end < income.period_start:
            raise refuse("invalid_period", f"{where}.period_end: lies before period_start")
        if income.net_amount > MAX_PERIOD_AMOUNT or (
            income.gross_amount is not None and income.gross_amount > MAX_PERIOD_AMOUNT * 2
        ):
            raise refuse("implausible_amount", f"{where}.net_amount: implausibly large")
        if income.gross_amount is not None and 0 < income.gross_amount < income.net_amount:
            raise refuse("implausible_amount", f"{where}.net_amount: larger than gross_amount")
    for index, asset in enumerate(delivery.assets):
        where = f"assets.{index}"
        if asset.person != "joint" and asset.person not in sources:
            raise refuse("unknown_person", f"{where}.person: {asset.person} is not among persons")
        if abs(asset.balance) > MAX_BALANCE:
            raise refuse("implausible_amount", f"{where}.balance: implausibly large")
        if asset.reference_date > today:
            raise refuse("future_period", f"{where}.reference_date: lies in the future")
    for index, document in enumerate(delivery.documents):
        if document.expires_at <= now:
            raise refuse("document_link_expired", f"documents.{index}.expires_at: has passed")
