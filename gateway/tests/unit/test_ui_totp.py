"""TOTP codes (drift, replay), recovery codes and the encrypted secret."""

from __future__ import annotations

from datetime import UTC, datetime

import pyotp
import pytest

from gateway.staff import totp
from gateway.ui.settings import DEVELOPMENT_TOTP_KEY

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NOW = 1_800_000_000.0


def code_at(offset_steps: int) -> str:
    return pyotp.TOTP(SECRET).at(NOW + 30 * offset_steps)


def test_current_and_neighbouring_codes_match() -> None:
    current = pyotp.TOTP(SECRET).timecode(datetime.fromtimestamp(NOW, tz=UTC))

    assert totp.matching_step(SECRET, code_at(0), last_step=None, now=NOW) == current
    assert totp.matching_step(SECRET, code_at(-1), last_step=None, now=NOW) == current - 1
    assert totp.matching_step(SECRET, code_at(1), last_step=None, now=NOW) == current + 1
    assert totp.matching_step(SECRET, code_at(3), last_step=None, now=NOW) is None


@pytest.mark.parametrize("code", ["", "12345", "abcdef", "1234567"])
def test_malformed_codes_do_not_match(code: str) -> None:
    assert totp.matching_step(SECRET, code, last_step=None, now=NOW) is None


def test_a_used_step_cannot_be_used_again() -> None:
    step = totp.matching_step(SECRET, code_at(0), last_step=None, now=NOW)

    assert totp.matching_step(SECRET, code_at(0), last_step=step, now=NOW) is None
    assert totp.matching_step(SECRET, code_at(-1), last_step=step, now=NOW) is None


def test_recovery_codes_are_random_and_hashed_without_formatting() -> None:
    codes = totp.new_recovery_codes()

    assert len(set(codes)) == totp.RECOVERY_CODE_COUNT
    assert all(totp.looks_like_recovery_code(code) for code in codes)
    assert totp.hash_recovery_code(codes[0]) == totp.hash_recovery_code(
        codes[0].upper().replace("-", " ")
    )


def test_secrets_are_sealed() -> None:
    box = totp.SecretBox(DEVELOPMENT_TOTP_KEY)
    sealed = box.seal(SECRET)

    assert SECRET.encode() not in sealed
    assert box.open(sealed) == SECRET
    assert box.open(b"tampered") is None


def test_the_qr_code_is_an_svg_without_inline_style_or_script() -> None:
    svg = totp.qr_svg(totp.provisioning_uri(SECRET, username="a@b", issuer="Backoffice"))

    assert svg.startswith("<svg")
    assert "style" not in svg
    assert "script" not in svg


def test_the_qr_code_scales_with_a_view_box_and_no_fixed_size() -> None:
    svg = totp.qr_svg(totp.provisioning_uri(SECRET, username="a@b", issuer="Backoffice"))
    opening = svg[: svg.index(">")]

    assert "viewBox=" in opening
    assert "width=" not in opening
    assert "height=" not in opening
