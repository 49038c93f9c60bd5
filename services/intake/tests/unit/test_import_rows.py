"""Row validation of the re-examination import: one record in, a household or the reasons out."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from intake.imports.reader import Cell, Record
from intake.imports.report import neutralise
from intake.imports.rows import FORMULA, RejectedRow, ValidRow, check

from ..import_files import make_bsn, resident


def record(line: int = 2, extra: bool = False, **changes: Any) -> Record:
    values: dict[str, Cell] = resident(1, **changes)
    return Record(line=line, values=values, extra_cells=extra)


def reason(**changes: Any) -> str:
    result = check(record(**changes))
    assert isinstance(result, RejectedRow), result
    return result.reason


def test_a_complete_row_becomes_a_household() -> None:
    result = check(record())
    assert isinstance(result, ValidRow)
    assert result.line == 2
    assert result.applicant.bsn == make_bsn(1)
    assert result.applicant.address is not None
    assert result.applicant.address.postal_code == "1234 AB"
    assert result.applicant.address.house_number_suffix is None
    assert result.partner is None
    assert result.children_count == 0
    assert result.policy_number == "GP-0000001"


def test_a_couple_with_children() -> None:
    result = check(
        record(
            partner_bsn=make_bsn(2),
            partner_initials="A.",
            partner_last_name="Jansen",
            partner_date_of_birth="02-03-1963",
            children_count="3",
        )
    )
    assert isinstance(result, ValidRow)
    assert result.partner is not None
    assert result.partner.date_of_birth.isoformat() == "1963-03-02"
    assert result.children_count == 3


@pytest.mark.parametrize(
    ("cell", "suffix_column", "number", "suffix"),
    [
        ("7a", None, 7, "a"),
        ("7 A", None, 7, "A"),
        ("7-a", None, 7, "a"),
        ("7-2", None, 7, "2"),
        ("12bis", None, 12, "bis"),
        ("7a", "a", 7, "a"),
        ("7", "hs", 7, "hs"),
        (7.0, None, 7, None),
    ],
)
def test_a_house_number_may_carry_its_suffix(
    cell: Any, suffix_column: str | None, number: int, suffix: str | None
) -> None:
    result = check(record(house_number=cell, house_number_suffix=suffix_column))

    assert isinstance(result, ValidRow), result
    assert result.applicant.address is not None
    assert result.applicant.address.house_number == number
    assert result.applicant.address.house_number_suffix == suffix


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"bsn": "123456789"}, "bsn: geen geldig BSN (9 cijfers, elfproef)"),
        ({"bsn": ""}, "bsn: ontbreekt"),
        ({"date_of_birth": "23/04/1961"}, "date_of_birth: onleesbare datum"),
        ({"date_of_birth": "1961-02-30"}, "date_of_birth: onleesbare datum"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth: datum ligt niet tussen 1900 en vandaag"),
        ({"postal_code": "0123 AB"}, "postal_code: geen geldige postcode (1234 AB)"),
        ({"postal_code": ""}, "postal_code: ontbreekt"),
        ({"house_number": "12 a b"}, "house_number: geen geldig huisnummer"),
        ({"house_number": "a12"}, "house_number: geen geldig huisnummer"),
        (
            {"house_number": "12a", "house_number_suffix": "b"},
            "house_number: andere toevoeging dan in house_number_suffix",
        ),
        ({"children_count": "-1"}, "children_count: geen geheel getal van 0 tot en met 30"),
        ({"children_count": "twee"}, "children_count: geen geheel getal"),
        ({"email": "geen-adres"}, "email: geen geldig e-mailadres"),
        ({"last_name": ""}, "last_name: ontbreekt"),
        ({"city": "x" * 81}, "city: langer dan 80 tekens"),
        ({"partner_last_name": "Jansen"}, "partner_bsn: ontbreekt terwijl er partnergegevens"),
        ({"partner_bsn": make_bsn(1)}, "partner_bsn: gelijk aan het BSN van de aanvrager"),
    ],
)
def test_each_problem_names_its_column(changes: dict[str, Any], expected: str) -> None:
    assert expected in reason(**changes)


def test_a_partner_needs_initials_name_and_date_of_birth() -> None:
    assert reason(partner_bsn=make_bsn(2)) == (
        "partner_initials: ontbreekt (verplicht bij partner_bsn); "
        "partner_last_name: ontbreekt (verplicht bij partner_bsn); "
        "partner_date_of_birth: ontbreekt (verplicht bij partner_bsn)"
    )


def test_all_problems_of_a_row_are_reported_together() -> None:
    assert reason(bsn="111111111", postal_code="XYZ", city="") == (
        "bsn: geen geldig BSN (9 cijfers, elfproef); postal_code: geen geldige postcode "
        "(1234 AB); city: ontbreekt"
    )


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("last_name", '=HYPERLINK("http://evil.example","klik")'),
        ("city", "=cmd|' /C calc'!A0"),
        ("initials", "+J."),
        ("street", "-2+3"),
        ("prefix", "@SUM(A1)"),
        ("partner_last_name", " =1+1"),
        ("bsn", "=123456782"),
        ("date_of_birth", "=DATE(1961,4,23)"),
    ],
)
def test_formulas_are_refused_not_stripped(column: str, value: str) -> None:
    changes: dict[str, Any] = {column: value}
    if column.startswith("partner_"):
        changes.update(
            partner_bsn=make_bsn(2), partner_initials="A.", partner_date_of_birth="1963-03-02"
        )
    assert reason(**changes) == f"{column}: {FORMULA}"


def test_the_bsn_is_never_echoed() -> None:
    bad = "123456789"
    assert bad not in reason(bsn=bad, partner_bsn=bad)


def test_spreadsheet_cells_are_read_as_typed() -> None:
    bsn = make_bsn(3)
    numeric = int(bsn)  # a numeric cell; a leading zero would be lost
    result = check(
        record(
            bsn=numeric,
            date_of_birth=datetime(1961, 4, 23),  # noqa: DTZ001 - a spreadsheet date is naive
            house_number=12.0,
            children_count=2.0,
            postal_code="1234ab",
        )
    )
    assert isinstance(result, ValidRow)
    assert result.applicant.bsn == bsn
    assert result.applicant.date_of_birth.isoformat() == "1961-04-23"
    assert result.children_count == 2


def test_a_numeric_bsn_gets_its_leading_zero_back() -> None:
    result = check(record(bsn=12345672))  # BSN 012345672 as a number cell
    assert isinstance(result, ValidRow)
    assert result.applicant.bsn == "012345672"


def test_more_values_than_columns_is_refused() -> None:
    assert reason(extra=True).startswith("regel: meer waarden dan kolommen")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("=1+1", "'=1+1"), ("+31", "'+31"), ("-", "'-"), ("@x", "'@x"), ("gewoon", "gewoon")],
)
def test_report_cells_are_neutralised(cell: str, expected: str) -> None:
    assert neutralise(cell) == expected
