import pytest

from intake.bsn import is_valid_bsn


@pytest.mark.parametrize("bsn", ["111222333", "123456782", "999999990", "312966210", "171497685"])
def test_valid_numbers_pass(bsn: str) -> None:
    assert is_valid_bsn(bsn)


@pytest.mark.parametrize(
    "bsn",
    [
        "111222334",
        "123456789",
        "000000000",
        "12345678",
        "1234567890",
        "12345678a",
        "１１１２２２３３３",
    ],
)
def test_invalid_numbers_fail(bsn: str) -> None:
    assert not is_valid_bsn(bsn)
