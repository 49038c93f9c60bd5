"""Validation of one import record: a valid household, or every reason it is not (in Dutch).

Reasons name the column and never echo a value, so the report holds no personal data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from contracts.household import Address, Adult
from intake.bsn import is_valid_bsn
from intake.imports.reader import Cell, Record

FORMULA = "formule niet toegestaan"
# A text cell starting with one of these is run as a formula by spreadsheet programs.
_FORMULA_STARTS = ("=", "+", "-", "@")
_TEXT_COLUMNS = frozenset(
    {
        "initials",
        "prefix",
        "last_name",
        "street",
        "house_number_suffix",
        "city",
        "email",
        "policy_number",
        "partner_initials",
        "partner_prefix",
        "partner_last_name",
    }
)
_MAX_LENGTH = {
    "initials": 20,
    "prefix": 20,
    "last_name": 100,
    "street": 100,
    "house_number_suffix": 10,
    "city": 80,
    "email": 254,
    "policy_number": 50,
    "partner_initials": 20,
    "partner_prefix": 20,
    "partner_last_name": 100,
}
_PARTNER_COLUMNS = (
    "partner_bsn",
    "partner_initials",
    "partner_prefix",
    "partner_last_name",
    "partner_date_of_birth",
)
_POSTAL_CODE = re.compile(r"^([1-9][0-9]{3}) ?([A-Za-z]{2})$")
_HOUSE_NUMBER = re.compile(r"([0-9]{1,5})(?:\s*-?\s*([A-Za-z][A-Za-z0-9]{0,9})|-([0-9]{1,4}))?")
"""A house number with an optional suffix in the same cell: 7, 7a, 7 A, 7-a, 7-2, 12bis."""
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DUTCH_DATE = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")
_MAX_CHILDREN = 30


@dataclass(frozen=True)
class ValidRow:
    line: int
    applicant: Adult
    partner: Adult | None
    children_count: int
    email: str | None
    policy_number: str | None


@dataclass(frozen=True)
class RejectedRow:
    line: int
    reason: str


class _Problems:
    def __init__(self) -> None:
        self.reasons: list[str] = []
        self.columns: set[str] = set()

    def add(self, column: str, reason: str) -> None:
        self.reasons.append(f"{column}: {reason}")
        self.columns.add(column)

    def require(self, column: str, text: dict[str, str], reason: str = "ontbreekt") -> None:
        """Report `column` missing unless it has a value or was reported already."""
        if column not in text and column not in self.columns:
            self.add(column, reason)


def check(record: Record) -> ValidRow | RejectedRow:
    """The household of one record, or all reasons it cannot be imported, joined by `; `."""
    problems = _Problems()
    values = record.values
    if record.extra_cells:
        problems.add(
            "regel", "meer waarden dan kolommen in de kopregel (scheidingsteken in een waarde?)"
        )
    text = _texts(values, problems)
    bsn = _bsn(values.get("bsn"), "bsn", problems)
    for column in ("initials", "last_name"):
        problems.require(column, text)
    birth = _date(values.get("date_of_birth"), "date_of_birth", problems, missing="ontbreekt")
    problems.require("street", text)
    house_number, suffix = _house_number(values.get("house_number"), text, problems)
    postal_code = _postal_code(text.get("postal_code"), problems)
    problems.require("city", text)
    email = text.get("email")
    if email is not None and not _EMAIL.match(email):
        problems.add("email", "geen geldig e-mailadres")
    partner = _partner(values, text, problems, applicant_bsn=bsn)
    children = _children(values.get("children_count"), problems)
    if (
        problems.reasons
        or bsn is None
        or birth is None
        or house_number is None
        or postal_code is None
    ):
        return RejectedRow(record.line, "; ".join(problems.reasons))
    address = Address(
        street=text["street"],
        house_number=house_number,
        house_number_suffix=suffix,
        postal_code=postal_code,
        city=text["city"],
    )
    applicant = Adult(
        bsn=bsn,
        initials=text["initials"],
        prefix=text.get("prefix"),
        last_name=text["last_name"],
        date_of_birth=birth,
        email=email,
        address=address,
    )
    return ValidRow(
        line=record.line,
        applicant=applicant,
        partner=partner,
        children_count=children,
        email=email,
        policy_number=text.get("policy_number"),
    )


def _texts(values: dict[str, Cell], problems: _Problems) -> dict[str, str]:
    """Non-empty cells as stripped text; formulas and overlong values are reported."""
    texts: dict[str, str] = {}
    for column, value in values.items():
        if value is None:
            continue
        if isinstance(value, datetime | date):
            continue  # only dates may be real date cells; they are read by _date
        raw = _number_text(value) if isinstance(value, int | float) else str(value)
        stripped = raw.strip()
        if not stripped:
            continue
        if _has_formula(value, column):
            problems.add(column, FORMULA)
            continue
        limit = _MAX_LENGTH.get(column)
        if limit is not None and len(stripped) > limit:
            problems.add(column, f"langer dan {limit} tekens")
            continue
        texts[column] = stripped
    return texts


def _has_formula(value: Cell, column: str) -> bool:
    """A formula (`=`) in any column; in a text column also what a spreadsheet would run."""
    if not isinstance(value, str):
        return False
    stripped = value.strip()
    starts = _FORMULA_STARTS if column in _TEXT_COLUMNS else ("=",)
    return stripped.startswith(starts)


def _number_text(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _bsn(value: Cell, column: str, problems: _Problems) -> str | None:
    if column in problems.columns:
        return None  # a formula, reported by _texts
    if _blank(value):
        problems.add(column, "ontbreekt")
        return None
    text = _number_text(value) if isinstance(value, int | float) else str(value).strip()
    if len(text) == 8 and text.isdigit():
        text = "0" + text  # a spreadsheet drops the leading zero of a numeric cell
    if not is_valid_bsn(text):
        problems.add(column, "geen geldig BSN (9 cijfers, elfproef)")
        return None
    return text


def _date(value: Cell, column: str, problems: _Problems, *, missing: str) -> date | None:
    if column in problems.columns:
        return None
    if _blank(value):
        problems.add(column, missing)
        return None
    parsed = _parse_date(value)
    if parsed is None:
        problems.add(column, "onleesbare datum (gebruik JJJJ-MM-DD of DD-MM-JJJJ)")
        return None
    if parsed.year < 1900 or parsed > datetime.now(UTC).date():
        problems.add(column, "datum ligt niet tussen 1900 en vandaag")
        return None
    return parsed


def _parse_date(value: Cell) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.endswith(" 00:00:00"):
        text = text.removesuffix(" 00:00:00")
    if match := _ISO_DATE.match(text):
        year, month, day = match.groups()
    elif match := _DUTCH_DATE.match(text):
        day, month, year = match.groups()
    else:
        return None
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _house_number(
    value: Cell, text: dict[str, str], problems: _Problems
) -> tuple[int | None, str | None]:
    """The number and its suffix: "7", or "7a" / "7-a" / "7 bis" with the suffix in the same
    cell (as people write it), or the suffix in its own column; not both."""
    suffix = text.get("house_number_suffix")
    if "house_number" in problems.columns:
        return None, suffix
    if _blank(value):
        problems.add("house_number", "ontbreekt")
        return None, suffix
    cell = _number_text(value) if isinstance(value, int | float) else str(value).strip()
    match = _HOUSE_NUMBER.fullmatch(cell)
    if match is None or not 1 <= int(match.group(1)) <= 99999:
        problems.add(
            "house_number", "geen geldig huisnummer (cijfers, eventueel met toevoeging: 7 of 7a)"
        )
        return None, suffix
    number, attached = int(match.group(1)), match.group(2) or match.group(3)
    if attached and suffix and attached.upper() != suffix.upper():
        problems.add("house_number", "andere toevoeging dan in house_number_suffix")
        return None, suffix
    return number, suffix or attached


def _postal_code(text: str | None, problems: _Problems) -> str | None:
    if text is None:
        problems.require("postal_code", {})
        return None
    match = _POSTAL_CODE.match(text)
    if match is None:
        problems.add("postal_code", "geen geldige postcode (1234 AB)")
        return None
    return f"{match.group(1)} {match.group(2).upper()}"


def _children(value: Cell, problems: _Problems) -> int:
    if _blank(value) or "children_count" in problems.columns:
        return 0
    text = _number_text(value) if isinstance(value, int | float) else str(value).strip()
    if not text.isascii() or not text.isdigit() or int(text) > _MAX_CHILDREN:
        problems.add("children_count", f"geen geheel getal van 0 tot en met {_MAX_CHILDREN}")
        return 0
    return int(text)


def _partner(
    values: dict[str, Cell],
    text: dict[str, str],
    problems: _Problems,
    *,
    applicant_bsn: str | None,
) -> Adult | None:
    if all(_blank(values.get(column)) for column in _PARTNER_COLUMNS):
        return None
    if _blank(values.get("partner_bsn")):
        problems.add("partner_bsn", "ontbreekt terwijl er partnergegevens zijn ingevuld")
        return None
    bsn = _bsn(values.get("partner_bsn"), "partner_bsn", problems)
    if bsn is not None and bsn == applicant_bsn:
        problems.add("partner_bsn", "gelijk aan het BSN van de aanvrager")
    required = "ontbreekt (verplicht bij partner_bsn)"
    problems.require("partner_initials", text, required)
    problems.require("partner_last_name", text, required)
    birth = _date(
        values.get("partner_date_of_birth"), "partner_date_of_birth", problems, missing=required
    )
    if problems.reasons or bsn is None or birth is None:
        return None
    return Adult(
        bsn=bsn,
        initials=text["partner_initials"],
        prefix=text.get("partner_prefix"),
        last_name=text["partner_last_name"],
        date_of_birth=birth,
    )


def _blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
