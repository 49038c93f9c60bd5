"""Amounts written the Dutch way: `€ 1.702,00`, `112,5%` (dates: `contracts.vocabulary.long_date`)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

CENT = Decimal("0.01")


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
