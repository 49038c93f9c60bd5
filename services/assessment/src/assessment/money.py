"""Amounts and dates written the Dutch way: `€ 1.702,00`, `1 september 2026`."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

CENT = Decimal("0.01")
_MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def cents(amount: Decimal) -> Decimal:
    """Rounded to whole cents, half up (as amounts are shown)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@lru_cache(maxsize=8192)
def euro(amount: Decimal) -> str:
    """`€ 1.702,00`; a negative amount `€ -1.200,00`."""
    text = format(cents(amount), ",.2f")  # 1,702.00: swap the separators
    return "€ " + text.replace(",", " ").replace(".", ",").replace(" ", ".")


@lru_cache(maxsize=256)
def percentage(value: Decimal) -> str:
    """`120%`, `112,5%`."""
    text = format(value.normalize(), "f")
    return text.replace(".", ",") + "%"


def long_date(value: date) -> str:
    """`1 september 2026`."""
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"
