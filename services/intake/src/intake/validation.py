"""Turns a raw body into a typed application, or into a specific reason to quarantine it.

Reasons name the field and the rule, never the offending value: they are shown to staff and
may reach operators' screens, while the raw body (personal data) stays in the database.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError as SchemaError
from pydantic import ValidationError

from contracts.gezondverzekerd import SCHEMA, ApplicationSubmitted
from contracts.household import Adult
from intake import strict_json
from intake.bsn import is_valid_bsn

# JSON Schema patterns are ECMA-262 regular expressions, where `$` is the end of the text;
# Python's `$` also matches before a final newline ("GV-2026-8136324\n" would pass). The same
# rewrite as fastjsonschema's, so that both validators agree.
_DOLLAR = re.compile(r"(?<!\\)\$")


@functools.cache
def _ecma(pattern: str) -> re.Pattern[str]:
    return re.compile(_DOLLAR.sub(r"\\Z", pattern))


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[SchemaError]:
    if validator.is_type(instance, "string") and not _ecma(pattern).search(instance):
        yield SchemaError(f"does not match the pattern {pattern}")


_VALIDATOR = validators.extend(Draft202012Validator, {"pattern": _pattern})(
    SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER
)


@functools.cache
def _fast_validator() -> Callable[[Any], Any]:
    """The same schema compiled to Python code: about 20 times faster on the valid messages
    that make up nearly all traffic. A message it rejects is described by the full validator,
    which names every problem. (`$id` is dropped so that `#/$defs/...` resolves locally.)"""
    return fastjsonschema.compile({k: v for k, v in SCHEMA.items() if k != "$id"})


def _conforms(document: Any) -> bool:
    try:
        _fast_validator()(document)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


_OLDEST_BIRTH = date(1900, 1, 1)
_CLOCK_SKEW = timedelta(hours=1)


@dataclass(frozen=True)
class Rejection:
    code: str
    reason: str
    municipality_code: str | None = None


def parse_body(body: bytes) -> ApplicationSubmitted | Rejection:
    """Strict JSON, then the contract's schema, then the typed model."""
    try:
        text = body.decode("utf-8")
        document = strict_json.parse(text)
    except UnicodeDecodeError:
        return Rejection("malformed_json", "body is not UTF-8 text")
    except strict_json.RefusedJsonError as error:
        return Rejection(error.code, error.reason)
    municipality = _municipality_of(document)
    if found := strict_json.problem(document, text):
        return Rejection(*found, municipality)
    if isinstance(document, dict) and document.get("schema_version", 1) != 1:
        version = document.get("schema_version")
        shown = version if isinstance(version, int) else type(version).__name__
        return Rejection(
            "unsupported_schema_version",
            f"unsupported schema_version {shown}: only version 1 is accepted",
            municipality,
        )
    if _conforms(document):
        errors = []
    else:
        errors = sorted(_VALIDATOR.iter_errors(document), key=lambda e: list(e.absolute_path))
        if not errors:  # the validators disagree: the refusal stands
            return Rejection(
                "schema_violation",
                "schema violation: the message breaks the contract",
                municipality,
            )
    if errors:
        reasons = "; ".join(_describe(error) for error in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        return Rejection("schema_violation", f"schema violation: {reasons}{more}", municipality)
    try:
        return ApplicationSubmitted.model_validate(document)
    except ValidationError as error:
        problems = error.errors(include_input=False, include_url=False)
        text = "; ".join(f"{_path(p['loc'])}: {p['msg']}" for p in problems[:5])
        return Rejection("schema_violation", f"schema violation: {text}", municipality)


def _municipality_of(document: Any) -> str | None:
    if isinstance(document, dict) and isinstance(document.get("application"), dict):
        code = document["application"].get("municipality_code")
        if isinstance(code, str) and len(code) == 4 and code.isdigit():
            return code
    return None


def _path(parts: Any) -> str:
    return ".".join(str(part) for part in parts) or "(message)"


def _describe(error: SchemaError) -> str:
    where = _path(error.absolute_path)
    rule = error.validator
    value = error.validator_value
    if rule == "required":
        return f"{where}: {error.message}"
    if rule == "additionalProperties":
        return f"{where}: {error.message}"
    if rule == "pattern":
        return f"{where}: does not match the pattern {value}"
    if rule == "const":
        return f"{where}: must be {json.dumps(value)}"
    if rule == "format":
        return f"{where}: is not a valid {value}"
    if rule == "type":
        return f"{where}: must be of type {value}"
    if rule in {"minLength", "maxLength", "minimum", "maximum", "maxItems"}:
        return f"{where}: violates {rule} {value}"
    return f"{where}: fails the rule {rule}"


def check_rules(message: ApplicationSubmitted, *, now: datetime | None = None) -> Rejection | None:
    """The domain rules the schema cannot say: BSNs, plausible dates."""
    application = message.application
    code = application.municipality_code
    adults: list[tuple[str, Adult]] = [("applicant", application.applicant)]
    if application.partner is not None:
        adults.append(("partner", application.partner))
    for role, adult in adults:
        if not is_valid_bsn(adult.bsn):
            return Rejection("invalid_bsn", f"BSN of the {role} fails the eleven-test", code)
    for index, child in enumerate(application.children, start=1):
        if not is_valid_bsn(child.bsn):
            return Rejection("invalid_bsn", f"BSN of child {index} fails the eleven-test", code)
    bsns = [adult.bsn for _, adult in adults] + [child.bsn for child in application.children]
    if len(set(bsns)) != len(bsns):
        return Rejection("duplicate_bsn", "the same BSN appears twice in the household", code)
    return _check_dates(message, now or datetime.now(UTC))


def _check_dates(message: ApplicationSubmitted, now: datetime) -> Rejection | None:
    application = message.application
    code = application.municipality_code
    today = now.date()
    if application.submitted_at > now + _CLOCK_SKEW:
        return Rejection("implausible_date", "submitted_at lies in the future", code)
    submitted = application.submitted_at.date()
    if (
        not submitted - timedelta(days=366)
        <= application.requested_start_date
        <= submitted + timedelta(days=366)
    ):
        return Rejection(
            "implausible_date", "requested_start_date is more than a year from submitted_at", code
        )
    births = [("applicant", application.applicant.date_of_birth)]
    if application.partner is not None:
        births.append(("partner", application.partner.date_of_birth))
    for role, born in births:
        if not _OLDEST_BIRTH <= born <= today - timedelta(days=16 * 365):
            return Rejection(
                "implausible_date", f"date_of_birth of the {role} is implausible", code
            )
    for index, child in enumerate(application.children, start=1):
        if not _OLDEST_BIRTH <= child.date_of_birth <= today:
            return Rejection(
                "implausible_date", f"date_of_birth of child {index} is implausible", code
            )
    return None
