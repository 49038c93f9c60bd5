"""The BSN eleven-test (elfproef) from the external contract."""

_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def is_valid_bsn(value: str) -> bool:
    """Nine digits whose weighted sum is divisible by 11 and not 0."""
    if len(value) != 9 or not value.isascii() or not value.isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(value, _WEIGHTS, strict=True))
    return total != 0 and total % 11 == 0
